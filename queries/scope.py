"""Turn what a user names (township names or codes, a county) into a Scope, and what an account may see.

The dashboard never takes a scope from the page alone: ui/access.py intersects every
Scope a page asks for with `account_townships` of the signed-in account, and fills in
the Viewer of queries that also show a person their own uploads.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from queries.metrics import Scope, has_column


@dataclass(frozen=True)
class Viewer:
    """Who looks at the load log: their own uploads are theirs to see whatever they named.

    Pages pass `Viewer()`; ui/access.py replaces it with the signed-in account's."""

    username: str = ""
    everything: bool = False


@dataclass(frozen=True)
class PeerGroup:
    """The townships a township is ranked among (its county). Pages pass `PeerGroup()`;
    ui/access.py fills in the account's county from the roster."""

    township_codes: tuple[str, ...] = ()


def account_townships(
    con: duckdb.DuckDBPyConnection, everything: bool, county: str | None, township_code: str | None
) -> tuple[str, ...]:
    """The township codes an account may see: all, its county's, or its own (if on the roster)."""
    return tuple(code for (code,) in con.execute(
        "SELECT township_code FROM townships WHERE $everything OR county = $county OR township_code = $township "
        "ORDER BY township_code", {"everything": everything, "county": county, "township": township_code},
    ).fetchall())


def load_log_is_scoped(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether load_log records who loaded and which townships (a file published before accounts
    did not: its loads are shown only to 系统管理员 until the next load adds the columns)."""
    return has_column(con, "load_log", "township_codes")


def visible_loads(con: duckdb.DuckDBPyConnection, alias: str = "l") -> str:
    """The SQL condition on load_log rows `alias` a Viewer of a scope may see ($towns, $viewer, $everything):
    loads whose rows all lie in the scope, and their own uploads."""
    if not load_log_is_scoped(con):
        return "$everything"
    return (f"($everything OR {alias}.loaded_by = $viewer OR "
            f"(len({alias}.township_codes) > 0 AND list_has_all($towns, {alias}.township_codes)))")


class ScopeError(ValueError):
    """A township or county that is not on the roster; the message is Chinese."""


def all_townships(con: duckdb.DuckDBPyConnection) -> Scope:
    codes = con.execute("SELECT township_code FROM townships ORDER BY township_code").fetchall()
    return Scope(tuple(c for (c,) in codes))


def resolve_scope(
    con: duckdb.DuckDBPyConnection, townships: list[str] = (), county: str | None = None
) -> Scope:
    """Townships named by code or name, plus every township of a county; none means all."""
    if not townships and not county:
        return all_townships(con)
    codes: set[str] = set()
    for name in townships:
        matches = con.execute(
            "SELECT DISTINCT township_code FROM townships "
            "WHERE township_code = $n OR township_name = $n",
            {"n": name.strip()},
        ).fetchall()
        if not matches:
            raise ScopeError(f"乡镇名册中没有「{name}」，请填写乡镇代码或乡镇名称。")
        if len(matches) > 1:
            raise ScopeError(f"乡镇名称「{name}」对应多个乡镇，请改用乡镇代码。")
        codes.add(matches[0][0])
    if county:
        in_county = con.execute(
            "SELECT township_code FROM townships WHERE county = ?", [county.strip()]
        ).fetchall()
        if not in_county:
            raise ScopeError(f"乡镇名册中没有「{county}」的乡镇。")
        codes.update(c for (c,) in in_county)
    return Scope(tuple(sorted(codes)))
