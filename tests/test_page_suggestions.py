"""The 建议办理 page rendered by AppTest against the hand-counted county (tests/conftest.py).

Each test runs twice: through dashboard.py and its navigation (as users reach the page),
and the page script on its own (it only needs the filters and the query layer).
Hand counts for QH01 in 2024 Q2: collected G01 G02 G03 G04 G09; resolved G01 G02 G03 G06
(days 30, 60, 10, 106 -> median 45); 已办结 now of those collected: G01 G02 G03 (3/5);
overdue G08 (97 days); due soon G09 (4-05 + 90 = 7-04); satisfaction G01 满意, G02 基本满意, G03 不满意.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import EMPTY, Q2, chart_specs, plotly_values, tiles
from tests.apptest import open_page as open_app

PAGE = "pages/suggestions.py"


@pytest.fixture(params=["dashboard", "standalone"])
def open_page(request, county_db_master, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(county_db_master))

    def open_(**query) -> AppTest:
        return open_app(PAGE, request.param == "dashboard", query)

    return open_


def ids(at: AppTest, index: int) -> list[str]:
    return at.dataframe[index].value["编号"].tolist()


def test_hand_counted_figures_for_one_township(open_page):
    at = open_page(township="QH01", **Q2)
    assert not at.exception
    assert tiles(at) == {
        "建议收集数": "5条", "建议办结数": "4条", "本期收集件办结率": "60.0%", "办理时长中位数": "45天",
        "超期未办结": "1条", "临期": "1条", "满意率": "66.7%",
    }
    caption = at.caption[0].value
    assert "青河镇" in caption and "2024年第二季度" in caption
    # by source, flow, days distribution, rate by category, rate by handler, outcome donut, satisfaction.
    assert len(at.get("plotly_chart")) == 7
    sources = chart_specs(at)[0]["data"][0]  # QH01 Q2: 选民意见 G01 G02 G04 G09, 代表建议 G03
    assert list(sources["x"]) == ["选民意见", "代表建议"] and plotly_values(sources["y"]) == [4, 1]
    # Tables: the drill-down (collected in Q2, by receipt date), the overdue list, the due-soon list.
    assert ids(at, 0) == ["G09", "G01", "G02", "G03", "G04"]
    overdue = at.dataframe[1].value
    assert overdue[["编号", "乡镇", "承办单位", "办理状态", "已办理天数", "来源文件", "行号"]].values.tolist() == [
        ["G08", "青河镇", "未填写", "已收集", 97, "建议意见登记.csv", 9],
    ]
    due_soon = at.dataframe[2].value
    assert due_soon[["编号", "已办理天数", "办理时限到期日", "行号"]].values.tolist() == [["G09", 86, "2024-07-04", 10]]
    wanted = {"编号", "收集日期", "乡镇", "内容摘要", "承办单位", "提出代表", "办理状态", "来源文件", "行号"}
    assert wanted <= set(due_soon)


def test_all_townships_lists_match_the_tiles(open_page):
    at = open_page(**Q2)
    assert not at.exception
    figures = tiles(at)
    shown = (figures["建议收集数"], figures["本期收集件办结率"], figures["超期未办结"], figures["临期"])
    assert shown == ("8条", "50.0%", "2条", "1条")  # G01..G12 in Q2: 8 collected, 4 now 已办结; G07 G08; G09
    assert len(ids(at, 0)) == 8  # G12 G09 G01 G02 G03 G04 G05 G10
    assert ids(at, 1) == ["G07", "G08"]  # 141 and 97 days open at 6-30
    assert at.dataframe[1].value["提出代表"].tolist() == ["孙八", ""]  # G07 raised by D06
    assert ids(at, 2) == ["G09"]


def test_picking_a_category_and_a_handler_narrows_the_rows(open_page):
    at = open_page(**Q2)
    at.multiselect(key="suggestions_pick_category").set_value(["交通出行", "环境卫生"]).run()
    assert not at.exception
    assert ids(at, 0) == ["G09", "G01", "G02", "G10"]
    at.multiselect(key="suggestions_pick_handler").set_value(["镇交通办（青河镇）"]).run()
    assert ids(at, 0) == ["G09", "G01"]


def test_empty_period_shows_notes_not_charts(open_page):
    at = open_page(**EMPTY)
    assert not at.exception
    assert tiles(at)["本期收集件办结率"] == "—"
    assert tiles(at)["建议收集数"] == "0条"
    assert not at.get("plotly_chart")
    assert not at.dataframe
    notes = [info.value for info in at.info]
    assert "所选范围和统计期内没有意见建议记录。" in notes
    assert "所选范围和统计期内没有超期未办结的意见建议记录。" in notes
