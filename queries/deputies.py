"""Frames for the 代表履职 page: what each deputy did, who has gone quiet, one deputy's record.

A deputy's record counts every activity, visit and suggestion that names them,
wherever it was held: the record belongs to the person. None of these figures is
a contract metric (those count by township in queries/metrics.py); they are the
per-deputy registers behind them.
"""

from __future__ import annotations

import pandas as pd

from etl.registers import ACTIVITY_KINDS, DEPUTY_LEVELS
from queries import metrics
from queries.metrics import REPORTING_KIND, Con, Period, Scope, _params, run
from queries.paging import Listing, ListSpec, Page, listing

# A deputy with no activity or visit in this many months before the period end is inactive.
INACTIVE_MONTHS = 6
# How a visit (走访记录 register) shows next to the activity kinds of one deputy.
VISIT_KIND = "走访记录"


FILTER_OPTIONS_SQL = """
    SELECT list(DISTINCT level ORDER BY list_position($levels::VARCHAR[], level), level)
               FILTER (WHERE level IS NOT NULL) AS levels,
           list(DISTINCT group_name ORDER BY group_name) FILTER (WHERE group_name IS NOT NULL) AS groups,
           list(DISTINCT station_id ORDER BY station_id) FILTER (WHERE station_id IS NOT NULL) AS stations
    FROM deputies WHERE township_code IN (SELECT unnest($towns))
"""


def filter_options(con: Con, scope: Scope) -> dict[str, list[str]]:
    """The levels, groups and station ids on the roster of the scope, for the page's filters."""
    levels, groups, stations = run(
        con, FILTER_OPTIONS_SQL, {"towns": list(scope.township_codes), "levels": list(DEPUTY_LEVELS)}
    ).fetchall()[0]
    return {"levels": levels or [], "groups": groups or [], "stations": stations or []}


def deputy_township(con: Con, scope: Scope, deputy_id: str) -> str | None:
    """The township of a roster deputy of the scope (None: not one of its deputies)."""
    found = run(con, "SELECT township_code FROM deputies WHERE deputy_id = $deputy "
                     "AND township_code IN (SELECT unnest($towns))",
                {"deputy": deputy_id, "towns": list(scope.township_codes)}).fetchall()
    return found[0][0] if found else None


def deputy_roster(con: Con, scope: Scope) -> list[tuple[str, str]]:
    """(id, name) of the roster deputies of the scope, for picking one deputy."""
    return run(
        con,
        "SELECT deputy_id, name FROM deputies WHERE township_code IN (SELECT unnest($towns)) "
        "ORDER BY township_code, deputy_id",
        {"towns": list(scope.township_codes)},
    ).fetchall()


# A deputy's record: counts in the period, and the day of the last activity or visit, looking
# back without limit up to the period end. A deputy's links carry their row's date (and an
# activity's kind, etl/schema.sql), so only the deputies' own links are read; the look-back,
# which reads a deputy's whole history, is made only for the deputies a page shows (and, for
# the quiet, for those with nothing in the last six months). The roster holds only what a list
# is filtered and sorted by: a province's 300 K deputies are materialised three columns wide,
# and names, groups, phones and labels are joined for the page's deputies (RECORD_SHOWN_SQL).
ROSTER_CTE = """
    roster AS (
        SELECT d.deputy_id, d.level, d.township_code
        FROM deputies d
        WHERE d.township_code IN (SELECT unnest($towns))
          AND (len($levels::VARCHAR[]) = 0 OR list_contains($levels::VARCHAR[], d.level))
          AND (len($groups::VARCHAR[]) = 0 OR list_contains($groups::VARCHAR[], d.group_name))
          AND (len($stations::VARCHAR[]) = 0 OR list_contains($stations::VARCHAR[], d.station_id))
    )"""


def _mine(who: str) -> str:
    """The links of the deputies of `who` (some of the scope's roster). Each link carries its
    deputy's township (etl/schema.sql), so naming it lets the scan skip every other township's
    links: for a page's deputies (`listed`) by their townships' range, which a province's list
    of 2,000 would otherwise probe link by link; for a whole roster by the scope's townships
    (its range would read the roster again)."""
    if who == "listed":
        return ("deputy_id IN (SELECT deputy_id FROM listed) AND deputy_township "
                "BETWEEN (SELECT min(township_code) FROM listed) AND (SELECT max(township_code) FROM listed)")
    return f"deputy_id IN (SELECT deputy_id FROM {who}) AND deputy_township IN (SELECT unnest($towns))"


# The period's counts of the deputies of `{mine}` (_mine).
PERIOD_COUNTS_SQL = """
    SELECT deputy_id, sum(activities) AS activities, sum(reports_to_voters) AS reports_to_voters,
           sum(visits) AS visits, sum(suggestions) AS suggestions
    FROM (
        SELECT deputy_id, 1 AS activities, (kind = $reporting)::INTEGER AS reports_to_voters, 0 AS visits,
               0 AS suggestions
        FROM {{activity_links}} WHERE date BETWEEN $start AND $end AND {mine}
        UNION ALL
        SELECT deputy_id, 0, 0, 1, 0 FROM {{visit_links}}
        WHERE date BETWEEN $start AND $end AND {mine}
        UNION ALL
        SELECT deputy_id, 0, 0, 0, 1 FROM {{suggestion_links}}
        WHERE received_on BETWEEN $start AND $end AND {mine}
    )
    GROUP BY deputy_id
"""
# The last activity or visit up to the period end of the deputies of `{mine}` (_mine).
LAST_ACTIVE_SQL = """
    SELECT deputy_id, max(date) AS last_active_date
    FROM (SELECT deputy_id, date FROM {{activity_links}}
          WHERE date <= $end AND {mine}
          UNION ALL
          SELECT deputy_id, date FROM {{visit_links}}
          WHERE date <= $end AND {mine})
    GROUP BY deputy_id
"""
# Inactive: no activity or visit in the months before the period end (so the last one, if any,
# is on or before that day).
QUIET_SINCE = "$end::DATE - to_months($inactive_months)"
# The page's deputies with their roster details (one row each: the load keeps a deputy id once).
RECORD_SHOWN_SQL = f"""
    SELECT p.deputy_id, p.name, p.level, p.township_name, p.station_name,
           coalesce(p.group_name, '') AS group_name, coalesce(p.team_name, '') AS team_name,
           coalesce(mask_phone(p.phone), '') AS phone,
           coalesce(c.activities, 0)::BIGINT AS activities, coalesce(c.visits, 0)::BIGINT AS visits,
           coalesce(c.suggestions, 0)::BIGINT AS suggestions,
           coalesce(c.reports_to_voters, 0)::BIGINT AS reports_to_voters,
           coalesce(CAST(l.last_active_date AS VARCHAR), '无记录') AS last_active_on,
           l.last_active_date IS NULL OR l.last_active_date <= {QUIET_SINCE} AS inactive,
           p.source_file, p.source_row
    FROM (SELECT p.*, d.name, d.group_name, d.team_name, d.phone, d.source_file, d.source_row,
                 coalesce(t.township_name, d.township_code) AS township_name,
                 coalesce(s.station_name, d.station_id, '') AS station_name
          FROM listed p JOIN deputies d USING (deputy_id)
          LEFT JOIN townships t ON t.township_code = d.township_code
          LEFT JOIN stations s ON s.station_id = d.station_id) p
    LEFT JOIN counted c USING (deputy_id) LEFT JOIN last_active l USING (deputy_id)
"""
COUNT_ORDERS = {"activities": "activities", "visits": "visits", "suggestions": "suggestions",
                "reports_to_voters": "reports_to_voters"}
# In the roster's order (the default) only the page's deputies are counted; sorted by a count,
# every deputy of the list is (ALL_RECORDS).
ROSTER_RECORDS = ListSpec(
    base=f"WITH {ROSTER_CTE} SELECT * FROM roster",
    ctes=f""",
    counted AS ({PERIOD_COUNTS_SQL.format(mine=_mine("listed"))}),
    last_active AS ({LAST_ACTIVE_SQL.format(mine=_mine("listed"))})""",
    shown=RECORD_SHOWN_SQL, order="township_code", tiebreak="deputy_id",
    orders={"township": "township_code", "level": "level"},
)
ALL_RECORDS = ListSpec(
    base=f"""
        WITH {ROSTER_CTE},
        counted AS ({PERIOD_COUNTS_SQL.format(mine=_mine("roster"))})
        SELECT r.*, coalesce(c.activities, 0) AS activities, coalesce(c.visits, 0) AS visits,
               coalesce(c.suggestions, 0) AS suggestions, coalesce(c.reports_to_voters, 0) AS reports_to_voters
        FROM roster r LEFT JOIN counted c USING (deputy_id)
    """,
    ctes=f""",
    counted AS (SELECT deputy_id, activities, visits, suggestions, reports_to_voters FROM listed),
    last_active AS ({LAST_ACTIVE_SQL.format(mine=_mine("listed"))})""",
    shown=RECORD_SHOWN_SQL, order="township_code", tiebreak="deputy_id",
    orders={"township": "township_code", "level": "level", **COUNT_ORDERS},
)
INACTIVE_RECORDS = ListSpec(
    base=f"""
        WITH {ROSTER_CTE},
        active AS (
            SELECT deputy_id FROM {{activity_links}}
            WHERE date > {QUIET_SINCE} AND date <= $end AND {_mine("roster")}
            UNION SELECT deputy_id FROM {{visit_links}}
            WHERE date > {QUIET_SINCE} AND date <= $end AND {_mine("roster")}
        ),
        quiet AS (SELECT * FROM roster WHERE deputy_id NOT IN (SELECT deputy_id FROM active)),
        last_active AS ({LAST_ACTIVE_SQL.format(mine=_mine("quiet"))})
        SELECT q.*, l.last_active_date FROM quiet q LEFT JOIN last_active l USING (deputy_id)
    """,
    ctes=f""",
    counted AS ({PERIOD_COUNTS_SQL.format(mine=_mine("listed"))}),
    last_active AS (SELECT deputy_id, last_active_date FROM listed)""",
    shown=RECORD_SHOWN_SQL, order="last_active_date NULLS FIRST, township_code", tiebreak="deputy_id",
    orders={"township": "township_code", "level": "level", "last_active_on": "last_active_date"},
)


def _record_params(scope, period, levels, groups, stations) -> dict:
    return _params(scope, period, levels=list(levels), groups=list(groups), stations=list(stations),
                   reporting=REPORTING_KIND, inactive_months=INACTIVE_MONTHS)


def deputy_records(
    con: Con, scope: Scope, period: Period,
    levels: tuple[str, ...] = (), groups: tuple[str, ...] = (), stations: tuple[str, ...] = (), page: Page = Page(),
) -> Listing:
    """Per roster deputy of the scope: activities, visits, suggestions and 述职 in the period,
    and the day of their last activity or visit (phones masked); empty filters mean all."""
    spec = ALL_RECORDS if page.order in COUNT_ORDERS else ROSTER_RECORDS
    return listing(con, spec, _record_params(scope, period, levels, groups, stations), page)


def inactive_deputies(
    con: Con, scope: Scope, period: Period,
    levels: tuple[str, ...] = (), groups: tuple[str, ...] = (), stations: tuple[str, ...] = (), page: Page = Page(),
) -> Listing:
    """The deputies with no activity or visit in the six months before the period end,
    longest quiet first (never active at the top)."""
    return listing(con, INACTIVE_RECORDS, _record_params(scope, period, levels, groups, stations), page)


# --- one deputy ----------------------------------------------------------------

# Everything one deputy took part in during the period: activities by kind, visits as one kind.
# Scoped twice: the deputy must be on the scope's roster, and only the scope's own activities
# and visits are listed (a deputy's deed in another township is that township's row). The
# deputy's links (dated, etl/schema.sql) are found first; their rows are read by key.
DEPUTY_DEEDS_CTE = """
    me AS (SELECT deputy_id FROM deputies WHERE deputy_id = $deputy AND township_code IN (SELECT unnest($towns))),
    my_activities AS (
        SELECT activity_id FROM {activity_links}
        WHERE deputy_id IN (SELECT deputy_id FROM me) AND deputy_township IN (SELECT unnest($towns))
          AND date BETWEEN $start AND $end
          AND township_code IN (SELECT unnest($towns))
    ),
    my_visits AS (
        SELECT visit_id FROM {visit_links}
        WHERE deputy_id IN (SELECT deputy_id FROM me) AND deputy_township IN (SELECT unnest($towns))
          AND date BETWEEN $start AND $end
    ),
    deeds AS (
        SELECT a.date, a.kind, a.title, coalesce(t.township_name, a.township_code) AS township_name,
               a.source_file, a.source_row
        FROM activities a LEFT JOIN townships t ON t.township_code = a.township_code
        WHERE a.date BETWEEN $start AND $end AND a.activity_id IN (SELECT activity_id FROM my_activities)
        UNION ALL
        SELECT v.date, $visit_kind, v.target_kind || '：' || coalesce(v.household_id, v.enterprise, v.village, ''),
               coalesce(t.township_name, v.township_code), v.source_file, v.source_row
        FROM visits v LEFT JOIN townships t ON t.township_code = v.township_code
        WHERE v.date BETWEEN $start AND $end AND v.township_code IN (SELECT unnest($towns))
          AND v.visit_id IN (SELECT visit_id FROM my_visits)
    )
"""

DEPUTY_CALENDAR_SQL = f"""
    WITH {DEPUTY_DEEDS_CTE},
    months AS (
        SELECT unnest(generate_series(date_trunc('month', $start::DATE),
                                      date_trunc('month', $end::DATE), INTERVAL 1 MONTH))::DATE AS month
    ),
    kinds AS (SELECT DISTINCT kind FROM deeds)
    SELECT m.month, k.kind, count(d.kind) AS activities,
           CASE WHEN count(d.kind) > 0 THEN CAST(count(d.kind) AS VARCHAR) ELSE '' END AS cell_text
    FROM months m CROSS JOIN kinds k
    LEFT JOIN deeds d ON date_trunc('month', d.date) = m.month AND d.kind = k.kind
    GROUP BY m.month, k.kind
    ORDER BY coalesce(list_position($kinds::VARCHAR[], k.kind), 99), k.kind, m.month
"""


def _deputy_params(scope: Scope, deputy_id: str, period: Period, **extra) -> dict:
    return {"deputy": deputy_id, "start": period.start, "end": period.end, "visit_kind": VISIT_KIND,
            "kinds": list(ACTIVITY_KINDS), "towns": list(scope.township_codes), **extra}


def deputy_calendar(con: Con, scope: Scope, deputy_id: str, period: Period) -> pd.DataFrame:
    """One deputy of the scope: activities per month × kind over the period (visits as 走访记录),
    every month of the period shown; no rows when the deputy did nothing in it."""
    return run(con, DEPUTY_CALENDAR_SQL, _deputy_params(scope, deputy_id, period)).df()


DEPUTY_DEEDS = ListSpec(
    base=f"""
        WITH {DEPUTY_DEEDS_CTE}
        SELECT * FROM deeds
        WHERE len($picked::VARCHAR[]) = 0 OR list_contains($picked::VARCHAR[], kind)
    """,
    shown="""
        SELECT CAST(p.date AS VARCHAR) AS date, p.kind, p.title, p.township_name, p.source_file, p.source_row
        FROM listed p
    """,
    order="date, source_file", tiebreak="source_row", orders={"date": "date", "kind": "kind"},
)


def deputy_deeds(
    con: Con, scope: Scope, deputy_id: str, period: Period, kinds: tuple[str, ...] = (), page: Page = Page(),
) -> Listing:
    """The register rows behind one deputy's calendar, narrowed to the picked kinds."""
    return listing(con, DEPUTY_DEEDS, _deputy_params(scope, deputy_id, period, picked=list(kinds)), page)


# Peers: the other roster deputies of the same township and level. Their average counts
# every peer, including those with none of a kind, so it reads as "a typical peer".
KIND_MIX_SQL = """
    WITH me AS (SELECT township_code, level FROM deputies
                WHERE deputy_id = $deputy AND township_code IN (SELECT unnest($towns))),
    peers AS (
        SELECT d.deputy_id FROM deputies d JOIN me USING (township_code, level) WHERE d.deputy_id <> $deputy
    ),
    taken AS (  -- a link carries its activity's date, kind and township (etl/schema.sql)
        SELECT deputy_id, kind, count(*) AS n
        FROM {activity_links}
        WHERE date BETWEEN $start AND $end AND township_code IN (SELECT unnest($towns))
          AND deputy_township IN (SELECT unnest($towns))
          AND (deputy_id = $deputy AND EXISTS (SELECT 1 FROM me) OR deputy_id IN (SELECT deputy_id FROM peers))
        GROUP BY ALL
    )
    SELECT kind,
           CAST(coalesce(sum(n) FILTER (WHERE deputy_id = $deputy), 0) AS INTEGER) AS deputy_count,
           round(coalesce(sum(n) FILTER (WHERE deputy_id <> $deputy), 0)
                 / nullif((SELECT count(*) FROM peers), 0), 2) AS peer_average,
           (SELECT count(*) FROM peers) AS peers
    FROM taken
    GROUP BY kind
    ORDER BY coalesce(list_position($kinds::VARCHAR[], kind), 99), kind
"""


def kind_mix(con: Con, scope: Scope, deputy_id: str, period: Period) -> pd.DataFrame:
    """One deputy of the scope: activities per kind next to the average of their peers (none: NaN)."""
    return run(con, KIND_MIX_SQL, _deputy_params(scope, deputy_id, period)).df()



# --- the roster's composition and the presidium's own work (代表工作 of the 工作总结) ----------

COMPOSITION = {  # dimension shown -> the metric that splits the roster by it
    "性别": metrics.deputies_by_gender, "年龄": metrics.deputies_by_age_band,
    "学历": metrics.deputies_by_education, "职业": metrics.deputies_by_occupation,
}
WORK_FIGURES = (
    metrics.deputies_total, metrics.deputy_groups, metrics.action_teams, metrics.reporting_deputies,
    metrics.meetings, metrics.trainings, metrics.training_attendance,
)

WORK_FIGURE_KEYS = tuple(f.__name__ for f in WORK_FIGURES)


def work_figures_over(con: Con, scope: Scope, periods: tuple[Period, ...]) -> list[dict[str, object]]:
    """The tiles of the 代表构成 section, under their metric keys, for each period (本期, 上期, 同期)."""
    return metrics.figures_over(con, scope, periods, WORK_FIGURE_KEYS)


def work_figures(con: Con, scope: Scope, period: Period) -> dict[str, object]:
    """The tiles of the 代表构成 section, under their metric keys."""
    return work_figures_over(con, scope, (period,))[0]


def _split_frame(split: dict[str, int], column: str) -> pd.DataFrame:
    return pd.DataFrame({"label": list(split), column: list(split.values())})


def level_split(con: Con, scope: Scope, period: Period) -> pd.DataFrame:
    """五级代表: deputies on the roster per level (metrics.deputies_by_level as a frame)."""
    return _split_frame(metrics.deputies_by_level(con, scope, period), "deputies")


def composition(con: Con, scope: Scope, period: Period, dimension: str) -> pd.DataFrame:
    """(label, deputies) of one dimension of COMPOSITION (性别, 年龄, 学历 or 职业)."""
    return _split_frame(COMPOSITION[dimension](con, scope, period), "deputies")


def reporting_split(con: Con, scope: Scope, period: Period) -> pd.DataFrame:
    """述职代表 per level (metrics.reporting_deputies_by_level as a frame)."""
    return _split_frame(metrics.reporting_deputies_by_level(con, scope, period), "deputies")
