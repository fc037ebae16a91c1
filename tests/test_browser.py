"""The dashboard in a real browser: `streamlit run` on the demo county, driven by headless Chromium.

AppTest (tests/test_pages.py) runs the page scripts but draws nothing; this module checks what a
user actually gets: every page opened from a filter URL renders its charts without an exception,
the headline tiles show the metric module's figures, a sidebar change reruns the page and rewrites
the URL, and the 数据 page's download buttons hand out real XLSX files.

One demo build, one server, one browser and one tab per module. Full-page screenshots of every
page go to tests/artifacts/ (git-ignored). Without /usr/bin/chromium the module is skipped, except
with CI=true, where it must run.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from queries import metrics
from queries.db import PROJECT_ROOT, connect_readonly
from queries.labels import METRICS
from queries.metrics import Period, Scope
from ui.format import figure

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
STARTUP_TIMEOUT_S = 60
RENDER_TIMEOUT_MS = 60_000
MAX_SCREENSHOT_HEIGHT = 12_000
VIEWPORT = {"width": 1920, "height": 1080}

TOWNSHIP, TOWNSHIP_NAME = "QH01", "青河镇"
OTHER_TOWNSHIP_OPTION = "石桥镇（QH02）"  # how the 乡镇 multiselect names QH02
PERIOD = Period(dt.date(2026, 4, 1), dt.date(2026, 6, 30))
FIRST_QUARTER = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
FILTER_QUERY = f"?township={TOWNSHIP}&from={PERIOD.start}&to={PERIOD.end}"
# 乡镇对比 compares two or more townships (with one it shows only a note): give it three.
COMPARISON_QUERY = f"?township={TOWNSHIP},QH02,QH03&from={PERIOD.start}&to={PERIOD.end}"

# URL path -> the title the page shows (st.Page url paths come from the file names).
PAGES = {
    "": "总览", "inspections": "监督视察", "suggestions": "建议办理", "campaign": "代表行动",
    "stations": "活动站", "deputies": "代表履职", "comparison": "乡镇对比", "data": "数据",
    "briefing": "2026年第二季度人大工作简报",
}

ANSI = re.compile(r"\x1b\[[0-9;]*m")  # streamlit colours the tracebacks it logs
JS_ERRORS: list[str] = []  # uncaught exceptions in the page's JavaScript

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

# Done = the script ran to the end on a live connection, no status widget, no lazy-loading
# skeletons left, and every plotly chart has drawn its SVG.
PAGE_IS_DRAWN = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.dataset.testScriptState !== "notRunning") return false;
    if (app.dataset.testConnectionState && app.dataset.testConnectionState !== "CONNECTED") return false;
    if (document.querySelector('[data-testid="stStatusWidget"], [data-testid="stSkeleton"]')) return false;
    const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
    const plots = [...document.querySelectorAll('.js-plotly-plot')];
    return plots.length >= charts.length
        && charts.every(c => c.querySelector('.js-plotly-plot .main-svg'))
        && plots.every(p => p.querySelector('.main-svg'));
}"""


@pytest.fixture(scope="module", autouse=True)
def chromium_available():
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing; CI must run the browser tests (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium fonts-noto-cjk)")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """The demo county, generated and loaded by the real CLI once for this module."""
    folder = tmp_path_factory.mktemp("browser")
    db = folder / "dashboard.duckdb"
    done = subprocess.run(
        [sys.executable, "-m", "etl", "demo", "--db", str(db), "--out", str(folder / "registers")],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300,
    )
    assert db.exists(), f"demo build failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
    return db


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


class Server:
    def __init__(self, url: str, log: Path):
        self.url, self.log = url, log

    def log_tail(self, chars: int = 6000) -> str:
        """The end of the server's output (page tracebacks are logged here)."""
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return ANSI.sub("", text)[-chars:]


def _start_streamlit(db: Path, log: Path) -> tuple[subprocess.Popen, Server]:
    """`streamlit run` on a free port, healthy; retried on a new port if the port was taken meanwhile."""
    env = {**os.environ, "DASHBOARD_DB": str(db), "PYTHONUNBUFFERED": "1"}
    for _attempt in range(3):
        port = _free_port()
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1",
                 "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )
        running = Server(f"http://127.0.0.1:{port}", log)
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while process.poll() is None and time.monotonic() < deadline:
            if _healthy(f"{running.url}/_stcore/health"):
                time.sleep(0.5)  # a server of someone else's on this port would answer too: ours must live on
                if process.poll() is None:
                    return process, running
            time.sleep(0.25)
        _stop(process)
        if "is not available" not in running.log_tail():  # streamlit's words for a taken port
            break
    pytest.fail(f"streamlit not healthy within {STARTUP_TIMEOUT_S} s (exit {process.returncode}):\n"
                f"{running.log_tail()}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(demo_db, tmp_path_factory):
    process, running = _start_streamlit(demo_db, tmp_path_factory.mktemp("streamlit") / "server.log")
    try:
        yield running
    finally:
        _stop(process)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def page(browser, server):
    """One tab for the whole module; each test navigates it (a new Streamlit session per goto)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(RENDER_TIMEOUT_MS)
    tab = context.new_page()
    tab.on("pageerror", lambda error: JS_ERRORS.append(f"{tab.url}: {error}"))
    sign_in(tab, server)
    yield tab
    context.close()


# The demo's 县人大（查看） account (etl/users.demo_accounts, README: 演示账号) signs the tab in once
# through the real login page; its HttpOnly session cookie then carries every goto of the module.
BROWSER_ACCOUNT = "xian_chakan"


def sign_in(tab: Page, server: Server, username: str = BROWSER_ACCOUNT) -> None:
    from etl.users import demo_accounts

    password = next(p for a, p in demo_accounts("", "") if a.username == username)
    tab.goto(f"{server.url}/", wait_until="domcontentloaded")
    expect(tab).to_have_url(re.compile(r"/login\?next="))
    tab.get_by_label("账号").fill(username)
    tab.get_by_label("密码").fill(password)
    tab.get_by_role("button", name="登录").click()
    expect(tab).not_to_have_url(re.compile(r"/login"))
    wait_until_drawn(tab, server)


@pytest.fixture(autouse=True)
def fresh_js_errors():
    JS_ERRORS.clear()


@pytest.fixture(scope="module")
def con(demo_db):
    """The same database, read-only, for the figures the tiles must show."""
    connection = connect_readonly(demo_db)
    yield connection
    connection.close()


def wait_until_drawn(page: Page, server: Server) -> None:
    try:
        page.wait_for_function(PAGE_IS_DRAWN, timeout=RENDER_TIMEOUT_MS, polling=100)
    except Exception as error:
        raise AssertionError(f"page not drawn within {RENDER_TIMEOUT_MS} ms: {page.url}\n"
                             f"server log:\n{server.log_tail()}") from error


def open_page(page: Page, server: Server, path: str, query: str = FILTER_QUERY) -> None:
    page.goto(f"{server.url}/{path}{query}", wait_until="domcontentloaded")
    wait_until_drawn(page, server)
    assert_no_exception(page, server)


def assert_no_exception(page: Page, server: Server) -> None:
    errors = page.locator('[data-testid="stException"]')
    if errors.count():
        shown = "\n---\n".join(errors.all_inner_texts())
        raise AssertionError(f"{page.url} shows an exception:\n{shown}\n\nserver log:\n{server.log_tail()}")


def screenshot(page: Page, server: Server, name: str) -> Path:
    """The whole page. Streamlit scrolls inside <main>, not the document, so `full_page` alone
    gives only the viewport: grow the viewport to the content's height for the shot."""
    path = ARTIFACTS / f"{name}.png"
    viewport = page.viewport_size
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight ?? 0")
    tall = min(max(height, viewport["height"]), MAX_SCREENSHOT_HEIGHT)
    try:
        if tall > viewport["height"]:
            page.set_viewport_size({"width": viewport["width"], "height": tall})
            wait_until_drawn(page, server)
            page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(viewport)
    return path


def tile(page: Page, key: str):
    """The value line of the stMetric tile labelled with the metric's Chinese name."""
    label = page.get_by_test_id("stMetricLabel").get_by_text(METRICS[key].name, exact=True)
    return page.get_by_test_id("stMetric").filter(has=label).get_by_test_id("stMetricValue")


def expected(con, key: str, scope: Scope, period: Period) -> str:
    return figure(key, getattr(metrics, key)(con, scope, period))


def query_of(url: str) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()}


def assert_query(page: Page, wanted: dict[str, str]) -> None:
    """The query string becomes exactly `wanted` (the page rewrites it with history.replaceState)."""
    try:
        page.wait_for_function(
            """(wanted) => {
                const q = new URLSearchParams(window.location.search);
                return [...q.keys()].length === Object.keys(wanted).length
                    && Object.entries(wanted).every(([k, v]) => q.get(k) === v);
            }""", arg=wanted, timeout=RENDER_TIMEOUT_MS, polling=100)
    except Exception as error:
        raise AssertionError(f"URL query is {query_of(page.url)}, wanted {wanted}") from error
    assert query_of(page.url) == wanted


def pick_option(page: Page, widget_label: str, option: str) -> None:
    """Open a sidebar selectbox/multiselect (react-aria combobox) and click one of its options."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("combobox", name=widget_label, exact=True).click()
    listbox = page.get_by_role("listbox")  # only the open widget has one (its name is not the label)
    listbox.get_by_role("option", name=option, exact=True).click()
    if listbox.count():  # a multiselect stays open after a pick
        page.keyboard.press("Escape")
    expect(listbox).to_have_count(0)


@pytest.mark.parametrize("path", list(PAGES), ids=[p or "overview" for p in PAGES])
def test_page_renders_from_filter_url(page, server, path):
    open_page(page, server, path, COMPARISON_QUERY if path == "comparison" else FILTER_QUERY)
    expect(page.locator("h1").first).to_have_text(PAGES[path])
    # A deep link opened first after the server starts is rerun through the router once.
    page.locator(".js-plotly-plot .main-svg").first.wait_for(state="attached", timeout=RENDER_TIMEOUT_MS)
    wait_until_drawn(page, server)
    header = page.locator('[data-testid="stCaptionContainer"]').first
    expect(header).to_contain_text(TOWNSHIP_NAME)
    expect(header).to_contain_text(f"{PERIOD.start} 至 {PERIOD.end}")
    shot = screenshot(page, server, path or "overview")
    assert shot.stat().st_size > 10_000
    assert JS_ERRORS == [], JS_ERRORS


def test_overview_headline_equals_metric_module(page, server, con):
    open_page(page, server, "")
    scope = Scope((TOWNSHIP,))
    for key in ("inspections", "suggestions_collected", "resolution_rate", "household_coverage"):
        expect(tile(page, key)).to_have_text(expected(con, key, scope, PERIOD))


def test_sidebar_change_reruns_and_rewrites_url(page, server, con):
    open_page(page, server, "")
    before = expected(con, "suggestions_collected", Scope((TOWNSHIP,)), PERIOD)
    expect(tile(page, "suggestions_collected")).to_have_text(before)

    # A second township: the tiles count both, the URL lists both.
    both = Scope((TOWNSHIP, "QH02"))
    after = expected(con, "suggestions_collected", both, PERIOD)
    assert after != before, "the demo data should make this change visible"
    pick_option(page, "乡镇（不选即全部）", OTHER_TOWNSHIP_OPTION)
    expect(tile(page, "suggestions_collected")).to_have_text(after)
    wait_until_drawn(page, server)
    assert_no_exception(page, server)
    expect(tile(page, "resolution_rate")).to_have_text(expected(con, "resolution_rate", both, PERIOD))
    assert_query(page, {"township": f"{TOWNSHIP},QH02", "from": str(PERIOD.start), "to": str(PERIOD.end)})

    # Another quarter: the period moves in the tiles and in the URL.
    earlier = expected(con, "suggestions_collected", both, FIRST_QUARTER)
    assert earlier != after, "the demo data should make this change visible"
    pick_option(page, "季度", "第一季度")
    expect(tile(page, "suggestions_collected")).to_have_text(earlier)
    wait_until_drawn(page, server)
    assert_no_exception(page, server)
    expect(tile(page, "resolution_rate")).to_have_text(expected(con, "resolution_rate", both, FIRST_QUARTER))
    assert_query(page, {"township": f"{TOWNSHIP},QH02", "from": str(FIRST_QUARTER.start),
                        "to": str(FIRST_QUARTER.end)})
    screenshot(page, server, "overview_after_filter_change")


@pytest.mark.parametrize(("tab", "button"), [
    ("被拒绝的行", "下载被拒绝的行（Excel）"),
    ("空白模板", "活动记录模板.xlsx"),
    ("指标口径", "下载表格（Excel）"),
], ids=["rejected_rows", "template", "table"])
def test_data_page_downloads_xlsx(page, server, tab, button, tmp_path):
    open_page(page, server, "data")
    page.get_by_role("tab", name=tab, exact=True).click()
    expect(page.get_by_role("tab", name=tab, exact=True)).to_have_attribute("aria-selected", "true")
    panel = page.get_by_role("tabpanel")  # only the selected tab's panel carries the role
    target = panel.get_by_test_id("stDownloadButton").get_by_role("button", name=button)
    with page.expect_download(timeout=RENDER_TIMEOUT_MS) as info:
        target.click()
    download = info.value
    assert download.failure() is None, download.failure()
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    content = saved.read_bytes()
    assert saved.suffix == ".xlsx"
    assert len(content) > 0 and content[:2] == b"PK", content[:20]
    with zipfile.ZipFile(io.BytesIO(content)) as workbook:
        assert "xl/workbook.xml" in workbook.namelist()
    wait_until_drawn(page, server)
    assert_no_exception(page, server)


@pytest.mark.parametrize("path", ["", "briefing"], ids=["overview", "briefing"])
def test_presentation_mode_fills_a_projector_without_scrolling(page, server, path):
    open_page(page, server, path, FILTER_QUERY + "&present=1")
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    expect(page.locator('[data-testid="stToolbar"]')).to_be_hidden()
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    shot = screenshot(page, server, f"{path or 'overview'}_present")
    assert shot.stat().st_size > 10_000
    assert height <= page.viewport_size["height"], f"{height}px of content on a 1080px screen"
