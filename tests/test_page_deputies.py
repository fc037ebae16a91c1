"""The 代表履职 page rendered by Streamlit's AppTest against the hand-counted county.

Figures for 青河镇 (QH01), 2024 Q2 (rows counted in tests/test_deputies_queries.py):
  D01 张三丰 activities 5, visits 3, suggestions 1, 述职 1, last 2024-06-28, phone 139****1234
  D02 李四   4 / 2 / 1 / 1, 2024-06-28 | D03 王五 3 / 1 / 0 / 0, 2024-06-25 | D04 赵六 3 / 1 / 0 / 1, 2024-06-28
Nobody in QH01 is inactive; in all townships D07 周九 is (his only visit is 07-02).
D01's calendar and detail: A01 A02 A04 A07 A11 and visits rows 2, 3, 7 = 8 rows.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from queries.db import PROJECT_ROOT
from tests.apptest import chart_specs, frame_by_header, new_app, open_page, plotly_values, tiles

PAGE = str(PROJECT_ROOT / "pages" / "deputies.py")
Q2 = {"township": "QH01", "from": "2024-04-01", "to": "2024-06-30"}
EMPTY = {"from": "2010-01-01", "to": "2010-03-31"}


@pytest.fixture
def page(county_db_master, monkeypatch):
    """Run the page alone (it needs nothing from the navigation) with the given URL."""
    monkeypatch.setenv("DASHBOARD_DB", str(county_db_master))

    def run(**query) -> AppTest:
        return new_app(PAGE, query).run()

    return run


COMPOSITION_CHARTS = ["五级代表构成与述职代表", "代表性别构成", "代表年龄构成", "代表学历构成", "代表职业构成"]


def chart_titles(at: AppTest) -> list[str]:
    """The charts of the deputy section (the roster's composition charts come first on the page)."""
    titles = [spec["layout"]["title"]["text"] for spec in chart_specs(at)]
    assert titles[:5] == COMPOSITION_CHARTS
    return titles[5:]


def assert_hand_counted_q2(at: AppTest) -> None:
    assert not at.exception
    caption = at.caption[0].value
    assert "青河镇" in caption and "2024年第二季度" in caption
    records = frame_by_header(at, "参加活动（次）")
    assert list(records["代表编号"]) == ["D01", "D02", "D03", "D04"]
    assert list(records["参加活动（次）"]) == [5, 4, 3, 3]
    assert list(records["走访（次）"]) == [3, 2, 1, 1]
    assert list(records["提出建议（条）"]) == [1, 1, 0, 0]
    assert list(records["述职（次）"]) == [1, 1, 0, 1]
    assert list(records["最近履职日期"]) == ["2024-06-28", "2024-06-28", "2024-06-25", "2024-06-28"]
    assert list(records["联系电话"]) == ["139****1234", "138****1111", "", ""]
    assert "13912341234" not in records.to_string()
    assert any("6个月以上未履职的代表" in info.value for info in at.info)  # nobody in QH01
    assert at.selectbox(key="deputies_pick").value == "D01"
    assert chart_titles(at) == ["张三丰的活动日历", "活动类型构成与同类代表对比"]
    deeds = frame_by_header(at, "活动名称/走访对象")
    assert len(deeds) == 8 and set(deeds["来源文件"]) == {"活动记录.xlsx", "走访记录.csv"}


def test_deputies_page_shows_hand_counted_figures(page):
    assert_hand_counted_q2(page(**Q2, deputy="D01"))


def test_deputies_page_picks_the_deputy_from_the_url(page):
    at = page(**Q2, deputy="D03")
    assert not at.exception
    assert at.selectbox(key="deputies_pick").value == "D03"
    assert chart_titles(at) == ["王五的活动日历", "活动类型构成与同类代表对比"]
    assert list(frame_by_header(at, "活动名称/走访对象")["日期"]) == [  # A04 r4 A05 A09
        "2024-05-15", "2024-05-20", "2024-06-03", "2024-06-25"]
    assert at.query_params["deputy"] == "D03"
    at.selectbox(key="deputies_pick").set_value("D04").run()
    assert at.query_params["deputy"] == "D04"  # the pick goes into the URL, to share the view


def test_deputies_page_filters_and_drills_down(page):
    at = page(**Q2, deputy="D01")
    at.multiselect(key="deputies_levels").set_value(["县"]).run()
    assert list(frame_by_header(at, "参加活动（次）")["代表编号"]) == ["D02"]
    at.multiselect(key="deputies_kind_pick").set_value(["接待选民"]).run()
    assert list(frame_by_header(at, "活动名称/走访对象")["活动名称/走访对象"]) == ["四月接待日", "五月接待日"]


def test_deputies_page_lists_inactive_deputies(page):
    at = page(**{"from": "2024-04-01", "to": "2024-06-30"})
    assert not at.exception
    inactive = next(df.value for df in at.dataframe if "参加活动（次）" not in df.value.columns
                    and "最近履职日期" in df.value.columns)
    assert list(inactive["代表编号"]) == ["D07"] and list(inactive["最近履职日期"]) == ["无记录"]


def test_deputies_page_without_peers_says_so(page):
    at = page(**Q2, deputy="D02")  # the only 县 deputy of QH01
    assert not at.exception
    assert any("无法对比" in caption.value for caption in at.caption)


def test_deputies_page_empty_period_shows_notes(page):
    at = page(**EMPTY, deputy="D01")
    assert not at.exception
    assert any("没有张三丰参加活动或走访的记录" in info.value for info in at.info)
    assert chart_titles(at) == []  # the roster's composition stands in any period
    records = frame_by_header(at, "参加活动（次）")
    assert len(records) == 8 and records["参加活动（次）"].sum() == 0
    assert set(records["最近履职日期"]) == {"无记录"}


def test_deputies_page_through_the_navigation(county_db_master, monkeypatch):
    """Passes once dashboard.py registers pages/deputies.py."""
    monkeypatch.setenv("DASHBOARD_DB", str(county_db_master))
    at = open_page("pages/deputies.py", True, {**Q2, "deputy": "D01"})
    assert_hand_counted_q2(at)

    empty = open_page("pages/deputies.py", True, {**EMPTY, "deputy": "D01"})
    assert not empty.exception
    assert any("没有张三丰参加活动或走访的记录" in info.value for info in empty.info)


def test_deputies_page_shows_the_rosters_composition(page):
    at = page(**Q2, deputy="D01")
    assert not at.exception
    # QH01 roster D01-D04: 乡镇 D01 D03, 县 D02, 市 D04; 述职 in Q2 (A11): D01 D02 D04.
    levels = chart_specs(at)[0]["data"]
    assert levels[0]["x"] == ["市", "县", "乡镇"] and plotly_values(levels[0]["y"]) == [1, 1, 2]
    assert plotly_values(levels[1]["y"]) == [1, 1, 1]
    assert tiles(at)["代表组数"] == "2个" and tiles(at)["行动分队数"] == "2个"  # 第1/第2代表组; 一/二分队
    assert tiles(at)["述职代表数"] == "3人"
    gender = chart_specs(at)[1]["data"][0]  # D01 男, D02 女, D03 男, D04 女
    assert list(gender["x"]) == ["男", "女"] and plotly_values(gender["y"]) == [2, 2]
    ages = chart_specs(at)[2]["data"][0]  # 2024 − 1970, 1975, 1980, 1966: 54, 49, 44, 58
    assert list(ages["x"]) == ["36至55岁", "56岁及以上"] and plotly_values(ages["y"]) == [3, 1]
