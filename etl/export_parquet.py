"""The database as Parquet files, for when a province outgrows one machine.

`python -m etl export-parquet DIR` writes every table of the data contract into
DIR/<table>/, Hive-partitioned: facts by county and year (county=青禾县/year=2024/),
rosters by county, the load log and rejected rows as one file each. DuckDB,
Spark, Trino or Presto read the folders with the same SQL the metrics use; a
reader that opens only county=青禾县 reads only that county.

Personal data stays masked, as in every export: 户主姓名 and 联系电话 by column,
and mobile, landline and ID-card numbers written into any free-text column by
value (queries/privacy.mask_text). Rejected rows are stored masked already.

`manifest.json` names each table's columns in the database's order and its
partition columns; `open_export` turns a folder back into a DuckDB connection
whose views look like the database's tables (macros included), so the metric
functions run on it unchanged (tests/test_export_parquet.py checks the figures
agree).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl.registers import REGISTERS, TEXT
from etl.validate import ident
from queries.db import connect_readonly
from queries.privacy import mask_text

MANIFEST = "manifest.json"
MASK_TEXT_FUNCTION = "export_mask_text"
# A run of seven digits, maybe split by single dashes or spaces: every number mask_text
# would mask (mobile, landline, ID card) contains one, so only such values go through it.
NUMBER_LIKE = r"\d(?:[- ]?\d){6}"
# Macros are the part of schema.sql after this line (see etl/schema.sql).
MACROS_MARKER = "-- ==== macros ===="


@dataclass(frozen=True)
class Exported:
    """One table's place in the export: where its county and year come from."""

    table: str
    county: str | None = None  # SQL giving the row's county, joined on township_code
    year: str | None = None  # SQL giving the row's year
    parent: tuple[str, str] | None = None  # (fact table, key): a link table takes its parent's partition


FACT_DATES = {"activities": "date", "suggestions": "received_on", "visits": "date"}
LINKS = {"activity_deputies": ("activities", "activity_id"), "suggestion_deputies": ("suggestions", "suggestion_id"),
         "visit_deputies": ("visits", "visit_id")}
ROSTERS = ("stations", "deputies", "households")
UNPARTITIONED = ("load_log", "rejected_rows", "load_warnings")
PERSONAL = {("deputies", "phone"): "mask_phone", ("households", "head_name"): "mask_name"}
PARTITION_TYPES = {"county": "VARCHAR", "year": "BIGINT"}  # as read back: a county named 2024 stays text


def free_text_columns() -> dict[str, set[str]]:
    """Per table, the stored columns where people write text: masked by value in the export."""
    columns: dict[str, set[str]] = {}
    for register in REGISTERS:
        columns[register.kind] = {
            c.key for c in register.columns
            if c.type == TEXT and not c.key.endswith("_id") and c.key != "township" and not c.personal
        }
    return columns


def export_parquet(db_path: Path, out: Path) -> list[tuple[str, int]]:
    """Write every table of `db_path` under `out`; returns (table, rows) in order.

    Each table is written beside its old folder and then put in its place, so a
    reader of an earlier export never sees half a table.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    con = connect_readonly(db_path)
    try:
        con.create_function(MASK_TEXT_FUNCTION, mask_text, [duckdb.sqltype("VARCHAR")], duckdb.sqltype("VARCHAR"))
        manifest, written = {}, []
        for table, partition in _tables(con):
            columns = [name for name, in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
                "AND schema_name = 'main' AND table_name = $t ORDER BY column_index", {"t": table}).fetchall()]
            rows = _write(con, table, columns, partition, out)
            manifest[table] = {"columns": columns, "partition_by": partition}
            written.append((table, rows))
        (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    finally:
        con.close()
    return written


def _tables(con) -> list[tuple[str, list[str]]]:
    """(table, partition columns) of every contract table the database has."""
    present = {name for name, in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'")
               .fetchall()}
    order = ["townships", *ROSTERS, *FACT_DATES, *LINKS, *UNPARTITIONED]
    partitions = {"townships": ["county"], **{t: ["county"] for t in ROSTERS},
                  **{t: ["county", "year"] for t in (*FACT_DATES, *LINKS)}, **{t: [] for t in UNPARTITIONED}}
    return [(t, partitions[t]) for t in order if t in present]


def _select(table: str, columns: list[str]) -> str:
    """The table's rows as exported: personal columns masked, partition columns added."""
    text = free_text_columns().get(table, set())
    selects = []
    for column in columns:
        name = f"x.{ident(column)}"
        if (table, column) in PERSONAL:
            name = f"{PERSONAL[table, column]}({name})"
        elif column in text:
            name = (f"CASE WHEN regexp_matches({name}, '{NUMBER_LIKE}') THEN {MASK_TEXT_FUNCTION}({name}) "
                    f"ELSE {name} END")
        selects.append(f"{name} AS {ident(column)}")
    if table in ROSTERS:
        return (f"SELECT {', '.join(selects)}, t.county FROM {ident(table)} x "
                "LEFT JOIN townships t USING (township_code)")
    if table in FACT_DATES:
        return (f"SELECT {', '.join(selects)}, t.county, year(x.{ident(FACT_DATES[table])}) AS year "
                f"FROM {ident(table)} x LEFT JOIN townships t USING (township_code)")
    if table in LINKS:
        parent, key = LINKS[table]
        return (f"SELECT {', '.join(selects)}, t.county, year(p.{ident(FACT_DATES[parent])}) AS year "
                f"FROM {ident(table)} x LEFT JOIN {ident(parent)} p USING ({ident(key)}) "
                "LEFT JOIN townships t ON t.township_code = p.township_code")  # a link may carry its own copy
    return f"SELECT {', '.join(selects)} FROM {ident(table)} x"


def _write(con, table: str, columns: list[str], partition: list[str], out: Path) -> int:
    target, fresh = out / table, out / f".{table}.writing"
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir()
    query = _select(table, columns)
    if partition:
        con.execute(f"COPY ({query}) TO '{_path(fresh)}' (FORMAT parquet, PARTITION_BY ({', '.join(partition)}))")
    else:
        con.execute(f"COPY ({query}) TO '{_path(fresh / 'data.parquet')}' (FORMAT parquet)")
    rows = con.execute(f"SELECT count(*) FROM {ident(table)}").fetchall()[0][0]
    old = out / f".{table}.old"
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return rows


def _path(path: Path) -> str:
    """A path as a SQL string literal (COPY TO takes no parameter for its target)."""
    return str(path).replace("'", "''")


def open_export(folder: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB whose views read `folder`'s Parquet files as the database's tables,
    with the schema's macros, so queries/metrics.py runs on it as on the database."""
    from etl.loader import SCHEMA_SQL

    folder = Path(folder)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    con = duckdb.connect()
    for table, spec in manifest.items():
        files = _path(folder / table) + ("/**/*.parquet" if spec["partition_by"] else "/data.parquet")
        columns = ", ".join(ident(c) for c in spec["columns"])
        types = ", ".join(f"'{c}': '{PARTITION_TYPES[c]}'" for c in spec["partition_by"])
        hive = (f"hive_partitioning = true, hive_types = {{{types}}}" if spec["partition_by"]
                else "hive_partitioning = false")
        con.execute(f"CREATE VIEW {ident(table)} AS SELECT {columns} FROM read_parquet('{files}', {hive})")
    con.execute(SCHEMA_SQL.split(MACROS_MARKER, 1)[1])
    return con

