"""活动站: activities per station and month, reception days against one per station per
month, the 2-per-quarter target, voters received per assigned deputy, and the rows behind."""

import pandas as pd
import streamlit as st

from charts import figures
from queries import stations
from queries import summary as summary_queries
from queries.labels import METRICS, STATIONS_LABELS
from ui import layout
from ui.database import fetch
from ui.filters import sidebar_filters, today

TILES = ["reception_days", "voter_contacts", "stations_total", "reception_months_missed"]

selection = sidebar_filters(with_station=True)
if selection is None:
    st.title("活动站")
    layout.no_data()
    st.stop()

layout.page_header("活动站", selection)
scope, period, station, as_of = selection.scope, selection.period, selection.station, today()
layout.compared_tiles(stations.headline, TILES, selection, station, as_of)
layout.compared_tiles(stations.building_figures, list(stations.BUILDING_FIGURE_KEYS), selection, per_row=5)

grid = fetch(stations.station_months, scope, period, station, as_of)
if grid.empty or grid["activities"].sum() == 0:
    layout.empty_note("活动站开展的活动")
    st.stop()

st.subheader("各站每月活动")
clicked_rows = layout.chart(figures.clickable_heatmap(
    grid, "month", "station_label", "activities", "活动站每月活动次数（各类活动）", "月份", "活动站",
    f"{METRICS['station_activities'].definition}，按活动日期计入当月；点击格子查看明细",
    "活动次数（次）", text="activities_text",
), key="stations_grid", select="customdata")
held = grid[grid["activities"] > 0]
cell_names = {row.cell: f"{row.station_label} {row.month:%Y年%-m月}（{row.activities}次）" for row in held.itertuples()}
clicked = [grid.at[int(i), "cell"] for i in clicked_rows if int(i) in grid.index]
cells = layout.drilldown("按活动站和月份筛选明细", list(cell_names), clicked, key="stations_cells",
                         format_func=lambda cell: cell_names.get(cell, cell))
rows = fetch(stations.station_activities, scope, period, station, tuple(cells))
st.markdown(f"**活动明细**（{len(rows)}条）")
layout.table(rows, STATIONS_LABELS["activities"], key="stations_rows")

st.subheader("接待选民日")
layout.chart(figures.heatmap(
    grid, "month", "station_label", "reception_days", "活动站每月接待日（“缺”为当月未开展）", "月份", "活动站",
    f"{METRICS['reception_days'].definition}；已结束的整月无接待日标“缺”，设站前的月份不评定",
    "接待日（次）", text="reception_text",
), key="stations_reception")

st.subheader("季度活动达标")
quarters = fetch(stations.station_quarters, scope, period, station, as_of)
if quarters.empty:
    layout.empty_note("已结束的完整季度")
else:
    layout.chart(figures.heatmap(
        quarters, "quarter_label", "station_label", "activities", "每站每季度活动达标情况", "季度", "活动站",
        f"每站每季度应开展2至3次各类活动，满{stations.QUARTER_TARGET}次为达标；只评定已结束的完整季度",
        "活动次数（次）", text="cell_text",
    ), key="stations_quarters")
    layout.table(quarters, STATIONS_LABELS["quarters"], key="stations_quarter_rows")

st.subheader("驻站代表联系选民")
voters = fetch(stations.station_voters, scope, period, station, as_of)
overall = voters["overall_per_deputy"].iloc[0]
layout.chart(figures.bars(
    voters, "station_label", "voters_per_deputy", "每名驻站代表联系选民人次", "活动站", "人次（人次/人）",
    "本站活动记录中接待选民人数之和 ÷ 代表名册中该站的代表人数；无驻站代表的站不计算",
    horizontal=True, text_format="%{x:.1f}",
    reference=("各站合计", float(overall)) if pd.notna(overall) else None,
), key="stations_voters")
layout.table(voters, STATIONS_LABELS["voters"], key="stations_voter_rows")

st.subheader("本届各站活动")
try:
    term = fetch(summary_queries.term_period, scope, as_of)
except summary_queries.NoTermStart as problem:
    st.info(str(problem))
    st.stop()
tally = fetch(stations.station_tally, scope, term)
if tally.empty:
    layout.empty_note("活动站名册")
else:
    layout.chart(figures.bars(
        tally, "station_label", "activities", f"本届以来各活动站开展活动次数（{term.start:%Y年%-m月}起）", "活动站",
        "活动次数（次）", f"{METRICS['station_activities_min'].definition}（统计期取本届）；虚线为最少一站的次数",
        horizontal=True, text_format="%{x}", reference=("最少一站", float(tally["fewest"].iloc[0])),
    ), key="stations_term_tally")
