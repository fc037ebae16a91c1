"""Server memory benchmark: the real server (`streamlit run app.py`, as `make run`) on a
database, every page visited in headless Chromium for all townships and for one township,
and the server process's resident memory read from /proc after each page. Not a test.

    PYTHONPATH=. .venv/bin/python bench/server_memory.py --db /work/bench/q2000.duckdb

Prints each page's load time and the server's RSS after it, then the peak (VmHWM) and the
RSS at the end against the goal (≤ 1 GB after visiting every page on the province database).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT)]

from playwright.sync_api import sync_playwright  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PAGES = ["", "briefing", "summary", "inspections", "suggestions", "campaign", "stations", "deputies", "comparison",
         "data"]
PAGE_IS_DRAWN = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.dataset.testScriptState !== "notRunning") return false;
    if (document.querySelector('[data-testid="stStatusWidget"], [data-testid="stSkeleton"]')) return false;
    const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
    return charts.every(c => c.querySelector('.js-plotly-plot .main-svg'));
}"""
USER, PASSWORD = "jizhun", "memory-check-2026"
GOAL_MB = 1024


def memory(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) // 1024
    return fields["VmRSS"], fields["VmHWM"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description="访问全部页面后服务器进程的内存")
    parser.add_argument("--db", required=True)
    parser.add_argument("--township", help="“一个乡镇”的乡镇代码（默认取名册中间的一个）")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="server-memory-"))
    env = {**os.environ, "DASHBOARD_DB": str(Path(args.db).resolve()),
           "DASHBOARD_ACCOUNTS_DB": str(folder / "accounts.duckdb"),
           "DASHBOARD_SESSION_KEY": "server-memory-bench-key-0123456789abcdef", "PYTHONUNBUFFERED": "1"}
    os.environ.update(env)
    from etl.accounts import SYSTEM_ADMIN, Account, AccountStore

    AccountStore.beside().add(Account(USER, "基准测试", SYSTEM_ADMIN), PASSWORD, by="基准测试")
    import duckdb

    con = duckdb.connect(args.db, read_only=True)
    codes = [c for (c,) in con.execute("SELECT township_code FROM townships ORDER BY 1").fetchall()]
    con.close()
    township = args.township or codes[len(codes) // 2]
    port = _free_port()
    log = (folder / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1", "--server.port",
         str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read().strip() == b"ok":
                    break
            except OSError:
                time.sleep(0.5)
        print(f"server pid {server.pid} on {url}; {len(codes)} townships, one township = {township}; "
              f"RSS at start {memory(server.pid)[0]} MB; load average {os.getloadavg()[0]:.1f}")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            tab = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN").new_page()
            tab.set_default_timeout(600_000)
            tab.goto(f"{url}/", wait_until="domcontentloaded")
            tab.get_by_label("账号").fill(USER)
            tab.get_by_label("密码").fill(PASSWORD)
            tab.get_by_role("button", name="登录").click()
            tab.wait_for_function(PAGE_IS_DRAWN, timeout=600_000, polling=250)
            for query, words in (("", "全部乡镇"), (f"?township={township}", "一个乡镇")):
                for page in PAGES:
                    started = time.perf_counter()
                    tab.goto(f"{url}/{page}{query}", wait_until="domcontentloaded")
                    tab.wait_for_function(PAGE_IS_DRAWN, timeout=600_000, polling=250)
                    failed = tab.locator('[data-testid="stException"]').count()
                    rss, peak = memory(server.pid)
                    print(f"  {words} {page or 'overview':12s} drawn in {time.perf_counter() - started:6.1f} s; "
                          f"server RSS {rss:5d} MB (peak {peak} MB){'  EXCEPTION' if failed else ''}")
            browser.close()
        rss, peak = memory(server.pid)
        print(f"after every page: RSS {rss} MB, peak {peak} MB; goal ≤ {GOAL_MB} MB: "
              f"{'met' if rss <= GOAL_MB else 'MISSED'}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


if __name__ == "__main__":
    main()
