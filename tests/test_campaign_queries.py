"""The 代表行动 frames (queries/campaign.py) against the hand-counted county of conftest.py.

Period 2024 Q2 unless named. The visits of conftest.VISITS, by their row in 走访记录.csv
(row 2 is the first under the header):
  r2  05-06 QH01 东村 H01  D01      found 2 solved 1 慰问
  r3  05-06 QH01 东村 H02  D01 D02  found 1 solved 1
  r4  05-20 QH01 东村 H01  D03      found 0 solved 0 慰问
  r5  06-02 QH01 西村 H04  D02      found 3 solved 2 慰问 (监测户)
  r6  06-10 QH01 西村 青河食品厂 D04 found 1 solved 1
  r7  06-11 QH01 西村 青河食品厂 D01 found 0 solved 0 (慰问 blank)
  r8  06-12 QH02 南村 H06  D05      found 2 solved 2 慰问
  r9  06-15 QH02 南村 石桥砖厂 D06  found 1 solved 0
  r10 03-01 QH01 东村 H03  D03      (before Q2)
  r11 07-02 QH02 南村 H07  D07      (after Q2)
Households: 东村 H01 H02 H03, 西村 H04 H05 (QH01); 南村 H06 H07 (QH02); 北村 H08 (QH03).
Deputies: QH01 D01 D02 (第1代表组, 一分队), D03 D04 (第2代表组, 二分队); QH02 D05 D06 D07
(第1代表组, no team); QH03 D08 (no group, no team).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from queries import campaign
from queries import metrics as m

Q2 = m.Period(dt.date(2024, 4, 1), dt.date(2024, 6, 30))
EMPTY = m.Period(dt.date(2010, 1, 1), dt.date(2010, 3, 31))
ALL = m.Scope(("QH01", "QH02", "QH03"))
QH01 = m.Scope(("QH01",))
NOWHERE = m.Scope(("QH99",))


def W(period: m.Period) -> m.CoverageWindow:
    """A coverage window of the period itself with no campaign: every visit dated in it, so
    the frames restate the contract's in-period metrics (hand-counted below)."""
    return m.CoverageWindow(period.start, period.end)


def rows(frame: pd.DataFrame, *columns: str) -> list[tuple]:
    return [tuple(row) for row in frame[list(columns)].itertuples(index=False)]


# --- the page's figures ------------------------------------------------------------

def test_campaign_figures_are_the_metrics(con):
    assert campaign.campaign_figures(con, ALL, Q2) == {
        "household_coverage": 0.5, "households_visited": 4, "households_total": 8,  # H01 H02 H04 H06 of 8
        "deputy_participation": 0.75, "deputies_visiting": 6, "deputies_total": 8,  # D01-D06 of 8
        "problems_found": 10, "problems_solved": 7,  # r2-r9: 2+1+0+3+1+0+2+1, 1+1+0+2+1+0+2+0
        "households_consoled": 3, "enterprises_visited": 2,  # H01 H04 H06; 青河食品厂 石桥砖厂
        "campaign_suggestions": 0, "campaign_motions": 0,  # no suggestion names a 专项行动
    }
    qh01 = campaign.campaign_figures(con, QH01, Q2)
    assert qh01["households_visited"] == 3 and qh01["households_total"] == 5  # H01 H02 H04 of H01-H05
    assert qh01["deputies_visiting"] == 4 and qh01["deputies_total"] == 4  # D01-D04
    assert (qh01["problems_found"], qh01["problems_solved"]) == (7, 5)  # r2-r7
    assert (qh01["households_consoled"], qh01["enterprises_visited"]) == (2, 1)  # H01 H04; 青河食品厂


# --- cumulative coverage -----------------------------------------------------------

def test_cumulative_coverage_steps_on_first_visits(con):
    daily = campaign.cumulative_coverage(con, ALL, W(Q2))
    assert len(daily) == 91  # 2024-04-01 … 2024-06-30
    by_day = {day.date(): visited for day, visited in zip(daily["day"], daily["households_visited"], strict=True)}
    # First visits in Q2: H01 and H02 on 05-06 (H01 again 05-20 does not count twice),
    # H04 on 06-02, H06 on 06-12.
    assert by_day[dt.date(2024, 4, 1)] == 0
    assert by_day[dt.date(2024, 5, 5)] == 0
    assert by_day[dt.date(2024, 5, 6)] == 2
    assert by_day[dt.date(2024, 5, 20)] == 2
    assert by_day[dt.date(2024, 6, 1)] == 2
    assert by_day[dt.date(2024, 6, 2)] == 3
    assert by_day[dt.date(2024, 6, 11)] == 3
    assert by_day[dt.date(2024, 6, 12)] == 4
    assert by_day[dt.date(2024, 6, 30)] == 4
    assert set(daily["households_total"]) == {8}
    assert daily["household_coverage"].iloc[-1] == 0.5
    assert daily["household_coverage"].is_monotonic_increasing


@pytest.mark.parametrize("scope", [ALL, QH01, m.Scope(("QH02",)), m.Scope(("QH03",))],
                         ids=lambda s: "+".join(s.township_codes))
@pytest.mark.parametrize("period", [
    Q2,
    m.Period(dt.date(2024, 1, 1), dt.date(2024, 6, 30)),  # adds H03 (r10, 03-01)
    m.Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),  # adds H07 (r11, 07-02)
    m.Period(dt.date(2024, 7, 1), dt.date(2024, 7, 31)),  # H07 only
    m.Period(dt.date(2024, 5, 6), dt.date(2024, 5, 6)),  # one day: H01 H02
], ids=["Q2", "H1", "2024", "July", "one-day"])
def test_cumulative_coverage_ends_at_the_metric(con, scope, period):
    daily = campaign.cumulative_coverage(con, scope, W(period))
    assert len(daily) == (period.end - period.start).days + 1
    assert daily["household_coverage"].iloc[-1] == pytest.approx(m.household_coverage(con, scope, period))
    assert daily["households_visited"].iloc[-1] == m.households_visited(con, scope, period)


def test_cumulative_coverage_hand_counts_beyond_q2(con):
    year = campaign.cumulative_coverage(con, ALL, W(m.Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31))))
    assert year["households_visited"].iloc[-1] == 6  # H01 H02 H03 H04 H06 H07 (H05, H08 never)
    assert year["household_coverage"].iloc[-1] == 0.75
    qh01 = campaign.cumulative_coverage(con, QH01, W(Q2))
    assert qh01["household_coverage"].iloc[-1] == 0.6  # H01 H02 H04 of 5


def test_cumulative_coverage_empty_period_and_empty_roster(con):
    empty = campaign.cumulative_coverage(con, ALL, W(EMPTY))
    assert len(empty) == 90  # 2010-01-01 … 2010-03-31
    assert set(empty["households_visited"]) == {0}
    assert set(empty["household_coverage"]) == {0.0}  # 0 of 8, as metrics.household_coverage
    nowhere = campaign.cumulative_coverage(con, NOWHERE, W(Q2))
    assert set(nowhere["households_total"]) == {0}
    assert nowhere["household_coverage"].isna().all()  # no roster: no rate, like the metric's None
    assert m.household_coverage(con, NOWHERE, Q2) is None


# --- coverage by village -------------------------------------------------------------

def test_coverage_by_village_all_townships(con):
    villages = campaign.coverage_by_village(con, ALL, W(Q2))
    # Least covered first; several townships: the village names carry their township.
    assert rows(villages, "village_label", "households_visited", "households_total", "coverage_percent") == [
        ("北村（柳林乡）", 0, 1, 0.0),  # H08
        ("西村（青河镇）", 1, 2, 50.0),  # H04 of H04 H05
        ("南村（石桥镇）", 1, 2, 50.0),  # H06 of H06 H07 (H07's r11 is 07-02)
        ("东村（青河镇）", 2, 3, 66.7),  # H01 H02 of H01-H03 (H03's r10 is 03-01)
    ]


@pytest.mark.parametrize("scope", [ALL, QH01, m.Scope(("QH02",))], ids=lambda s: "+".join(s.township_codes))
def test_coverage_by_village_adds_up_to_the_metrics(con, scope):
    villages = campaign.coverage_by_village(con, scope, W(Q2))
    assert villages["households_visited"].sum() == m.households_visited(con, scope, Q2)
    assert villages["households_total"].sum() == m.households_total(con, scope, Q2)


def test_coverage_by_village_one_township_and_empty_period(con):
    villages = campaign.coverage_by_village(con, QH01, W(Q2))
    assert rows(villages, "village_label", "households_visited", "households_total") == [
        ("西村", 1, 2), ("东村", 2, 3),  # one township: plain village names
    ]
    empty = campaign.coverage_by_village(con, ALL, W(EMPTY))
    assert empty["households_visited"].sum() == 0 and empty["households_total"].sum() == 8
    assert campaign.coverage_by_village(con, NOWHERE, W(Q2)).empty


# --- households not visited ------------------------------------------------------------

def test_households_not_visited_masks_names(con):
    missing = campaign.households_not_visited(con, ALL, W(Q2))
    # H03 黄国庆 (its visit r10 is 03-01), H05 郭建华, H07 罗春花 (r11 is 07-02), H08 梁文.
    assert rows(missing, "household_id", "head_name", "township_name", "village", "source_file", "source_row") == [
        ("H03", "黄**", "青河镇", "东村", "脱贫户名册.csv", 4),
        ("H05", "郭**", "青河镇", "西村", "脱贫户名册.csv", 6),
        ("H07", "罗**", "石桥镇", "南村", "脱贫户名册.csv", 8),
        ("H08", "梁*", "柳林乡", "北村", "脱贫户名册.csv", 9),
    ]
    assert "黄国庆" not in missing.to_string()
    assert len(missing) == m.households_total(con, ALL, Q2) - m.households_visited(con, ALL, Q2)


def test_households_not_visited_narrowed_by_village(con):
    east = campaign.households_not_visited(con, ALL, W(Q2), ("东村（青河镇）",))
    assert list(east["household_id"]) == ["H03"]
    two = campaign.households_not_visited(con, ALL, W(Q2), ("东村（青河镇）", "北村（柳林乡）"))
    assert list(two["household_id"]) == ["H03", "H08"]
    assert list(campaign.households_not_visited(con, QH01, W(Q2), ("西村",))["household_id"]) == ["H05"]
    assert campaign.households_not_visited(con, ALL, W(Q2), ("无此村",)).empty
    # An empty period leaves every roster household unvisited.
    assert len(campaign.households_not_visited(con, ALL, W(EMPTY))) == 8


# --- visit rows (the drill-down register rows) -------------------------------------------

def test_visit_rows_carry_file_and_row(con):
    visits = campaign.visit_rows(con, ALL, Q2)
    assert list(visits["source_row"]) == [2, 3, 4, 5, 6, 7, 8, 9]  # r10 and r11 outside Q2
    assert set(visits["source_file"]) == {"走访记录.csv"}
    assert rows(visits.head(2), "date", "village", "household_id", "deputy_names", "consoled") == [
        ("2024-05-06", "东村", "H01", "张三丰", "是"),
        ("2024-05-06", "东村", "H02", "张三丰、李四", "否"),
    ]
    assert visits["problems_found"].sum() == m.problems_found(con, ALL, Q2) == 10
    assert visits["problems_solved"].sum() == m.problems_solved(con, ALL, Q2) == 7
    assert visits.loc[visits["source_row"] == 7, "consoled"].item() == ""  # 慰问 left blank


def test_visit_rows_narrowed_by_village(con):
    east = campaign.visit_rows(con, ALL, Q2, ("东村（青河镇）",))
    assert list(east["source_row"]) == [2, 3, 4]
    west = campaign.visit_rows(con, QH01, Q2, ("西村",))
    assert list(west["source_row"]) == [5, 6, 7]  # H04, and both visits to 青河食品厂 in 西村
    assert len(campaign.visit_rows(con, QH01, Q2)) == 6  # r2-r7
    assert campaign.visit_rows(con, ALL, EMPTY).empty


# --- deputy participation --------------------------------------------------------------------

def test_participation_by_group(con):
    groups = campaign.participation_by_group(con, ALL, W(Q2))
    assert rows(groups, "unit_label", "deputies_visiting", "deputies_total", "participation_percent") == [
        ("未填写（柳林乡）", 0, 1, 0.0),  # D08
        ("第1代表组（石桥镇）", 2, 3, 66.7),  # D05 D06 of D05-D07 (D07's r11 is 07-02)
        ("第1代表组（青河镇）", 2, 2, 100.0),  # D01 D02
        ("第2代表组（青河镇）", 2, 2, 100.0),  # D03 D04
    ]
    one = campaign.participation_by_group(con, QH01, W(Q2))
    assert list(one["unit_label"]) == ["第1代表组", "第2代表组"]


def test_participation_by_team(con):
    teams = campaign.participation_by_team(con, ALL, W(Q2))
    assert rows(teams, "unit_label", "deputies_visiting", "deputies_total") == [
        ("未填写（柳林乡）", 0, 1),  # D08
        ("未填写（石桥镇）", 2, 3),  # D05 D06 of D05-D07
        ("一分队（青河镇）", 2, 2),  # D01 D02
        ("二分队（青河镇）", 2, 2),  # D03 D04
    ]


@pytest.mark.parametrize("period", [Q2, EMPTY, m.Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31))],
                         ids=["Q2", "empty", "2024"])
@pytest.mark.parametrize("scope", [ALL, QH01, m.Scope(("QH02",))], ids=lambda s: "+".join(s.township_codes))
def test_participation_adds_up_to_the_metrics(con, scope, period):
    visiting, total = m.deputies_visiting(con, scope, period), m.deputies_total(con, scope, period)
    for frame in (campaign.participation_by_group(con, scope, W(period)),
                  campaign.participation_by_team(con, scope, W(period))):
        assert frame["deputies_visiting"].sum() == visiting
        assert frame["deputies_total"].sum() == total
    assert len(campaign.deputies_not_visiting(con, scope, W(period))) == total - visiting


def test_deputies_not_visiting(con):
    absent = campaign.deputies_not_visiting(con, ALL, W(Q2))
    assert rows(absent, "deputy_id", "name", "level", "township_name", "group_name", "team_name") == [
        ("D07", "周九", "乡镇", "石桥镇", "第1代表组", "未填写"),  # visited only 07-02 (r11)
        ("D08", "吴十", "乡镇", "柳林乡", "未填写", "未填写"),  # no visit at all
    ]
    assert campaign.deputies_not_visiting(con, QH01, W(Q2)).empty  # D01-D04 all visited


def test_deputies_not_visiting_masks_phones_and_narrows(con):
    everyone = campaign.deputies_not_visiting(con, ALL, W(EMPTY))
    assert list(everyone["deputy_id"]) == ["D01", "D02", "D03", "D04", "D05", "D06", "D07", "D08"]
    phones = dict(zip(everyone["deputy_id"], everyone["phone"], strict=True))
    assert phones["D01"] == "139****1234" and phones["D02"] == "138****1111"
    assert "13912341234" not in everyone.to_string()
    absent = campaign.deputies_not_visiting
    assert list(absent(con, ALL, W(Q2), groups=("第1代表组（石桥镇）",))["deputy_id"]) == ["D07"]
    assert list(absent(con, ALL, W(Q2), teams=("未填写（柳林乡）",))["deputy_id"]) == ["D08"]
    assert list(absent(con, QH01, W(EMPTY), groups=("第2代表组",))["deputy_id"]) == ["D03", "D04"]


# --- coverage windows: a campaign's visits, or the year to date ------------------------

CAMPAIGN = "2024代表行动"  # r2-r9 (05-06 … 06-15); r10 (03-01) and r11 (07-02) belong to none
H1 = m.Period(dt.date(2024, 1, 1), dt.date(2024, 6, 30))


def test_a_period_overlapping_a_campaign_gets_its_window(con):
    # Q2 is long past: counted as of 06-30, after the last visit (06-15), so the campaign is finished.
    assert m.coverage_windows(con, ALL, Q2) == [
        m.CoverageWindow(dt.date(2024, 5, 6), dt.date(2024, 6, 15), CAMPAIGN, finished=True)]
    # May: the campaign goes on after 05-31, so its window runs to the as-of day and is not final.
    may = m.Period(dt.date(2024, 5, 1), dt.date(2024, 5, 31))
    assert m.coverage_windows(con, ALL, may) == [
        m.CoverageWindow(dt.date(2024, 5, 6), dt.date(2024, 5, 31), CAMPAIGN, finished=False)]
    # A township with no campaign visit of its own still sees its county's campaign (青禾县: QH01, QH02).
    assert m.coverage_windows(con, m.Scope(("QH02",)), Q2)[0].campaign == CAMPAIGN


def test_without_a_campaign_the_window_is_the_year_to_date(con):
    july = m.Period(dt.date(2024, 7, 1), dt.date(2024, 7, 31))  # the campaign ended 06-15
    assert m.coverage_windows(con, ALL, july) == [m.CoverageWindow(dt.date(2024, 1, 1), dt.date(2024, 7, 31))]
    april = m.Period(dt.date(2024, 4, 1), dt.date(2024, 4, 30))  # before the campaign started
    assert m.coverage_windows(con, ALL, april) == [m.CoverageWindow(dt.date(2024, 1, 1), dt.date(2024, 4, 30))]
    # 柳林乡 (白水县) never took part in 青禾县's campaign.
    assert m.coverage_windows(con, m.Scope(("QH03",)), Q2)[0].campaign is None


def test_window_coverage_counts_only_the_campaign_visits(con):
    window = m.coverage_windows(con, ALL, H1)[0]
    figures = m.window_coverage(con, ALL, window)
    # Campaign visits: H01 H02 H04 H06 of 8 (H03's r10 on 03-01 is in H1 but not in the campaign).
    assert figures == {
        "campaign_households_visited": 4, "households_total": 8, "campaign_household_coverage": 0.5,
        "campaign_deputies_visiting": 6, "deputies_total": 8, "campaign_deputy_participation": 0.75,  # D01-D06
    }
    assert m.households_visited(con, ALL, H1) == 5  # the contract's in-period figure counts H03 too
    # The year to date to 07-31 counts any visit: H01 H02 H03 H04 H06 H07; D01-D07.
    ytd = m.window_coverage(con, ALL, m.CoverageWindow(dt.date(2024, 1, 1), dt.date(2024, 7, 31)))
    assert (ytd["campaign_households_visited"], ytd["campaign_deputies_visiting"]) == (6, 7)


@pytest.mark.parametrize("scope", [ALL, QH01], ids=lambda s: "+".join(s.township_codes))
def test_window_frames_add_up_to_window_coverage(con, scope):
    window = m.coverage_windows(con, scope, H1)[0]
    figures = m.window_coverage(con, scope, window)
    for frame in (campaign.coverage_by_village(con, scope, window), campaign.coverage_by_township(con, scope, window)):
        assert frame["households_visited"].sum() == figures["campaign_households_visited"]
        assert frame["households_total"].sum() == figures["households_total"]
    for frame in (campaign.participation_by_group(con, scope, window),
                  campaign.participation_by_township(con, scope, window)):
        assert frame["deputies_visiting"].sum() == figures["campaign_deputies_visiting"]
    daily = campaign.cumulative_coverage(con, scope, window)
    assert daily["households_visited"].iloc[-1] == figures["campaign_households_visited"]
    missing = campaign.households_not_visited(con, scope, window)
    assert len(missing) == figures["households_total"] - figures["campaign_households_visited"]
    absent = campaign.deputies_not_visiting(con, scope, window)
    assert len(absent) == figures["deputies_total"] - figures["campaign_deputies_visiting"]


def test_coverage_by_township_one_row_each(con):
    window = m.coverage_windows(con, ALL, Q2)[0]
    towns = campaign.coverage_by_township(con, ALL, window)
    assert rows(towns, "township_name", "households_visited", "households_total", "coverage_percent") == [
        ("柳林乡", 0, 1, 0.0), ("石桥镇", 1, 2, 50.0), ("青河镇", 3, 5, 60.0)]  # H06; H01 H02 H04
    deputies = campaign.participation_by_township(con, ALL, window)
    assert rows(deputies, "unit_label", "deputies_visiting", "deputies_total") == [
        ("柳林乡", 0, 1), ("石桥镇", 2, 3), ("青河镇", 4, 4)]
