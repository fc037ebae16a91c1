"""Read a register file as offices really save it, and find what it is.

CSV (UTF-8, UTF-8 with BOM, GB18030/GBK, UTF-16 "Unicode text") and Excel
workbooks with title rows above the header both become one `SheetData`: the
register kind found from the header row, the Excel row number of every data
row and the cells of the contract's columns as strings. Cleaning, typing and
checking happen afterwards in DuckDB (validate.py); this module only decodes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
from python_calamine import CalamineWorkbook

from etl.registers import BY_KIND, REGISTERS, Register, kind_from_filename

CSV_SUFFIXES = {".csv", ".txt"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
HEADER_SEARCH_ROWS = 20
DELIMITERS = (",", "\t", ";")


class UnreadableFile(Exception):
    """A file that cannot be loaded at all; the message is for the user, in Chinese."""


@dataclass
class SheetData:
    """One register's rows as read, before any cleaning."""

    path: Path
    sheet: str | None
    register: Register
    header_row: int  # Excel row number of the header
    columns: dict[str, int]  # contract key -> column index in the grid
    extra_headers: list[str]  # headers kept out of the database
    headers: list[str]  # the header row as written
    rows: list[tuple[int, list[str]]]  # (Excel row number, cells) of non-empty rows

    def to_arrow(self) -> pa.Table:
        """The contract's columns as strings, plus `row_no`, for DuckDB to clean and check."""
        data = {"row_no": pa.array([n for n, _ in self.rows], pa.int32())}
        for key, index in self.columns.items():
            data[key] = pa.array(
                [cells[index] if index < len(cells) else None for _, cells in self.rows],
                pa.string(),
            )
        return pa.table(data)

    def raw_json(self, cells: list[str]) -> str:
        """The whole row as written, keyed by its headers, so a rejected row loses nothing.

        Cells beyond the header (a CSV value with an unquoted comma) are kept too,
        keyed by column number like cells under an empty header.
        """
        named = {
            ((self.headers[i] if i < len(self.headers) else "") or f"第{i + 1}列"): c
            for i, c in enumerate(cells) if c
        }
        return json.dumps(named, ensure_ascii=False)


def normalize_header(text: str) -> str:
    """Fold full-width forms, drop spaces and required-markers, so 「 活动 类型* 」 matches."""
    folded = unicodedata.normalize("NFKC", str(text))
    folded = "".join(folded.split()).strip("*")
    for marker in ("(必填)", "(选填)"):
        folded = folded.replace(marker, "")
    return folded.lower()


HEADER_KEYS: dict[str, dict[str, str]] = {
    r.kind: {
        **{normalize_header(c.header): c.key for c in r.columns},
        **{c.key: c.key for c in r.columns},
    }
    for r in REGISTERS
}


def read_register(path: Path) -> SheetData:
    """Read one register file; raises UnreadableFile with a Chinese message naming it."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return _read_csv(path)
    if suffix in EXCEL_SUFFIXES:
        return _read_workbook(path)
    raise UnreadableFile(f"文件「{path.name}」不是 CSV 或 Excel 文件，无法导入。")


def _read_csv(path: Path) -> SheetData:
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
        found = _find_header(head, path.name)
        if found and (best is None or len(found[2]) > len(best[1][2])):
            best = (delimiter, found)
    if best is None:
        _raise_no_header(path, None, max(heads, key=lambda h: len(_closest_register(h, path.name)[1])))
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


def _read_workbook(path: Path) -> SheetData:
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = list(workbook.sheet_names)
    except Exception as exc:  # calamine raises several error types for broken files
        raise UnreadableFile(
            f"文件「{path.name}」不是有效的 Excel 工作簿，无法打开（{type(exc).__name__}）。"
        ) from exc
    first = None
    for name in _sheet_order(names):
        try:
            raw = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise UnreadableFile(
                f"文件「{path.name}」的工作表「{name}」无法读取（{type(exc).__name__}）。"
            ) from exc
        grid = [[_cell_text(v) for v in row] for row in raw]
        found = _find_header(grid[:HEADER_SEARCH_ROWS], path.name)
        if found:
            return _sheet_data(path, name, grid, found)
        first = first or (name, grid[:HEADER_SEARCH_ROWS])
    _raise_no_header(path, *(first or (None, [])))


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


def _find_header(head: list[list[str]], file_name: str):
    """The (row index, register, key->column) whose header row matches best.

    A candidate must carry every required header of its register; among those
    the one matching most headers wins, and a tie goes to the register the file
    name names. Returns None when no row carries a full required set.
    """
    named = kind_from_filename(file_name)
    best = None
    for index, row in enumerate(head):
        normalized = [normalize_header(c) for c in row]
        for register in REGISTERS:
            columns = _match(normalized, register)
            if not all(c.key in columns for c in register.required):
                continue
            score = (len(columns), register is named)
            if best is None or score > best[0]:
                best = (score, index, register, columns)
    return None if best is None else best[1:]


def _match(normalized: list[str], register: Register) -> dict[str, int]:
    keys = HEADER_KEYS[register.kind]
    columns: dict[str, int] = {}
    for index, header in enumerate(normalized):
        key = keys.get(header)
        if key and key not in columns:
            columns[key] = index
    return columns


def _raise_no_header(path: Path, sheet: str | None, head: list[list[str]]):
    """Say which required columns the file lacks, for the register it most resembles."""
    where = f"文件「{path.name}」" + (f"的工作表「{sheet}」" if sheet else "")
    register, columns = _closest_register(head, path.name)
    if register is None:
        raise UnreadableFile(
            f"{where}的前{HEADER_SEARCH_ROWS}行中找不到登记表的表头，无法判断是哪种登记表，"
            "请对照模板检查表头。"
        )
    missing = "、".join(f"「{c.header}」" for c in register.required if c.key not in columns)
    raise UnreadableFile(f"{where}看起来是{register.title}，但缺少必填列{missing}，未导入。")


def _closest_register(head: list[list[str]], file_name: str):
    """The register whose headers a row matches most (the file name breaks ties)."""
    named = kind_from_filename(file_name)
    best = (None, {})
    best_score = (1, False)  # a single matching header is no evidence
    for row in head:
        normalized = [normalize_header(c) for c in row]
        for register in REGISTERS:
            columns = _match(normalized, register)
            score = (len(columns), register is named)
            if score > best_score or (register is named and best[0] is None):
                best, best_score = (register, columns), score
    return best


def _sheet_data(path: Path, sheet: str | None, grid: list[list[str]], found) -> SheetData:
    index, register, columns = found
    headers = [str(h).strip() for h in grid[index]]
    used = set(columns.values())
    extras = [h for i, h in enumerate(headers) if i not in used and h]
    # A row counts only if a register column holds something: a template
    # pre-numbered in a 序号 column is still empty below the last real row.
    rows = [
        (number, cells)
        for number, cells in enumerate(grid[index + 1 :], start=index + 2)
        if any(str(cells[i]).strip() for i in used if i < len(cells))
    ]
    return SheetData(path, sheet, BY_KIND[register.kind], index + 1, columns, extras, headers, rows)
