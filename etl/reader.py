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

import contextlib
import csv
import datetime as dt
import io
import itertools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
from python_calamine import CalamineWorkbook, PasswordError

from etl.errors import os_cause
from etl.layout import (
    HEADER_KEYS,
    HEADER_SEARCH_ROWS,
    Header,
    SavedMapping,
    derivable,
    fill_merged,
    find_header,
    is_summary_sheet,
    normalize_header,
    recognised,
    sort_rows,
    title_hints,
)
from etl.registers import DATE, REGISTERS, Register
from queries.privacy import mask_name, mask_phone

CSV_SUFFIXES = {".csv", ".txt"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
DELIMITERS = (",", "\t", ";")
EXCEL_CELL_LIMIT = 32_767  # characters: no cell kept in Excel holds more
MAX_BROKEN_QUOTES = 100  # beyond this a file is too damaged to read row by row
ROW_BITS = 32  # a record's id within one load: sheet index << ROW_BITS | Excel row

__all__ = ["HEADER_KEYS", "HEADER_SEARCH_ROWS", "normalize_header"]


class UnreadableFile(Exception):
    """A file that cannot be loaded at all; the message is for the user, in Chinese.

    When no header was found, `head` holds the first rows of the sheet that came
    closest, so the mapping step can propose one.
    """

    def __init__(self, message: str, sheet: str | None = None, head: list[list[str]] | None = None):
        super().__init__(message)
        self.sheet, self.head = sheet, head


class NotARegister(UnreadableFile):
    """A readable file that resembles no register: found in a folder, it is skipped, not refused."""


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
    # Rows found broken while reading (a quote never closed; CSV, so one sheet): Excel row
    # number -> (column index, value, reason). They are rejected without further checks.
    broken: dict[int, tuple[int, str, str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what reading noticed, for the report

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
        if len(self.tables) == 1:
            return self.tables[0].rows  # sheet 0: the ids are the Excel rows themselves
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

    @property
    def record_count(self) -> int:
        return sum(len(t.rows) for t in self.tables)

    def register_rows(self, con, name: str) -> None:
        """Hand the records to DuckDB as `name`: `row_no` (the record id) and the contract's columns."""
        con.register(name, self.to_arrow())

    def long_cells(self, con, name: str, keys: list[str], limit: int) -> list[tuple]:
        """(record id, *cells of `keys`) of the records registered as `name` with a cell of more
        than `limit` bytes (strlen is known without reading the text, and never less than
        the characters), in row order."""
        long = " OR ".join(f"strlen({_ident(k)}) > {int(limit)}" for k in keys)
        return con.execute(f"SELECT row_no, {', '.join(_ident(k) for k in keys)} FROM {_ident(name)} "
                           f"WHERE {long} ORDER BY row_no").fetchall()

    def cells_of(self, con, records: Iterable[int]) -> dict[int, list[str]]:
        """The cells of some records (rejected ones, for their raw row), by record id."""
        wanted = set(records)
        return {record: cells for record, cells in self.rows if record in wanted}

    def release(self, con, name: str) -> None:
        """Drop what register_rows handed to DuckDB."""
        with contextlib.suppress(Exception):
            con.unregister(name)

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


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


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
    """Read every register a file holds; raises UnreadableFile when it holds none.

    The suffix says what a file should be, its first bytes what it is: offices
    rename CSV exports to .xlsx and workbooks to .csv, and both load; an
    encrypted workbook or a web page saved as .xls gets its own message.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in CSV_SUFFIXES | EXCEL_SUFFIXES:
        raise UnreadableFile(f"文件「{path.name}」不是 CSV 或 Excel 文件，无法导入。")
    shape = _content_shape(path)
    if shape == "workbook":
        data = _read_workbook_or_say_why(path, options)
        if suffix in CSV_SUFFIXES:
            data.parts[0].notes.append(f"文件「{path.name}」其实是 Excel 工作簿，已按工作簿读取。")
        return data
    if suffix in CSV_SUFFIXES:
        return FileData(path, [_read_csv(path, options)])
    if shape == "text":
        sheet = _read_csv(path, options)
        sheet.notes.append(f"文件「{path.name}」其实是 CSV 文本，不是 Excel 工作簿，已按 CSV 读取。")
        return FileData(path, [sheet])
    raise UnreadableFile(SHAPE_MESSAGES[shape].format(name=path.name))


def _read_workbook_or_say_why(path: Path, options: ReadOptions) -> FileData:
    """A workbook, or the plain reason it cannot be opened (a password: an encrypted .xls)."""
    try:
        return _read_workbook(path, options)
    except UnreadableFile as exc:
        if isinstance(exc.__cause__, PasswordError):
            raise UnreadableFile(SHAPE_MESSAGES["encrypted"].format(name=path.name)) from exc
        raise


SHAPE_MESSAGES = {
    "encrypted": "文件「{name}」设有打开密码（已加密），无法读取。请在 Excel 中取消密码后另存为 .xlsx 再导入。",
    "html": "文件「{name}」其实是网页（HTML）格式，不是 Excel 工作簿。请用 Excel 打开后另存为 .xlsx 再导入。",
    "empty": "文件「{name}」是空文件（0 字节），不是有效的 Excel 工作簿，未导入。",
    "binary": "文件「{name}」不是有效的 Excel 工作簿，无法打开（文件已损坏，或不是 Excel 格式）。",
}
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_HTML = re.compile(rb"\s*(<!doctype|<html|<table|<\?xml[^>]*>\s*<html)", re.IGNORECASE)


def _content_shape(path: Path) -> str:
    """What the file's bytes are: workbook, encrypted, html, empty, text or binary."""
    head = _read_bytes(path, 8192)
    if head.startswith(_ZIP):
        return "workbook"
    if head.startswith(_OLE):
        # An encrypted .xlsx is an OLE2 container holding an EncryptedPackage stream;
        # any other OLE2 file is a .xls (BIFF) workbook.
        return "encrypted" if _ENCRYPTED_STREAM in _read_bytes(path) else "workbook"
    if not head:
        return "empty"
    if _HTML.match(head.removeprefix(b"\xef\xbb\xbf")):
        return "html"
    return "binary" if _looks_binary(head) else "text"


def _read_bytes(path: Path, limit: int = -1) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(limit)
    except OSError as exc:
        raise UnreadableFile(f"无法读取文件「{path.name}」：{os_cause(exc)}。") from exc


def _looks_binary(head: bytes) -> bool:
    """Control bytes other than tab and line breaks in more than 1 of 20 bytes (UTF-16
    text, whose ASCII characters carry a NUL byte each, is judged after decoding)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(head):
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13))
    return controls * 20 > len(head)


def _read_csv(path: Path, options: ReadOptions = ReadOptions()) -> SheetData:
    """Decode the whole file, find its header (csv_header), then split every row."""
    text, notes = _decode(path)
    delimiter, found, width = csv_header(text, path.name, options)
    grid, broken = _parse_csv(text, delimiter, width, path.name)
    sheet = _sheet_data(path, None, grid, found)
    kept = {number for number, _ in sheet.rows}  # a stray quote on an otherwise empty line breaks no row
    sheet.broken = {index + 1: problem for index, problem in broken.items() if index + 1 in kept}
    sheet.notes += notes
    return sheet


def csv_header(text: str, name: str, options: ReadOptions = ReadOptions()) -> tuple[str, Header, int]:
    """(delimiter, header, width of the header row) of a CSV text (its first lines are enough).

    Try each delimiter; with no header found, explain from the split that fits best:
    a tab-separated "Unicode text" file split on commas shows no header cell at
    all, so the missing columns are named from the delimiter whose split matches
    the most headers, not from a comma split.
    """
    head_lines = _head(text)
    best, heads = None, []
    for delimiter in DELIMITERS:
        head = list(csv.reader(io.StringIO(head_lines, newline=""), delimiter=delimiter))[:HEADER_SEARCH_ROWS]
        heads.append(head)
        found = _find_header(head, name, options)
        if found and (best is None or len(found.columns) > len(best[1].columns)):
            best = (delimiter, found)
    if best is None:
        if not text.strip():
            raise UnreadableFile(f"文件「{name}」是空文件，找不到登记表的表头，未导入。")
        _raise_no_header(Path(name), None, max(heads, key=lambda h: len(_closest_register(h, name)[1])), options)
    delimiter, found = best
    return delimiter, found, len(heads[DELIMITERS.index(delimiter)][found.last_row])


# ---------------------------------------------------------------- CSV text


def _head(text: str, lines: int = HEADER_SEARCH_ROWS * 2) -> str:
    """The first `lines` lines (as the csv module splits them), without copying the whole text."""
    end = 0
    for _ in range(lines):
        end = text.find("\n", end) + 1
        if end == 0:
            end = len(text)
            break
    return "".join(itertools.islice(io.StringIO(text[:end], newline=""), lines))


def _parse_csv(text: str, delimiter: str, width: int, name: str):
    """The CSV's rows, and the rows whose quote was never closed.

    A quote opened and never closed makes the csv module swallow the following
    lines into one cell, so their rows vanish. Such a cell holds line breaks
    followed by lines that look like rows of the file (delimiters in them); a
    note typed on several lines of one cell does not. The stray quote's line is
    rejected on its own (split without quoting, so the quote shows), and reading
    starts again on the next line: the rows it swallowed are read as rows.
    Returns (grid, {grid index: (column index, value, reason)}).
    """
    csv.field_size_limit(2**31 - 1)  # a huge cell is judged by the loader, never a crash
    grid: list[list[str]] = []
    broken: dict[int, tuple[int, str, str]] = {}
    lines: list[str] | None = None
    source, start = io.StringIO(text, newline=""), 0  # start: the physical line the reader began on
    while True:
        reader = csv.reader(source, delimiter=delimiter)
        done, stray = 0, None
        for record in reader:
            if reader.line_num - done > 1 and _swallowed(record, delimiter, width):
                stray = start + done
                break
            done = reader.line_num
            grid.append(record)
        if stray is None:
            return grid, broken
        if len(broken) >= MAX_BROKEN_QUOTES:
            raise UnreadableFile(
                f"文件「{name}」中有超过 {MAX_BROKEN_QUOTES} 处英文双引号没有闭合，无法可靠地分出各行，未导入。"
                "请在 Excel 中打开检查后另存为 CSV 再导入。"
            )
        lines = lines or io.StringIO(text, newline="").readlines()
        cells = lines[stray].rstrip("\r\n").split(delimiter)
        column = next((i for i, c in enumerate(cells) if c.lstrip().startswith('"')), 0)
        grid.append(cells)
        broken[len(grid) - 1] = (column, cells[column], REASON_UNCLOSED_QUOTE)
        source, start = iter(lines[stray + 1 :]), stray + 1


REASON_UNCLOSED_QUOTE = (
    "英文双引号没有闭合：这一格以引号开头却没有结束，本行未导入（其后的行已照常读取），请删去或补全这个引号"
)


def _swallowed(record: list[str], delimiter: str, width: int) -> bool:
    """A cell spanning lines whose later lines look like rows of the file."""
    enough = max(1, (width - 1) // 2)
    return any(
        any(line.count(delimiter) >= enough for line in cell.splitlines()[1:])
        for cell in record if "\n" in cell or "\r" in cell
    )


# ---------------------------------------------------------------- encodings

BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936"}
ENCODING_NAMES = {
    "big5": "Big5（繁体中文）", "big5hkscs": "Big5（繁体中文）", "cp950": "Big5（繁体中文）",
    "shift_jis": "Shift-JIS（日文）", "cp932": "Shift-JIS（日文）", "euc_jp": "EUC-JP（日文）",
    "iso2022_jp": "ISO-2022-JP（日文）", "euc_kr": "EUC-KR（韩文）", "cp949": "EUC-KR（韩文）",
    "johab": "韩文编码", "utf_16": "UTF-16", "utf_16_le": "UTF-16", "utf_16_be": "UTF-16",
}
# Two Chinese characters in a row as UTF-8 bytes: in a file that is not UTF-8 as a
# whole, a line made of such bytes means the file mixes encodings.
_UTF8_CJK = re.compile(rb"(?:[\xe4-\xe9][\x80-\xbf]{2}){2}")
COMMON_CHINESE_SHARE = 0.9
MIXED_SAMPLES = 2000  # lines looked at between the first and last 64 KB of a file


def _decode(path: Path) -> tuple[str, list[str]]:
    """The file's text and notes on what decoding did.

    By BOM, then strict UTF-8, then GB18030 (what Chinese Excel saves) when its
    text carries register headers; only a file that is neither goes to the
    detector (charset-normalizer), whose guesses are checked against the file's
    own header words. A file that fits none is refused, never read as mojibake.
    """
    data = _read_bytes(path)
    text = _decode_bytes(data, path.name)
    notes = []
    if "\x00" in text:
        notes.append(f"文件「{path.name}」中有 {text.count(chr(0))} 个空字符（NUL，多因文件损坏或未写完），已忽略。")
        text = text.replace("\x00", "")
    return text, notes


def unknown_encoding(name: str, guess: str | None = None) -> str:
    seems = f"（看起来像 {guess} 编码）" if guess else ""
    return f"文件「{name}」编码无法识别{seems}，请另存为 UTF-8 或 GBK 后重新导入。"


def _decode_bytes(data: bytes, name: str) -> str:
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise UnreadableFile(unknown_encoding(name, "UTF-16" if "16" in encoding else "UTF-8")) from None
    utf16 = _utf16_without_bom(data[:4096])
    text = _try_decode(data, utf16) if utf16 else None
    if text is not None and _has_register_headers(text):
        return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    _refuse_mixed(data, utf8_error, name)
    gb_text = _try_decode(data, "gb18030")
    if gb_text is not None and _has_register_headers(gb_text):
        return gb_text
    return _detected(data, gb_text, name)


def _try_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _utf16_without_bom(head: bytes) -> str | None:
    """utf-16-le or -be when NUL bytes sit on one side of most byte pairs (ASCII as UTF-16)."""
    even, odd = head[0::2], head[1::2]
    if len(head) < 4:
        return None
    if odd.count(0) * 3 > len(odd) and even.count(0) * 20 < len(even):
        return "utf-16-le"
    if even.count(0) * 3 > len(even) and odd.count(0) * 20 < len(odd):
        return "utf-16-be"
    return None


def _refuse_mixed(data: bytes, utf8_error: UnicodeDecodeError, name: str) -> None:
    """A file that is not UTF-8 as a whole but has lines that are: mixed encodings.

    Lines are sampled (the first and last ones, and evenly through the file), so a
    large GBK file costs milliseconds; files mixed by appending one export to
    another hold whole blocks of such lines.
    """
    for start, end in _sample_lines(data):
        line = data[start:end]
        if line.isascii() or not _UTF8_CJK.search(line) or _try_decode(line, "utf-8") is None:
            continue
        utf8_line = data[:start].count(b"\n") + 1  # slices: `data` may be an mmap
        other_line = data[:utf8_error.start].count(b"\n") + 1
        raise UnreadableFile(
            f"文件「{name}」编码无法识别：第 {utf8_line} 行是 UTF-8 编码，第 {other_line} 行却不是"
            "（文件可能由不同编码的内容拼接而成，或已损坏），请另存为 UTF-8 或 GBK 后重新导入。"
        )


def _sample_lines(data: bytes):
    """(start, end) of the lines in the first and last 64 KB, and of MIXED_SAMPLES lines spread between."""
    edge = 1 << 16
    starts = [m.end() for m in re.finditer(rb"\n", data[:edge])]
    starts = [0, *starts]
    tail = max(edge, len(data) - edge)
    starts += [tail + m.end() for m in re.finditer(rb"\n", data[tail:])]
    step = max(len(data) // MIXED_SAMPLES, 1)
    starts += [data.rfind(b"\n", 0, pos) + 1 for pos in range(edge, tail, step)]
    for start in sorted(set(starts)):
        end = data.find(b"\n", start)
        yield start, end if end >= 0 else len(data)


def _detected(data: bytes, gb_text: str | None, name: str) -> str:
    """The detector's guesses, checked against the file's own header words."""
    from charset_normalizer import from_bytes  # imported here: only unusual files need it

    if _looks_binary(data[:8192]):
        raise UnreadableFile(
            f"文件「{name}」不是文本文件（可能已损坏，或是其他类型的文件改了扩展名），未导入。"
        )
    matches = list(from_bytes(data[:1_000_000]))
    for match in matches:
        text = _try_decode(data, match.encoding)
        if text is not None and _has_register_headers(text):
            return text
    best = matches[0].encoding if matches else None
    if gb_text is not None and (best is None or best in GB_FAMILY or _common_chinese(gb_text)):
        return gb_text  # Chinese text, just not a register: the header check says so
    raise UnreadableFile(unknown_encoding(name, ENCODING_NAMES.get(best, best)))


def _common_chinese(text: str) -> bool:
    """Whether nearly every non-ASCII character is a common simplified one (in GB2312).

    The detector misjudges a short GBK note (说明.txt) as Korean or Thai; Big5 or
    Shift-JIS bytes read as GB18030 give mostly rare or foreign characters instead.
    """
    wide = [ch for ch in text[:20_000] if ord(ch) > 0x7F]
    common = sum(1 for ch in wide if _in_gb2312(ch))
    return bool(wide) and common >= COMMON_CHINESE_SHARE * len(wide)


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _has_register_headers(text: str) -> bool:
    """Whether a row near the top carries at least two headers of one register."""
    head = _head(text)
    for delimiter in DELIMITERS:
        for row in itertools.islice(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter),
                                    HEADER_SEARCH_ROWS):
            if any(recognised(row, register) >= 2 for register in REGISTERS):
                return True
    return False


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
    """NotARegister when nothing resembles a register (a folder's stray file is skipped), else UnreadableFile."""
    message = _no_header_message(path, sheet, head, options=options)
    resembles = find_header(head, f"{sheet or ''} {path.name}", options.mappings).closest is not None
    raise (UnreadableFile if resembles else NotARegister)(message, sheet, head)


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
