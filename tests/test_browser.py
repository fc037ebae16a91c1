"""The dashboard in a real browser: `streamlit run serve.py` on the demo county, driven by headless Chromium.

AppTest (tests/test_page_*.py) runs the page scripts but draws nothing; this module checks what a
user actually gets: every page opened from a filter URL renders its charts without an exception and
without a request to any host but this server; every download button on every page hands out a file
that opens (PNG, XLSX, DOCX) and is named by scope and period; open suggestions are counted as of
today in a running quarter and coverage by campaign window; presentation mode fits the projector,
moves between pages and periods without typing and keeps its type large; coverage labels stay
visible at 100 %; and no English word of Streamlit's chrome is left on screen.

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
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from docx import Document
from playwright.sync_api import Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from python_calamine import CalamineWorkbook

from queries import metrics
from queries.db import PROJECT_ROOT, connect_readonly
from queries.labels import METRICS
from queries.metrics import Period, Scope
from reports.images import png_size
from ui.chrome import REFUSED
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
PERIOD_NAME = "2026年第二季度"
FIRST_QUARTER = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
FILTER_QUERY = f"?township={TOWNSHIP}&from={PERIOD.start}&to={PERIOD.end}"
# 乡镇对比 compares two or more townships: give it three.
COMPARISON_QUERY = f"?township={TOWNSHIP},QH02,QH03&from={PERIOD.start}&to={PERIOD.end}"
COMPARISON_SCOPE = "青河镇、石桥镇、柳林乡"
THIRD_QUARTER = "?from=2026-07-01&to=2026-09-30"  # the demo's last quarter: no campaign in it

# URL path -> the title the page shows (st.Page url paths come from the file names).
PAGES = {
    "": "总览", "inspections": "监督视察", "suggestions": "建议办理", "campaign": "代表行动",
    "stations": "活动站", "deputies": "代表履职", "comparison": "乡镇对比", "data": "数据",
    "briefing": f"{TOWNSHIP_NAME}{PERIOD_NAME}人大工作简报",
}
DATA_TABS = ["导入记录", "各乡镇数据量", "数据完整性", "被拒绝的行", "上传登记表", "空白模板", "指标口径"]

ANSI = re.compile(r"\x1b\[[0-9;]*m")  # streamlit colours the tracebacks it logs
JS_ERRORS: list[str] = []  # uncaught exceptions in the page's JavaScript
REQUESTS: list[str] = []  # every URL the tab asked for
FAILED: list[str] = []  # every response with a 4xx or 5xx status

pytestmark = [pytest.mark.browser, pytest.mark.timeout(420)]
expect.set_options(timeout=RENDER_TIMEOUT_MS)  # a first page after the server starts takes a while

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

# The figures plotly drew (plotly keeps them on the chart's element): title, traces, axes.
FIGURES = """() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => ({
    title: ((gd.layout.title && gd.layout.title.text) || "").replace(/<[^>]+>/g, ""),
    data: gd.data.map(t => ({type: t.type, x: t.x, y: t.y, text: t.text, zmin: t.zmin, zmax: t.zmax})),
    xticks: [...gd.querySelectorAll('.xtick text')].map(t => t.textContent),
    ticksizes: [...gd.querySelectorAll('.xtick text, .ytick text')].map(t => parseFloat(getComputedStyle(t).fontSize)),
}))"""

# Text a reader can see that is English: a text node in a shown, non-zero-sized element (CSS
# hides Streamlit's English by display:none or font-size 0 and writes Chinese with ::after).
# Material icon ligatures ("dashboard") draw as icons, screen-reader-only text is clipped to one
# pixel; file names, codes and format names pass.
VISIBLE_ENGLISH = r"""(allowed) => {
    const ok = new RegExp(allowed);
    const found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        if (!el || el.closest('[data-testid="stIconMaterial"], script, style, [translate="no"]')) continue;
        const style = getComputedStyle(el);
        if (style.display === "none" || style.visibility === "hidden" || parseFloat(style.fontSize) === 0) continue;
        if (style.fontFamily.includes("Material")) continue;  // an icon drawn from its name
        const box = el.getBoundingClientRect();
        if (box.width <= 1 || box.height <= 1) continue;  // screen-reader-only text is clipped to a pixel
        for (const word of node.textContent.match(/[A-Za-z][A-Za-z.]{2,}/g) || []) {
            if (!ok.test(word)) found.push(word + " in: " + node.textContent.trim().slice(0, 60));
        }
    }
    return found;
}"""
ALLOWED_WORDS = r"^(PNG|Excel|Word|WPS|CSV|XLSX|xlsx|xlsm|xls|csv|docx|ZIP|MB|QH\d*|S\d+|H\d+|D\d+|G\d+)$"


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
    """`streamlit run serve.py` (as `make run`) on a free port, healthy; retried on a new port if
    the port was taken meanwhile."""
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
        if "is not available" not in running.log_tail() and "address already in use" not in running.log_tail():
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
    """One tab for the whole module; each test navigates it (a new Streamlit session per goto).
    Every request and every failed response of the tab is recorded."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(RENDER_TIMEOUT_MS)
    context.on("request", lambda request: REQUESTS.append(request.url))
    context.on("response", lambda response: response.status >= 400 and FAILED.append(
        f"{response.status} {response.url}"))
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
def fresh_records():
    JS_ERRORS.clear()
    REQUESTS.clear()
    FAILED.clear()


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


def open_page(page: Page, server: Server, path: str, query: str = FILTER_QUERY, title: str | None = None) -> None:
    page.goto(f"{server.url}/{path}{query}", wait_until="domcontentloaded")
    if title:  # a deep link opened first after the server starts is rerun through the router once
        expect(page.locator("h1").first).to_have_text(title)
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
    listbox = page.get_by_role("listbox")  # only the open widget has one (its name is not the label)
    for attempt in range(3):
        # A rerun still drawing the sidebar (the URL rewrite after the last pick) may close the
        # popup just opened: open it again rather than wait for an option that is gone.
        sidebar.get_by_role("combobox", name=widget_label, exact=True).click()
        try:
            listbox.get_by_role("option", name=option, exact=True).click(timeout=RENDER_TIMEOUT_MS // 4)
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
    if listbox.count():  # a multiselect stays open after a pick
        page.keyboard.press("Escape")
    expect(listbox).to_have_count(0)


def assert_stays_on_this_machine(server: Server, page: Page) -> None:
    """Point 13: nothing but this server is asked for anything, nothing fails (no probe under
    a page path), and the page icon is the server's own file."""
    outside = [url for url in REQUESTS if not url.startswith((server.url, "data:", "blob:"))]
    assert outside == [], outside
    assert FAILED == [], FAILED
    icons = page.evaluate("() => [...document.querySelectorAll('link[rel~=icon]')].map(l => l.href)")
    assert icons and all(href.startswith(server.url) for href in icons), icons


# --- every page -------------------------------------------------------------------

@pytest.mark.parametrize("path", list(PAGES), ids=[p or "overview" for p in PAGES])
def test_page_renders_from_filter_url(page, server, path):
    open_page(page, server, path, COMPARISON_QUERY if path == "comparison" else FILTER_QUERY, PAGES[path])
    page.locator(".js-plotly-plot .main-svg").first.wait_for(state="attached", timeout=RENDER_TIMEOUT_MS)
    wait_until_drawn(page, server)
    header = page.locator('[data-testid="stCaptionContainer"]').first
    expect(header).to_contain_text(TOWNSHIP_NAME)
    expect(header).to_contain_text(f"{PERIOD.start} 至 {PERIOD.end}")
    shot = screenshot(page, server, path or "overview")
    assert shot.stat().st_size > 10_000
    assert JS_ERRORS == [], JS_ERRORS
    assert_stays_on_this_machine(server, page)
    # Point 11: no English of Streamlit's chrome on screen (the top-right menu and the tables'
    # and charts' toolbars are gone, even when the pointer is over a table).
    tables = page.get_by_test_id("stDataFrame")
    if tables.count():
        tables.first.hover()
    expect(page.locator('[data-testid="stElementToolbar"]:visible')).to_have_count(0)
    expect(page.locator('[data-testid="stMainMenu"]:visible')).to_have_count(0)
    assert page.evaluate(VISIBLE_ENGLISH, ALLOWED_WORDS) == []


def test_overview_headline_equals_metric_module(page, server, con):
    open_page(page, server, "", title="总览")
    scope = Scope((TOWNSHIP,))
    for key in ("inspections", "suggestions_collected", "resolution_rate"):
        expect(tile(page, key)).to_have_text(expected(con, key, scope, PERIOD))
    window = metrics.coverage_windows(con, scope, PERIOD)[-1]
    coverage = metrics.window_coverage(con, scope, window)["campaign_household_coverage"]
    expect(tile(page, "campaign_household_coverage")).to_have_text(figure("campaign_household_coverage", coverage))


def test_sidebar_change_reruns_and_rewrites_url(page, server, con):
    open_page(page, server, "", title="总览")
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


# --- point 1: every download button on every page ----------------------------------------

def _check_download(path: Path, scope: str, period: str, page_title: str) -> str:
    """Open what a button gave: a PNG by its header and size, a workbook by its cells, a
    Word file by its paragraphs. Returns its kind."""
    content = path.read_bytes()
    if path.suffix == ".png":
        assert content.startswith(b"\x89PNG\r\n\x1a\n"), path.name
        width, height = png_size(content)
        assert width == 2560 and height >= 1440, (path.name, width, height)  # 16:9 or taller, twice the size
        assert path.name.startswith(f"{scope}_{period}_"), path.name
        return "png"
    if path.suffix == ".docx":
        document = Document(io.BytesIO(content))
        assert document.paragraphs[0].text == page_title
        assert document.inline_shapes, "the briefing carries its charts"
        assert path.name == f"{scope}_{period}_人大工作简报.docx"
        return "docx"
    assert path.suffix == ".xlsx", path.name
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows and any(cell != "" for cell in rows[0]), path.name
    parts = path.stem.split("_")
    if len(parts) == 3:  # a page's table: 范围_统计期_标题.xlsx, headed by its title and stamp
        assert path.name.startswith(f"{scope}_{period}_"), path.name
        assert rows[0][0] == parts[2] and rows[1][0].startswith("范围："), rows[:2]
        assert any(cell != "" for cell in rows[3]) and len(rows) >= 5, path.name  # the header, then rows
    return "xlsx"


def _click_every_download(page: Page, server: Server, tmp_path: Path, scope: str, period: str, title: str,
                          within=None) -> dict[str, int]:
    kinds: dict[str, int] = {}
    buttons = (within or page).locator('[data-testid="stDownloadButton"] button:visible')
    for index in range(buttons.count()):
        with page.expect_download(timeout=RENDER_TIMEOUT_MS) as info:
            buttons.nth(index).click()
        download = info.value
        assert download.failure() is None, download.failure()
        saved = tmp_path / str(len(list(tmp_path.iterdir()))) / download.suggested_filename
        saved.parent.mkdir()
        download.save_as(saved)
        kind = _check_download(saved, scope, period, title)
        kinds[kind] = kinds.get(kind, 0) + 1
    assert_no_exception(page, server)
    return kinds


WITH_DOWNLOADS = [p for p in PAGES if p != "data"]  # the data page keeps its downloads in tabs: below


@pytest.mark.parametrize("path", WITH_DOWNLOADS, ids=[p or "overview" for p in WITH_DOWNLOADS])
def test_every_download_on_the_page_opens(page, server, path, tmp_path):
    comparison = path == "comparison"
    open_page(page, server, path, COMPARISON_QUERY if comparison else FILTER_QUERY, PAGES[path])
    scope = COMPARISON_SCOPE if comparison else TOWNSHIP_NAME
    kinds = _click_every_download(page, server, tmp_path, scope, PERIOD_NAME, PAGES[path])
    charts = page.locator('[data-testid="stPlotlyChart"]').count()
    tables = page.locator('[data-testid="stDataFrame"]').count()
    assert kinds.get("png", 0) == charts  # every chart has its PNG, every table its workbook, each one opens
    assert kinds.get("xlsx", 0) == tables
    assert kinds.get("docx", 0) == (1 if path == "briefing" else 0)


def test_every_download_on_the_data_page_opens(page, server, tmp_path):
    open_page(page, server, "data", title="数据")
    found: dict[str, int] = {}
    for name in DATA_TABS:
        page.get_by_role("tab", name=name, exact=True).click()
        expect(page.get_by_role("tab", name=name, exact=True)).to_have_attribute("aria-selected", "true")
        wait_until_drawn(page, server)
        panel = page.get_by_role("tabpanel")  # only the selected tab's panel carries the role
        for kind, n in _click_every_download(page, server, tmp_path, TOWNSHIP_NAME, PERIOD_NAME, "数据",
                                             within=panel).items():
            found[kind] = found.get(kind, 0) + n
    assert found.get("xlsx", 0) >= 7 + 4  # the seven templates, and the tables' own files


# --- point 2: a running quarter is counted as of today ----------------------------------------

def test_a_running_quarter_counts_open_suggestions_as_of_today(page, server, con):
    quarter = Period(dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    scope = Scope(("QH07",))  # the demo's weak township: many open suggestions
    as_of = metrics.as_of_date(con, quarter)
    assert as_of < quarter.end, "the demo is loaded before the quarter ends"
    open_page(page, server, "suggestions", f"?township=QH07&from={quarter.start}&to={quarter.end}", "建议办理")
    expect(page.locator('[data-testid="stCaptionContainer"]').first).to_contain_text(f"截至 {as_of}")
    expect(tile(page, "overdue")).to_have_text(figure("overdue", metrics.overdue(con, scope, quarter)))
    due = metrics.due_soon(con, scope, quarter)
    assert due > 0, "counted at a future quarter end, due-soon would be empty"
    expect(tile(page, "due_soon")).to_have_text(figure("due_soon", due))
    expect(page.get_by_role("heading", name=re.compile(f"超期未办结（截至 {as_of}"))).to_be_visible()


# --- point 3: coverage by campaign window ------------------------------------------------------

def test_a_quarter_without_a_campaign_shows_the_year_to_date(page, server, con):
    open_page(page, server, "", THIRD_QUARTER, "总览")
    codes = con.execute("SELECT township_code FROM townships ORDER BY 1").fetchall()
    everyone = Scope(tuple(code for (code,) in codes))
    quarter = Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    window = metrics.coverage_windows(con, everyone, quarter)[-1]
    assert window.campaign is None and window.start == dt.date(2026, 1, 1)
    shown = metrics.window_coverage(con, everyone, window)["campaign_household_coverage"]
    in_quarter = metrics.household_coverage(con, everyone, quarter)
    assert shown > 0.5 > in_quarter  # the year's campaign counts, not the quarter's stragglers
    expect(tile(page, "campaign_household_coverage")).to_have_text(figure("campaign_household_coverage", shown))
    expect(page.get_by_text("本年累计（至9月30日）", exact=False).first).to_be_visible()
    open_page(page, server, "campaign", THIRD_QUARTER, "代表行动")
    expect(page.get_by_text("统计期内没有专项行动，按本年累计统计", exact=False)).to_be_visible()
    screenshot(page, server, "campaign_county")


# --- point 9: labels at 100 %, fixed colour scales -------------------------------------------

def test_coverage_labels_stay_visible_at_full_coverage(page, server):
    open_page(page, server, "campaign", FILTER_QUERY, "代表行动")  # 青河镇 visited 639 of 639, 98.8 % of deputies
    labels = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(gd => {
        const box = gd.getBoundingClientRect();
        return [...gd.querySelectorAll('.bartext, .annotation-text')].map(t => {
            const r = t.getBoundingClientRect();
            return {text: t.textContent, inside: r.width > 0 && r.left >= box.left && r.right <= box.right + 1};
        });
    })""")
    full = [label for label in labels if label["text"].startswith(("100.0%", "98.8%"))]
    assert any(label["text"].startswith("100.0%") for label in full), labels
    assert any(label["text"].startswith("98.8%") for label in full), labels
    assert all(label["inside"] for label in full), full
    figures = page.evaluate(FIGURES)
    progress = next(f for f in figures if f["title"].startswith("走访覆盖与代表参与进度"))
    assert "100%" in progress["xticks"]
    open_page(page, server, "stations", FILTER_QUERY, "活动站")
    grids = [f for f in page.evaluate(FIGURES) if f["data"][0]["type"] == "heatmap"]
    assert grids and all(g["data"][0]["zmin"] == -0.5 and g["data"][0]["zmax"] == 3.5 for g in grids)  # 0,1,2,3+


# --- point 7: presentation mode --------------------------------------------------------------

@pytest.mark.parametrize("path", ["", "briefing"], ids=["overview", "briefing"])
def test_presentation_mode_fills_a_projector_without_scrolling(page, server, path):
    open_page(page, server, path, FILTER_QUERY + "&present=1", PAGES[path])
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    expect(page.locator('[data-testid="stToolbar"]')).to_be_hidden()
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    shot = screenshot(page, server, f"{path or 'overview'}_present")
    assert shot.stat().st_size > 10_000
    assert height <= page.viewport_size["height"], f"{height}px of content on a 1080px screen"
    figures = page.evaluate(FIGURES)
    assert all(size >= 16 for f in figures for size in f["ticksizes"]), [f["ticksizes"] for f in figures]
    assert all("6月" in f["xticks"] for f in figures if f["title"].endswith("月度趋势"))  # the last month shows
    clipped = page.evaluate("""() => [...document.querySelectorAll(
        '[data-testid="stMetric"] *, [data-testid="stCaptionContainer"] p')]
        .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflow !== 'visible')
        .map(e => e.textContent)""")
    assert clipped == [], clipped  # no 同比 text cut to "同…"


def test_presenter_moves_between_pages_and_periods_without_typing(page, server):
    open_page(page, server, "", FILTER_QUERY + "&present=1", "总览")
    bar = page.locator(".st-key-present_bar")
    bar.get_by_role("link", name="下一页").click()
    expect(page.locator("h1").first).to_have_text(PAGES["briefing"])
    wait_until_drawn(page, server)
    assert query_of(page.url)["present"] == "1" and urlsplit(page.url).path.endswith("/briefing")
    page.keyboard.press("ArrowRight")  # ← and → do the same: the next page in the menu
    expect(page.locator("h1").first).to_contain_text("工作总结")
    wait_until_drawn(page, server)
    page.keyboard.press("ArrowLeft")
    expect(page.locator("h1").first).to_have_text(PAGES["briefing"])
    wait_until_drawn(page, server)
    bar.get_by_role("button", name="下一期").click()  # the period moves on the same page
    expect(page.locator("h1").first).to_have_text(f"{TOWNSHIP_NAME}2026年第三季度人大工作简报")
    wait_until_drawn(page, server)
    assert (query_of(page.url)["from"], query_of(page.url)["to"]) == ("2026-07-01", "2026-09-30")
    assert query_of(page.url)["township"] == TOWNSHIP  # the scope stays
    assert_no_exception(page, server)


def test_long_charts_fold_into_the_rest_on_the_projector(page, server):
    open_page(page, server, "suggestions", THIRD_QUARTER + "&present=1", "建议办理")
    handlers = next(f for f in page.evaluate(FIGURES) if f["title"] == "各承办单位本期收集件办结率")
    names = handlers["data"][0]["y"]
    assert len(names) == 11 and names[-1].startswith("其余") and names[-1].endswith("个承办单位"), names
    screenshot(page, server, "suggestions_present")


# --- point 11: Streamlit's widgets in Chinese ------------------------------------------------

@pytest.fixture
def uploader_page(browser, server):
    """A tab of the demo's 县人大（管理）: only an account that may upload gets a live upload box."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    context.set_default_timeout(RENDER_TIMEOUT_MS)
    tab = context.new_page()
    sign_in(tab, server, "xian_guanli")
    yield tab
    context.close()


def test_the_upload_box_and_its_errors_speak_chinese(uploader_page, server, tmp_path):
    page = uploader_page
    open_page(page, server, "data", FILTER_QUERY + "&tab=upload", "数据")
    expect(page.get_by_role("tab", name="上传登记表", exact=True)).to_have_attribute("aria-selected", "true")
    box = page.get_by_test_id("stFileUploaderDropzone")
    words = box.evaluate("""b => ({
        button: getComputedStyle(b.querySelector('button p'), '::after').content,
        buttonSize: getComputedStyle(b.querySelector('button p')).fontSize,
        size: getComputedStyle(b.querySelector('[data-testid="stFileUploaderDropzoneInstructions"] span'),
                               '::after').content})""")
    assert words["button"] == '"选择文件"' and words["buttonSize"] == "0px", words
    assert "每个文件不超过 50 MB" in words["size"], words
    too_big = tmp_path / "活动记录.csv"
    with too_big.open("wb") as out:
        out.truncate(51 * 1024 * 1024)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(too_big))
    alert = page.get_by_test_id("stFileUploader").locator('[role="alert"]').first
    alert.wait_for(state="attached")
    said = alert.evaluate("a => [getComputedStyle(a).fontSize, getComputedStyle(a, '::after').content]")
    assert said == ["0px", f'"{REFUSED}"'], said
    assert page.evaluate(VISIBLE_ENGLISH, ALLOWED_WORDS) == []
    screenshot(page, server, "data_upload_refused")


def test_the_date_picker_has_no_english_quick_select(page, server):
    open_page(page, server, "", "?from=2026-04-03&to=2026-05-20", "总览")  # not a quarter: 自定义, a date range
    field = page.get_by_test_id("stDateInputField")
    field.click()
    page.keyboard.press("Alt+ArrowDown")
    calendar = page.get_by_test_id("stDateInputCalendar")
    expect(calendar).to_be_visible()
    expect(calendar.get_by_test_id("stDateInputQuickSelect")).to_be_hidden()  # "Date range" / "Select..."
    assert page.evaluate(VISIBLE_ENGLISH, ALLOWED_WORDS) == []
    page.keyboard.press("Escape")
