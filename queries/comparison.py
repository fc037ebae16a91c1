"""乡镇对比: the townships of a scope side by side, on the contract's definitions.

One grouped statement (TOWNSHIP_METRICS_SQL) computes the compared metrics per
township and per time bucket, applying the SAME definitions as queries/metrics.py
(tests/test_comparison_queries.py proves it equals the metric functions township
by township). Grouping in one statement keeps a province-sized scope (2000
townships × 36 months) to one query instead of tens of thousands.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from queries import periods
from queries.labels import COMPARISON_LABELS, METRICS, MetricLabel
from queries.metrics import (
    INSPECTION_KINDS,
    RECEPTION_KIND,
    RESOLVED,
    SUPERVISION_KINDS,
    Con,
    Period,
    Scope,
    Settings,
    _params,
    run,
)
from queries.scope import PeerGroup

# The contract metrics compared, then the normalised ones (per 100 deputies, per station).
CONTRACT_COMPARED = [
    "inspections", "supervision", "suggestions_collected", "resolution_rate", "overdue",
    "household_coverage", "deputy_participation", "reception_days", "voter_contacts",
]
NORMALISED = [
    "supervision_per_100_deputies", "suggestions_per_100_deputies", "activities_per_station",
    "reception_days_per_station", "voter_contacts_per_station",
]
COMPARED = CONTRACT_COMPARED + NORMALISED
RATES = {"resolution_rate", "household_coverage", "deputy_participation"}
LOWER_IS_BETTER = {"overdue"}
DENOMINATORS = ["deputies_total", "stations_total", "households_total"]
# The figure each normalised metric divides, for its drill-down rows.
BASE_METRIC = {
    "supervision_per_100_deputies": "supervision",
    "suggestions_per_100_deputies": "suggestions_collected",
    "activities_per_station": "activities_total",
    "reception_days_per_station": "reception_days",
    "voter_contacts_per_station": "voter_contacts",
}
BY_MONTH, BY_QUARTER = "month", "quarter"
DRILL_LIMIT = 2000

# Buckets are periods (start, end); the snapshot is one bucket, a trend is one per month.
# Each CTE restates one definition of queries/metrics.py for every bucket × township.
TOWNSHIP_METRICS_SQL = """
    WITH buckets AS (
        SELECT unnest($starts::DATE[]) AS bucket_start, unnest($ends::DATE[]) AS bucket_end
    ),
    towns AS (
        SELECT township_code, township_name FROM townships
        WHERE township_code IN (SELECT unnest($towns))
    ),
    acts AS (  -- activities_total, inspections, supervision, reception_days, voter_contacts
        SELECT b.bucket_start, a.township_code,
               count(*) AS activities_total,
               count(*) FILTER (WHERE list_contains($inspection_kinds, a.kind)) AS inspections,
               count(*) FILTER (WHERE list_contains($supervision_kinds, a.kind)) AS supervision,
               count(*) FILTER (WHERE a.kind = $reception_kind) AS reception_days,
               coalesce(sum(a.voters_received), 0)::BIGINT AS voter_contacts
        FROM activities_in($start, $end, $towns) a
        JOIN buckets b ON a.date BETWEEN b.bucket_start AND b.bucket_end
        GROUP BY ALL
    ),
    sugg AS (  -- suggestions_collected, resolution_rate, overdue (as of each bucket's end)
        SELECT b.bucket_start, s.township_code,
               count(*) FILTER (WHERE s.received_on BETWEEN b.bucket_start AND b.bucket_end)
                   AS suggestions_collected,
               count(*) FILTER (WHERE s.received_on BETWEEN b.bucket_start AND b.bucket_end
                                  AND s.status = $resolved) AS collected_resolved,
               count(*) FILTER (WHERE s.status <> $resolved AND s.received_on <= b.bucket_end
                                  AND b.bucket_end - s.received_on > $limit) AS overdue
        FROM suggestions_of($towns) s CROSS JOIN buckets b
        GROUP BY ALL
    ),
    visited AS (  -- households with a visit in the bucket, in any township (as households_visited)
        SELECT DISTINCT b.bucket_start, v.household_id
        FROM visits v JOIN buckets b ON v.date BETWEEN b.bucket_start AND b.bucket_end
    ),
    house AS (
        SELECT b.bucket_start, h.township_code, count(*) AS households_total,
               count(w.household_id) AS households_visited
        FROM households h CROSS JOIN buckets b
        LEFT JOIN visited w ON w.bucket_start = b.bucket_start AND w.household_id = h.household_id
        WHERE h.township_code IN (SELECT unnest($towns))
        GROUP BY ALL
    ),
    visiting AS (  -- deputies on a visit in the bucket (as deputies_visiting)
        SELECT DISTINCT b.bucket_start, vd.deputy_id
        FROM visit_deputies vd JOIN visits v USING (visit_id)
        JOIN buckets b ON v.date BETWEEN b.bucket_start AND b.bucket_end
    ),
    deps AS (
        SELECT b.bucket_start, d.township_code, count(*) AS deputies_total,
               count(w.deputy_id) AS deputies_visiting
        FROM deputies d CROSS JOIN buckets b
        LEFT JOIN visiting w ON w.bucket_start = b.bucket_start AND w.deputy_id = d.deputy_id
        WHERE d.township_code IN (SELECT unnest($towns))
        GROUP BY ALL
    ),
    stations_count AS (
        SELECT township_code, count(*) AS stations_total FROM stations
        WHERE township_code IN (SELECT unnest($towns)) GROUP BY ALL
    ),
    counted AS (
        SELECT b.bucket_start, b.bucket_end, t.township_code, t.township_name,
               coalesce(a.activities_total, 0) AS activities_total,
               coalesce(a.inspections, 0) AS inspections,
               coalesce(a.supervision, 0) AS supervision,
               coalesce(a.reception_days, 0) AS reception_days,
               coalesce(a.voter_contacts, 0) AS voter_contacts,
               coalesce(s.suggestions_collected, 0) AS suggestions_collected,
               coalesce(s.collected_resolved, 0) AS collected_resolved,
               coalesce(s.overdue, 0) AS overdue,
               coalesce(h.households_total, 0) AS households_total,
               coalesce(h.households_visited, 0) AS households_visited,
               coalesce(d.deputies_total, 0) AS deputies_total,
               coalesce(d.deputies_visiting, 0) AS deputies_visiting,
               coalesce(c.stations_total, 0) AS stations_total
        FROM buckets b CROSS JOIN towns t
        LEFT JOIN acts a ON a.bucket_start = b.bucket_start AND a.township_code = t.township_code
        LEFT JOIN sugg s ON s.bucket_start = b.bucket_start AND s.township_code = t.township_code
        LEFT JOIN house h ON h.bucket_start = b.bucket_start AND h.township_code = t.township_code
        LEFT JOIN deps d ON d.bucket_start = b.bucket_start AND d.township_code = t.township_code
        LEFT JOIN stations_count c ON c.township_code = t.township_code
    )
    SELECT *,
           collected_resolved / nullif(suggestions_collected, 0) AS resolution_rate,
           households_visited / nullif(households_total, 0) AS household_coverage,
           deputies_visiting / nullif(deputies_total, 0) AS deputy_participation,
           100 * supervision / nullif(deputies_total, 0) AS supervision_per_100_deputies,
           100 * suggestions_collected / nullif(deputies_total, 0) AS suggestions_per_100_deputies,
           activities_total / nullif(stations_total, 0) AS activities_per_station,
           reception_days / nullif(stations_total, 0) AS reception_days_per_station,
           voter_contacts / nullif(stations_total, 0) AS voter_contacts_per_station
    FROM counted
    ORDER BY township_code, bucket_start
"""


def _bucketed(con: Con, scope: Scope, buckets: list[Period], settings: Settings) -> pd.DataFrame:
    """Every compared figure per bucket × township (one statement)."""
    overall = Period(min(b.start for b in buckets), max(b.end for b in buckets))
    params = _params(
        scope, overall,
        starts=[b.start for b in buckets], ends=[b.end for b in buckets],
        inspection_kinds=INSPECTION_KINDS, supervision_kinds=SUPERVISION_KINDS,
        reception_kind=RECEPTION_KIND, resolved=RESOLVED, limit=settings.time_limit_days,
    )
    frame = run(con, TOWNSHIP_METRICS_SQL, params).df()
    # NULL ratios (no denominator) arrive as NaN; keep them as missing, not as 0.
    return frame.astype({key: "float64" for key in RATES | set(NORMALISED)})


def township_metrics(con: Con, scope: Scope, period: Period, settings: Settings = Settings()) -> pd.DataFrame:
    """One row per township of the scope: every compared metric and its denominators."""
    return _bucketed(con, scope, [period], settings).drop(columns=["bucket_start", "bucket_end"])


def buckets_of(period: Period, by: str = BY_MONTH) -> list[Period]:
    """The months (or quarters) a period touches, clipped to the period's own ends."""
    split = periods.month_of if by == BY_MONTH else periods.quarter_of
    found, day = [], period.start
    while day <= period.end:
        whole = split(day)
        found.append(Period(max(whole.start, period.start), min(whole.end, period.end)))
        day = whole.end + dt.timedelta(days=1)
    return found


def township_trend(con: Con, scope: Scope, period: Period, metric: str, by: str = BY_MONTH) -> pd.DataFrame:
    """One metric per month (or quarter) per township, wide: `bucket` + one column per township code.

    Rates are in percent, as the chart's axis shows them. `bucket` is the month's first
    day (a date axis) or the quarter's name (2024年第二季度).
    """
    _check(metric)
    long = _bucketed(con, scope, buckets_of(period, by), Settings())
    wide = long.pivot(index="bucket_start", columns="township_code", values=metric)
    wide = wide.reindex(columns=list(dict.fromkeys(long["township_code"]))).reset_index()
    if metric in RATES:
        wide.iloc[:, 1:] = wide.iloc[:, 1:] * 100
    if by == BY_MONTH:
        wide["bucket"] = pd.to_datetime(wide["bucket_start"])
    else:
        wide["bucket"] = [periods.describe(periods.quarter_of(d)) for d in wide["bucket_start"]]
    wide.columns.name = None
    return wide.drop(columns=["bucket_start"])


def is_empty(frame: pd.DataFrame) -> bool:
    """No activity, suggestion, open suggestion or visit behind any township's figures."""
    counted = ["activities_total", "suggestions_collected", "overdue", "households_visited", "deputies_visiting"]
    return frame.empty or int(frame[counted].to_numpy().sum()) == 0


# --- how the page shows them --------------------------------------------------

def label(metric: str) -> MetricLabel:
    """Name, unit and 口径 of a compared metric (contract or normalised)."""
    return METRICS.get(metric) or COMPARISON_LABELS["metrics"][metric]


def axis_title(metric: str) -> str:
    """建议收集数（条）, 办结率（%）: a value axis title with its unit."""
    return f"{label(metric).name}（{label(metric).unit}）"


def ranking(frame: pd.DataFrame, metric: str) -> pd.DataFrame:
    """The ranking table: 排名 by `metric` (best first), values as shown (rates in %, 1–2 decimals).

    Overdue ranks fewest first; a township whose figure cannot be computed ranks last.
    """
    _check(metric)
    shown = frame[["township_code", "township_name", *COMPARED, *DENOMINATORS]].copy()
    for key in RATES:
        shown[key] = (shown[key] * 100).round(1)
    for key in NORMALISED:
        shown[key] = shown[key].round(2)
    ascending = metric in LOWER_IS_BETTER
    shown["rank"] = shown[metric].rank(method="min", ascending=ascending, na_option="bottom").astype(int)
    shown = shown.sort_values(["rank", "township_code"]).reset_index(drop=True)
    return shown[["rank", *shown.columns.drop("rank")]]


def ranking_columns() -> dict[str, str]:
    """Frame column -> Chinese header (with unit) for the ranking table."""
    headers = {"rank": COMPARISON_LABELS["columns"]["rank"], "township_name": COMPARISON_LABELS["columns"]["township"]}
    headers |= {key: axis_title(key) for key in COMPARED}
    headers |= {key: COMPARISON_LABELS["columns"][key] for key in DENOMINATORS}
    return headers


def township_average(shown: pd.DataFrame, metric: str) -> float | None:
    """The plain mean of the townships' values (each township counts once), as shown."""
    value = shown[metric].mean()
    return None if pd.isna(value) else round(float(value), 2)


def text_format(metric: str) -> str:
    """How a bar labels its value: whole counts, one decimal for %, two for per-deputy/per-station."""
    if metric in RATES:
        return "%{x:.1f}"
    return "%{x:.2f}" if metric in NORMALISED else "%{x}"


def _check(metric: str) -> None:
    if metric not in COMPARED and metric != "activities_total":
        raise ValueError(f"not a compared metric: {metric}")


# --- drill-down: the register rows behind a township's figure ------------------
# Dates leave as ISO text (2024-05-15): a table shows them as written, and they still sort.

ACTIVITY_ROWS_SQL = """
    SELECT '活动记录' AS register, t.township_name, a.activity_id AS record_id, CAST(a.date AS VARCHAR) AS record_date,
           a.kind AS category, a.title AS description,
           CASE WHEN a.voters_received IS NOT NULL THEN '接待选民' || a.voters_received || '人' ELSE '' END AS state,
           a.source_file, a.source_row
    FROM activities_in($start, $end, $towns) a JOIN townships t USING (township_code)
    WHERE ($any_kind OR list_contains($kinds::VARCHAR[], a.kind))
      AND (NOT $voters_only OR a.voters_received IS NOT NULL)
    ORDER BY a.date, a.township_code, a.source_file, a.source_row
    LIMIT $limit
"""

# Collected in the period (建议收集数, and the 办结率 base), or overdue at its end (超期未办结).
SUGGESTION_ROWS_SQL = """
    SELECT '建议意见登记' AS register, t.township_name, s.suggestion_id AS record_id,
           CAST(s.received_on AS VARCHAR) AS record_date, s.source AS category, s.summary AS description,
           s.status AS state, s.source_file, s.source_row
    FROM suggestions_of($towns) s JOIN townships t USING (township_code)
    WHERE CASE WHEN $overdue_only
               THEN s.status <> $resolved AND s.received_on <= $end AND $end - s.received_on > $limit
               ELSE s.received_on BETWEEN $start AND $end END
    ORDER BY s.received_on, s.township_code, s.suggestion_id
    LIMIT $limit_rows
"""

# The roster behind 脱贫户走访覆盖率: every household, marked visited or not (head name masked).
HOUSEHOLD_ROWS_SQL = """
    SELECT '脱贫户名册' AS register, t.township_name, h.household_id AS record_id,
           '' AS record_date, h.village AS category, mask_name(h.head_name) AS description,
           CASE WHEN h.household_id IN (SELECT household_id FROM visits WHERE date BETWEEN $start AND $end)
                THEN $visited ELSE $not_visited END AS state,
           h.source_file, h.source_row
    FROM households h JOIN townships t USING (township_code)
    WHERE h.township_code IN (SELECT unnest($towns))
    ORDER BY h.township_code, h.household_id
    LIMIT $limit
"""

# The roster behind 代表参与率: every deputy, marked as having visited or not.
DEPUTY_ROWS_SQL = """
    SELECT '代表名册' AS register, t.township_name, d.deputy_id AS record_id,
           '' AS record_date, d.level AS category, d.name AS description,
           CASE WHEN d.deputy_id IN (SELECT vd.deputy_id FROM visit_deputies vd JOIN visits v USING (visit_id)
                                     WHERE v.date BETWEEN $start AND $end)
                THEN $visited ELSE $not_visited END AS state,
           d.source_file, d.source_row
    FROM deputies d JOIN townships t USING (township_code)
    WHERE d.township_code IN (SELECT unnest($towns))
    ORDER BY d.township_code, d.deputy_id
    LIMIT $limit
"""

_ACTIVITY_FILTERS = {  # metric -> (any kind, kinds, only rows with voters received)
    "activities_total": (True, [], False),
    "inspections": (False, INSPECTION_KINDS, False),
    "supervision": (False, SUPERVISION_KINDS, False),
    "reception_days": (False, [RECEPTION_KIND], False),
    "voter_contacts": (True, [], True),
}


def metric_rows(con: Con, scope: Scope, period: Period, metric: str, limit: int = DRILL_LIMIT) -> pd.DataFrame:
    """The register rows behind `metric` for the scope's townships, with 来源文件 / 行号.

    Count metrics: exactly the rows counted. Rates: the rows of the denominator, with
    `state` telling whether each is in the numerator (已办结 / 已走访 / 已参加走访).
    """
    _check(metric)
    base = BASE_METRIC.get(metric, metric)
    marks = COMPARISON_LABELS["columns"]
    if base in _ACTIVITY_FILTERS:
        any_kind, kinds, voters_only = _ACTIVITY_FILTERS[base]
        params = _params(scope, period, any_kind=any_kind, kinds=kinds, voters_only=voters_only, limit=limit)
        return run(con, ACTIVITY_ROWS_SQL, params).df()
    if base in ("suggestions_collected", "resolution_rate", "overdue"):
        params = _params(scope, period, overdue_only=base == "overdue", resolved=RESOLVED,
                         limit=Settings().time_limit_days, limit_rows=limit)
        return run(con, SUGGESTION_ROWS_SQL, params).df()
    if base == "household_coverage":
        params = _params(scope, period, visited=marks["visited"], not_visited=marks["not_visited"], limit=limit)
        return run(con, HOUSEHOLD_ROWS_SQL, params).df()
    params = _params(scope, period, visited=marks["deputy_visited"], not_visited=marks["deputy_not_visited"],
                     limit=limit)
    return run(con, DEPUTY_ROWS_SQL, params).df()


def drill_columns() -> dict[str, str]:
    """Frame column -> Chinese header for the drill-down table."""
    keys = ["register", "township", "record_id", "record_date", "category", "description", "state",
            "source_file", "source_row"]
    headers = COMPARISON_LABELS["columns"]
    return {("township_name" if k == "township" else k): headers[k] for k in keys}


# --- one township against its county (what a township account sees) ------------

def township_standing(con: Con, own: Scope, peers: PeerGroup, period: Period,
                      settings: Settings = Settings()) -> pd.DataFrame:
    """Per compared metric: the township's value (as the ranking shows it), the county average
    (each township counted once), its rank and the number of townships ranked. Nothing in it
    names or gives the figure of any other township: a township account may see only this."""
    codes = tuple(dict.fromkeys([*peers.township_codes, *own.township_codes]))
    if len(own.township_codes) != 1 or not codes:
        return pd.DataFrame(columns=["metric", "name", "value", "average", "rank", "townships"])
    frame = township_metrics(con, Scope(codes), period, settings)
    rows = []
    for metric in COMPARED:
        ranked = ranking(frame, metric)
        mine = ranked[ranked["township_code"] == own.township_codes[0]].iloc[0]
        value = mine[metric]
        rows.append({"metric": metric, "name": axis_title(metric), "value": None if pd.isna(value) else value,
                     "average": township_average(ranked, metric), "rank": int(mine["rank"]),
                     "townships": len(ranked)})
    return pd.DataFrame(rows)
