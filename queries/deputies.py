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


def deputy_roster(con: Con, scope: Scope) -> list[tuple[str, str]]:
    """(id, name) of the roster deputies of the scope, for picking one deputy."""
    return run(
        con,
        "SELECT deputy_id, name FROM deputies WHERE township_code IN (SELECT unnest($towns)) "
        "ORDER BY township_code, deputy_id",
        {"towns": list(scope.township_codes)},
    ).fetchall()


# Counts in the period; the last activity looks back without limit up to the period end.
DEPUTY_RECORDS_SQL = """
    WITH roster AS (
        SELECT d.*, coalesce(t.township_name, d.township_code) AS township_name,
               coalesce(s.station_name, d.station_id, '') AS station_name
        FROM deputies d
        LEFT JOIN townships t ON t.township_code = d.township_code
        LEFT JOIN stations s ON s.station_id = d.station_id
        WHERE d.township_code IN (SELECT unnest($towns))
          AND (len($levels::VARCHAR[]) = 0 OR list_contains($levels::VARCHAR[], d.level))
          AND (len($groups::VARCHAR[]) = 0 OR list_contains($groups::VARCHAR[], d.group_name))
          AND (len($stations::VARCHAR[]) = 0 OR list_contains($stations::VARCHAR[], d.station_id))
    ),
    acts AS (
        SELECT ad.deputy_id,
               count(*) FILTER (WHERE a.date >= $start) AS activities,
               count(*) FILTER (WHERE a.date >= $start AND a.kind = $reporting) AS reports_to_voters,
               max(a.date) AS last_activity
        FROM activities a JOIN activity_deputies ad USING (activity_id)
        WHERE a.date <= $end GROUP BY ad.deputy_id
    ),
    vis AS (
        SELECT vd.deputy_id, count(*) FILTER (WHERE v.date >= $start) AS visits, max(v.date) AS last_visit
        FROM visits v JOIN visit_deputies vd USING (visit_id)
        WHERE v.date <= $end GROUP BY vd.deputy_id
    ),
    proposed AS (
        SELECT sd.deputy_id, count(*) AS suggestions
        FROM suggestions s JOIN suggestion_deputies sd USING (suggestion_id)
        WHERE s.received_on BETWEEN $start AND $end GROUP BY sd.deputy_id
    ),
    record AS (
        SELECT r.*, coalesce(a.activities, 0) AS activities, coalesce(v.visits, 0) AS visits,
               coalesce(p.suggestions, 0) AS suggestions, coalesce(a.reports_to_voters, 0) AS reports_to_voters,
               greatest(a.last_activity, v.last_visit) AS last_active_on
        FROM roster r
        LEFT JOIN acts a USING (deputy_id) LEFT JOIN vis v USING (deputy_id) LEFT JOIN proposed p USING (deputy_id)
    )
    SELECT deputy_id, name, level, township_name, station_name,
           coalesce(group_name, '') AS group_name, coalesce(team_name, '') AS team_name,
           coalesce(mask_phone(phone), '') AS phone,
           activities, visits, suggestions, reports_to_voters,
           coalesce(CAST(last_active_on AS VARCHAR), '无记录') AS last_active_on,
           last_active_on IS NULL OR last_active_on <= $end::DATE - to_months($inactive_months) AS inactive,
           source_file, source_row
    FROM record
    WHERE {condition}
    ORDER BY {order}
"""
ALL_RECORDS_SQL = DEPUTY_RECORDS_SQL.format(condition="true", order="township_code, deputy_id")
INACTIVE_RECORDS_SQL = DEPUTY_RECORDS_SQL.format(
    condition="inactive", order="record.last_active_on NULLS FIRST, township_code, deputy_id")


def _record_params(scope, period, levels, groups, stations) -> dict:
    return _params(scope, period, levels=list(levels), groups=list(groups), stations=list(stations),
                   reporting=REPORTING_KIND, inactive_months=INACTIVE_MONTHS)


def deputy_records(
    con: Con, scope: Scope, period: Period,
    levels: tuple[str, ...] = (), groups: tuple[str, ...] = (), stations: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Per roster deputy of the scope: activities, visits, suggestions and 述职 in the period,
    and the day of their last activity or visit (phones masked); empty filters mean all."""
    return run(con, ALL_RECORDS_SQL, _record_params(scope, period, levels, groups, stations)).df()


def inactive_deputies(
    con: Con, scope: Scope, period: Period,
    levels: tuple[str, ...] = (), groups: tuple[str, ...] = (), stations: tuple[str, ...] = (),
) -> pd.DataFrame:
    """The deputies with no activity or visit in the six months before the period end,
    longest quiet first (never active at the top)."""
    return run(con, INACTIVE_RECORDS_SQL, _record_params(scope, period, levels, groups, stations)).df()


# --- one deputy ----------------------------------------------------------------

# Everything one deputy took part in during the period: activities by kind, visits as one kind.
# Scoped twice: the deputy must be on the scope's roster, and only the scope's own activities
# and visits are listed (a deputy's deed in another township is that township's row).
DEPUTY_DEEDS_CTE = """
    me AS (SELECT deputy_id FROM deputies WHERE deputy_id = $deputy AND township_code IN (SELECT unnest($towns))),
    deeds AS (
        SELECT a.date, a.kind, a.title, coalesce(t.township_name, a.township_code) AS township_name,
               a.source_file, a.source_row
        FROM activities a JOIN activity_deputies ad USING (activity_id)
        LEFT JOIN townships t ON t.township_code = a.township_code
        WHERE ad.deputy_id IN (SELECT deputy_id FROM me) AND a.date BETWEEN $start AND $end
          AND a.township_code IN (SELECT unnest($towns))
        UNION ALL
        SELECT v.date, $visit_kind, v.target_kind || '：' || coalesce(v.household_id, v.enterprise, v.village, ''),
               coalesce(t.township_name, v.township_code), v.source_file, v.source_row
        FROM visits v JOIN visit_deputies vd USING (visit_id)
        LEFT JOIN townships t ON t.township_code = v.township_code
        WHERE vd.deputy_id IN (SELECT deputy_id FROM me) AND v.date BETWEEN $start AND $end
          AND v.township_code IN (SELECT unnest($towns))
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


DEPUTY_DEEDS_SQL = f"""
    WITH {DEPUTY_DEEDS_CTE}
    SELECT CAST(date AS VARCHAR) AS date, kind, title, township_name, source_file, source_row
    FROM deeds
    WHERE len($picked::VARCHAR[]) = 0 OR list_contains($picked::VARCHAR[], kind)
    ORDER BY deeds.date, source_file, source_row
"""


def deputy_deeds(
    con: Con, scope: Scope, deputy_id: str, period: Period, kinds: tuple[str, ...] = ()
) -> pd.DataFrame:
    """The register rows behind one deputy's calendar, narrowed to the picked kinds."""
    return run(con, DEPUTY_DEEDS_SQL, _deputy_params(scope, deputy_id, period, picked=list(kinds))).df()


# Peers: the other roster deputies of the same township and level. Their average counts
# every peer, including those with none of a kind, so it reads as "a typical peer".
KIND_MIX_SQL = """
    WITH me AS (SELECT township_code, level FROM deputies
                WHERE deputy_id = $deputy AND township_code IN (SELECT unnest($towns))),
    peers AS (
        SELECT d.deputy_id FROM deputies d JOIN me USING (township_code, level) WHERE d.deputy_id <> $deputy
    ),
    taken AS (
        SELECT ad.deputy_id, a.kind, count(*) AS n
        FROM activities a JOIN activity_deputies ad USING (activity_id)
        WHERE a.date BETWEEN $start AND $end AND a.township_code IN (SELECT unnest($towns))
          AND (ad.deputy_id = $deputy AND EXISTS (SELECT 1 FROM me) OR ad.deputy_id IN (SELECT deputy_id FROM peers))
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


def work_figures(con: Con, scope: Scope, period: Period) -> dict[str, object]:
    """The tiles of the 代表构成 section, under their metric keys."""
    return {f.__name__: f(con, scope, period) for f in WORK_FIGURES}


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
