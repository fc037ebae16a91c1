"""Load register files into a writable database, one transaction per file.

A file is read (reader.py), checked (validate.py, with names resolved by
names.py) and then, inside one transaction: its accepted rows replace the rows
with the same natural keys, its rejected rows are kept with their reasons, and
the load is logged. A workbook holding several registers is one transaction and
one log line per register. A file whose exact content was loaded before changes
nothing. For every register read: rows read = accepted + rejected + skipped
(合计 and footer rows, which are neither loaded nor rejected).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from etl import names, validate
from etl.layout import SavedMapping, title_hints
from etl.mapping import save_mapping, saved_mappings
from etl.reader import (
    CSV_SUFFIXES,
    EXCEL_SUFFIXES,
    ROW_BITS,
    FileData,
    ReadOptions,
    SheetData,
    UnreadableFile,
    read_file,
    split_row_id,
)
from etl.registers import ID_LIST, REGISTERS, TITLE_HINTS, Register, kind_from_filename
from etl.validate import ident

SCHEMA_SQL = (Path(__file__).parent / "schema.sql").read_text(encoding="utf-8")

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
    row_no: int  # the Excel row
    column_name: str
    value: str | None
    reason: str
    sheet: str | None = None


@dataclass(frozen=True)
class LoadOptions:
    """What the user adds to the files: --strict, --township, --mapping."""

    strict: bool = False
    township: str | None = None  # for sheets without a 乡镇 column whose title names none
    mappings: tuple[SavedMapping, ...] = ()  # confirmed 导入方案, saved in the database when applied


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
    rows_skipped: int = 0
    message: str = ""
    extra_headers: list[str] = field(default_factory=list)
    unchecked_references: dict[str, int] = field(default_factory=dict)
    rejections: list[Rejection] = field(default_factory=list)
    skipped: list[tuple[str | None, int, str]] = field(default_factory=list)  # (sheet, Excel row, why)
    skipped_sheets: list[tuple[str, str]] = field(default_factory=list)  # (sheet, why): not registers
    mapping: str | None = None  # the 导入方案 a sheet was read by, if any
    sheet_count: int = 1

    def skipped_summary(self) -> str:
        """How many rows were skipped and why: 合计行 2 行（第14行、第30行）；表尾 3 行 …"""
        by_reason: dict[str, list[str]] = {}
        for sheet, row_no, reason in self.skipped:
            where = f"「{sheet}」第{row_no}行" if sheet and self.sheet_count > 1 else f"第{row_no}行"
            by_reason.setdefault(reason, []).append(where)
        return "；".join(
            f"{reason} {len(rows)} 行（{'、'.join(rows[:8])}{'等' if len(rows) > 8 else ''}）"
            for reason, rows in by_reason.items()
        )


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
    options: LoadOptions | None = None,
) -> FileResult:
    """Load one file into `con`; the result of its (first) register. See load_file_parts."""
    return load_file_parts(con, path, strict, on_stage, options)[0]


def load_file_parts(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    strict: bool = False,
    on_stage: Callable[[str], None] = lambda stage: None,
    options: LoadOptions | None = None,
) -> list[FileResult]:
    """Load one file into `con` in one transaction; never leaves it half-loaded.

    One result per register the file holds (a workbook may hold several); a file
    that cannot be read, or whose township cannot be told, is one unreadable result.
    """
    path = Path(path)
    options = options or LoadOptions(strict=strict)
    strict = strict or options.strict
    try:
        digest = content_hash(path)
    except OSError as exc:
        return [FileResult(path, UNREADABLE, message=f"无法读取文件「{path.name}」：{exc.strerror}。")]
    if _already_loaded(con, digest):
        return [FileResult(path, UNCHANGED, message="内容与已导入的文件相同，未重复导入。")]
    on_stage("读取")
    try:
        data = read_file(path, ReadOptions((*options.mappings, *saved_mappings(con))))
        _give_constants(con, data, options.township)
    except (UnreadableFile, names.TownshipNotGiven) as exc:
        result = FileResult(path, UNREADABLE, message=str(exc))
        _log(con, result, digest, _next_load_id(con))
        return [result]
    on_stage("校验")
    con.execute("BEGIN TRANSACTION")
    try:
        results = [_load_sheet(con, part, digest, strict, on_stage) for part in data.parts]
        _save_applied_mappings(con, data, options.mappings)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("raw_rows")
    results[0].skipped_sheets = data.skipped_sheets
    return results


def _give_constants(con, data: FileData, township: str | None) -> None:
    """Values a sheet gives every row by its title, name or the user's choice.

    A sheet without a 乡镇 column gets its township (names.township_of_sheet); one
    without 活动类型 / 来源 / 代表层级 gets the value its title names, if any.
    """
    for part in data.parts:
        keys = {c.key for c in part.register.columns}
        for table in part.tables:
            if "township" in keys and "township" not in table.header.columns:
                table.constants["township"] = names.township_of_sheet(
                    con, table.title, table.sheet, data.path.name, township)
            hints = title_hints(f"{table.title} {table.sheet or ''} {data.path.name}")
            for key in TITLE_HINTS:
                if key in keys and key not in table.header.columns and key in hints:
                    table.constants[key] = hints[key]


def _save_applied_mappings(con, data: FileData, given: tuple[SavedMapping, ...]) -> None:
    """A mapping the user gave (--mapping, or confirmed on the page) is kept for the layouts it read."""
    for part in data.parts:
        for table in part.tables:
            if table.header.mapping is not None and table.header.mapping in given:
                save_mapping(con, table.header.mapping, table.header.labels)


def _already_loaded(con, digest: str) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM load_log WHERE content_hash = ? AND status = ?", [digest, LOADED]
    ).fetchall()[0][0])


def _next_load_id(con) -> int:
    return con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM load_log").fetchall()[0][0]


def _load_sheet(con, sheet: SheetData, digest: str, strict: bool, on_stage) -> FileResult:
    register = sheet.register
    present = sheet.present
    con.register("raw_rows", sheet.to_arrow())
    validate.stage(con, register, present)
    validate.type_base(con, register)
    rosters = validate.loaded_rosters(con)
    names.resolve_references(con, register, present, rosters)
    validate.derive(con, register, present)
    checked = validate.find_problems(con, register, present, rosters, [t.sheet for t in sheet.tables])
    rejected = con.execute(REJECTED_SQL).fetchall()
    rejections = [
        Rejection(split_row_id(record)[1], column, value, reason, sheet.locate(record)[0])
        for record, column, value, reason in rejected
    ]
    records = sum(len(t.rows) for t in sheet.tables)
    result = FileResult(
        sheet.path, LOADED, register, sheet.sheet,
        rows_read=sheet.rows_read, rows_rejected=len(rejections), rows_accepted=records - len(rejections),
        rows_skipped=sheet.rows_read - records,
        extra_headers=sheet.extra_headers,
        unchecked_references=checked.unchecked_references, rejections=rejections, skipped=sheet.skipped,
        mapping=next((t.header.mapping.name or "导入方案" for t in sheet.tables if t.header.mapping), None),
        sheet_count=len(sheet.tables),
    )
    load_id = _next_load_id(con)
    if strict and rejections:
        # The counts still say what checking found (read = accepted + rejected + skipped);
        # the status says that, under --strict, none of it was written.
        result.status = STRICT_REFUSED
        result.message = "有被拒绝的行，按 --strict 要求整个文件未导入。"
    else:
        on_stage("写入")
        _upsert(con, sheet, load_id)
    _keep_rejections(con, sheet, rejections, [r[0] for r in rejected], load_id)
    _log(con, result, digest, load_id)
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
        f"SELECT {columns}, $load_id, $file, list_extract($sheets, (row_no >> {ROW_BITS}) + 1), "
        f"row_no & {(1 << ROW_BITS) - 1} FROM accepted ORDER BY row_no",
        {"load_id": load_id, "file": sheet.path.name, "sheets": [t.sheet for t in sheet.tables]},
    )
    if register.link_table:
        link = ident(register.link_table)
        con.execute(f"DELETE FROM {link} WHERE {key} IN (SELECT {key} FROM accepted)")
        con.execute(
            f"INSERT INTO {link} SELECT DISTINCT {key}, unnest(deputy_ids) FROM accepted "
            "WHERE len(deputy_ids) > 0"
        )


def _keep_rejections(
    con, sheet: SheetData, rejections: list[Rejection], records: list[int], load_id: int
) -> None:
    """Every rejected row, with the whole row as read (private values masked), so nothing is lost."""
    if not rejections:
        return
    cells = dict(sheet.rows)
    table = pa.table({
        "sheet": [r.sheet for r in rejections],
        "row_no": [r.row_no for r in rejections],
        "column_name": [r.column_name for r in rejections],
        "value": [r.value for r in rejections],
        "reason": [r.reason for r in rejections],
        "raw_row": [sheet.raw_json(cells[record], record) for record in records],
    })
    con.register("rejected_arrow", table)
    try:
        con.execute(
            "INSERT INTO rejected_rows SELECT $load_id, $file, sheet, row_no, column_name, "
            "value, reason, raw_row FROM rejected_arrow",
            {"load_id": load_id, "file": sheet.path.name},
        )
    finally:
        con.unregister("rejected_arrow")


def _log(con, result: FileResult, digest: str, load_id: int) -> None:
    con.execute(
        "INSERT INTO load_log (load_id, file_name, file_path, content_hash, kind, sheet, loaded_at, rows_read, "
        "rows_accepted, rows_rejected, rows_skipped, status, message) "
        "VALUES (?, ?, ?, ?, ?, ?, now()::TIMESTAMP, ?, ?, ?, ?, ?, ?)",
        [
            load_id, result.path.name, str(result.path.resolve()), digest,
            result.register.kind if result.register else None, result.sheet,
            result.rows_read, result.rows_accepted, result.rows_rejected, result.rows_skipped,
            result.status, result.message,
        ],
    )
