"""Queries about the data itself: what was loaded, and what was rejected and why."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pandas as pd

from etl.registers import BY_KIND
from etl.report import status_word
from queries.labels import METRICS
from queries.metrics import Period, Scope, _params, has_column, run
from queries.paging import Listing, ListSpec, Page, listing
from queries.privacy import mask_text
from queries.rejections import CURRENT_REJECTIONS_SQL, MASKED_HEADERS, masked_rejection
from queries.scope import Viewer, visible_loads

REJECTION_COLUMNS = ["file_name", "sheet", "row_no", "column_name", "value", "reason"]


# The warnings of each file's latest load: a status moved back, two files disagreeing.
CURRENT_WARNINGS_SQL = """
    SELECT w.file_name, coalesce(w.sheet, '') AS sheet, w.row_no, w.record_id, w.message AS warning
    FROM load_warnings w
    WHERE w.load_id IN (SELECT max(load_id) FROM load_log WHERE status = 'loaded' GROUP BY file_name)
    ORDER BY w.load_id, w.row_no
"""


WARNING_COLUMNS = ["file_name", "sheet", "row_no", "record_id", "warning"]


def load_warnings(con: duckdb.DuckDBPyConnection, scope: Scope, viewer: Viewer, page: Page = Page()) -> Listing:
    """Rows that loaded but deserve a look, from each file's latest load the viewer may see
    (visible_loads; ids are not personal).

    Empty for a database published before the table existed (the dashboard never
    changes the schema: it opens the file read-only).
    """
    if not has_column(con, "load_warnings", "load_id"):
        return Listing(pd.DataFrame(columns=WARNING_COLUMNS), 0, page)
    base = CURRENT_WARNINGS_SQL.replace(
        "    ORDER BY w.load_id, w.row_no",
        f"      AND w.load_id IN (SELECT l.load_id FROM load_log l WHERE {visible_loads(con)})")
    spec = ListSpec(base=base.replace("SELECT w.file_name,", "SELECT w.load_id, w.file_name,"),
                    shown="SELECT p.file_name, p.sheet, p.row_no, p.record_id, p.warning FROM listed p",
                    order="load_id, row_no", tiebreak="file_name, record_id")
    return listing(con, spec, _viewer_params(scope, viewer), page)


def _viewer_params(scope: Scope, viewer: Viewer) -> dict:
    return {"towns": list(scope.township_codes), "viewer": viewer.username, "everything": viewer.everything}


def _scoped_rejections_sql(con: duckdb.DuckDBPyConnection) -> str:
    """current_rejections of the loads the viewer may see (visible_loads)."""
    return CURRENT_REJECTIONS_SQL.replace(
        "    ORDER BY r.file_name, r.row_no",
        f"      AND r.load_id IN (SELECT l.load_id FROM load_log l WHERE {visible_loads(con)})\n"
        "    ORDER BY r.file_name, r.row_no")


def scoped_rejections(con: duckdb.DuckDBPyConnection, scope: Scope, viewer: Viewer) -> list[tuple]:
    """current_rejections of the loads the viewer may see (visible_loads)."""
    return [row for batch in rejection_batches(con, scope, viewer) for row in batch]


def rejection_batches(
    con: duckdb.DuckDBPyConnection, scope: Scope, viewer: Viewer, size: int = 50_000
) -> Iterator[list[tuple]]:
    """scoped_rejections in batches, for exports of any length in bounded memory."""
    result = run(con, _scoped_rejections_sql(con), {**MASKED_HEADERS, **_viewer_params(scope, viewer)})
    while batch := result.fetchmany(size):
        yield [masked_rejection(row) for row in batch]


def rejections_count(con: duckdb.DuckDBPyConnection, scope: Scope, viewer: Viewer) -> int:
    """How many rows the viewer may see are still rejected (however many millions: the page shows
    them a page at a time)."""
    sql = f"SELECT count(*) FROM ({_scoped_rejections_sql(con)})"
    return run(con, sql, {**MASKED_HEADERS, **_viewer_params(scope, viewer)}).fetchall()[0][0]


def rejections_page(
    con: duckdb.DuckDBPyConnection, scope: Scope, viewer: Viewer, offset: int, limit: int
) -> pd.DataFrame:
    """One page of scoped_rejections as a frame (values masked), in the same order."""
    sql = _scoped_rejections_sql(con) + "    LIMIT $limit OFFSET $offset\n"
    params = {**MASKED_HEADERS, **_viewer_params(scope, viewer), "offset": offset, "limit": limit}
    return pd.DataFrame([masked_rejection(row) for row in run(con, sql, params).fetchall()], columns=REJECTION_COLUMNS)


LATEST_RECORD_SQL = """
    SELECT max(d) FROM (
        SELECT max(date) AS d FROM activities WHERE township_code IN (SELECT unnest($towns))
        UNION ALL SELECT max(received_on) FROM suggestions_of($towns)
        UNION ALL SELECT max(date) FROM visits WHERE township_code IN (SELECT unnest($towns)))
"""


def latest_record_date(con: duckdb.DuckDBPyConnection, scope: Scope):
    """The newest date in any log register of the scope: the default period ends at its quarter."""
    return run(con, LATEST_RECORD_SQL, {"towns": list(scope.township_codes)}).fetchall()[0][0]


def township_roster(con: duckdb.DuckDBPyConnection, scope: Scope) -> list[tuple]:
    """(code, name, county, term_start) of every township of the scope, for the scope filter."""
    return con.execute(
        "SELECT township_code, township_name, county, term_start FROM townships "
        "WHERE township_code IN (SELECT unnest($towns)) ORDER BY county, township_code",
        {"towns": list(scope.township_codes)},
    ).fetchall()


def station_roster(con: duckdb.DuckDBPyConnection, scope: Scope) -> list[tuple]:
    """(station id, name) of the stations in a scope, for the station filter."""
    return con.execute(
        "SELECT station_id, station_name FROM stations "
        "WHERE township_code IN (SELECT unnest($towns)) ORDER BY station_id",
        {"towns": list(scope.township_codes)},
    ).fetchall()


# --- the 数据 page ------------------------------------------------------------

LOAD_HISTORY_SQL = """
    SELECT load_id, date_trunc('second', loaded_at) AS loaded_at, file_name, kind, coalesce(sheet, '') AS sheet,
           rows_read, rows_accepted, rows_rejected, coalesce(rows_skipped, 0) AS rows_skipped, status,
           coalesce(message, '') AS message{loaded_by}
    FROM load_log l
    WHERE {visible}
"""


def load_history(con: duckdb.DuckDBPyConnection, scope: Scope, viewer: Viewer, page: Page = Page()) -> Listing:
    """The loads the viewer may see, newest first, with register, result and who loaded: what came in, and when."""
    scoped = "township_codes" in visible_loads(con)
    spec = ListSpec(
        base=LOAD_HISTORY_SQL.format(visible=visible_loads(con), loaded_by=", coalesce(loaded_by, '') AS loaded_by"
                                     if scoped else ", '' AS loaded_by"),
        shown="""SELECT p.loaded_at, p.file_name, p.kind, p.sheet, p.rows_read, p.rows_accepted, p.rows_rejected,
                        p.rows_skipped, p.status, p.message, p.loaded_by FROM listed p""",
        order="loaded_at DESC", tiebreak="load_id DESC", after=_worded,
        orders={"loaded_at": "loaded_at", "file_name": "file_name", "rows_rejected": "rows_rejected"})
    return listing(con, spec, _viewer_params(scope, viewer), page)


def _worded(frame: pd.DataFrame) -> pd.DataFrame:
    """The register's and the result's Chinese words."""
    frame["register"] = frame["kind"].map({kind: r.title for kind, r in BY_KIND.items()}).fillna("—")
    frame["result"] = [status_word(status, rejected) for status, rejected in zip(
        frame["status"], frame["rows_rejected"].fillna(0).astype(int), strict=True)]
    return frame


# Each register's rows (and each log's newest record date) per township, of the townships `{mine}` keeps.
REGISTER_ROWS_CTES = """
    station_rows AS (SELECT township_code, count(*) AS n FROM stations WHERE {mine} GROUP BY ALL),
    deputy_rows AS (SELECT township_code, count(*) AS n FROM deputies WHERE {mine} GROUP BY ALL),
    household_rows AS (SELECT township_code, count(*) AS n FROM households WHERE {mine} GROUP BY ALL),
    activity_rows AS (
        SELECT township_code, count(*) AS n, max(date) AS latest FROM activities WHERE {mine} GROUP BY ALL
    ),
    suggestion_rows AS (
        SELECT township_code, count(*) AS n, max(received_on) AS latest FROM suggestions WHERE {mine} GROUP BY ALL
    ),
    visit_rows AS (SELECT township_code, count(*) AS n, max(date) AS latest FROM visits WHERE {mine} GROUP BY ALL)"""
REGISTER_COUNTS_SELECT = """
    SELECT t.*, coalesce(s.n, 0) AS stations, coalesce(d.n, 0) AS deputies, coalesce(h.n, 0) AS households,
           coalesce(a.n, 0) AS activities, CAST(a.latest AS VARCHAR) AS activities_latest,
           coalesce(g.n, 0) AS suggestions, CAST(g.latest AS VARCHAR) AS suggestions_latest,
           coalesce(v.n, 0) AS visits, CAST(v.latest AS VARCHAR) AS visits_latest
    FROM {towns} t
    LEFT JOIN station_rows s USING (township_code)
    LEFT JOIN deputy_rows d USING (township_code)
    LEFT JOIN household_rows h USING (township_code)
    LEFT JOIN activity_rows a USING (township_code)
    LEFT JOIN suggestion_rows g USING (township_code)
    LEFT JOIN visit_rows v USING (township_code)
"""
SCOPE_TOWNS_SQL = """SELECT township_code, township_name, county FROM townships
                     WHERE township_code IN (SELECT unnest($towns))"""
COUNTS_SHOWN = """SELECT p.township_code, p.township_name, p.stations, p.deputies, p.households, p.activities,
                         p.activities_latest, p.suggestions, p.suggestions_latest, p.visits, p.visits_latest
                  FROM {rows} p"""
COUNT_ORDERS = {"activities": "activities", "suggestions": "suggestions", "visits": "visits",
                "activities_latest": "activities_latest", "suggestions_latest": "suggestions_latest",
                "visits_latest": "visits_latest"}
# In the roster's order (the default) the list is the scope's townships and only the page's are
# counted; sorted by a count or a date, every township of the scope is (ALL_REGISTER_COUNTS). A
# province's six registers grouped whole cost 30 ms where one township shows its own.
REGISTER_COUNTS = ListSpec(
    base=SCOPE_TOWNS_SQL,
    ctes=f""",
    {REGISTER_ROWS_CTES.format(mine="township_code IN (SELECT township_code FROM listed)")},
    counted AS ({REGISTER_COUNTS_SELECT.format(towns="listed")})""",
    shown=COUNTS_SHOWN.format(rows="counted"), order="county", tiebreak="township_code",
)
ALL_REGISTER_COUNTS = ListSpec(
    base=f"WITH towns AS ({SCOPE_TOWNS_SQL}),{REGISTER_ROWS_CTES.format(mine='true')}"
         f"{REGISTER_COUNTS_SELECT.format(towns='towns')}",
    shown=COUNTS_SHOWN.format(rows="listed"), order="county", tiebreak="township_code", orders=COUNT_ORDERS,
)


def register_counts(con: duckdb.DuckDBPyConnection, scope: Scope, page: Page = Page()) -> Listing:
    """Rows of every register and the newest record date of each log (ISO text), per township of the scope."""
    spec = ALL_REGISTER_COUNTS if page.order in COUNT_ORDERS else REGISTER_COUNTS
    return listing(con, spec, {"towns": list(scope.township_codes)}, page)


# The log registers whose months can be empty, in the order the page shows them.
COMPLETENESS_REGISTERS = [(kind, BY_KIND[kind].title) for kind in ("activities", "suggestions", "visits")]

COMPLETENESS_SQL = """
    WITH months AS (
        SELECT unnest(generate_series(date_trunc('month', $start::DATE),
                                      date_trunc('month', $end::DATE), INTERVAL 1 MONTH))::DATE AS month
    ),
    towns AS (
        SELECT township_code, township_name, county FROM townships
        WHERE township_code IN (SELECT unnest($towns))
    ),
    registers AS (SELECT unnest($kinds) AS register, generate_subscripts($kinds, 1) AS register_order),
    records AS (
        SELECT 'activities' AS register, township_code, date_trunc('month', date)::DATE AS month, count(*) AS n
        FROM activities_in($start, $end, $towns) GROUP BY ALL
        UNION ALL
        SELECT 'suggestions', township_code, date_trunc('month', received_on)::DATE, count(*)
        FROM suggestions_of($towns) WHERE received_on BETWEEN $start AND $end GROUP BY ALL
        UNION ALL
        SELECT 'visits', township_code, date_trunc('month', date)::DATE, count(*)
        FROM visits_in($start, $end, $towns) GROUP BY ALL
    )
    SELECT r.register, {unit_code} AS township_code, {unit_name} AS township_name, m.month,
           sum(coalesce(f.n, 0))::BIGINT AS records,
           CASE WHEN count(f.n) = 0 THEN $empty ELSE CAST(sum(f.n) AS VARCHAR) END AS cell_text
    FROM registers r CROSS JOIN towns t CROSS JOIN months m
    LEFT JOIN records f ON f.register = r.register AND f.township_code = t.township_code AND f.month = m.month
    GROUP BY r.register, r.register_order, t.county, {unit_code}, {unit_name}, m.month
    ORDER BY r.register_order, t.county, {unit_code}, m.month
"""
BY_TOWNSHIP, BY_COUNTY = "township", "county"
UNIT_COMPLETENESS_SQL = {  # a county's cell adds up its townships' (and is 空 only when all are)
    BY_TOWNSHIP: COMPLETENESS_SQL.format(unit_code="t.township_code", unit_name="t.township_name"),
    BY_COUNTY: COMPLETENESS_SQL.format(unit_code="t.county", unit_name="t.county"),
}
EMPTY_CELL = "空"


def completeness(
    con: duckdb.DuckDBPyConnection, scope: Scope, period: Period, by: str = BY_TOWNSHIP,
) -> pd.DataFrame:
    """Records per register × township (or county) × month of the period; a month without any is
    marked 空, so a township that has not sent its register for a month stands out."""
    params = _params(scope, period, kinds=[kind for kind, _ in COMPLETENESS_REGISTERS], empty=EMPTY_CELL)
    return run(con, UNIT_COMPLETENESS_SQL[by], params).df()


# The rows behind a completeness cell: what each log register holds for a township and period.
REGISTER_ROWS = {
    "activities": ListSpec(
        base="""
            SELECT a.township_code, t.township_name, '' AS record_id, a.date AS record_day,
                   a.kind || '：' || a.title AS description, a.source_file, a.source_row
            FROM activities_in($start, $end, $towns) a JOIN townships t USING (township_code)
        """,
        shown="""SELECT p.township_name, p.record_id, CAST(p.record_day AS VARCHAR) AS record_date, p.description,
                        p.source_file, p.source_row FROM listed p""",
        order="record_day, township_code, source_file", tiebreak="source_row"),
    "suggestions": ListSpec(
        base="""
            SELECT s.township_code, t.township_name, s.suggestion_id AS record_id, s.received_on AS record_day,
                   s.source || '：' || s.summary AS description, s.source_file, s.source_row
            FROM suggestions_of($towns) s JOIN townships t USING (township_code)
            WHERE s.received_on BETWEEN $start AND $end
        """,
        shown="""SELECT p.township_name, p.record_id, CAST(p.record_day AS VARCHAR) AS record_date, p.description,
                        p.source_file, p.source_row FROM listed p""",
        order="record_day, township_code, source_file", tiebreak="source_row"),
    "visits": ListSpec(
        base="""
            SELECT v.township_code, t.township_name, coalesce(v.household_id, v.enterprise, '') AS record_id,
                   v.date AS record_day, v.target_kind || coalesce('（' || v.village || '）', '') AS description,
                   v.source_file, v.source_row
            FROM visits_in($start, $end, $towns) v JOIN townships t USING (township_code)
        """,
        shown="""SELECT p.township_name, p.record_id, CAST(p.record_day AS VARCHAR) AS record_date, p.description,
                        p.source_file, p.source_row FROM listed p""",
        order="record_day, township_code, source_file", tiebreak="source_row"),
}


def _masked_descriptions(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(description=frame["description"].map(mask_text))


def register_rows(
    con: duckdb.DuckDBPyConnection, scope: Scope, period: Period, kind: str, page: Page = Page(),
) -> Listing:
    """The log register's rows of the scope and period, with 来源文件 / 行号.

    Titles and summaries are free text: a voter's phone number written into one is masked.
    """
    spec = REGISTER_ROWS[kind]
    spec = ListSpec(spec.base, spec.shown, spec.order, spec.tiebreak, spec.orders, spec.ctes, _masked_descriptions)
    return listing(con, spec, _params(scope, period), page)


def metric_definitions() -> pd.DataFrame:
    """指标口径: every metric's Chinese name, unit and definition, as the page lists them."""
    return pd.DataFrame(
        [(label.name, label.unit, label.definition) for label in METRICS.values()],
        columns=["name", "unit", "definition"],
    )
