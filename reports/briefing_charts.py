"""The charts that matter most in a quarterly briefing, built once for the page,
the PNG downloads and the DOCX alike. A chart whose data is empty is left out."""

from __future__ import annotations

import duckdb
import plotly.graph_objects as go

from charts import figures
from queries import frames, inspections, suggestions
from queries.labels import METRICS
from queries.metrics import Period, Scope
from ui.format import window


def briefing_charts(con: duckdb.DuckDBPyConnection, scope: Scope, period: Period, now: dict) -> list[go.Figure]:
    """Up to six figures, in the order a 简报 reads: activity, supervision, suggestions, visits."""
    charts = []
    trend = frames.monthly_trend(con, scope, period)
    if trend[["activities", "suggestions_collected", "suggestions_resolved"]].to_numpy().sum():
        charts.append(figures.lines(
            trend, "month",
            {"activities": "代表活动", "suggestions_collected": "收集意见建议", "suggestions_resolved": "办结意见建议"},
            "代表活动与意见建议月度趋势", "月份", "数量（次/条）", "活动按活动日期、建议按收集日期和办结日期计入当月",
        ))
    supervision = inspections.supervision_by_month(con, scope, period)
    if supervision["activities"].sum():
        charts.append(figures.bars(
            supervision, "month", "activities", "各月监督活动次数（按活动类型）", "月份", "次数（次）",
            METRICS["supervision"].definition, color="kind",
        ))
    flow = suggestions.monthly_flow(con, scope, period)
    if flow[["suggestions_collected", "suggestions_resolved"]].to_numpy().sum():
        charts.append(figures.bars_with_line(
            flow, "month", {"suggestions_collected": "收集", "suggestions_resolved": "办结"}, "open_backlog",
            "未办结存量", "意见建议收集、办结与未办结存量", "月份", "数量（条）",
            "未办结存量＝截至月末已收集、办结日期为空或晚于该日的条数",
        ))
    if now["suggestions_resolved"]:
        split = suggestions.outcome_split(con, scope, period)
        if split["suggestions"].sum():
            charts.append(figures.donut(
                split, "label", "suggestions", "意见建议办理结果", METRICS["suggestions_by_outcome"].definition))
    if now["campaign_households_visited"] or now["campaign_deputies_visiting"]:
        shown = now["coverage_window"]
        households = f"{now['campaign_households_visited']}/{now['households_total']}户"
        deputies = f"{now['campaign_deputies_visiting']}/{now['deputies_total']}人"
        charts.append(figures.progress(
            [("脱贫户走访覆盖率", now["campaign_household_coverage"], households),
             ("代表参与率", now["campaign_deputy_participation"], deputies)],
            f"走访覆盖进度：{window(shown)}",
            f"{METRICS['campaign_household_coverage'].definition}；{METRICS['campaign_deputy_participation'].definition}",
            judged=shown.finished,
        ))
    return charts[:6]
