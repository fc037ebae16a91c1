"""queries/suggestions.py against figures counted by hand from tests/conftest.py SUGGESTIONS.

The register, as the frames see it (received -> resolved, township, category, handler):
  G01 04-10 -> 05-10 QH01 交通出行 镇交通办      已办结 A 满意      (30 days) deputy D01 张三丰
  G02 04-10 -> 06-09 QH01 环境卫生 镇环卫所      已办结 B 基本满意  (60 days)
  G03 05-10 -> 05-20 QH01 农业农村 镇农业服务中心 已办结 A 不满意    (10 days) deputy D02 李四
  G04 05-15          QH01 社会保障 镇民政办      办理中
  G05 06-01          QH02 教育医疗 镇教办        已转办                       deputy D05 钱七
  G06 01-05 -> 04-20 QH01 城乡建设 镇村建办      已办结 C           (106 days)
  G07 02-10          QH02 经济发展 镇经发办      办理中                       deputy D06 孙八
  G08 03-25          QH01 其他     (none)        已收集
  G09 04-05          QH01 交通出行 镇交通办      已转办
  G10 06-20 -> 07-05 QH02 环境卫生 镇水利站      已办结 A 满意
  G11 2023-12-01 -> 01-10 QH01 其他 (none)       已办结 D 满意      (40 days)
  G12 04-01          QH03 其他     (none)        办理中
(all 2024 unless a year is given; register rows 2..13 in the file 建议意见登记.csv, G01 = row 2)
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from etl.cli import load_paths
from queries import metrics as m
from queries import suggestions as sq
from tests.conftest import SUGGESTIONS, write_csv

Q1 = m.Period(dt.date(2024, 1, 1), dt.date(2024, 3, 31))
Q2 = m.Period(dt.date(2024, 4, 1), dt.date(2024, 6, 30))
H1 = m.Period(dt.date(2024, 1, 1), dt.date(2024, 6, 30))
Y2024 = m.Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
MID = m.Period(dt.date(2024, 4, 15), dt.date(2024, 5, 15))  # starts and ends mid-month
EMPTY = m.Period(dt.date(2010, 1, 1), dt.date(2010, 3, 31))
ALL = m.Scope(("QH01", "QH02", "QH03"))
QH01 = m.Scope(("QH01",))
QH02 = m.Scope(("QH02",))
SCOPES = [ALL, QH01, QH02, m.Scope(("QH03",))]
PERIODS = [Q1, Q2, H1, Y2024, MID, EMPTY]
GRID = [(scope, period) for scope in SCOPES for period in PERIODS]
GRID_IDS = [f"{'+'.join(s.township_codes)}-{p.start}-{p.end}" for s, p in GRID]


def records(frame, *columns):
    return [tuple(row) for row in frame[list(columns)].itertuples(index=False)]


# --- monthly flow -------------------------------------------------------------

def test_monthly_flow_all_townships_q2(con):
    flow = sq.monthly_flow(con, ALL, Q2)
    assert [d.date() for d in flow["month"]] == [dt.date(2024, 4, 1), dt.date(2024, 5, 1), dt.date(2024, 6, 1)]
    # April: collected G01 G02 G09 G12; resolved G06 (4-20);
    #   backlog at 4-30 = received by then and not resolved by then: G01 G02 G07 G08 G09 G12.
    # May: collected G03 G04; resolved G01 (5-10) G03 (5-20); backlog at 5-31: G02 G04 G07 G08 G09 G12.
    # June: collected G05 G10; resolved G02 (6-09); backlog at 6-30: G04 G05 G07 G08 G09 G10 (7-05) G12.
    assert records(flow, "suggestions_collected", "suggestions_resolved", "open_backlog") == [
        (4, 1, 6), (2, 2, 6), (2, 1, 7),
    ]


def test_monthly_flow_one_township(con):
    # QH01 April: collected G01 G02 G09; resolved G06; backlog G01 G02 G08 G09.
    # May: collected G03 G04; resolved G01 G03; backlog G02 G04 G08 G09.
    # June: nothing collected; resolved G02; backlog G04 G08 G09.
    flow = sq.monthly_flow(con, QH01, Q2)
    assert records(flow, "suggestions_collected", "suggestions_resolved", "open_backlog") == [
        (3, 1, 4), (2, 2, 4), (0, 1, 3),
    ]


def test_monthly_flow_partial_months_stop_at_the_period(con):
    # 4-15 .. 4-30: nothing collected (G01 G02 4-10, G09 4-05, G12 4-01 are before); resolved G06 (4-20);
    #   backlog at 4-30 as above: 6.
    # 5-01 .. 5-15: collected G03 (5-10) G04 (5-15); resolved G01 (5-10), not G03 (5-20);
    #   backlog at 5-15 (the period end, not 5-31): G02 G03 G04 G07 G08 G09 G12 = 7.
    flow = sq.monthly_flow(con, ALL, MID)
    assert records(flow, "suggestions_collected", "suggestions_resolved", "open_backlog") == [(0, 1, 6), (2, 1, 7)]


def test_backlog_drops_a_suggestion_resolved_on_the_month_end(con):
    # 5-01 .. 5-20: collected G03 G04; resolved G01 (5-10) and G03 (5-20, the last day).
    # Backlog at 5-20: G02 G04 G07 G08 G09 G12 = 6; G03, resolved that very day, is no longer open.
    flow = sq.monthly_flow(con, ALL, m.Period(dt.date(2024, 5, 1), dt.date(2024, 5, 20)))
    assert records(flow, "suggestions_collected", "suggestions_resolved", "open_backlog") == [(2, 2, 6)]


@pytest.mark.parametrize(("scope", "period"), GRID, ids=GRID_IDS)
def test_monthly_flow_adds_up_to_the_metrics(con, scope, period):
    flow = sq.monthly_flow(con, scope, period)
    assert flow["suggestions_collected"].sum() == m.suggestions_collected(con, scope, period)
    assert flow["suggestions_resolved"].sum() == m.suggestions_resolved(con, scope, period)


# --- resolution rate per category / handler -----------------------------------

def test_resolution_by_category_q2(con):
    # Collected in Q2: 交通出行 G01 (已办结) G09; 环境卫生 G02 G10 (both 已办结 now); 农业农村 G03 (已办结);
    # 社会保障 G04; 教育医疗 G05; 其他 G12. Lowest rate first, then more collected first, then by name.
    frame = sq.resolution_by_category(con, ALL, Q2)
    assert records(frame, "label", "collected", "resolved_now", "resolution_percent") == [
        ("其他", 1, 0, 0.0), ("教育医疗", 1, 0, 0.0), ("社会保障", 1, 0, 0.0),
        ("交通出行", 2, 1, 50.0), ("环境卫生", 2, 2, 100.0), ("农业农村", 1, 1, 100.0),
    ]


def test_resolution_by_handler_q2(con):
    # 镇交通办 G01 (已办结) G09; 镇环卫所 G02; 镇农业服务中心 G03; 镇民政办 G04; 镇教办 G05; 镇水利站 G10;
    # G12 has no handler -> 未填写. Several townships: each unit is its township's own.
    frame = sq.resolution_by_handler(con, ALL, Q2)
    assert records(frame, "label", "collected", "resolved_now", "resolution_percent") == [
        ("未填写（柳林乡）", 1, 0, 0.0), ("镇教办（石桥镇）", 1, 0, 0.0), ("镇民政办（青河镇）", 1, 0, 0.0),
        ("镇交通办（青河镇）", 2, 1, 50.0), ("镇农业服务中心（青河镇）", 1, 1, 100.0),
        ("镇水利站（石桥镇）", 1, 1, 100.0), ("镇环卫所（青河镇）", 1, 1, 100.0),
    ]
    one = sq.resolution_by_handler(con, QH01, Q2)  # one township: plain names
    assert records(one, "label", "collected") == [
        ("镇民政办", 1), ("镇交通办", 2), ("镇农业服务中心", 1), ("镇环卫所", 1)]


def test_a_unit_of_two_townships_is_two_units(con):
    """The same unit name in two townships is two bars, each with its own rate: in 2024 QH01 (G08,
    G11) and QH03 (G12) both have suggestions without a handler, which used to share one bar."""
    frame = sq.resolution_by_handler(con, ALL, m.Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31)))
    by_label = dict(zip(frame["label"], frame["collected"], strict=True))
    assert by_label["未填写（青河镇）"] == 1 and by_label["未填写（柳林乡）"] == 1  # G08 (G11 is 2023); G12
    assert len(by_label) == len(frame)


def test_resolution_by_category_one_township(con):
    # QH01 Q2: 交通出行 G01 G09 (1 of 2); 环境卫生 G02; 农业农村 G03; 社会保障 G04 (open).
    frame = sq.resolution_by_category(con, QH01, Q2)
    assert records(frame, "label", "collected", "resolved_now") == [
        ("社会保障", 1, 0), ("交通出行", 2, 1), ("农业农村", 1, 1), ("环境卫生", 1, 1),
    ]


@pytest.mark.parametrize("grouped", [sq.resolution_by_category, sq.resolution_by_handler])
@pytest.mark.parametrize(("scope", "period"), GRID, ids=GRID_IDS)
def test_group_rates_use_the_metric_definition(con, grouped, scope, period):
    frame = grouped(con, scope, period)
    assert frame["collected"].sum() == m.suggestions_collected(con, scope, period)
    rate = m.resolution_rate(con, scope, period)
    if rate is None:
        assert frame.empty
    else:
        assert frame["resolved_now"].sum() / frame["collected"].sum() == pytest.approx(rate)
        assert (frame["resolution_percent"] == (100 * frame["resolved_now"] / frame["collected"]).round(1)).all()


# --- days to resolve --------------------------------------------------------------

def test_days_to_resolve_distribution_q2(con):
    # Resolved in Q2: G03 10 days, G01 30, G02 60, G06 106 (G10 is resolved 7-05).
    frame = sq.days_to_resolve_distribution(con, ALL, Q2)
    assert records(frame, "days_bin", "suggestions") == [
        ("0–15天", 1), ("16–30天", 1), ("31–60天", 1), ("61–90天", 0), ("超过90天", 1),
    ]


def test_days_to_resolve_distribution_h1(con):
    # H1 adds G11 (2023-12-01 -> 2024-01-10: 40 days) to the 31–60 bin.
    frame = sq.days_to_resolve_distribution(con, ALL, H1)
    assert frame["suggestions"].tolist() == [1, 1, 2, 0, 1]


@pytest.mark.parametrize(("scope", "period"), GRID, ids=GRID_IDS)
def test_days_bins_cover_every_resolved_suggestion(con, scope, period):
    frame = sq.days_to_resolve_distribution(con, scope, period)
    assert len(frame) == 5
    assert frame["suggestions"].sum() == m.suggestions_resolved(con, scope, period)


# --- outcome and satisfaction ----------------------------------------------------

def test_outcome_split_q2(con):
    # G01 A, G02 B (written in words), G03 A, G06 C.
    frame = sq.outcome_split(con, ALL, Q2)
    assert records(frame, "label", "suggestions") == [
        ("A 已解决或基本解决", 2), ("B 正在解决或列入计划解决", 1), ("C 因条件限制暂不能解决", 1), ("D 留作参考", 0),
    ]


def test_satisfaction_split_q2(con):
    # Resolved in Q2 with an answer: G01 满意, G02 基本满意, G03 不满意 (G06 has none).
    frame = sq.satisfaction_split(con, ALL, Q2)
    assert records(frame, "satisfaction", "suggestions") == [("满意", 1), ("基本满意", 1), ("不满意", 1)]


def test_satisfaction_split_2024(con):
    # Resolved in 2024 with an answer: G11 满意 (1-10), G01 满意, G02 基本满意, G03 不满意, G10 满意 (7-05).
    frame = sq.satisfaction_split(con, ALL, Y2024)
    assert frame["suggestions"].tolist() == [3, 1, 1]


@pytest.mark.parametrize(("scope", "period"), GRID, ids=GRID_IDS)
def test_satisfaction_split_is_the_satisfaction_rate_base(con, scope, period):
    counts = dict(records(sq.satisfaction_split(con, scope, period), "satisfaction", "suggestions"))
    rate = m.satisfaction_rate(con, scope, period)
    answered = sum(counts.values())
    if answered:
        assert (counts["满意"] + counts["基本满意"]) / answered == pytest.approx(rate)
    else:
        assert rate is None


# --- overdue and due-soon lists ----------------------------------------------------

LIST_COLUMNS = [
    "suggestion_id", "received_on", "township", "category", "summary", "handler", "deputy_names", "status",
    "days_open", "due_on", "source_file", "source_row",
]


def test_overdue_list_q2(con):
    # Open at 6-30 and received more than 90 days before: G07 (141 days), G08 (97); G12 is exactly 90.
    frame = sq.overdue_list(con, ALL, Q2)
    assert frame.columns.tolist() == LIST_COLUMNS
    assert records(frame, *LIST_COLUMNS) == [
        ("G07", "2024-02-10", "石桥镇", "经济发展", "建设产业园", "镇经发办", "孙八", "办理中", 141, "2024-05-10",
         "建议意见登记.csv", 8),
        ("G08", "2024-03-25", "青河镇", "其他", "窗口服务态度差", "未填写", "", "已收集", 97, "2024-06-23",
         "建议意见登记.csv", 9),
    ]


def test_due_soon_list_q2(con):
    # Open, limit ends in (6-30, 7-15]: G09 (4-05 + 90 = 7-04), 86 days open at 6-30.
    frame = sq.due_soon_list(con, ALL, Q2)
    assert records(frame, *LIST_COLUMNS) == [
        ("G09", "2024-04-05", "青河镇", "交通出行", "增设路灯", "镇交通办", "", "已转办", 86, "2024-07-04",
         "建议意见登记.csv", 10),
    ]


def test_lists_follow_the_settings(con):
    # A 100-day limit leaves only G07 overdue; a 60-day warning window reaches G09 (7-04) and G04 (8-13).
    assert sq.overdue_list(con, ALL, Q2, m.Settings(time_limit_days=100))["suggestion_id"].tolist() == ["G07"]
    due = sq.due_soon_list(con, ALL, Q2, m.Settings(due_soon_days=60))
    assert due["suggestion_id"].tolist() == ["G09", "G04"]  # soonest due first


SETTINGS = [m.Settings(), m.Settings(time_limit_days=100), m.Settings(time_limit_days=30, due_soon_days=60)]


@pytest.mark.parametrize("settings", SETTINGS, ids=["default", "limit100", "limit30-window60"])
@pytest.mark.parametrize(("scope", "period"), GRID, ids=GRID_IDS)
def test_list_lengths_equal_the_metrics(con, scope, period, settings):
    assert len(sq.overdue_list(con, scope, period, settings)) == m.overdue(con, scope, period, settings)
    assert len(sq.due_soon_list(con, scope, period, settings)) == m.due_soon(con, scope, period, settings)


# --- the drill-down rows --------------------------------------------------------------

def test_collected_rows_q2(con):
    # Collected in Q2, by receipt date: G12 4-01, G09 4-05, G01 G02 4-10, G03, G04, G05, G10.
    frame = sq.collected_rows(con, ALL, Q2)
    assert frame["suggestion_id"].tolist() == ["G12", "G09", "G01", "G02", "G03", "G04", "G05", "G10"]
    g01 = frame[frame["suggestion_id"] == "G01"].iloc[0]
    assert (g01["deputy_names"], g01["resolved_on"], g01["outcome"], g01["satisfaction"], g01["source_row"]) == (
        "张三丰", "2024-05-10", "A", "满意", 2)
    assert frame[frame["suggestion_id"] == "G05"].iloc[0]["deputy_names"] == "钱七"


@pytest.mark.parametrize(("categories", "handlers", "expected"), [
    (("交通出行",), (), ["G09", "G01"]),
    (("交通出行", "社会保障"), (), ["G09", "G01", "G04"]),
    ((), ("未填写（柳林乡）",), ["G12"]),  # the handler-less row behind the 未填写 bar
    (("交通出行",), ("镇交通办（青河镇）",), ["G09", "G01"]),
    (("环境卫生",), ("镇水利站（石桥镇）",), ["G10"]),  # G02 is 环境卫生 but 镇环卫所
    (("城乡建设",), (), []),  # G06 was collected in Q1
])
def test_collected_rows_narrowed_by_clicked_groups(con, categories, handlers, expected):
    assert sq.collected_rows(con, ALL, Q2, categories, handlers)["suggestion_id"].tolist() == expected


@pytest.mark.parametrize(("scope", "period"), GRID, ids=GRID_IDS)
def test_collected_rows_are_the_resolution_rate_base(con, scope, period):
    assert len(sq.collected_rows(con, scope, period)) == m.suggestions_collected(con, scope, period)


def test_deputy_names_are_joined(county_db, tmp_path):
    # A later export adds G13 raised by D03 王五 and D01 张三丰, and an overdue G14 by D04 赵六.
    extra = [
        SUGGESTIONS[0],
        ["G13", "2024-06-10", "QH01", "", "代表建议", "D03、D01", "其他", "联名建议", "镇政府",
         "", "", "已转办", "", "", ""],
        ["G14", "2024-01-02", "QH01", "", "代表建议", "D04", "其他", "老问题", "镇政府",
         "", "", "办理中", "", "", ""],
    ]
    folder = tmp_path / "later"
    folder.mkdir()
    results = load_paths([write_csv(folder / "建议意见登记_补充.csv", extra, "utf-8")], county_db)
    assert [(r.rows_accepted, r.rows_rejected) for r in results] == [(2, 0)]
    connection = duckdb.connect(str(county_db), read_only=True)
    try:
        rows = sq.collected_rows(connection, QH01, Q2)
        g13 = rows[rows["suggestion_id"] == "G13"].iloc[0]
        assert g13["deputy_names"] == "张三丰、王五"  # by deputy id: D01, D03
        assert (g13["source_file"], g13["source_row"]) == ("建议意见登记_补充.csv", 2)
        overdue = sq.overdue_list(connection, QH01, Q2)
        assert overdue["suggestion_id"].tolist() == ["G14", "G08"]  # 180 days, then 97
        assert overdue["deputy_names"].tolist() == ["赵六", ""]
        assert len(overdue) == m.overdue(connection, QH01, Q2)
    finally:
        connection.close()


# --- an empty period -------------------------------------------------------------------

def test_empty_period(con):
    flow = sq.monthly_flow(con, ALL, EMPTY)
    assert records(flow, "suggestions_collected", "suggestions_resolved", "open_backlog") == [(0, 0, 0)] * 3
    assert sq.resolution_by_category(con, ALL, EMPTY).empty
    assert sq.resolution_by_handler(con, ALL, EMPTY).empty
    assert sq.days_to_resolve_distribution(con, ALL, EMPTY)["suggestions"].tolist() == [0] * 5
    assert sq.outcome_split(con, ALL, EMPTY)["suggestions"].tolist() == [0] * 4
    assert sq.satisfaction_split(con, ALL, EMPTY)["suggestions"].tolist() == [0] * 3
    assert sq.overdue_list(con, ALL, EMPTY).empty
    assert sq.due_soon_list(con, ALL, EMPTY).empty
    assert sq.collected_rows(con, ALL, EMPTY).empty
