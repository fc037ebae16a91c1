"""The rows still rejected, masked: read by `etl load` (its rejected-rows CSV) and the data page.

Apart from queries/data.py because it needs no pandas: the command line imports it on every
load, and pandas is a quarter of a second of a load's start.
"""

from __future__ import annotations

import duckdb

from etl.registers import REGISTERS
from queries.privacy import mask_text

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


MASKED_HEADERS = {"phone_headers": PHONE_HEADERS, "name_headers": NAME_HEADERS}


def current_rejections(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """(file, sheet, row, column, masked value, reason) of every row still rejected (the command line's).

    Values are stored masked since issue 9; masking by shape again here covers a
    database loaded before that (a phone number in 出生年份 stays hidden).
    """
    return [masked_rejection(row) for row in con.execute(CURRENT_REJECTIONS_SQL, MASKED_HEADERS).fetchall()]


def masked_rejection(row: tuple) -> tuple:
    """A rejected row as every reader gets it: its value masked by shape as well as by column."""
    return (*row[:4], mask_text(row[4]), row[5])
