"""A township account in the real browser: every page, asked by URL for another township, shows only its own.

The demo county through `streamlit run app.py`; the demo 乡镇（查看） account `zhen_chakan` (QH01) signs in
through the login page, opens every page with `?township=<another>`, and must see neither another
township's name nor its code — in the page, and in a downloaded table. The server, browser and helpers
are those of tests/test_browser.py.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from playwright.sync_api import expect, sync_playwright

from queries.db import connect_readonly
from tests.test_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PAGES,
    RENDER_TIMEOUT_MS,
    VIEWPORT,
    _start_streamlit,
    _stop,
    assert_no_exception,
    sign_in,
    wait_until_drawn,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]
OWN = "QH01"
QUERY = "?township=QH02,QH03&from=2026-04-01&to=2026-06-30"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    import subprocess
    import sys

    from queries.db import PROJECT_ROOT

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    folder = tmp_path_factory.mktemp("browser_scope")
    db = folder / "dashboard.duckdb"
    subprocess.run([sys.executable, "-m", "etl", "demo", "--db", str(db), "--out", str(folder / "registers")],
                   cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300, check=True)
    con = connect_readonly(db)
    try:
        own_name, others = con.execute("SELECT township_name FROM townships WHERE township_code = ?",
                                       [OWN]).fetchall()[0][0], con.execute(
            "SELECT township_code, township_name FROM townships WHERE township_code <> ?", [OWN]).fetchall()
    finally:
        con.close()
    process, server = _start_streamlit(db, folder / "server.log")
    try:
        yield server, own_name, [word for pair in others for word in pair]
    finally:
        _stop(process)


@pytest.fixture(scope="module")
def tab(demo):
    server = demo[0]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", accept_downloads=True)
        context.set_default_timeout(RENDER_TIMEOUT_MS)
        page = context.new_page()
        sign_in(page, server, "zhen_chakan")
        cookie = next(c for c in context.cookies() if c["name"] == "renda_session")
        assert cookie["httpOnly"] and cookie["expires"] == -1  # HttpOnly, ends with the browser session
        yield page
        browser.close()


def leaked(text: str, foreign: list[str]) -> list[str]:
    return [word for word in foreign if re.search(rf"(?<![A-Za-z0-9]){re.escape(word)}(?![0-9])", text)]


@pytest.mark.parametrize("path", list(PAGES), ids=[p or "overview" for p in PAGES])
def test_every_page_shows_only_the_own_township(tab, demo, path):
    server, own_name, foreign = demo
    tab.goto(f"{server.url}/{path}{QUERY}", wait_until="domcontentloaded")
    wait_until_drawn(tab, server)
    assert_no_exception(tab, server)
    text = tab.locator('[data-testid="stApp"]').inner_text()
    assert not leaked(text, foreign), f"/{path} shows {leaked(text, foreign)} to a {OWN} account"
    assert own_name in text
    expect(tab.get_by_text("不在当前账号的查看范围内").first).to_be_visible()


def test_a_downloaded_table_holds_only_the_own_township(tab, demo, tmp_path):
    server, own_name, foreign = demo
    tab.goto(f"{server.url}/suggestions{QUERY}", wait_until="domcontentloaded")
    wait_until_drawn(tab, server)
    excel = re.compile("（Excel）")  # a table's button or a whole list's
    button = tab.get_by_test_id("stDownloadButton").get_by_role("button", name=excel).first
    with tab.expect_download(timeout=RENDER_TIMEOUT_MS) as info:
        button.click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    with zipfile.ZipFile(io.BytesIO(saved.read_bytes())) as workbook:
        strings = "".join(workbook.read(n).decode() for n in workbook.namelist() if n.endswith(".xml"))
    assert own_name in strings and not leaked(strings, foreign)
