"""乡镇对比 queries against the hand-counted county of conftest.py.

Period: 2024 Q2 (2024-04-01 … 2024-06-30) unless named. The comments name the
register rows (ids of conftest.py) behind each expected figure.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from queries import comparison as c
from queries import metrics as m
from queries.scope import PeerGroup

Q2 = m.Period(dt.date(2024, 4, 1), dt.date(2024, 6, 30))
EMPTY = m.Period(dt.date(2010, 1, 1), dt.date(2010, 3, 31))
ALL = m.Scope(("QH01", "QH02", "QH03"))
QH01_QH02 = m.Scope(("QH01", "QH02"))


@pytest.fixture(scope="module")
def snapshot(con) -> pd.DataFrame:
    return c.township_metrics(con, ALL, Q2).set_index("township_code")


# township -> metric -> value, counted by hand for 2024 Q2.
HAND_COUNTED = {
    "QH01": {
        "inspections": 2,  # A04 视察, A05 执法检查 (A13 is 3-31)
        "supervision": 5,  # A04 A05 + 评议 A07 A09 + 调研 A10
        "suggestions_collected": 5,  # G01 G02 G03 G04 G09
        "resolution_rate": 0.6,  # G01 G02 G03 已办结 of 5
        "overdue": 1,  # G08 (3-25, 97 days open at 6-30); G09 is 86 days
        "household_coverage": 0.6,  # H01 H02 H04 visited of H01-H05
        "deputy_participation": 1.0,  # D01-D04 all visited
        "reception_days": 2,  # A01 A02 (A14 is 7-01)
        "voter_contacts": 20,  # 12 (A01) + 8 (A02)
        "activities_total": 8,  # A01 A02 A04 A05 A07 A09 A10 A11
        "deputies_total": 4, "stations_total": 2, "households_total": 5,  # D01-D04; S01 S02; H01-H05
        "supervision_per_100_deputies": 125.0,  # 5 / 4 × 100
        "suggestions_per_100_deputies": 125.0,  # 5 / 4 × 100
        "activities_per_station": 4.0,  # 8 / 2
        "reception_days_per_station": 1.0,  # 2 / 2
        "voter_contacts_per_station": 10.0,  # 20 / 2
    },
    "QH02": {
        "inspections": 1,  # A06
        "supervision": 2,  # A06 视察, A08 评议
        "suggestions_collected": 2,  # G05 G10
        "resolution_rate": 0.5,  # G10 已办结 of 2
        "overdue": 1,  # G07 (2-10, 141 days open)
        "household_coverage": 0.5,  # H06 of H06 H07 (H07's visit is 7-02)
        "deputy_participation": 2 / 3,  # D05 D06 of D05-D07 (D07's visit is 7-02)
        "reception_days": 1,  # A03
        "voter_contacts": 5,  # A03
        "activities_total": 4,  # A03 A06 A08 A12
        "deputies_total": 3, "stations_total": 1, "households_total": 2,
        "supervision_per_100_deputies": 200 / 3,  # 2 / 3 × 100
        "suggestions_per_100_deputies": 200 / 3,
        "activities_per_station": 4.0,  # 4 / 1
        "reception_days_per_station": 1.0,
        "voter_contacts_per_station": 5.0,
    },
    "QH03": {
        "inspections": 0, "supervision": 0,  # only A15 学习培训
        "suggestions_collected": 1,  # G12
        "resolution_rate": 0.0,  # G12 办理中
        "overdue": 0,  # G12 is exactly 90 days at 6-30, not more
        "household_coverage": 0.0,  # H08 never visited
        "deputy_participation": 0.0,  # D08 never visited
        "reception_days": 0, "voter_contacts": 0,
        "activities_total": 1,  # A15
        "deputies_total": 1, "stations_total": 0, "households_total": 1,
        "supervision_per_100_deputies": 0.0,
        "suggestions_per_100_deputies": 100.0,  # 1 / 1 × 100
        "activities_per_station": None,  # no station: cannot be computed
        "reception_days_per_station": None,
        "voter_contacts_per_station": None,
    },
}


def same(value, expected) -> bool:
    if expected is None:
        return value is None or (isinstance(value, float) and math.isnan(value))
    return value == pytest.approx(expected)


@pytest.mark.parametrize("township", HAND_COUNTED)
def test_township_metrics_match_hand_counts(snapshot, township):
    row = snapshot.loc[township]
    wrong = {k: (row[k], v) for k, v in HAND_COUNTED[township].items() if not same(row[k], v)}
    assert not wrong
    assert row["township_name"] == {"QH01": "青河镇", "QH02": "石桥镇", "QH03": "柳林乡"}[township]


def test_township_metrics_rows_follow_the_scope(con):
    frame = c.township_metrics(con, m.Scope(("QH02", "QH01")), Q2)
    assert list(frame["township_code"]) == ["QH01", "QH02"]  # QH03 out of scope


PERIODS = [
    Q2,
    m.Period(dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
    m.Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    m.Period(dt.date(2024, 3, 15), dt.date(2024, 7, 3)),  # a custom range across quarters
    m.Period(dt.date(2024, 5, 31), dt.date(2024, 5, 31)),  # one day
    EMPTY,
]


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p.start}_{p.end}")
def test_grouped_sql_equals_the_metric_functions_per_township(con, period):
    """The grouped statement restates the definitions of queries/metrics.py: prove it."""
    frame = c.township_metrics(con, ALL, period).set_index("township_code")
    window = m.coverage_windows(con, ALL, period)[-1]  # the one window of the whole scope
    for code in ALL.township_codes:
        scope = m.Scope((code,))
        in_window = m.window_coverage(con, scope, window)
        for metric in [*c.CONTRACT_COMPARED, "activities_total", "deputies_total", "households_total",
                       "household_coverage", "deputy_participation"]:
            expected = in_window[metric] if metric in c.WINDOWED else getattr(m, metric)(con, scope, period)
            assert same(frame.loc[code, metric], expected), (code, metric, frame.loc[code, metric], expected)
        deputies, stations = frame.loc[code, "deputies_total"], frame.loc[code, "stations_total"]
        for metric, base in c.BASE_METRIC.items():
            if metric == "reception_compliance":  # a share of station-months: hand-counted below
                continue
            denominator = deputies / 100 if "deputies" in metric else stations
            expected = getattr(m, base)(con, scope, period) / denominator if denominator else None
            assert same(frame.loc[code, metric], expected), (code, metric)


def test_per_month_trend_equals_the_metric_functions_month_by_month(con):
    year = m.Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    for metric in ["overdue", "resolution_rate", "voter_contacts", "suggestions_per_100_deputies"]:
        trend = c.township_trend(con, ALL, year, metric)
        assert len(trend) == 12
        for i, month in enumerate(c.buckets_of(year)):
            for code in ALL.township_codes:
                scope = m.Scope((code,))
                if metric in c.BASE_METRIC:
                    expected = getattr(m, c.BASE_METRIC[metric])(con, scope, month) * 100 / m.deputies_total(
                        con, scope, month)
                else:
                    expected = getattr(m, metric)(con, scope, month)
                    expected = expected * 100 if metric in c.RATES and expected is not None else expected
                assert same(trend.loc[i, code], expected), (metric, month, code)


def test_monthly_trend_hand_counts(con):
    trend = c.township_trend(con, ALL, Q2, "suggestions_collected")
    assert list(trend.columns) == ["QH01", "QH02", "QH03", "bucket"]
    assert list(trend["bucket"]) == list(pd.to_datetime(["2024-04-01", "2024-05-01", "2024-06-01"]))
    assert list(trend["QH01"]) == [3, 2, 0]  # April G01 G02 G09; May G03 G04
    assert list(trend["QH02"]) == [0, 0, 2]  # June G05 G10
    assert list(trend["QH03"]) == [1, 0, 0]  # April G12


def test_overdue_trend_counts_at_each_month_end(con):
    trend = c.township_trend(con, QH01_QH02, Q2, "overdue")
    # At 4-30 G07 is 80 days open, G08 36: none. At 5-31 G07 is 111: QH02 1. At 6-30 G08 97 too.
    assert list(trend["QH01"]) == [0, 0, 1]
    assert list(trend["QH02"]) == [0, 1, 1]


def test_quarterly_trend_of_a_rate_is_in_percent_and_named(con):
    year = m.Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    trend = c.township_trend(con, ALL, year, "resolution_rate", c.BY_QUARTER)
    assert list(trend["bucket"]) == ["2024年第一季度", "2024年第二季度", "2024年第三季度", "2024年第四季度"]
    # QH01 Q1: G06 已办结, G08 已收集 -> 50%; Q2 3 of 5 -> 60%; nothing collected later.
    assert same(trend.loc[0, "QH01"], 50.0) and same(trend.loc[1, "QH01"], 60.0)
    assert same(trend.loc[2, "QH01"], None) and same(trend.loc[3, "QH01"], None)
    assert same(trend.loc[0, "QH02"], 0.0)  # G07 办理中
    assert same(trend.loc[0, "QH03"], None) and same(trend.loc[1, "QH03"], 0.0)  # G12 in Q2


def test_buckets_are_clipped_to_the_period():
    period = m.Period(dt.date(2024, 3, 15), dt.date(2024, 5, 10))
    assert c.buckets_of(period) == [
        m.Period(dt.date(2024, 3, 15), dt.date(2024, 3, 31)),
        m.Period(dt.date(2024, 4, 1), dt.date(2024, 4, 30)),
        m.Period(dt.date(2024, 5, 1), dt.date(2024, 5, 10)),
    ]
    assert c.buckets_of(period, c.BY_QUARTER) == [
        m.Period(dt.date(2024, 3, 15), dt.date(2024, 3, 31)),
        m.Period(dt.date(2024, 4, 1), dt.date(2024, 5, 10)),
    ]


def test_ranking_best_first_rates_in_percent(con):
    frame = c.township_metrics(con, ALL, Q2)
    ranked = c.ranking(frame, "suggestions_collected")
    assert list(ranked["township_name"]) == ["青河镇", "石桥镇", "柳林乡"]  # 5, 2, 1
    assert list(ranked["rank"]) == [1, 2, 3]
    assert list(ranked["resolution_rate"]) == [60.0, 50.0, 0.0]
    # 2024代表行动: D01-D04 of 4, D05 D06 of 3, none of 1 (unrounded: the table writes one decimal).
    assert list(ranked["campaign_deputy_participation"]) == pytest.approx([100.0, 200 / 3, 0.0])
    assert list(ranked["supervision_per_100_deputies"]) == pytest.approx([125.0, 200 / 3, 0.0])
    assert c.value_format("resolution_rate") % ranked["campaign_deputy_participation"][1] == "66.7%"


def test_county_average_is_pooled_and_equals_the_scope_metric(con):
    frame = c.township_metrics(con, ALL, Q2)
    # Counts: the scope's total per township, (5 + 2 + 1) / 3.
    assert c.county_average(frame, "suggestions_collected") == pytest.approx(8 / 3)
    # Rates: resolved ÷ collected over all townships, (3 + 1 + 0) / (5 + 2 + 1), not (60 + 50 + 0) / 3.
    assert c.county_average(frame, "resolution_rate") == pytest.approx(50.0)
    assert m.pooled_average(frame, "resolution_rate") == m.resolution_rate(con, ALL, Q2)
    window = m.coverage_windows(con, ALL, Q2)[-1]
    for key in c.WINDOWED:
        assert m.pooled_average(frame, key) == pytest.approx(m.window_coverage(con, ALL, window)[key])
    # Per station: 12 activities ÷ 3 stations (QH03 has none and adds nothing), not the mean of 4, 4.
    assert c.county_average(frame, "activities_per_station") == pytest.approx(13 / 3)


def test_reception_compliance_counts_station_months(con):
    frame = c.township_metrics(con, ALL, Q2).set_index("township_code")
    # QH01: S01 and S02 are due a reception day in April, May and June; S01 held one in April (A01)
    # and May (A02), S02 none: 2 of 6. QH02: S03 held one in April (A03): 1 of 3. QH03: no station.
    assert (frame.loc["QH01", "reception_months_held"], frame.loc["QH01", "reception_months_due"]) == (2, 6)
    assert frame.loc["QH02", "reception_compliance"] == pytest.approx(1 / 3)
    assert same(frame.loc["QH03", "reception_compliance"], None)
    # A month that has not ended by the as-of day is not due yet.
    june = m.Period(dt.date(2024, 6, 1), dt.date(2024, 6, 30))
    mid_june = c.township_metrics(con, ALL, june, today=dt.date(2024, 6, 20)).set_index("township_code")
    assert mid_june.loc["QH01", "reception_months_due"] == 0


def test_lagging_needs_the_stated_margin(con):
    frame = c.township_metrics(con, ALL, Q2)
    # Pooled 办结率 50.0 %: 柳林乡 0 % is more than 5 points below, 石桥镇 50 % is not.
    average, worse = c.lagging(frame, "resolution_rate")
    assert average == 0.5 and list(worse["township_name"]) == ["柳林乡"]
    # 超期未办结 (fewer is better): average 2/3; 1 is within a fifth of it? No: 1 > 2/3 + 2/15.
    average, worse = c.lagging(frame, "overdue")
    assert list(worse["township_name"]) == ["青河镇", "石桥镇"]
    assert c.margin_words("resolution_rate") == "5个百分点" and c.margin_words("overdue") == "20%"


def test_standing_shows_one_township_against_its_county(con):
    # The peers are every township the account may compare with; only its own county's count.
    standing = c.township_standing(con, m.Scope(("QH02",)), PeerGroup(ALL.township_codes), Q2).set_index("metric")
    # 青禾县 is QH01 and QH02 (QH03 is in 白水县): 办结率 QH02 50 %, pooled (3 + 1) / (5 + 2).
    assert standing.loc["resolution_rate", "value"] == pytest.approx(50.0)
    assert standing.loc["resolution_rate", "average"] == pytest.approx(round(400 / 7, 1))
    assert (standing.loc["resolution_rate", "rank"], standing.loc["resolution_rate", "townships"]) == (2, 2)
    assert standing.loc["overdue", "rank"] == 1  # 1 each: a tie shares the first place
    # Nothing of another township leaves the function: no names, no codes.
    text = standing.to_string()
    assert "青河镇" not in text and "QH01" not in text


def test_scorecard_has_a_pooled_county_total_row(con):
    card = c.scorecard(c.township_metrics(con, ALL, Q2))
    assert list(card["township_name"]) == ["青河镇", "石桥镇", "柳林乡", "全县合计"]
    total = card.iloc[-1]
    assert total["suggestions_collected"] == 8 and total["resolution_rate"] == pytest.approx(50.0)
    assert total["reception_compliance"] == pytest.approx(100 * 3 / 9)  # (2 + 1) of (6 + 3) station-months
    colours = c.scorecard_highlight(card)
    assert colours["reception_compliance"] == [c.SHORT, c.SHORT, "", ""]  # none reached 100 %; no station
    assert colours["resolution_rate"] == ["", "", c.SHORT, ""]  # 柳林乡 only; never the total row


def test_ranking_overdue_fewest_first_and_ties_share_a_rank(con):
    ranked = c.ranking(c.township_metrics(con, ALL, Q2), "overdue")
    # QH03 0 overdue; QH01 (G08) and QH02 (G07) 1 each.
    assert list(ranked["township_code"]) == ["QH03", "QH01", "QH02"]
    assert list(ranked["rank"]) == [1, 2, 2]


def test_ranking_puts_figures_that_cannot_be_computed_last(con):
    ranked = c.ranking(c.township_metrics(con, ALL, Q2), "activities_per_station")
    assert list(ranked["township_code"]) == ["QH01", "QH02", "QH03"]  # 4.0, 4.0, none (no station)
    assert list(ranked["rank"]) == [1, 1, 3]


def test_ranking_headers_are_chinese_with_units():
    headers = c.ranking_columns()
    assert headers["rank"] == "排名" and headers["township_name"] == "乡镇"
    assert headers["resolution_rate"] == "本期收集件办结率（%）"
    assert headers["suggestions_per_100_deputies"] == "每百名代表建议收集数（条）"
    assert set(c.COMPARED) <= headers.keys()


@pytest.mark.parametrize("metric", [
    "inspections", "supervision", "suggestions_collected", "overdue", "reception_days", "activities_total",
])
def test_drill_rows_are_exactly_the_rows_counted(con, metric):
    for code in ALL.township_codes:
        scope = m.Scope((code,))
        rows = c.metric_rows(con, scope, Q2, metric)
        assert len(rows) == getattr(m, metric)(con, scope, Q2), (metric, code)


def test_drill_rows_carry_their_source(con):
    rows = c.metric_rows(con, QH01_QH02, Q2, "inspections")
    # An activity is named by its title (its id may be a derived hash, meaningless to a reader).
    assert list(rows["record_id"]) == ["视察工业园", "环保法执法检查", "视察道路"]  # A04 A05 A06
    assert list(rows["record_date"]) == ["2024-05-15", "2024-06-03", "2024-06-18"]  # written as dates in any form
    assert set(rows["source_file"]) == {"活动记录.xlsx"}
    # Title row, blank row, header on row 3: A01 is on row 4, so A04 on row 7.
    assert list(rows["source_row"]) == [7, 8, 9]
    assert list(rows["township_name"]) == ["青河镇", "青河镇", "石桥镇"]


def test_drill_rows_of_normalised_metrics_are_their_numerators(con):
    rows = c.metric_rows(con, m.Scope(("QH01",)), Q2, "voter_contacts_per_station")
    assert list(rows["record_id"]) == ["四月接待日", "五月接待日"]  # A01 A02, with 接待选民人数 12 + 8
    assert list(rows["state"]) == ["接待选民12人", "接待选民8人"]


def test_drill_rows_of_rates_mark_the_numerator(con):
    rows = c.metric_rows(con, m.Scope(("QH01",)), Q2, "resolution_rate")
    assert sorted(rows["record_id"]) == ["G01", "G02", "G03", "G04", "G09"]  # collected
    assert sorted(rows.loc[rows["state"] == "已办结", "record_id"]) == ["G01", "G02", "G03"]
    households = c.metric_rows(con, m.Scope(("QH01",)), Q2, "household_coverage")
    assert list(households["record_id"]) == ["H01", "H02", "H03", "H04", "H05"]
    # Marked by the coverage window, 2024代表行动: H03's visit (03-01) is not in it.
    assert list(households["state"]) == ["已走访", "已走访", "未走访", "已走访", "未走访"]
    assert list(households["description"]) == ["陈**", "林**", "黄**", "何**", "郭**"]  # masked head names
    deputies = c.metric_rows(con, m.Scope(("QH02",)), Q2, "campaign_deputy_participation")
    assert list(deputies["state"]) == ["已参加走访", "已参加走访", "未参加走访"]  # D05 D06; D07 7-02


def test_drill_headers_name_what_each_register_holds():
    assert c.drill_columns("suggestions_collected")["category"] == "来源"  # never 类别 for a 来源
    assert c.drill_columns("inspections")["category"] == "活动类型"
    assert c.drill_columns("inspections")["record_id"] == "活动名称"
    assert "record_date" not in c.drill_columns("campaign_household_coverage")  # a roster has no date


def test_empty_period(con):
    frame = c.township_metrics(con, ALL, EMPTY)
    assert c.is_empty(frame)
    assert not c.is_empty(c.township_metrics(con, ALL, Q2))
    assert list(frame["inspections"]) == [0, 0, 0]
    assert frame["resolution_rate"].isna().all()  # nothing collected: no rate
    assert list(frame["household_coverage"]) == [0.0, 0.0, 0.0]  # 0 of the roster
    assert list(frame["campaign_household_coverage"]) == [0.0, 0.0, 0.0]  # the year 2010 to date: no visit
    trend = c.township_trend(con, ALL, EMPTY, "inspections")
    assert len(trend) == 3 and trend[["QH01", "QH02", "QH03"]].to_numpy().sum() == 0
    assert c.metric_rows(con, ALL, EMPTY, "inspections").empty


def test_unknown_metric_is_refused(con):
    with pytest.raises(ValueError):
        c.township_trend(con, ALL, Q2, "drop table")
    with pytest.raises(ValueError):  # a campaign window has no monthly trend
        c.township_trend(con, ALL, Q2, "campaign_household_coverage")
