"""Township scope as an attacker tests it: every page, with a township account, asked for another township.

The hand-counted county (tests/conftest.py): 青河镇 QH01 and 石桥镇 QH02 in 青禾县, 柳林乡 QH03 in 白水县.
A 乡镇（查看） account of QH01 must never see 石桥镇 / QH02 / 柳林乡 / QH03 (nor their rows, e.g.
suggestion G05 of QH02 or deputy 钱七 D05) — whether the URL names them, the filter widget's state
is forced to them, or another account has just viewed them (cache isolation). Each refusal leaves
an audit row. Pages are opened through tests/apptest.py, signed in as the account under test.
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from etl.accounts import Account, AccountStore
from tests.apptest import Q2, open_page

TOWN = Account("qh01_viewer", "青河镇人大主席", "township_viewer", county="青禾县", township_code="QH01")
TOWN_ADMIN = Account("qh01_admin", "青河镇人大", "township_admin", county="青禾县", township_code="QH01")
COUNTY = Account("qinghe_admin", "青禾县人大", "county_admin", county="青禾县")
OTHER_COUNTY = Account("baishui_viewer", "白水县人大", "county_viewer", county="白水县")
# What QH01 must never see: other townships' names and codes, and rows only they hold.
FOREIGN = ["石桥镇", "QH02", "柳林乡", "QH03", "白水县", "钱七", "孙八", "增加校车", "建设产业园", "整治河道",
           "石桥砖厂"]
PAGES = ["pages/overview.py", "pages/briefing.py", "pages/inspections.py", "pages/suggestions.py",
         "pages/campaign.py", "pages/stations.py", "pages/deputies.py", "pages/comparison.py", "pages/data.py"]


@pytest.fixture(autouse=True)
def database(county_db_master, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(county_db_master))
    return county_db_master


def page_text(at: AppTest) -> str:
    """Everything a reader could see or download from the page, as one string."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success", "error",
                 "metric", "text", "exception"):
        for element in at.get(kind):
            parts.append(str(getattr(element, "value", "")) + str(getattr(element, "label", "")))
    for frame in at.dataframe:
        parts.append(frame.value.to_csv())
    for chart in at.get("plotly_chart"):
        parts.append(json.dumps(json.loads(chart.proto.spec), ensure_ascii=False))
    for widget in [*at.selectbox, *at.multiselect, *at.radio]:
        parts.append(" ".join(map(str, widget.options)) + str(widget.value))
    for button in at.get("download_button"):
        parts.append(button.proto.label)
    return "\n".join(parts)


def audit_events(database, username: str, event: str) -> list[dict]:
    return [r for r in AccountStore.beside(database).audit_rows() if r["username"] == username and r["event"] == event]


def assert_own_only(at: AppTest) -> None:
    assert not at.exception, at.exception
    text = page_text(at)
    leaked = [word for word in FOREIGN if word in text]
    assert not leaked, f"{leaked} shown to a QH01 account"
    assert "青河镇" in text


@pytest.mark.parametrize("page", PAGES)
def test_url_naming_another_township_gets_the_own_scope_and_a_note(page, database):
    at = open_page(page, via_router=False, query={"township": "QH02,QH03", "county": "白水县", **Q2}, account=TOWN,
                   timeout=60)
    assert_own_only(at)
    assert any("不在当前账号的查看范围内" in w.value for w in at.warning)
    assert "QH02" not in str(dict(at.query_params).get("township", ""))  # the URL now shows the own scope
    refused = audit_events(database, TOWN.username, "scope_denied")
    assert refused and "QH02" in refused[0]["detail"] and refused[0]["outcome"] == "refused"


@pytest.mark.parametrize("page", ["pages/suggestions.py", "pages/deputies.py", "pages/data.py"])
def test_forced_filter_widget_state_is_clamped(page, database):
    at = open_page(page, via_router=False, query=Q2, account=TOWN, timeout=60,
                   session={"f_townships": ["QH02"], "f_county": "白水县"})
    assert_own_only(at)
    assert any("不在当前账号的查看范围内" in w.value for w in at.warning)
    assert any("白水县" in r["detail"] for r in audit_events(database, TOWN.username, "scope_denied"))


@pytest.mark.parametrize("page", ["pages/suggestions.py", "pages/campaign.py", "pages/data.py"])
def test_cache_isolation_right_after_the_county_viewed_that_township(page):
    county = open_page(page, via_router=False, query={"township": "QH02", **Q2}, account=COUNTY, timeout=60)
    assert not county.exception and "石桥镇" in page_text(county)  # QH02's results are in the cache now
    town = open_page(page, via_router=False, query={"township": "QH02", **Q2}, account=TOWN, timeout=60)
    assert_own_only(town)


def test_a_county_account_never_sees_another_county(database):
    at = open_page("pages/suggestions.py", via_router=False, query=Q2, account=OTHER_COUNTY)
    assert not at.exception
    text = page_text(at)
    assert "柳林乡" in text and not any(word in text for word in ["青河镇", "石桥镇", "QH01", "QH02"])


def test_township_comparison_shows_standing_not_other_townships(database):
    at = open_page("pages/comparison.py", via_router=True, query=Q2, account=TOWN)
    assert_own_only(at)
    standing = at.dataframe[0].value
    assert list(standing.columns) == ["指标", "本乡镇", "全县平均（合计计算）", "全县排名", "与平均相比"]
    first = standing.iloc[0].to_dict()
    # 视察检查次数 Q2: QH01 2 (A04 A05), QH02 1 (A06): average 1.5, QH01 first of the 2 townships of 青禾县;
    # 2 is above 1.5 by more than the 20 % margin (0.3).
    assert first == {"指标": "视察检查次数", "本乡镇": "2次", "全县平均（合计计算）": "1.5次",
                     "全县排名": "第1名 / 共2个乡镇", "与平均相比": "好于平均"}


def test_county_can_publish_rankings_to_its_townships(database, county_db, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(county_db))
    AccountStore.beside(county_db).set_publish_rankings("青禾县", True, by="test")
    at = open_page("pages/comparison.py", via_router=True, query=Q2, account=TOWN)
    assert not at.exception
    ranking = at.dataframe[0].value
    assert ranking["乡镇"].tolist() == ["青河镇", "石桥镇"]  # named, and only 青禾县's townships
    assert "柳林乡" not in page_text(at)
    assert set(at.dataframe[1].value["乡镇"]) == {"青河镇"}  # the rows behind stay the own township's


def test_township_data_page_shows_no_foreign_loads_or_upload_for_viewers(database):
    at = open_page("pages/data.py", via_router=True, query=Q2, account=TOWN, timeout=60)
    assert_own_only(at)
    assert any("查看账号，不能上传" in i.value for i in at.info)
    assert not any(t.label == "审计日志" for t in at.tabs)


def test_accounts_page_only_for_managers(database):
    town = open_page("pages/accounts.py", via_router=False, account=TOWN_ADMIN)
    assert any("没有管理账号的权限" in e.value for e in town.error)
    assert not town.dataframe
    county = open_page("pages/accounts.py", via_router=False, account=COUNTY)
    assert not county.exception
    listed = county.dataframe[0].value
    assert "qinghe_admin" in set(listed["账号"]) and "baishui_viewer" not in set(listed["账号"])
    text = page_text(county)
    assert "$argon2" not in text and "password" not in text.lower()


def test_the_router_offers_account_management_only_to_managers(database):
    town = open_page("pages/overview.py", via_router=True, query=Q2, account=TOWN)
    county = open_page("pages/overview.py", via_router=True, query=Q2, account=COUNTY)
    assert not town.exception and not county.exception
    with pytest.raises(ValueError, match="Could not find a navigation page"):  # not in its navigation at all
        town.switch_page("pages/accounts.py")
    county.switch_page("pages/accounts.py").run()
    assert county.title[0].value == "账号管理"


def test_signed_out_sees_only_the_sign_in_form(database):
    at = open_page("pages/suggestions.py", via_router=True, query=Q2, account=None)
    assert not at.exception
    assert [t.value for t in at.text_input] == ["", ""] and not at.dataframe and not at.metric
    text = page_text(at)
    assert not any(word in text for word in ["青河镇", "石桥镇", "G01"])
