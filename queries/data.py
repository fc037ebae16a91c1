"""Queries about the data itself: what was loaded, and what was rejected and why."""

from __future__ import annotations

import duckdb

from etl.registers import REGISTERS

PHONE_HEADERS = [c.header for r in REGISTERS for c in r.columns if c.personal and c.key == "phone"]
NAME_HEADERS = [c.header for r in REGISTERS for c in r.columns if c.personal and c.key != "phone"]

# The rejections of each file's latest load: a file fixed and loaded again drops out.
CURRENT_REJECTIONS_SQL = """
    SELECT r.file_name, coalesce(r.sheet, '') AS sheet, r.row_no, r.column_name,
           CASE WHEN list_contains($phone_headers, r.column_name) THEN mask_phone(r.value)
                WHEN list_contains($name_headers, r.column_name) THEN mask_name(r.value)
                ELSE r.value END AS value,
           r.reason
    FROM rejected_rows r
    WHERE r.load_id IN (SELECT max(load_id) FROM load_log
                        WHERE status IN ('loaded', 'strict_refused') GROUP BY file_name)
    ORDER BY r.file_name, r.row_no
"""


def current_rejections(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """(file, sheet, row, column, masked value, reason) of every row still rejected."""
    return con.execute(
        CURRENT_REJECTIONS_SQL, {"phone_headers": PHONE_HEADERS, "name_headers": NAME_HEADERS}
    ).fetchall()
