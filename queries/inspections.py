"""Frames of the 监督视察 page: supervision by month and kind, inspections by theme,
the units evaluated, and the activity rows behind them.

The kinds are those of queries/metrics.py (SUPERVISION_KINDS, EVALUATION_KIND), so
the bars add up to the 监督活动次数 tile and the evaluated units to 评议单位数.
"""

from __future__ import annotations

import pandas as pd

from queries import metrics
from queries.metrics import Con, Period, Scope, _params, run

# One row per month of the period and supervision kind, zeros included, so every
# month shows on the axis. `cell` ("2024-05|视察") names a bar segment for the drill-down.
SUPERVISION_BY_MONTH_SQL = """
    WITH months AS (
        SELECT unnest(generate_series(date_trunc('month', $start::DATE),
                                      date_trunc('month', $end::DATE), INTERVAL 1 MONTH))::DATE AS month
    ),
    kinds AS (SELECT unnest($kinds) AS kind),
    counted AS (
        SELECT date_trunc('month', date)::DATE AS month, kind, count(*) AS activities
        FROM activities_in($start, $end, $towns)
        WHERE list_contains($kinds, kind)
        GROUP BY ALL
    )
    SELECT m.month, k.kind, coalesce(c.activities, 0) AS activities,
           strftime(m.month, '%Y-%m') || '|' || k.kind AS cell,
           year(m.month) || '年' || month(m.month) || '月 ' || k.kind AS cell_name
    FROM months m CROSS JOIN kinds k
    LEFT JOIN counted c ON c.month = m.month AND c.kind = k.kind
    ORDER BY list_position($kinds, k.kind), m.month
"""


def supervision_by_month(con: Con, scope: Scope, period: Period) -> pd.DataFrame:
    """Supervision activities (视察, 执法检查, 调研, 评议) per month and kind: the stacked bars."""
    return run(con, SUPERVISION_BY_MONTH_SQL, _params(scope, period, kinds=metrics.SUPERVISION_KINDS)).df()


def inspections_by_theme(con: Con, scope: Scope, period: Period) -> pd.DataFrame:
    """视察检查 by theme, straight from the metric so the chart and the CLI agree."""
    counts = metrics.inspections_by_theme(con, scope, period)
    return pd.DataFrame({"theme": list(counts), "inspections": list(counts.values())})


# Distinct units (NULL units are not a unit, as in count(DISTINCT evaluated_unit)).
EVALUATED_UNITS_SQL = """
    SELECT a.evaluated_unit,
           count(*) AS evaluations,
           string_agg(strftime(a.date, '%Y-%m-%d'), '、' ORDER BY a.date) AS dates,
           string_agg(DISTINCT coalesce(t.township_name, a.township_code), '、'
                      ORDER BY coalesce(t.township_name, a.township_code)) AS townships
    FROM activities_in($start, $end, $towns) a
    LEFT JOIN townships t ON t.township_code = a.township_code
    WHERE a.kind = $kind AND a.evaluated_unit IS NOT NULL
    GROUP BY a.evaluated_unit
    ORDER BY evaluations DESC, a.evaluated_unit
"""


def evaluated_units(con: Con, scope: Scope, period: Period) -> pd.DataFrame:
    """The units evaluated (评议对象): how often, on which dates, by which townships."""
    return run(con, EVALUATED_UNITS_SQL, _params(scope, period, kind=metrics.EVALUATION_KIND)).df()


# The register rows behind the chart; `cells` narrows to clicked segments (empty: all).
SUPERVISION_ACTIVITIES_SQL = """
    SELECT strftime(a.date, '%Y-%m-%d') AS date, coalesce(t.township_name, a.township_code) AS township,
           coalesce(s.station_name, a.station_id) AS station,
           a.kind, a.theme, a.title, a.evaluated_unit, a.attendees, a.source_file, a.source_row
    FROM activities_in($start, $end, $towns) a
    LEFT JOIN townships t ON t.township_code = a.township_code
    LEFT JOIN stations s ON s.station_id = a.station_id
    WHERE list_contains($kinds, a.kind)
      AND (len($cells::VARCHAR[]) = 0
           OR list_contains($cells::VARCHAR[], strftime(a.date, '%Y-%m') || '|' || a.kind))
    ORDER BY a.date, a.source_file, a.source_row
"""


def supervision_activities(con: Con, scope: Scope, period: Period, cells: tuple[str, ...] = ()) -> pd.DataFrame:
    """Supervision activities with their source file and row, narrowed to month|kind cells."""
    params = _params(scope, period, kinds=metrics.SUPERVISION_KINDS, cells=list(cells))
    return run(con, SUPERVISION_ACTIVITIES_SQL, params).df()


def headline(con: Con, scope: Scope, period: Period) -> dict:
    """The page's tiles, from the metric functions themselves."""
    return {
        "inspections": metrics.inspections(con, scope, period),
        "supervision": metrics.supervision(con, scope, period),
        "evaluated_units": metrics.evaluated_units(con, scope, period),
    }
