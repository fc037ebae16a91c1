"""代表行动: how far the visits to 脱贫户 have reached in a campaign, who took part, and who is
still missing. Coverage counts a campaign's visits (or the year to date), never one quarter's."""

import streamlit as st

from charts import figures
from queries import campaign, frames, metrics
from queries.labels import CAMPAIGN_COLUMNS, METRICS
from queries.metrics import Scope
from ui import format as fmt
from ui import layout, presentation
from ui.database import fetch
from ui.filters import sidebar_filters, today

TILES = ["problems_found", "problems_solved", "households_consoled", "enterprises_visited",
         "campaign_suggestions", "campaign_motions"]
ALL_TOWNSHIPS = "全部乡镇（按乡镇汇总）"
SHOWN_ROWS = {False: 25, True: 12}  # bars before the rest fold into 其余 (normal, presentation)


def headers(*columns: str) -> dict[str, str]:
    return {column: CAMPAIGN_COLUMNS[column] for column in columns}


def share_bars(frame, label: str, percent: str, parts: tuple[str, str], unit: str, noun: str, title: str,
               axis: str, note: str, overall: float | None) -> list:
    """Lowest first, counts beside each bar, the scope's figure as a line; long lists fold into 其余."""
    shown, folded = frames.top_with_rest(frame, SHOWN_ROWS[presentation.presenting()], label, percent, parts,
                                         noun=noun)
    if folded:
        note += f"；列出最低的{len(shown) - 1}个，其余{folded}{noun}合并显示（完整名单见下表）"
    clicked = layout.chart(figures.percent_bars(
        shown, label, percent, *parts, unit, title, axis, note,
        reference=("合计", overall),
    ), key=f"campaign_{title}", select="y")
    return [c for c in clicked if not str(c).startswith("其余")]


selection = sidebar_filters()
if selection is None:
    st.title("代表行动")
    layout.no_data()
    st.stop()

layout.page_header("代表行动", selection)
scope, period = selection.scope, selection.period
county_wide = len(scope.township_codes) > 1
windows = fetch(metrics.coverage_windows, scope, period, today())
if len(windows) > 1:
    names = {fmt.window(w): w for w in windows}
    window = names[st.selectbox("专项行动", list(names), index=len(names) - 1, key="campaign_window")]
else:
    window = windows[0]
layout.coverage_caption(window)
now = fetch(metrics.window_coverage, scope, window)

if now["households_total"] + now["deputies_total"] == 0:
    layout.empty_note("脱贫户名册或代表名册")
else:
    layout.chart(figures.progress(
        [("脱贫户走访覆盖率", now["campaign_household_coverage"],
          f"{now['campaign_households_visited']}/{now['households_total']}户"),
         ("代表参与率", now["campaign_deputy_participation"],
          f"{now['campaign_deputies_visiting']}/{now['deputies_total']}人")],
        f"走访覆盖与代表参与进度：{fmt.window(window)}",
        f"{METRICS['campaign_household_coverage'].definition}；{METRICS['campaign_deputy_participation'].definition}",
        judged=window.finished,
    ), key="campaign_progress")
st.markdown("**统计期内的走访成效**")
layout.compared_tiles(campaign.campaign_figures, TILES, selection)

# County-wide: one row per township, and a township's own villages, groups and teams on request.
drill_scope, drilled = scope, None
if county_wide:
    roster = dict(fetch(campaign.township_names, scope))
    options = [ALL_TOWNSHIPS, *roster]
    picked = st.selectbox("查看乡镇", options, key="campaign_township",
                          format_func=lambda code: code if code == ALL_TOWNSHIPS else roster[code])
    if picked != ALL_TOWNSHIPS:
        drill_scope, drilled = Scope((picked,)), roster[picked]

# --- households: coverage over the window, by township or village, and who is still not visited ---
st.subheader("脱贫户走访覆盖")
picked_villages: tuple[str, ...] = ()
if now["campaign_households_visited"] == 0:
    layout.empty_note("脱贫户走访")
else:
    daily = fetch(campaign.cumulative_coverage, drill_scope, window)
    layout.chart(figures.daily_lines(
        daily, "day", {"household_coverage": "累计覆盖率"},
        f"{drilled or ''}脱贫户走访累计覆盖率（逐日）", "日期", "覆盖率（%）",
        f"截至当日，{fmt.window(window)}内至少走访一次的名册内脱贫户 ÷ 名册脱贫户总数", share=True,
    ), key="campaign_cumulative")
    if county_wide and drilled is None:
        towns = fetch(campaign.coverage_by_township, scope, window)
        share_bars(towns, "township_name", "coverage_percent", ("households_visited", "households_total"), "户",
                   "个乡镇", "各乡镇脱贫户走访覆盖率", "乡镇", "各乡镇已走访的名册脱贫户 ÷ 该乡镇名册脱贫户数；"
                   "在上方“查看乡镇”中选一个乡镇可看其各村", now["campaign_household_coverage"])
    else:
        villages = fetch(campaign.coverage_by_village, drill_scope, window)
        clicked = share_bars(villages, "village_label", "coverage_percent", ("households_visited", "households_total"),
                             "户", "个村", f"{drilled or ''}各村脱贫户走访覆盖率", "村",
                             "各村已走访的名册脱贫户 ÷ 该村名册脱贫户数；点击柱子筛选下方名单",
                             fetch(metrics.window_coverage, drill_scope, window)["campaign_household_coverage"])
        picked_villages = tuple(layout.drilldown("按村筛选", list(villages.village_label), clicked,
                                                 key="campaign_village_pick"))

not_visited = fetch(campaign.households_not_visited, drill_scope, window, picked_villages)
st.markdown(f"**{fmt.window(window)}内尚未走访的脱贫户（{len(not_visited)}户）**")
if not_visited.empty:
    layout.empty_note("未走访脱贫户")
else:
    layout.table(not_visited, headers("household_id", "head_name", "township_name", "village",
                                      "source_file", "source_row"), key="campaign_not_visited",
                 title="尚未走访的脱贫户")

visits = fetch(campaign.visit_rows, drill_scope, period, picked_villages)
st.markdown(f"**统计期内的走访记录（{len(visits)}条）**")
if visits.empty:
    layout.empty_note("走访")
else:
    layout.table(visits, headers("date", "township_name", "village", "target_kind", "household_id", "enterprise",
                                 "deputy_names", "problems_found", "problems_solved", "consoled",
                                 "source_file", "source_row"), key="campaign_visits", title="走访记录")

# --- deputies: participation by township, or a township's groups and teams, and who has not taken part ---
st.subheader("代表参与走访")
picked_groups: list = []
picked_teams: list = []
if now["campaign_deputies_visiting"] == 0:
    layout.empty_note("代表参加走访")
elif county_wide and drilled is None:
    towns = fetch(campaign.participation_by_township, scope, window)
    share_bars(towns, "unit_label", "participation_percent", ("deputies_visiting", "deputies_total"), "人", "个乡镇",
               "各乡镇代表参与率", "乡镇",
               "各乡镇参加走访的名册代表 ÷ 该乡镇名册代表数；选一个乡镇可看其代表小组和行动分队",
               now["campaign_deputy_participation"])
else:
    by_group = fetch(campaign.participation_by_group, drill_scope, window)
    by_team = fetch(campaign.participation_by_team, drill_scope, window)
    overall = fetch(metrics.window_coverage, drill_scope, window)["campaign_deputy_participation"]
    note = "参加走访的名册代表 ÷ 该{}名册代表数；点击柱子筛选下方名单"
    left, right = st.columns(2)
    with left:
        clicked_groups = share_bars(by_group, "unit_label", "participation_percent",
                                    ("deputies_visiting", "deputies_total"), "人", "个代表小组",
                                    f"{drilled or ''}各代表小组参与率", "代表小组", note.format("代表小组"), overall)
    with right:
        clicked_teams = share_bars(by_team, "unit_label", "participation_percent",
                                   ("deputies_visiting", "deputies_total"), "人", "个行动分队",
                                   f"{drilled or ''}各行动分队参与率", "行动分队", note.format("行动分队"), overall)
    picked_groups = layout.drilldown("按代表小组筛选", list(by_group.unit_label), clicked_groups,
                                     key="campaign_group_pick")
    picked_teams = layout.drilldown("按行动分队筛选", list(by_team.unit_label), clicked_teams,
                                    key="campaign_team_pick")

absent = fetch(campaign.deputies_not_visiting, drill_scope, window, tuple(picked_groups), tuple(picked_teams))
st.markdown(f"**{fmt.window(window)}内尚未参加走访的代表（{len(absent)}人）**")
if absent.empty:
    layout.empty_note("未参加走访的代表")
else:
    layout.table(absent, headers("deputy_id", "name", "level", "township_name", "group_name", "team_name", "phone",
                                 "source_file", "source_row"), key="campaign_absent", title="尚未参加走访的代表")
