"""监督视察: inspections and supervision by month and kind, by theme, the units evaluated,
and the register rows behind the chart (narrowed by clicking a bar or picking from a list)."""

import streamlit as st

from charts import figures
from queries import inspections
from queries.labels import INSPECTIONS_LABELS, METRICS
from ui import layout
from ui.database import fetch
from ui.filters import sidebar_filters

TILES = ["inspections", "supervision", "evaluated_units"]

selection = sidebar_filters()
if selection is None:
    st.title("监督视察")
    layout.no_data()
    st.stop()

layout.page_header("监督视察", selection)
scope, period = selection.scope, selection.period
layout.compared_tiles(inspections.headline, TILES, selection, per_row=3)

st.subheader("监督活动月度分布")
monthly = fetch(inspections.supervision_by_month, scope, period)
if monthly["activities"].sum() == 0:
    layout.empty_note("视察、执法检查、调研或评议活动")
else:
    clicked_rows = layout.chart(figures.bars(
        monthly, "month", "activities", "各月监督活动次数（按活动类型）", "月份", "次数（次）",
        f"{METRICS['supervision'].definition}，按活动日期计入当月", color="kind",
    ), key="inspections_monthly", select="customdata")
    # Every cell has a readable name (a click on an empty segment too): no raw key reaches a caption.
    cell_names = {row.cell: f"{row.cell_name}（{row.activities}次）" for row in monthly.itertuples()}
    held = [row.cell for row in monthly.itertuples() if row.activities > 0]
    clicked = [monthly.at[int(i), "cell"] for i in clicked_rows if int(i) in monthly.index]
    cells = layout.drilldown("按月份和活动类型筛选明细", held, clicked, key="inspections_cells",
                             format_func=lambda cell: cell_names.get(cell, cell))
    rows = fetch(inspections.supervision_activities, scope, period, tuple(cells))
    st.markdown(f"**活动明细**（{len(rows)}条）")
    layout.table(rows, INSPECTIONS_LABELS["activities"], key="inspections_rows", title="监督活动明细")

theme_column, unit_column = st.columns(2)
with theme_column:
    themes = fetch(inspections.inspections_by_theme, scope, period)
    if themes.empty:
        layout.empty_note("视察或执法检查")
    else:
        layout.chart(figures.bars(
            themes, "theme", "inspections", "视察检查按主题", "主题", "次数（次）",
            f"{METRICS['inspections_by_theme'].definition}，未填主题的计入“未填写”",
            horizontal=True, text_format="%{x}次",
        ), key="inspections_themes")
with unit_column:
    st.markdown("**评议对象**")
    units = fetch(inspections.evaluated_units, scope, period)
    if units.empty:
        layout.empty_note("评议")
    else:
        layout.table(units, INSPECTIONS_LABELS["units"], key="inspections_units", title="评议对象")
        st.caption(f"口径：{METRICS['evaluated_units'].definition}（未填写评议对象的评议活动不计入）。")
