"""The 活动站 page in Streamlit's AppTest against the hand-counted county (tests/conftest.py).

Scope QH01 (青河镇), 2024 Q2: stations S01 (D01 D02) and S02 (D03 D04). Activities with a station:
  A01 04-10 S01 接待选民 12 voters (Excel row 4), A02 05-10 S01 接待选民 8 (row 5),
  A05 06-03 S02 执法检查 (row 8), A11 06-28 S01 述职 (row 14).
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from queries.db import PROJECT_ROOT
from tests.apptest import EMPTY, Q2, chart_specs, new_app, plotly_values, tile

APP = str(PROJECT_ROOT / "dashboard.py")
PAGE = str(PROJECT_ROOT / "pages" / "stations.py")


@pytest.fixture
def app(county_db_master, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(county_db_master))

    def make(script: str, **query) -> AppTest:
        return new_app(script, query)

    return make


def assert_hand_counted_q2_qh01(at: AppTest) -> None:
    assert not at.exception
    assert tile(at, "接待日") == "2次"  # A01 (S01 Apr), A02 (S01 May)
    assert tile(at, "联系选民人次") == "20人次"  # 12 + 8
    assert tile(at, "活动站数") == "2个"  # S01, S02
    assert tile(at, "缺接待日站月数") == "4个"  # S01 Jun; S02 Apr, May, Jun
    caption = at.caption[0].value
    assert "青河镇" in caption and "2024年第二季度" in caption
    # activities grid, reception grid, quarters, voters per deputy, activities per station over the term
    assert len(at.get("plotly_chart")) == 5
    assert tile(at, "活动站总数") == "2个" and tile(at, "新设立活动站数") == "0个"  # S01 (2018), S02 (2019)
    assert tile(at, "每站最少活动次数") == "1次"  # S01 A01 A02 A11, S02 A05
    # Term since 2021-10-01 up to the period's end (2024-06-30): S02 A05 only; S01 A13 (03-31) A01 A02 A11
    # (A14 on 07-01 is after the quarter shown).
    tally = chart_specs(at)[4]["data"][0]
    assert tally["y"] == ["东村代表联络站（S02）", "青河镇代表活动站（S01）"] and plotly_values(tally["x"]) == [1, 4]
    rows = at.dataframe[0].value
    assert list(rows["行号"]) == [4, 5, 8, 14]  # A01 A02 A05 A11
    assert set(rows["来源文件"]) == {"活动记录.xlsx"}
    quarters = at.dataframe[1].value
    # S01: A01 A02 A11 = 3 (≥ 2); S02: A05 = 1.
    assert quarters[["活动次数（次）", "是否达标"]].values.tolist() == [[3, "达标"], [1, "未达标"]]
    voters = at.dataframe[2].value
    # S01: 20 voters / 2 deputies; S02: 0 / 2.
    assert voters[["联系选民（人次）", "驻站代表（人）", "人均联系选民（人次）"]].values.tolist() == [
        [20, 2, 10.0], [0, 2, 0.0]]


def test_page_standalone_shows_hand_counted_figures(app):
    at = app(PAGE, township="QH01", **Q2).run()
    assert_hand_counted_q2_qh01(at)


def test_reception_grid_marks_missing_months(app):
    at = app(PAGE, township="QH01", **Q2).run()
    reception = chart_specs(at)[1]["data"][0]
    # Rows S01, S02; columns Apr, May, Jun. S01 held A01 (Apr), A02 (May); the rest is 缺.
    assert reception["y"] == ["青河镇代表活动站（S01）", "东村代表联络站（S02）"]
    assert reception["text"] == [["1", "1", "缺"], ["缺", "缺", "缺"]]


def test_picking_a_station_month_narrows_the_table(app):
    at = app(PAGE, township="QH01", **Q2).run()
    at.multiselect(key="stations_cells").select("S01|2024-05").run()
    assert not at.exception
    assert list(at.dataframe[0].value["行号"]) == [5]  # A02


def test_one_station(app):
    at = app(PAGE, station="S03", **Q2).run()
    assert not at.exception
    assert tile(at, "接待日") == "1次"  # A03
    assert tile(at, "联系选民人次") == "5人次"
    assert tile(at, "活动站数") == "1个"
    assert tile(at, "缺接待日站月数") == "2个"  # May, June
    assert list(at.dataframe[0].value["行号"]) == [6, 15]  # A03, A12


def test_empty_period_shows_a_note(app):
    at = app(PAGE, township="QH01", **EMPTY).run()
    assert not at.exception
    assert tile(at, "接待日") == "0次"
    assert tile(at, "缺接待日站月数") == "0个"  # S01 (2018) and S02 (2019) did not exist in 2010
    assert any("没有" in info.value for info in at.info)
    assert not at.get("plotly_chart")
    assert not at.dataframe


def test_page_through_the_dashboard(app):
    """Passes once dashboard.py registers pages/stations.py."""
    at = app(APP, township="QH01", **Q2).run()
    at.switch_page("pages/stations.py").run()
    assert_hand_counted_q2_qh01(at)


def test_an_empty_cell_is_empty_never_none(app):
    """A number column with gaps (接待选民人数 of a 执法检查) shows nothing there, not "None"."""
    at = app(PAGE, township="QH01", **Q2).run()
    rows = at.dataframe[0].value  # A01 A02 A05 A11
    assert rows["接待选民人数（人）"].tolist() == ["12", "8", "", ""]
    assert not rows.isna().to_numpy().any()
