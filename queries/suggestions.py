"""Frames for the 建议办理 page, on the contract's suggestion metrics (queries/metrics.py).

Every frame is aggregated in DuckDB and stays small; a list is paged in SQL
(queries/paging.py), the table getting one page. Where a frame restates a
metric per group or as a list (resolution rate per category, the overdue list),
it applies the metric's own SQL conditions, and tests/test_suggestions_queries.py
proves the totals equal the metric functions, so a list never disagrees with its tile.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from etl.registers import OUTCOME_WORDS, SATISFACTION
from queries import metrics
from queries.metrics import (
    DUE_SOON_CONDITION,
    NOT_FILLED,
    OUTCOME_LETTERS,
    OVERDUE_CONDITION,
    RESOLVED,
    Con,
    Period,
    Scope,
    Settings,
    _params,
    open_params,
    run,
    suggestions_by_outcome,
)
from queries.paging import Listing, ListSpec, Page, listing

# --- collected, resolved and the open backlog per month ----------------------

# A month's counts run from the later of its first day and the period start to the
# earlier of its last day and the period end, so the months add up to the period's
# metrics. The backlog is a stock at that month end: received on or before it and
# not resolved by then (no resolution date, or a later one).
MONTHLY_FLOW_SQL = """
    WITH months AS (
        SELECT unnest(generate_series(date_trunc('month', $start::DATE),
                                      date_trunc('month', $end::DATE), INTERVAL 1 MONTH))::DATE AS month
    ),
    bounds AS (
        SELECT month, greatest(month, $start::DATE) AS month_start,
               least(last_day(month), $end::DATE) AS month_end
        FROM months
    )
    SELECT b.month,
           count(s.suggestion_id) FILTER (WHERE s.received_on BETWEEN b.month_start AND b.month_end)
               AS suggestions_collected,
           count(s.suggestion_id) FILTER (WHERE s.resolved_on BETWEEN b.month_start AND b.month_end)
               AS suggestions_resolved,
           count(s.suggestion_id) FILTER (WHERE s.received_on <= b.month_end
                                            AND (s.resolved_on IS NULL OR s.resolved_on > b.month_end))
               AS open_backlog
    FROM bounds b
    LEFT JOIN (SELECT suggestion_id, received_on, resolved_on FROM suggestions_of($towns)
               -- the rows any month can count: received or resolved by the end, and not both before the start
               WHERE (received_on <= $end::DATE OR resolved_on <= $end::DATE)
                 AND (resolved_on IS NULL OR resolved_on >= $start::DATE OR received_on >= $start::DATE)) s ON true
    GROUP BY b.month
    ORDER BY b.month
"""


def monthly_flow(con: Con, scope: Scope, period: Period) -> pd.DataFrame:
    """Per month: suggestions collected, resolved, and the open backlog at the month end."""
    return run(con, MONTHLY_FLOW_SQL, _params(scope, period)).df()


# --- resolution rate per group -------------------------------------------------

# The contract's 办结率 per group: of the suggestions collected in the period, the
# share whose status is 已办结 now. `{group}` is a fixed expression, never user input.
# `label` is what a chart and a pick name the group by.
RESOLUTION_BY_GROUP_SQL = """
    SELECT {label} AS label,
           count(*) AS collected,
           count(*) FILTER (WHERE status = $resolved) AS resolved_now,
           round(100.0 * count(*) FILTER (WHERE status = $resolved) / count(*), 1) AS resolution_percent
    FROM suggestions_of($towns) s LEFT JOIN townships t USING (township_code)
    WHERE received_on BETWEEN $start AND $end
    GROUP BY 1
    ORDER BY resolution_percent, collected DESC, label
"""
RESOLUTION_BY_CATEGORY_SQL = RESOLUTION_BY_GROUP_SQL.format(label="coalesce(s.category, $not_filled)")
# A handling unit belongs to its township: 镇城管中队 of ten townships is ten units, so with
# several townships on the page a unit is named with its township (as the drill-down picks it).
HANDLER_LABEL = (
    "CASE WHEN len($towns) > 1 THEN coalesce(s.handler, $not_filled) || '（' || coalesce(t.township_name, "
    "s.township_code) || '）' ELSE coalesce(s.handler, $not_filled) END"
)
RESOLUTION_BY_HANDLER_SQL = RESOLUTION_BY_GROUP_SQL.format(label=HANDLER_LABEL)


def resolution_by_category(con: Con, scope: Scope, period: Period) -> pd.DataFrame:
    """办结率 per category (lowest first, so what needs chasing is on top)."""
    return run(con, RESOLUTION_BY_CATEGORY_SQL,
               _params(scope, period, resolved=RESOLVED, not_filled=NOT_FILLED)).df()


def resolution_by_handler(con: Con, scope: Scope, period: Period) -> pd.DataFrame:
    """办结率 per handling unit (承办单位) of each township, lowest first."""
    return run(con, RESOLUTION_BY_HANDLER_SQL,
               _params(scope, period, resolved=RESOLVED, not_filled=NOT_FILLED)).df()


# --- how long resolution took ----------------------------------------------------

# 办理时长's bins, in order: (label, the most days a bin holds; None: no upper end).
DAYS_BINS = (("0–15天", 15), ("16–30天", 30), ("31–60天", 60), ("61–90天", 90), ("超过90天", None))
# Over the suggestions resolved in the period, like 办理时长 (median_days_to_resolve): each is
# given its bin, the bins are counted, and every bin is shown (a resolution dated before the
# receipt counts in the first).
DAYS_TO_RESOLVE_SQL = """
    WITH bins(bin_order, days_bin) AS (VALUES {bins}),
    counted AS (
        SELECT CASE {bin_of} END AS bin_order, count(*) AS suggestions
        FROM (SELECT resolved_on - received_on AS days FROM suggestions_of($towns)
              WHERE resolved_on BETWEEN $start AND $end)
        GROUP BY 1
    )
    SELECT b.days_bin, coalesce(c.suggestions, 0) AS suggestions
    FROM bins b LEFT JOIN counted c USING (bin_order)
    ORDER BY b.bin_order
""".format(
    bins=", ".join(f"({order}, '{label}')" for order, (label, _) in enumerate(DAYS_BINS, 1)),
    bin_of=" ".join(f"WHEN days <= {high} THEN {order}" if high is not None else f"ELSE {order}"
                    for order, (_, high) in enumerate(DAYS_BINS, 1)))


def days_to_resolve_distribution(con: Con, scope: Scope, period: Period) -> pd.DataFrame:
    """Suggestions resolved in the period by days from receipt to resolution (every bin shown)."""
    return run(con, DAYS_TO_RESOLVE_SQL, _params(scope, period)).df()


# --- outcome and satisfaction splits ---------------------------------------------

def outcome_split(con: Con, scope: Scope, period: Period) -> pd.DataFrame:
    """The metric 办理结果 (A/B/C/D) with each letter's words, for a donut."""
    counts = suggestions_by_outcome(con, scope, period)
    return pd.DataFrame({
        "outcome": OUTCOME_LETTERS,
        "label": [f"{letter} {OUTCOME_WORDS[letter]}" for letter in OUTCOME_LETTERS],
        "suggestions": [counts[letter] for letter in OUTCOME_LETTERS],
    })


# The base of 满意率: resolved in the period with a satisfaction answer (counted, then joined to every answer).
SATISFACTION_SPLIT_SQL = """
    SELECT a.satisfaction, coalesce(s.suggestions, 0) AS suggestions
    FROM (SELECT unnest($answers::VARCHAR[]) AS satisfaction) a
    LEFT JOIN (SELECT satisfaction, count(*) AS suggestions FROM suggestions_of($towns)
               WHERE resolved_on BETWEEN $start AND $end AND satisfaction IS NOT NULL GROUP BY satisfaction) s
      USING (satisfaction)
    ORDER BY list_position($answers::VARCHAR[], a.satisfaction)
"""


def satisfaction_split(con: Con, scope: Scope, period: Period) -> pd.DataFrame:
    """满意 / 基本满意 / 不满意 counts over the 满意率 base (every answer shown)."""
    return run(con, SATISFACTION_SPLIT_SQL, _params(scope, period, answers=list(SATISFACTION))).df()


# --- register rows: the lists and the drill-down (paged in SQL, queries/paging.py) ----------

# The register rows of a list: its filter `{condition}` over the scope's suggestions.
SUGGESTION_BASE_SQL = """
    SELECT s.suggestion_id, s.received_on, s.resolved_on, s.township_code, s.category, s.summary, s.handler,
           s.status, s.outcome, s.satisfaction, s.source_file, s.source_row,
           $as_of::DATE - s.received_on AS days_open, s.received_on + $limit::INTEGER AS due_on
    FROM suggestions_of($towns) s LEFT JOIN townships t ON t.township_code = s.township_code
    WHERE {condition}
"""
# The columns a table shows; deputies by name (ids not on the roster as ids), for the page's rows only.
SUGGESTION_NAMES_CTE = """,
    named AS (
        SELECT sd.suggestion_id, string_agg(coalesce(d.name, sd.deputy_id), '、' ORDER BY sd.deputy_id) AS deputy_names
        FROM suggestion_deputies sd LEFT JOIN deputies d USING (deputy_id)
        WHERE sd.suggestion_id IN (SELECT suggestion_id FROM listed)
        GROUP BY sd.suggestion_id
    )"""
SUGGESTION_SHOWN_SQL = """
    SELECT p.suggestion_id, CAST(p.received_on AS VARCHAR) AS received_on,
           coalesce(t.township_name, p.township_code) AS township, coalesce(p.category, $not_filled) AS category,
           p.summary, coalesce(p.handler, $not_filled) AS handler,
           coalesce(n.deputy_names, '') AS deputy_names, p.status, {extra}
           p.source_file, p.source_row
    FROM listed p
    LEFT JOIN townships t ON t.township_code = p.township_code
    LEFT JOIN named n ON n.suggestion_id = p.suggestion_id
"""
# The sorts a user may pick (the list's own order first).
SUGGESTION_ORDERS = {"received_on": "received_on", "township": "township_code", "category": "category",
                     "handler": "handler"}
OPEN_ORDERS = SUGGESTION_ORDERS | {"days_open": "days_open"}

# Word for word the conditions of metrics.overdue and metrics.due_soon, at the as-of day,
# which is also the day 已办理天数 is counted to.
OPEN_EXTRA = "p.days_open, CAST(p.due_on AS VARCHAR) AS due_on,"
OVERDUE_LIST = ListSpec(
    base=SUGGESTION_BASE_SQL.format(condition=OVERDUE_CONDITION), ctes=SUGGESTION_NAMES_CTE,
    shown=SUGGESTION_SHOWN_SQL.format(extra=OPEN_EXTRA), order="days_open DESC", tiebreak="suggestion_id",
    orders=OPEN_ORDERS)
DUE_SOON_LIST = ListSpec(
    base=SUGGESTION_BASE_SQL.format(condition=DUE_SOON_CONDITION), ctes=SUGGESTION_NAMES_CTE,
    shown=SUGGESTION_SHOWN_SQL.format(extra=OPEN_EXTRA), order="due_on", tiebreak="suggestion_id",
    orders=OPEN_ORDERS)

# Collected in the period (the 办结率 base), narrowed to the clicked groups if any.
COLLECTED_LIST = ListSpec(
    base=SUGGESTION_BASE_SQL.format(condition=f"""s.received_on BETWEEN $start AND $end
      AND (len($categories::VARCHAR[]) = 0 OR list_contains($categories::VARCHAR[], coalesce(s.category, $not_filled)))
      AND (len($handlers::VARCHAR[]) = 0 OR list_contains($handlers::VARCHAR[], {HANDLER_LABEL}))"""),
    ctes=SUGGESTION_NAMES_CTE,
    shown=SUGGESTION_SHOWN_SQL.format(
        extra="coalesce(CAST(p.resolved_on AS VARCHAR), '') AS resolved_on, coalesce(p.outcome, '') AS outcome, "
              "coalesce(p.satisfaction, '') AS satisfaction,"),
    order="received_on", tiebreak="suggestion_id", orders=SUGGESTION_ORDERS)


def overdue_list(
    con: Con, scope: Scope, period: Period, settings: Settings = Settings(), today: dt.date | None = None,
    page: Page = Page(),
) -> Listing:
    """The suggestions behind 超期未办结, longest open first (days counted to the as-of day)."""
    return listing(con, OVERDUE_LIST, open_params(con, scope, period, settings, today, not_filled=NOT_FILLED), page)


def due_soon_list(
    con: Con, scope: Scope, period: Period, settings: Settings = Settings(), today: dt.date | None = None,
    page: Page = Page(),
) -> Listing:
    """The suggestions behind 临期, soonest due first, so they are chased before they turn overdue."""
    return listing(con, DUE_SOON_LIST, open_params(con, scope, period, settings, today, not_filled=NOT_FILLED), page)


def collected_rows(
    con: Con, scope: Scope, period: Period, categories: tuple[str, ...] = (), handlers: tuple[str, ...] = (),
    page: Page = Page(),
) -> Listing:
    """The suggestions collected in the period (behind the 办结率 bars), narrowed to the picked
    categories and handler labels (未填写 picks the rows without one); empty picks mean all."""
    return listing(con, COLLECTED_LIST, _params(
        scope, period, categories=list(categories), handlers=list(handlers), not_filled=NOT_FILLED,
        as_of=period.end, limit=Settings().time_limit_days), page)


def source_split(con: Con, scope: Scope, period: Period) -> pd.DataFrame:
    """建议收集数 by source (选民意见, 代表建议, 议案, 批评意见) as a frame, from the metric."""
    split = metrics.suggestions_by_source(con, scope, period)
    return pd.DataFrame({"source": list(split), "suggestions": list(split.values())})
