"""Pages rendered by Streamlit's AppTest against the hand-counted county."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import APP, new_app, tile


@pytest.fixture
def app(county_db_master, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(county_db_master))

    def make(**query) -> AppTest:
        return new_app(APP, query)

    return make


def test_overview_shows_hand_counted_figures_for_the_url_scope(app):
    at = app(township="QH01", **{"from": "2024-04-01", "to": "2024-06-30"}).run()
    assert not at.exception
    assert tile(at, "视察检查次数") == "2次"  # A04, A05
    assert tile(at, "建议收集数") == "5条"  # G01 G02 G03 G04 G09
    assert tile(at, "本期收集件办结率") == "60.0%"  # 3 of 5
    assert tile(at, "脱贫户走访覆盖率") == "60.0%"  # H01 H02 H04 of 5, in 2024代表行动
    assert "青河镇" in at.caption[0].value and "2024年第二季度" in at.caption[0].value
    captions = [c.value for c in at.caption]
    # Each tile says what it counts: the cohort, the as-of day, the campaign window.
    assert any(c.startswith("收集5条·已办结3条") for c in captions)
    assert any(c.startswith("截至6月30日") for c in captions)
    assert any(c.startswith("2024代表行动（5月6日—6月15日）") for c in captions)
    assert at.get("plotly_chart")


def test_overview_all_townships(app):
    at = app(**{"from": "2024-04-01", "to": "2024-06-30"}).run()
    assert not at.exception
    assert tile(at, "视察检查次数") == "3次"
    assert tile(at, "超期未办结") == "2条"  # G07, G08


def test_overview_empty_period_shows_a_note(app):
    at = app(**{"from": "2010-01-01", "to": "2010-03-31"}).run()
    assert not at.exception
    assert any("没有" in info.value for info in at.info)
    assert tile(at, "本期收集件办结率") == "—"


def test_the_term_period_names_its_dates_once(app):
    at = app(township="QH01", **{"from": "2024-04-01", "to": "2024-06-30"}).run()
    at.selectbox(key="f_mode").set_value("本届").run()
    assert not at.exception
    header = at.caption[0].value
    assert header.count("2021-10-01") == 1, header  # 本届 starts 2021-10-01 (conftest), written once


def test_an_empty_database_leads_to_the_upload(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(tmp_path / "none.duckdb"))
    at = new_app(APP).run()
    assert not at.exception
    assert any("请先上传登记表" in info.value for info in at.info)
    links = at.get("page_link")
    assert links and "前往「数据」页上传登记表" in str(links[0].proto)
