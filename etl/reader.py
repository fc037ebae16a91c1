"""Read a register file as offices really save it, and find what it is.

CSV (UTF-8, UTF-8 with BOM, GB18030/GBK, UTF-16 "Unicode text") and Excel
workbooks (.xlsx, .xlsm, legacy .xls) become `SheetData`: one register read from
one file, possibly from several sheets (an activity log kept as one sheet per
month), with the Excel row number of every record and the cells of the
contract's columns as strings. Where the table sits in a sheet (title rows, a
two-row header, 合计 and footer rows) is etl/layout.py's job; cleaning, typing
and checking happen afterwards in DuckDB (validate.py); this module only decodes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
from python_calamine import CalamineWorkbook

from etl.layout import (
    HEADER_SEARCH_ROWS,
    Header,
    SavedMapping,
    derivable,
    fill_merged,
    find_header,
    is_summary_sheet,
    normalize_header,
    sort_rows,
    title_hints,
)
from etl.registers import DATE, REGISTERS, Register
from queries.privacy import mask_name, mask_phone

CSV_SUFFIXES = {".csv", ".txt"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
DELIMITERS = (",", "\t", ";")
ROW_BITS = 32  # a record's id within one load: sheet index << ROW_BITS | Excel row

__all__ = ["HEADER_SEARCH_ROWS", "normalize_header"]


class UnreadableFile(Exception):
    """A file that cannot be loaded at all; the message is for the user, in Chinese.

    When no header was found, `head` holds the first rows of the sheet that came
    closest, so the mapping step can propose one.
    """

    def __init__(self, message: str, sheet: str | None = None, head: list[list[str]] | None = None):
        super().__init__(message)
        self.sheet, self.head = sheet, head


@dataclass(frozen=True)
class ReadOptions:
    """What the user or the database tells the reader beyond the file itself."""

    mappings: tuple[SavedMapping, ...] = ()  # saved 导入方案 and a --mapping file


def row_id(table: int, row_no: int) -> int:
    return (table << ROW_BITS) | row_no


def split_row_id(value: int) -> tuple[int, int]:
    """(sheet index within the register, Excel row number) of a record id."""
    return value >> ROW_BITS, value & ((1 << ROW_BITS) - 1)


@dataclass
class Table:
    """A register's table in one sheet: its header, records and skipped rows."""

    sheet: str | None
    header: Header
    rows: list[tuple[int, list[str]]]  # (Excel row number, cells) of records
    skipped: list[tuple[int, str]]  # (Excel row number, reason)
    constants: dict[str, str] = field(default_factory=dict)  # key -> value for every row (township …)
    year: int | None = None  # the one year the title, sheet or file name names, for dates written 1月10日

    @property
    def title(self) -> str:
        return self.header.title


@dataclass
class SheetData:
    """One register's rows as read from one file, before any cleaning."""

    path: Path
    register: Register
    tables: list[Table]

    @property
    def sheet(self) -> str | None:
        names = [t.sheet for t in self.tables if t.sheet]
        return "、".join(names) if names else None

    @property
    def header_row(self) -> int:
        """Excel row number of the (last row of the) first sheet's header."""
        return self.tables[0].header.last_row + 1

    @property
    def columns(self) -> dict[str, int]:
        return self.tables[0].header.columns

    @property
    def headers(self) -> list[str]:
        return self.tables[0].header.labels

    @property
    def present(self) -> set[str]:
        """Keys with a value source in some sheet: a column or a constant."""
        return {k for t in self.tables for k in (*t.header.columns, *t.constants)}

    @property
    def rows(self) -> list[tuple[int, list[str]]]:
        """(record id, cells) of every record; the id is the Excel row in a one-sheet file."""
        return [(row_id(i, n), cells) for i, t in enumerate(self.tables) for n, cells in t.rows]

    @property
    def rows_read(self) -> int:
        return sum(len(t.rows) + len(t.skipped) for t in self.tables)

    @property
    def skipped(self) -> list[tuple[str | None, int, str]]:
        return [(t.sheet, n, reason) for t in self.tables for n, reason in t.skipped]

    @property
    def extra_headers(self) -> list[str]:
        """Headers kept out of the database, each named once."""
        return list(dict.fromkeys(h for t in self.tables for h in t.header.extra_labels()))

    def locate(self, record: int) -> tuple[str | None, int]:
        """(sheet, Excel row) of a record id."""
        index, row_no = split_row_id(record)
        return self.tables[index].sheet, row_no

    def to_arrow(self) -> pa.Table:
        """The contract's columns as strings, plus `row_no` (the record id), for DuckDB to check."""
        keys = [c.key for c in self.register.read_columns if c.key in self.present]
        if len(self.tables) == 1 and not self.tables[0].constants:
            return self._table_arrow(0, keys)
        return pa.concat_tables([self._table_arrow(i, keys) for i in range(len(self.tables))])

    def _table_arrow(self, index: int, keys: list[str]) -> pa.Table:
        table = self.tables[index]
        offset = index << ROW_BITS
        data = {"row_no": pa.array([offset | n for n, _ in table.rows], pa.int64())}
        for key in keys:
            column = table.header.columns.get(key)
            if column is None:
                value = table.constants.get(key)
                data[key] = pa.array([value] * len(table.rows), pa.string())
                continue
            values = [cells[column] if column < len(cells) else None for _, cells in table.rows]
            if table.year and self.register.column(key).type == DATE:
                values = [_with_year(v, table.year) for v in values]
            data[key] = pa.array(values, pa.string())
        return pa.table(data)

    def raw_json(self, cells: list[str], record: int | None = None) -> str:
        """The whole row as written, keyed by its headers, so a rejected row loses nothing.

        Cells beyond the header (a CSV value with an unquoted comma) are kept too,
        keyed by column number like cells under an empty header. A private person's
        name or phone (户主姓名, 反映人, 联系电话) is kept masked.
        """
        header = self.tables[split_row_id(record)[0] if record is not None else 0].header
        labels, personal = header.labels, header.personal_columns()
        named = {}
        for i, c in enumerate(cells):
            if not c:
                continue
            label = (labels[i] if i < len(labels) else "") or f"第{i + 1}列"
            named[label] = _mask(label, c) if i in personal else c
        return json.dumps(named, ensure_ascii=False)


_SHORT_DATE = re.compile(r"\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?\s*")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def _with_year(value: str | None, year: int) -> str | None:
    """1月10日 or 1.10 in a sheet whose title says 2024年 is 2024-01-10."""
    if not value or len(value) > 8:
        return value
    match = _SHORT_DATE.fullmatch(value)
    return f"{year}-{int(match[1]):02d}-{int(match[2]):02d}" if match else value


def year_named(text: str) -> int | None:
    """The one year a title, sheet or file name names (2024年, （2024）), or None."""
    years = set(_YEAR.findall(text))
    return int(years.pop()) if len(years) == 1 else None


def _mask(label: str, value: str) -> str:
    digits = sum(ch.isdigit() for ch in value)
    return mask_phone(value) if digits >= 7 or "电话" in label or "手机" in label else mask_name(value)


@dataclass
class FileData:
    """Everything one file holds: a register per group of sheets, and the sheets skipped."""

    path: Path
    parts: list[SheetData]
    skipped_sheets: list[tuple[str, str]] = field(default_factory=list)  # (sheet, why)


def read_register(path: Path, options: ReadOptions = ReadOptions()) -> SheetData:
    """Read one register file (the first register of a workbook holding several);
    raises UnreadableFile with a Chinese message naming it."""
    return read_file(path, options).parts[0]


def read_file(path: Path, options: ReadOptions = ReadOptions()) -> FileData:
    """Read every register a file holds; raises UnreadableFile when it holds none."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return FileData(path, [_read_csv(path, options)])
    if suffix in EXCEL_SUFFIXES:
        return _read_workbook(path, options)
    raise UnreadableFile(f"文件「{path.name}」不是 CSV 或 Excel 文件，无法导入。")


def _read_csv(path: Path, options: ReadOptions = ReadOptions()) -> SheetData:
    """Try each delimiter; with no header found, explain from the split that fits best.

    A tab-separated "Unicode text" file split on commas shows no header cell at
    all, so the missing columns are named from the delimiter whose split matches
    the most headers, not from a comma split.
    """
    text = _decode(path)
    head_lines = "\n".join(text.splitlines()[: HEADER_SEARCH_ROWS * 2])
    best, heads = None, []
    for delimiter in DELIMITERS:
        head = list(csv.reader(io.StringIO(head_lines), delimiter=delimiter))[:HEADER_SEARCH_ROWS]
        heads.append(head)
        found = _find_header(head, path.name, options)
        if found and (best is None or len(found.columns) > len(best[1].columns)):
            best = (delimiter, found)
    if best is None:
        _raise_no_header(path, None, max(heads, key=lambda h: len(_closest_register(h, path.name)[1])), options)
    delimiter, found = best
    grid = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return _sheet_data(path, None, grid, found)


def _decode(path: Path) -> str:
    """Decode by BOM, then strict UTF-8, then GB18030 (what Chinese Excel saves)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"无法读取文件「{path.name}」：{exc.strerror}。") from exc
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = [("utf-8-sig", data)]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = [("utf-16", data)]
    else:
        candidates = [("utf-8", data), ("gb18030", data)]
    for encoding, raw in candidates:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(
        f"文件「{path.name}」的编码无法识别（支持 UTF-8 和 GB18030/GBK），请在 Excel 中另存为后重试。"
    )


def _read_workbook(path: Path, options: ReadOptions) -> FileData:
    """Every sheet that is a register loads; the others are named as skipped.

    Sheets of one register (1月 … 12月) make one part, in workbook order. A sheet
    named like a summary or instructions (汇总, 填写说明) is skipped unread; a sheet
    that resembles a register but lacks a required column is skipped with that
    reason, so the month that was typed differently is never lost silently.
    """
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = list(workbook.sheet_names)
    except Exception as exc:  # calamine raises several error types for broken files
        raise UnreadableFile(
            f"文件「{path.name}」不是有效的 Excel 工作簿，无法打开（{type(exc).__name__}）。"
        ) from exc
    parts: dict[str, SheetData] = {}
    skipped: list[tuple[str, str]] = []
    misses: list[tuple[str, list[list[str]]]] = []
    for name in _sheet_order(names):
        if is_summary_sheet(name) and not _names_register(name):
            skipped.append((name, "汇总表或说明页，不是登记表"))
            continue
        try:
            sheet = workbook.get_sheet_by_name(name)
            raw = sheet.to_python(skip_empty_area=False)
            merged = sheet.merged_cell_ranges or []
        except Exception as exc:
            raise UnreadableFile(
                f"文件「{path.name}」的工作表「{name}」无法读取（{type(exc).__name__}）。"
            ) from exc
        grid = [[_cell_text(v) for v in row] for row in raw]
        group_rows = fill_merged(grid, merged)
        found = _find_header(grid[:HEADER_SEARCH_ROWS], f"{name} {path.name}", options)
        if found is None:
            if any(any(c.strip() for c in row) for row in grid):
                misses.append((name, grid[:HEADER_SEARCH_ROWS]))
            else:
                skipped.append((name, "空白工作表"))
            continue
        part = _sheet_data(path, name, grid, found, group_rows)
        if not part.tables[0].rows and not part.tables[0].skipped:
            skipped.append((name, f"{part.register.title}表头下没有记录"))
            continue
        if part.register.kind in parts:
            parts[part.register.kind].tables += part.tables
        else:
            parts[part.register.kind] = part
    if not parts:
        if not misses:
            first = names[0] if names else None
            _raise_no_header(path, first, [])
        _raise_no_header(path, *misses[0], options)
    for name, head in misses:
        skipped.append((name, _no_header_message(path, name, head, short=True, options=options)))
    order = {name: i for i, name in enumerate(names)}
    for part in parts.values():
        part.tables.sort(key=lambda t: order[t.sheet])
    # Rosters before the logs that name their people, whatever the sheet order.
    ranked = sorted(parts.values(), key=lambda p: REGISTERS.index(p.register))
    return FileData(path, ranked, skipped)


def _names_register(sheet: str) -> bool:
    return any(r.title in sheet for r in REGISTERS)


def _sheet_order(names: list[str]) -> list[str]:
    """Sheets that name a register first (the contract's rule), then the rest in order."""
    def names_register(sheet: str) -> bool:
        return any(r.title in sheet or r.keyword in sheet for r in REGISTERS)
    return sorted(names, key=lambda s: 0 if names_register(s) else 1)


def _cell_text(value: object) -> str:
    """An Excel cell as the text a user sees: dates ISO, whole numbers without '.0'."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _find_header(head: list[list[str]], names: str, options: ReadOptions = ReadOptions()) -> Header | None:
    """The best header of a sheet's first rows (see layout.find_header), or None."""
    return find_header(head, names, options.mappings).header


def _raise_no_header(path: Path, sheet: str | None, head: list[list[str]], options: ReadOptions = ReadOptions()):
    raise UnreadableFile(_no_header_message(path, sheet, head, options=options), sheet, head)


def _no_header_message(path: Path, sheet: str | None, head: list[list[str]], short: bool = False,
                       options: ReadOptions = ReadOptions()) -> str:
    """Say which required columns the file lacks, for the register it most resembles
    (read with the mappings given, so a mapping still missing a column says which).

    `short` leaves out the file and sheet, for a line under the sheet's name.
    """
    where = "" if short else f"文件「{path.name}」" + (f"的工作表「{sheet}」" if sheet else "")
    names = f"{sheet or ''} {path.name}"
    search = find_header(head, names, options.mappings)
    if search.closest is None:
        return (f"{where}{'的' if where else ''}前{HEADER_SEARCH_ROWS}行中找不到登记表的表头，无法判断是哪种登记表，"
                "请对照模板检查表头。")
    register, columns = search.closest.register, search.closest.columns
    given = derivable(register, title_hints(names))
    if register.kind == "activities" and "title" in columns:
        given.add("kind")  # read from each 活动名称
    missing = "、".join(f"「{c.header}」" for c in register.required if c.key not in columns and c.key not in given)
    return f"{where}看起来是{register.title}，但缺少必填列{missing}，未导入。"


def _closest_register(head: list[list[str]], file_name: str):
    """The register whose headers a row matches most (the file name breaks ties)."""
    closest = find_header(head, file_name).closest
    return (closest.register, closest.columns) if closest is not None else (None, {})


def _sheet_data(
    path: Path, sheet: str | None, grid: list[list[str]], header: Header, group_rows: set[int] = frozenset()
) -> SheetData:
    rows = sort_rows(grid, header, group_rows)
    year = year_named(f"{header.title} {sheet or ''} {path.stem}")
    return SheetData(path, header.register, [Table(sheet, header, rows.records, rows.skipped, year=year)])
