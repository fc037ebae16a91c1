"""Rows that load but deserve a look: a suggestion moved back from 已办结, and a
natural key that two files of the same load wrote differently.

Both are loaded (a newer file updates a row, the contract's rule) and listed as
warnings in the load report, the upload report and on the 数据 page, naming the
files and rows involved and which one won.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from etl.registers import RESOLVED, Register
from etl.validate import ident

STATUS_REGRESSION_SQL = """
    SELECT a.row_no, a.suggestion_id, a.status, s.source_file, s.source_row
    FROM accepted a JOIN suggestions s USING (suggestion_id)
    WHERE s.status = $resolved AND a.status <> $resolved
    ORDER BY a.row_no
"""
WARN_STATUS_BACK = ("编号「{id}」的办理状态从「{resolved}」（「{file}」第 {row} 行）退回为「{status}」，"
                    "已按本文件更新，请核实")
WARN_DISAGREE = ("「{other}」第 {other_row} 行与本文件第 {row} 行是同一条记录（{key}），但{columns}不同；"
                 "以后导入的「{file}」为准")


@dataclass
class LoadWarning:
    """A row that loaded but deserves a look (a status moved back, two files disagreeing)."""

    row_no: int
    record_id: str
    message: str


def mark_run_start(con: duckdb.DuckDBPyConnection) -> None:
    """Remember, for this connection (one load of many files), the first load id it writes,
    so files of one load that disagree on a natural key can be told apart from earlier loads."""
    con.execute(
        "CREATE TEMP TABLE IF NOT EXISTS run_start AS "
        "SELECT coalesce(max(load_id), 0) + 1 AS load_id FROM load_log"
    )


def replaced_rows(con: duckdb.DuckDBPyConnection, register: Register, file_name: str,
                  columns: list[str]) -> list[LoadWarning]:
    """Warnings about the rows `accepted` is about to replace (`columns`: the table's stored columns)."""
    warnings = status_regressions(con) if register.kind == "suggestions" else []
    return warnings + disagreements(con, register, file_name, columns)


def status_regressions(con: duckdb.DuckDBPyConnection) -> list[LoadWarning]:
    """Suggestions 已办结 in the database that the accepted rows move back to an earlier status."""
    rows = con.execute(STATUS_REGRESSION_SQL, {"resolved": RESOLVED}).fetchall()
    return [
        LoadWarning(row_no, key, WARN_STATUS_BACK.format(
            id=key, resolved=RESOLVED, file=file, row=row, status=status))
        for row_no, key, status, file, row in rows
    ]


def disagreements(con: duckdb.DuckDBPyConnection, register: Register, file_name: str,
                  columns: list[str]) -> list[LoadWarning]:
    """Accepted rows with a natural key that another file of this same load wrote differently."""
    table, key = ident(register.kind), ident(register.natural_key)
    compared = [c for c in columns if c != register.natural_key]
    differs = ", ".join(
        f"CASE WHEN a.{ident(c)} IS DISTINCT FROM t.{ident(c)} THEN $h{i} END" for i, c in enumerate(compared)
    )
    rows = con.execute(
        f"""
        SELECT a.row_no, a.{key}, t.source_file, t.source_row,
               list_filter([{differs}], lambda x: x IS NOT NULL) AS differing
        FROM accepted a JOIN {table} t USING ({key})
        WHERE t.load_id >= (SELECT load_id FROM run_start)
        ORDER BY a.row_no
        """,
        {f"h{i}": _header(register, c) for i, c in enumerate(compared)},
    ).fetchall()
    key_column = next((c for c in register.columns if c.key == register.natural_key), None)
    described = "{header}「{id}」" if key_column else "日期、乡镇、对象和走访代表相同"
    return [
        LoadWarning(row_no, record_id, WARN_DISAGREE.format(
            other=other, other_row=other_row, row=row_no, file=file_name,
            key=described.format(header=key_column.header if key_column else "", id=record_id),
            columns="、".join(f"「{h}」" for h in differing)))
        for row_no, record_id, other, other_row, differing in rows if differing
    ]


def _header(register: Register, column: str) -> str:
    """The Chinese header of a stored column (township_code is the register's 乡镇)."""
    return register.column("township" if column == "township_code" else column).header


def keep_warnings(con: duckdb.DuckDBPyConnection, file_name: str, sheet: str | None,
                  warnings: list[LoadWarning], load_id: int) -> None:
    """The warnings in `load_warnings`, for the 数据 page."""
    if warnings:
        con.executemany(
            "INSERT INTO load_warnings VALUES (?, ?, ?, ?, ?, ?)",
            [[load_id, file_name, sheet, w.row_no, w.record_id, w.message] for w in warnings],
        )
