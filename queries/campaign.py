"""Frames for the 代表行动 page: household visit coverage and deputy participation.

Coverage is measured over a coverage window (metrics.coverage_windows: a campaign's
visits, or the year to date), the problem counts over the period. Every frame here
that restates coverage per day, township, village, deputy group or team, or lists
what is still missing, applies word for word the conditions of metrics.window_coverage,
and tests/test_campaign_queries.py proves the totals equal it, so a bar never
disagrees with its tile.
"""

from __future__ import annotations

import pandas as pd

from queries import metrics
from queries.metrics import NOT_FILLED, Con, CoverageWindow, Period, Scope, _params, run
from queries.paging import Listing, ListSpec, Page, listing

# The figures the page shows as progress bars and tiles, all from queries/metrics.py.
CAMPAIGN_METRICS = (
    metrics.household_coverage, metrics.households_visited, metrics.households_total,
    metrics.deputy_participation, metrics.deputies_visiting, metrics.deputies_total,
    metrics.problems_found, metrics.problems_solved, metrics.households_consoled, metrics.enterprises_visited,
    metrics.campaign_suggestions, metrics.campaign_motions,
)


CAMPAIGN_KEYS = tuple(metric.__name__ for metric in CAMPAIGN_METRICS)


def campaign_figures_over(con: Con, scope: Scope, periods: tuple[Period, ...]) -> list[dict[str, object]]:
    """The 代表行动 metrics under their contract keys for each period (本期, 上期, 同期): one visit
    and one suggestion statement for all of them."""
    return metrics.figures_over(con, scope, periods, CAMPAIGN_KEYS)


# The page's tiles: the period's visit results (coverage is shown over the coverage window).
TILE_KEYS = ("problems_found", "problems_solved", "households_consoled", "enterprises_visited",
             "campaign_suggestions", "campaign_motions")


def tile_figures_over(con: Con, scope: Scope, periods: tuple[Period, ...]) -> list[dict[str, object]]:
    """The tiles' figures for each period (本期, 上期, 同期), without the in-period coverage no tile shows."""
    return metrics.figures_over(con, scope, periods, TILE_KEYS)


def campaign_figures(con: Con, scope: Scope, period: Period) -> dict[str, object]:
    """The 代表行动 metrics under their contract keys."""
    return campaign_figures_over(con, scope, (period,))[0]


# A village or deputy group is named by itself when the scope is one township, and with
# its township when several share the page (two townships may both have a 东村).
def _with_township(name_sql: str) -> str:
    return f"CASE WHEN len($towns) > 1 THEN {name_sql} || '（' || township_name || '）' ELSE {name_sql} END"


# --- household coverage --------------------------------------------------------

def _window_params(scope: Scope, window: CoverageWindow, **extra) -> dict:
    return _params(scope, window.period, campaign=window.campaign, **extra)


# The visits of a coverage window: dated in it, and of its campaign when it has one.
WINDOW_VISITS = "date BETWEEN $start AND $end AND ($campaign::VARCHAR IS NULL OR campaign = $campaign::VARCHAR)"

# The condition of metrics.window_coverage: a roster household of the scope with a visit
# of the window (the visit's own township does not matter; a visit carries its household's
# roster township and number, etl/schema.sql). `visited` holds only roster households of the scope.
VISITED_CTE = f"""
    visited AS (
        SELECT household_key, household_township AS township_code, min(date) AS first_visit
        FROM {{roster_visits}}
        WHERE {WINDOW_VISITS} AND household_township IN (SELECT unnest($towns))
        GROUP BY household_key, household_township
    )
"""
# The scope's roster households, with their township's name.
ROSTER_CTE = """
    roster AS (
        SELECT h.*, coalesce(t.township_name, h.township_code) AS township_name
        FROM {roster_households} h LEFT JOIN townships t USING (township_code)
        WHERE h.township_code IN (SELECT unnest($towns))
    )
"""
VISITED_HOUSEHOLDS_CTE = f"{ROSTER_CTE}, {VISITED_CTE}"

# Day by day: roster households whose first visit in the period is on or before that day
# (the days' new households, summed up).
CUMULATIVE_COVERAGE_SQL = f"""
    WITH {VISITED_CTE},
    days AS (SELECT unnest(generate_series($start::DATE, $end::DATE, INTERVAL 1 DAY))::DATE AS day),
    firsts AS (SELECT first_visit AS day, count(*) AS households FROM visited GROUP BY first_visit),
    total AS (SELECT count(*) AS households_total FROM households WHERE township_code IN (SELECT unnest($towns))),
    grown AS (
        SELECT d.day, (sum(coalesce(f.households, 0)) OVER (ORDER BY d.day))::BIGINT AS households_visited
        FROM days d LEFT JOIN firsts f USING (day)
    )
    SELECT g.day, g.households_visited, total.households_total,
           g.households_visited / nullif(total.households_total, 0) AS household_coverage
    FROM grown g CROSS JOIN total
    ORDER BY g.day
"""


def cumulative_coverage(con: Con, scope: Scope, window: CoverageWindow) -> pd.DataFrame:
    """Coverage as it grew over the window: its last day is the window's coverage."""
    return run(con, CUMULATIVE_COVERAGE_SQL, _window_params(scope, window)).df()


COVERAGE_BY_VILLAGE_SQL = f"""
    WITH {VISITED_HOUSEHOLDS_CTE}
    SELECT r.township_code, township_name, village, {_with_township("village")} AS village_label,
           count(v.household_key) AS households_visited,
           count(*) AS households_total,
           round(100.0 * count(v.household_key) / count(*), 1) AS coverage_percent
    FROM roster r LEFT JOIN visited v USING (household_key)
    GROUP BY ALL
    ORDER BY coverage_percent, households_total DESC, township_code, village
"""


def coverage_by_village(con: Con, scope: Scope, window: CoverageWindow) -> pd.DataFrame:
    """Households visited / on the roster per village, least covered first (what to chase)."""
    return run(con, COVERAGE_BY_VILLAGE_SQL, _window_params(scope, window)).df()


# Per township: its roster's households, and those of them visited (counted apart and
# joined: a township, not a million households, is the join's key).
TOWNSHIP_COVERAGE_CTE = f"""
    {VISITED_CTE},
    by_township AS (
        SELECT r.township_code, r.households_total, coalesce(v.households_visited, 0) AS households_visited
        FROM (SELECT township_code, count(*) AS households_total FROM households
              WHERE township_code IN (SELECT unnest($towns)) GROUP BY township_code) r
        LEFT JOIN (SELECT township_code, count(*) AS households_visited FROM visited GROUP BY township_code) v
          USING (township_code)
    )
"""

COVERAGE_BY_TOWNSHIP_SQL = f"""
    WITH {TOWNSHIP_COVERAGE_CTE}
    SELECT township_code, coalesce(t.township_name, township_code) AS township_name,
           households_visited, households_total,
           round(100.0 * households_visited / households_total, 1) AS coverage_percent
    FROM by_township LEFT JOIN townships t USING (township_code)
    ORDER BY coverage_percent, households_total DESC, township_code
"""


def coverage_by_township(con: Con, scope: Scope, window: CoverageWindow) -> pd.DataFrame:
    """Households visited / on the roster per township: the county-wide view (one row each)."""
    return run(con, COVERAGE_BY_TOWNSHIP_SQL, _window_params(scope, window)).df()


# A province's view: one row per county, its townships' households added up.
COVERAGE_BY_COUNTY_SQL = f"""
    WITH {TOWNSHIP_COVERAGE_CTE}
    SELECT t.county AS county,
           sum(households_visited)::BIGINT AS households_visited,
           sum(households_total)::BIGINT AS households_total,
           round(100.0 * sum(households_visited) / sum(households_total), 1) AS coverage_percent
    FROM by_township JOIN townships t USING (township_code)
    GROUP BY ALL
    ORDER BY coverage_percent, households_total DESC, county
"""


def coverage_by_county(con: Con, scope: Scope, window: CoverageWindow) -> pd.DataFrame:
    """Households visited / on the roster per county: the view of a scope above one county."""
    return run(con, COVERAGE_BY_COUNTY_SQL, _window_params(scope, window)).df()


# Roster households with no visit in the window (head names masked), narrowed to villages.
HOUSEHOLDS_NOT_VISITED = ListSpec(
    base=f"""
        WITH {ROSTER_CTE}
        SELECT household_id, head_name, township_code, township_name, village, source_file, source_row
        FROM roster r
        WHERE household_key NOT IN (SELECT household_key FROM {{roster_visits}}
                                    WHERE {WINDOW_VISITS} AND household_township IN (SELECT unnest($towns))
                                      AND household_key IS NOT NULL)
          AND (len($villages::VARCHAR[]) = 0 OR list_contains($villages::VARCHAR[], {_with_township("village")}))
    """,
    shown="""
        SELECT p.household_id, mask_name(p.head_name) AS head_name, p.township_name, p.village,
               p.source_file, p.source_row
        FROM listed p
    """,
    order="township_code, village", tiebreak="household_id",
    orders={"township": "township_code", "village": "village"},
)


def households_not_visited(
    con: Con, scope: Scope, window: CoverageWindow, villages: tuple[str, ...] = (), page: Page = Page(),
) -> Listing:
    """Roster households with no visit in the window (head names masked), narrowed to the
    picked village labels of coverage_by_village; no pick means all."""
    return listing(con, HOUSEHOLDS_NOT_VISITED, _window_params(scope, window, villages=list(villages)), page)


# The visits of the scope in the period; a household visit sits in its roster village. The
# visiting deputies are named for the page's visits only (their links carry the visit's date
# and township, so only the links of the page's days and townships are read).
VISIT_ROWS = ListSpec(
    base=f"""
        WITH placed AS (
            SELECT v.visit_id, v.date, v.township_code, v.target_kind, v.household_id, v.enterprise,
                   v.problems_found, v.problems_solved, v.consoled, v.source_file, v.source_row,
                   coalesce(h.village, v.village, $not_filled) AS village_name,
                   coalesce(t.township_name, v.township_code) AS township_name
            FROM visits_in($start, $end, $towns) v
            LEFT JOIN households h USING (household_id)
            LEFT JOIN townships t ON t.township_code = v.township_code
        )
        SELECT * FROM placed
        WHERE len($villages::VARCHAR[]) = 0
           OR list_contains($villages::VARCHAR[], {_with_township("village_name")})
    """,
    ctes=""",
    named AS (
        SELECT l.visit_id, string_agg(coalesce(d.name, l.deputy_id), '、' ORDER BY l.deputy_id) AS deputy_names
        FROM {placed_visit_links} l LEFT JOIN deputies d USING (deputy_id)
        WHERE l.date BETWEEN (SELECT min(date) FROM listed) AND (SELECT max(date) FROM listed)
          AND l.township_code BETWEEN (SELECT min(township_code) FROM listed)
                                  AND (SELECT max(township_code) FROM listed)
          AND l.visit_id IN (SELECT visit_id FROM listed)
        GROUP BY l.visit_id
    )""",
    shown="""
        SELECT CAST(p.date AS VARCHAR) AS date, p.township_name, p.village_name AS village, p.target_kind,
               coalesce(p.household_id, '') AS household_id, coalesce(p.enterprise, '') AS enterprise,
               coalesce(n.deputy_names, '') AS deputy_names,
               coalesce(p.problems_found, 0) AS problems_found, coalesce(p.problems_solved, 0) AS problems_solved,
               CASE WHEN p.consoled THEN '是' WHEN NOT p.consoled THEN '否' ELSE '' END AS consoled,
               p.source_file, p.source_row
        FROM listed p LEFT JOIN named n USING (visit_id)
    """,
    order="date, source_file", tiebreak="source_row",
    orders={"date": "date", "township": "township_code", "village": "village_name", "target_kind": "target_kind",
            "problems_found": "problems_found", "problems_solved": "problems_solved"},
)


def visit_rows(
    con: Con, scope: Scope, period: Period, villages: tuple[str, ...] = (), page: Page = Page(),
) -> Listing:
    """The 走访记录 rows behind the charts, with their file and row, narrowed to picked villages."""
    return listing(con, VISIT_ROWS, _params(scope, period, villages=list(villages), not_filled=NOT_FILLED), page)


# --- deputy participation ------------------------------------------------------

# The condition of metrics.window_coverage: a roster deputy of the scope named on a visit
# of the window (wherever the visit was; a visit's link carries its date and campaign).
VISITING_DEPUTIES_CTE = f"""
    roster AS (
        SELECT d.*, coalesce(t.township_name, d.township_code) AS township_name,
               coalesce(d.group_name, $not_filled) AS group_or_blank,
               coalesce(d.team_name, $not_filled) AS team_or_blank
        FROM deputies d LEFT JOIN townships t USING (township_code)
        WHERE d.township_code IN (SELECT unnest($towns))
    ),
    visiting AS (
        SELECT DISTINCT deputy_id FROM {{visit_links}}
        WHERE {WINDOW_VISITS} AND deputy_township IN (SELECT unnest($towns))
    )
"""

PARTICIPATION_BY_SQL = f"""
    WITH {VISITING_DEPUTIES_CTE}
    SELECT township_code, township_name, {{unit}} AS unit_name, {_with_township("{unit}")} AS unit_label,
           count(v.deputy_id) AS deputies_visiting,
           count(*) AS deputies_total,
           round(100.0 * count(v.deputy_id) / count(*), 1) AS participation_percent
    FROM roster r LEFT JOIN visiting v USING (deputy_id)
    GROUP BY ALL
    ORDER BY participation_percent, deputies_total DESC, township_code, unit_name
"""
PARTICIPATION_BY_GROUP_SQL = PARTICIPATION_BY_SQL.format(unit="group_or_blank", visit_links="{visit_links}")
PARTICIPATION_BY_TEAM_SQL = PARTICIPATION_BY_SQL.format(unit="team_or_blank", visit_links="{visit_links}")


PARTICIPATION_BY_TOWNSHIP_SQL = PARTICIPATION_BY_SQL.format(unit="township_name", visit_links="{visit_links}")


def participation_by_group(con: Con, scope: Scope, window: CoverageWindow) -> pd.DataFrame:
    """Deputies visiting / on the roster per 代表小组 (no group: 未填写), lowest first."""
    return run(con, PARTICIPATION_BY_GROUP_SQL, _window_params(scope, window, not_filled=NOT_FILLED)).df()


def participation_by_team(con: Con, scope: Scope, window: CoverageWindow) -> pd.DataFrame:
    """Deputies visiting / on the roster per 行动分队 (no team: 未填写), lowest first."""
    return run(con, PARTICIPATION_BY_TEAM_SQL, _window_params(scope, window, not_filled=NOT_FILLED)).df()


PARTICIPATION_BY_COUNTY_SQL = f"""
    WITH {VISITING_DEPUTIES_CTE}
    SELECT t.county AS county, t.county AS unit_label,
           count(v.deputy_id) AS deputies_visiting,
           count(*) AS deputies_total,
           round(100.0 * count(v.deputy_id) / count(*), 1) AS participation_percent
    FROM roster r LEFT JOIN visiting v USING (deputy_id) JOIN townships t USING (township_code)
    GROUP BY ALL
    ORDER BY participation_percent, deputies_total DESC, county
"""


def participation_by_county(con: Con, scope: Scope, window: CoverageWindow) -> pd.DataFrame:
    """Deputies visiting / on the roster per county: the view of a scope above one county."""
    return run(con, PARTICIPATION_BY_COUNTY_SQL, _window_params(scope, window, not_filled=NOT_FILLED)).df()


def participation_by_township(con: Con, scope: Scope, window: CoverageWindow) -> pd.DataFrame:
    """Deputies visiting / on the roster per township: the county-wide view (one row each)."""
    frame = run(con, PARTICIPATION_BY_TOWNSHIP_SQL, _window_params(scope, window, not_filled=NOT_FILLED)).df()
    return frame.assign(unit_label=frame["township_name"])


# Roster deputies with no visit in the window (phones masked), narrowed to groups and teams.
DEPUTIES_NOT_VISITING = ListSpec(
    base=f"""
        WITH {VISITING_DEPUTIES_CTE}
        SELECT deputy_id, name, level, township_code, township_name, group_or_blank, team_or_blank, phone,
               source_file, source_row
        FROM roster
        WHERE deputy_id NOT IN (SELECT deputy_id FROM visiting)
          AND (len($groups::VARCHAR[]) = 0
               OR list_contains($groups::VARCHAR[], {_with_township("group_or_blank")}))
          AND (len($teams::VARCHAR[]) = 0
               OR list_contains($teams::VARCHAR[], {_with_township("team_or_blank")}))
    """,
    shown="""
        SELECT p.deputy_id, p.name, p.level, p.township_name, p.group_or_blank AS group_name,
               p.team_or_blank AS team_name, mask_phone(p.phone) AS phone, p.source_file, p.source_row
        FROM listed p
    """,
    order="township_code", tiebreak="deputy_id",
    orders={"township": "township_code", "level": "level", "group": "group_or_blank", "team": "team_or_blank"},
)


def deputies_not_visiting(
    con: Con, scope: Scope, window: CoverageWindow, groups: tuple[str, ...] = (), teams: tuple[str, ...] = (),
    page: Page = Page(),
) -> Listing:
    """Roster deputies with no visit in the window (phones masked), narrowed to the picked
    group / team labels of participation_by_group / _by_team; no pick means all."""
    return listing(con, DEPUTIES_NOT_VISITING, _window_params(
        scope, window, groups=list(groups), teams=list(teams), not_filled=NOT_FILLED), page)


def township_names(con: Con, scope: Scope) -> list[tuple[str, str]]:
    """(code, name) of the scope's townships, for the page's pick of one township."""
    return run(con, "SELECT township_code, township_name FROM townships WHERE township_code IN (SELECT unnest($towns)) "
                    "ORDER BY township_code", {"towns": list(scope.township_codes)}).fetchall()
