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

# The figures the page shows as progress bars and tiles, all from queries/metrics.py.
CAMPAIGN_METRICS = (
    metrics.household_coverage, metrics.households_visited, metrics.households_total,
    metrics.deputy_participation, metrics.deputies_visiting, metrics.deputies_total,
    metrics.problems_found, metrics.problems_solved, metrics.households_consoled, metrics.enterprises_visited,
    metrics.campaign_suggestions, metrics.campaign_motions,
)


def campaign_figures(con: Con, scope: Scope, period: Period) -> dict[str, object]:
    """The 代表行动 metrics under their contract keys (one call, so the page caches them together)."""
    return {metric.__name__: metric(con, scope, period) for metric in CAMPAIGN_METRICS}


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
# of the window (the visit's own township does not matter).
VISITED_HOUSEHOLDS_CTE = f"""
    roster AS (
        SELECT h.*, coalesce(t.township_name, h.township_code) AS township_name
        FROM households h LEFT JOIN townships t USING (township_code)
        WHERE h.township_code IN (SELECT unnest($towns))
    ),
    visited AS (
        SELECT household_id, min(date) AS first_visit FROM visits
        WHERE {WINDOW_VISITS} AND household_id IS NOT NULL
        GROUP BY household_id
    )
"""

# Day by day: roster households whose first visit in the period is on or before that day.
CUMULATIVE_COVERAGE_SQL = f"""
    WITH {VISITED_HOUSEHOLDS_CTE},
    days AS (SELECT unnest(generate_series($start::DATE, $end::DATE, INTERVAL 1 DAY))::DATE AS day)
    SELECT d.day,
           count(v.household_id) AS households_visited,
           (SELECT count(*) FROM roster) AS households_total,
           count(v.household_id) / nullif((SELECT count(*) FROM roster), 0) AS household_coverage
    FROM days d
    LEFT JOIN (SELECT r.household_id, v.first_visit FROM roster r JOIN visited v USING (household_id)) v
      ON v.first_visit <= d.day
    GROUP BY d.day
    ORDER BY d.day
"""


def cumulative_coverage(con: Con, scope: Scope, window: CoverageWindow) -> pd.DataFrame:
    """Coverage as it grew over the window: its last day is the window's coverage."""
    return run(con, CUMULATIVE_COVERAGE_SQL, _window_params(scope, window)).df()


COVERAGE_BY_VILLAGE_SQL = f"""
    WITH {VISITED_HOUSEHOLDS_CTE}
    SELECT township_code, township_name, village, {_with_township("village")} AS village_label,
           count(v.household_id) AS households_visited,
           count(*) AS households_total,
           round(100.0 * count(v.household_id) / count(*), 1) AS coverage_percent
    FROM roster r LEFT JOIN visited v USING (household_id)
    GROUP BY ALL
    ORDER BY coverage_percent, households_total DESC, township_code, village
"""


def coverage_by_village(con: Con, scope: Scope, window: CoverageWindow) -> pd.DataFrame:
    """Households visited / on the roster per village, least covered first (what to chase)."""
    return run(con, COVERAGE_BY_VILLAGE_SQL, _window_params(scope, window)).df()


COVERAGE_BY_TOWNSHIP_SQL = f"""
    WITH {VISITED_HOUSEHOLDS_CTE}
    SELECT township_code, township_name,
           count(v.household_id) AS households_visited,
           count(*) AS households_total,
           round(100.0 * count(v.household_id) / count(*), 1) AS coverage_percent
    FROM roster r LEFT JOIN visited v USING (household_id)
    GROUP BY ALL
    ORDER BY coverage_percent, households_total DESC, township_code
"""


def coverage_by_township(con: Con, scope: Scope, window: CoverageWindow) -> pd.DataFrame:
    """Households visited / on the roster per township: the county-wide view (one row each)."""
    return run(con, COVERAGE_BY_TOWNSHIP_SQL, _window_params(scope, window)).df()


HOUSEHOLDS_NOT_VISITED_SQL = f"""
    WITH {VISITED_HOUSEHOLDS_CTE}
    SELECT household_id, mask_name(head_name) AS head_name, township_name, village,
           source_file, source_row
    FROM roster r
    WHERE household_id NOT IN (SELECT household_id FROM visited)
      AND (len($villages::VARCHAR[]) = 0 OR list_contains($villages::VARCHAR[], {_with_township("village")}))
    ORDER BY township_code, village, household_id
"""


def households_not_visited(
    con: Con, scope: Scope, window: CoverageWindow, villages: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Roster households with no visit in the window (head names masked), narrowed to the
    picked village labels of coverage_by_village; no pick means all."""
    return run(con, HOUSEHOLDS_NOT_VISITED_SQL, _window_params(scope, window, villages=list(villages))).df()


# The visits of the scope in the period; a household visit sits in its roster village.
VISIT_ROWS_SQL = f"""
    WITH named AS (
        SELECT vd.visit_id, string_agg(coalesce(d.name, vd.deputy_id), '、' ORDER BY vd.deputy_id) AS deputy_names
        FROM visit_deputies vd LEFT JOIN deputies d USING (deputy_id)
        GROUP BY vd.visit_id
    ),
    placed AS (
        SELECT v.*, coalesce(h.village, v.village, $not_filled) AS village_name,
               coalesce(t.township_name, v.township_code) AS township_name
        FROM visits_in($start, $end, $towns) v
        LEFT JOIN households h USING (household_id)
        LEFT JOIN townships t ON t.township_code = v.township_code
    )
    SELECT CAST(p.date AS VARCHAR) AS date, p.township_name, p.village_name AS village, p.target_kind,
           coalesce(p.household_id, '') AS household_id, coalesce(p.enterprise, '') AS enterprise,
           coalesce(n.deputy_names, '') AS deputy_names,
           coalesce(p.problems_found, 0) AS problems_found, coalesce(p.problems_solved, 0) AS problems_solved,
           CASE WHEN p.consoled THEN '是' WHEN NOT p.consoled THEN '否' ELSE '' END AS consoled,
           p.source_file, p.source_row
    FROM placed p LEFT JOIN named n USING (visit_id)
    WHERE len($villages::VARCHAR[]) = 0
       OR list_contains($villages::VARCHAR[], {_with_township("p.village_name")})
    ORDER BY p.date, p.source_file, p.source_row
"""


def visit_rows(con: Con, scope: Scope, period: Period, villages: tuple[str, ...] = ()) -> pd.DataFrame:
    """The 走访记录 rows behind the charts, with their file and row, narrowed to picked villages."""
    return run(con, VISIT_ROWS_SQL,
               _params(scope, period, villages=list(villages), not_filled=NOT_FILLED)).df()


# --- deputy participation ------------------------------------------------------

# The condition of metrics.window_coverage: a roster deputy of the scope named on a visit
# of the window (wherever the visit was).
VISITING_DEPUTIES_CTE = f"""
    roster AS (
        SELECT d.*, coalesce(t.township_name, d.township_code) AS township_name,
               coalesce(d.group_name, $not_filled) AS group_or_blank,
               coalesce(d.team_name, $not_filled) AS team_or_blank
        FROM deputies d LEFT JOIN townships t USING (township_code)
        WHERE d.township_code IN (SELECT unnest($towns))
    ),
    visiting AS (
        SELECT DISTINCT vd.deputy_id FROM visit_deputies vd
        WHERE vd.visit_id IN (SELECT visit_id FROM visits WHERE {WINDOW_VISITS})
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
PARTICIPATION_BY_GROUP_SQL = PARTICIPATION_BY_SQL.format(unit="group_or_blank")
PARTICIPATION_BY_TEAM_SQL = PARTICIPATION_BY_SQL.format(unit="team_or_blank")


PARTICIPATION_BY_TOWNSHIP_SQL = PARTICIPATION_BY_SQL.format(unit="township_name")


def participation_by_group(con: Con, scope: Scope, window: CoverageWindow) -> pd.DataFrame:
    """Deputies visiting / on the roster per 代表小组 (no group: 未填写), lowest first."""
    return run(con, PARTICIPATION_BY_GROUP_SQL, _window_params(scope, window, not_filled=NOT_FILLED)).df()


def participation_by_team(con: Con, scope: Scope, window: CoverageWindow) -> pd.DataFrame:
    """Deputies visiting / on the roster per 行动分队 (no team: 未填写), lowest first."""
    return run(con, PARTICIPATION_BY_TEAM_SQL, _window_params(scope, window, not_filled=NOT_FILLED)).df()


def participation_by_township(con: Con, scope: Scope, window: CoverageWindow) -> pd.DataFrame:
    """Deputies visiting / on the roster per township: the county-wide view (one row each)."""
    frame = run(con, PARTICIPATION_BY_TOWNSHIP_SQL, _window_params(scope, window, not_filled=NOT_FILLED)).df()
    return frame.assign(unit_label=frame["township_name"])


DEPUTIES_NOT_VISITING_SQL = f"""
    WITH {VISITING_DEPUTIES_CTE}
    SELECT deputy_id, name, level, township_name, group_or_blank AS group_name, team_or_blank AS team_name,
           mask_phone(phone) AS phone, source_file, source_row
    FROM roster
    WHERE deputy_id NOT IN (SELECT deputy_id FROM visiting)
      AND (len($groups::VARCHAR[]) = 0
           OR list_contains($groups::VARCHAR[], {_with_township("group_or_blank")}))
      AND (len($teams::VARCHAR[]) = 0
           OR list_contains($teams::VARCHAR[], {_with_township("team_or_blank")}))
    ORDER BY township_code, deputy_id
"""


def deputies_not_visiting(
    con: Con, scope: Scope, window: CoverageWindow, groups: tuple[str, ...] = (), teams: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Roster deputies with no visit in the window (phones masked), narrowed to the picked
    group / team labels of participation_by_group / _by_team; no pick means all."""
    return run(con, DEPUTIES_NOT_VISITING_SQL,
               _window_params(scope, window, groups=list(groups), teams=list(teams), not_filled=NOT_FILLED)).df()


def township_names(con: Con, scope: Scope) -> list[tuple[str, str]]:
    """(code, name) of the scope's townships, for the page's pick of one township."""
    return run(con, "SELECT township_code, township_name FROM townships WHERE township_code IN (SELECT unnest($towns)) "
                    "ORDER BY township_code", {"towns": list(scope.township_codes)}).fetchall()
