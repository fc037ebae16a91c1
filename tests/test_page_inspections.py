"""The 监督视察 page in Streamlit's AppTest against the hand-counted county (tests/conftest.py).

Scope QH01 (青河镇), 2024 Q2. Supervision activities of QH01 in Q2, by date:
  A10 04-25 调研 (Excel row 13), A04 05-15 视察 (row 7), A07 05-20 评议 镇卫生院 (row 10),
  A05 06-03 执法检查 (row 8), A09 06-25 评议 镇派出所 (row 12).
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from queries.db import PROJECT_ROOT
from tests.apptest import EMPTY, Q2, new_app, tile

APP = str(PROJECT_ROOT / "dashboard.py")
PAGE = str(PROJECT_ROOT / "pages" / "inspections.py")


@pytest.fixture
def app(county_db_master, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(county_db_master))

    def make(script: str, **query) -> AppTest:
        return new_app(script, query)

    return make


def assert_hand_counted_q2_qh01(at: AppTest) -> None:
    assert not at.exception
    assert tile(at, "视察检查次数") == "2次"  # A04, A05
    assert tile(at, "监督活动次数") == "5次"  # A04, A05, A07, A09, A10
    assert tile(at, "评议单位数") == "2个"  # 镇卫生院 (A07), 镇派出所 (A09)
    caption = at.caption[0].value
    assert "青河镇" in caption and "2024年第二季度" in caption
    assert len(at.get("plotly_chart")) == 2  # monthly stacked bars, themes
    rows = at.dataframe[0].value
    assert list(rows["行号"]) == [13, 7, 10, 8, 12]
    assert list(rows["活动类型"]) == ["调研", "视察", "评议", "执法检查", "评议"]
    assert set(rows["来源文件"]) == {"活动记录.xlsx"}
    units = at.dataframe[1].value
    assert dict(zip(units["评议对象"], units["评议次数（次）"], strict=True)) == {"镇卫生院": 1, "镇派出所": 1}


def test_page_standalone_shows_hand_counted_figures(app):
    at = app(PAGE, township="QH01", **Q2).run()
    assert_hand_counted_q2_qh01(at)


def test_picking_a_month_and_kind_narrows_the_table(app):
    at = app(PAGE, township="QH01", **Q2).run()
    at.multiselect(key="inspections_cells").select("2024-06|评议").run()
    assert not at.exception
    rows = at.dataframe[0].value
    assert list(rows["行号"]) == [12]  # A09 only (A08 06-20 is QH02)
    assert list(rows["评议对象"]) == ["镇派出所"]


def test_all_townships(app):
    at = app(PAGE, **Q2).run()
    assert not at.exception
    assert tile(at, "视察检查次数") == "3次"  # + A06 (QH02)
    assert tile(at, "监督活动次数") == "7次"  # + A06, A08
    assert len(at.dataframe[0].value) == 7


def test_empty_period_shows_notes(app):
    at = app(PAGE, township="QH01", **EMPTY).run()
    assert not at.exception
    assert tile(at, "视察检查次数") == "0次"
    assert len(at.info) == 3 and all("没有" in info.value for info in at.info)
    assert not at.get("plotly_chart")
    assert not at.dataframe


def test_page_through_the_dashboard(app):
    """Passes once dashboard.py registers pages/inspections.py."""
    at = app(APP, township="QH01", **Q2).run()
    at.switch_page("pages/inspections.py").run()
    assert_hand_counted_q2_qh01(at)
