"""乡镇对比: the townships of a scope side by side on the contract's definitions, ranked, on a
scorecard and over time; one township sees itself against its county average and rank."""

import pandas as pd
import streamlit as st

from charts import figures
from queries import comparison
from queries.labels import COMPARISON_LABELS
from queries.metrics import Scope, Settings
from queries.scope import PeerGroup
from ui import access, auth, layout
from ui.database import fetch
from ui.filters import sidebar_filters, today

GRANULARITY = {"按月": comparison.BY_MONTH, "按季度": comparison.BY_QUARTER}


def shown(metric: str, value) -> str:
    """A compared figure as every page writes it (rates one decimal with %); an average of
    counts keeps one decimal (1.5次)."""
    if value is None:
        return "—"
    pattern = comparison.value_format(metric)
    if pattern == "%d" and float(value) != int(value):
        pattern = "%.1f"
    unit = comparison.label(metric).unit
    return pattern % value + ("" if unit == "%" else unit)


def one_township() -> None:
    """The township against its county: value, pooled average, rank; no other township named."""
    standing = fetch(comparison.township_standing, selection.scope, PeerGroup(), selection.period, Settings(),
                     today())
    st.subheader("本乡镇在全县的位次")
    st.caption("与所在县全部乡镇比较：全县平均为合计计算（各乡镇分子之和 ÷ 分母之和，计数为合计 ÷ 乡镇数），"
               "即其他页面所示的全县数字；名次按该指标从好到差排列（超期未办结越少越靠前），不列出其他乡镇。"
               f"偏离全县平均超过{comparison.margin_words('resolution_rate')}（比率）或"
               f"{comparison.margin_words('inspections')}（其他指标）才算好于或低于平均。"
               "县人大可在「账号管理」中选择是否向乡镇公开各乡镇排名。")
    rows = pd.DataFrame([{
        "name": comparison.label(row.metric).name, "value": shown(row.metric, row.value),
        "average": shown(row.metric, row.average), "rank": f"第{row.rank}名 / 共{row.townships}个乡镇",
        "verdict": comparison.against_average(row.metric, row.value, row.average),
    } for row in standing.itertuples()], columns=list(COMPARISON_LABELS["standing"]))
    layout.table(rows, COMPARISON_LABELS["standing"], key="cmp_standing", title="本乡镇在全县的位次")


selection = sidebar_filters()
if selection is None:
    st.title("乡镇对比")
    layout.no_data()
    st.stop()

layout.page_header("乡镇对比", selection)
account = auth.current()
if account is not None and account.is_township and not access.rankings_published(account):
    one_township()  # a township sees itself against its county, never another township's name or figure
    st.stop()
if account is not None and account.is_township:  # the county publishes its rankings
    selection = layout.with_scope(selection, access.comparison_scope(account))
if len(selection.scope.township_codes) < 2:
    one_township()  # one township picked: the same view, among the townships of its county
    st.stop()

snapshot = fetch(comparison.township_metrics, selection.scope, selection.period, Settings(), today())
if comparison.is_empty(snapshot):
    layout.empty_note("代表活动、意见建议或走访")
    st.stop()

metric = st.selectbox("对比指标", comparison.COMPARED, key="cmp_metric",
                      format_func=lambda key: comparison.label(key).name)
label = comparison.label(metric)
ranked = comparison.ranking(snapshot, metric)
average = comparison.county_average(snapshot, metric)

st.subheader("排名表")
order = "越少越靠前" if metric in comparison.LOWER_IS_BETTER else "越多越靠前"
st.caption(f"按「{label.name}」排名（{order}，无法计算的排在最后）；点击列名可按该列重新排序，表格可左右拖动，乡镇名固定。"
           "每百名代表、每站指标的分母为名册人数、站数；覆盖率按最近一次专项行动（或本年累计）统计。")
layout.table(ranked, comparison.ranking_columns(), key="cmp_ranking", title="乡镇对比排名",
             number_formats=comparison.number_formats(), pinned="township_name")

clicked = layout.chart(figures.bars(
    ranked, "township_name", metric, f"各乡镇{label.name}对比", "乡镇", comparison.axis_title(metric),
    label.definition, horizontal=True, text_format=comparison.text_format(metric),
    reference=("全县平均", average, shown(metric, average)) if average is not None else None,
    percent=metric in comparison.RATES,
), key="cmp_bars", select="y")
st.caption(f"虚线为全县平均：合计计算（各乡镇分子之和 ÷ 分母之和，计数为合计 ÷ 乡镇数），即 {shown(metric, average)}；"
           f"低于平均超过{comparison.margin_words(metric)}才算落后。")

names = list(dict.fromkeys(ranked["township_name"]))
picked = layout.drilldown("查看明细的乡镇", names, clicked, key="cmp_drill")
codes = ranked.loc[ranked["township_name"].isin(picked or names), "township_code"]
rows = fetch(comparison.metric_rows, Scope(tuple(codes)), selection.period, metric, comparison.DRILL_LIMIT, today())
if rows.empty:
    layout.empty_note(label.name)
else:
    st.caption(f"「{label.name}」所依据的登记表记录（比率类指标列出分母的全部记录，状态栏标明是否计入分子）。")
    layout.table(rows, comparison.drill_columns(metric), key="cmp_rows", title=f"{label.name}明细")
    if len(rows) >= comparison.DRILL_LIMIT:
        st.caption(f"仅显示前 {comparison.DRILL_LIMIT} 行，请选择乡镇缩小范围。")

st.subheader("乡镇 × 指标一览")
card = comparison.scorecard(snapshot)
st.caption("每行一个乡镇，最后一行为全县合计（比率为合计计算）。接待日达标率 = 已开展接待日的站月数 ÷ 应开展的站月数，"
           "满100%为达标。")
layout.table(card, comparison.scorecard_columns(), key="cmp_scorecard", title="乡镇指标一览",
             number_formats=comparison.number_formats(), pinned="township_name",
             highlight=comparison.scorecard_highlight(card))

st.subheader(f"{label.name}变化趋势")
if metric in comparison.WINDOWED:
    st.info("覆盖率按专项行动统计，不分月显示趋势；请选择其他指标查看变化。")
else:
    by = st.radio("时间粒度", list(GRANULARITY), horizontal=True, key="cmp_by")
    trend = fetch(comparison.township_trend, selection.scope, selection.period, metric, GRANULARITY[by], today())
    layout.chart(figures.small_multiples(
        trend, "bucket", dict(zip(snapshot["township_code"], snapshot["township_name"], strict=True)),
        f"各乡镇{label.name}{by}变化", comparison.axis_title(metric),
        f"{label.definition}；{by}分段统计，超期未办结按各段末日（未结束的按数据截至日）计",
        percent=metric in comparison.RATES, whole=comparison.value_format(metric) == "%d",
    ), key="cmp_trend")
