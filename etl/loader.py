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

import contextlib
import hashlib
import os
import stat
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from etl import validate
from etl.bulk_csv import DecodeAhead, read_csv_in_duckdb, sql_functions
from etl.conflicts import LoadWarning, keep_warnings, mark_run_start, replaced_rows
from etl.errors import LoadAborted, environment_cause, os_cause
from etl.layout import SavedMapping, title_hints
from etl.load_scope import LoadScope, reject_out_of_scope, township_codes
from etl.mapping import save_mapping, saved_mappings
from etl.masking import masked_cells, masked_value, personal_values
from etl.names import TownshipNotGiven, references_by_id, resolve_references, township_of_sheet
from etl.reader import (
    CSV_SUFFIXES,
    EXCEL_CELL_LIMIT,
    EXCEL_SUFFIXES,
    HEADER_SEARCH_ROWS,
    ROW_BITS,
    FileData,
    NotARegister,
    ReadOptions,
    SheetData,
    UnreadableFile,
    read_file,
    split_row_id,
)
from etl.registers import ID_LIST, REGISTERS, TITLE_HINTS, Register, kind_from_filename
from etl.safe_text import visible
from etl.validate import ident
from queries.db import connect_readonly
from queries.metrics import has_column

# schema.sql holds both schemas: the data file's, then (after the marker) the accounts store's.
ACCOUNTS_MARKER = "-- ==== accounts store ===="
SCHEMA_SQL, ACCOUNTS_SCHEMA_SQL = (Path(__file__).parent / "schema.sql").read_text(encoding="utf-8").split(
    ACCOUNTS_MARKER)

SHEET_ROWS = "sheet_rows"  # a sheet's records as DuckDB sees them (SheetData.register_rows)
REJECTED_CSV = "rejected_rows.csv"  # the load report's CSV, never itself a register
LOADED = "loaded"
UNCHANGED = "unchanged"
STRICT_REFUSED = "strict_refused"
UNREADABLE = "unreadable"
SKIPPED = "skipped"  # not a register (a lock file, a hidden file, a picture): listed, never read
ABORTED = "aborted"  # the load stopped for the environment (disk full …) before this file was published

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
    """What the user adds to the files (--strict, --township, --mapping), and who loads them.

    `loaded_by` is recorded in load_log; with a `scope` (etl/load_scope.py), an account's
    upload may change only its own townships' rows.
    """

    strict: bool = False
    township: str | None = None  # for sheets without a 乡镇 column whose title names none
    mappings: tuple[SavedMapping, ...] = ()  # confirmed 导入方案, saved in the database when applied
    loaded_by: str | None = None
    scope: LoadScope | None = None


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
    warnings: list[LoadWarning] = field(default_factory=list)
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
    content_hash: str = ""
    township_codes: list[str] = field(default_factory=list)


# What a row carries from a roster, so the queries need not join a province's rows to it
# (etl/schema.sql): (table, its column, roster, the key joining them, the roster's column).
# Copied when the row is written; refreshed when the roster's row is.
ROSTER_COPIES = (
    ("visits", "household_township", "households", "household_id", "township_code"),
    ("visits", "household_key", "households", "household_id", "household_key"),
    *((link, "deputy_township", "deputies", "deputy_id", "township_code")
      for link in ("activity_deputies", "suggestion_deputies", "visit_deputies")),
)


# A roster's number for each of its rows (etl/schema.sql): register -> (column, sequence). A row
# written again keeps its number, so what holds numbers (visits, a Parquet export) stays valid
# and an unchanged roster reloaded rewrites no visit; a new row draws the next one.
NUMBERED = {"households": ("household_key", "household_key_seq")}


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create or update every table and macro, and the Python functions a load's SQL calls;
    safe to run on every load (outside a transaction: one rolled back would take them along)."""
    added = [copy for copy in ROSTER_COPIES if not has_column(con, copy[0], copy[1])]
    con.execute(SCHEMA_SQL)
    for copies in _sharing_a_join(added):  # rows written before they carried it get it once
        _copy_from_roster(con, copies, f"{ident(copies[0][0])}.{ident(copies[0][3])} IS NOT NULL")
    sql_functions(con)


def _sharing_a_join(copies) -> list[list[tuple[str, str, str, str, str]]]:
    """ROSTER_COPIES grouped by the table, roster and key they share: one UPDATE sets each group."""
    groups: dict[tuple[str, str, str], list] = {}
    for copy in copies:
        table, _, roster, on, _ = copy
        groups.setdefault((table, roster, on), []).append(copy)
    return list(groups.values())


def _copy_from_roster(con, copies: list[tuple[str, str, str, str, str]], where: str,
                      params: dict | None = None) -> None:
    """Set ROSTER_COPIES columns of one table from its roster (`copies` share both, _sharing_a_join),
    on the rows `where` (roster rows as `r`) picks."""
    table, _, roster, on, _ = (ident(name) for name in copies[0])
    sets = ", ".join(f"{ident(column)} = r.{ident(source)}" for _, column, _, _, source in copies)
    con.execute(f"UPDATE {table} SET {sets} FROM {roster} r WHERE r.{on} = {table}.{on} AND {where}",
                params or {})


@dataclass
class FileList:
    """What a load was given: the files to read (rosters first), and a line for every other path."""

    files: list[Path] = field(default_factory=list)
    in_folders: set[Path] = field(default_factory=set)  # found by walking a folder: skipped if no register
    others: list[FileResult] = field(default_factory=list)  # skipped, or refused before reading


SKIP_LOCK_FILE = "Excel 或 WPS 打开文件时生成的临时锁定文件（~$ 开头），不是登记表，已跳过。"
SKIP_HIDDEN = "隐藏文件（以“.”开头，多为系统或其他软件生成），已跳过；如确需导入，请改名后重新导入。"
SKIP_REJECTED_CSV = (f"这是导入时生成的被拒绝行清单（{REJECTED_CSV}），不是登记表，已跳过；"
                     "请改正原登记表后重新导入原文件。")
SKIP_NOT_TABULAR = "不是 CSV 或 Excel 文件，已跳过。"
SKIP_NOT_A_REGISTER = f"前{HEADER_SEARCH_ROWS}行中找不到登记表的表头，不像登记表，已跳过。"
SKIP_HIDDEN_FOLDER = "隐藏文件夹（以“.”开头）或系统生成的文件夹，其中的文件已跳过。"
SKIP_EMPTY_FOLDER = "文件夹中没有文件。"
SKIP_LINKED_FOLDER = "指向另一个文件夹的链接，未进入（如需导入，请直接指定那个文件夹）。"
SYSTEM_FOLDERS = ("__MACOSX",)


def list_files(paths: list[Path]) -> FileList:
    """Every named path and every file in named folders, each either to be read or with
    its reason: nothing a user gave vanishes from the report."""
    listing = FileList()
    for path in map(Path, paths):
        if _is_folder(path):
            _list_folder(path, listing)
            continue
        problem = _not_a_file(path)
        reason = None if problem else _skip_reason(path.name)
        if problem:
            listing.others.append(FileResult(path, UNREADABLE, message=problem))
        elif reason:
            listing.others.append(FileResult(path, SKIPPED, message=reason))
        else:
            listing.files.append(path)
    listing.files.sort(key=_load_rank)
    return listing


def register_files(paths: list[Path]) -> list[Path]:
    """The files to read among `paths` (files, and files found in folders), rosters before logs."""
    return list_files(paths).files


def _is_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return False


def _list_folder(folder: Path, listing: FileList) -> None:
    """Walk a folder without following links into other folders (no loops)."""
    found = False
    for root, dirs, names in os.walk(folder):
        for name in sorted(dirs):
            if name.startswith(".") or name in SYSTEM_FOLDERS:
                listing.others.append(FileResult(Path(root) / name, SKIPPED, message=SKIP_HIDDEN_FOLDER))
            elif os.path.islink(Path(root) / name):
                listing.others.append(FileResult(Path(root) / name, SKIPPED, message=SKIP_LINKED_FOLDER))
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SYSTEM_FOLDERS
                         and not os.path.islink(Path(root) / d))
        for name in sorted(names):
            found = True
            path = Path(root) / name
            tabular = path.suffix.lower() in CSV_SUFFIXES | EXCEL_SUFFIXES
            reason = _skip_reason(name) or (None if tabular else SKIP_NOT_TABULAR)
            problem = None if reason else _not_a_file(path)
            if reason:
                listing.others.append(FileResult(path, SKIPPED, message=reason))
            elif problem:
                listing.others.append(FileResult(path, UNREADABLE, message=problem))
            else:
                listing.files.append(path)
                listing.in_folders.add(path)
    if not found:
        listing.others.append(FileResult(folder, SKIPPED, message=SKIP_EMPTY_FOLDER))


def _skip_reason(name: str) -> str | None:
    if name.startswith("~$"):
        return SKIP_LOCK_FILE
    if name.startswith("."):
        return SKIP_HIDDEN
    if name.lower() == REJECTED_CSV:
        return SKIP_REJECTED_CSV
    return None


def _not_a_file(path: Path) -> str | None:
    """Why `path` cannot be read as a file (missing, a link loop, a pipe), or None."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if isinstance(exc, FileNotFoundError) and not os.path.lexists(path):
            return f"找不到文件「{path}」。"
        return f"无法读取「{path}」：{os_cause(exc)}。"
    if not stat.S_ISREG(mode):
        return f"「{path}」不是普通文件（可能是设备或管道），未导入。"
    return None


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
    on_stage: Callable[[str, float], None] = lambda stage, done: None,
    optional: bool = False,
    options: LoadOptions | None = None,
) -> FileResult:
    """Load one file into `con`; the result of its (first) register. See load_file_parts."""
    return load_file_parts(con, path, strict, on_stage, optional, options)[0]


def load_file_parts(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    strict: bool = False,
    on_stage: Callable[[str, float], None] = lambda stage, done: None,
    optional: bool = False,
    options: LoadOptions | None = None,
    digest: str | None = None,
    ahead: DecodeAhead | None = None,
) -> list[FileResult]:
    """Load one file into `con` in one transaction; never leaves it half-loaded.

    One result per register the file holds (a workbook may hold several); a file
    that cannot be read, or whose township cannot be told, is one unreadable result.
    `on_stage(stage, done)` hears what the load is doing and how far it is (0..1);
    `digest` is the file's content hash where the caller has it already; `ahead` may
    have decoded the file (a CSV) while the previous one loaded.
    `options.loaded_by` is recorded in load_log; with `options.scope`, rows outside it
    are rejected (etl/load_scope.py).
    Whatever is wrong with the file ends in a FileResult with a Chinese message,
    so one bad file never stops the others; only the environment (a full disk, a
    read-only folder) stops the whole load, as LoadAborted. `optional` (a file
    found in a folder): a file that resembles no register is skipped, not refused.
    """
    path = Path(path)
    options = options or LoadOptions(strict=strict)
    strict = strict or options.strict
    mark_run_start(con)
    try:
        digest = digest or content_hash(path)
    except OSError as exc:
        return [FileResult(path, UNREADABLE, message=f"无法读取文件「{path.name}」：{os_cause(exc)}。")]
    if _already_loaded(con, digest, options.scope):
        return [unchanged(path, digest)]
    who = {"loaded_by": options.loaded_by, "scope": options.scope}
    on_stage("读取", 0.0)
    try:
        data = _read(con, path, read_options(con, options), options.township,
                     lambda done: on_stage("读取", READ_SHARE * done), ahead)
    except NotARegister as exc:
        if optional and kind_from_filename(path.name) is None:
            return [FileResult(path, SKIPPED, message=SKIP_NOT_A_REGISTER)]
        return [_refused(con, path, digest, str(exc), **who)]
    except (UnreadableFile, TownshipNotGiven) as exc:
        return [_refused(con, path, digest, str(exc), **who)]
    except MemoryError:
        return [_refused(con, path, digest, f"文件「{path.name}」太大，读取时内存不足，未导入。请拆分后分别导入。",
                         **who)]
    except Exception as exc:  # noqa: BLE001 - any reader failure is this file's, never the whole load's
        return [_refused(con, path, digest, f"读取文件「{path.name}」时出错，未导入（{_technical(exc)}）。", **who)]
    on_stage("校验", SPLIT_DONE)
    con.execute("BEGIN TRANSACTION")
    try:
        results = [_load_sheet(con, part, digest, strict, on_stage, **who) for part in data.parts]
        _save_applied_mappings(con, data, options.mappings)
        con.execute("COMMIT")
    except Exception as exc:  # noqa: BLE001 - sorted below into the file's problem or the environment's
        _rollback(con)
        cause = environment_cause(exc)
        if cause and not isinstance(exc, MemoryError | duckdb.OutOfMemoryException):
            raise LoadAborted(f"导入文件「{visible(path.name)}」时{cause}，导入已停止") from exc
        detail = "内存不足，请拆分后分别导入" if cause else _technical(exc)
        return [_refused(con, path, digest, f"导入文件「{path.name}」时出错，该文件未导入（{detail}）。", **who)]
    except BaseException:
        _rollback(con)
        raise
    finally:
        _release(con, data)
    results[0].skipped_sheets = data.skipped_sheets
    return results


def read_options(con, options: LoadOptions) -> ReadOptions:
    """What the reader is told beyond the file: the mappings given and those saved in the database."""
    return ReadOptions((*options.mappings, *saved_mappings(con)))


def _read(con, path: Path, options: ReadOptions, township: str | None,
          on_progress: Callable[[float], None] = lambda done: None, ahead: DecodeAhead | None = None) -> FileData:
    """Read the file, and give its sheets the values their titles name (_give_constants).

    A CSV file goes straight into DuckDB where its split is certain to be Python's
    (etl/bulk_csv.py); anything else, and any CSV that might split differently,
    through reader.py. `on_progress` hears how much of a CSV file is decoded.
    """
    data = None
    if path.suffix.lower() in CSV_SUFFIXES and not _is_workbook(path):
        sheet = read_csv_in_duckdb(con, path, options, on_progress, ahead)
        data = FileData(path, [sheet]) if sheet is not None else None
    data = data or read_file(path, options)
    try:
        _give_constants(con, data, township)
    except BaseException:
        _release(con, data)
        raise
    return data


def _is_workbook(path: Path) -> bool:
    """A workbook saved as .csv (read_file reads it as one; an unreadable file is its to explain)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(8).startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"))
    except OSError:
        return True


def _release(con, data: FileData) -> None:
    """Drop what reading handed to DuckDB (a CSV's grid, an arrow table) and the views over it."""
    for view in ("raw_rows",):
        with contextlib.suppress(duckdb.Error):
            con.execute(f"DROP VIEW IF EXISTS {view}")
    for part in data.parts:
        part.release(con, SHEET_ROWS)


def _give_constants(con, data: FileData, township: str | None) -> None:
    """Values a sheet gives every row by its title, name or the user's choice.

    A sheet without a 乡镇 column gets its township (names.township_of_sheet); one
    without 活动类型 / 来源 / 代表层级 gets the value its title names, if any.
    """
    for part in data.parts:
        keys = {c.key for c in part.register.columns}
        for table in part.tables:
            if "township" in keys and "township" not in table.header.columns:
                table.constants["township"] = township_of_sheet(
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


def _refused(con, path: Path, digest: str, message: str, loaded_by: str | None = None,
             scope: LoadScope | None = None) -> FileResult:
    """A file nothing was loaded from, logged with its reason."""
    result = FileResult(path, UNREADABLE, message=message, content_hash=digest)
    _log(con, result, digest, _next_load_id(con), loaded_by, scope)
    return result


def _technical(exc: BaseException) -> str:
    """An unexpected error, named for whoever maintains the system (never a traceback)."""
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"程序内部错误 {type(exc).__name__}：{visible(text, 200)}"


def _rollback(con) -> None:
    """Roll back if a transaction is still open: after a failed COMMIT DuckDB has none, and
    its "cannot rollback" error must not hide the first one."""
    with contextlib.suppress(duckdb.Error):
        con.execute("ROLLBACK")
    with contextlib.suppress(duckdb.Error):  # the hint a failed insert could not reset (_joins_built_on_rosters)
        con.execute("RESET disabled_optimizers")


def _unregister(con, name: str) -> None:
    with contextlib.suppress(duckdb.Error):
        con.unregister(name)


def unchanged(path: Path, digest: str) -> FileResult:
    return FileResult(path, UNCHANGED, message="内容与已导入的文件相同，未重复导入。", content_hash=digest)


@dataclass(frozen=True)
class KnownDigest:
    """A file's content hash, and the file's size, time and inode when it was taken."""

    digest: str
    signature: tuple[int, int, int]

    @classmethod
    def of(cls, path: Path) -> KnownDigest:
        before = _signature(path)
        return cls(content_hash(path), before)

    def current(self, path: Path) -> str | None:
        """The hash, if the file has not changed since (a load may wait minutes for the lock)."""
        try:
            return self.digest if _signature(path) == self.signature else None
        except OSError:
            return None


def _signature(path: Path) -> tuple[int, int, int]:
    stat_ = os.stat(path)
    return stat_.st_size, stat_.st_mtime_ns, stat_.st_ino


def published_unchanged(db_path: Path, paths: list[Path], scope: LoadScope | None = None
                        ) -> tuple[dict[Path, FileResult], dict[Path, KnownDigest]]:
    """The files whose exact content the published database holds already (as UNCHANGED
    results), read from the published file itself, so that a load of such files needs no
    copy of the database; and the content hash of every file that could be read.

    Only a shortcut: whatever cannot be told here (no database yet, a file that cannot be
    read) is left to load_file_parts, which checks again in the copy.
    """
    digests = _known_digests(paths)
    if not digests or not os.path.exists(db_path):
        return {}, digests
    try:
        con = connect_readonly(db_path)
    except duckdb.Error:
        return {}, digests
    try:
        known = {path for path, known in digests.items() if _already_loaded(con, known.digest, scope)}
    except duckdb.Error:  # a database from before load_log had today's columns: load as usual
        known = set()
    finally:
        con.close()
    return {path: unchanged(path, digests[path].digest) for path in known}, digests


def _known_digests(paths: list[Path]) -> dict[Path, KnownDigest]:
    """The hash of every file that can be read, two at a time: hashlib and file reads let go
    of the GIL, and a province's 600 MB take half the time (nothing else runs yet)."""
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="hash")
    try:
        futures = {path: pool.submit(KnownDigest.of, path) for path in paths}
        digests = {}
        for path, future in futures.items():
            with contextlib.suppress(OSError):
                digests[path] = future.result()
        return digests
    finally:  # stopped (Ctrl-C): the files not yet begun are not hashed
        pool.shutdown(wait=False, cancel_futures=True)


def _already_loaded(con, digest: str, scope: LoadScope | None = None) -> bool:
    """Loaded before, unrestricted or under the same scope (rows another scope refused may load now)."""
    return bool(con.execute(
        "SELECT count(*) FROM load_log WHERE content_hash = ? AND status = ? "
        "AND (load_scope IS NULL OR load_scope = ?)", [digest, LOADED, scope.key() if scope else None]
    ).fetchall()[0][0])


def _next_load_id(con) -> int:
    return con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM load_log").fetchall()[0][0]


def _load_sheet(con, sheet: SheetData, digest: str, strict: bool, on_stage, loaded_by=None,
                scope: LoadScope | None = None) -> FileResult:
    register = sheet.register
    present = sheet.present
    sheet.register_rows(con, SHEET_ROWS)
    broken = _broken_rows(con, sheet)
    _raw_rows(con, broken)
    rosters = validate.loaded_rosters(con)
    validate.typed_in_one(con, register, present)
    on_stage("校验", TYPED_DONE)
    by_id = references_by_id(con, register, present, rosters)
    if not all(by_id.values()):
        _resolve_names(con, register, present, rosters)
    checked = validate.find_problems(con, register, present, rosters, [t.sheet for t in sheet.tables],
                                     {key for key, ids in by_id.items() if ids})
    _add_reader_problems(con, broken)
    reject_out_of_scope(con, register, scope)
    rejected = con.execute(REJECTED_SQL).fetchall()
    cells = sheet.cells_of(con, [record for record, *_ in rejected])
    known = personal_values(con, sheet, cells)
    rejections = [
        Rejection(split_row_id(record)[1], column, masked_value(register, column, value, known), reason,
                  sheet.locate(record)[0])
        for record, column, value, reason in rejected
    ]
    records = sheet.record_count
    result = FileResult(
        sheet.path, LOADED, register, sheet.sheet,
        rows_read=sheet.rows_read, rows_rejected=len(rejections), rows_accepted=records - len(rejections),
        rows_skipped=sheet.rows_read - records,
        message="".join(sheet.notes),
        extra_headers=sheet.extra_headers,
        unchecked_references=checked.unchecked_references, rejections=rejections, skipped=sheet.skipped,
        mapping=next((t.header.mapping.name or "导入方案" for t in sheet.tables if t.header.mapping), None),
        sheet_count=len(sheet.tables), content_hash=digest, township_codes=township_codes(con, register),
    )
    load_id = _next_load_id(con)
    if strict and rejections:
        # The counts still say what checking found (read = accepted + rejected + skipped);
        # the status says that, under --strict, none of it was written.
        result.status = STRICT_REFUSED
        result.message = "有被拒绝的行，按 --strict 要求整个文件未导入。"
    else:
        on_stage("写入", CHECKED_DONE)
        result.warnings = _upsert(con, sheet, load_id, result.rows_accepted)
        keep_warnings(con, sheet.path.name, sheet.sheet, result.warnings, load_id)
    _keep_rejections(con, sheet, rejections, [r[0] for r in rejected], load_id, known, cells)
    _log(con, result, digest, load_id, loaded_by, scope)
    return result


def _resolve_names(con, register: Register, present: set[str], rosters: set[str]) -> None:
    """Names to roster ids in `typed` (names.resolve_references works on it as typed_base),
    and the rows whose ids that changed derived again."""
    con.execute("DROP TABLE IF EXISTS typed_base")
    con.execute("ALTER TABLE typed RENAME TO typed_base")
    try:
        resolve_references(con, register, present, rosters)
        validate.derive_changed(con, register, present)
    finally:
        con.execute("ALTER TABLE typed_base RENAME TO typed")


# How far a file is (for its progress bar) when each step is done: decoding a CSV is most of
# reading it; typing, checking and writing follow.
READ_SHARE, SPLIT_DONE, TYPED_DONE, CHECKED_DONE = 0.3, 0.4, 0.65, 0.8

SHOWN_OF_TOO_LONG = 60  # with its "…（共 N 字）", within what the report shows of a value
REASON_TOO_LONG = (f"内容超过 {EXCEL_CELL_LIMIT} 个字（Excel 一格最多能存的字数），"
                   "多是引号没有闭合把后面的行并进了这一格，本行未导入")


def _broken_rows(con, sheet: SheetData) -> dict[int, tuple[str, str, str]]:
    """Rows rejected before any check: found broken by the reader, or with a cell longer
    than Excel holds. Excel row number -> (column header, value, reason)."""
    index_key = {i: k for k, i in sheet.columns.items()}
    broken = {}
    for row_no, (index, value, reason) in sheet.broken.items():  # CSV: one sheet, ids are Excel rows
        broken[row_no] = (_column_header(sheet, index, index_key), value, reason)
    keys = [c.key for c in sheet.register.read_columns if c.key in sheet.present]
    if not keys:
        return broken
    for row_no, *values in sheet.long_cells(con, SHEET_ROWS, keys, EXCEL_CELL_LIMIT):
        for key, value in zip(keys, values, strict=True):
            if value is not None and len(value) > EXCEL_CELL_LIMIT:
                shown = f"{value[:SHOWN_OF_TOO_LONG]}…（共 {len(value)} 字）"  # the whole row stays in raw_row
                broken.setdefault(row_no, (sheet.register.column(key).header, shown, REASON_TOO_LONG))
                break
    return broken


def _raw_rows(con, broken: dict[int, tuple[str, str, str]]) -> None:
    """`raw_rows`, what validate.stage reads: the sheet's records less the broken ones."""
    if not broken:
        con.execute(f"CREATE OR REPLACE TEMP VIEW raw_rows AS SELECT * FROM {SHEET_ROWS}")
        return
    con.execute("CREATE OR REPLACE TEMP TABLE broken_rows AS SELECT unnest($rows) AS row_no",
                {"rows": sorted(broken)})
    con.execute(f"CREATE OR REPLACE TEMP VIEW raw_rows AS SELECT * FROM {SHEET_ROWS} "
                "WHERE row_no NOT IN (SELECT row_no FROM broken_rows)")


def _column_header(sheet: SheetData, index: int, index_key: dict[int, str]) -> str:
    """The contract header of a column, else the header as written, else 第N列."""
    if index in index_key:
        return sheet.register.column(index_key[index]).header
    written = sheet.headers[index] if index < len(sheet.headers) else ""
    return written or f"第{index + 1}列"


def _add_reader_problems(con, broken: dict[int, tuple[str, str, str]]) -> None:
    if not broken:
        return
    rows = sorted(broken.items())
    con.register("reader_problems", pa.table({
        "row_no": pa.array([n for n, _ in rows], pa.int64()),
        "column_name": [c for _, (c, _, _) in rows],
        "value": [v for _, (_, v, _) in rows],
        "reason": [r for _, (_, _, r) in rows],
    }))
    try:
        con.execute("INSERT INTO problems SELECT row_no, column_name, value, reason, -1 FROM reader_problems")
    finally:
        _unregister(con, "reader_problems")


def stored_columns(register: Register) -> list[str]:
    """The register's table columns, in the order of its register (section 3)."""
    columns = [
        "township_code" if c.key == "township" else c.key
        for c in register.columns if c.type != ID_LIST
    ]
    if register.natural_key not in columns:
        columns.insert(0, register.natural_key)
    return columns


def _upsert(con, sheet: SheetData, load_id: int, accepted: int) -> list[LoadWarning]:
    """The `accepted` rows replace the rows with the same natural key, and their deputy links.

    Returns the warnings about what was replaced: a suggestion moved back from 已办结,
    a row another file of the same load wrote differently.
    """
    register = sheet.register
    table, key = ident(register.kind), ident(register.natural_key)
    # A view, not a copy of every column: each statement below reads only the columns it needs.
    con.execute(
        "CREATE OR REPLACE TEMP VIEW accepted AS SELECT * FROM typed "
        "WHERE row_no NOT IN (SELECT row_no FROM problems)"
    )
    # A new year's file replaces nothing: one look saves finding the replaced rows and deleting
    # them (and their links: a key has links only while its row is stored).
    replacing = con.execute(f"SELECT EXISTS (SELECT 1 FROM accepted WHERE {key} IN (SELECT {key} FROM {table}))"
                            ).fetchall()[0][0]
    stored = stored_columns(register)
    warnings = replaced_rows(con, register, sheet.path.name, stored) if replacing else []
    numbers = _kept_numbers(con, register, replacing)
    if replacing:
        con.execute(f"DELETE FROM {table} WHERE {key} IN (SELECT {key} FROM accepted)")
    columns, values, joins = _with_copies(register.kind, stored)
    columns, values, joins = columns + numbers[0], values + numbers[1], joins + numbers[2]
    with _joins_built_on_rosters(con, register.kind, accepted) as order:
        con.execute(
            f"INSERT INTO {table} ({columns}, load_id, source_file, source_sheet, source_row) "
            f"SELECT {values}, $load_id, $file, list_extract($sheets, (a.row_no >> {ROW_BITS}) + 1), "
            f"a.row_no & {(1 << ROW_BITS) - 1} FROM accepted a{joins}{order}",
            {"load_id": load_id, "file": sheet.path.name, "sheets": [t.sheet for t in sheet.tables]},
        )
    _refresh_copies(con, register, load_id)
    if register.link_table:
        link = ident(register.link_table)
        if replacing:
            con.execute(f"DELETE FROM {link} WHERE {key} IN (SELECT {key} FROM accepted)")
        columns, values, joins = _with_copies(register.link_table, [register.natural_key, "deputy_id",
                                                                    *register.link_columns])
        # In the file's row order, so a township's links lie together (etl/schema.sql). A key is
        # accepted once per file (validate's duplicate rule), and each of its ids is in its list
        # once (validate.typed_base_select, names.py).
        links = con.execute("SELECT coalesce(sum(len(deputy_ids)), 0) FROM accepted").fetchall()[0][0]
        with _joins_built_on_rosters(con, register.link_table, links) as order:
            con.execute(
                f"INSERT INTO {link} ({columns}) SELECT {values} "
                f"FROM (SELECT row_no, {key}, unnest(deputy_ids) AS deputy_id"
                f"{''.join(f', {ident(c)}' for c in register.link_columns)} "
                f"FROM accepted WHERE len(deputy_ids) > 0) a{joins}{order}"
            )
    return warnings


# DuckDB builds a hash join on the side it expects to have fewer rows, however many columns
# each carries, and it underestimates `accepted` (a view with a NOT IN). So a province's visit
# file (1.1 M rows of 13 columns) went into the hash table and the households roster (1 M rows,
# 3 columns read) probed it: the visit insert took twice as long as the other way round, and the
# link insert (2.1 M links against 300 K deputies) too. With the optimizer that swaps the sides
# turned off for the insert, the roster is built on. A file smaller than its roster is left alone.
# Built on the roster, the join streams the file through in its own order, so the insert needs no
# ORDER BY: sorting a visit file's 1.1 M wide rows again cost 0.2 s of its 0.95 s insert, and its
# 2.1 M links 0.14 s of 0.73 s. DuckDB's two threads may hand neighbouring chunks over swapped;
# a township's rows stay in as many row groups (3.92 on average at province scale, 3.90 sorted).
JOIN_SIDE_HINT = "build_side_probe_side"
IN_FILE_ORDER = " ORDER BY a.row_no"


@contextlib.contextmanager
def _joins_built_on_rosters(con, table: str, rows: int):
    """Inserts into `table` build their roster joins (ROSTER_COPIES) on the roster when the
    `rows` inserted (a file's accepted rows, or their deputy links) are at least as many as the
    largest roster's.

    Yields the ORDER BY that keeps the file's row order (IN_FILE_ORDER), or "" where the
    join keeps it already."""
    rosters = {roster for kind, _, roster, _, _ in ROSTER_COPIES if kind == table}
    largest = max((con.execute(f"SELECT count(*) FROM {ident(r)}").fetchall()[0][0] for r in rosters), default=0)
    if not rosters or rows < largest:
        yield IN_FILE_ORDER
        return
    con.execute("SET disabled_optimizers = $hint", {"hint": JOIN_SIDE_HINT})
    try:
        yield ""
    finally:  # a failed statement leaves DuckDB refusing even RESET until ROLLBACK: _rollback resets
        with contextlib.suppress(duckdb.Error):
            con.execute("RESET disabled_optimizers")


def _kept_numbers(con, register: Register, replacing: bool) -> tuple[str, str, str]:
    """For a NUMBERED roster: keep the numbers of the rows about to be replaced, and return the
    column, value and join an insert from `a` gives them with (a new row: the sequence's next).
    A file `replacing` no stored row gives every row the sequence's next, without a join."""
    if register.kind not in NUMBERED:
        return "", "", ""
    column, sequence = (ident(name) for name in NUMBERED[register.kind])
    if not replacing:
        return f", {column}", f", nextval('{sequence}')", ""
    table, key = ident(register.kind), ident(register.natural_key)
    con.execute(f"CREATE OR REPLACE TEMP TABLE kept_numbers AS SELECT {key}, {column} FROM {table} "
                f"WHERE {key} IN (SELECT {key} FROM accepted)")
    return (f", {column}", f", coalesce(k.{column}, nextval('{sequence}'))",
            f" LEFT JOIN kept_numbers k ON k.{key} = a.{key}")


def _with_copies(table: str, stored: list[str]) -> tuple[str, str, str]:
    """The columns an insert into `table` writes, the values it selects from `a`, and the
    roster joins giving the values it copies (ROSTER_COPIES)."""
    copies = [(column, roster, on, source) for kind, column, roster, on, source in ROSTER_COPIES if kind == table]
    rosters = list(dict.fromkeys((roster, on) for _, roster, on, _ in copies))  # each joined once
    columns = ", ".join(ident(c) for c in [*stored, *(column for column, *_ in copies)])
    values = ", ".join([*(f"a.{ident(c)}" for c in stored),
                        *(f"r{rosters.index((roster, on))}.{ident(source)}" for _, roster, on, source in copies)])
    joins = "".join(f" LEFT JOIN {ident(roster)} r{i} ON r{i}.{ident(on)} = a.{ident(on)}"
                    for i, (roster, on) in enumerate(rosters))
    return columns, values, joins


def _refresh_copies(con, register: Register, load_id: int) -> None:
    """Rows carrying a value of the roster rows this load wrote get it again (a household or
    deputy moved to another township takes its visits and links along)."""
    for copies in _sharing_a_join(copy for copy in ROSTER_COPIES if copy[2] == register.kind):
        table = ident(copies[0][0])
        changed = " OR ".join(f"{table}.{ident(column)} IS DISTINCT FROM r.{ident(source)}"
                              for _, column, _, _, source in copies)
        _copy_from_roster(con, copies, f"r.load_id = $load_id AND ({changed})", {"load_id": load_id})


def _keep_rejections(
    con, sheet: SheetData, rejections: list[Rejection], records: list[int], load_id: int, known: dict[str, str],
    rows: dict[int, list[str]],
) -> None:
    """Every rejected row, with the whole row as read (personal values masked), so nothing is lost."""
    if not rejections:
        return
    table = pa.table({
        "sheet": [r.sheet for r in rejections],
        "row_no": [r.row_no for r in rejections],
        "column_name": [r.column_name for r in rejections],
        "value": [r.value for r in rejections],
        "reason": [r.reason for r in rejections],
        "raw_row": [sheet.raw_json(masked_cells(sheet, rows[record], known, record), record) for record in records],
    })
    con.register("rejected_arrow", table)
    try:
        con.execute(
            "INSERT INTO rejected_rows SELECT $load_id, $file, sheet, row_no, column_name, "
            "value, reason, raw_row FROM rejected_arrow",
            {"load_id": load_id, "file": sheet.path.name},
        )
    finally:
        _unregister(con, "rejected_arrow")


def _log(con, result: FileResult, digest: str, load_id: int, loaded_by: str | None = None,
         scope: LoadScope | None = None) -> None:
    con.execute(
        "INSERT INTO load_log (load_id, file_name, file_path, content_hash, kind, sheet, loaded_at, rows_read, "
        "rows_accepted, rows_rejected, rows_skipped, status, message, loaded_by, township_codes, load_scope) "
        "VALUES (?, ?, ?, ?, ?, ?, now()::TIMESTAMP, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            load_id, result.path.name, str(result.path.absolute()), digest,
            result.register.kind if result.register else None, result.sheet,
            result.rows_read, result.rows_accepted, result.rows_rejected, result.rows_skipped,
            result.status, result.message, loaded_by, result.township_codes, scope.key() if scope else None,
        ],
    )
