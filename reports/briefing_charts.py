"""The charts that matter most in a quarterly briefing, built once for the page,
the PNG downloads and the DOCX alike. A chart whose data is empty is left out.

Two steps, as on every page: `chart_frames` runs the queries (the page fetches it through
the cache), `briefing_charts` turns those small frames into figures (the chart layer, no
database). The Plotly build is thus neither cached nor timed as a query."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd
import plotly.graph_objects as go

from charts import figures
from queries import frames, inspections, suggestions
from queries.labels import METRICS
from queries.metrics import Period, Scope
from ui.format import window


@dataclass(frozen=True)
class ChartFrames:
    """What the briefing's charts draw; a frame is None where its chart has nothing to show."""

    trend: pd.DataFrame | None
    supervision: pd.DataFrame | None
    flow: pd.DataFrame | None
    outcomes: pd.DataFrame | None


def chart_frames(con: duckdb.DuckDBPyConnection, scope: Scope, period: Period, now: dict) -> ChartFrames:
    """The quarter's monthly trend, supervision by month, suggestion flow and outcomes."""
    trend = frames.monthly_trend(con, scope, period)
    supervision = inspections.supervision_by_month(con, scope, period)
    flow = suggestions.monthly_flow(con, scope, period)
    outcomes = suggestions.outcome_split(con, scope, period) if now["suggestions_resolved"] else None
    return ChartFrames(
        trend=_unless_empty(trend, ["activities", "suggestions_collected", "suggestions_resolved"]),
        supervision=_unless_empty(supervision, ["activities"]),
        flow=_unless_empty(flow, ["suggestions_collected", "suggestions_resolved"]),
        outcomes=None if outcomes is None else _unless_empty(outcomes, ["suggestions"]),
    )


def _unless_empty(frame: pd.DataFrame, counted: list[str]) -> pd.DataFrame | None:
    return frame if frame[counted].to_numpy().sum() else None


def briefing_charts(shown: ChartFrames, now: dict) -> list[go.Figure]:
    """Up to six figures, in the order a 简报 reads: activity, supervision, suggestions, visits."""
    charts = []
    if shown.trend is not None:
        charts.append(figures.lines(
            shown.trend, "month",
            {"activities": "代表活动", "suggestions_collected": "收集意见建议", "suggestions_resolved": "办结意见建议"},
            "代表活动与意见建议月度趋势", "月份", "数量（次/条）", "活动按活动日期、建议按收集日期和办结日期计入当月",
        ))
    if shown.supervision is not None:
        charts.append(figures.bars(
            shown.supervision, "month", "activities", "各月监督活动次数（按活动类型）", "月份", "次数（次）",
            METRICS["supervision"].definition, color="kind",
        ))
    if shown.flow is not None:
        charts.append(figures.bars_with_line(
            shown.flow, "month", {"suggestions_collected": "收集", "suggestions_resolved": "办结"}, "open_backlog",
            "未办结存量", "意见建议收集、办结与未办结存量", "月份", "数量（条）",
            "未办结存量＝截至月末已收集、办结日期为空或晚于该日的条数",
        ))
    if shown.outcomes is not None:
        charts.append(figures.donut(
            shown.outcomes, "label", "suggestions", "意见建议办理结果", METRICS["suggestions_by_outcome"].definition))
    if now["campaign_households_visited"] or now["campaign_deputies_visiting"]:
        coverage = now["coverage_window"]
        households = f"{now['campaign_households_visited']}/{now['households_total']}户"
        deputies = f"{now['campaign_deputies_visiting']}/{now['deputies_total']}人"
        charts.append(figures.progress(
            [("脱贫户走访覆盖率", now["campaign_household_coverage"], households),
             ("代表参与率", now["campaign_deputy_participation"], deputies)],
            f"走访覆盖进度：{window(coverage)}",
            f"{METRICS['campaign_household_coverage'].definition}；{METRICS['campaign_deputy_participation'].definition}",
            judged=coverage.finished,
        ))
    return charts[:6]
