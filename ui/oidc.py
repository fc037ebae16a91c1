"""Signing in through the county's identity provider (Keycloak, Authentik …) with st.login.

Switched on in .streamlit/secrets.toml: Streamlit's own [auth] section (redirect_uri,
cookie_secret, client_id, client_secret, server_metadata_url; needs Authlib) plus

    [dashboard_auth]
    mode = "oidc"
    username_claim = "preferred_username"   # the account name in the audit log
    name_claim = "name"
    role_claim = "renda_role"               # a role key, or a value mapped below; a list (groups) is fine
    county_claim = "renda_county"
    township_claim = "renda_township"       # a township code, for township roles
    [dashboard_auth.role_values]
    "/人大/县管理" = "county_admin"

The provider decides who someone is and which role and township they hold; a local
account of the same name that is disabled still keeps them out. Lockout and password
rules are the provider's; the idle time-out and the audit log are the dashboard's.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import streamlit as st

from etl.accounts import COUNTY_ROLES, ROLES, SYSTEM_ADMIN, TOWNSHIP_ROLES, Account, AccountStore

SEEN_KEY, ACTIVE_KEY = "_oidc_seen", "_oidc_active"
DEFAULT_CLAIMS = {
    "username_claim": "preferred_username", "name_claim": "name", "role_claim": "renda_role",
    "county_claim": "renda_county", "township_claim": "renda_township",
}


def settings() -> Mapping:
    try:
        return st.secrets.get("dashboard_auth", {})
    except FileNotFoundError:
        return {}


def enabled() -> bool:
    return settings().get("mode") == "oidc"


def account_from_claims(claims: Mapping, config: Mapping) -> Account | None:
    """The account an identity token's claims describe, or None when they name no usable role and scope."""
    names = {**DEFAULT_CLAIMS, **{k: v for k, v in config.items() if k in DEFAULT_CLAIMS}}
    username = _first(claims.get(names["username_claim"])) or _first(claims.get("email"))
    role = _role(claims.get(names["role_claim"]), config.get("role_values", {}))
    if not username or role is None:
        return None
    county = _first(claims.get(names["county_claim"]))
    township = _first(claims.get(names["township_claim"]))
    if (role in COUNTY_ROLES and not county) or (role in TOWNSHIP_ROLES and not township):
        return None
    display = _first(claims.get(names["name_claim"])) or username
    return Account(username, display, role, None if role == SYSTEM_ADMIN else county,
                   township if role in TOWNSHIP_ROLES else None)


def _first(value) -> str | None:
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    return str(value).strip() or None if value is not None else None


def _role(value, mapping: Mapping) -> str | None:
    """The most privileged known role among the claim's values (a role key, or mapped by role_values)."""
    values = value if isinstance(value, list | tuple) else [value]
    found = {mapping.get(str(v), str(v)) for v in values if v is not None}
    return next((role for role in ROLES if role in found), None)


def account(store: AccountStore, client: str) -> tuple[Account | None, str | None]:
    """This session's provider account (audited once per session), or why not."""
    user = st.user
    if not user.get("is_logged_in"):
        return None, None
    mapped = account_from_claims(user.to_dict(), settings())
    if mapped is None:
        return None, "unmapped"
    local = store.get(mapped.username)
    if local is not None and local.disabled:
        return None, "disabled"
    now = time.monotonic()
    last = st.session_state.get(ACTIVE_KEY)
    if last is not None and now - last > store.policy.idle_minutes * 60:
        store.audit("session_refused", "refused", account=mapped, client=client, detail="超过空闲时限，会话已结束")
        st.session_state.pop(SEEN_KEY, None)
        st.logout()
        return None, "idle"
    st.session_state[ACTIVE_KEY] = now
    if st.session_state.get(SEEN_KEY) != mapped.username:
        store.audit("login", "ok", account=mapped, client=client, detail="统一身份认证登录")
        st.session_state[SEEN_KEY] = mapped.username
    return mapped, None


def sign_in_screen(message: str) -> None:
    if message:
        st.warning(message)
    st.info("本看板使用单位统一身份认证登录。")
    if st.button("统一身份认证登录", type="primary", key="oidc_sign_in"):
        provider = settings().get("provider")
        st.login(provider) if provider else st.login()


def sign_out(store: AccountStore, account: Account | None, client: str) -> None:
    if account is not None:
        store.audit("logout", "ok", account=account, client=client, detail="退出登录（统一身份认证）")
    st.logout()
