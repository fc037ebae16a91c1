"""The work-summary figures (queries/metrics.SUMMARY_METRICS) against counts made by hand.

Two fixtures (tests/conftest.py): 沿河镇 (YH01, the TOWN_* registers) for the year 2024 and
2023, and the hand-counted county (QH01-QH03) for 2024 Q2. The comments name the rows.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from etl.cli import main
from queries import metrics as m
from queries.labels import METRICS

Y2024 = m.Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
Y2023 = m.Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
Q2 = m.Period(dt.date(2024, 4, 1), dt.date(2024, 6, 30))
TOWN = m.Scope(("YH01",))
COUNTY = m.Scope(("QH01", "QH02", "QH03"))
QH01 = m.Scope(("QH01",))

TOWN_2024 = [
    # Roster P01 省, P02 市级, P03 县, P04 县级, P05-P08 乡镇.
    ("deputies_by_level", {"省": 1, "市": 1, "县": 2, "乡镇": 4}),
    ("deputies_by_gender", {"男": 4, "女": 3, "未填写": 1}),  # 男 P01 P03 P05 P07; 女 P02 P04 P06; P08 blank
    # 2024 − birth year: P03 35, P04 34, P08 24 | P02 54, P06 49 | P01 64, P05 56 | P07 blank.
    ("deputies_by_age_band", {"35岁及以下": 3, "36至55岁": 2, "56岁及以上": 2, "未填写": 1}),
    ("deputies_by_education", {"研究生": 1, "本科": 3, "大专": 1, "中专及高中": 1, "初中及以下": 1, "未填写": 1}),
    ("deputies_by_occupation", {"农民": 2, "工人": 1, "企业负责人": 1, "机关干部": 2, "其他": 1, "未填写": 1}),
    ("deputy_groups", 2),  # 第1代表组 (P01-P04), 第2代表组 (P05-P08)
    ("action_teams", 4),  # 第一 … 第四分队; P08 has none
    ("supervision_by_kind", {"视察": 1, "执法检查": 1, "评议": 1}),  # B13, B16, B14
    ("meetings", 4),  # B01 B02 B03 B04
    ("meetings_by_type", {"人民代表大会会议": 1, "主席团会议": 2, "其他会议": 1}),  # B01 | B02 B03 | B04
    ("trainings", 2),  # B05, B06
    ("training_attendance", 10),  # B05 8 + B06 blank, two deputies listed
    # Reception days B07 (3 deputies) B08 (3) B09 (2) B10 (3) B20 (1): 12 / 5.
    ("deputies_per_reception", 2.4),
    ("reception_deputies_by_level", {"县": 2, "乡镇": 4}),  # P03 P04 | P05 P06 P07 P08
    # 联系选民 10 + 6 + 4 + 5 + 2 = 27; visits not to an enterprise: H1, H2, H3, H1 again, 其他 = 5.
    ("voter_contacts", 27),
    ("voter_contacts_with_visits", 32),
    ("stations_on_roster", 4),  # Z1 (2018), Z2 (2024-03), Z3 (2024-09), Z4 (no date); Z5 is 2025
    ("stations_established", 2),  # Z2, Z3
    # Z1 B07 B08 B11 B13 = 4; Z2 B09 B10 B12 = 3; Z3 B15 = 1; Z4 B20 = 1.
    ("station_activities_min", 1),
    ("campaign_suggestions", 2),  # Y02 选民意见, Y03 代表建议 (Y04 is a 议案, Y05 has no 专项行动)
    ("campaign_motions", 1),  # Y04; Y05 has no 专项行动 and came in 01-20, before the visits (05-10 … 06-10)
    # Contract figures the summary sentences use, recounted for this fixture.
    ("reporting_deputies_by_level", {"县": 2, "乡镇": 3}),  # B11 P03 P05 P06, B12 P04 P07
    ("suggestions_by_source", {"议案": 2, "选民意见": 2, "代表建议": 1}),  # Y04 Y05 | Y01 Y02 | Y03
    ("households_visited", 3),  # H1 (twice) H2 H3 of 4
    ("deputies_visiting", 7),  # P01 P03 P04 P05 P06 P07 P08
    ("enterprises_visited", 1),
    ("problems_solved", 4),  # 1 + 2 + 0 + 1 + 0 + 0
    ("households_consoled", 2),  # H1 (twice), H2
]

TOWN_2023 = [
    ("supervision_by_kind", {"视察": 1}),  # B17
    ("meetings_by_type", {"主席团会议": 1}),  # B19
    ("trainings", 0),
    ("deputies_per_reception", 1.0),  # B18, P03 alone
    ("stations_on_roster", 2),  # Z1, Z4 (no date counts as standing)
    ("stations_established", 0),
    ("station_activities_min", 0),  # Z4 held nothing in 2023 (Z1: B18)
    ("campaign_suggestions", 0),
    # Ages move with the period's end year: P03 (1989) is 34, P02 (1970) 53, P05 (1968) 55.
    ("deputies_by_age_band", {"35岁及以下": 3, "36至55岁": 3, "56岁及以上": 1, "未填写": 1}),
]

COUNTY_Q2 = [
    # Levels: 乡镇 D01 D03 D05 D07 D08; 县 D02 D06; 市级代表 D04.
    ("deputies_by_level", COUNTY, {"市": 1, "县": 2, "乡镇": 5}),
    ("deputies_by_gender", COUNTY, {"男": 4, "女": 3, "未填写": 1}),  # D08 blank
    ("deputy_groups", COUNTY, 3),  # QH01 第1 + 第2代表组, QH02 第1代表组 (same name, another township)
    ("deputy_groups", QH01, 2),
    ("action_teams", COUNTY, 2),  # QH01 一分队 (第1代表组), 二分队 (第2代表组)
    ("trainings", COUNTY, 1),  # A15
    ("training_attendance", COUNTY, 1),  # A15: no 参加人数, one deputy listed
    ("meetings", COUNTY, 0),
    ("meetings_by_type", COUNTY, {}),
    ("deputies_per_reception", COUNTY, 1.7),  # A01 D01 D02, A02 D01, A03 D05 D06: 5 / 3, one decimal
    ("reception_deputies_by_level", COUNTY, {"县": 2, "乡镇": 2}),  # D02 D06 | D01 D05
    ("voter_contacts_with_visits", COUNTY, 25 + 5),  # 25 voters; visits H01 H02 H01 H04 H06, not the 3 to firms
    ("stations_on_roster", COUNTY, 3),  # S01 (2018), S02 (2019), S03 (no date)
    ("stations_on_roster", QH01, 2),  # S01, S02: another township's station is not on its roster
    ("stations_established", COUNTY, 0),
    ("station_activities_min", COUNTY, 1),  # S01 A01 A02 A11, S02 A05, S03 A03 A12
    ("station_activities_min", m.Scope(("QH02",)), 2),  # S03 alone: A03 A12
    ("campaign_suggestions", COUNTY, 0),  # no suggestion names a 专项行动
    ("supervision_by_kind", QH01, {"视察": 1, "执法检查": 1, "调研": 1, "评议": 2}),  # A04 A05 A10 A07 A09
]


@pytest.mark.parametrize(("metric", "expected"), TOWN_2024, ids=[k for k, _ in TOWN_2024])
def test_town_2024_matches_hand_count(town_con, metric, expected):
    value = getattr(m, metric)(town_con, TOWN, Y2024)
    assert value == (pytest.approx(expected) if isinstance(expected, float) else expected)


@pytest.mark.parametrize(("metric", "expected"), TOWN_2023, ids=[k for k, _ in TOWN_2023])
def test_town_2023_matches_hand_count(town_con, metric, expected):
    value = getattr(m, metric)(town_con, TOWN, Y2023)
    assert value == (pytest.approx(expected) if isinstance(expected, float) else expected)


@pytest.mark.parametrize(("metric", "scope", "expected"), COUNTY_Q2,
                         ids=[f"{k}-{'+'.join(s.township_codes)}" for k, s, _ in COUNTY_Q2])
def test_county_q2_matches_hand_count(con, metric, scope, expected):
    value = getattr(m, metric)(con, scope, Q2)
    assert value == (pytest.approx(expected) if isinstance(expected, float) else expected)


def test_nothing_to_average_or_compare_gives_none(town_con, con):
    empty = m.Period(dt.date(2010, 1, 1), dt.date(2010, 12, 31))
    assert m.deputies_per_reception(town_con, TOWN, empty) is None
    assert m.station_activities_min(con, m.Scope(("QH03",)), Q2) is None  # 柳林乡 has no station


def test_every_summary_figure_has_a_label_and_is_in_the_cli_json(town_db_master, town_con, capsys):
    keys = [f.__name__ for f in m.SUMMARY_METRICS]
    assert all(METRICS[k].definition for k in keys)
    assert main(["metrics", "--db", str(town_db_master), "--from", "2024-01-01", "--to", "2024-12-31",
                 "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed.pop("as_of") == "2024-12-31"  # a past year: open suggestions counted at its end
    assert printed["deputies_by_level"] == {"省": 1, "市": 1, "县": 2, "乡镇": 4}
    assert printed["campaign_motions"] == 1
    assert printed == json.loads(json.dumps(m.every_metric(town_con, TOWN, Y2024)))


def test_teams_of_the_same_name_in_two_groups_are_two_teams(tmp_path):
    """Each 代表组 may call its teams 第一分队, 第二分队: those are four teams, not two."""
    import duckdb

    from etl.loader import SCHEMA_SQL

    db = duckdb.connect(str(tmp_path / "t.duckdb"))
    db.execute(SCHEMA_SQL)
    db.execute("INSERT INTO deputies (deputy_id, township_code, group_name, team_name) VALUES "
               "('a', 'T', '第1组', '第一分队'), ('b', 'T', '第1组', '第二分队'), "
               "('c', 'T', '第2组', '第一分队'), ('d', 'T', '第2组', '第二分队'), ('e', 'T', '第2组', '第二分队'), "
               "('f', 'U', '第1组', '第一分队')")
    assert m.action_teams(db, m.Scope(("T",)), Y2024) == 4
    assert m.deputy_groups(db, m.Scope(("T", "U")), Y2024) == 3


def test_an_untagged_motion_during_the_campaign_visits_counts(town_db_master, tmp_path):
    import shutil

    import duckdb

    db = tmp_path / "copy.duckdb"
    shutil.copyfile(town_db_master, db)
    writable = duckdb.connect(str(db))
    # Received 06-08, between the first (05-10) and last (06-10) visit carrying 2024代表行动.
    writable.execute("INSERT INTO suggestions (suggestion_id, received_on, township_code, source, summary, status) "
                     "VALUES ('Y07', DATE '2024-06-08', 'YH01', '议案', '修建村道', '办理中'), "
                     "('Y08', DATE '2024-06-11', 'YH01', '议案', '之后的议案', '办理中')")
    assert m.campaign_motions(writable, TOWN, Y2024) == 2  # Y04 (tagged) and Y07; Y08 is after 06-10
    assert m.campaign_suggestions(writable, TOWN, Y2024) == 2  # opinions count by their tag only
    writable.close()
