"""活动站: activities per station and month, reception days against one per station per
month, the 2-per-quarter target, voters received per assigned deputy, and the rows behind.

County-wide (several townships, no station picked) every grid has one row per township;
picking a township shows its stations."""

import pandas as pd
import streamlit as st

from charts import figures
from queries import campaign, stations
from queries import summary as summary_queries
from queries.labels import METRICS, STATIONS_LABELS
from queries.metrics import Scope
from ui import layout
from ui.database import fetch
from ui.filters import sidebar_filters

TILES = ["reception_days", "voter_contacts", "stations_total", "reception_months_missed"]
ALL_TOWNSHIPS = "全部乡镇（按乡镇汇总）"
TOWNSHIP_QUARTERS = {"township_name": "乡镇", "quarter_label": "季度", "stations": "评定站数（个）",
                     "stations_passed": "达标站数（个）"}
TOWNSHIP_VOTERS = {"township_name": "乡镇", "voters_received": "联系选民（人次）", "deputies": "驻站代表（人）",
                   "voters_per_deputy": "人均联系选民（人次）"}

selection = sidebar_filters(with_station=True)
if selection is None:
    st.title("活动站")
    layout.no_data()
    st.stop()

layout.page_header("活动站", selection)
scope, period, station = selection.scope, selection.period, selection.station
as_of = layout.as_of(selection)
layout.compared_tiles(stations.headline, TILES, selection, station, as_of)
layout.compared_tiles(stations.building_figures, list(stations.BUILDING_FIGURE_KEYS), selection, per_row=5)

by_township = len(scope.township_codes) > 1 and station is None
if by_township:
    roster = dict(fetch(campaign.township_names, scope))
    picked = st.selectbox("查看乡镇", [ALL_TOWNSHIPS, *roster], key="stations_township",
                          format_func=lambda code: code if code == ALL_TOWNSHIPS else roster[code])
    if picked != ALL_TOWNSHIPS:
        scope, by_township = Scope((picked,)), False

grid = fetch(stations.station_months, scope, period, station, as_of)
if grid.empty or grid["activities"].sum() == 0:
    layout.empty_note("活动站开展的活动")
    st.stop()

st.subheader("各站每月活动")
if by_township:
    towns = fetch(stations.township_months, scope, period, as_of)
    layout.chart(figures.heatmap(
        towns, "month", "township_name", "activities_per_station", "各乡镇活动站每月活动（站均次数）", "月份", "乡镇",
        f"{METRICS['station_activities'].definition}，按活动日期计入当月；格中为该乡镇各站合计次数，颜色为站均次数；"
        "在上方“查看乡镇”中选一个乡镇可看其各站",
        "站均次数（次）", text="activities_text", levels=figures.PER_MONTH,
    ), key="stations_township_grid")
    cells: list = []
else:
    clicked_rows = layout.chart(figures.clickable_heatmap(
        grid, "month", "station_label", "activities", "活动站每月活动次数（各类活动）", "月份", "活动站",
        f"{METRICS['station_activities'].definition}，按活动日期计入当月；点击格子查看明细",
        "活动次数（次）", text="activities_text", levels=figures.PER_MONTH,
    ), key="stations_grid", select="customdata")
    cell_names = dict(zip(grid["cell"], grid["cell_name"], strict=True))
    counts = dict(zip(grid["cell"], grid["activities"], strict=True))
    clicked = [grid.at[int(i), "cell"] for i in clicked_rows if int(i) in grid.index]
    cells = layout.drilldown("按活动站和月份筛选明细", [c for c in cell_names if counts[c]], clicked,
                             key="stations_cells", format_func=lambda c: f"{cell_names[c]}（{counts[c]}次）")
rows = fetch(stations.station_activities, scope, period, station, tuple(cells))
st.markdown(f"**活动明细**（{len(rows)}条）")
layout.table(rows, STATIONS_LABELS["activities"], key="stations_rows", title="活动站活动明细")

st.subheader("接待选民日")
if by_township:
    layout.chart(figures.heatmap(
        towns, "month", "township_name", "reception_share", "各乡镇每月开展接待日的站（“缺N站”为当月未开展的站数）",
        "月份", "乡镇", f"{METRICS['reception_days'].definition}；只评定已结束的整月，设站前的月份不评定",
        "开展接待日的站所占比例", text="reception_text", share=True,
    ), key="stations_township_reception")
else:
    layout.chart(figures.heatmap(
        grid, "month", "station_label", "reception_days", "活动站每月接待日（“缺”为当月未开展）", "月份", "活动站",
        f"{METRICS['reception_days'].definition}；已结束的整月无接待日标“缺”，设站前的月份不评定",
        "接待日（次）", text="reception_text", levels=figures.PER_MONTH,
    ), key="stations_reception")

st.subheader("季度活动达标")
quarters = fetch(stations.station_quarters, scope, period, station, as_of)
note = f"每站每季度应开展2至3次各类活动，满{stations.QUARTER_TARGET}次为达标；只评定已结束的完整季度"
if quarters.empty:
    layout.empty_note("已结束的完整季度")
elif by_township:
    town_quarters = fetch(stations.township_quarters, scope, period, as_of)
    layout.chart(figures.heatmap(
        town_quarters, "quarter_label", "township_name", "passed_share", "各乡镇活动站季度达标情况", "季度", "乡镇",
        note + "；格中为达标站数/评定站数", "达标站所占比例", text="cell_text", share=True,
    ), key="stations_township_quarters")
    layout.table(town_quarters, TOWNSHIP_QUARTERS, key="stations_township_quarter_rows", title="各乡镇活动站季度达标")
else:
    layout.chart(figures.heatmap(
        quarters, "quarter_label", "station_label", "activities", "每站每季度活动达标情况", "季度", "活动站",
        note, "活动次数（次）", text="cell_text", levels=figures.PER_QUARTER,
    ), key="stations_quarters")
    layout.table(quarters, STATIONS_LABELS["quarters"], key="stations_quarter_rows", title="活动站季度达标")

st.subheader("驻站代表联系选民")
voters = fetch(stations.township_voters if by_township else stations.station_voters, scope, period, *(
    () if by_township else (station,)), as_of)
label = "township_name" if by_township else "station_label"
overall = voters["overall_per_deputy"].iloc[0] if len(voters) else None
layout.chart(figures.bars(
    voters, label, "voters_per_deputy", f"每名驻站代表联系选民人次（{'按乡镇' if by_township else '按活动站'}）",
    "乡镇" if by_township else "活动站", "人次（人次/人）",
    "活动记录中接待选民人数之和 ÷ 代表名册中驻站的代表人数；无驻站代表的站不计算",
    horizontal=True, text_format="%{x:.1f}",
    reference=("各站合计", float(overall)) if overall is not None and pd.notna(overall) else None,
), key="stations_voters")
layout.table(voters, TOWNSHIP_VOTERS if by_township else STATIONS_LABELS["voters"], key="stations_voter_rows",
             title="驻站代表联系选民")

st.subheader("本届各站活动")
try:
    term = fetch(summary_queries.term_period, scope, as_of)
except summary_queries.NoTermStart as problem:
    st.info(str(problem))
    st.stop()
tally = None if by_township else fetch(stations.station_tally, scope, term)
if tally is None:
    st.caption("在上方“查看乡镇”中选一个乡镇，可看其各活动站本届以来的活动次数。")
elif tally.empty:
    layout.empty_note("活动站名册")
else:
    layout.chart(figures.bars(
        tally, "station_label", "activities",
        f"本届以来各活动站开展活动次数（{term.start:%Y年%-m月}至{term.end:%Y年%-m月%-d日}）", "活动站",
        "活动次数（次）", f"{METRICS['station_activities_min'].definition}（统计期取本届）；虚线为最少一站的次数",
        horizontal=True, text_format="%{x}", reference=("最少一站", float(tally["fewest"].iloc[0])),
    ), key="stations_term_tally")
