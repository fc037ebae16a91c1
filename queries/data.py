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


LATEST_RECORD_SQL = """
    SELECT max(d) FROM (
        SELECT max(date) AS d FROM activities
        UNION ALL SELECT max(received_on) FROM suggestions
        UNION ALL SELECT max(date) FROM visits)
"""


def latest_record_date(con: duckdb.DuckDBPyConnection):
    """The newest date in any log register: the default period ends at its quarter."""
    return con.execute(LATEST_RECORD_SQL).fetchall()[0][0]


def township_roster(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """(code, name, county, term_start) of every township, for the scope filter."""
    return con.execute(
        "SELECT township_code, township_name, county, term_start FROM townships "
        "ORDER BY county, township_code"
    ).fetchall()


def station_roster(con: duckdb.DuckDBPyConnection, township_codes: tuple[str, ...]) -> list[tuple]:
    """(station id, name) of the stations in a scope, for the station filter."""
    return con.execute(
        "SELECT station_id, station_name FROM stations "
        "WHERE township_code IN (SELECT unnest($towns)) ORDER BY station_id",
        {"towns": list(township_codes)},
    ).fetchall()
