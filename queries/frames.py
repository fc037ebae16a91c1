"""Small frames for charts and tables, on the same definitions as queries/metrics.py.

Each function returns a pandas DataFrame of at most a few hundred rows: the
aggregation happens in DuckDB, pandas only carries the result to a chart.
"""

from __future__ import annotations

import pandas as pd

from queries.metrics import LATEST_SCOPE_LOAD_SQL, Con, Period, Scope, _params, run
from queries.scope import load_log_is_scoped

MONTHLY_TREND_SQL = """
    WITH months AS (
        SELECT unnest(generate_series(date_trunc('month', $start::DATE),
                                      date_trunc('month', $end::DATE), INTERVAL 1 MONTH))::DATE AS month
    ),
    acts AS (
        SELECT date_trunc('month', date)::DATE AS month, count(*) AS n
        FROM activities_in($start, $end, $towns) GROUP BY 1
    ),
    collected AS (
        SELECT date_trunc('month', received_on)::DATE AS month, count(*) AS n
        FROM suggestions_of($towns) WHERE received_on BETWEEN $start AND $end GROUP BY 1
    ),
    resolved AS (
        SELECT date_trunc('month', resolved_on)::DATE AS month, count(*) AS n
        FROM suggestions_of($towns) WHERE resolved_on BETWEEN $start AND $end GROUP BY 1
    )
    SELECT m.month,
           coalesce(a.n, 0) AS activities,
           coalesce(c.n, 0) AS suggestions_collected,
           coalesce(r.n, 0) AS suggestions_resolved
    FROM months m
    LEFT JOIN acts a USING (month)
    LEFT JOIN collected c USING (month)
    LEFT JOIN resolved r USING (month)
    ORDER BY m.month
"""


def monthly_trend(con: Con, scope: Scope, period: Period) -> pd.DataFrame:
    """Activities, suggestions collected and resolved per month of the period."""
    return run(con, MONTHLY_TREND_SQL, _params(scope, period)).df()


FRESHNESS_SQL = """
    SELECT '活动记录' AS register, max(date) AS latest FROM activities WHERE township_code IN (SELECT unnest($towns))
    UNION ALL SELECT '建议意见登记', max(received_on) FROM suggestions_of($towns)
    UNION ALL SELECT '走访记录', max(date) FROM visits WHERE township_code IN (SELECT unnest($towns))
"""


def data_freshness(con: Con, scope: Scope) -> dict:
    """The latest load of a file holding the scope's rows (the as-of rule's, metrics.data_as_of)
    and the latest record date of each log register, within the scope."""
    towns = {"towns": list(scope.township_codes)}
    latest_load = run(con, LATEST_SCOPE_LOAD_SQL, towns).fetchall()[0][0] if load_log_is_scoped(con) else None
    records = dict(run(con, FRESHNESS_SQL, towns).fetchall())
    return {"latest_load": latest_load, "records": records}


def top_with_rest(
    frame: pd.DataFrame, n: int, label: str, value: str, parts: tuple[str, str] | None = None,
    noun: str = "项", scale: float = 100,
) -> tuple[pd.DataFrame, int]:
    """The first `n` rows of an ordered frame (the lowest rates first: what to chase) and
    one more row folding the others into 其余N{noun}, so a chart of 78 stations stays
    readable; returns (rows, how many were folded). The folded row's `value` is pooled
    from `parts` (numerator, denominator) when given, else summed; its parts are summed."""
    if len(frame) <= n + 1:
        return frame, 0
    shown, rest = frame.iloc[:n].copy(), frame.iloc[n:]
    folded = {label: f"其余{len(rest)}{noun}"}
    if parts:
        numerator, denominator = parts
        folded |= {numerator: rest[numerator].sum(), denominator: rest[denominator].sum()}
        total = rest[denominator].sum()
        folded[value] = round(scale * rest[numerator].sum() / total, 1) if total else None
    else:
        folded[value] = rest[value].sum()
    return pd.concat([shown, pd.DataFrame([folded])], ignore_index=True), len(rest)
