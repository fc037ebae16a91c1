"""What an account may change when it loads a file: its own townships, nothing else.

The dashboard hands the loader a LoadScope built from the signed-in account; the
rules below run inside the file's load transaction, next to the contract's own
checks, so a row for another township is rejected with its reason like any other
bad row (kept, shown, counted), and nothing outside the scope is touched:
- a row naming a township outside the scope is rejected;
- a row whose natural key already belongs to another township's record is
  rejected, because the upsert would otherwise delete that record and take its id;
- the 乡镇名册 itself is the county's: a township account cannot load it, and a
  county account only for its own county.
The command line (the server's operator) loads without a scope.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from etl.registers import Register
from etl.validate import ident

REASON_OUT_OF_SCOPE = "不在本账号的管辖范围内（本账号只能导入本账号所属乡镇或县的数据）"
REASON_KEY_TAKEN = "该编号已是其他乡镇的记录，本账号不能修改"
REASON_ROSTER_COUNTY_ONLY = "乡镇名册只能由县人大（管理）账号导入"
REASON_OTHER_COUNTY = "所属县不是本账号的县"
RULE_ORDER = 10_000  # after every contract rule: a row's own problems are named first

# The townships the scope covers, as they stand in this transaction (a county account's
# 乡镇名册 loaded earlier in the same upload already counts).
ALLOWED = ("(SELECT township_code FROM townships "
           "WHERE county = $scope_county OR list_contains($scope_towns, township_code))")


@dataclass(frozen=True)
class LoadScope:
    """A county's townships (county accounts), or named township codes (township accounts)."""

    county: str | None = None
    townships: tuple[str, ...] = ()

    def key(self) -> str:
        """How load_log names the scope (a file loaded under one scope is not "unchanged" for another)."""
        return f"county:{self.county}" if self.county else "townships:" + ",".join(sorted(self.townships))

    def params(self) -> dict:
        return {"scope_county": self.county, "scope_towns": list(self.townships)}


def reject_out_of_scope(con: duckdb.DuckDBPyConnection, register: Register, scope: LoadScope | None) -> None:
    """Add a `problems` line for every row of `typed` that the scope may not change."""
    if scope is None:
        return
    for column, condition, reason, params in _rules(register, scope):
        con.execute(
            f"INSERT INTO problems SELECT row_no, $column, CAST({ident('raw_' + column)} AS VARCHAR), $reason, "
            f"$order FROM typed WHERE {condition}",
            {"column": register.column(column).header, "reason": reason, "order": RULE_ORDER, **params},
        )


def _rules(register: Register, scope: LoadScope) -> list[tuple[str, str, str, dict]]:
    """(column named, condition on `typed`, reason, parameters) of every scope rule."""
    if register.kind == "townships":
        if not scope.county:
            return [("township_code", "true", REASON_ROSTER_COUNTY_ONLY, {})]
        other = "EXISTS (SELECT 1 FROM townships o WHERE o.township_code = typed.township_code AND o.county <> $c)"
        return [
            ("county", "county IS DISTINCT FROM $c", REASON_OTHER_COUNTY, {"c": scope.county}),
            ("township_code", other, REASON_KEY_TAKEN, {"c": scope.county}),
        ]
    table, key = ident(register.kind), ident(register.natural_key)
    key_column = register.natural_key if register.natural_key in {c.key for c in register.columns} else "township"
    taken = (f"EXISTS (SELECT 1 FROM {table} o WHERE o.{key} = typed.{key} "
             f"AND o.township_code NOT IN {ALLOWED})")
    return [
        ("township", f"township_code IS NOT NULL AND township_code NOT IN {ALLOWED}", REASON_OUT_OF_SCOPE,
         scope.params()),
        (key_column, taken, REASON_KEY_TAKEN, scope.params()),
    ]


def township_codes(con: duckdb.DuckDBPyConnection, register: Register) -> list[str]:
    """The townships a checked file's rows name (resolved codes, accepted or rejected)."""
    return [code for (code,) in con.execute(
        "SELECT DISTINCT township_code FROM typed WHERE township_code IS NOT NULL ORDER BY 1").fetchall()]
