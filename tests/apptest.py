"""Driving and reading pages in Streamlit's AppTest, shared by the page tests.

A page is opened either through the router (dashboard.py, then switch_page) or
on its own (pages only call the filters and the query layer, so both work);
the readers turn tiles, tables and plotly charts into plain Python values.

Every app is signed in here, in one place: the account (by default TESTER, a
系统管理员 who sees every township of the test data) is created in the accounts
store beside DASHBOARD_DB and signed in with its password through the real
AccountStore.sign_in; the session token goes where the page's own sign-in form
puts it (AppTest sends no cookies). `account=None` opens the app signed out.
"""

from __future__ import annotations

import base64
import json
import math
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from etl.accounts import SYSTEM_ADMIN, Account, AccountStore
from queries.db import PROJECT_ROOT
from ui import auth

APP = PROJECT_ROOT / "dashboard.py"
Q2 = {"from": "2024-04-01", "to": "2024-06-30"}
EMPTY = {"from": "2010-01-01", "to": "2010-03-31"}
TEST_PASSWORD = "test-password-2026"
TESTER = Account("tester", "测试·系统管理员", SYSTEM_ADMIN)
_TOKENS: dict[tuple[str, str], str] = {}


def sign_in_token(account: Account = TESTER, password: str = TEST_PASSWORD) -> str:
    """A live session token of `account` in the accounts store beside DASHBOARD_DB (created if missing)."""
    store = AccountStore.beside()
    key = (str(store.path), account.username)
    token = _TOKENS.get(key)
    if token is None or store.check_session(token).account is None:
        if store.get(account.username) is None:
            store.add(account, password, by="测试")
        token = store.sign_in(account.username, password, "测试").token
        assert token, f"test account {account.username} could not sign in"
        _TOKENS[key] = token
    return token


def new_app(script: str | Path, query: dict | None = None, session: dict | None = None,
            timeout: int = 30, account: Account | None = TESTER) -> AppTest:
    """An AppTest of `script`, signed in as `account`, with the URL query (and session state) set, not yet run."""
    at = AppTest.from_file(str(script), default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if account is not None:
        at.session_state[auth.TOKEN_KEY] = sign_in_token(account)
    for key, value in (session or {}).items():
        at.session_state[key] = value
    return at


def open_page(page: str, via_router: bool, query: dict | None = None, session: dict | None = None,
              timeout: int = 30, account: Account | None = TESTER) -> AppTest:
    """Run `page` (e.g. "pages/data.py") through dashboard.py, or on its own, signed in as `account`."""
    at = new_app(APP if via_router else PROJECT_ROOT / page, query, session, timeout, account).run()
    if via_router:
        at.switch_page(page).run()
    return at


def deep_link(page: str, query: dict | None = None, timeout: int = 30, account: Account | None = TESTER) -> AppTest:
    """Open a shared link straight on `page` (e.g. /briefing?from=…), through the router, signed in
    as `account`: the page's first run is the one that reads the link."""
    return new_app(APP, query, timeout=timeout, account=account).switch_page(page).run()


def tile(at: AppTest, name: str) -> str:
    return next(m.value for m in at.metric if m.label == name)


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def frame_by_header(at: AppTest, header: str):
    """The first table on the page with a column of that header."""
    return next(df.value for df in at.dataframe if header in df.value.columns)


def chart_specs(at: AppTest) -> list[dict]:
    """Every plotly figure on the page, as its JSON spec."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def plotly_values(array) -> list:
    """A plotly array as a list (plotly encodes numeric arrays as typed base64); NaN -> None."""
    if isinstance(array, dict):
        array = np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return [None if isinstance(v, float) and math.isnan(v) else v for v in array]


def markdown_texts(at: AppTest) -> list[str]:
    """Every text on the page that Streamlit renders as markdown: bodies of titles, captions,
    markdown and notes, and the labels of expanders, tabs, tiles and widgets (radio options too).
    Tables and charts are left out: they show text as text."""
    texts = []
    for node in [*at.main, *at.sidebar]:
        if node.type in {"markdown", "caption", "title", "header", "subheader", "error", "warning", "info",
                         "success", "toast"}:
            texts.append(node.value)
        label = getattr(node, "label", None)
        if isinstance(label, str):
            texts.append(label)
        if node.type == "radio":
            texts += [str(option) for option in node.options]
    return texts
