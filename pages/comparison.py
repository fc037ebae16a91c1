"""乡镇对比: the townships of a scope side by side on the contract's definitions, ranked and over time."""

import streamlit as st

from charts import figures
from queries import comparison
from queries.labels import COMPARISON_LABELS
from queries.metrics import Scope
from queries.scope import PeerGroup
from ui import access, auth, layout
from ui.database import fetch
from ui.filters import sidebar_filters

SINGLE_TOWNSHIP = "对比需要选择两个及以上乡镇。请在左侧“乡镇”中选择两个及以上乡镇，或不选（即全部乡镇）。"
GRANULARITY = {"按月": comparison.BY_MONTH, "按季度": comparison.BY_QUARTER}

selection = sidebar_filters()
if selection is None:
    st.title("乡镇对比")
    layout.no_data()
    st.stop()

layout.page_header("乡镇对比", selection)
account = auth.current()
if account is not None and account.is_township and not access.rankings_published(account):
    # A township sees itself against its county, never another township's name or figure.
    standing = fetch(comparison.township_standing, selection.scope, PeerGroup(), selection.period)
    st.subheader("本乡镇在全县的位次")
    st.caption("全县平均为全县各乡镇数值的简单平均（每个乡镇计一次）；名次按该指标从好到差排列"
               "（超期未办结越少越靠前）。县人大可在「账号管理」中选择是否向乡镇公开各乡镇排名。")
    layout.table(standing, COMPARISON_LABELS["standing"], key="cmp_standing")
    st.stop()
if account is not None and account.is_township:  # the county publishes its rankings
    selection = layout.with_scope(selection, access.comparison_scope(account))
if len(selection.scope.township_codes) < 2:
    st.info(SINGLE_TOWNSHIP)
    st.stop()

snapshot = fetch(comparison.township_metrics, selection.scope, selection.period)
if comparison.is_empty(snapshot):
    layout.empty_note("代表活动、意见建议或走访")
    st.stop()

metric = st.selectbox("对比指标", comparison.COMPARED, key="cmp_metric",
                      format_func=lambda key: comparison.label(key).name)
label = comparison.label(metric)
ranked = comparison.ranking(snapshot, metric)

st.subheader("排名表")
order = "越少越靠前" if metric in comparison.LOWER_IS_BETTER else "越多越靠前"
st.caption(f"按「{label.name}」排名（{order}，无法计算的排在最后）；点击列名可按该列重新排序。"
           "比率以百分数显示；每百名代表、每站指标的分母为名册人数、站数。")
layout.table(ranked, comparison.ranking_columns(), key="cmp_ranking")

average = comparison.township_average(ranked, metric)
clicked = layout.chart(figures.bars(
    ranked, "township_name", metric, f"各乡镇{label.name}对比", "乡镇", comparison.axis_title(metric),
    label.definition, horizontal=True, text_format=comparison.text_format(metric),
    reference=("全县平均", average) if average is not None else None,
), key="cmp_bars", select="y")
st.caption("虚线为全县平均：各乡镇数值的简单平均（每个乡镇计一次）。")

names = list(dict.fromkeys(ranked["township_name"]))
picked = layout.drilldown("查看明细的乡镇", names, clicked, key="cmp_drill")
codes = ranked.loc[ranked["township_name"].isin(picked or names), "township_code"]
rows = fetch(comparison.metric_rows, Scope(tuple(codes)), selection.period, metric)
if rows.empty:
    layout.empty_note(label.name)
else:
    st.caption(f"「{label.name}」所依据的登记表记录（比率类指标列出分母的全部记录，状态栏标明是否计入分子）。")
    layout.table(rows, comparison.drill_columns(), key="cmp_rows")
    if len(rows) >= comparison.DRILL_LIMIT:
        st.caption(f"仅显示前 {comparison.DRILL_LIMIT} 行，请选择乡镇缩小范围。")

st.subheader(f"{label.name}变化趋势")
by = st.radio("时间粒度", list(GRANULARITY), horizontal=True, key="cmp_by")
trend = fetch(comparison.township_trend, selection.scope, selection.period, metric, GRANULARITY[by])
layout.chart(figures.lines(
    trend, "bucket", dict(zip(snapshot["township_code"], snapshot["township_name"], strict=True)),
    f"各乡镇{label.name}{by}变化", "月份" if by == "按月" else "季度", comparison.axis_title(metric),
    f"{label.definition}；{by}分段统计，超期未办结按各段末日计",
), key="cmp_trend")
