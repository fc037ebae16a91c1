"""建议办理: how a scope's suggestions are handled, and which ones to chase — the presidium's page."""

import streamlit as st

from charts import figures
from queries import frames, metrics
from queries import suggestions as sq
from queries.labels import METRICS, SUGGESTION_COLUMNS
from ui import format as fmt
from ui import layout, presentation
from ui.database import fetch
from ui.filters import sidebar_filters, today

TILES = [
    "suggestions_collected", "suggestions_resolved", "resolution_rate", "median_days_to_resolve",
    "overdue", "due_soon", "satisfaction_rate",
]
LIMITS = metrics.Settings()
RATE_NOTE = "统计期内收集的意见建议中目前已办结的比例（本期收集件办结率），虚线为所选范围合计"
# A long list of groups shows its lowest rates and folds the rest (the table lists all).
SHOWN_GROUPS = {False: 20, True: 10}  # normal, presentation


def headers(frame):
    """Chinese headers for the frame's columns, in the frame's order."""
    return {column: SUGGESTION_COLUMNS[column] for column in frame.columns}


def rate_bars(frame, label_title: str, noun: str, title: str, key: str, overall: float) -> list:
    """Rate per group against the scope's overall rate; returns the clicked groups for the drill-down."""
    shown, folded = frames.top_with_rest(frame, SHOWN_GROUPS[presentation.presenting()], "label",
                                         "resolution_percent", ("resolved_now", "collected"), noun=noun)
    clicked = layout.chart(figures.percent_bars(
        shown, "label", "resolution_percent", "resolved_now", "collected", "条", title, label_title,
        RATE_NOTE + (f"；列出办结率最低的{len(shown) - 1}个，其余{folded}个合并显示" if folded else ""),
        reference=("合计", overall),
    ), key=key, select="y")
    return [c for c in clicked if not str(c).startswith("其余")]


selection = sidebar_filters()
if selection is None:
    st.title("建议办理")
    layout.no_data()
    st.stop()

scope, period = selection.scope, selection.period
layout.page_header("建议办理", selection)
now = layout.headline_tiles(TILES, selection)
as_of = now["as_of"]
st.caption("箭头为环比（与上一统计期相比，本期收集件办结率与上期收集件在相同办理时长时相比）；"
           "将鼠标停在指标名旁的问号上可看口径。")
sources = fetch(sq.source_split, scope, period)
if not sources.empty:
    layout.chart(figures.bars(
        sources, "source", "suggestions", "意见建议按来源（选民意见、代表建议、议案、批评意见）", "来源", "条数（条）",
        METRICS["suggestions_by_source"].definition, text_format="%{y}",
    ), key="suggestions_sources")

trend, duration = st.columns([3, 2])
with trend:
    flow = fetch(sq.monthly_flow, scope, period)
    if flow[["suggestions_collected", "suggestions_resolved", "open_backlog"]].to_numpy().sum() == 0:
        layout.empty_note("意见建议")
    else:
        layout.chart(figures.bars_with_line(
            flow, "month", {"suggestions_collected": "收集", "suggestions_resolved": "办结"}, "open_backlog",
            "未办结存量", "意见建议收集、办结与未办结存量（按月）", "月份", "数量（条）",
            "未办结存量＝截至月末（末月取期末）已收集、办结日期为空或晚于该日的条数",
        ), key="suggestions_flow")
with duration:
    distribution = fetch(sq.days_to_resolve_distribution, scope, period)
    if distribution["suggestions"].sum() == 0:
        layout.empty_note("办结的意见建议")
    else:
        layout.chart(figures.bars(
            distribution, "days_bin", "suggestions", "办理时长分布", "办理天数（天）", "办结数（条）",
            "统计期内办结的，按办结与收集相隔天数分组", text_format="%{y}条",
        ), key="suggestions_days")

st.subheader("本期收集件办结率：分类别、分承办单位")
by_category = fetch(sq.resolution_by_category, scope, period)
if by_category.empty:
    layout.empty_note("收集的意见建议")
else:
    st.caption(f"本期收集{fmt.figure('suggestions_collected', now['suggestions_collected'])}，其中目前已办结"
               f"{fmt.figure('collected_resolved', now['collected_resolved'])}，本期收集件办结率"
               f"{fmt.figure('resolution_rate', now['resolution_rate'])}。"
               + ("承办单位按乡镇分列（各乡镇的同名单位是不同单位）。" if len(scope.township_codes) > 1 else ""))
    by_handler = fetch(sq.resolution_by_handler, scope, period)
    left, right = st.columns(2)
    with left:
        clicked_categories = rate_bars(by_category, "类别", "个类别", "各类别本期收集件办结率",
                                       "suggestions_by_category", now["resolution_rate"])
    with right:
        clicked_handlers = rate_bars(by_handler, "承办单位", "个承办单位", "各承办单位本期收集件办结率",
                                     "suggestions_by_handler", now["resolution_rate"])
    left, right = st.columns(2)
    with left:
        categories = layout.drilldown("按类别筛选明细", by_category["label"].tolist(), clicked_categories,
                                      key="suggestions_pick_category")
    with right:
        handlers = layout.drilldown("按承办单位筛选明细", by_handler["label"].tolist(), clicked_handlers,
                                    key="suggestions_pick_handler")
    rows = fetch(sq.collected_rows, scope, period, tuple(categories), tuple(handlers))
    st.caption(f"统计期内收集的意见建议明细：{len(rows)}条")
    layout.table(rows, headers(rows), key="suggestions_collected_rows", title="意见建议明细")

outcomes, satisfaction = st.columns(2)
with outcomes:
    split = fetch(sq.outcome_split, scope, period)
    if split["suggestions"].sum() == 0:
        layout.empty_note("办结且填写办理结果的意见建议")
    else:
        layout.chart(figures.donut(
            split, "label", "suggestions", "办理结果", "统计期内办结的，按办理结果分列（未填不计）",
        ), key="suggestions_outcome")
with satisfaction:
    answers = fetch(sq.satisfaction_split, scope, period)
    if answers["suggestions"].sum() == 0:
        layout.empty_note("办结且有满意度评价的意见建议")
    else:
        layout.chart(figures.bars(
            answers, "satisfaction", "suggestions", "满意度评价", "评价", "条数（条）",
            "统计期内办结且有满意度评价的，按评价分列", text_format="%{y}条",
        ), key="suggestions_satisfaction")

for title, name, query, what in [
    (f"超期未办结（截至 {fmt.day(as_of)}，{now['overdue']}条）", "超期未办结", sq.overdue_list, "超期未办结的意见建议"),
    (f"临期：{fmt.day(as_of)}后{LIMITS.due_soon_days}天内到期（{now['due_soon']}条）", "临期意见建议",
     sq.due_soon_list, "临期的意见建议"),
]:
    st.subheader(title)
    listed = fetch(query, scope, period, LIMITS, today())
    if listed.empty:
        layout.empty_note(what)
    else:
        st.caption(f"已办理天数算至 {fmt.day(as_of)}（{METRICS['overdue'].definition.split('；')[1]}）；"
                   f"办理时限为收集后{LIMITS.time_limit_days}天。")
        layout.table(listed, headers(listed), key=f"suggestions_{query.__name__}", title=name)
