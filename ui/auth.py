"""Who is signed in, for every run of every page: the account behind this session.

Three ways in, one account model (etl/accounts.py):
- served through app.py (`make run`): the login page and the session cookie belong to
  the server (ui/login_routes.py). The browser holds a signed, HttpOnly session cookie;
  every run checks it against the accounts store here, so an idle, expired, revoked or
  disabled session ends at the next click, not only at the next page load;
- run as a bare script (`streamlit run dashboard.py`, AppTest): no cookie route exists,
  so the same password check runs in a form on the page and the token lives in this
  Streamlit session only (no reload survival; nothing weaker);
- a county with an identity provider switches on OIDC ([dashboard_auth] mode = "oidc"
  in .streamlit/secrets.toml): Streamlit's st.login signs in and ui/oidc.py maps the
  claims to a role and township.
A run with no valid account draws only the sign-in screen and stops: nothing else of
the app runs for it (and ui/database.fetch returns nothing without an account).
"""

from __future__ import annotations

import time
from urllib.parse import quote

import streamlit as st

from etl.accounts import Account, AccountStore, SessionCheck
from queries.db import db_path
from ui import oidc
from ui.escape import md

SESSION_COOKIE = "renda_session"
TOKEN_KEY = "_auth_token"  # the in-page form's token (bare-script mode only)
ACCOUNT_KEY, CHECKED_KEY, OWNER_KEY, RUN_KEY = "_auth_account", "_auth_checked", "_auth_owner", "_auth_run"
REVALIDATE_S = 2.0  # a run's many queries share one check of the session
LOGIN_PATH, LOGIN_ROUTES_MOUNTED = "/login", {"mounted": False}  # set by ui/login_routes.py


def store() -> AccountStore:
    return AccountStore.beside(db_path())


def _text(value) -> str | None:
    """A context value only if it is text (outside a real server, st.context hands back stand-ins)."""
    return value if isinstance(value, str) and value else None


def client() -> str:
    """The browser's address as the server saw it (the proxy's X-Forwarded-For first)."""
    forwarded = _text(st.context.headers.get("X-Forwarded-For")) or ""
    return (forwarded.split(",")[0].strip() or _text(st.context.ip_address) or "本机")[:64]


def _token() -> str | None:
    cookie = _text(st.context.cookies.get(SESSION_COOKIE))
    if LOGIN_ROUTES_MOUNTED["mounted"]:
        return cookie
    return cookie or st.session_state.get(TOKEN_KEY)


def current(force: bool = False) -> Account | None:
    """This session's account, checked against the store at most every REVALIDATE_S seconds."""
    checked = st.session_state.get(CHECKED_KEY)
    if not force and checked and time.monotonic() - checked[0] < REVALIDATE_S and checked[2] == _token():
        return st.session_state.get(ACCOUNT_KEY)
    account, _ = _check()
    return account


def _check() -> tuple[Account | None, str | None]:
    """(account, refusal reason) for this session, remembered for REVALIDATE_S."""
    if oidc.enabled():
        account, reason = oidc.account(store(), client())
    else:
        token = _token()
        result = store().check_session(token, client()) if token else SessionCheck(None, None)
        account, reason = result.account, result.reason
    _adopt(account)
    st.session_state[CHECKED_KEY] = (time.monotonic(), reason, None if oidc.enabled() else _token())
    return account, reason


def _adopt(account: Account | None) -> None:
    """Session state belongs to one login: another account (or none) starts from a clean state."""
    owner = st.session_state.get(OWNER_KEY)
    name = account.username if account else None
    if owner is not None and owner != name:
        keep = {TOKEN_KEY: st.session_state.get(TOKEN_KEY)} if account else {}
        for key in list(st.session_state):
            del st.session_state[key]
        st.session_state.update({k: v for k, v in keep.items() if v})
    st.session_state[OWNER_KEY] = name
    st.session_state[ACCOUNT_KEY] = account


def gate() -> Account:
    """Call at the top of every run: the signed-in account, or the sign-in screen and st.stop()."""
    account = current()
    st.session_state[RUN_KEY] = time.monotonic_ns()  # notes shown once per run key on it
    if account is not None:
        return account
    reason = (st.session_state.get(CHECKED_KEY) or (0, None))[1]
    _sign_in_screen(reason)
    st.stop()


def _sign_in_screen(reason: str | None) -> None:
    st.title("人大履职看板")
    message = SessionCheck(None, reason).message
    if oidc.enabled():
        oidc.sign_in_screen(message)
        return
    if LOGIN_ROUTES_MOUNTED["mounted"]:
        # The session ended while the page was open: back to the server's login page.
        st.warning(message or "请先登录。")
        target = f"{LOGIN_PATH}?reason={quote(reason or 'login')}&next={quote(_here())}"
        st.link_button("前往登录页", target, type="primary")
        redirect(target)
        return
    _sign_in_form(message)


def _here() -> str:
    """This page's path and query, for the login page to come back to."""
    page = _text(st.context.url) or "/"
    path = "/" + page.split("://", 1)[-1].split("/", 1)[-1].split("?", 1)[0] if "://" in page else "/"
    query = "&".join(f"{quote(k)}={quote(v)}" for k, v in st.query_params.to_dict().items())
    return path + (f"?{query}" if query else "")


def _sign_in_form(message: str) -> None:
    """The password form of bare-script mode (the same check as the login page)."""
    accounts = store()
    if accounts.count() == 0:
        st.error(accounts_missing_message())
        return
    if message:
        st.warning(message)
    with st.form("sign_in"):
        username = st.text_input("账号", key="sign_in_username")
        password = st.text_input("密码", type="password", key="sign_in_password")
        submitted = st.form_submit_button("登录", type="primary")
    if submitted:
        result = accounts.sign_in(username, password, client())
        if result.token:
            st.session_state[TOKEN_KEY] = result.token
            st.rerun()
        st.error(result.message)


def accounts_missing_message() -> str:
    from etl.accounts import MSG_NO_ACCOUNTS

    return MSG_NO_ACCOUNTS


def sign_out() -> None:
    """End the session in the store (audited), forget it here, and go back to the login."""
    if oidc.enabled():
        oidc.sign_out(store(), current(), client())
        return
    store().sign_out(_token(), client())
    for key in list(st.session_state):
        del st.session_state[key]
    if LOGIN_ROUTES_MOUNTED["mounted"]:
        redirect(f"{LOGIN_PATH}?reason=ended")
        st.stop()
    st.rerun()


def account_box(account: Account | None = None) -> None:
    """The sidebar's last lines, under the filters: who is signed in, and the way out."""
    account = account or current()
    if account is None or st.query_params.get("present") == "1":
        return
    with st.sidebar:
        st.divider()
        where = "全部县" if account.sees_all else (account.county or "")
        who = md(f"{account.display_name}（{account.role_name}，{where}）")  # names are typed in by managers
        st.markdown(f":small[当前账号：{who}" + ("　**演示账号**" if account.is_demo else "") + "]")
        if st.button("退出登录", key="auth_sign_out", icon=":material/logout:"):
            sign_out()


def redirect(url: str) -> None:
    """Send the browser to `url` (the same message st.login / st.logout send)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    context = get_script_run_ctx()
    if context is None:
        return
    message = ForwardMsg()
    message.auth_redirect.url = url
    context.enqueue(message)


def require(allowed: bool, what: str) -> None:
    """A page or a tab only some roles may use: others read why and nothing else runs."""
    if not allowed:
        st.error(f"当前账号没有{what}的权限。")
        st.stop()
