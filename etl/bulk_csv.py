"""A CSV register read by DuckDB itself: the fast way in for a province's files.

reader.py reads a CSV in Python: decoded whole, split by the csv module, every row
a list of strings. That is exact, but costs about 8 µs and 700 bytes a row: a
province's 1.1 M-row visit log took 10 s and 1.5 GB. Here the same file is
1. decoded in pieces (GB18030 written out as a UTF-8 copy, since DuckDB reads only
   UTF-8), its header found in its first lines by reader.csv_header, exactly as
   reader.py finds it;
2. split by DuckDB's read_csv into a temp table `csv_grid`, one VARCHAR per column,
   its rowid the position below the header;
3. sorted into records and skipped rows in SQL by the first tests of
   layout.RowSorter.feed; the few rows those leave undecided (合计, footers, group
   rows, a repeated header) go through RowSorter itself.
Wherever DuckDB's splitting could differ from Python's — a blank line (DuckDB drops
it, which would shift every Excel row number below), a space before an opening or
after a closing quote, a quote never closed, a NUL, a row of another width, a line
break of another kind inside a cell, an encoding other than UTF-8 or GB18030 —
`read_csv_in_duckdb` returns None and reader.py reads the file: a user sees the
same rows, reasons and Excel row numbers either way (tests/test_bulk_csv.py loads
files both ways and compares the databases).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import mmap
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl.layout import GROUP_START, NOT_PLAIN, RECORD, WRITTEN_DATE, RowSorter
from etl.reader import (
    BOMS,
    DATE,
    HEADER_SEARCH_ROWS,
    ReadOptions,
    SheetData,
    Table,
    UnreadableFile,
    _has_register_headers,
    _head,
    _refuse_mixed,
    _swallowed,
    _utf16_without_bom,
    _with_year,
    csv_header,
    year_named,
)

HEAD_BYTES = 1 << 18  # the header is found in the first 40 lines; they must fit in here
BLOCK_BYTES = 1 << 22  # decoded and copied this much at a time
LONGEST_LINE = 1 << 24  # bytes: a longer line is left to reader.py
FETCH_ROWS = 256  # rows after a footer, fetched at a time while RowSorter is in the footer
# Every character Python's str.isspace() and str.strip() treat as white space (Unicode 14;
# tests/test_bulk_csv.py checks it against Python's own).
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
              "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
              "\u2028\u2029\u202f\u205f\u3000")
NOT_WHITESPACE = "[^" + "".join(f"\\x{{{ord(ch):x}}}" for ch in WHITESPACE) + "]"  # as an RE2 class
# reader._with_year's short date (1月10日, 1.10), with Python's \s and \d: cells it may change.
SHORT_DATE = "^[{ws}]*\\p{{Nd}}{{1,2}}[{ws}]*[月./-][{ws}]*\\p{{Nd}}{{1,2}}[{ws}]*日?[{ws}]*$".format(
    ws=re.escape(WHITESPACE).replace("\\ ", " "))
WITH_YEAR_FUNCTION = "etl_with_year"
GRID = "csv_grid"
DECISIONS = "csv_decisions"
CONSTANTS = "csv_constants"


@dataclass
class GridSheet(SheetData):
    """A one-sheet register whose records live in DuckDB (`csv_grid`), not in Python lists.

    `first_row` is the Excel row of grid rowid 0; `status` per row: 1 record, 0 not a
    row, 2 sorted by RowSorter (whose verdicts are in `csv_decisions`).
    """

    first_row: int = 0
    width: int = 0
    records: int = 0
    decided: bool = False
    temporary: list[Path] = field(default_factory=list)

    @property
    def rows(self) -> list[tuple[int, list[str]]]:
        raise TypeError("a GridSheet's rows are in DuckDB: use cells_of")

    @property
    def record_count(self) -> int:
        return self.records

    @property
    def rows_read(self) -> int:
        return self.records + len(self.tables[0].skipped)

    def register_rows(self, con: duckdb.DuckDBPyConnection, name: str) -> None:
        """A view `name`: row_no (the Excel row) and the contract's columns as strings."""
        table = self.tables[0]
        keys = [c.key for c in self.register.read_columns if c.key in self.present]
        selects = [f"g.rowid + {int(self.first_row)} AS row_no"]
        for key in keys:
            index = table.header.columns.get(key)
            if index is None:
                selects.append(f"k.{_ident(key)} AS {_ident(key)}")
                continue
            cell = f"g.c{int(index)}"
            if table.year and self.register.column(key).type == DATE:  # sql_functions made it
                cell = (f"CASE WHEN length({cell}) <= 8 AND regexp_matches({cell}, '{_sql_text(SHORT_DATE)}') "
                        f"THEN {WITH_YEAR_FUNCTION}({cell}, {int(table.year)}) ELSE {cell} END")
            selects.append(f"{cell} AS {_ident(key)}")
        joins, where = self._records()
        if table.constants:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {CONSTANTS} AS SELECT "
                        + ", ".join(f"CAST(${i} AS VARCHAR) AS {_ident(k)}" for i, k in enumerate(table.constants, 1)),
                        list(table.constants.values()))
            joins += f" CROSS JOIN {CONSTANTS} k"
        con.execute(f"CREATE OR REPLACE TEMP VIEW {_ident(name)} AS SELECT {', '.join(selects)} "
                    f"FROM {GRID} g{joins} WHERE {where}")

    def _records(self) -> tuple[str, str]:
        """The join and condition that keep the grid's records (SQL's verdict, or RowSorter's)."""
        if self.decided:
            return f" LEFT JOIN {DECISIONS} d ON d.grid_row = g.rowid", "coalesce(d.is_record, g.status = 1)"
        return "", "g.status = 1"

    def long_cells(self, con: duckdb.DuckDBPyConnection, name: str, keys: list[str], limit: int) -> list[tuple]:
        """As SheetData.long_cells, read from the grid itself: the view's typed dates are not
        computed for a million rows to find the odd one."""
        columns = self.tables[0].header.columns
        cells = {key: columns[key] for key in keys if key in columns}  # constants are never long
        if not cells:
            return []
        joins, where = self._records()
        long = " OR ".join(f"strlen(g.c{int(i)}) > {int(limit)}" for i in cells.values())
        rows = con.execute(f"SELECT g.rowid, {', '.join(f'g.c{int(i)}' for i in cells.values())} FROM {GRID} g"
                           f"{joins} WHERE ({long}) AND {where} ORDER BY g.rowid").fetchall()
        found = []
        for rowid, *values in rows:
            by_key = dict(zip(cells, values, strict=True))
            found.append((rowid + self.first_row, *(by_key.get(key) for key in keys)))
        return found

    def cells_of(self, con: duckdb.DuckDBPyConnection, records: Iterable[int]) -> dict[int, list[str]]:
        rowids = sorted({int(r) - self.first_row for r in records})
        if not rowids:
            return {}
        cells = ", ".join(f"c{i}" for i in range(self.width))
        rows = con.execute(f"SELECT rowid, {cells} FROM {GRID} WHERE rowid IN (SELECT unnest($ids))",
                           {"ids": rowids}).fetchall()
        return {rowid + self.first_row: [c or "" for c in cells] for rowid, *cells in rows}

    def release(self, con: duckdb.DuckDBPyConnection, name: str) -> None:
        for statement in (f"DROP VIEW IF EXISTS {_ident(name)}", f"DROP TABLE IF EXISTS {GRID}",
                          f"DROP TABLE IF EXISTS {DECISIONS}", f"DROP TABLE IF EXISTS {CONSTANTS}"):
            with contextlib.suppress(duckdb.Error):
                con.execute(statement)
        _remove(self.temporary)


def read_csv_in_duckdb(
    con: duckdb.DuckDBPyConnection, path: Path, options: ReadOptions = ReadOptions(),
    on_progress: Callable[[float], None] = lambda done: None, ahead: DecodeAhead | None = None,
) -> GridSheet | None:
    """The register in `path` with its records in `csv_grid`, or None: read it with reader.py.

    `on_progress` gets the share of the file decoded so far; `ahead` may have decoded it already.
    """
    text = ahead.take(path) if ahead else NOT_DECODED
    if text is NOT_DECODED:
        text = _utf8_text(path, options, on_progress)
    if text is None:
        return None
    try:
        return _split(con, path, text)
    except (duckdb.Error, _Different):
        _drop(con)
        _remove(text.temporary)
        return None
    except BaseException:
        _drop(con)
        _remove(text.temporary)
        raise


NOT_DECODED = object()


class DecodeAhead:
    """Decodes the next CSV file in a thread while DuckDB works on this one.

    Decoding (and the UTF-8 copy) is Python's work, the rest DuckDB's: on two cores
    they overlap. Nothing here touches DuckDB; a decoded file that is not taken (the
    load stopped, or found the file unchanged) has its copy removed by `close`.
    """

    def __init__(self):
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="decode-ahead")
        self._pending: dict[Path, Future] = {}

    def start(self, path: Path, options: ReadOptions, on_progress: Callable[[float], None]) -> None:
        if path not in self._pending:
            self._pending[path] = self._pool.submit(_utf8_text, path, options, on_progress)

    def take(self, path: Path):
        """What decoding `path` gave (None: read it with reader.py), or NOT_DECODED."""
        future = self._pending.pop(path, None)
        if future is None:
            return NOT_DECODED
        try:
            return future.result()
        except Exception:  # noqa: BLE001 - decoding again in the load says what went wrong
            return NOT_DECODED

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        for future in self._pending.values():
            with contextlib.suppress(Exception):
                text = future.result()
                if text is not None:
                    _remove(text.temporary)
        self._pending.clear()


class _Different(Exception):
    """DuckDB's split of this file could differ from Python's: reader.py reads it."""


@dataclass
class _Text:
    """A CSV file as UTF-8 DuckDB can read, and what decoding it learned."""

    utf8: Path  # the file itself, or a UTF-8 copy of it
    temporary: list[Path]
    delimiter: str
    header: object  # layout.Header
    width: int
    head: str  # the decoded first lines
    newline: str  # the line break the file uses: "\n" (also for \r\n) or "\r"
    body_lines: int  # physical lines below the header, trailing blank lines left out


def _utf8_text(path: Path, options: ReadOptions, on_progress) -> _Text | None:
    """Decode the file once (as reader._decode_bytes would) and find its header, or None."""
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError:
        return None
    encoding = _encoding(path, head)
    if encoding is None:
        return None
    try:
        head_text = codecs.getincrementaldecoder(encoding)().decode(head, final=len(head) == size)
    except UnicodeDecodeError:
        return None  # reader.py asks the detector
    if encoding == "gb18030" and not _has_register_headers(head_text):
        return None  # reader.py asks the detector
    lines = _head(head_text)
    if len(head) < size and len(io.StringIO(lines, newline="").readlines()) < HEADER_SEARCH_ROWS * 2:
        return None  # forty lines longer than HEAD_BYTES: not worth a special case
    try:
        delimiter, header, width = csv_header(head_text, path.name, options)
    except UnreadableFile:
        return None  # reader.py says why, in the user's words
    newline = "\n" if "\n" in head_text else "\r" if "\r" in head_text else "\n"
    reader = csv.reader(io.StringIO(lines, newline=""), delimiter=delimiter)
    for _ in range(header.last_row + 1):
        next(reader, None)
    head_lines = reader.line_num
    head_chars = sum(len(line) for line in io.StringIO(lines, newline="").readlines()[:head_lines])
    copy: Path | None = None
    try:
        with contextlib.ExitStack() as stack:
            out = None
            if encoding == "gb18030":
                fd, name = tempfile.mkstemp(prefix="etl-", suffix=".csv")
                copy = Path(name)
                out = stack.enter_context(os.fdopen(fd, "wb"))
            scan = _scan(path, encoding, delimiter, newline, out, size, on_progress)
    except (OSError, UnicodeDecodeError, _Different):
        _remove([copy] if copy else [])
        return None  # a full temp folder, a late decoding error, a split DuckDB would make differently
    body_lines = scan.newlines - head_lines - scan.trailing + 1 if scan.end > head_chars else 0
    return _Text(copy or path, [copy] if copy else [], delimiter, header, width, lines, newline, body_lines)


def _encoding(path: Path, head: bytes) -> str | None:
    """UTF-8 (with or without BOM) or GB18030, decided as reader._decode_bytes decides; None otherwise."""
    if head.startswith(BOMS[0][0]):
        return "utf-8-sig"
    if any(head.startswith(bom) for bom, _ in BOMS) or _utf16_without_bom(head[:4096]):
        return None
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head)
        return "utf-8"
    except UnicodeDecodeError as exc:
        error = UnicodeDecodeError("utf-8", b"", exc.start, exc.end, exc.reason)
    try:
        with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            _refuse_mixed(data, error, path.name)
    except (UnreadableFile, OSError, ValueError):
        return None
    return "gb18030"


@dataclass
class _Scan:
    newlines: int  # line breaks in the whole text
    trailing: int  # of them, those in the run of line breaks that ends the text
    end: int  # characters before that run


def _scan(path: Path, encoding: str, delimiter: str, newline: str, copy, size: int, on_progress) -> _Scan:
    """Decode the whole file in blocks: count its line breaks, refuse what DuckDB would split
    differently (_Different), write the UTF-8 copy.

    The line breaks, NULs, quotes and spaces are looked for in the file's bytes, not in the
    decoded text: a byte of a multi-byte UTF-8 or GB18030 character is 0x30-0x39, 0x40-0x7E or
    above 0x7F, never one of those (nor a delimiter: , tab ;), so the bytes give the text's
    answer; and searching bytes is memchr's work (a province's visit file: 10-100 ms a search,
    against 70-320 ms in Python's wide strings)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    line_break, separator = newline.encode("ascii"), delimiter.encode("ascii")
    newlines = length = trailing = trailing_chars = done = 0
    bom = len(BOMS[0][0]) if encoding == "utf-8-sig" else 0  # the decoder drops it: lines start after it
    carry = b""  # the line the last block ended in, not yet checked
    with open(path, "rb") as handle:
        while True:
            block = handle.read(BLOCK_BYTES)
            final = not block
            text = decoder.decode(block, final=final)
            raw, bom = block[bom:], max(bom - len(block), 0)
            if b"\x00" in raw:
                raise _Different
            newlines += raw.count(line_break)
            length += len(text)
            kept = len(text)
            while kept and text[kept - 1] in "\r\n":
                kept -= 1
            if kept:
                trailing_chars, trailing = len(text) - kept, text.count(newline, kept)
            else:
                trailing_chars, trailing = trailing_chars + len(text), trailing + text.count(newline)
            carry = _check_lines(carry, raw, separator, final)
            if copy is not None:
                copy.write(text.encode("utf-8"))
            done += len(block)
            on_progress(min(done / size, 1.0) if size else 1.0)
            if final:
                return _Scan(newlines, trailing, length - trailing_chars)


def _check_lines(carry: bytes, block: bytes, delimiter: bytes, final: bool) -> bytes:
    """Check the lines `carry` + `block` completes (all of them when `final`); return the
    unfinished last one."""
    if final:
        _check_quotes(carry + block, 0, len(carry) + len(block), delimiter)
        return b""
    last = max(block.rfind(b"\n"), block.rfind(b"\r"))
    if last < 0:
        if len(carry) + len(block) > LONGEST_LINE:
            raise _Different
        return carry + block
    first = min(i for i in (block.find(b"\n"), block.find(b"\r")) if i >= 0)
    seam = carry + block[:first + 1]
    _check_quotes(seam, 0, len(seam), delimiter)
    _check_quotes(block, first + 1, last + 1, delimiter)
    return block[last + 1:]


def _check_quotes(text: bytes, start: int, end: int, delimiter: bytes) -> None:
    """Raise _Different where spaces stand between a delimiter (or a line's start or end) and a
    quote in text[start:end], whole lines: Python keeps such spaces, DuckDB drops them."""
    if text.find(b'"', start, end) < 0:
        return  # most registers quote nothing: one memchr
    ends = (delimiter, b"\r", b"\n")
    at = text.find(b' "', start, end)
    while at >= 0:
        before = at
        while before > start and text[before - 1] == 0x20:
            before -= 1
        if before == start or text[before - 1:before] in ends:
            raise _Different
        at = text.find(b' "', at + 2, end)
    at = text.find(b'" ', start, end)
    while at >= 0:
        after = at + 1
        while after < end and text[after] == 0x20:
            after += 1
        if after == end or text[after:after + 1] in ends:
            raise _Different
        at = text.find(b'" ', at + 2, end)


def _split(con: duckdb.DuckDBPyConnection, path: Path, text: _Text) -> GridSheet:
    """Split the UTF-8 text in DuckDB and sort its rows; raises _Different where it could differ."""
    header = text.header
    sorter = RowSorter(header)
    # Python's `c and not c.isspace()` / `c.strip()`: a character that is not white space.
    # (DuckDB's trim with a set of characters costs microseconds a cell; a regular expression does not.)
    width = text.width
    first_index = "CASE " + " ".join(f"WHEN regexp_matches(c{i}, $text) THEN {i}" for i in range(width)) + " END"
    first_cell = "CASE first_index " + " ".join(f"WHEN {i} THEN c{i}" for i in range(width)) + " END"
    probe_index, probe_label = sorter.probe
    # contains(), not list_contains(): a constant list becomes a join, and a join loses the file's order.
    look = ("(contains($group_start, left(first_cell, 1)) OR "
            + " OR ".join(f"contains(first_cell, '{_sql_text(w)}')" for w in NOT_PLAIN)
            + ") AND NOT regexp_full_match(first_cell, $written_date)")
    params = {"path": str(text.utf8), "delim": text.delimiter, "text": NOT_WHITESPACE, "group_start": GROUP_START,
              "written_date": WRITTEN_DATE}
    if probe_label is not None:
        probe = f"c{int(probe_index)}"
        look += f" OR CASE WHEN contains({probe}, $probe) THEN trim({probe}, $ws) = $probe ELSE false END"
        params |= {"probe": probe_label, "ws": WHITESPACE}
    used = [i for i in sorter.used if i < width]
    # Text in a register column: mostly the first text of the row is one.
    first_used = " OR ".join(f"first_index = {i}" for i in used) or "false"
    any_used = f"regexp_matches(concat({', '.join(f'c{i}' for i in used)}), $text)" if used else "false"
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
    statement = (
        f"""CREATE OR REPLACE TEMP TABLE {GRID} AS
            SELECT * EXCLUDE (first_index, first_cell),
                   CASE WHEN first_index IS NULL THEN 0 WHEN {look} THEN 2
                        WHEN {first_used} THEN 1 WHEN {any_used} THEN 1 ELSE 0 END AS status
            FROM (SELECT *, {first_cell} AS first_cell
                  FROM (SELECT *, {first_index} AS first_index
                        FROM read_csv($path, columns = {{{columns}}}, header = false,
                                      skip = {int(header.last_row) + 1}, delim = $delim, quote = '"', escape = '"',
                                      strict_mode = true, null_padding = false, auto_detect = false)))""")
    _keeps_file_order(con, statement, params)
    con.execute(statement, params)
    rows, looks = con.execute(f"SELECT count(*), count(*) FILTER (status = 2) FROM {GRID}").fetchall()[0]
    cells = ", ".join(f"c{i}" for i in range(width))
    spanned = 0
    if text.body_lines != rows:  # some record spans lines (or DuckDB dropped a blank line)
        multiline = " OR ".join(f"contains(c{i}, chr(10)) OR contains(c{i}, chr(13))" for i in range(width))
        for row in con.execute(f"SELECT {cells} FROM {GRID} WHERE {multiline}").fetchall():
            row = [c or "" for c in row]
            if _swallowed(row, text.delimiter, width):
                raise _Different  # an unclosed quote: reader.py rejects its row and reads on
            spanned += sum(c.count(text.newline) for c in row)
    if text.body_lines != rows + spanned:
        raise _Different  # DuckDB dropped blank lines: the Excel row numbers would shift
    _same_head(con, text, cells)
    decided = _sort_undecided(con, sorter, header.last_row + 1, looks, rows, cells) if looks else False
    records = con.execute(
        f"SELECT count(*) FROM {GRID} g" + (f" LEFT JOIN {DECISIONS} d ON d.grid_row = g.rowid "
                                             "WHERE coalesce(d.is_record, g.status = 1)" if decided else
                                             " WHERE g.status = 1")).fetchall()[0][0]
    year = year_named(f"{header.title} {path.stem}")
    table = Table(None, header, [], sorter.rows.skipped, year=year)
    return GridSheet(path, header.register, [table], first_row=header.last_row + 2, width=text.width,
                     records=records, decided=decided, temporary=text.temporary)


# Statements (with the order setting they were planned under) whose plan keeps the file's order.
_PLANNED_IN_ORDER: set[tuple[str, str]] = set()


def _keeps_file_order(con, statement: str, params: dict) -> None:
    """The grid's rowids must follow the file: only DuckDB's order-keeping (batch) insert does that.

    The plan depends on the statement's text and the order setting, not on the file it reads:
    planning it costs 20 ms a file, so each statement is planned once a process."""
    setting = str(con.execute("SELECT current_setting('preserve_insertion_order')").fetchall()[0][0])
    if (statement, setting) in _PLANNED_IN_ORDER:
        return
    plan = "".join(str(cell) for row in con.execute("EXPLAIN " + statement, params).fetchall() for cell in row)
    if "Batch Create Table As" not in plan:
        raise _Different
    _PLANNED_IN_ORDER.add((statement, setting))


def _same_head(con, text: _Text, cells: str) -> None:
    """DuckDB's first rows are the rows Python splits from the file's first lines."""
    python = list(csv.reader(io.StringIO(text.head, newline=""), delimiter=text.delimiter))
    below = python[text.header.last_row + 1: -1]  # the last may be cut off by the head's end
    while below and not below[-1]:
        below.pop()  # blank lines the head ends on: the line count has judged them
    if not below:
        return
    duck = con.execute(f"SELECT {cells} FROM {GRID} WHERE rowid < $n ORDER BY rowid", {"n": len(below)}).fetchall()
    if [[c or "" for c in row] for row in duck] != [row + [""] * (text.width - len(row)) for row in below]:
        raise _Different


def _sort_undecided(con, sorter: RowSorter, first_index: int, looks: int, rows: int, cells: str) -> bool:
    """Feed RowSorter the rows SQL left undecided, and every row after a footer until it ends;
    keep its verdicts where they differ from SQL's in `csv_decisions`. Returns whether any did."""
    undecided = con.execute(f"SELECT rowid, status, {cells} FROM {GRID} WHERE status = 2 ORDER BY rowid").fetchall()
    verdicts: list[tuple[int, bool]] = []
    fed = -1

    def feed(rowid: int, status: int, row: tuple) -> None:
        nonlocal fed
        is_record = sorter.feed(first_index + rowid, [c or "" for c in row]) == RECORD
        if is_record != (status == 1):
            verdicts.append((rowid, is_record))
        fed = rowid

    def follow_footer(until: int) -> None:
        while sorter.in_footer and fed + 1 < until:
            batch = con.execute(
                f"SELECT rowid, status, {cells} FROM {GRID} WHERE rowid > $after AND rowid < $until "
                f"ORDER BY rowid LIMIT {FETCH_ROWS}", {"after": fed, "until": until}).fetchall()
            if not batch:
                return
            for rowid, status, *row in batch:
                if not sorter.in_footer:
                    return
                feed(rowid, status, row)

    for rowid, status, *row in undecided:
        follow_footer(rowid)
        feed(rowid, status, row)
    follow_footer(rows)
    if not verdicts:
        return False
    con.execute(f"CREATE OR REPLACE TEMP TABLE {DECISIONS} AS "
                "SELECT unnest($rows) AS grid_row, unnest($records) AS is_record",
                {"rows": [r for r, _ in verdicts], "records": [v for _, v in verdicts]})
    return True


def sql_functions(con: duckdb.DuckDBPyConnection) -> None:
    """reader._with_year as a SQL function, for the few cells SHORT_DATE lets through."""
    known = con.execute("SELECT count(*) FROM duckdb_functions() WHERE function_name = $name",
                        {"name": WITH_YEAR_FUNCTION}).fetchall()[0][0]
    if not known:
        con.create_function(WITH_YEAR_FUNCTION, _with_year, [duckdb.sqltype("VARCHAR"), duckdb.sqltype("BIGINT")],
                            duckdb.sqltype("VARCHAR"))


def _drop(con) -> None:
    for table in (GRID, DECISIONS, CONSTANTS):
        with contextlib.suppress(duckdb.Error):
            con.execute(f"DROP TABLE IF EXISTS {table}")


def _remove(paths: list[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_text(text: str) -> str:
    """A constant of this module (never a file's text) as a SQL string literal."""
    return text.replace("'", "''")
