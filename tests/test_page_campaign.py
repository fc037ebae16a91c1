"""The 代表行动 page rendered by Streamlit's AppTest against the hand-counted county.

Figures for 青河镇 (QH01), 2024 Q2 (see tests/test_campaign_queries.py for the rows):
households visited H01 H02 H04 of H01-H05 (3/5, 60.0%); deputies visiting D01-D04 (4/4);
problems found 2+1+0+3+1+0 = 7, solved 1+1+0+2+1+0 = 5; consoled H01 H04 = 2;
enterprises 青河食品厂 = 1; not visited H03 黄国庆, H05 郭建华; visits 走访记录.csv rows 2-7.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from charts.theme import BAD, PALETTE
from queries.db import PROJECT_ROOT
from tests.apptest import chart_specs, frame_by_header, new_app, open_page, tile
from tests.apptest import plotly_values as values

PAGE = str(PROJECT_ROOT / "pages" / "campaign.py")
Q2 = {"township": "QH01", "from": "2024-04-01", "to": "2024-06-30"}
EMPTY = {"from": "2010-01-01", "to": "2010-03-31"}


@pytest.fixture
def page(county_db_master, monkeypatch):
    """Run the page alone (it needs nothing from the navigation) with the given URL."""
    monkeypatch.setenv("DASHBOARD_DB", str(county_db_master))

    def run(**query) -> AppTest:
        return new_app(PAGE, query).run()

    return run


def charts(at: AppTest) -> dict[str, dict]:
    """The plotly figures on the page (as JSON), by their title."""
    return {figure["layout"]["title"]["text"]: figure for figure in chart_specs(at)}


def assert_hand_counted_q2(at: AppTest) -> None:
    assert not at.exception
    caption = at.caption[0].value
    assert "青河镇" in caption and "2024年第二季度" in caption
    assert tile(at, "发现问题数") == "7个"
    assert tile(at, "解决问题数") == "5个"
    assert tile(at, "慰问户数") == "2户"
    assert tile(at, "走访企业数") == "1家"
    shown = charts(at)
    progress = "走访覆盖与代表参与进度：2024代表行动（2024-05-06 至 2024-06-15）"  # the campaign, not the quarter
    assert {progress, "脱贫户走访累计覆盖率（逐日）", "各村脱贫户走访覆盖率",
            "各代表小组参与率", "各行动分队参与率"} <= shown.keys()
    assert any("按2024代表行动（2024-05-06 至 2024-06-15）统计：专项行动已结束" in c.value for c in at.caption)
    annotations = shown[progress]["layout"]["annotations"]
    progress_labels = [a["text"] for a in annotations if "\u3000" in a["text"]]
    assert progress_labels == ["60.0%\u30003/5户", "100.0%\u30004/4人"]
    assert shown[progress]["data"][1]["marker"]["color"] == [BAD, "#2E7D4F"]  # finished: judged
    assert values(shown["脱贫户走访累计覆盖率（逐日）"]["data"][0]["y"])[-1] == 0.6  # the metric's 3/5
    villages = shown["各村脱贫户走访覆盖率"]["data"][0]
    assert values(villages["y"]) == ["西村", "东村"]  # 1/2, then 2/3
    assert values(villages["text"]) == ["50.0%（1/2户）", "66.7%（2/3户）"]  # counts beside the bars
    not_visited = frame_by_header(at, "户主")
    assert list(not_visited["户编号"]) == ["H03", "H05"]
    assert list(not_visited["户主"]) == ["黄**", "郭**"]
    visits = frame_by_header(at, "走访代表")
    assert list(visits["行号"]) == [2, 3, 4, 5, 6, 7]
    assert set(visits["来源文件"]) == {"走访记录.csv"}
    assert any("未参加走访的代表" in info.value for info in at.info)  # D01-D04 all took part


def test_campaign_page_shows_hand_counted_figures(page):
    assert_hand_counted_q2(page(**Q2))


def test_campaign_page_drills_down_by_village(page):
    at = page(**Q2)
    at.multiselect(key="campaign_village_pick").set_value(["东村"]).run()
    assert not at.exception
    assert list(frame_by_header(at, "户主")["户编号"]) == ["H03"]
    assert list(frame_by_header(at, "走访代表")["行号"]) == [2, 3, 4]  # H01, H02, H01 again


def test_campaign_page_all_townships_lists_missing_deputies(page):
    at = page(**{"from": "2024-04-01", "to": "2024-06-30"})
    assert not at.exception
    assert tile(at, "发现问题数") == "10个" and tile(at, "解决问题数") == "7个"
    absent = frame_by_header(at, "行动分队")
    assert list(absent["代表编号"]) == ["D07", "D08"]  # D07 visited only 07-02, D08 never
    assert list(frame_by_header(at, "户主")["户编号"]) == ["H03", "H05", "H07", "H08"]
    # County-wide: one bar per township (not per village or group) …
    shown = charts(at)
    assert values(shown["各乡镇脱贫户走访覆盖率"]["data"][0]["y"]) == ["柳林乡", "石桥镇", "青河镇"]
    assert values(shown["各乡镇代表参与率"]["data"][0]["y"]) == ["柳林乡", "石桥镇", "青河镇"]
    assert "各村脱贫户走访覆盖率" not in shown and "各代表小组参与率" not in shown
    # … and a township picked shows its own villages and groups.
    at.selectbox(key="campaign_township").set_value("QH02").run()
    assert not at.exception
    shown = charts(at)
    assert values(shown["石桥镇各村脱贫户走访覆盖率"]["data"][0]["y"]) == ["南村"]
    at.multiselect(key="campaign_group_pick").set_value(["第1代表组"]).run()
    assert list(frame_by_header(at, "行动分队")["代表编号"]) == ["D07"]


def test_a_campaign_under_way_is_never_red(page):
    # May 2024: 2024代表行动 goes on into June. QH01 has H01 H02 of 5 (40%) so far: drawn in the
    # neutral navy, not red, and said to be under way.
    at = page(township="QH01", **{"from": "2024-05-01", "to": "2024-05-31"})
    assert not at.exception
    progress = charts(at)["走访覆盖与代表参与进度：2024代表行动（2024-05-06 至 2024-05-31）"]
    assert progress["data"][1]["marker"]["color"] == [PALETTE[0], PALETTE[0]]
    assert any("专项行动进行中" in c.value for c in at.caption)


def test_a_quarter_without_a_campaign_shows_the_year_to_date(page):
    at = page(township="QH01", **{"from": "2024-07-01", "to": "2024-09-30"})
    assert not at.exception
    # Not the quarter's 0 %: H01 H02 H03 H04 visited this year, 4 of 5.
    assert any(title.startswith("走访覆盖与代表参与进度：本年累计（2024-01-01 至 2024-09-30）") for title in charts(at))
    assert any("统计期内没有专项行动，按本年累计统计" in c.value for c in at.caption)


def test_campaign_page_masks_phones(page):
    at = page(**EMPTY)  # nobody visited: every deputy is on the gap list
    absent = frame_by_header(at, "联系电话")
    assert list(absent["联系电话"])[:2] == ["139****1234", "138****1111"]  # D01, D02
    assert "13912341234" not in absent.to_string()


def test_campaign_page_empty_period_shows_notes(page):
    at = page(**EMPTY)
    assert not at.exception
    assert any("没有脱贫户走访记录" in info.value for info in at.info)
    assert any("没有代表参加走访记录" in info.value for info in at.info)
    assert tile(at, "发现问题数") == "0个"
    assert "脱贫户走访累计覆盖率（逐日）" not in charts(at)
    assert len(frame_by_header(at, "户主")) == 8  # every roster household is still to visit


def test_campaign_page_through_the_navigation(county_db_master, monkeypatch):
    """Passes once dashboard.py registers pages/campaign.py."""
    monkeypatch.setenv("DASHBOARD_DB", str(county_db_master))
    at = open_page("pages/campaign.py", True, Q2)
    assert_hand_counted_q2(at)

    empty = open_page("pages/campaign.py", True, EMPTY)
    assert not empty.exception
    assert any("没有脱贫户走访记录" in info.value for info in empty.info)
