"""The scope guard: what the signed-in account may see, applied to every query a page runs.

ui/database.fetch passes every call through `guard`: each Scope argument becomes the
requested townships ∩ the account's townships (`account_scope`, read from the roster on
the server), each Viewer argument becomes the account's, and a query that takes no
scope at all is refused unless it reads nothing of any township (SCOPE_FREE). No
account, or an account whose townships are not on the roster, sees the empty scope:
every query then returns nothing. Results are cached by these guarded arguments, so
one account's results are never another's unless their effective scope is the same.

乡镇对比 is the one page that may look past a township account's own scope, and only
through `comparison_scope`: the county's townships when the county publishes its
rankings, else nothing but the anonymous standing (queries/comparison.township_standing).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from etl.accounts import Account
from queries import comparison
from queries import data as data_queries
from queries.metrics import Scope
from queries.scope import PeerGroup, Viewer, account_townships
from ui import auth

# Queries that read nothing of any township (labels, definitions): they need no scope.
SCOPE_FREE: set[Callable] = {data_queries.metric_definitions}
# Per-township aggregates a township account may run over its whole county when the
# county publishes its rankings (never the register rows behind them).
RANKING_QUERIES: set[Callable] = {comparison.township_metrics, comparison.township_trend}
NOTED_KEY, NOTED_RUN_KEY = "_scope_noted", "_scope_noted_run"
REFUSED_NOTE = "所请求的乡镇或县不在当前账号的查看范围内，已改为显示本账号范围内的数据。"


class UnscopedQuery(TypeError):
    """A page called a query without a Scope: a programming error, refused (fail closed)."""


def account_scope(account: Account | None = None) -> Scope:
    """Every township the account may see, from the roster on the server (empty: none)."""
    account = account if account is not None else auth.current()
    if account is None:
        return Scope(())
    from ui.database import unguarded

    everything = account.sees_all
    codes = unguarded(account_townships, everything, None if everything or account.is_township else account.county,
                      account.township_code if account.is_township else None)
    return Scope(codes)


def peer_group(account: Account | None = None) -> PeerGroup:
    """The townships of the account's county (a township's own county, from the roster)."""
    account = account if account is not None else auth.current()
    if account is None:
        return PeerGroup(())
    if account.sees_all or not account.is_township:
        return PeerGroup(account_scope(account).township_codes)
    from ui.database import unguarded

    roster = unguarded(data_queries.township_roster, Scope((account.township_code,)))
    county = roster[0][2] if roster else None
    return PeerGroup(unguarded(account_townships, False, county, None) if county else ())


def rankings_published(account: Account | None = None) -> bool:
    """Whether a township account's county lets it see the named ranking of its townships."""
    account = account if account is not None else auth.current()
    return bool(account and account.is_township and auth.store().publishes_rankings(account.county))


def comparison_scope(account: Account | None = None) -> Scope:
    """What 乡镇对比 ranks: the county for a township account whose county publishes rankings,
    else the account's own townships."""
    account = account if account is not None else auth.current()
    if rankings_published(account):
        return Scope(peer_group(account).township_codes)
    return account_scope(account)


def viewer(account: Account | None = None) -> Viewer:
    account = account if account is not None else auth.current()
    return Viewer(account.username, account.sees_all) if account else Viewer("", False)


def clamp(requested: Scope, allowed: Scope) -> Scope:
    """The requested townships the account may see, in the requested order."""
    permitted = set(allowed.township_codes)
    return Scope(tuple(code for code in requested.township_codes if code in permitted))


def guard(query: Callable, args: tuple) -> tuple:
    """The arguments `query` runs with: every Scope clamped, every Viewer the account's own."""
    if not any(isinstance(a, Scope) for a in args) and query not in SCOPE_FREE:
        raise UnscopedQuery(f"{query.__module__}.{query.__qualname__} was called without a Scope")
    account = auth.current()
    allowed = comparison_scope(account) if query in RANKING_QUERIES else account_scope(account)
    guarded = []
    for arg in args:
        if isinstance(arg, Scope):
            kept = clamp(arg, allowed)
            if kept != arg:
                refused(set(arg.township_codes) - set(kept.township_codes))
            arg = kept
        elif isinstance(arg, Viewer):
            arg = viewer(account)
        elif isinstance(arg, PeerGroup):
            arg = peer_group(account)
        guarded.append(arg)
    return tuple(guarded)


def refused(codes: set[str] | list[str], county: str | None = None) -> None:
    """A request for townships (or a county) outside the account: a note on the page, and once an audit row."""
    codes = sorted(c for c in codes if c)
    if not codes and not county:
        return
    if st.session_state.get(NOTED_RUN_KEY) != st.session_state.get(auth.RUN_KEY):
        st.session_state[NOTED_RUN_KEY] = st.session_state.get(auth.RUN_KEY)
        st.warning(REFUSED_NOTE, icon=":material/lock:")
    asked = (tuple(codes), county)
    noted = st.session_state.setdefault(NOTED_KEY, set())
    if asked in noted:
        return
    noted.add(asked)
    parts = [f"乡镇 {'、'.join(codes)}" if codes else "", f"县 {county}" if county else ""]
    auth.store().audit("scope_denied", "refused", account=auth.current(), client=auth.client(),
                       detail="请求查看不在本账号范围内的" + "、".join(p for p in parts if p), township_codes=codes)


def refused_in_request(params, state, names: dict, counties: list[str]) -> None:
    """Townships or a county the URL (or a forced widget state) asks for that the account may not see."""
    wanted = [c for c in params.get("township", "").split(",") if c]
    forced = state.get("f_townships") or []
    codes = {c for c in [*wanted, *(forced if isinstance(forced, list) else [])] if c not in names}
    county = params.get("county")
    forced_county = state.get("f_county")
    asked_county = next((c for c in (county, forced_county) if c and c != "全部县" and c not in counties), None)
    refused(codes, asked_county)
