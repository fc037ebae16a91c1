"""代表行动: how far the visits to 脱贫户 have reached, who took part, and who is still missing."""

import streamlit as st

from charts import figures
from queries import campaign
from queries.labels import CAMPAIGN_COLUMNS, METRICS
from ui import layout
from ui.database import fetch
from ui.filters import sidebar_filters

TILES = ["problems_found", "problems_solved", "households_consoled", "enterprises_visited",
         "campaign_suggestions", "campaign_motions"]


def headers(*columns: str) -> dict[str, str]:
    return {column: CAMPAIGN_COLUMNS[column] for column in columns}


def percent_bars(frame, label: str, value: str, title: str, axis: str, note: str, overall: tuple[str, float | None]):
    """Horizontal bars of a percentage per village/group, with the whole scope's figure as a line."""
    name, share = overall
    reference = (name, round(share * 100, 1)) if share is not None else None
    return figures.bars(frame, label, value, title, axis, "比例（%）", note, horizontal=True,
                        reference=reference, text_format="%{x:.1f}%")


selection = sidebar_filters()
if selection is None:
    st.title("代表行动")
    layout.no_data()
    st.stop()

layout.page_header("代表行动", selection)
scope, period = selection.scope, selection.period
now = fetch(campaign.campaign_figures, scope, period)

if now["households_total"] + now["deputies_total"] == 0:
    layout.empty_note("脱贫户名册或代表名册")
else:
    layout.chart(figures.progress(
        [("脱贫户走访覆盖率", now["household_coverage"], f"{now['households_visited']}/{now['households_total']}户"),
         ("代表参与率", now["deputy_participation"], f"{now['deputies_visiting']}/{now['deputies_total']}人")],
        "走访覆盖与代表参与进度",
        f"{METRICS['household_coverage'].definition}；{METRICS['deputy_participation'].definition}",
    ), key="campaign_progress")
layout.compared_tiles(campaign.campaign_figures, TILES, selection)

# --- households: coverage over time and by village, and who is still not visited ---
st.subheader("脱贫户走访覆盖")
villages = fetch(campaign.coverage_by_village, scope, period)
clicked_villages = []
if now["households_visited"] == 0:
    layout.empty_note("脱贫户走访")
else:
    daily = fetch(campaign.cumulative_coverage, scope, period)
    layout.chart(figures.daily_lines(
        daily, "day", {"household_coverage": "累计覆盖率"}, "脱贫户走访累计覆盖率（逐日）", "日期", "覆盖率（%）",
        "截至当日，统计期内至少走访一次的名册内脱贫户 ÷ 名册脱贫户总数", share=True,
    ), key="campaign_cumulative")
    clicked_villages = layout.chart(percent_bars(
        villages, "village_label", "coverage_percent", "各村脱贫户走访覆盖率", "村",
        "各村统计期内至少走访一次的名册内脱贫户 ÷ 该村名册脱贫户数；点击柱子筛选下方名单",
        ("全范围覆盖率（%）", now["household_coverage"]),
    ), key="campaign_villages", select="y")
picked_villages = tuple(layout.drilldown("按村筛选", list(villages.village_label), clicked_villages,
                                         key="campaign_village_pick"))

not_visited = fetch(campaign.households_not_visited, scope, period, picked_villages)
st.markdown(f"**统计期内尚未走访的脱贫户（{len(not_visited)}户）**")
if not_visited.empty:
    layout.empty_note("未走访脱贫户")
else:
    layout.table(not_visited, headers("household_id", "head_name", "township_name", "village",
                                      "source_file", "source_row"), key="campaign_not_visited")

visits = fetch(campaign.visit_rows, scope, period, picked_villages)
st.markdown(f"**走访记录（{len(visits)}条）**")
if visits.empty:
    layout.empty_note("走访")
else:
    layout.table(visits, headers("date", "township_name", "village", "target_kind", "household_id", "enterprise",
                                 "deputy_names", "problems_found", "problems_solved", "consoled",
                                 "source_file", "source_row"), key="campaign_visits")

# --- deputies: participation by group and team, and who has not taken part ---
st.subheader("代表参与走访")
by_group = fetch(campaign.participation_by_group, scope, period)
by_team = fetch(campaign.participation_by_team, scope, period)
clicked_groups, clicked_teams = [], []
if now["deputies_visiting"] == 0:
    layout.empty_note("代表参加走访")
else:
    left, right = st.columns(2)
    note = "统计期内至少参加一次走访的名册代表 ÷ 该{}名册代表数；点击柱子筛选下方名单"
    overall = ("全范围参与率（%）", now["deputy_participation"])
    with left:
        clicked_groups = layout.chart(percent_bars(
            by_group, "unit_label", "participation_percent", "各代表小组参与率", "代表小组",
            note.format("代表小组"), overall), key="campaign_groups", select="y")
    with right:
        clicked_teams = layout.chart(percent_bars(
            by_team, "unit_label", "participation_percent", "各行动分队参与率", "行动分队",
            note.format("行动分队"), overall), key="campaign_teams", select="y")
picked_groups = layout.drilldown("按代表小组筛选", list(by_group.unit_label), clicked_groups, key="campaign_group_pick")
picked_teams = layout.drilldown("按行动分队筛选", list(by_team.unit_label), clicked_teams, key="campaign_team_pick")

absent = fetch(campaign.deputies_not_visiting, scope, period, tuple(picked_groups), tuple(picked_teams))
st.markdown(f"**统计期内未参加走访的代表（{len(absent)}人）**")
if absent.empty:
    layout.empty_note("未参加走访的代表")
else:
    layout.table(absent, headers("deputy_id", "name", "level", "township_name", "group_name", "team_name", "phone",
                                 "source_file", "source_row"), key="campaign_absent")
