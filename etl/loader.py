"""Load register files into a writable database, one transaction per file.

A file is read (reader.py), checked (validate.py) and then, inside one
transaction: its accepted rows replace the rows with the same natural keys,
its rejected rows are kept with their reasons, and the load is logged. A file
whose exact content was loaded before changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from etl import validate
from etl.load_scope import LoadScope, reject_out_of_scope, township_codes
from etl.reader import CSV_SUFFIXES, EXCEL_SUFFIXES, SheetData, UnreadableFile, read_register
from etl.registers import ID_LIST, REGISTERS, Register, kind_from_filename
from etl.validate import ident

# schema.sql holds both schemas: the data file's, then (after the marker) the accounts store's.
ACCOUNTS_MARKER = "-- ==== accounts store ===="
SCHEMA_SQL, ACCOUNTS_SCHEMA_SQL = (Path(__file__).parent / "schema.sql").read_text(encoding="utf-8").split(
    ACCOUNTS_MARKER)

REJECTED_CSV = "rejected_rows.csv"  # the load report's CSV, never itself a register
LOADED = "loaded"
UNCHANGED = "unchanged"
STRICT_REFUSED = "strict_refused"
UNREADABLE = "unreadable"

REJECTED_SQL = """
    SELECT row_no,
           arg_min(column_name, rule_order) AS column_name,
           arg_min(value, rule_order) AS value,
           string_agg('「' || column_name || '」' || reason, '；' ORDER BY rule_order) AS reason
    FROM problems
    GROUP BY row_no
    ORDER BY row_no
"""


@dataclass
class Rejection:
    row_no: int
    column_name: str
    value: str | None
    reason: str


@dataclass
class FileResult:
    """What loading one file did, for the report and the exit code."""

    path: Path
    status: str
    register: Register | None = None
    sheet: str | None = None
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    message: str = ""
    extra_headers: list[str] = field(default_factory=list)
    unchecked_references: dict[str, int] = field(default_factory=dict)
    rejections: list[Rejection] = field(default_factory=list)
    content_hash: str = ""
    township_codes: list[str] = field(default_factory=list)


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create or update every table and macro; safe to run on every load."""
    con.execute(SCHEMA_SQL)


def register_files(paths: list[Path]) -> list[Path]:
    """Files named, and register files found in folders, rosters before logs."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in CSV_SUFFIXES | EXCEL_SUFFIXES
                and not p.name.startswith(("~$", "."))
                and p.name != REJECTED_CSV
            )
        else:
            files.append(path)
    return sorted(files, key=_load_rank)


def _load_rank(path: Path) -> int:
    """Rosters first, then logs, by the register the file name names (unknown last)."""
    register = kind_from_filename(path.name)
    return REGISTERS.index(register) if register else len(REGISTERS)


def content_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    strict: bool = False,
    on_stage: Callable[[str], None] = lambda stage: None,
    loaded_by: str | None = None,
    scope: LoadScope | None = None,
) -> FileResult:
    """Load one file into `con` in one transaction; never leaves it half-loaded.

    `loaded_by` is recorded in load_log; with a `scope`, rows outside it are rejected
    (etl/load_scope.py)."""
    path = Path(path)
    try:
        digest = content_hash(path)
    except OSError as exc:
        return FileResult(path, UNREADABLE, message=f"无法读取文件「{path.name}」：{exc.strerror}。")
    if _already_loaded(con, digest, scope):
        return FileResult(path, UNCHANGED, message="内容与已导入的文件相同，未重复导入。", content_hash=digest)
    on_stage("读取")
    try:
        sheet = read_register(path)
    except UnreadableFile as exc:
        result = FileResult(path, UNREADABLE, message=str(exc), content_hash=digest)
        _log(con, result, digest, _next_load_id(con), loaded_by, scope)
        return result
    on_stage("校验")
    con.execute("BEGIN TRANSACTION")
    try:
        result = _load_sheet(con, sheet, digest, strict, on_stage, loaded_by, scope)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("raw_rows")
    return result


def _already_loaded(con, digest: str, scope: LoadScope | None = None) -> bool:
    """Loaded before, unrestricted or under the same scope (rows another scope refused may load now)."""
    return bool(con.execute(
        "SELECT count(*) FROM load_log WHERE content_hash = ? AND status = ? "
        "AND (load_scope IS NULL OR load_scope = ?)", [digest, LOADED, scope.key() if scope else None]
    ).fetchall()[0][0])


def _next_load_id(con) -> int:
    return con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM load_log").fetchall()[0][0]


def _load_sheet(con, sheet: SheetData, digest: str, strict: bool, on_stage, loaded_by, scope) -> FileResult:
    register = sheet.register
    present = set(sheet.columns)
    con.register("raw_rows", sheet.to_arrow())
    validate.stage(con, register, present)
    validate.type_rows(con, register)
    checked = validate.find_problems(con, register, present)
    reject_out_of_scope(con, register, scope)
    rejections = [Rejection(*row) for row in con.execute(REJECTED_SQL).fetchall()]
    result = FileResult(
        sheet.path, LOADED, register, sheet.sheet,
        rows_read=len(sheet.rows), rows_rejected=len(rejections),
        extra_headers=sheet.extra_headers,
        unchecked_references=checked.unchecked_references, rejections=rejections,
        content_hash=digest, township_codes=township_codes(con, register),
    )
    result.rows_accepted = result.rows_read - result.rows_rejected
    load_id = _next_load_id(con)
    if strict and rejections:
        # The counts still say what checking found (read = accepted + rejected);
        # the status says that, under --strict, none of it was written.
        result.status = STRICT_REFUSED
        result.message = "有被拒绝的行，按 --strict 要求整个文件未导入。"
    else:
        on_stage("写入")
        _upsert(con, sheet, load_id)
    _keep_rejections(con, sheet, rejections, load_id)
    _log(con, result, digest, load_id, loaded_by, scope)
    return result


def stored_columns(register: Register) -> list[str]:
    """The register's table columns, in the order of its register (section 3)."""
    columns = [
        "township_code" if c.key == "township" else c.key
        for c in register.columns if c.type != ID_LIST
    ]
    if register.natural_key not in columns:
        columns.insert(0, register.natural_key)
    return columns


def _upsert(con, sheet: SheetData, load_id: int) -> None:
    """Accepted rows replace the rows with the same natural key, and their deputy links."""
    register = sheet.register
    table, key = ident(register.kind), ident(register.natural_key)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE accepted AS SELECT * FROM typed "
        "WHERE row_no NOT IN (SELECT row_no FROM problems)"
    )
    con.execute(f"DELETE FROM {table} WHERE {key} IN (SELECT {key} FROM accepted)")
    columns = ", ".join(ident(c) for c in stored_columns(register))
    con.execute(
        f"INSERT INTO {table} ({columns}, load_id, source_file, source_sheet, source_row) "
        f"SELECT {columns}, $load_id, $file, $sheet, row_no FROM accepted ORDER BY row_no",
        {"load_id": load_id, "file": sheet.path.name, "sheet": sheet.sheet},
    )
    if register.link_table:
        link = ident(register.link_table)
        con.execute(f"DELETE FROM {link} WHERE {key} IN (SELECT {key} FROM accepted)")
        con.execute(
            f"INSERT INTO {link} SELECT DISTINCT {key}, unnest(deputy_ids) FROM accepted "
            "WHERE len(deputy_ids) > 0"
        )


def _keep_rejections(con, sheet: SheetData, rejections: list[Rejection], load_id: int) -> None:
    """Every rejected row, with the whole row as read, so nothing is lost."""
    if not rejections:
        return
    cells = dict(sheet.rows)
    table = pa.table({
        "row_no": [r.row_no for r in rejections],
        "column_name": [r.column_name for r in rejections],
        "value": [r.value for r in rejections],
        "reason": [r.reason for r in rejections],
        "raw_row": [sheet.raw_json(cells[r.row_no]) for r in rejections],
    })
    con.register("rejected_arrow", table)
    try:
        con.execute(
            "INSERT INTO rejected_rows SELECT $load_id, $file, $sheet, row_no, column_name, "
            "value, reason, raw_row FROM rejected_arrow",
            {"load_id": load_id, "file": sheet.path.name, "sheet": sheet.sheet},
        )
    finally:
        con.unregister("rejected_arrow")


def _log(con, result: FileResult, digest: str, load_id: int, loaded_by: str | None,
         scope: LoadScope | None) -> None:
    con.execute(
        "INSERT INTO load_log (load_id, file_name, file_path, content_hash, kind, sheet, loaded_at, rows_read, "
        "rows_accepted, rows_rejected, status, message, loaded_by, township_codes, load_scope) "
        "VALUES (?, ?, ?, ?, ?, ?, now()::TIMESTAMP, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            load_id, result.path.name, str(result.path.resolve()), digest,
            result.register.kind if result.register else None, result.sheet,
            result.rows_read, result.rows_accepted, result.rows_rejected,
            result.status, result.message, loaded_by, result.township_codes, scope.key() if scope else None,
        ],
    )
