"""乡镇对比: the townships of a scope side by side, on the contract's definitions.

One grouped statement (TOWNSHIP_METRICS_SQL) computes the compared metrics per
township and per time bucket, applying the SAME definitions as queries/metrics.py
(tests/test_comparison_queries.py proves it equals the metric functions township
by township). Grouping in one statement keeps a province-sized scope (2000
townships × 36 months) to one query instead of tens of thousands.

Open suggestions are counted at the as-of day (metrics.as_of_date), coverage over
the coverage window (metrics.coverage_windows), and every average is the pooled
one of metrics.pooled_average, so a township's figures here read exactly as on
the other pages. `standing` serves one township: itself against its county, with
no other township's name or row leaving this module.
"""

from __future__ import annotations

import datetime as dt
import functools

import pandas as pd

from queries import periods
from queries.labels import COMPARISON_LABELS, METRICS, MetricLabel
from queries.metrics import (
    INSPECTION_KINDS,
    POOLED_PARTS,
    RECEPTION_KIND,
    RESOLVED,
    SUPERVISION_KINDS,
    Con,
    CoverageWindow,
    Period,
    Scope,
    Settings,
    _params,
    as_of_date,
    coverage_windows,
    pooled_average,
    run,
)
from queries.paging import Listing, ListSpec, Page, listing
from queries.scope import PeerGroup

# The contract metrics compared (coverage over the coverage window), then the
# normalised ones (per 100 deputies, per station).
CONTRACT_COMPARED = [
    "inspections", "supervision", "suggestions_collected", "resolution_rate", "overdue",
    "campaign_household_coverage", "campaign_deputy_participation", "reception_days", "voter_contacts",
]
NORMALISED = [
    "supervision_per_100_deputies", "suggestions_per_100_deputies", "activities_per_station",
    "reception_days_per_station", "voter_contacts_per_station", "reception_compliance",
]
COMPARED = CONTRACT_COMPARED + NORMALISED
RATES = {"resolution_rate", "household_coverage", "deputy_participation", "campaign_household_coverage",
         "campaign_deputy_participation", "reception_compliance"}
WINDOWED = {"campaign_household_coverage", "campaign_deputy_participation"}  # one window, not per month
TRENDED = [key for key in COMPARED if key not in WINDOWED]
LOWER_IS_BETTER = {"overdue"}
DENOMINATORS = ["deputies_total", "stations_total", "households_total"]
# A township is 落后 only when it is this far on the wrong side of the pooled average:
# 5 percentage points for a rate, a fifth of the average for anything else.
RATE_MARGIN, RELATIVE_MARGIN = 0.05, 0.2
# The figure each normalised metric divides, for its drill-down rows.
BASE_METRIC = {
    "supervision_per_100_deputies": "supervision",
    "suggestions_per_100_deputies": "suggestions_collected",
    "activities_per_station": "activities_total",
    "reception_days_per_station": "reception_days",
    "voter_contacts_per_station": "voter_contacts",
    "reception_compliance": "reception_days",
}
BY_MONTH, BY_QUARTER = "month", "quarter"

# Buckets are periods (start, end); the snapshot is one bucket, a trend is one per month.
# Each CTE restates one definition of queries/metrics.py for every bucket × township.
TOWNSHIP_METRICS_SQL = """
    WITH buckets AS (
        SELECT *, least(bucket_end, $as_of::DATE) AS bucket_as_of
        FROM (SELECT unnest($starts::DATE[]) AS bucket_start, unnest($ends::DATE[]) AS bucket_end)
    ),
    towns AS (  -- a township's name carries its county where another township of the scope has the name
        SELECT township_code, county,
               CASE WHEN count(*) OVER (PARTITION BY township_name) > 1 THEN township_name || '（' || county || '）'
                    ELSE township_name END AS township_name
        FROM townships WHERE township_code IN (SELECT unnest($towns))
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
    sugg AS (  -- suggestions_collected, resolution_rate, overdue (at each bucket's as-of day)
        SELECT b.bucket_start, s.township_code,
               count(*) FILTER (WHERE s.received_on BETWEEN b.bucket_start AND b.bucket_end)
                   AS suggestions_collected,
               count(*) FILTER (WHERE s.received_on BETWEEN b.bucket_start AND b.bucket_end
                                  AND s.status = $resolved) AS collected_resolved,
               count(*) FILTER (WHERE s.status <> $resolved AND s.received_on <= b.bucket_as_of
                                  AND b.bucket_as_of - s.received_on > $limit) AS overdue
        FROM suggestions_of($towns) s CROSS JOIN buckets b
        GROUP BY ALL
    ),
    scope_visits AS MATERIALIZED (  -- visits to the scope's roster households (anywhere), by household township
        SELECT household_township AS township_code, household_key, date
        FROM {roster_visits}
        WHERE date BETWEEN $start AND $end AND household_township IN (SELECT unnest($towns))
    ),
    house AS (  -- households with a visit in the bucket (as households_visited)
        SELECT b.bucket_start, v.township_code, count(DISTINCT v.household_key) AS households_visited
        FROM scope_visits v JOIN buckets b ON v.date BETWEEN b.bucket_start AND b.bucket_end GROUP BY ALL
    ),
    households_count AS (
        SELECT township_code, count(*) AS households_total FROM households
        WHERE township_code IN (SELECT unnest($towns)) GROUP BY ALL
    ),
    scope_links AS MATERIALIZED (  -- the visits of the scope's roster deputies (a link carries its date)
        SELECT deputy_township AS township_code, deputy_id, date
        FROM {visit_links}
        WHERE date BETWEEN $start AND $end AND deputy_township IN (SELECT unnest($towns))
    ),
    deps AS (  -- deputies on a visit in the bucket (as deputies_visiting)
        SELECT b.bucket_start, l.township_code, count(DISTINCT l.deputy_id) AS deputies_visiting
        FROM scope_links l JOIN buckets b ON l.date BETWEEN b.bucket_start AND b.bucket_end GROUP BY ALL
    ),
    deputies_count AS (
        SELECT township_code, count(*) AS deputies_total FROM deputies
        WHERE township_code IN (SELECT unnest($towns)) GROUP BY ALL
    ),
    stations_count AS (
        SELECT township_code, count(*) AS stations_total FROM stations
        WHERE township_code IN (SELECT unnest($towns)) GROUP BY ALL
    ),
    window_house AS (  -- the coverage window's visits (metrics.window_coverage), one for all buckets
        SELECT household_township AS township_code, count(DISTINCT household_key) AS campaign_households_visited
        FROM {roster_visits}
        WHERE date BETWEEN $window_start AND $window_end
          AND ($window_campaign::VARCHAR IS NULL OR campaign = $window_campaign::VARCHAR)
          AND household_township IN (SELECT unnest($towns))
        GROUP BY ALL
    ),
    window_deps AS (  -- the scope's roster deputies on a visit of the window, by their township
        SELECT deputy_township AS township_code, count(DISTINCT deputy_id) AS campaign_deputies_visiting
        FROM {visit_links}
        WHERE date BETWEEN $window_start AND $window_end
          AND ($window_campaign::VARCHAR IS NULL OR campaign = $window_campaign::VARCHAR)
          AND deputy_township IN (SELECT unnest($towns))
        GROUP BY ALL
    ),
    months AS (
        SELECT unnest(generate_series(date_trunc('month', $start::DATE),
                                      date_trunc('month', $end::DATE), INTERVAL 1 MONTH))::DATE AS month
    ),
    judged AS (  -- roster station-months due a reception day: whole, ended, after the station opened
        SELECT b.bucket_start, s.township_code, s.station_id, m.month
        FROM buckets b JOIN months m ON m.month >= b.bucket_start AND last_day(m.month) <= b.bucket_end
        CROSS JOIN stations s
        WHERE s.township_code IN (SELECT unnest($towns)) AND last_day(m.month) <= $as_of
          AND (s.established_on IS NULL OR s.established_on <= m.month)
    ),
    received AS (
        SELECT DISTINCT station_id, date_trunc('month', date)::DATE AS month
        FROM activities_in($start, $end, $towns) WHERE kind = $reception_kind AND station_id IS NOT NULL
    ),
    reception AS (
        SELECT j.bucket_start, j.township_code, count(*) AS reception_months_due,
               count(r.station_id) AS reception_months_held
        FROM judged j LEFT JOIN received r ON r.station_id = j.station_id AND r.month = j.month
        GROUP BY ALL
    ),
    counted AS (  -- the parts asked for (COUNTED_PARTS: a part not asked for is 0, its CTE not read)
        SELECT b.bucket_start, b.bucket_end, t.township_code, t.township_name, t.county{counted_columns}
        FROM buckets b CROSS JOIN towns t{counted_joins}
    ),
    units AS (  -- the unit compared: each township, or each county (its townships' parts added up)
        SELECT bucket_start, bucket_end, {unit_code} AS township_code, {unit_name} AS township_name,
               {parts}
        FROM counted GROUP BY ALL
    )
    SELECT *,
           collected_resolved / nullif(suggestions_collected, 0) AS resolution_rate,
           households_visited / nullif(households_total, 0) AS household_coverage,
           deputies_visiting / nullif(deputies_total, 0) AS deputy_participation,
           campaign_households_visited / nullif(households_total, 0) AS campaign_household_coverage,
           campaign_deputies_visiting / nullif(deputies_total, 0) AS campaign_deputy_participation,
           reception_months_held / nullif(reception_months_due, 0) AS reception_compliance,
           100 * supervision / nullif(deputies_total, 0) AS supervision_per_100_deputies,
           100 * suggestions_collected / nullif(deputies_total, 0) AS suggestions_per_100_deputies,
           activities_total / nullif(stations_total, 0) AS activities_per_station,
           reception_days / nullif(stations_total, 0) AS reception_days_per_station,
           voter_contacts / nullif(stations_total, 0) AS voter_contacts_per_station
    FROM units
    ORDER BY township_code, bucket_start
"""
# Every part `counted` holds: additive, so a county's is the sum of its townships'.
PARTS = ["activities_total", "inspections", "supervision", "reception_days", "voter_contacts",
         "suggestions_collected", "collected_resolved", "overdue", "households_total", "households_visited",
         "deputies_total", "deputies_visiting", "stations_total", "campaign_households_visited",
         "campaign_deputies_visiting", "reception_months_due", "reception_months_held"]
BY_TOWNSHIP, BY_COUNTY = "township", "county"
UNITS = {  # how a unit is named (code, name): a county by its name in both
    BY_TOWNSHIP: ("township_code", "township_name"),
    BY_COUNTY: ("county", "county"),
}
# Which CTE of TOWNSHIP_METRICS_SQL holds each part, and how `counted` joins it (per bucket, or
# one figure per township for every bucket).
PART_SOURCES = {
    "acts": (["activities_total", "inspections", "supervision", "reception_days", "voter_contacts"], True),
    "sugg": (["suggestions_collected", "collected_resolved", "overdue"], True),
    "households_count": (["households_total"], False),
    "house": (["households_visited"], True),
    "deputies_count": (["deputies_total"], False),
    "deps": (["deputies_visiting"], True),
    "stations_count": (["stations_total"], False),
    "window_house": (["campaign_households_visited"], False),
    "window_deps": (["campaign_deputies_visiting"], False),
    "reception": (["reception_months_due", "reception_months_held"], True),
}
# The parts each compared metric is computed from (a trend asks for one metric's only).
METRIC_PARTS = {
    "inspections": ["inspections"], "supervision": ["supervision"],
    "suggestions_collected": ["suggestions_collected"],
    "resolution_rate": ["suggestions_collected", "collected_resolved"], "overdue": ["overdue"],
    "campaign_household_coverage": ["campaign_households_visited", "households_total"],
    "campaign_deputy_participation": ["campaign_deputies_visiting", "deputies_total"],
    "reception_days": ["reception_days"], "voter_contacts": ["voter_contacts"],
    "supervision_per_100_deputies": ["supervision", "deputies_total"],
    "suggestions_per_100_deputies": ["suggestions_collected", "deputies_total"],
    "activities_per_station": ["activities_total", "stations_total"],
    "reception_days_per_station": ["reception_days", "stations_total"],
    "voter_contacts_per_station": ["voter_contacts", "stations_total"],
    "reception_compliance": ["reception_months_due", "reception_months_held"],
}


@functools.cache
def _unit_metrics_sql(by: str, parts: frozenset[str]) -> str:
    """The statement for units `by`, `counted` joining only the CTEs of `parts`."""
    code, name = UNITS[by]
    columns, joins = [], []
    for cte, (held, per_bucket) in PART_SOURCES.items():
        wanted = [part for part in held if part in parts]
        columns += [f"coalesce({cte}.{part}, 0) AS {part}" if part in wanted else f"0 AS {part}" for part in held]
        if wanted:
            on = f"{cte}.bucket_start = b.bucket_start AND " if per_bucket else ""
            joins.append(f"LEFT JOIN {cte} ON {on}{cte}.township_code = t.township_code")
    return TOWNSHIP_METRICS_SQL.format(
        unit_code=code, unit_name=name, visit_links="{visit_links}", roster_visits="{roster_visits}",
        parts=", ".join(f"sum({part})::BIGINT AS {part}" for part in PARTS),
        counted_columns="".join(f",\n               {c}" for c in columns),
        counted_joins="".join(f"\n        {j}" for j in joins))



def _bucketed(
    con: Con, scope: Scope, buckets: list[Period], settings: Settings, today: dt.date | None,
    window: CoverageWindow | None = None, by: str = BY_TOWNSHIP, parts: frozenset[str] = frozenset(PARTS),
) -> pd.DataFrame:
    """Every compared figure per bucket × township (one statement), from `parts` (default: all;
    the figures of the others come out as if they were 0: only those of `parts` are meant)."""
    overall = Period(min(b.start for b in buckets), max(b.end for b in buckets))
    if parts & {"campaign_households_visited", "campaign_deputies_visiting"}:
        window = window or coverage_windows(con, scope, overall, today)[-1]
    else:  # no coverage figure asked for: no window to look up
        window = CoverageWindow(overall.start, overall.end, None)
    params = _params(
        scope, overall,
        starts=[b.start for b in buckets], ends=[b.end for b in buckets],
        inspection_kinds=INSPECTION_KINDS, supervision_kinds=SUPERVISION_KINDS,
        reception_kind=RECEPTION_KIND, resolved=RESOLVED, limit=settings.time_limit_days,
        as_of=as_of_date(con, overall, today, scope),
        window_start=window.start, window_end=window.end, window_campaign=window.campaign,
    )
    frame = run(con, _unit_metrics_sql(by, parts), params).df()
    # NULL ratios (no denominator) arrive as NaN; keep them as missing, not as 0.
    return frame.astype({key: "float64" for key in RATES | set(NORMALISED)})


def township_metrics(
    con: Con, scope: Scope, period: Period, settings: Settings = Settings(), today: dt.date | None = None,
    window: CoverageWindow | None = None, by: str = BY_TOWNSHIP,
) -> pd.DataFrame:
    """One row per township of the scope (or, `by` county, per county: its townships' parts added
    up, its rates pooled): every compared metric, its parts and denominators (coverage over
    `window`, by default the latest coverage window of the scope and period). A unit's name is
    in `township_name` (a township's with its county where two of the scope share the name)."""
    frame = _bucketed(con, scope, [period], settings, today, window, by)
    return frame.drop(columns=["bucket_start", "bucket_end"])


def buckets_of(period: Period, by: str = BY_MONTH) -> list[Period]:
    """The months (or quarters) a period touches, clipped to the period's own ends."""
    split = periods.month_of if by == BY_MONTH else periods.quarter_of
    found, day = [], period.start
    while day <= period.end:
        whole = split(day)
        found.append(Period(max(whole.start, period.start), min(whole.end, period.end)))
        day = whole.end + dt.timedelta(days=1)
    return found


def township_trend(
    con: Con, scope: Scope, period: Period, metric: str, by: str = BY_MONTH, today: dt.date | None = None,
    unit: str = BY_TOWNSHIP,
) -> pd.DataFrame:
    """One metric per month (or quarter) per township, wide: `bucket` + one column per township code.

    Rates are in percent, as the chart's axis shows them. `bucket` is the month's first
    day (a date axis) or the quarter's name (2024年第二季度).
    """
    if metric not in TRENDED:
        raise ValueError(f"not a metric with a trend: {metric}")
    long = _bucketed(con, scope, buckets_of(period, by), Settings(), today, by=unit,
                     parts=frozenset(METRIC_PARTS[metric]))
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
    counted = ["activities_total", "suggestions_collected", "overdue", "households_visited", "deputies_visiting",
               "campaign_households_visited", "campaign_deputies_visiting"]
    return frame.empty or int(frame[counted].to_numpy().sum()) == 0


# --- how the page shows them --------------------------------------------------

def label(metric: str) -> MetricLabel:
    """Name, unit and 口径 of a compared metric (contract or normalised)."""
    return METRICS.get(metric) or COMPARISON_LABELS["metrics"][metric]


def axis_title(metric: str) -> str:
    """建议收集数（条）, 办结率（%）: a value axis title with its unit."""
    return f"{label(metric).name}（{label(metric).unit}）"


def _ranks(values: pd.Series, metric: str) -> pd.Series:
    """Best first (fewest first for 超期未办结); a figure that cannot be computed ranks last."""
    return values.rank(method="min", ascending=metric in LOWER_IS_BETTER, na_option="bottom").astype(int)


def ranking(frame: pd.DataFrame, metric: str) -> pd.DataFrame:
    """The ranking table: 排名 by `metric` (best first), rates in percent (unrounded: the
    table and the export format them to one decimal, as ui.format does everywhere)."""
    _check(metric)
    shown = frame[["township_code", "township_name", *COMPARED, *DENOMINATORS]].copy()
    for key in RATES & set(COMPARED):
        shown[key] = shown[key] * 100
    shown["rank"] = _ranks(shown[metric], metric)
    shown = shown.sort_values(["rank", "township_code"]).reset_index(drop=True)
    return shown[["rank", *shown.columns.drop("rank")]]


UNIT_WORDS = {BY_TOWNSHIP: "乡镇", BY_COUNTY: "县"}


def ranking_columns(by: str = BY_TOWNSHIP) -> dict[str, str]:
    """Frame column -> Chinese header (with unit) for the ranking table."""
    headers = {"rank": COMPARISON_LABELS["columns"]["rank"], "township_name": UNIT_WORDS[by]}
    headers |= {key: axis_title(key) for key in COMPARED}
    headers |= {key: COMPARISON_LABELS["columns"][key] for key in DENOMINATORS}
    return headers


def number_formats() -> dict[str, str]:
    """How the ranking table writes each compared column (frame column -> printf format)."""
    return {key: value_format(key) for key in COMPARED}


def value_format(metric: str) -> str:
    """One decimal with % for rates (held in percent here), one decimal for normalised figures."""
    if metric in RATES:
        return "%.1f%%"
    return "%.1f" if metric in NORMALISED else "%d"


def county_average(frame: pd.DataFrame, metric: str) -> float | None:
    """全县平均 of a compared metric over the townships of `frame`: metrics.pooled_average,
    in the unit the ranking shows (rates in percent)."""
    value = pooled_average(frame, metric)
    return value * 100 if value is not None and metric in RATES else value


def text_format(metric: str) -> str:
    """How a bar labels its value: whole counts, one decimal for % and for per-deputy/per-station."""
    if metric in RATES:
        return "%{x:.1f}%"
    return "%{x:.1f}" if metric in NORMALISED else "%{x}"


def margin(metric: str, average: float) -> float:
    """How far from the pooled average a township must be to count as 落后 (in the metric's unit 0..1 for rates)."""
    return RATE_MARGIN if metric in RATES else RELATIVE_MARGIN * abs(average)


def lagging(frame: pd.DataFrame, metric: str) -> tuple[float | None, pd.DataFrame]:
    """(the pooled average, the townships on its wrong side by more than `margin`): below it,
    or above it for 超期未办结; townships whose figure cannot be computed are left out."""
    average = pooled_average(frame, metric)
    values = frame[["township_code", "township_name", metric]].dropna()
    if average is None or values.empty:
        return average, values.iloc[0:0]
    gap = margin(metric, average)
    worse = values[metric] > average + gap if metric in LOWER_IS_BETTER else values[metric] < average - gap
    return average, values[worse]


def against_average(metric: str, value, average) -> str:
    """好于平均 / 低于平均 when the figure is on that side of the pooled average by more than
    the stated margin (as `lagging` judges), else 与平均相当; — when either is missing."""
    if value is None or average is None or pd.isna(value) or pd.isna(average):
        return "—"
    scale = 100 if metric in RATES else 1  # rates are compared in percent, as they are shown
    gap = (float(value) - float(average)) / scale
    if abs(gap) <= margin(metric, float(average) / scale):
        return "与平均相当"
    return "好于平均" if (gap < 0) == (metric in LOWER_IS_BETTER) else "低于平均"


def margin_words(metric: str) -> str:
    """The margin as the page and briefing state it."""
    return f"{RATE_MARGIN * 100:.0f}个百分点" if metric in RATES else f"{RELATIVE_MARGIN:.0%}"


# --- one township against its county (what a township account sees) ------------

COUNTY_PEERS_SQL = """
    SELECT township_code FROM townships
    WHERE township_code IN (SELECT unnest($peers))
      AND county = (SELECT county FROM townships WHERE township_code = $code)
    ORDER BY township_code
"""
STANDING_COLUMNS = ["metric", "name", "value", "average", "rank", "townships"]


def township_standing(
    con: Con, own: Scope, peers: PeerGroup, period: Period, settings: Settings = Settings(),
    today: dt.date | None = None,
) -> pd.DataFrame:
    """Per compared metric: the township's value (as the ranking shows it, one decimal), the
    county's pooled average (metrics.pooled_average, as every page gives the county's figure),
    its rank and the number of townships ranked, among the peers of its own county. Nothing
    in it names or gives the figure of any other township: a township account may see only this."""
    if len(own.township_codes) != 1:
        return pd.DataFrame(columns=STANDING_COLUMNS)
    code = own.township_codes[0]
    peers_in_county = [c for (c,) in run(con, COUNTY_PEERS_SQL, {"peers": list(peers.township_codes),
                                                                  "code": code}).fetchall()]
    codes = tuple(dict.fromkeys([*peers_in_county, code]))
    frame = township_metrics(con, Scope(codes), period, settings, today)
    mine = (frame["township_code"] == code).to_numpy().nonzero()[0][0]
    rows = []
    for metric in COMPARED:  # as ranking() ranks (rates in percent), for the one row shown
        shown = frame[metric] * 100 if metric in RATES else frame[metric]
        value, average = shown.iloc[mine], county_average(frame, metric)
        rows.append({
            "metric": metric, "name": axis_title(metric),
            "value": None if pd.isna(value) else _one_decimal(metric, value),
            "average": None if average is None else round(average, 1),
            "rank": int(_ranks(shown, metric).iloc[mine]), "townships": len(frame),
        })
    return pd.DataFrame(rows, columns=STANDING_COLUMNS)


def _one_decimal(metric: str, value: float):
    """A count as it is, anything else to one decimal (the product's one formatter)."""
    return int(value) if value_format(metric) == "%d" else round(float(value), 1)


# --- the scorecard: township × indicator, with the county total ---------------------

SCORECARD = ["reception_compliance", "reception_days", "supervision", "suggestions_collected", "resolution_rate",
             "overdue", "campaign_household_coverage", "campaign_deputy_participation"]
TOTAL_ROW = "全县合计"
MOST_BARS = 30  # a bar chart of more units than this shows the best and the worst, the rest summed up
SHOWN_EACH_END = 10
MOST_TRENDS = 24  # small multiples: beyond this, the best and the worst few
TRENDS_EACH_END = 6


def readable_bars(frame: pd.DataFrame, ranked: pd.DataFrame, metric: str) -> tuple[pd.DataFrame, int]:
    """The ranked rows a bar chart can show: all of them up to MOST_BARS, else the best and the
    worst SHOWN_EACH_END and one row between them for the rest (其余N个, its figure pooled over
    their parts from `frame` as the average is). Returns (rows, how many were summed up)."""
    if len(ranked) <= MOST_BARS:
        return ranked, 0
    best, worst = ranked.iloc[:SHOWN_EACH_END], ranked.iloc[-SHOWN_EACH_END:]
    middle = ranked.iloc[SHOWN_EACH_END:-SHOWN_EACH_END]
    rest = frame[frame["township_code"].isin(middle["township_code"])]
    value = county_average(rest, metric)
    summed = {"township_code": "", "township_name": f"其余{len(middle)}个", metric: value, "rank": None}
    return pd.concat([best, pd.DataFrame([summed]), worst], ignore_index=True), len(middle)


def readable_trends(ranked: pd.DataFrame) -> list[str]:
    """The units whose trend is drawn: all up to MOST_TRENDS, else the best and the worst few."""
    codes = list(ranked["township_code"])
    if len(codes) <= MOST_TRENDS:
        return codes
    return [*codes[:TRENDS_EACH_END], *codes[-TRENDS_EACH_END:]]


def scorecard(frame: pd.DataFrame, total_row: str = TOTAL_ROW) -> pd.DataFrame:
    """One row per township and a last row for the whole scope (counts summed, ratios
    pooled), the SCORECARD indicators with rates in percent."""
    parts = sorted({part for key in SCORECARD if key in POOLED_PARTS for part in POOLED_PARTS[key][:2]}
                   - set(SCORECARD))
    rows = frame[["township_name", *SCORECARD, *parts]].copy()
    total = {"township_name": total_row}
    for key in SCORECARD:
        total[key] = pooled_average(frame, key) if key in POOLED_PARTS else frame[key].sum()
    total |= {part: frame[part].sum() for part in parts}
    rows = pd.concat([rows, pd.DataFrame([total])], ignore_index=True)
    for key in RATES & set(SCORECARD):
        rows[key] = rows[key].astype("float64") * 100
    return rows


def scorecard_columns(by: str = BY_TOWNSHIP) -> dict[str, str]:
    """Frame column -> Chinese header for the scorecard."""
    return {"township_name": UNIT_WORDS[by]} | {key: axis_title(key) for key in SCORECARD}


PASS, SHORT = "#D8EFE0", "#F8D7D3"  # 达标 / 未达标 or 落后 (pale, so the figures stay readable)


def scorecard_highlight(card: pd.DataFrame) -> dict[str, list[str]]:
    """Cell colours of the scorecard, column -> one colour per row ('' for none): 接待日达标率
    green when every due reception day was held, red when not; other indicators red where
    the township is 落后 (comparison.lagging); the total row is never coloured."""
    townships = card.iloc[:-1]
    colours = {}
    for key in SCORECARD:
        if key == "reception_compliance":
            marks = ["" if pd.isna(v) else (PASS if v >= 100 - 1e-9 else SHORT) for v in townships[key]]
        else:
            average = pooled_average(_unscaled(townships, key), key)
            gap = None if average is None else margin(key, average)
            marks = []
            for value in _unscaled(townships, key)[key]:
                worse = gap is not None and pd.notna(value) and (
                    value > average + gap if key in LOWER_IS_BETTER else value < average - gap)
                marks.append(SHORT if worse else "")
        colours[key] = [*marks, ""]
    return colours


def _unscaled(card: pd.DataFrame, key: str) -> pd.DataFrame:
    """The scorecard rows with a rate back in 0..1, as pooled_average and margin take it."""
    return card.assign(**{key: card[key] / 100}) if key in RATES else card


DRILLED = {"activities_total", "household_coverage", "deputy_participation"}  # rows behind, not compared


def _check(metric: str) -> None:
    if metric not in COMPARED and metric not in DRILLED:
        raise ValueError(f"not a compared metric: {metric}")


# --- drill-down: the register rows behind a township's figure ------------------
# Dates leave as ISO text (2024-05-15): a table shows them as written, and they still sort.

# Activities are named by title and date: their ids are often derived hashes, meaningless to a reader.
ACTIVITY_ROWS_SQL = """
    SELECT '活动记录' AS register, t.township_name, a.title AS record_id, CAST(a.date AS VARCHAR) AS record_date,
           a.kind AS category, a.title AS description,
           CASE WHEN a.voters_received IS NOT NULL THEN '接待选民' || a.voters_received || '人' ELSE '' END AS state,
           a.source_file, a.source_row, a.township_code
    FROM activities_in($start, $end, $towns) a JOIN townships t USING (township_code)
    WHERE ($any_kind OR list_contains($kinds::VARCHAR[], a.kind))
      AND (NOT $voters_only OR a.voters_received IS NOT NULL)
"""

# Collected in the period (建议收集数, and the 办结率 base), or overdue at the as-of day (超期未办结).
SUGGESTION_ROWS_SQL = """
    SELECT '建议意见登记' AS register, t.township_name, s.suggestion_id AS record_id,
           CAST(s.received_on AS VARCHAR) AS record_date, s.source AS category, s.summary AS description,
           s.status AS state, s.source_file, s.source_row, s.township_code
    FROM suggestions_of($towns) s JOIN townships t USING (township_code)
    WHERE CASE WHEN $overdue_only
               THEN s.status <> $resolved AND s.received_on <= $as_of AND $as_of - s.received_on > $limit
               ELSE s.received_on BETWEEN $start AND $end END
"""

# The roster behind 脱贫户走访覆盖率: every household, marked visited in the window or not (head name masked).
WINDOW_VISITS = """
    SELECT * FROM visits WHERE date BETWEEN $window_start AND $window_end
      AND ($window_campaign::VARCHAR IS NULL OR campaign = $window_campaign::VARCHAR)
"""
HOUSEHOLD_ROWS_SQL = f"""
    SELECT '脱贫户名册' AS register, t.township_name, h.household_id AS record_id,
           '' AS record_date, h.village AS category, mask_name(h.head_name) AS description,
           CASE WHEN h.household_id IN (SELECT household_id FROM ({WINDOW_VISITS}))
                THEN $visited ELSE $not_visited END AS state,
           h.source_file, h.source_row, h.township_code
    FROM households h JOIN townships t USING (township_code)
    WHERE h.township_code IN (SELECT unnest($towns))
"""

# The roster behind 代表参与率: every deputy, marked as having visited in the window or not.
DEPUTY_ROWS_SQL = """
    SELECT '代表名册' AS register, t.township_name, d.deputy_id AS record_id,
           '' AS record_date, d.level AS category, d.name AS description,
           CASE WHEN d.deputy_id IN (SELECT deputy_id FROM {visit_links}
                                     WHERE date BETWEEN $window_start AND $window_end
                                       AND ($window_campaign::VARCHAR IS NULL OR campaign = $window_campaign::VARCHAR))
                THEN $visited ELSE $not_visited END AS state,
           d.source_file, d.source_row, d.township_code
    FROM deputies d JOIN townships t USING (township_code)
    WHERE d.township_code IN (SELECT unnest($towns))
"""

_ACTIVITY_FILTERS = {  # metric -> (any kind, kinds, only rows with voters received)
    "activities_total": (True, [], False),
    "inspections": (False, INSPECTION_KINDS, False),
    "supervision": (False, SUPERVISION_KINDS, False),
    "reception_days": (False, [RECEPTION_KIND], False),
    "voter_contacts": (True, [], True),
}


DRILL_COLUMNS = ["register", "township_name", "record_id", "record_date", "category", "description", "state",
                 "source_file", "source_row"]
DRILL_SHOWN_SQL = f"SELECT {', '.join('p.' + c for c in DRILL_COLUMNS)} FROM listed p"
DRILL_LISTS = {
    "activities": ListSpec(ACTIVITY_ROWS_SQL, DRILL_SHOWN_SQL, "record_date, township_code, source_file",
                           "source_row"),
    "suggestions": ListSpec(SUGGESTION_ROWS_SQL, DRILL_SHOWN_SQL, "record_date, township_code", "record_id"),
    "households": ListSpec(HOUSEHOLD_ROWS_SQL, DRILL_SHOWN_SQL, "township_code", "record_id",
                           orders={"state": "state"}),
    "deputies": ListSpec(DEPUTY_ROWS_SQL, DRILL_SHOWN_SQL, "township_code", "record_id", orders={"state": "state"}),
}


def metric_rows(
    con: Con, scope: Scope, period: Period, metric: str, today: dt.date | None = None, page: Page = Page(),
    window: CoverageWindow | None = None,
) -> Listing:
    """The register rows behind `metric` for the scope's townships, with 来源文件 / 行号, a page of them.

    Count metrics: exactly the rows counted. Rates: the rows of the denominator, with
    `state` telling whether each is in the numerator (已办结 / 已走访 / 已参加走访).
    Coverage rows are marked by the coverage window (default: the scope's latest).
    """
    _check(metric)
    base = BASE_METRIC.get(metric, metric)
    marks = COMPARISON_LABELS["columns"]
    if base in _ACTIVITY_FILTERS:
        any_kind, kinds, voters_only = _ACTIVITY_FILTERS[base]
        params = _params(scope, period, any_kind=any_kind, kinds=kinds, voters_only=voters_only)
        return listing(con, DRILL_LISTS["activities"], params, page)
    if base in ("suggestions_collected", "resolution_rate", "overdue"):
        params = _params(scope, period, overdue_only=base == "overdue", resolved=RESOLVED,
                         limit=Settings().time_limit_days, as_of=as_of_date(con, period, today, scope))
        return listing(con, DRILL_LISTS["suggestions"], params, page)
    window = window or coverage_windows(con, scope, period, today)[-1]
    in_window = {"window_start": window.start, "window_end": window.end, "window_campaign": window.campaign}
    if base in ("household_coverage", "campaign_household_coverage"):
        params = _params(scope, period, visited=marks["visited"], not_visited=marks["not_visited"], **in_window)
        return listing(con, DRILL_LISTS["households"], params, page)
    params = _params(scope, period, visited=marks["deputy_visited"], not_visited=marks["deputy_not_visited"],
                     **in_window)
    return listing(con, DRILL_LISTS["deputies"], params, page)


# What the drill-down's 类别 column holds differs by register: say which.
CATEGORY_HEADERS = {"活动记录": "活动类型", "建议意见登记": "来源", "脱贫户名册": "村", "代表名册": "代表层级"}
RECORD_HEADERS = {"活动记录": "活动名称", "建议意见登记": "编号", "脱贫户名册": "户编号", "代表名册": "代表编号"}


def drill_columns(metric: str) -> dict[str, str]:
    """Frame column -> Chinese header for the drill-down table of `metric`'s register."""
    register = drill_register(metric)
    keys = ["register", "township", "record_id", "record_date", "category", "description", "state",
            "source_file", "source_row"]
    if register in ("脱贫户名册", "代表名册"):
        keys.remove("record_date")  # rosters have no date
    headers = COMPARISON_LABELS["columns"] | {"category": CATEGORY_HEADERS[register],
                                               "record_id": RECORD_HEADERS[register]}
    return {("township_name" if k == "township" else k): headers[k] for k in keys}


def drill_register(metric: str) -> str:
    """The register whose rows lie behind `metric`."""
    base = BASE_METRIC.get(metric, metric)
    if base in _ACTIVITY_FILTERS:
        return "活动记录"
    if base in ("suggestions_collected", "resolution_rate", "overdue"):
        return "建议意见登记"
    return "脱贫户名册" if base in ("household_coverage", "campaign_household_coverage") else "代表名册"
