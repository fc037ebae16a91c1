"""The 代表履职 frames (queries/deputies.py) against the hand-counted county of conftest.py.

Who took part in what (conftest.ACTIVITIES, VISITS, SUGGESTIONS), 2024 Q2 = 04-01 … 06-30:
  activities in Q2  A01 04-10 接待选民 D01 D02 | A02 05-10 接待选民 D01 | A03 04-20 接待选民 D05 D06
                    A04 05-15 视察 D01 D02 D03 | A05 06-03 执法检查 D03 D04 | A06 06-18 视察 D05
                    A07 05-20 评议 D01 D02 | A08 06-20 评议 D05 | A09 06-25 评议 D03 | A10 04-25 调研 D04
                    A11 06-28 述职 D01 D02 D04 | A12 06-29 述职 D05 D06 | A15 05-12 学习培训 D08
  outside Q2        A13 03-31 视察 D01 | A14 07-01 接待选民 D01
  visits (走访记录 row)  r2 05-06 D01 | r3 05-06 D01 D02 | r4 05-20 D03 | r5 06-02 D02 | r6 06-10 D04
                    r7 06-11 D01 | r8 06-12 D05 | r9 06-15 D06 | r10 03-01 D03 | r11 07-02 D07
  suggestions       G01 04-10 D01 | G03 05-10 D02 | G05 06-01 D05 | G07 02-10 D06 (outside Q2)
Per deputy in Q2 (activities / visits / suggestions / 述职):
  D01 A01 A02 A04 A07 A11 = 5 / r2 r3 r7 = 3 / G01 = 1 / A11 = 1
  D02 A01 A04 A07 A11 = 4 / r3 r5 = 2 / G03 = 1 / A11 = 1
  D03 A04 A05 A09 = 3 / r4 = 1 / 0 / 0
  D04 A05 A10 A11 = 3 / r6 = 1 / 0 / A11 = 1
  D05 A03 A06 A08 A12 = 4 / r8 = 1 / G05 = 1 / A12 = 1
  D06 A03 A12 = 2 / r9 = 1 / 0 (G07 is 02-10) / A12 = 1
  D07 0 / 0 (r11 is 07-02) / 0 / 0
  D08 A15 = 1 / 0 / 0 / 0
Roster: QH01 D01 乡镇 D02 县 D03 乡镇 D04 市; QH02 D05 乡镇 D06 县 D07 乡镇; QH03 D08 乡镇.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from queries import deputies
from queries import metrics as m
from queries.paging import Page

Q1 = m.Period(dt.date(2024, 1, 1), dt.date(2024, 3, 31))
Q2 = m.Period(dt.date(2024, 4, 1), dt.date(2024, 6, 30))
H2 = m.Period(dt.date(2024, 7, 1), dt.date(2024, 12, 31))
EMPTY = m.Period(dt.date(2010, 1, 1), dt.date(2010, 3, 31))
ALL = m.Scope(("QH01", "QH02", "QH03"))
QH01 = m.Scope(("QH01",))


def rows(frame: pd.DataFrame, *columns: str) -> list[tuple]:
    return [tuple(row) for row in frame[list(columns)].itertuples(index=False)]


COUNTS = ("deputy_id", "activities", "visits", "suggestions", "reports_to_voters", "last_active_on", "inactive")


def test_filter_options_and_roster(con):
    assert deputies.filter_options(con, ALL) == {
        "levels": ["市", "县", "乡镇"],  # in the contract's order 全国/省/市/县/乡镇
        "groups": ["第1代表组", "第2代表组"],
        "stations": ["S01", "S02", "S03"],
    }
    assert deputies.filter_options(con, m.Scope(("QH03",))) == {"levels": ["乡镇"], "groups": [], "stations": []}
    assert deputies.deputy_roster(con, QH01) == [("D01", "张三丰"), ("D02", "李四"), ("D03", "王五"), ("D04", "赵六")]


def test_deputy_records_q2(con):
    records = deputies.deputy_records(con, ALL, Q2).rows
    # Last activity or visit up to 06-30 (A14 07-01 and r11 07-02 are after it).
    assert rows(records, *COUNTS) == [
        ("D01", 5, 3, 1, 1, "2024-06-28", False),  # A11
        ("D02", 4, 2, 1, 1, "2024-06-28", False),  # A11
        ("D03", 3, 1, 0, 0, "2024-06-25", False),  # A09
        ("D04", 3, 1, 0, 1, "2024-06-28", False),  # A11
        ("D05", 4, 1, 1, 1, "2024-06-29", False),  # A12
        ("D06", 2, 1, 0, 1, "2024-06-29", False),  # A12
        ("D07", 0, 0, 0, 0, "无记录", True),  # only r11 07-02, after the period
        ("D08", 1, 0, 0, 0, "2024-05-12", False),  # A15
    ]
    # The 述职 column and the metric agree where every deputy is on the roster.
    assert (records["reports_to_voters"] > 0).sum() == m.reporting_deputies(con, ALL, Q2) == 5


def test_a_page_of_deputies_from_several_townships_counts_each_in_full(con):
    """A page reads its deputies' links between its lowest and highest township (deputies._mine):
    pages of two sorted by level mix the townships, and each row is the whole list's row."""
    whole = deputies.deputy_records(con, ALL, Q2, page=Page(0, 50, "level")).rows.set_index("deputy_id")
    pages = [deputies.deputy_records(con, ALL, Q2, page=Page(n, 2, "level")).rows for n in range(4)]
    assert {tuple(sorted(set(page["township_name"]))) for page in pages} > {("青河镇",)}  # some span two
    for page in pages:
        assert page.set_index("deputy_id").equals(whole.loc[page["deputy_id"]])


def test_deputy_records_show_roster_details_masked(con):
    records = deputies.deputy_records(con, QH01, Q2).rows
    assert rows(records.head(1), "name", "level", "township_name", "station_name", "group_name", "team_name",
                "phone", "source_file", "source_row") == [
        ("张三丰", "乡镇", "青河镇", "青河镇代表活动站", "第1代表组", "一分队", "139****1234", "代表名册.csv", 2),
    ]
    assert list(records["phone"]) == ["139****1234", "138****1111", "", ""]  # D03 D04 have no phone
    assert "13912341234" not in records.to_string()


def test_deputy_records_filters(con):
    assert list(deputies.deputy_records(con, ALL, Q2, levels=("县",)).rows["deputy_id"]) == ["D02", "D06"]
    assert list(deputies.deputy_records(con, ALL, Q2, groups=("第1代表组",)).rows["deputy_id"]) == [
        "D01", "D02", "D05", "D06", "D07"]
    assert list(deputies.deputy_records(con, ALL, Q2, stations=("S02",)).rows["deputy_id"]) == ["D03", "D04"]
    assert list(deputies.deputy_records(con, ALL, Q2, ("乡镇",), ("第1代表组",), ("S03",)).rows["deputy_id"]) == [
        "D05", "D07"]
    assert deputies.deputy_records(con, QH01, Q2, stations=("S03",)).rows.empty


def test_deputy_records_second_half_counts_and_last_activity(con):
    records = deputies.deputy_records(con, ALL, H2).rows
    # H2: A14 07-01 (D01, 接待选民), r11 07-02 (D07); last activity looks back before the period.
    assert rows(records, "deputy_id", "activities", "visits", "last_active_on") == [
        ("D01", 1, 0, "2024-07-01"), ("D02", 0, 0, "2024-06-28"), ("D03", 0, 0, "2024-06-25"),
        ("D04", 0, 0, "2024-06-28"), ("D05", 0, 0, "2024-06-29"), ("D06", 0, 0, "2024-06-29"),
        ("D07", 0, 1, "2024-07-02"), ("D08", 0, 0, "2024-05-12"),
    ]


def test_deputy_records_empty_period(con):
    records = deputies.deputy_records(con, ALL, EMPTY).rows
    assert len(records) == 8  # the roster stays; nothing happened up to 2010-03-31
    assert records[["activities", "visits", "suggestions", "reports_to_voters"]].to_numpy().sum() == 0
    assert set(records["last_active_on"]) == {"无记录"} and records["inactive"].all()


def test_inactive_deputies(con):
    # Q2 ends 06-30; six months before is 2023-12-30: only D07 has nothing since.
    assert rows(deputies.inactive_deputies(con, ALL, Q2).rows, "deputy_id", "last_active_on") == [("D07", "无记录")]
    assert deputies.inactive_deputies(con, QH01, Q2).rows.empty
    # H2 ends 12-31, cut-off 06-30: D01 (A14 07-01) and D07 (r11 07-02) stay active;
    # the rest are listed, longest quiet first.
    assert rows(deputies.inactive_deputies(con, ALL, H2).rows, "deputy_id", "last_active_on") == [
        ("D08", "2024-05-12"), ("D03", "2024-06-25"), ("D02", "2024-06-28"), ("D04", "2024-06-28"),
        ("D05", "2024-06-29"), ("D06", "2024-06-29"),
    ]
    # Q1 ends 03-31: D01 (A13 03-31) and D03 (r10 03-01) were active; the rest never were.
    assert list(deputies.inactive_deputies(con, ALL, Q1).rows["deputy_id"]) == [
        "D02", "D04", "D05", "D06", "D07", "D08"]
    assert list(deputies.inactive_deputies(con, ALL, H2, levels=("县",)).rows["deputy_id"]) == ["D02", "D06"]


def test_inactive_boundary_is_six_months(con):
    # D08's only activity is A15 on 2024-05-12. Six months later it is inactive, a day before it is not.
    six_months = m.Period(dt.date(2024, 11, 1), dt.date(2024, 11, 12))
    day_before = m.Period(dt.date(2024, 11, 1), dt.date(2024, 11, 11))
    assert "D08" in set(deputies.inactive_deputies(con, ALL, six_months).rows["deputy_id"])
    assert "D08" not in set(deputies.inactive_deputies(con, ALL, day_before).rows["deputy_id"])


def test_deputy_calendar(con):
    calendar = deputies.deputy_calendar(con, ALL, "D01", Q2)
    cells = {(month.month, kind): n for month, kind, n in rows(calendar, "month", "kind", "activities")}
    assert len(calendar) == 3 * 5  # every month of Q2 × the 5 kinds D01 did
    assert {kind for _, kind in cells} == {"视察", "评议", "接待选民", "述职", deputies.VISIT_KIND}
    assert list(dict.fromkeys(calendar["kind"])) == ["视察", "评议", "接待选民", "述职", "走访记录"]  # contract order
    assert {key: n for key, n in cells.items() if n} == {
        (4, "接待选民"): 1,  # A01
        (5, "接待选民"): 1,  # A02
        (5, "视察"): 1,  # A04
        (5, "评议"): 1,  # A07
        (6, "述职"): 1,  # A11
        (5, "走访记录"): 2,  # r2 r3
        (6, "走访记录"): 1,  # r7
    }
    assert calendar["activities"].sum() == 8
    assert set(calendar.loc[calendar["activities"] == 0, "cell_text"]) == {""}


def test_deputy_calendar_empty_and_visit_only(con):
    assert deputies.deputy_calendar(con, ALL, "D07", Q2).empty
    assert deputies.deputy_calendar(con, ALL, "D01", EMPTY).empty
    july_on = deputies.deputy_calendar(con, ALL, "D07", H2)
    assert len(july_on) == 6  # Jul-Dec × 走访记录
    assert rows(july_on[july_on["activities"] > 0], "kind", "activities") == [("走访记录", 1)]  # r11


def test_deputy_deeds(con):
    deeds = deputies.deputy_deeds(con, ALL, "D01", Q2).rows
    assert rows(deeds, "date", "kind", "source_file", "source_row") == [
        ("2024-04-10", "接待选民", "活动记录.xlsx", 4),  # A01 (title, blank and header rows above)
        ("2024-05-06", "走访记录", "走访记录.csv", 2),
        ("2024-05-06", "走访记录", "走访记录.csv", 3),
        ("2024-05-10", "接待选民", "活动记录.xlsx", 5),  # A02
        ("2024-05-15", "视察", "活动记录.xlsx", 7),  # A04
        ("2024-05-20", "评议", "活动记录.xlsx", 10),  # A07
        ("2024-06-11", "走访记录", "走访记录.csv", 7),
        ("2024-06-28", "述职", "活动记录.xlsx", 14),  # A11
    ]
    assert list(deputies.deputy_deeds(con, ALL, "D01", Q2, ("接待选民",)).rows["title"]) == ["四月接待日", "五月接待日"]
    assert list(deputies.deputy_deeds(con, ALL, "D01", Q2, ("走访记录",)).rows["title"]) == [
        "脱贫户：H01", "脱贫户：H02", "帮扶企业：青河食品厂"]
    assert deputies.deputy_deeds(con, ALL, "D01", EMPTY).rows.empty


def test_kind_mix_against_peers(con):
    # D01 (QH01, 乡镇): peer D03 — A04 视察, A05 执法检查, A09 评议.
    mix = deputies.kind_mix(con, ALL, "D01", Q2)
    assert rows(mix, "kind", "deputy_count", "peer_average", "peers") == [
        ("视察", 1, 1.0, 1), ("执法检查", 0, 1.0, 1), ("评议", 1, 1.0, 1),
        ("接待选民", 2, 0.0, 1), ("述职", 1, 0.0, 1),
    ]
    # D07 (QH02, 乡镇): peer D05 — A06 视察, A08 评议, A03 接待选民, A12 述职; D07 did none.
    d07 = deputies.kind_mix(con, ALL, "D07", Q2)
    assert rows(d07, "kind", "deputy_count", "peer_average") == [
        ("视察", 0, 1.0), ("评议", 0, 1.0), ("接待选民", 0, 1.0), ("述职", 0, 1.0)]
    # D05's peers are D07 (nothing in Q2): the average counts him as 0.
    assert set(deputies.kind_mix(con, ALL, "D05", Q2)["peer_average"]) == {0.0}


def test_kind_mix_peer_average_over_several_peers(con):
    # D03 (QH01, 乡镇): peer D01 only; the other 乡镇 deputies are in other townships.
    assert deputies.kind_mix(con, ALL, "D03", Q2)["peers"].iloc[0] == 1
    # Over 2024 H1, D01's 视察 are A04 and A13 (03-31): 2, seen from D03 as the peer average.
    h1 = m.Period(dt.date(2024, 1, 1), dt.date(2024, 6, 30))
    mix = deputies.kind_mix(con, ALL, "D03", h1)
    assert mix.set_index("kind").loc["视察", "peer_average"] == 2.0
    assert mix.set_index("kind").loc["视察", "deputy_count"] == 1  # A04


def test_kind_mix_without_peers_and_empty(con):
    # D02 is the only 县 deputy of QH01 (D06 is in QH02): no average.
    mix = deputies.kind_mix(con, ALL, "D02", Q2)
    assert list(mix["kind"]) == ["视察", "评议", "接待选民", "述职"]  # A04 A07 A01 A11
    assert set(mix["peers"]) == {0} and mix["peer_average"].isna().all()
    assert deputies.kind_mix(con, ALL, "D01", EMPTY).empty
