"""Every metric of contract section 4 against figures counted by hand from conftest.py.

Period: 2024 Q2 (2024-04-01 … 2024-06-30). The comments name the register rows
behind each figure, so a failing figure can be recounted on paper.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from etl.cli import main
from queries import metrics as m
from queries.scope import ScopeError, resolve_scope

Q2 = m.Period(dt.date(2024, 4, 1), dt.date(2024, 6, 30))
ALL = m.Scope(("QH01", "QH02", "QH03"))
QH01 = m.Scope(("QH01",))


# (metric, scope, expected) counted by hand.
HAND_COUNTED = [
    # 视察/执法检查 in Q2: A04, A05, A06 (A13 is 3-31, outside).
    ("inspections", ALL, 3),
    ("inspections", QH01, 2),  # A04, A05
    ("inspections_by_theme", ALL, {"经济建设": 1, "生态环境": 1, "未填写": 1}),
    # + 调研 A10 + 评议 A07, A08, A09.
    ("supervision", ALL, 7),
    ("supervision", QH01, 5),  # A04, A05, A07, A09, A10
    ("evaluated_units", ALL, 2),  # 镇卫生院 (A07, A08), 镇派出所 (A09)
    ("evaluated_units", m.Scope(("QH02",)), 1),  # 镇卫生院 (A08)
    # Received in Q2: G01 G02 G03 G04 G05 G09 G10 G12.
    ("suggestions_collected", ALL, 8),
    ("suggestions_collected", QH01, 5),  # G01 G02 G03 G04 G09
    ("suggestions_by_source", ALL, {"选民意见": 7, "代表建议": 1}),
    # Resolved in Q2: G01 (5-10), G02 (6-9), G03 (5-20), G06 (4-20); G10 is 7-5.
    ("suggestions_resolved", ALL, 4),
    ("suggestions_resolved", QH01, 4),
    # Of the 8 collected, 已办结 now: G01 G02 G03 G10.
    ("resolution_rate", ALL, 0.5),
    ("resolution_rate", QH01, 0.6),  # G01 G02 G03 of 5
    # Days: G03 10, G01 30, G02 60, G06 106 -> (30 + 60) / 2.
    ("median_days_to_resolve", ALL, 45.0),
    # Open and older than 90 days at 6-30: G07 (141 days), G08 (97); G12 is exactly 90.
    ("overdue", ALL, 2),
    ("overdue", QH01, 1),  # G08
    # Open, limit ends in (6-30, 7-15]: G09 (4-05 + 90 = 7-04); G12 ends 6-30 itself.
    ("due_soon", ALL, 1),
    ("suggestions_by_outcome", ALL, {"A": 2, "B": 1, "C": 1, "D": 0}),  # G01 A, G02 B(words), G03 A, G06 C
    # Answered among resolved in Q2: G01 满意, G02 基本满意, G03 不满意 (G06 none).
    ("satisfaction_rate", ALL, 2 / 3),
    # Visited in Q2: H01 (twice), H02, H04 (监测户), H06; roster has 8 (H03 visit is 3-01).
    ("households_visited", ALL, 4),
    ("households_total", ALL, 8),
    ("household_coverage", ALL, 0.5),
    ("household_coverage", QH01, 0.6),  # H01 H02 H04 of H01-H05
    # Visiting deputies in Q2: D01 D02 D03 D04 D05 D06 of 8 (D07's visit is 7-02).
    ("deputies_visiting", ALL, 6),
    ("deputies_total", ALL, 8),
    ("deputy_participation", ALL, 0.75),
    ("deputy_participation", QH01, 1.0),  # D01-D04 of 4
    ("enterprises_visited", ALL, 2),  # 青河食品厂 (twice), 石桥砖厂
    ("problems_found", ALL, 10),  # 2+1+0+3+1+0+2+1
    ("problems_solved", ALL, 7),  # 1+1+0+2+1+0+2+0
    ("problems_solved", QH01, 5),  # 1+1+0+2+1+0
    ("households_consoled", ALL, 3),  # H01 (twice), H04, H06
    ("households_consoled", QH01, 2),
    # S01: A01 A02 A11; S02: A05; S03: A03 A12 (A13, A14 outside Q2).
    ("station_activities", ALL, {"S01": 3, "S02": 1, "S03": 2}),
    ("reception_days", ALL, 3),  # A01 A02 A03
    # 述职: A11 D01 D02 D04, A12 D05 D06.
    ("reporting_deputies", ALL, 5),
    ("reporting_deputies_by_level", ALL, {"乡镇": 2, "县": 2, "市": 1}),
    ("reporting_deputies", QH01, 3),
    ("voter_contacts", ALL, 25),  # 12 + 8 + 5 (A14's 20 is 7-01)
    ("voter_contacts", QH01, 20),
    ("activities_total", ALL, 13),  # A01-A12 and A15
]


@pytest.mark.parametrize(
    ("metric", "scope", "expected"),
    HAND_COUNTED,
    ids=[f"{name}-{'+'.join(scope.township_codes)}" for name, scope, _ in HAND_COUNTED],
)
def test_metric_matches_hand_count(con, metric, scope, expected):
    value = getattr(m, metric)(con, scope, Q2)
    if isinstance(expected, float):
        assert value == pytest.approx(expected)
    else:
        assert value == expected


def test_time_limit_is_a_setting(con):
    # With a 100-day limit only G07 (141 days) is overdue; G08 (97) is not.
    assert m.overdue(con, ALL, Q2, m.Settings(time_limit_days=100)) == 1
    # A 30-day warning window also catches G04 (5-15 + 90 = 8-13)? No: 8-13 > 7-30.
    # It catches G09 (7-04) only; G05 (6-01 + 90 = 8-30) stays out.
    assert m.due_soon(con, ALL, Q2, m.Settings(due_soon_days=30)) == 1
    # A 60-day window reaches 8-29: G09 and G04.
    assert m.due_soon(con, ALL, Q2, m.Settings(due_soon_days=60)) == 2


def test_empty_period_gives_zeros_and_no_rates(con):
    empty = m.Period(dt.date(2010, 1, 1), dt.date(2010, 3, 31))
    figures = m.all_metrics(con, ALL, empty)
    assert figures["inspections"] == 0
    assert figures["suggestions_collected"] == 0
    assert figures["resolution_rate"] is None
    assert figures["satisfaction_rate"] is None
    assert figures["median_days_to_resolve"] is None
    assert figures["household_coverage"] == 0.0  # 0 of 8 visited
    assert figures["station_activities"] == {}


def test_all_metrics_carries_every_contract_key(con):
    figures = m.all_metrics(con, ALL, Q2)
    contract_keys = {
        "inspections", "inspections_by_theme", "supervision", "evaluated_units",
        "suggestions_collected", "suggestions_by_source", "suggestions_resolved",
        "resolution_rate", "median_days_to_resolve", "overdue", "due_soon",
        "suggestions_by_outcome", "satisfaction_rate", "household_coverage",
        "households_visited", "households_total", "deputy_participation", "deputies_visiting",
        "deputies_total", "enterprises_visited", "problems_solved", "households_consoled",
        "station_activities", "reception_days", "reporting_deputies",
        "reporting_deputies_by_level", "voter_contacts",
    }
    assert contract_keys <= figures.keys()


def test_scope_by_name_code_and_county(con):
    assert resolve_scope(con, ["青河镇"]).township_codes == ("QH01",)
    assert resolve_scope(con, ["QH02", "青河镇"]).township_codes == ("QH01", "QH02")
    assert resolve_scope(con, county="青禾县").township_codes == ("QH01", "QH02")
    assert resolve_scope(con).township_codes == ("QH01", "QH02", "QH03")
    with pytest.raises(ScopeError, match="乡镇名册中没有「无此镇」"):
        resolve_scope(con, ["无此镇"])


def test_cli_metrics_json_matches_module(county_db_master, con, capsys):
    code = main([
        "metrics", "--db", str(county_db_master), "--from", "2024-04-01", "--to", "2024/6/30",
        "--county", "青禾县", "--json",
    ])
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    scope = m.Scope(("QH01", "QH02"))
    assert printed["inspections"] == 3  # A04 A05 A06
    assert printed["suggestions_collected"] == 7  # G12 (QH03) left out
    # A past period: open suggestions counted at its end, as the contract says, and said so.
    assert printed.pop("as_of") == "2024-06-30"
    contract = json.loads(json.dumps(m.all_metrics(con, scope, Q2)))
    assert {k: printed[k] for k in contract} == contract  # every contract key, same value
    assert printed == json.loads(json.dumps(m.every_metric(con, scope, Q2)))  # plus the summary figures


# --- the as-of day ---------------------------------------------------------------

def test_as_of_is_the_period_end_for_a_past_period(con):
    assert m.as_of_date(con, Q2) == Q2.end  # the registers were loaded long after
    # The data stands at the day of the latest load (never a later "today").
    loaded = m.data_as_of(con)
    assert loaded <= dt.date.today()
    assert m.data_as_of(con, today=dt.date(2099, 1, 1)) == loaded
    assert m.as_of_date(con, m.Period(dt.date(2099, 1, 1), dt.date(2099, 3, 31))) == loaded


def test_a_running_period_counts_open_suggestions_today(con):
    """On 6-10, 2024 Q2 is still running: overdue and due-soon are counted on 6-10, not 6-30."""
    today = dt.date(2024, 6, 10)
    assert m.as_of_date(con, Q2, today) == today
    # Open and more than 90 days old on 6-10: G07 (2-10, 121 days); G08 (3-25) is 77 days.
    assert m.overdue(con, ALL, Q2, today=today) == 1
    # Open, limit ending in (6-10, 6-25]: G08 (3-25 + 90 = 6-23); G09 ends 7-04, G12 6-30.
    assert m.due_soon(con, ALL, Q2, today=today) == 1
    figures = m.all_metrics(con, ALL, Q2, today=today)
    assert (figures["overdue"], figures["due_soon"]) == (1, 1)
    assert (m.overdue(con, ALL, Q2), m.due_soon(con, ALL, Q2)) == (2, 1)  # at 6-30, as counted above


def test_cohort_figures_beside_the_rate(con):
    # Of the 5 collected by QH01 in Q2, G01 G02 G03 are 已办结 now: 3 (the rate's numerator).
    assert m.collected_resolved(con, QH01, Q2) == 3
    assert m.resolution_rate(con, QH01, Q2) == 0.6
    # Counted at 5-31 only G01 (5-10) and G03 (5-20) were resolved: the cohort as it was then.
    assert m.resolution_rate_by(con, QH01, Q2, dt.date(2024, 5, 31)) == 0.4
    # The statuses stand at 7-05 (the newest date in the register, G10's resolution, is before the
    # load): Q2's cohort is 95 days old. 2024 Q1's (G06, G08 of QH01) at 95 days, 4-05, had none
    # resolved (G06 on 4-20), though half of it is resolved now.
    assert m.statuses_as_of(con) == dt.date(2024, 7, 5)
    q1 = m.Period(dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    assert m.resolution_rate(con, QH01, q1) == 0.5
    assert m.resolution_rate_same_age(con, QH01, Q2, q1) == 0.0


def test_cli_metrics_unknown_township_is_a_chinese_error(county_db_master, capsys):
    code = main([
        "metrics", "--db", str(county_db_master), "--from", "2024-04-01", "--to", "2024-06-30",
        "--township", "无此镇", "--json",
    ])
    assert code == 2
    assert "乡镇名册中没有「无此镇」" in capsys.readouterr().err


def test_each_activity_and_suggestion_figure_alone_is_the_figure_asked_with_every_other(county_db):
    """A grouped statement reads only the rows the figures asked for count (metrics.SUGGESTION_ROWS,
    metrics.ACTIVITY_KINDS_READ): each figure asked alone must equal it asked with all the others,
    here on a county where every activity of any kind also received voters and had attendees."""
    import duckdb

    with duckdb.connect(str(county_db)) as writer:
        writer.execute("UPDATE activities SET voters_received = 3, attendees = 5")
        # Three meetings in Q2, one of each type (the county has none).
        writer.execute("""UPDATE activities SET kind = '会议', title = CASE activity_id
                              WHEN 'A02' THEN '第十届人民代表大会第三次会议' WHEN 'A10' THEN '主席团会议'
                              ELSE '工作例会' END
                          WHERE activity_id IN ('A02', 'A10', 'A12')""")
    keys = [*m.ACTIVITY_KEYS, *m.SUGGESTION_KEYS]
    with duckdb.connect(str(county_db), read_only=True) as con:
        # A quarter, a month (its open suggestions were mostly collected before it), a year, none.
        periods = [Q2, m.Period(dt.date(2024, 6, 1), dt.date(2024, 6, 30)),
                   m.Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31)), m.Period(dt.date(2010, 1, 1),
                                                                                  dt.date(2010, 3, 31))]
        together = m.figures_over(con, ALL, periods, keys)
        assert together[0]["meetings"] == 3 and len(together[0]["meetings_by_type"]) == 3
        for key in keys:
            # Alone, and beside the station tally (which counts every kind).
            for asked in ([key], [key, "station_activities_min"]):
                found = m.figures_over(con, ALL, periods, asked)
                for name in asked:
                    assert [figures[name] for figures in found] == [figures[name] for figures in together], asked
        assert m.voter_contacts(con, ALL, Q2) == 3 * m.activities_total(con, ALL, Q2)
