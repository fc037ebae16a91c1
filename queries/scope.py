"""Turn what a user names (township names or codes, a county) into a Scope."""

from __future__ import annotations

import duckdb

from queries.metrics import Scope


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
