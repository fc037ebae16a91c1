"""Personal values in rejected rows, masked before they are stored or shown.

A rejected row is kept whole (rejected_rows.raw_row) so nothing is lost, but a
row whose columns shifted carries a phone number in 出生年份 or a household
head's name in 村. Each cell is masked by its column, by the rosters' personal
values (the database's and those of the file being loaded) and by its shape
(queries/privacy.py), so the database never holds an unmasked rejected value.
"""

from __future__ import annotations

import contextlib

import duckdb
import pyarrow as pa

from etl.reader import SheetData, split_row_id
from etl.registers import Register
from etl.validate import ident
from queries.privacy import NAME, PHONE, mask_cell

PERSONAL_CANDIDATE_LENGTH = 20  # names and phone numbers are short
# Where a roster's personal values are: (kind, roster table, column), also looked up in
# the file being loaded when it is that roster.
PERSONAL_SOURCES = ((NAME, "households", "head_name"), (PHONE, "deputies", "phone"))


def personal_values(con: duckdb.DuckDBPyConnection, sheet: SheetData, rejected: dict[int, list[str]]
                    ) -> dict[str, str]:
    """Cells of this file's rejected rows (`rejected`: record id -> cells) that are a roster's
    personal value (a household head's name, a deputy's phone) in any column: value -> NAME or PHONE."""
    values = {
        c.strip() for cells in rejected.values() for c in cells
        if c and 1 < len(c.strip()) <= PERSONAL_CANDIDATE_LENGTH
    }
    if not values:
        return {}
    parts, params = [], {}
    for kind, table, column in PERSONAL_SOURCES:
        sources = [f"SELECT {ident(column)} FROM {ident(table)}"]
        if sheet.register.kind == table:
            sources.append(f"SELECT {ident('raw_' + column)} FROM typed")  # as staged: trimmed, folded
        parts.append(f"SELECT v, ${kind} FROM candidates WHERE v IN ({' UNION ALL '.join(sources)})")
        params[kind] = kind
    con.register("candidates", pa.table({"v": pa.array(sorted(values), pa.string())}))
    try:
        return dict(con.execute(" UNION ".join(parts), params).fetchall())
    finally:
        with contextlib.suppress(duckdb.Error):
            con.unregister("candidates")


def masked_value(register: Register, header: str, value: str | None, known: dict[str, str]) -> str | None:
    """A rejected value of the column with that contract header, masked."""
    column = next((c for c in register.read_columns if c.header == header), None)
    return mask_cell(value, column, register, known)


def masked_cells(sheet: SheetData, cells: list[str], known: dict[str, str], record: int | None = None) -> list[str]:
    """A whole row as read, every cell masked by its column, the rosters and its shape
    (`record`: the row's id, for a register read from several sheets)."""
    columns = sheet.columns if record is None else sheet.tables[split_row_id(record)[0]].header.columns
    index_key = {i: k for k, i in columns.items()}
    register = sheet.register
    return [
        mask_cell(c, register.column(index_key[i]) if i in index_key else None, register, known)
        for i, c in enumerate(cells)
    ]
