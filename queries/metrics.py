"""Every metric of the data contract's section 4 (指标口径), one function each.

Each takes a read connection, a scope (township codes) and a period (both ends
included). The SQL is five grouped statements (queries/sql/*.sql), one per register,
through the period/scope macros of etl/schema.sql: each computes every figure of its
register for any number of periods in one pass, so the tiles' 本期 / 上期 / 同期 and a
work summary's two years cost one statement each, and a metric function is the
projection of its column. The CLI (`python -m etl metrics`) and every page call these
same functions, so a figure means the same thing everywhere.

Three rules beyond the contract's words live here too, once, for every caller:
- the as-of day (`as_of_date`) at which open suggestions are counted;
- the coverage window (`coverage_windows`): a campaign's visits, or the year to date;
- the townships' average (`pooled_average`): pooled, never a mean of rates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl.registers import DEPUTY_LEVELS, EDUCATION_LEVELS, ENTERPRISE_TARGET, GENDERS, OCCUPATIONS

INSPECTION_KINDS = ["视察", "执法检查"]
SUPERVISION_KINDS = ["视察", "执法检查", "调研", "评议"]
EVALUATION_KIND = "评议"
RECEPTION_KIND = "接待选民"
REPORTING_KIND = "述职"
MEETING_KIND = "会议"
TRAINING_KIND = "学习培训"
MOTION_SOURCE = "议案"
RESOLVED = "已办结"
SATISFIED = ["满意", "基本满意"]
OUTCOME_LETTERS = ["A", "B", "C", "D"]
NOT_FILLED = "未填写"


@dataclass(frozen=True)
class Scope:
    """A set of townships, by code."""

    township_codes: tuple[str, ...]


@dataclass(frozen=True)
class Period:
    """A date range, both ends included."""

    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Settings:
    """The two time limits the contract leaves as settings."""

    time_limit_days: int = 90
    due_soon_days: int = 15


Con = duckdb.DuckDBPyConnection


def _params(scope: Scope, period: Period, **extra) -> dict:
    return {"start": period.start, "end": period.end, "towns": list(scope.township_codes), **extra}


# The link tables as the queries read them: each link with its row's date and what a deputy's
# records are counted by, and its deputy's roster township (etl/schema.sql). A file published
# before links carried these is read through joins to the roster, and to the rows, instead (the
# same figures, slower, until its next load). Placeholder -> the table, then (the column a form
# needs, the form) from the newest form to the oldest.
_DEPUTY_TOWNSHIP = ", d.township_code AS deputy_township"


def _link_forms(table: str, dated: str, columns: str, rows: str, key: str,
                newest: str | None = None) -> tuple[str, list[tuple[str, str]]]:
    """`dated`: the row column a link carried first; `columns`: every carried column, from the rows `r`;
    `newest`: a row column links carried after their deputy's township, read from the rows before."""
    forms = [
        ("deputy_township", table),
        (dated, f"(SELECT l.*{_DEPUTY_TOWNSHIP} FROM {table} l LEFT JOIN deputies d USING (deputy_id))"),
    ]
    if newest:
        forms = [(newest, table), *((column, f"(SELECT l.*, r.{newest} FROM {form} l JOIN {rows} r USING ({key}))")
                                    for column, form in forms)]
    return table, [*forms, ("deputy_id", f"(SELECT l.{key}, l.deputy_id, {columns}{_DEPUTY_TOWNSHIP} FROM {table} l "
                                         f"JOIN {rows} r USING ({key}) LEFT JOIN deputies d USING (deputy_id))")]


LINKS = {
    "{activity_links}": _link_forms("activity_deputies", "date", "r.date, r.kind, r.township_code", "activities",
                                    "activity_id"),
    "{suggestion_links}": _link_forms("suggestion_deputies", "received_on", "r.received_on", "suggestions",
                                      "suggestion_id"),
    "{visit_links}": _link_forms("visit_deputies", "date", "r.date, r.campaign", "visits", "visit_id"),
    # With the visit's township too: only the queries that read it join an older file's links to its visits.
    "{placed_visit_links}": _link_forms("visit_deputies", "date", "r.date, r.campaign, r.township_code", "visits",
                                        "visit_id", newest="township_code"),
    # Not links: the visits with their household's roster township and number, and the
    # household roster with its numbers (etl/schema.sql); an older file's number is the id.
    "{roster_visits}": ("visits", [("household_key", "visits"),
                                   ("household_township", "(SELECT *, household_id AS household_key FROM visits)"),
                                   ("household_id", "(SELECT v.*, h.township_code AS household_township, "
                                                    "v.household_id AS household_key "
                                                    "FROM visits v LEFT JOIN households h USING (household_id))")]),
    "{roster_households}": ("households", [
        ("household_key", "households"),
        ("household_id", "(SELECT *, household_id AS household_key FROM households)"),
    ]),
    # How many distinct households `{roster_visits}` rows name: numbers are counted as the bits
    # they set (no hash table; a third of count(DISTINCT) over a province), an id by its hash.
    "{distinct_households}": ("visits", [
        ("household_key", "coalesce(bit_count(bitstring_agg(household_key)), 0)"),
        ("household_id", "count(DISTINCT household_key)"),
    ]),
}


def has_column(con: Con, table: str, column: str) -> bool:
    """Whether the file has `table` with `column` (an empty read: a catalog query costs 20 ms)."""
    try:
        con.execute(f"SELECT {column} FROM {table} LIMIT 0")  # fixed names, never input
    except (duckdb.BinderException, duckdb.CatalogException):
        return False
    return True


def _with_links(con: Con, sql: str) -> str:
    """`sql` with its {…_links} placeholders filled for this file (LINKS)."""
    for placeholder, (table, forms) in LINKS.items():
        if placeholder in sql:
            form = next(form for column, form in forms if has_column(con, table, column))
            sql = sql.replace(placeholder, form)
    return sql


def prepared(con: Con, sql: str, params: dict) -> tuple[str, dict]:
    """The statement with its link tables filled in (LINKS), and the parameters it names
    (DuckDB refuses unused ones)."""
    sql = _with_links(con, sql)
    return sql, {name: value for name, value in params.items() if re.search(rf"\${name}\b", sql)}


def run(con: Con, sql: str, params: dict) -> duckdb.DuckDBPyConnection:
    """Execute with the parameters the statement names, its link tables filled in."""
    return con.execute(*prepared(con, sql, params))


def _scalar(con: Con, sql: str, params: dict):
    return run(con, sql, params).fetchall()[0][0]


def _counts(con: Con, sql: str, params: dict) -> dict[str, int]:
    """A two-column query (label, count) as an ordered dict."""
    return {label: count for label, count in run(con, sql, params).fetchall()}


def _ratio(numerator, denominator) -> float | None:
    return numerator / denominator if denominator else None


# --- the as-of day ------------------------------------------------------------

LATEST_LOAD_SQL = "SELECT max(loaded_at) FROM load_log WHERE status = 'loaded'"
# The newest load of a file holding rows of the scope's townships (load_log.township_codes).
LATEST_SCOPE_LOAD_SQL = """
    SELECT max(loaded_at) FROM load_log
    WHERE status = 'loaded' AND len(township_codes) > 0 AND list_has_any($towns, township_codes)
"""


def data_as_of(con: Con, today: dt.date | None = None, scope: Scope | None = None) -> dt.date:
    """The day the data stands at: the day of the latest load, never after today.

    Registers are exported and loaded on the same day, so a suggestion's status is
    known as of its load; the latest record date says nothing about that (a quiet
    month still moves suggestions to 已办结). With a scope, the latest load of a file
    holding its townships' rows (else of any file). Without any load: today.
    """
    today = today or dt.date.today()
    latest = None
    if scope is not None and has_column(con, "load_log", "township_codes"):
        latest = run(con, LATEST_SCOPE_LOAD_SQL, {"towns": list(scope.township_codes)}).fetchall()[0][0]
    if latest is None:
        latest = con.execute(LATEST_LOAD_SQL).fetchall()[0][0]
    return min(latest.date(), today) if latest else today



def as_of_date(con: Con, period: Period, today: dt.date | None = None, scope: Scope | None = None) -> dt.date:
    """The day 超期未办结, 临期 and 已办理天数 are counted at: the earlier of the period's end
    and the data's as-of day (data_as_of). A past period keeps the contract's figure
    (counted at its end); a period still running (本季度 on 1 December) is counted at the
    day the data stands at, not at a future end that would inflate overdue and empty due-soon."""
    return min(period.end, data_as_of(con, today, scope))


# --- the grouped statements ------------------------------------------------------
# Every figure below is one column of one of five statements (queries/sql/*.sql), each
# reading its register once for any number of periods ("buckets") of a scope: the tiles'
# 本期, 上期 and 同期 cost one pass, not three, and a metric function is the projection of
# its column. The columns restate the definitions the functions' docstrings give.

SQL_DIR = Path(__file__).with_name("sql")


def _sql(name: str, **fragments: str) -> str:
    """A statement of queries/sql without its comment lines (they are for the reader, and may
    name a placeholder), with the named fragments (fixed SQL, never input) put in."""
    lines = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8").splitlines()
    text = "\n".join(line for line in lines if not line.lstrip().startswith("--")) + "\n"
    return text.format(**fragments) if fragments else text


# The conditions of 超期未办结 and 临期 at the as-of day $as_of (the suggestion lists of
# queries/suggestions.py and the comparison use them word for word).
OVERDUE_CONDITION = "status <> $resolved AND received_on <= $as_of AND $as_of - received_on > $limit"
DUE_SOON_CONDITION = (
    "status <> $resolved AND received_on + $limit > $as_of AND received_on + $limit <= $as_of + $window"
)
# How a 会议 is told apart: by words in its title (人代会 sessions, presidium meetings).
MEETING_TYPE_SQL = """
    CASE WHEN list_bool_or([contains(title, w) FOR w IN $session_words]) THEN $session
         WHEN list_bool_or([contains(title, w) FOR w IN $presidium_words]) THEN $presidium
         ELSE $other END
"""
SESSION_MEETING, PRESIDIUM_MEETING, OTHER_MEETING = "人民代表大会会议", "主席团会议", "其他会议"
SESSION_WORDS = ["人民代表大会", "人代会"]
PRESIDIUM_WORDS = ["主席团"]

ACTIVITY_FIGURES_SQL = _sql("activity_figures")
STATION_TALLY_CTE = _sql("station_tally")
# Each activity figure's aggregate over a bucket's activities (`acts`): its one definition.
ACTIVITY_COLUMNS = {
    "activities_total": "count(*)",
    "inspections": "count(*) FILTER (WHERE list_contains($inspection_kinds, kind))",
    "inspections_by_theme":
        "histogram(coalesce(theme, $not_filled)) FILTER (WHERE list_contains($inspection_kinds, kind))",
    "supervision": "count(*) FILTER (WHERE list_contains($supervision_kinds, kind))",
    "supervision_by_kind": "histogram(kind) FILTER (WHERE list_contains($supervision_kinds, kind))",
    "evaluated_units": "count(DISTINCT evaluated_unit) FILTER (WHERE kind = $evaluation_kind)",
    "station_activities": "histogram(station_id) FILTER (WHERE station_id IS NOT NULL)",
    "reception_days": "count(*) FILTER (WHERE kind = $reception_kind)",
    "voter_contacts": "coalesce(sum(voters_received), 0)",
    "meetings": "count(*) FILTER (WHERE kind = $meeting_kind)",
    "meetings_by_type": f"histogram({MEETING_TYPE_SQL}) FILTER (WHERE kind = $meeting_kind)",
    "trainings": "count(*) FILTER (WHERE kind = $training_kind)",
    "training_attendance": "coalesce(sum(attendees) FILTER (WHERE kind = $training_kind), 0)",
}
# The kinds of activity each column counts (None: every kind). When every figure asked counts only
# some kinds, activity_figures.sql reads only those: a split of 视察检查 by theme reads no meeting.
ACTIVITY_KINDS_READ = {
    "activities_total": None, "inspections": INSPECTION_KINDS, "inspections_by_theme": INSPECTION_KINDS,
    "supervision": SUPERVISION_KINDS, "supervision_by_kind": SUPERVISION_KINDS, "evaluated_units": (EVALUATION_KIND,),
    "station_activities": None, "reception_days": (RECEPTION_KIND,), "voter_contacts": None,
    "meetings": (MEETING_KIND,), "meetings_by_type": (MEETING_KIND,), "trainings": (TRAINING_KIND,),
    "training_attendance": (TRAINING_KIND,),
}
assert ACTIVITY_KINDS_READ.keys() == ACTIVITY_COLUMNS.keys()
LISTED_DEPUTY_FIGURES_SQL = _sql("listed_deputy_figures", activity_links="{activity_links}", level="{level}",
                                 roster="{roster}")
# The deputies' levels are read from the roster (one row per deputy_id, the loader's natural key)
# only when a split by level is asked for.
LISTED_LEVELS = {True: ("coalesce(d.level, $not_filled)", " LEFT JOIN deputies d USING (deputy_id)"),
                 False: ("$not_filled", "")}
SUGGESTION_FIGURES_SQL = _sql("suggestion_figures")
# 代表行动中提交议案数 looks at the first and last campaign visit of the bucket.
CAMPAIGN_VISITS_CTE = """,
visiting AS (
    SELECT b.bucket, min(v.date) AS first_day, max(v.date) AS last_day
    FROM buckets b JOIN visits_in($first, $last, $towns) v
      ON v.date BETWEEN b.bucket_start AND b.bucket_end AND v.campaign IS NOT NULL
    GROUP BY b.bucket
)"""
# Each suggestion figure's aggregate over a bucket's suggestions (`sugg`): its one definition
# (the parts of a rate: its numerator and denominator). Each counts only suggestions collected or
# resolved in the bucket, or still open (SUGGESTION_ROWS says which): suggestion_figures.sql reads
# only the rows the figures asked for count.
SUGGESTION_COLUMNS = {
    "suggestions_collected": "count(*) FILTER (WHERE collected)",
    "suggestions_by_source": "histogram(source) FILTER (WHERE collected)",
    "suggestions_resolved": "count(*) FILTER (WHERE resolved)",
    "collected_resolved": "count(*) FILTER (WHERE collected AND status = $resolved)",
    "collected_resolved_by": "count(*) FILTER (WHERE collected AND status = $resolved AND resolved_on <= resolved_by)",
    "median_days_to_resolve": "median(resolved_on - received_on) FILTER (WHERE resolved)",
    "overdue": f"count(*) FILTER (WHERE {OVERDUE_CONDITION.replace('$as_of', 'as_of')})",
    "due_soon": f"count(*) FILTER (WHERE {DUE_SOON_CONDITION.replace('$as_of', 'as_of')})",
    "suggestions_by_outcome": "histogram(outcome) FILTER (WHERE resolved AND outcome IS NOT NULL)",
    "satisfaction_answered": "count(*) FILTER (WHERE resolved AND satisfaction IS NOT NULL)",
    "satisfaction_satisfied":
        "count(*) FILTER (WHERE resolved AND satisfaction IS NOT NULL AND list_contains($satisfied, satisfaction))",
    "campaign_suggestions": "count(*) FILTER (WHERE collected AND campaign IS NOT NULL AND source <> $motion)",
    "campaign_motions": "count(*) FILTER (WHERE collected AND source = $motion "
                        "AND (campaign IS NOT NULL OR received_on BETWEEN first_day AND last_day))",
}
# The rows of a bucket each column counts, as a condition over `s` and the bucket `b`:
# suggestion_figures.sql reads only those, so a split of what was resolved reads no open suggestion.
COLLECTED_ROWS, RESOLVED_ROWS, OPEN_ROWS = ("s.received_on BETWEEN b.bucket_start AND b.bucket_end",
                                           "s.resolved_on BETWEEN b.bucket_start AND b.bucket_end",
                                           "s.status <> $resolved")
SUGGESTION_ROWS = {
    **dict.fromkeys(("suggestions_collected", "suggestions_by_source", "collected_resolved", "collected_resolved_by",
                     "campaign_suggestions", "campaign_motions"), COLLECTED_ROWS),
    **dict.fromkeys(("suggestions_resolved", "median_days_to_resolve", "suggestions_by_outcome",
                     "satisfaction_answered", "satisfaction_satisfied"), RESOLVED_ROWS),
    **dict.fromkeys(("overdue", "due_soon"), OPEN_ROWS),
}
assert SUGGESTION_ROWS.keys() == SUGGESTION_COLUMNS.keys()
# The figures and the columns they are read from.
SUGGESTION_PARTS = {
    "resolution_rate": ("collected_resolved", "suggestions_collected"),
    "resolution_rate_by": ("collected_resolved_by", "suggestions_collected"),
    "satisfaction_rate": ("satisfaction_satisfied", "satisfaction_answered"),
}
# A visit (or its link) `v` in window {i}: dated in it and, for a campaign's window, of its campaign.
IN_WINDOW_SQL = """v.date BETWEEN ($starts::DATE[])[{i}] AND ($ends::DATE[])[{i}]
    AND (($campaigns::VARCHAR[])[{i}] IS NULL OR v.campaign = ($campaigns::VARCHAR[])[{i}])"""
VISIT_FIGURES_SQL = _sql("visit_figures", windows="{windows}")
VISIT_WINDOW_SQL = _sql("visit_window")
VISIT_COVERAGE_SQL = _sql("visit_coverage")
NO_COVERAGE = "NULL::BIGINT AS households_visited, NULL::BIGINT AS deputies_visiting"
OWN_VISIT_KEYS = ("enterprises_visited", "problems_found", "problems_solved", "households_consoled", "contact_visits")
# Each figure of the scope's own visits: its aggregate over a window's visits `v`.
OWN_VISIT_COLUMNS = {
    "enterprises_visited": "count(DISTINCT v.enterprise)",
    "problems_found": "coalesce(sum(v.problems_found), 0)",
    "problems_solved": "coalesce(sum(v.problems_solved), 0)",
    "households_consoled": "count(DISTINCT CASE WHEN v.consoled THEN v.household_id END)",
    "contact_visits": "count(*) FILTER (WHERE v.target_kind <> $enterprise)",
}
ROSTER_FIGURES_SQL = _sql("roster_figures")
# The roster figures that do not depend on the period: each one's aggregate over the roster.
WHOLE_COLUMNS = {
    "deputies_total": "count(*)",
    "deputies_by_level": "histogram(level)",
    "deputies_by_gender": "histogram(gender)",
    "deputies_by_education": "histogram(education)",
    "deputies_by_occupation": "histogram(occupation)",
    "deputy_groups": "count(DISTINCT (township_code, group_name)) FILTER (WHERE group_name IS NOT NULL)",
    "action_teams": "count(DISTINCT (township_code, coalesce(group_name, ''), team_name))"
                    " FILTER (WHERE team_name IS NOT NULL)",
}
# The parts of the roster statement: (its CTE, the columns it gives, how it joins the buckets).
ROSTER_PARTS = {
    "whole": (""",
whole AS (  -- what does not depend on the period: the columns asked for (WHOLE_COLUMNS)
    SELECT {whole} FROM roster
)""", tuple(WHOLE_COLUMNS), " CROSS JOIN whole"),
    "households": (""",
household_roster AS (
    SELECT count(*) AS households_total FROM households WHERE township_code IN (SELECT unnest($towns))
)""",
                   ("households_total",), " CROSS JOIN household_roster"),
    "aged": (""",
aged AS (
    SELECT b.bucket,
           histogram(CASE WHEN r.birth_year IS NULL THEN $not_filled
                          WHEN year(b.bucket_end) - r.birth_year <= $young_max THEN $young
                          WHEN year(b.bucket_end) - r.birth_year <= $middle_max THEN $middle
                          ELSE $old END) AS deputies_by_age_band
    FROM buckets b CROSS JOIN roster r GROUP BY b.bucket
)""", ("deputies_by_age_band",), " LEFT JOIN aged USING (bucket)"),
    "standing": (""",
standing AS (
    SELECT b.bucket,
           count(s.station_id) FILTER (WHERE s.established_on IS NULL OR s.established_on <= b.bucket_end)
               AS stations_on_roster,
           count(s.station_id) FILTER (WHERE s.established_on BETWEEN b.bucket_start AND b.bucket_end)
               AS stations_established
    FROM buckets b  -- the scope's stations chosen first, as in station_tally.sql
    LEFT JOIN (SELECT station_id, established_on FROM stations WHERE township_code IN (SELECT unnest($towns))) s
      ON true
    GROUP BY b.bucket
)""", ("stations_on_roster", "stations_established"), " LEFT JOIN standing USING (bucket)"),
}


def _bucket_params(scope: Scope, periods: Sequence[Period], **extra) -> dict:
    """The scope and the buckets (parallel lists of starts and ends, and their span)."""
    return {
        "towns": list(scope.township_codes), "starts": [p.start for p in periods], "ends": [p.end for p in periods],
        "first": min(p.start for p in periods), "last": max(p.end for p in periods), **extra,
    }


def _rows(con: Con, sql: str, params: dict) -> list[dict]:
    """One dict per bucket, in bucket order."""
    cursor = run(con, sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _by_bucket(con: Con, sql: str, params: dict) -> list[dict]:
    """One dict per bucket of `params`, in bucket order, from a statement that returns only the
    buckets holding rows: a bucket without any is {} (each figure None, as a LEFT JOIN to the
    buckets would give it, and the shapes read None as 0)."""
    found = {row["bucket"]: row for row in _rows(con, sql, params)}
    return [found.get(bucket, {}) for bucket in range(1, len(params["starts"]) + 1)]


def _by_count(counts: dict | None) -> dict[str, int]:
    """A split, largest first (ties by label), as a chart lists it."""
    return dict(sorted((counts or {}).items(), key=lambda item: (-item[1], item[0])))


def _in_order(counts: dict | None, order: Sequence[str]) -> dict[str, int]:
    """A split in the register's order of its labels; labels not in it last, by label."""
    return dict(sorted((counts or {}).items(),
                       key=lambda item: (order.index(item[0]) if item[0] in order else len(order), item[0])))


def activity_figures(
    con: Con, scope: Scope, periods: Sequence[Period], keys: Sequence[str] = (),
) -> list[dict]:
    """Per period: the figures of `keys` (default: every one) counted from the scope's activities,
    in one scan."""
    keys = list(keys or ACTIVITY_KEYS)
    columns = {key: ACTIVITY_COLUMNS[key] for key in keys if key in ACTIVITY_COLUMNS} or {
        "activities_total": ACTIVITY_COLUMNS["activities_total"]}
    tallied = "station_activities_min" in keys  # the tally counts a station's activities of every kind
    read = [ACTIVITY_KINDS_READ[key] for key in columns]
    kinds = None if tallied or None in read else sorted({kind for some in read for kind in some})
    sql = ACTIVITY_FIGURES_SQL.format(
        columns=", ".join(f"{expression} AS {key}" for key, expression in columns.items()),
        kinds=" AND list_contains($read_kinds, a.kind)" if kinds else "",
        tally=STATION_TALLY_CTE if tallied else "", tally_join=" FULL JOIN fewest f USING (bucket)" if tallied else "")
    rows = _by_bucket(con, sql, _bucket_params(
        scope, periods, inspection_kinds=INSPECTION_KINDS, supervision_kinds=SUPERVISION_KINDS,
        evaluation_kind=EVALUATION_KIND, reception_kind=RECEPTION_KIND, meeting_kind=MEETING_KIND,
        training_kind=TRAINING_KIND, not_filled=NOT_FILLED, session_words=SESSION_WORDS,
        presidium_words=PRESIDIUM_WORDS, session=SESSION_MEETING, presidium=PRESIDIUM_MEETING, other=OTHER_MEETING,
        read_kinds=kinds,
    ))
    meeting_order = [SESSION_MEETING, PRESIDIUM_MEETING, OTHER_MEETING]
    shapes = {  # a split is ordered as the register orders it; a count of nothing is 0
        "inspections_by_theme": _by_count, "supervision_by_kind": lambda v: _in_order(v, SUPERVISION_KINDS),
        "station_activities": lambda v: dict(sorted((v or {}).items())),
        "meetings_by_type": lambda v: _in_order(v, meeting_order), "station_activities_min": lambda v: v,
    }
    return [{key: shapes.get(key, lambda v: v or 0)(row.get(key)) for key in keys if key in ACTIVITY_KEYS}
            for row in rows]


def listed_deputy_figures(
    con: Con, scope: Scope, periods: Sequence[Period], keys: Sequence[str] = (),
) -> list[dict]:
    """Per period: the figures counted from the deputies listed on 述职 and 接待选民 activities
    (`keys`: which are asked for, default all; the levels are read only for a split by level)."""
    level, roster = LISTED_LEVELS[not keys or any(k.endswith("_by_level") for k in keys)]
    sql = LISTED_DEPUTY_FIGURES_SQL.replace("{level}", level).replace("{roster}", roster)
    # A kind no figure asked for is bound as NULL: its links are not read.
    reporting = not keys or bool({"reporting_deputies", "reporting_deputies_by_level"} & set(keys))
    reception = not keys or bool({"deputies_per_reception", "reception_deputies_by_level"} & set(keys))
    rows = _rows(con, sql, _bucket_params(
        scope, periods, reporting_kind=REPORTING_KIND if reporting else None,
        reception_kind=RECEPTION_KIND if reception else None, not_filled=NOT_FILLED))
    figures = [{
        "reporting_deputies": row["reporting_deputies"],
        "reporting_deputies_by_level": _by_count(row["reporting_deputies_by_level"]),
        "deputies_per_reception": row["deputies_per_reception"],
        "reception_deputies_by_level": _in_order(row["reception_deputies_by_level"], DEPUTY_LEVEL_ORDER),
    } for row in rows]
    return [{key: value for key, value in row.items() if not keys or key in keys} for row in figures]


def suggestion_figures(
    con: Con, scope: Scope, periods: Sequence[Period], settings: Settings, as_ofs: Sequence[dt.date],
    resolved_bys: Sequence[dt.date | None] | None = None, keys: Sequence[str] = (),
) -> list[dict]:
    """Per period: the figures of `keys` (default: every one) counted from the scope's suggestions
    in one scan, open ones at that period's as-of day; `resolution_rate_by` is the cohort's 办结率
    counted at the period's `resolved_bys` day."""
    keys = list(keys or (*SUGGESTION_KEYS, "resolution_rate_by"))
    asked = {part for key in keys for part in SUGGESTION_PARTS.get(key, (key,))}
    columns = {key: expression for key, expression in SUGGESTION_COLUMNS.items() if key in asked}
    motions = "campaign_motions" in columns
    read = {SUGGESTION_ROWS[key] for key in columns}
    sql = SUGGESTION_FIGURES_SQL.format(
        columns=", ".join(f"{expression} AS {key}" for key, expression in columns.items()),
        rows=" OR ".join(condition for condition in (COLLECTED_ROWS, RESOLVED_ROWS, OPEN_ROWS) if condition in read),
        visiting=CAMPAIGN_VISITS_CTE if motions else "", window="w.first_day, w.last_day," if motions else "",
        visiting_join=" LEFT JOIN visiting w USING (bucket)" if motions else "")
    rows = _by_bucket(con, sql, _bucket_params(
        scope, periods, as_ofs=list(as_ofs), resolved_bys=list(resolved_bys or [None] * len(periods)),
        resolved=RESOLVED, limit=settings.time_limit_days, window=settings.due_soon_days, satisfied=SATISFIED,
        motion=MOTION_SOURCE,
    ))
    shapes = {
        "suggestions_by_source": _by_count, "median_days_to_resolve": lambda v: v,
        "suggestions_by_outcome": lambda v: {letter: (v or {}).get(letter, 0) for letter in OUTCOME_LETTERS},
    }
    figures = []
    for row in rows:
        shown = {}
        for key in keys:
            if key in SUGGESTION_PARTS:
                numerator, denominator = SUGGESTION_PARTS[key]
                shown[key] = _ratio(row.get(numerator) or 0, row.get(denominator) or 0)
            else:
                shown[key] = shapes.get(key, lambda v: v or 0)(row.get(key))
        figures.append(shown)
    return figures


@dataclass(frozen=True)
class CoverageWindow:
    """The visits a coverage figure counts: one campaign's, or any visit of the year to date."""

    start: dt.date
    end: dt.date
    campaign: str | None = None  # None: the year to date
    finished: bool = False  # the campaign's last visit is before the as-of day: its shortfall is final

    @property
    def period(self) -> Period:
        return Period(self.start, self.end)


def visit_figures(
    con: Con, scope: Scope, windows: Sequence[Period | CoverageWindow], coverage: Sequence[bool] | None = None,
    own: Sequence[bool] | None = None, own_keys: Sequence[str] = OWN_VISIT_KEYS,
) -> list[dict]:
    """Per window (a period: any visit in it; a coverage window: its campaign's): the figures
    counted from the visits, and the two roster denominators. `coverage` and `own` (one flag per
    window, default all) name the windows whose coverage, and whose own-visit figures (走访企业数,
    解决问题数 …: those of `own_keys`), are wanted: the others are not counted (None)."""
    coverage, own = coverage or [True] * len(windows), own or [True] * len(windows)
    # A figure not asked for is an aggregate of nothing: the SELECT stays an aggregate (one row
    # per window, even when no figure of its own visits is asked for).
    own_columns = ", ".join(f"{OWN_VISIT_COLUMNS[key] if key in own_keys else 'max(NULL)'} AS {key}"
                            for key in OWN_VISIT_COLUMNS)
    selects = [VISIT_WINDOW_SQL.format(
        i=i, own=str(owned).lower(), in_window=IN_WINDOW_SQL.format(i=i), own_columns=own_columns,
        coverage=VISIT_COVERAGE_SQL.format(in_window=IN_WINDOW_SQL.format(i=i), visit_links="{visit_links}",
                                           roster_visits="{roster_visits}", distinct_households="{distinct_households}")
        if covered else NO_COVERAGE)
        for i, (covered, owned) in enumerate(zip(coverage, own, strict=True), start=1)]
    sql = VISIT_FIGURES_SQL.format(windows="\nUNION ALL\n".join(selects))
    rows = _rows(con, sql, _bucket_params(
        scope, [Period(w.start, w.end) for w in windows], campaigns=[getattr(w, "campaign", None) for w in windows],
        enterprise=ENTERPRISE_TARGET))
    for row, covered, owned in zip(rows, coverage, own, strict=True):
        row["household_coverage"] = _ratio(row["households_visited"], row["households_total"]) if covered else None
        row["deputy_participation"] = _ratio(row["deputies_visiting"], row["deputies_total"]) if covered else None
        if not owned:
            row |= dict.fromkeys(OWN_VISIT_KEYS)
    return rows


def roster_figures(con: Con, scope: Scope, periods: Sequence[Period], keys: Sequence[str] = ()) -> list[dict]:
    """Per period: the figures of `keys` (default: every one) of the deputy, household and
    station rosters, the statement holding only the parts they are in."""
    keys = list(keys or ROSTER_KEYS)
    parts = [part for part, (_, columns, _) in ROSTER_PARTS.items() if set(columns) & set(keys)]
    whole = [key for key in WHOLE_COLUMNS if key in keys]
    sql = ROSTER_FIGURES_SQL.format(
        parts="".join(ROSTER_PARTS[p][0] for p in parts).replace(
            "{whole}", ", ".join(f"{WHOLE_COLUMNS[key]} AS {key}" for key in whole)),
        columns="".join(f", {c}" for p in parts for c in ROSTER_PARTS[p][1] if p != "whole" or c in whole),
        joins="".join(ROSTER_PARTS[p][2] for p in parts))
    (young, young_max), (middle, middle_max), (old, _) = AGE_BANDS
    rows = _rows(con, sql, _bucket_params(
        scope, periods, not_filled=NOT_FILLED, young=young, young_max=young_max, middle=middle,
        middle_max=middle_max, old=old))
    shapes = {
        "deputies_by_level": lambda v: _in_order(v, DEPUTY_LEVEL_ORDER),
        "deputies_by_gender": lambda v: _in_order(v, GENDER_ORDER),
        "deputies_by_age_band": lambda v: _in_order(v, [young, middle, old, NOT_FILLED]),
        "deputies_by_education": lambda v: _in_order(v, EDUCATION_ORDER),
        "deputies_by_occupation": lambda v: _in_order(v, OCCUPATION_ORDER),
    }
    return [{key: shapes.get(key, lambda v: v or 0)(row.get(key)) for key in keys} for row in rows]


# Which statement holds which figure (the visit statement also carries the two roster
# denominators, for coverage; a roster figure alone is read from the rosters).
ACTIVITY_KEYS = ("activities_total", "inspections", "inspections_by_theme", "supervision", "supervision_by_kind",
                 "evaluated_units", "station_activities", "reception_days", "voter_contacts", "meetings",
                 "meetings_by_type", "trainings", "training_attendance", "station_activities_min")
LISTED_KEYS = ("reporting_deputies", "reporting_deputies_by_level", "deputies_per_reception",
               "reception_deputies_by_level")
SUGGESTION_KEYS = ("suggestions_collected", "suggestions_by_source", "suggestions_resolved", "resolution_rate",
                   "collected_resolved", "median_days_to_resolve", "overdue", "due_soon", "suggestions_by_outcome",
                   "satisfaction_rate", "campaign_suggestions", "campaign_motions")
VISIT_KEYS = ("households_visited", "household_coverage", "deputies_visiting", "deputy_participation",
              "enterprises_visited", "problems_found", "problems_solved", "households_consoled", "contact_visits")
ROSTER_KEYS = ("deputies_total", "households_total", "deputies_by_level", "deputies_by_gender",
               "deputies_by_age_band", "deputies_by_education", "deputies_by_occupation", "deputy_groups",
               "action_teams", "stations_on_roster", "stations_established")
DERIVED = {"voter_contacts_with_visits": ("voter_contacts", "contact_visits")}
COVERAGE_KEYS = ("households_visited", "household_coverage", "deputies_visiting", "deputy_participation")


def figures_over(
    con: Con, scope: Scope, periods: Sequence[Period], keys: Sequence[str], settings: Settings = Settings(),
    today: dt.date | None = None,
) -> list[dict[str, object]]:
    """The figures named by `keys` for each period, running each grouped statement that holds
    one of them once (open suggestions counted at each period's as-of day)."""
    wanted = set(keys) | {part for key in keys for part in DERIVED.get(key, ())}
    found: list[dict] = [{} for _ in periods]

    def merge(rows: list[dict]) -> None:
        for figures, row in zip(found, rows, strict=True):
            figures.update(row)

    if wanted & set(ACTIVITY_KEYS):
        merge(activity_figures(con, scope, periods, [k for k in ACTIVITY_KEYS if k in wanted]))
    if wanted & set(LISTED_KEYS):
        merge(listed_deputy_figures(con, scope, periods, [k for k in LISTED_KEYS if k in wanted]))
    if wanted & set(SUGGESTION_KEYS):
        day = data_as_of(con, today, scope) if wanted & {"overdue", "due_soon"} else dt.date.max
        merge(suggestion_figures(con, scope, periods, settings, [min(p.end, day) for p in periods],
                                 keys=[k for k in SUGGESTION_KEYS if k in wanted]))
    if wanted & set(VISIT_KEYS):
        covered, owned = bool(wanted & set(COVERAGE_KEYS)), [k for k in OWN_VISIT_KEYS if k in wanted]
        merge(visit_figures(con, scope, periods, [covered] * len(periods), [bool(owned)] * len(periods), owned))
        wanted -= {"deputies_total", "households_total"}  # the visit statement has them
    if wanted & set(ROSTER_KEYS):
        merge(roster_figures(con, scope, periods, [k for k in ROSTER_KEYS if k in wanted]))
    for figures in found:
        for key, (first, second) in DERIVED.items():
            if key in wanted:
                figures[key] = figures[first] + figures[second]
    return [{key: figures[key] for key in keys} for figures in found]


def _figure(con: Con, scope: Scope, period: Period, key: str, settings: Settings = Settings(),
            today: dt.date | None = None):
    return figures_over(con, scope, [period], [key], settings, today)[0][key]


# --- activities -------------------------------------------------------------

def activities_total(con: Con, scope: Scope, period: Period) -> int:
    """All activities of any kind (not a contract key; the pages' trend uses it)."""
    return _figure(con, scope, period, "activities_total")


def inspections(con: Con, scope: Scope, period: Period) -> int:
    """视察检查次数: activities of kind 视察 or 执法检查."""
    return _figure(con, scope, period, "inspections")


def inspections_by_theme(con: Con, scope: Scope, period: Period) -> dict[str, int]:
    """视察检查 split by theme, largest first; rows without a theme count under 未填写."""
    return _figure(con, scope, period, "inspections_by_theme")


def supervision(con: Con, scope: Scope, period: Period) -> int:
    """监督活动次数: activities of kind 视察, 执法检查, 调研 or 评议."""
    return _figure(con, scope, period, "supervision")


def evaluated_units(con: Con, scope: Scope, period: Period) -> int:
    """评议单位数: distinct evaluated units of 评议 activities."""
    return _figure(con, scope, period, "evaluated_units")


def station_activities(con: Con, scope: Scope, period: Period) -> dict[str, int]:
    """活动站活动次数: station id -> activities held with that station id, by station id."""
    return _figure(con, scope, period, "station_activities")


def reception_days(con: Con, scope: Scope, period: Period) -> int:
    """接待日: activities of kind 接待选民."""
    return _figure(con, scope, period, "reception_days")


def reporting_deputies(con: Con, scope: Scope, period: Period) -> int:
    """述职代表数: distinct deputies taking part in 述职 activities."""
    return _figure(con, scope, period, "reporting_deputies")


def reporting_deputies_by_level(con: Con, scope: Scope, period: Period) -> dict[str, int]:
    """述职代表 split by level, largest first (deputies not on the roster count under 未填写)."""
    return _figure(con, scope, period, "reporting_deputies_by_level")


def voter_contacts(con: Con, scope: Scope, period: Period) -> int:
    """联系选民人次: the sum of voters received."""
    return _figure(con, scope, period, "voter_contacts")


# --- suggestions ------------------------------------------------------------

def suggestions_collected(con: Con, scope: Scope, period: Period) -> int:
    """建议收集数: suggestions received in the period."""
    return _figure(con, scope, period, "suggestions_collected")


def suggestions_by_source(con: Con, scope: Scope, period: Period) -> dict[str, int]:
    """建议收集数 split by source, largest first."""
    return _figure(con, scope, period, "suggestions_by_source")


def suggestions_resolved(con: Con, scope: Scope, period: Period) -> int:
    """建议办结数: suggestions resolved in the period."""
    return _figure(con, scope, period, "suggestions_resolved")


def resolution_rate(con: Con, scope: Scope, period: Period) -> float | None:
    """办结率 (本期收集件办结率): of the suggestions collected in the period, the share now 已办结."""
    return _figure(con, scope, period, "resolution_rate")


def collected_resolved(con: Con, scope: Scope, period: Period) -> int:
    """The numerator of 办结率: suggestions collected in the period and 已办结 now (not a
    contract key; shown beside the rate so it is not read as 办结数 ÷ 收集数)."""
    return _figure(con, scope, period, "collected_resolved")


def resolution_rate_by(con: Con, scope: Scope, period: Period, resolved_by: dt.date) -> float | None:
    """办结率 of the period's cohort counted at an earlier day: 已办结 with a resolution
    date on or before `resolved_by`. An older cohort measured at the age the newest one
    has now is the fair comparison: young suggestions are open because they are young."""
    return suggestion_figures(con, scope, [period], Settings(), [period.end], [resolved_by])[0]["resolution_rate_by"]


NEWEST_SUGGESTION_DATE_SQL = """
    SELECT max(greatest(received_on, coalesce(referred_on, received_on), coalesce(resolved_on, received_on)))
    FROM suggestions_of($towns)
"""


def statuses_as_of(con: Con, today: dt.date | None = None, scope: Scope | None = None) -> dt.date:
    """The day the suggestions' statuses stand at, for cohort ages: the data's as-of day, or
    the newest date written in the scope's suggestions when that is earlier (an export
    loaded weeks after it was made must not make its open suggestions look older)."""
    towns = list(scope.township_codes) if scope is not None else [
        code for (code,) in con.execute("SELECT township_code FROM townships").fetchall()]
    newest = run(con, NEWEST_SUGGESTION_DATE_SQL, {"towns": towns}).fetchall()[0][0]
    day = data_as_of(con, today, scope)
    return min(day, newest) if newest else day


def same_age_day(con: Con, scope: Scope, period: Period, earlier: Period, today: dt.date | None = None) -> dt.date:
    """The day `earlier`'s cohort was as old as `period`'s cohort is now (both ages counted
    from the period's first day to `statuses_as_of`)."""
    return earlier.start + (statuses_as_of(con, today, scope) - period.start)


def resolution_rate_same_age(
    con: Con, scope: Scope, period: Period, earlier: Period, today: dt.date | None = None,
) -> float | None:
    """办结率 of the `earlier` period's cohort when it was as old as `period`'s cohort is now."""
    return resolution_rate_by(con, scope, earlier, same_age_day(con, scope, period, earlier, today))


def median_days_to_resolve(con: Con, scope: Scope, period: Period) -> float | None:
    """办理时长: median days from receipt to resolution, over those resolved in the period."""
    return _figure(con, scope, period, "median_days_to_resolve")


def open_params(
    con: Con, scope: Scope, period: Period, settings: Settings, today: dt.date | None, **extra
) -> dict:
    """Parameters of the open-suggestion conditions: the limits and the as-of day."""
    return _params(scope, period, resolved=RESOLVED, limit=settings.time_limit_days,
                   window=settings.due_soon_days, as_of=as_of_date(con, period, today, scope), **extra)


def overdue(
    con: Con, scope: Scope, period: Period, settings: Settings = Settings(), today: dt.date | None = None,
) -> int:
    """超期未办结: not 已办结, received more than the time limit before the as-of day."""
    return _figure(con, scope, period, "overdue", settings, today)


def due_soon(
    con: Con, scope: Scope, period: Period, settings: Settings = Settings(), today: dt.date | None = None,
) -> int:
    """临期: not 已办结, whose time limit ends within the warning window after the as-of day."""
    return _figure(con, scope, period, "due_soon", settings, today)


def suggestions_by_outcome(con: Con, scope: Scope, period: Period) -> dict[str, int]:
    """办理结果: suggestions resolved in the period, by outcome letter (all four shown)."""
    return _figure(con, scope, period, "suggestions_by_outcome")


def satisfaction_rate(con: Con, scope: Scope, period: Period) -> float | None:
    """满意率: (满意 + 基本满意) / resolved in the period with a satisfaction answer."""
    return _figure(con, scope, period, "satisfaction_rate")


# --- visits (代表行动) -------------------------------------------------------

def households_visited(con: Con, scope: Scope, period: Period) -> int:
    """Roster households of the scope with at least one visit in the period (in any township)."""
    return _figure(con, scope, period, "households_visited")


def households_total(con: Con, scope: Scope, period: Period) -> int:
    """Roster households of the scope (the coverage denominator)."""
    return _figure(con, scope, period, "households_total")


def household_coverage(con: Con, scope: Scope, period: Period) -> float | None:
    """脱贫户走访覆盖率: households visited / households on the roster."""
    return _figure(con, scope, period, "household_coverage")


def deputies_visiting(con: Con, scope: Scope, period: Period) -> int:
    """Roster deputies of the scope who made at least one visit in the period (anywhere)."""
    return _figure(con, scope, period, "deputies_visiting")


def deputies_total(con: Con, scope: Scope, period: Period) -> int:
    """Roster deputies of the scope (the participation denominator)."""
    return _figure(con, scope, period, "deputies_total")


def deputy_participation(con: Con, scope: Scope, period: Period) -> float | None:
    """代表参与率: deputies visiting / deputies on the roster."""
    return _figure(con, scope, period, "deputy_participation")


def enterprises_visited(con: Con, scope: Scope, period: Period) -> int:
    """走访企业数: distinct enterprise names visited."""
    return _figure(con, scope, period, "enterprises_visited")


def problems_found(con: Con, scope: Scope, period: Period) -> int:
    """发现问题数 (not a contract key; shown beside 解决问题数)."""
    return _figure(con, scope, period, "problems_found")


def problems_solved(con: Con, scope: Scope, period: Period) -> int:
    """解决问题数: the sum of problems solved on visits."""
    return _figure(con, scope, period, "problems_solved")


def households_consoled(con: Con, scope: Scope, period: Period) -> int:
    """慰问户数: distinct households with a visit marked 慰问."""
    return _figure(con, scope, period, "households_consoled")


# --- coverage in a campaign window ------------------------------------------------
# Visiting every household is a campaign (专项行动, "代表行动"), not a quarterly task: a
# quarter without a campaign would show 0.8 % coverage. So the pages, tiles and briefing
# measure coverage over a window: each campaign (the 专项行动 value of the visits) that
# overlaps the period, from its first visit to its last (up to the as-of day), or the
# year to date when no campaign overlaps. The contract's in-period figures above stay
# what `python -m etl metrics` prints.

# A campaign belongs to the county that runs it: its window is taken over the visits of
# the counties of the scope, so a township that has not yet visited anyone still sees
# its county's campaign (at 0 %), and another county's campaign of the same name is not it.
CAMPAIGNS_SQL = """
    WITH counties AS (SELECT DISTINCT county FROM townships WHERE township_code IN (SELECT unnest($towns))),
    county_towns AS (SELECT township_code FROM townships WHERE county IN (SELECT county FROM counties))
    SELECT campaign, min(date) AS first_visit, max(date) AS last_visit
    FROM visits
    WHERE campaign IS NOT NULL AND township_code IN (SELECT township_code FROM county_towns)
    GROUP BY campaign
    ORDER BY first_visit, campaign
"""


def _campaigns(con: Con, scope: Scope) -> list[tuple[str, dt.date, dt.date]]:
    """(campaign, first visit, last visit) of every campaign of the scope's counties."""
    return run(con, CAMPAIGNS_SQL, {"towns": list(scope.township_codes)}).fetchall()


def _windows_of(campaigns: list[tuple[str, dt.date, dt.date]], period: Period, as_of: dt.date) -> list[CoverageWindow]:
    """The campaigns overlapping the period that had started by `as_of` (see coverage_windows)."""
    found = [(name, first, last) for name, first, last in campaigns
             if first <= min(period.end, as_of) and last >= period.start]
    if found:
        return [CoverageWindow(first, min(last, as_of), name, finished=last < as_of) for name, first, last in found]
    return [CoverageWindow(dt.date(as_of.year, 1, 1), as_of)]


def coverage_windows(
    con: Con, scope: Scope, period: Period, today: dt.date | None = None,
) -> list[CoverageWindow]:
    """The campaigns overlapping the period that had started by the as-of day, oldest first,
    each from its first visit to its last, or to the as-of day while it goes on; with none,
    one window: the year to date. A campaign is finished once its last visit is behind the
    as-of day (only then can its shortfall be judged)."""
    return _windows_of(_campaigns(con, scope), period, as_of_date(con, period, today, scope))


def _window_figures(figures: dict) -> dict[str, object]:
    """The coverage figures of a window under their campaign_* keys."""
    return {
        "campaign_households_visited": figures["households_visited"], "households_total": figures["households_total"],
        "campaign_household_coverage": figures["household_coverage"],
        "campaign_deputies_visiting": figures["deputies_visiting"], "deputies_total": figures["deputies_total"],
        "campaign_deputy_participation": figures["deputy_participation"],
    }


def window_coverage(con: Con, scope: Scope, window: CoverageWindow) -> dict[str, object]:
    """脱贫户走访覆盖率 and 代表参与率 over a window, with their counts: the definitions of
    household_coverage / deputy_participation with the window's visits in place of the period's."""
    return _window_figures(visit_figures(con, scope, [window], own=[False])[0])


# --- the townships' average ---------------------------------------------------------
# 全县平均 (what a township is compared with, on the comparison page and in the briefing)
# is pooled: the sum of the townships' numerators ÷ the sum of their denominators, which
# is the metric computed over the whole scope, so a township weighs by its size and the
# average equals the scope's own figure on every other page. For a count (视察检查次数)
# it is the scope's total ÷ the number of townships. Key -> (numerator, denominator, scale).
POOLED_PARTS: dict[str, tuple[str, str, float]] = {
    "resolution_rate": ("collected_resolved", "suggestions_collected", 1),
    "household_coverage": ("households_visited", "households_total", 1),
    "deputy_participation": ("deputies_visiting", "deputies_total", 1),
    "campaign_household_coverage": ("campaign_households_visited", "households_total", 1),
    "campaign_deputy_participation": ("campaign_deputies_visiting", "deputies_total", 1),
    "supervision_per_100_deputies": ("supervision", "deputies_total", 100),
    "suggestions_per_100_deputies": ("suggestions_collected", "deputies_total", 100),
    "activities_per_station": ("activities_total", "stations_total", 1),
    "reception_days_per_station": ("reception_days", "stations_total", 1),
    "voter_contacts_per_station": ("voter_contacts", "stations_total", 1),
    "reception_compliance": ("reception_months_held", "reception_months_due", 1),
}


def pooled_average(frame, key: str) -> float | None:
    """全县平均 of `key` over the rows of `frame` (one per township, holding the parts named
    in POOLED_PARTS): pooled for ratios, total ÷ townships for counts; None if undefined."""
    if key not in POOLED_PARTS:
        return float(frame[key].sum()) / len(frame) if len(frame) else None
    numerator, denominator, scale = POOLED_PARTS[key]
    total = float(frame[denominator].sum())
    return scale * float(frame[numerator].sum()) / total if total else None


# --- figures the work summaries report (issue 12) ---------------------------
# Not in contract section 4; each has its key and 口径 in queries/labels.py.

DEPUTY_LEVEL_ORDER, GENDER_ORDER = list(DEPUTY_LEVELS), list(GENDERS)
EDUCATION_ORDER, OCCUPATION_ORDER = list(EDUCATION_LEVELS), list(OCCUPATIONS)
# Age bands of the 换届 reports ("35岁以下…36岁至55岁…56岁以上"): upper bounds, inclusive.
AGE_BANDS = [("35岁及以下", 35), ("36至55岁", 55), ("56岁及以上", None)]


def deputies_by_level(con: Con, scope: Scope, period: Period) -> dict[str, int]:
    """五级代表: roster deputies by level (全国 / 省 / 市 / 县 / 乡镇), levels present only."""
    return _figure(con, scope, period, "deputies_by_level")


def deputies_by_gender(con: Con, scope: Scope, period: Period) -> dict[str, int]:
    """Roster deputies by gender (blank: 未填写)."""
    return _figure(con, scope, period, "deputies_by_gender")


def deputies_by_education(con: Con, scope: Scope, period: Period) -> dict[str, int]:
    """Roster deputies by education, highest first (blank: 未填写)."""
    return _figure(con, scope, period, "deputies_by_education")


def deputies_by_occupation(con: Con, scope: Scope, period: Period) -> dict[str, int]:
    """Roster deputies by occupation (blank: 未填写)."""
    return _figure(con, scope, period, "deputies_by_occupation")


def deputies_by_age_band(con: Con, scope: Scope, period: Period) -> dict[str, int]:
    """Roster deputies by age at the period's end year (year − 出生年份): 35 and under, 36-55, 56 up."""
    return _figure(con, scope, period, "deputies_by_age_band")


# Names repeat across townships (every township has a 第1代表组), and a team's name may repeat
# across the groups it belongs to (each group's 第一分队): groups count within their township,
# teams within their township and group.
def deputy_groups(con: Con, scope: Scope, period: Period) -> int:
    """代表组数: distinct 代表小组 on the roster, each township's counted apart."""
    return _figure(con, scope, period, "deputy_groups")


def action_teams(con: Con, scope: Scope, period: Period) -> int:
    """行动分队数: distinct 行动分队 on the roster, counted within each township and 代表小组."""
    return _figure(con, scope, period, "action_teams")


def supervision_by_kind(con: Con, scope: Scope, period: Period) -> dict[str, int]:
    """监督活动 split by kind (视察 / 执法检查 / 调研 / 评议), kinds held only."""
    return _figure(con, scope, period, "supervision_by_kind")


def meetings(con: Con, scope: Scope, period: Period) -> int:
    """召开会议次数: activities of kind 会议 (人代会 sessions, 主席团会议 and others)."""
    return _figure(con, scope, period, "meetings")


def meetings_by_type(con: Con, scope: Scope, period: Period) -> dict[str, int]:
    """会议 by what the title names: 人民代表大会 / 人代会, else 主席团, else 其他会议."""
    return _figure(con, scope, period, "meetings_by_type")


def trainings(con: Con, scope: Scope, period: Period) -> int:
    """学习培训次数: activities of kind 学习培训."""
    return _figure(con, scope, period, "trainings")


def training_attendance(con: Con, scope: Scope, period: Period) -> int:
    """参加学习培训人次: the sum of 参加人数 of 学习培训 (blank 参加人数: the deputies listed)."""
    return _figure(con, scope, period, "training_attendance")


def deputies_per_reception(con: Con, scope: Scope, period: Period) -> float | None:
    """每次接待日代表人数: average 参加代表 per 接待选民 activity that lists its deputies, to one decimal
    (a head count is never read to more)."""
    return _figure(con, scope, period, "deputies_per_reception")


def reception_deputies_by_level(con: Con, scope: Scope, period: Period) -> dict[str, int]:
    """接待选民的代表 by level: distinct deputies listed on 接待选民 activities (not on the roster: 未填写)."""
    return _figure(con, scope, period, "reception_deputies_by_level")


def voter_contacts_with_visits(con: Con, scope: Scope, period: Period) -> int:
    """联系选民人次（含走访）: 联系选民人次 plus one per visit that is not to an enterprise."""
    return _figure(con, scope, period, "voter_contacts_with_visits")


# A station counts once it stands at the period's end: set up by then, or with no 设立日期.
STATIONS_STANDING_SQL = """
    SELECT * FROM stations
    WHERE township_code IN (SELECT unnest($towns)) AND (established_on IS NULL OR established_on <= $end)
"""


def stations_on_roster(con: Con, scope: Scope, period: Period) -> int:
    """活动站总数: roster stations of the scope set up by the period's end (or without 设立日期)."""
    return _figure(con, scope, period, "stations_on_roster")


def stations_established(con: Con, scope: Scope, period: Period) -> int:
    """新设立活动站数: roster stations of the scope whose 设立日期 falls in the period."""
    return _figure(con, scope, period, "stations_established")


# Each standing roster station with its activities in the period (the rows behind 每站最少活动次数).
STATION_TALLY_SQL = f"""
    SELECT s.station_id, count(a.activity_id) AS activities
    FROM ({STATIONS_STANDING_SQL}) s
    LEFT JOIN activities_in($start, $end, $towns) a ON a.station_id = s.station_id
    GROUP BY s.station_id
"""


def station_activities_min(con: Con, scope: Scope, period: Period) -> int | None:
    """每站最少活动次数: the fewest activities any standing roster station held in the period
    ("每个活动站都已组织各类活动15次以上"); None without stations."""
    return _figure(con, scope, period, "station_activities_min")


def campaign_suggestions(con: Con, scope: Scope, period: Period) -> int:
    """代表行动中征集意见建议数: suggestions with 专项行动 filled, collected in the period, other than 议案."""
    return _figure(con, scope, period, "campaign_suggestions")


def campaign_motions(con: Con, scope: Scope, period: Period) -> int:
    """代表行动中提交议案数: 议案 collected in the period with 专项行动 filled, or received between
    the first and the last campaign visit of the period (a 议案 raised out of a campaign is often
    logged without its 专项行动)."""
    return _figure(con, scope, period, "campaign_motions")


SUMMARY_METRICS = [
    deputies_by_level, deputies_by_gender, deputies_by_age_band, deputies_by_education, deputies_by_occupation,
    deputy_groups, action_teams, supervision_by_kind, meetings, meetings_by_type, trainings, training_attendance,
    deputies_per_reception, reception_deputies_by_level, voter_contacts_with_visits,
    stations_on_roster, stations_established, station_activities_min, campaign_suggestions, campaign_motions,
]


# --- all of them ------------------------------------------------------------
# The keys in the order the CLI prints them.
CONTRACT_KEYS = [
    "inspections", "inspections_by_theme", "supervision", "evaluated_units",
    "suggestions_collected", "suggestions_by_source", "suggestions_resolved", "resolution_rate",
    "median_days_to_resolve", "overdue", "due_soon", "suggestions_by_outcome", "satisfaction_rate",
    "household_coverage", "households_visited", "households_total",
    "deputy_participation", "deputies_visiting", "deputies_total",
    "enterprises_visited", "problems_found", "problems_solved", "households_consoled",
    "station_activities", "reception_days", "reporting_deputies", "reporting_deputies_by_level",
    "voter_contacts", "activities_total",
]
SUMMARY_KEYS = [f.__name__ for f in SUMMARY_METRICS]


def _every_figure(
    con: Con, scope: Scope, periods: Sequence[Period], settings: Settings, today: dt.date | None,
    resolved_bys: Sequence[dt.date | None] | None = None, roster: bool = False,
) -> list[dict]:
    """Every figure of every period in one statement per register (one merged dict per period)."""
    day = data_as_of(con, today, scope)
    activities = activity_figures(con, scope, periods)
    listed = listed_deputy_figures(con, scope, periods)
    asked = suggestion_figures(con, scope, periods, settings, [min(p.end, day) for p in periods], resolved_bys)
    visited = visit_figures(con, scope, periods)
    rosters = roster_figures(con, scope, periods) if roster else [{}] * len(periods)
    merged = [a | b | c | d | e for a, b, c, d, e in zip(activities, listed, asked, visited, rosters, strict=True)]
    for figures in merged:
        figures["voter_contacts_with_visits"] = figures["voter_contacts"] + figures["contact_visits"]
    return merged


def all_metrics(
    con: Con, scope: Scope, period: Period, settings: Settings = Settings(), today: dt.date | None = None,
) -> dict[str, object]:
    """Every section-4 metric under its contract key (with the two page-only counts), open
    suggestions counted at `as_of_date`."""
    return {key: _every_figure(con, scope, [period], settings, today)[0][key] for key in CONTRACT_KEYS}


# What the headline shows (the tiles of 总览, 建议办理 and 季度简报, the briefing's paragraph and
# charts), and the coverage of its window: the figures compared_headline computes.
HEADLINE_KEYS = (
    "activities_total", "inspections", "supervision", "evaluated_units", "reception_days", "voter_contacts",
    "suggestions_collected", "suggestions_resolved", "resolution_rate", "collected_resolved",
    "median_days_to_resolve", "overdue", "due_soon", "satisfaction_rate", "enterprises_visited", "problems_solved",
    "reporting_deputies", "households_total", "deputies_total",
)
WINDOW_KEYS = ("campaign_households_visited", "campaign_household_coverage", "campaign_deputies_visiting",
               "campaign_deputy_participation")


def compared_headline(
    con: Con, scope: Scope, periods: Sequence[Period], settings: Settings = Settings(), today: dt.date | None = None,
) -> list[dict[str, object]]:
    """The headline of the period shown and of those it is compared with (the period before:
    环比, the same period last year: 同比): HEADLINE_KEYS and the coverage of the period's latest
    coverage window (`coverage_window`), open suggestions at `as_of`; one statement per register.

    Like is compared with like: an earlier period's `resolution_rate` is its cohort's 办结率 when
    it was as old as the shown period's cohort is now (resolution_rate_same_age). Coverage is a
    campaign's, compared with last year's campaign only: the period before gets no coverage
    window, and no earlier period the in-period visit figures (None), which no tile compares."""
    day, campaigns = data_as_of(con, today, scope), _campaigns(con, scope)
    shown = periods[0]
    standing = statuses_as_of(con, today, scope) if len(periods) > 1 else None
    resolved_bys = [None, *(p.start + (standing - shown.start) for p in periods[1:])]
    windows = [_windows_of(campaigns, p, min(p.end, day))[-1] for p in periods]
    compared = [index != 1 for index in range(len(periods))]  # the period before: no coverage window
    activities = activity_figures(con, scope, periods, [k for k in ACTIVITY_KEYS if k in HEADLINE_KEYS])
    asked = suggestion_figures(con, scope, periods, settings, [min(p.end, day) for p in periods], resolved_bys,
                               keys=[*(k for k in SUGGESTION_KEYS if k in HEADLINE_KEYS), "resolution_rate_by"])
    spans = [shown, *(w for w, wanted in zip(windows, compared, strict=True) if wanted)]
    visited = visit_figures(con, scope, spans, coverage=[False, *([True] * (len(spans) - 1))],
                            own=[True, *([False] * (len(spans) - 1))])
    listed = listed_deputy_figures(con, scope, periods, ["reporting_deputies"])
    covered = iter(visited[1:])
    headline = []
    for index, period in enumerate(periods):
        figures = activities[index] | asked[index] | listed[index] | (
            visited[0] if index == 0 else dict.fromkeys(OWN_VISIT_KEYS)) | {
            "households_total": visited[0]["households_total"], "deputies_total": visited[0]["deputies_total"]}
        row = {key: figures[key] for key in HEADLINE_KEYS}
        if index:
            row["resolution_rate"] = figures["resolution_rate_by"]
        row |= _window_figures(next(covered)) if compared[index] else dict.fromkeys(WINDOW_KEYS)
        row["coverage_window"] = windows[index]
        row["as_of"] = min(period.end, day)
        headline.append(row)
    return headline


def headline_figures(
    con: Con, scope: Scope, period: Period, settings: Settings = Settings(), today: dt.date | None = None,
) -> dict[str, object]:
    """What the pages' tiles and the briefing show (compared_headline of one period): HEADLINE_KEYS
    and coverage in the latest coverage window (`coverage_window` holds it)."""
    return compared_headline(con, scope, [period], settings, today)[0]


def summary_metrics(con: Con, scope: Scope, period: Period) -> dict[str, object]:
    """The work-summary figures under their keys."""
    return every_metric_over(con, scope, [period])[0]


def every_metric_over(
    con: Con, scope: Scope, periods: Sequence[Period], settings: Settings = Settings(), today: dt.date | None = None,
) -> list[dict[str, object]]:
    """all_metrics and the summary figures of each period, in one statement per register:
    the CLI's --json and the 工作总结 (this year and the last)."""
    merged = _every_figure(con, scope, periods, settings, today, roster=True)
    return [{key: figures[key] for key in [*CONTRACT_KEYS, *SUMMARY_KEYS]} for figures in merged]


def every_metric(
    con: Con, scope: Scope, period: Period, settings: Settings = Settings(), today: dt.date | None = None,
) -> dict[str, object]:
    """all_metrics and summary_metrics together: the CLI's --json and the 工作总结."""
    return every_metric_over(con, scope, [period], settings, today)[0]
