"""代表履职: each deputy's record in the period, who has gone quiet, and one deputy's calendar."""

import streamlit as st

from charts import figures
from queries import deputies
from queries.labels import DEPUTY_COLUMNS, METRICS
from ui import layout
from ui.database import fetch
from ui.escape import md
from ui.filters import sidebar_filters
from ui.url_params import choice

RECORD_COLUMNS = [
    "deputy_id", "name", "level", "township_name", "station_name", "group_name", "team_name", "phone",
    "activities", "visits", "suggestions", "reports_to_voters", "last_active_on", "source_file", "source_row",
]
INACTIVE_COLUMNS = [
    "deputy_id", "name", "level", "township_name", "station_name", "group_name", "phone", "last_active_on",
    "source_file", "source_row",
]
DEED_COLUMNS = ["date", "kind", "title", "township_name", "source_file", "source_row"]
MOST_STATIONS = 200
RECORD_SORTS = {"township": "乡镇", "level": "代表层级", "activities": "参加活动（次）", "visits": "走访（次）",
                "suggestions": "提出建议（条）", "reports_to_voters": "述职（次）"}


def headers(columns: list[str]) -> dict[str, str]:
    return {column: DEPUTY_COLUMNS[column] for column in columns}


wanted_deputy = st.query_params.get("deputy")  # read before the filters rewrite the URL
selection = sidebar_filters()
if selection is None:
    st.title("代表履职")
    layout.no_data()
    st.stop()

layout.page_header("代表履职", selection)
scope, period = selection.scope, selection.period

# --- the roster's composition and the presidium's work (figures of the 工作总结) ---
st.subheader("代表构成与代表工作")
layout.compared_tiles(deputies.work_figures_over, list(deputies.WORK_FIGURE_KEYS), selection, per_row=7)
COMPOSITION_KEYS = {"性别": "deputies_by_gender", "年龄": "deputies_by_age_band", "学历": "deputies_by_education",
                    "职业": "deputies_by_occupation"}
levels = fetch(deputies.level_split, scope, period)
if levels.empty:
    layout.empty_note("代表名册")
else:
    first_row, second_row = st.columns([2, 1, 1]), st.columns(2)
    with first_row[0]:
        reporting = fetch(deputies.reporting_split, scope, period)
        shown = levels.merge(reporting, on="label", how="left", suffixes=("", "_reporting")).fillna(0)
        layout.chart(figures.grouped_bars(
            shown.astype({"deputies_reporting": int}), "label",
            {"deputies": "名册代表", "deputies_reporting": "本期述职代表"}, "五级代表构成与述职代表",
            "代表层级", "人数（名）",
            f"{METRICS['deputies_by_level'].definition}；{METRICS['reporting_deputies_by_level'].definition}",
            text_format="%{y}",
        ), key="deputies_levels_chart")
    for column, (dimension, key) in zip([*first_row[1:], *second_row], COMPOSITION_KEYS.items(), strict=True):
        with column:
            layout.chart(figures.bars(
                fetch(deputies.composition, scope, period, dimension), "label", "deputies",
                f"代表{dimension}构成", dimension, "人数（名）", METRICS[key].definition, text_format="%{y}",
            ), key=f"deputies_{key}_chart")

options = fetch(deputies.filter_options, scope)
level_column, group_column, station_column = st.columns(3)
levels = tuple(level_column.multiselect("代表层级", options["levels"], key="deputies_levels", placeholder="全部"))
groups = tuple(group_column.multiselect("代表小组", options["groups"], key="deputies_groups", placeholder="全部"))
if len(options["stations"]) > MOST_STATIONS:  # a province's 16,000 stations are no list to pick from
    station_column.caption("按活动站筛选：请先在左侧选定一个县或乡镇。")
    stations: tuple[str, ...] = ()
else:
    stations = tuple(station_column.multiselect("活动站", options["stations"], key="deputies_stations",
                                                placeholder="全部"))

st.subheader("代表履职情况")
st.caption("参加活动、走访、提出建议、述职为统计期内次数；最近履职日期为截至统计期末最后一次参加活动或走访的日期。")
layout.paged_table(deputies.deputy_records, (scope, period, levels, groups, stations), headers(RECORD_COLUMNS),
                   key="deputies_records", title="代表履职情况", pinned="name", noun="人", empty="代表名册",
                   sorts=RECORD_SORTS)

st.subheader(f"{deputies.INACTIVE_MONTHS}个月以上未履职的代表")
st.caption(f"统计期末（{period.end:%Y-%m-%d}）前{deputies.INACTIVE_MONTHS}个月内没有参加任何活动或走访的代表，"
           "最久未履职的在前。")
layout.paged_table(deputies.inactive_deputies, (scope, period, levels, groups, stations), headers(INACTIVE_COLUMNS),
                   key="deputies_inactive", title="未履职代表", noun="人",
                   empty=f"{deputies.INACTIVE_MONTHS}个月以上未履职的代表",
                   sorts={"last_active_on": "最近履职日期", "township": "乡镇", "level": "代表层级"})

# --- one deputy ---
st.subheader("代表个人履职")
# A linked deputy opens in their own township; one not in scope is named in the note below.
one = layout.pick_township(scope, "deputies_pick",
                           fetch(deputies.deputy_township, scope, wanted_deputy) if wanted_deputy else None)
roster = fetch(deputies.deputy_roster, one)
if not roster:
    layout.empty_note("代表名册")
    st.stop()
names = dict(roster)
ids = list(names)
wanted_deputy, notes = choice(wanted_deputy, ids, "代表", "名册中的第一位代表")
for note in notes:
    st.warning(note, icon=":material/link_off:")
deputy_id = st.selectbox("选择代表", ids, index=ids.index(wanted_deputy) if wanted_deputy else 0,
                         format_func=lambda d: f"{names[d]}（{d}）", key="deputies_pick")
st.query_params["deputy"] = deputy_id
name = names[deputy_id]

calendar = fetch(deputies.deputy_calendar, scope, deputy_id, period)
clicked_kinds = []
if calendar.empty:
    layout.empty_note(f"{md(name)}参加活动或走访的")
else:
    left, right = st.columns(2)
    with left:
        clicked_kinds = layout.chart(figures.heatmap(
            calendar, "month", "kind", "activities", f"{name}的活动日历", "月份", "活动类型",
            f"{name}参加的活动按活动日期计入当月；{deputies.VISIT_KIND}为其参加走访的次数；点击格子筛选下方明细",
            z_title="次数（次）", text="cell_text",
        ), key="deputies_calendar", select="y")
    mix = fetch(deputies.kind_mix, scope, deputy_id, period)
    with right:
        if mix.empty:
            layout.empty_note(f"{md(name)}参加活动的")
        else:
            peers = int(mix.peers.iloc[0])
            series = {"deputy_count": name}
            if peers:
                series["peer_average"] = f"同乡镇同层级代表平均（{peers}人）"
            layout.chart(figures.grouped_bars(
                mix, "kind", series, "活动类型构成与同类代表对比", "活动类型", "次数（次）",
                "统计期内参加各类活动的次数；同类代表为同一乡镇、同一代表层级的其他代表，平均数含未参加者",
            ), key="deputies_mix")
            if not peers:
                st.caption("同一乡镇、同一代表层级没有其他代表，无法对比。")

kinds = layout.drilldown("按活动类型筛选", list(dict.fromkeys(calendar.kind)), clicked_kinds,
                         key="deputies_kind_pick")
st.markdown(f"**{md(name)}统计期内的活动和走访明细**")
layout.paged_table(deputies.deputy_deeds, (scope, deputy_id, period, tuple(kinds)), headers(DEED_COLUMNS),
                   key="deputies_deeds", title=f"{name}履职明细", empty=f"{md(name)}参加活动或走访的",
                   sorts={"date": "日期", "kind": "活动类型"})
