"""The downloads of the 工作总结 and 季度简报 pages clicked in real headless Chromium.

One `streamlit run` on the hand-made 沿河镇 fixture (tests/conftest.py TOWN_*) and the county
fixture; the server, browser and helpers are tests/test_browser.py's. The Word file and the
ZIP are received through the browser's download and opened.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from playwright.sync_api import expect

from tests import test_browser as shared
from tests.test_browser import RENDER_TIMEOUT_MS, _start_streamlit, _stop, assert_no_exception, wait_until_drawn

# tests/test_browser.py's fixtures, used here by name: the skip without Chromium, one browser.
chromium_available, browser = shared.chromium_available, shared.browser


def signed_in_tab(browser, server, db):
    """A tab signed in through the real login page as the tests' 系统管理员 (tests/apptest.py)."""
    from etl.accounts import AccountStore
    from tests.apptest import TEST_PASSWORD, TESTER

    store = AccountStore.beside(db)
    if store.get(TESTER.username) is None:
        store.add(TESTER, TEST_PASSWORD, by="测试")
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(RENDER_TIMEOUT_MS)
    tab = context.new_page()
    tab.goto(f"{server.url}/", wait_until="domcontentloaded")
    tab.get_by_label("账号").fill(TESTER.username)
    tab.get_by_label("密码").fill(TEST_PASSWORD)
    tab.get_by_role("button", name="登录").click()
    expect(tab.get_by_label("密码")).to_have_count(0)
    wait_until_drawn(tab, server)
    return context, tab


@pytest.fixture(scope="module")
def page(browser, server, town_db_master):
    context, tab = signed_in_tab(browser, server, town_db_master)
    yield tab
    context.close()

pytestmark = [pytest.mark.browser, pytest.mark.timeout(400)]


@pytest.fixture(scope="module")
def server(town_db_master, county_db_master, tmp_path_factory):
    """One database holding both fixtures would change their counts: the town for the summary."""
    process, running = _start_streamlit(town_db_master, tmp_path_factory.mktemp("streamlit") / "server.log")
    try:
        yield running
    finally:
        _stop(process)


def download(page, button: str, tmp_path):
    target = page.get_by_test_id("stDownloadButton").get_by_role("button", name=button)
    with page.expect_download(timeout=RENDER_TIMEOUT_MS) as info:
        target.click()
    received = info.value
    assert received.failure() is None, received.failure()
    saved = tmp_path / received.suggested_filename
    received.save_as(saved)
    return saved


def test_summary_word_download_opens(page, server, tmp_path):
    page.goto(f"{server.url}/summary?from=2024-01-01&to=2024-12-31", wait_until="domcontentloaded")
    expect(page.locator("h1").first).to_have_text("沿河镇2024年人大工作总结", timeout=RENDER_TIMEOUT_MS)
    wait_until_drawn(page, server)
    assert_no_exception(page, server)
    page.get_by_text("[1] 3次", exact=True).first.click()  # the pill of 监督活动次数
    wait_until_drawn(page, server)
    expect(page.get_by_text("口径：活动类型为视察、执法检查、调研或评议的活动次数")).to_be_visible()
    assert shared.screenshot(page, server, "summary").stat().st_size > 10_000
    saved = download(page, "下载工作总结（Word）", tmp_path)
    assert saved.name == "沿河镇2024年人大工作总结.docx"
    paragraphs = [p.text for p in Document(str(saved)).paragraphs]
    assert paragraphs[0] == "沿河镇2024年人大工作总结"
    assert any("全镇共有2名县代表、3名镇代表向选民进行了述职" in p for p in paragraphs)
    template = download(page, "下载默认模板（Word）", tmp_path)
    assert any(p.text == "{{ 监督工作 }}" for p in Document(str(template)).paragraphs)


@pytest.fixture(scope="module")
def county_server(county_db_master, tmp_path_factory):
    process, running = _start_streamlit(county_db_master, tmp_path_factory.mktemp("streamlit") / "county.log")
    try:
        yield running
    finally:
        _stop(process)


def test_briefing_zip_download_opens(browser, county_server, county_db_master, tmp_path):
    context, tab = signed_in_tab(browser, county_server, county_db_master)
    try:
        tab.goto(f"{county_server.url}/briefing?county=青禾县&from=2024-04-01&to=2024-06-30",
                 wait_until="domcontentloaded")
        wait_until_drawn(tab, county_server)
        assert_no_exception(tab, county_server)
        tab.get_by_role("button", name="生成各乡镇简报（ZIP）").click()
        expect(tab.get_by_role("button", name="下载各乡镇简报（ZIP）")).to_be_visible(timeout=240_000)
        shared.screenshot(tab, county_server, "briefing_batch")
        saved = download(tab, "下载各乡镇简报（ZIP）", tmp_path)
        with zipfile.ZipFile(saved) as archive:
            names = archive.namelist()
            assert names[-1] == "青禾县2024年第二季度人大工作简报.docx" and len(names) == 3
            county = Document(io.BytesIO(archive.read(names[-1])))
        assert county.paragraphs[0].text == "青禾县2024年第二季度人大工作简报"
        assert len(county.inline_shapes) >= 4  # the charts, drawn by the one kaleido browser
    finally:
        context.close()
