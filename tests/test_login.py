"""The login page and the session gate over real HTTP: `streamlit run app.py` on the hand-counted county.

What a browser (or a script pretending to be one) gets without a session, with a wrong or a forged
one, and with a real one: redirects, refusals, the cookie's attributes, the websocket that runs the
app, and the audit rows each attempt leaves.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import duckdb
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from etl.accounts import Account, AccountStore
from queries.db import PROJECT_ROOT

PASSWORD = "town-password-1"
TOWN = Account("qh01", "青河镇人大", "township_admin", county="青禾县", township_code="QH01")
BLOCKED = Account("blocked", "停用的账号", "county_viewer", county="青禾县")
HTML = {"Accept": "text/html", "Sec-Fetch-Dest": "document"}

pytestmark = pytest.mark.timeout(300)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture(scope="module")
def server(tmp_path_factory, county_db_master):
    folder = tmp_path_factory.mktemp("login")
    db = folder / "dashboard.duckdb"
    shutil.copyfile(county_db_master, db)
    store = AccountStore.beside(db)
    store.add(TOWN, PASSWORD, by="test")
    store.add(BLOCKED, PASSWORD, by="test")
    store.set_disabled("blocked", True, by="test")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DASHBOARD_DB": str(db), "DASHBOARD_MAX_FAILURES": "3"}
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true"],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.3)
    try:
        yield url, store
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def opener(jar=None):
    jar = jar if jar is not None else http.cookiejar.CookieJar()  # an empty jar is falsy
    return urllib.request.build_opener(NoRedirect, urllib.request.HTTPCookieProcessor(jar))


def get(url: str, jar=None, headers=None):
    try:
        return opener(jar).open(urllib.request.Request(url, headers=headers or HTML), timeout=20)
    except urllib.error.HTTPError as answer:
        return answer


def sign_in(url: str, username: str, password: str, jar, next_path: str = "/"):
    page = get(f"{url}/login?next={urllib.parse.quote(next_path)}", jar).read().decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf": csrf, "next": next_path, "username": username, "password": password})
    try:
        return opener(jar).open(urllib.request.Request(f"{url}/login", data=body.encode(), headers=HTML), timeout=30)
    except urllib.error.HTTPError as answer:
        return answer


def session_cookie(jar):
    return next((c for c in jar if c.name == "renda_session"), None)


def audit(store, event):
    return [r for r in store.audit_rows() if r["event"] == event]


def test_without_a_session_pages_redirect_and_the_rest_is_closed(server):
    url, _ = server
    answer = get(f"{url}/suggestions?township=QH01")
    assert answer.status == 302 and answer.headers["Location"] == "/login?next=/suggestions%3Ftownship%3DQH01"
    assert get(f"{url}/media/abc.xlsx", headers={}).status == 401
    assert get(f"{url}/_stcore/health").status == 200  # the probe stays open
    stream = f"ws://127.0.0.1:{url.rsplit(':', 1)[1]}/_stcore/stream"
    with pytest.raises((InvalidStatus, ConnectionClosed)), connect(stream, open_timeout=10) as ws:
        ws.recv(timeout=10)  # closed by the gate before any script runs


def test_login_page_is_chinese_and_no_accounts_leak(server):
    url, _ = server
    page = get(f"{url}/login").read().decode()
    assert "人大履职看板" in page and "账号" in page and "密码" in page and 'lang="zh-CN"' in page
    assert "qh01" not in page and "http://" not in page and "https://" not in page  # nothing fetched from outside


def test_wrong_password_then_lockout_each_audited(server):
    url, store = server
    jar = http.cookiejar.CookieJar()
    first = sign_in(url, "qh01", "not-the-password", jar)
    assert first.status == 401 and "账号或密码错误。再错 2 次" in first.read().decode()
    sign_in(url, "qh01", "not-the-password", jar)
    third = sign_in(url, "qh01", "not-the-password", jar)
    assert "已被锁定" in third.read().decode()
    right = sign_in(url, "qh01", PASSWORD, jar)
    assert right.status == 401 and "已被锁定" in right.read().decode() and session_cookie(jar) is None
    assert len(audit(store, "locked")) == 1 and len(audit(store, "login_failed")) >= 4
    store.unlock("qh01", by="test")


def test_disabled_account_and_missing_csrf_are_refused(server):
    url, store = server
    jar = http.cookiejar.CookieJar()
    answer = sign_in(url, "blocked", PASSWORD, jar)
    assert answer.status == 401 and "该账号已停用" in answer.read().decode()
    assert any(r["username"] == "blocked" and r["detail"] == "账号已停用" for r in audit(store, "login_failed"))
    body = urllib.parse.urlencode({"username": "qh01", "password": PASSWORD}).encode()
    try:
        opener().open(urllib.request.Request(f"{url}/login", data=body), timeout=20)
        raise AssertionError("a login without the form's token was accepted")
    except urllib.error.HTTPError as refused:
        assert refused.status == 400


def test_signed_in_the_cookie_is_httponly_and_survives_a_reload(server):
    url, store = server
    jar = http.cookiejar.CookieJar()
    answer = sign_in(url, "qh01", PASSWORD, jar, next_path="/suggestions?township=QH01")
    assert answer.status == 303 and answer.headers["Location"] == "/suggestions?township=QH01"
    header = next(v for k, v in answer.headers.items() if k.lower() == "set-cookie" and "renda_session" in v)
    assert "HttpOnly" in header and "SameSite=lax" in header and "Max-Age" not in header and "expires" not in header
    assert get(f"{url}/suggestions?township=QH01", jar).status == 200  # a reload, or the shared URL in a new tab
    port = url.rsplit(":", 1)[1]
    cookie = session_cookie(jar)
    with connect(f"ws://127.0.0.1:{port}/_stcore/stream", additional_headers={
            "Cookie": f"renda_session={cookie.value}", "Origin": url}, open_timeout=10) as ws:
        assert ws.protocol.state.name == "OPEN"
    assert any(r["username"] == "qh01" for r in audit(store, "login"))


def test_forged_and_idle_cookies_are_refused_and_audited(server):
    url, store = server
    jar = http.cookiejar.CookieJar()
    sign_in(url, "qh01", PASSWORD, jar)
    cookie = session_cookie(jar)
    version, session_id, mac = cookie.value.split(".")
    forged = f"{version}.{session_id[:-2]}xx.{mac}"
    answer = get(f"{url}/", headers={**HTML, "Cookie": f"renda_session={forged}"})
    assert answer.status == 302 and "reason=forged" in answer.headers["Location"]
    assert any("伪造" in r["detail"] for r in audit(store, "session_refused"))
    con = duckdb.connect(str(store.path))
    con.execute("UPDATE sessions SET last_seen = last_seen - INTERVAL 31 MINUTE WHERE ended_at IS NULL")
    con.close()
    idle = get(f"{url}/", jar)
    assert idle.status == 302 and "reason=idle" in idle.headers["Location"]
    assert "长时间未操作" in get(f"{url}{idle.headers['Location']}").read().decode()


def test_next_never_leaves_the_server(server):
    url, _ = server
    jar = http.cookiejar.CookieJar()
    answer = sign_in(url, "qh01", PASSWORD, jar, next_path="//evil.example/x")
    assert answer.status == 303 and answer.headers["Location"] == "/"
