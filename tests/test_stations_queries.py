"""queries/stations.py against figures counted by hand from tests/conftest.py.

Stations: S01 青河镇代表活动站 (QH01, set up 2018-03-01), S02 东村代表联络站 (QH01, 2019-05-08),
S03 石桥镇代表之家 (QH02, no date). Deputies by station: S01 D01 D02; S02 D03 D04; S03 D05 D06 D07.
Activities with a station:
  A01 2024-04-10 S01 接待选民 12 voters (Excel row 4)    A02 2024-05-10 S01 接待选民 8 (row 5)
  A03 2024-04-20 S03 接待选民 5 (row 6)                  A05 2024-06-03 S02 执法检查 (row 8)
  A11 2024-06-28 S01 述职 (row 14)                       A12 2024-06-29 S03 述职 (row 15)
  A13 2024-03-31 S01 视察 (row 16)                       A14 2024-07-01 S01 接待选民 20 (row 17)
"""

from __future__ import annotations

import datetime as dt

import pytest

from queries import metrics as m
from queries import stations as q

Q2 = m.Period(dt.date(2024, 4, 1), dt.date(2024, 6, 30))
YEAR = m.Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
EMPTY = m.Period(dt.date(2010, 1, 1), dt.date(2010, 3, 31))
ALL = m.Scope(("QH01", "QH02", "QH03"))
QH01 = m.Scope(("QH01",))
QH02 = m.Scope(("QH02",))


def _column(frame, column: str) -> dict[str, object]:
    return dict(zip(frame["cell"], frame[column], strict=True))


def test_station_months_q2(con):
    frame = q.station_months(con, ALL, Q2)
    assert len(frame) == 9  # 3 stations × 3 months, zeros included
    assert list(dict.fromkeys(frame["station_label"])) == [
        "青河镇代表活动站（S01）", "东村代表联络站（S02）", "石桥镇代表之家（S03）"]
    assert _column(frame, "activities") == {
        "S01|2024-04": 1, "S01|2024-05": 1, "S01|2024-06": 1,  # A01, A02, A11
        "S02|2024-04": 0, "S02|2024-05": 0, "S02|2024-06": 1,  # A05
        "S03|2024-04": 1, "S03|2024-05": 0, "S03|2024-06": 1,  # A03, A12
    }
    assert _column(frame, "reception_text") == {
        "S01|2024-04": "1", "S01|2024-05": "1", "S01|2024-06": "缺",  # A01, A02; none in June
        "S02|2024-04": "缺", "S02|2024-05": "缺", "S02|2024-06": "缺",  # S02 held none
        "S03|2024-04": "1", "S03|2024-05": "缺", "S03|2024-06": "缺",  # A03
    }
    assert frame["reception_missed"].sum() == 6
    assert frame["activities_text"].tolist() == ["1", "1", "1", "0", "0", "1", "1", "0", "1"]


@pytest.mark.parametrize("scope", [ALL, QH01, QH02], ids=["all", "QH01", "QH02"])
def test_station_months_add_up_to_the_metric(con, scope):
    frame = q.station_months(con, scope, Q2)
    per_station = frame.groupby("station_id")["activities"].sum()
    assert {k: v for k, v in per_station.items() if v} == m.station_activities(con, scope, Q2)


def test_only_ended_months_after_set_up_are_judged(con):
    # 2024 for QH01, as of 2024-07-15: only January-June have ended (July runs to 07-31).
    frame = q.station_months(con, QH01, YEAR, as_of=dt.date(2024, 7, 15))
    assert len(frame) == 24
    missed = sorted(frame.loc[frame["reception_missed"], "cell"])
    # S01: no 接待选民 in Jan-Mar (A13 is 视察) nor June; S02: none in Jan-Jun.
    assert missed == ["S01|2024-01", "S01|2024-02", "S01|2024-03", "S01|2024-06",
                      "S02|2024-01", "S02|2024-02", "S02|2024-03", "S02|2024-04", "S02|2024-05", "S02|2024-06"]
    july = frame[frame["cell"] == "S01|2024-07"].iloc[0]
    assert (july["reception_days"], july["judged"], july["reception_text"]) == (1, False, "1")  # A14
    august = frame[frame["cell"] == "S02|2024-08"].iloc[0]
    assert (bool(august["judged"]), august["reception_text"]) == (False, "")
    # 2019 Q2: S02 was set up 2019-05-08, so only June 2019 is judged for it; S01 all three months.
    frame = q.station_months(con, QH01, m.Period(dt.date(2019, 4, 1), dt.date(2019, 6, 30)))
    assert sorted(frame.loc[frame["reception_missed"], "cell"]) == [
        "S01|2019-04", "S01|2019-05", "S01|2019-06", "S02|2019-06"]


def test_station_quarters_q2(con):
    frame = q.station_quarters(con, ALL, Q2)
    assert frame[["station_id", "quarter_label", "activities", "status"]].values.tolist() == [
        ["S01", "2024年第二季度", 3, "达标"],  # A01 A02 A11
        ["S02", "2024年第二季度", 1, "未达标"],  # A05
        ["S03", "2024年第二季度", 2, "达标"],  # A03 A12
    ]
    assert frame["cell_text"].tolist() == ["3次 达标", "1次 未达标", "2次 达标"]


def test_station_quarters_only_full_ended_quarters(con):
    # 2024 as of 2024-07-15: Q1 and Q2 only. S01 Q1: A13 -> 1; S02 Q1: none; S02 Q2: A05.
    frame = q.station_quarters(con, QH01, YEAR, as_of=dt.date(2024, 7, 15))
    assert frame[["station_id", "quarter_label", "activities", "status"]].values.tolist() == [
        ["S01", "2024年第一季度", 1, "未达标"],
        ["S01", "2024年第二季度", 3, "达标"],
        ["S02", "2024年第一季度", 0, "未达标"],
        ["S02", "2024年第二季度", 1, "未达标"],
    ]
    # No full quarter in May 2024; in 2019 Q2 S02 (set up 05-08) is not judged, S01 held none.
    assert q.station_quarters(con, ALL, m.Period(dt.date(2024, 5, 1), dt.date(2024, 5, 31))).empty
    frame = q.station_quarters(con, QH01, m.Period(dt.date(2019, 4, 1), dt.date(2019, 6, 30)))
    assert frame[["station_id", "activities", "status"]].values.tolist() == [["S01", 0, "未达标"]]


def test_station_voters_per_deputy(con):
    frame = q.station_voters(con, ALL, Q2)
    assert frame[["station_id", "voters_received", "deputies", "voters_per_deputy"]].values.tolist() == [
        ["S01", 20, 2, 10.0],  # A01 12 + A02 8; D01 D02
        ["S02", 0, 2, 0.0],  # no 接待选民; D03 D04
        ["S03", 5, 3, 1.7],  # A03 5; D05 D06 D07 -> 5 / 3 = 1.67
    ]
    assert frame["overall_per_deputy"].iloc[0] == 3.6  # 25 / 7 = 3.57
    # A14's 20 voters (07-01) are outside Q2; in the year they count for S01: 40 / 2.
    year = q.station_voters(con, QH01, YEAR)
    assert year["voters_per_deputy"].tolist() == [20.0, 0.0]


def test_station_activities_rows_with_source(con):
    frame = q.station_activities(con, ALL, Q2).rows
    # By date: A01 04-10, A03 04-20, A02 05-10, A05 06-03, A11 06-28, A12 06-29.
    assert list(frame["source_row"]) == [4, 6, 5, 8, 14, 15]
    assert set(frame["source_file"]) == {"活动记录.xlsx"}
    assert frame.iloc[0][["date", "township", "station", "kind", "title", "voters_received"]].tolist() == [
        "2024-04-10", "青河镇", "青河镇代表活动站", "接待选民", "四月接待日", 12]
    assert list(q.station_activities(con, ALL, Q2, "S01").rows["source_row"]) == [4, 5, 14]  # A01 A02 A11
    assert list(q.station_activities(con, ALL, Q2, None, ("S03|2024-06",)).rows["source_row"]) == [15]  # A12
    assert list(q.station_activities(con, ALL, Q2, None, ("S01|2024-05", "S02|2024-06")).rows["source_row"]) == [5, 8]
    assert q.station_activities(con, ALL, Q2, "S02", ("S01|2024-05",)).rows.empty


def test_headline(con):
    assert q.headline(con, ALL, Q2) == {
        "reception_days": 3, "voter_contacts": 25,  # A01 A02 A03; 12 + 8 + 5
        "stations_total": 3, "reception_months_missed": 6,  # S01 Jun; S02 Apr-Jun; S03 May, Jun
    }
    assert q.headline(con, QH01, Q2) == {
        "reception_days": 2, "voter_contacts": 20, "stations_total": 2, "reception_months_missed": 4}
    # One station: S01 held A01 A02 (12 + 8), missed June.
    assert q.headline(con, ALL, Q2, "S01") == {
        "reception_days": 2, "voter_contacts": 20, "stations_total": 1, "reception_months_missed": 1}


def test_one_station_figures_add_up_to_the_metrics(con):
    # Every Q2 接待选民 row (A01 A02 A03) has a station, so the per-station figures sum to the metrics.
    per_station = [q.headline(con, ALL, Q2, station) for station in ("S01", "S02", "S03")]
    assert sum(h["reception_days"] for h in per_station) == m.reception_days(con, ALL, Q2) == 3
    assert sum(h["voter_contacts"] for h in per_station) == m.voter_contacts(con, ALL, Q2) == 25


def test_empty_period(con):
    frame = q.station_months(con, ALL, EMPTY)
    assert len(frame) == 9 and frame["activities"].sum() == 0
    # 2010: S01 (2018) and S02 (2019) did not exist yet; S03 has no set-up date, so it is judged.
    assert sorted(frame.loc[frame["reception_missed"], "cell"]) == ["S03|2010-01", "S03|2010-02", "S03|2010-03"]
    assert q.station_quarters(con, ALL, EMPTY)[["station_id", "activities", "status"]].values.tolist() == [
        ["S03", 0, "未达标"]]
    assert q.station_voters(con, ALL, EMPTY)["voters_received"].tolist() == [0, 0, 0]
    assert q.station_activities(con, ALL, EMPTY).rows.empty
    assert q.headline(con, QH01, EMPTY) == {
        "reception_days": 0, "voter_contacts": 0, "stations_total": 2, "reception_months_missed": 0}
    # A township without stations (QH03): nothing to show.
    assert q.station_months(con, m.Scope(("QH03",)), Q2).empty
