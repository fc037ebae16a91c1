"""queries/inspections.py against figures counted by hand from tests/conftest.py.

Period 2024 Q2 (2024-04-01 … 2024-06-30). Supervision activities of ACTIVITIES in Q2:
  A04 05-15 QH01 视察 经济建设      (Excel row 7)
  A05 06-03 QH01 执法检查 生态环境  (row 8)
  A06 06-18 QH02 视察 (no theme)    (row 9)
  A07 05-20 QH01 评议 镇卫生院      (row 10)
  A08 06-20 QH02 评议 镇卫生院      (row 11)
  A09 06-25 QH01 评议 镇派出所      (row 12)
  A10 04-25 QH01 调研 民生热点      (row 13)
A13 (视察, 03-31) is outside Q2. Excel rows: title row 1, blank row 2, header row 3, A01 on row 4.
"""

from __future__ import annotations

import datetime as dt

import pytest

from queries import inspections as q
from queries import metrics as m

Q2 = m.Period(dt.date(2024, 4, 1), dt.date(2024, 6, 30))
EMPTY = m.Period(dt.date(2010, 1, 1), dt.date(2010, 3, 31))
ALL = m.Scope(("QH01", "QH02", "QH03"))
QH01 = m.Scope(("QH01",))
QH02 = m.Scope(("QH02",))


def _by_cell(frame) -> dict[str, int]:
    return dict(zip(frame["cell"], frame["activities"], strict=True))


def test_supervision_by_month_all(con):
    frame = q.supervision_by_month(con, ALL, Q2)
    # 3 months × 4 kinds, zeros included, kinds in contract order.
    assert len(frame) == 12
    assert list(dict.fromkeys(frame["kind"])) == ["视察", "执法检查", "调研", "评议"]
    assert _by_cell(frame) == {
        "2024-04|视察": 0, "2024-05|视察": 1, "2024-06|视察": 1,  # A04, A06
        "2024-04|执法检查": 0, "2024-05|执法检查": 0, "2024-06|执法检查": 1,  # A05
        "2024-04|调研": 1, "2024-05|调研": 0, "2024-06|调研": 0,  # A10
        "2024-04|评议": 0, "2024-05|评议": 1, "2024-06|评议": 2,  # A07; A08, A09
    }


def test_supervision_by_month_township(con):
    # QH01: A04 (05 视察), A05 (06 执法检查), A10 (04 调研), A07 (05 评议), A09 (06 评议).
    cells = {cell: n for cell, n in _by_cell(q.supervision_by_month(con, QH01, Q2)).items() if n}
    assert cells == {"2024-05|视察": 1, "2024-06|执法检查": 1, "2024-04|调研": 1, "2024-05|评议": 1, "2024-06|评议": 1}


@pytest.mark.parametrize("scope", [ALL, QH01, QH02], ids=["all", "QH01", "QH02"])
def test_monthly_bars_add_up_to_the_metrics(con, scope):
    frame = q.supervision_by_month(con, scope, Q2)
    assert frame["activities"].sum() == m.supervision(con, scope, Q2)
    inspections = frame[frame["kind"].isin(m.INSPECTION_KINDS)]["activities"].sum()
    assert inspections == m.inspections(con, scope, Q2)


def test_inspections_by_theme(con):
    frame = q.inspections_by_theme(con, ALL, Q2)
    # A04 经济建设, A05 生态环境, A06 no theme -> 未填写.
    assert dict(zip(frame["theme"], frame["inspections"], strict=True)) == {"经济建设": 1, "生态环境": 1, "未填写": 1}
    # QH01: A04, A05 only.
    frame = q.inspections_by_theme(con, QH01, Q2)
    assert dict(zip(frame["theme"], frame["inspections"], strict=True)) == {"经济建设": 1, "生态环境": 1}


def test_evaluated_units(con):
    frame = q.evaluated_units(con, ALL, Q2).rows
    assert frame.to_dict("records") == [
        # A07 (青河镇 05-20) and A08 (石桥镇 06-20); township names in code-point order.
        {"evaluated_unit": "镇卫生院", "evaluations": 2, "dates": "2024-05-20、2024-06-20",
         "townships": "石桥镇、青河镇"},
        {"evaluated_unit": "镇派出所", "evaluations": 1, "dates": "2024-06-25", "townships": "青河镇"},  # A09
    ]
    assert len(frame) == m.evaluated_units(con, ALL, Q2) == 2
    # QH02: A08 only.
    frame = q.evaluated_units(con, QH02, Q2).rows
    assert list(frame["evaluated_unit"]) == ["镇卫生院"]
    assert len(frame) == m.evaluated_units(con, QH02, Q2)


def test_supervision_activities_all_rows_with_source(con):
    frame = q.supervision_activities(con, ALL, Q2).rows
    # By date: A10 04-25, A04 05-15, A07 05-20, A05 06-03, A06 06-18, A08 06-20, A09 06-25.
    assert list(frame["title"]) == ["调研农村道路", "视察工业园", "评议镇卫生院", "环保法执法检查", "视察道路",
                                    "评议镇卫生院", "评议派出所"]
    assert list(frame["source_row"]) == [13, 7, 10, 8, 9, 11, 12]
    assert set(frame["source_file"]) == {"活动记录.xlsx"}
    first = frame.iloc[0]
    assert (first["date"], first["township"], first["kind"], first["theme"], first["attendees"]) == (
        "2024-04-25", "青河镇", "调研", "民生热点", 1)  # A10: one deputy (D04), 参加人数 blank
    assert frame.iloc[3]["station"] == "东村代表联络站"  # A05 at S02
    assert frame.iloc[6]["evaluated_unit"] == "镇派出所"  # A09


def test_supervision_activities_narrowed_to_clicked_cells(con):
    june_evaluations = q.supervision_activities(con, ALL, Q2, ("2024-06|评议",)).rows
    assert list(june_evaluations["source_row"]) == [11, 12]  # A08, A09
    two_cells = q.supervision_activities(con, ALL, Q2, ("2024-04|调研", "2024-05|视察")).rows
    assert list(two_cells["source_row"]) == [13, 7]  # A10, A04
    assert q.supervision_activities(con, QH02, Q2, ("2024-04|调研",)).rows.empty  # A10 is QH01


def test_headline_is_the_metrics(con):
    assert q.headline(con, ALL, Q2) == {"inspections": 3, "supervision": 7, "evaluated_units": 2}
    assert q.headline(con, QH01, Q2) == {"inspections": 2, "supervision": 5, "evaluated_units": 2}


def test_empty_period(con):
    monthly = q.supervision_by_month(con, ALL, EMPTY)
    assert len(monthly) == 12 and monthly["activities"].sum() == 0
    assert q.inspections_by_theme(con, ALL, EMPTY).empty
    assert q.evaluated_units(con, ALL, EMPTY).rows.empty
    assert q.supervision_activities(con, ALL, EMPTY).rows.empty
    assert q.headline(con, ALL, EMPTY) == {"inspections": 0, "supervision": 0, "evaluated_units": 0}
