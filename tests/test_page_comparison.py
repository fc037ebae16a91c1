"""The 乡镇对比 page rendered by AppTest against the hand-counted county (tests/conftest.py).

Each test runs twice: through dashboard.py and its navigation (as users reach the page),
and the page script on its own. Hand counts for 2024 Q2:
- 青河镇 QH01: 视察检查 A04 A05 = 2; 监督 A04 A05 A07 A09 A10 = 5; 建议收集 G01 G02 G03 G04 G09 = 5,
  of which 已办结 G01 G02 G03 (60.0%); 超期 G08 = 1; 走访覆盖 H01 H02 H04 of 5 (60.0%); 代表参与
  D01-D04 of 4 (100.0%); 接待日 A01 A02 = 2; 联系选民 12 + 8 = 20; 4 deputies, 2 stations (S01 S02),
  5 households; per 100 deputies: 监督 125, 建议 125; per station: 活动 8/2 = 4, 接待日 1, 选民 10.
- 石桥镇 QH02: 视察检查 A06 = 1; 监督 A06 A08 = 2; 建议收集 G05 G10 = 2, 已办结 G10 (50.0%); 超期 G07 = 1;
  覆盖 H06 of 2 (50.0%); 参与 D05 D06 of 3 (66.7%); 接待日 A03 = 1; 联系选民 5; 3 deputies, 1 station,
  2 households; per 100 deputies: 监督 66.67, 建议 66.67; per station: 活动 4 (A03 A06 A08 A12), 接待日 1, 选民 5.
- 柳林乡 QH03: only A15 (学习培训) and G12 (办理中, 90 days at 6-30: not overdue); no station.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import EMPTY, Q2
from tests.apptest import chart_specs as charts
from tests.apptest import open_page as open_app
from tests.apptest import plotly_values as values

PAGE = "pages/comparison.py"


@pytest.fixture(params=["dashboard", "standalone"])
def open_page(request, county_db_master, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(county_db_master))

    def open_(**query) -> AppTest:
        return open_app(PAGE, request.param == "dashboard", query)

    return open_


def test_two_townships_ranked_on_hand_counted_figures(open_page):
    at = open_page(township="QH01,QH02", **Q2)
    assert not at.exception
    caption = at.caption[0].value
    assert "青河镇、石桥镇" in caption and "2024年第二季度" in caption
    ranking = at.dataframe[0].value
    assert list(ranking.columns[:3]) == ["排名", "乡镇", "视察检查次数（次）"]
    # Unrounded numbers (the table writes them with one decimal, as every page does).
    assert {k: [round(v, 2) if isinstance(v, float) else v for v in column]
            for k, column in ranking.to_dict("list").items()} == {
        "排名": [1, 2], "乡镇": ["青河镇", "石桥镇"],
        "视察检查次数（次）": [2, 1], "监督活动次数（次）": [5, 2], "建议收集数（条）": [5, 2],
        "本期收集件办结率（%）": [60.0, 50.0], "超期未办结（条）": [1, 1], "脱贫户走访覆盖率（%）": [60.0, 50.0],
        "代表参与率（%）": [100.0, 66.67], "接待日（次）": [2, 1], "联系选民人次（人次）": [20, 5],
        "每百名代表监督活动次数（次）": [125.0, 66.67], "每百名代表建议收集数（条）": [125.0, 66.67],
        "每站活动次数（次）": [4.0, 4.0], "每站接待日次数（次）": [1.0, 1.0], "每站联系选民人次（人次）": [10.0, 5.0],
        "接待日达标率（%）": [33.33, 33.33],  # S01 April, May of 6 station-months; S03 April of 3
        "代表数（人）": [4, 3], "活动站数（个）": [2, 1], "脱贫户数（户）": [5, 2],
    }
    # The rows behind the bars: 视察 A04 (row 7), 执法检查 A05 (row 8), 视察 A06 (row 9) of 活动记录.xlsx,
    # named by title (no generated activity id is shown).
    rows = at.dataframe[1].value
    assert rows["活动名称"].tolist() == ["视察工业园", "环保法执法检查", "视察道路"]
    assert rows["活动类型"].tolist() == ["视察", "执法检查", "视察"]
    assert rows["来源文件"].tolist() == ["活动记录.xlsx"] * 3 and rows["行号"].tolist() == [7, 8, 9]
    bars, lines = charts(at)
    assert bars["layout"]["title"]["text"] == "各乡镇视察检查次数对比"
    assert [values(bar["x"]) for bar in bars["data"]] == [[2, 1]]
    # The county average of a count is the total per township: (2 + 1) / 2.
    assert any(a["text"] == "全县平均 1.5次" for a in bars["layout"]["annotations"])
    # Trends as small multiples: one small chart per township.
    assert [a["text"] for a in lines["layout"]["annotations"][:2]] == ["青河镇", "石桥镇"]
    assert {trace["name"] for trace in lines["data"]} == {"青河镇", "石桥镇"}
    by_name = {trace["name"]: values(trace["y"]) for trace in lines["data"]}
    assert by_name == {"青河镇": [0, 1, 1], "石桥镇": [0, 0, 1]}  # A04 May, A05 June; A06 June


def test_a_chosen_metric_reranks_and_redraws(open_page):
    at = open_page(township="QH01,QH02", **Q2)
    at.selectbox(key="cmp_metric").set_value("resolution_rate").run()
    assert not at.exception
    assert at.dataframe[0].value["本期收集件办结率（%）"].tolist() == [60.0, 50.0]
    bars, lines = charts(at)
    # Pooled: (3 + 1) resolved of (5 + 2) collected, the figure the other pages show for the scope.
    assert any(a["text"] == "全县平均 57.1%" for a in bars["layout"]["annotations"])
    assert bars["layout"]["xaxis"]["title"]["text"] == "本期收集件办结率（%）"
    # 办结率 by month: QH01 April G01 G02 (已办结) + G09 -> 66.7%, May G03 of G03 G04 -> 50%, June none.
    by_name = {trace["name"]: values(trace["y"]) for trace in lines["data"]}
    assert by_name["青河镇"][:2] == [pytest.approx(200 / 3), 50.0] and by_name["青河镇"][2] is None
    # The drill-down for a rate lists the denominator, 已办结 marking the numerator.
    assert sorted(at.dataframe[1].value["编号"]) == ["G01", "G02", "G03", "G04", "G05", "G09", "G10"]
    at.radio(key="cmp_by").set_value("按季度").run()
    assert not at.exception
    _, lines = charts(at)
    assert lines["data"][0]["x"] == ["2024年第二季度"]


def test_overdue_ranks_fewest_first(open_page):
    at = open_page(**Q2)  # all three townships
    at.selectbox(key="cmp_metric").set_value("overdue").run()
    assert not at.exception
    ranking = at.dataframe[0].value
    assert ranking["乡镇"].tolist() == ["柳林乡", "青河镇", "石桥镇"]  # 0; G08; G07
    assert ranking["排名"].tolist() == [1, 2, 2]


def test_a_single_township_sees_itself_against_its_county(open_page):
    at = open_page(township="QH02", **Q2)
    assert not at.exception
    assert "石桥镇" in at.caption[0].value
    standing = at.dataframe[0].value.set_index("指标")
    # 青禾县 = QH01 + QH02: 办结率 石桥镇 50.0%, pooled 4 of 7 = 57.1%, second of two.
    assert standing.loc["本期收集件办结率"].tolist() == ["50.0%", "57.1%", "第2名 / 共2个乡镇", "低于平均"]
    assert standing.loc["视察检查次数"].tolist() == ["1次", "1.5次", "第2名 / 共2个乡镇", "低于平均"]
    # No other township is named anywhere on the page.
    shown = " ".join([*(c.value for c in at.caption), *(m.value for m in at.markdown),
                      *(df.value.to_string() for df in at.dataframe)])
    assert "青河镇" not in shown and "QH01" not in shown
    assert not at.get("plotly_chart")


def test_empty_period_shows_a_note(open_page):
    at = open_page(township="QH01,QH02", **EMPTY)
    assert not at.exception
    assert "2010年第一季度" in at.caption[0].value
    assert any("没有" in info.value for info in at.info)
    assert not at.get("plotly_chart")
