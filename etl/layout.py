"""Where a register's table sits in a sheet, as offices lay it out.

A sheet is a grid of cell texts. Above the table are title rows ("XX镇人大代表活动情况
记录簿", "（2024年）"); the header is one row, or two with group cells merged over
their sub-headers (办理情况 over 承办单位 / 转办时间 / …, 序号 merged down over both);
below it come the records, with 合计 rows, group rows ("一月份") and footer lines
(填表人：… 审核人：…) that are not records. This module finds the header, says which
contract column each header cell is (the contract's header, its English key, a
synonym, or a saved 导入方案), and sorts the rows below into records and skipped
rows with a reason. It knows nothing of files or databases.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from etl.registers import (
    FOOTER_LABELS,
    IGNORED_HEADERS,
    NOT_REGISTER_SHEETS,
    PERSONAL_HEADERS,
    REGISTERS,
    TITLE_HINTS,
    TOTAL_WORDS,
    Register,
    kind_from_filename,
)
from etl.safe_text import normalize_text

HEADER_SEARCH_ROWS = 20
IGNORE = ""  # a mapping's value for a column that is deliberately not loaded

# How a column was recognised, as the mapping step shows it.
BY_HEADER = "表头"
BY_SYNONYM = "同义词"
BY_MAPPING = "导入方案"
BY_SIMILARITY = "相似（请确认）"

SKIP_TOTAL = "合计行"
SKIP_FOOTER = "表尾（填表人、审核人、日期等）"
SKIP_GROUP = "分组标题行"
SKIP_REPEATED_HEADER = "重复的表头行"

_BRACKETS = re.compile(r"\([^()]*\)|【[^【】]*】|〔[^〔〕]*〕|\[[^\[\]]*\]")
_TOTAL = re.compile(rf"^.{{0,8}}?({'|'.join(TOTAL_WORDS)})[:]?$")
_FOOTER = re.compile(rf"^({'|'.join(sorted(map(re.escape, FOOTER_LABELS), key=len, reverse=True))})[:]")
GROUP_START = "一二三四五六七八九十第"  # a group row's first character
# A first cell holding none of these, and not starting a group, opens no total, footer or group row.
NOT_PLAIN = ("计", ":", "：", "月", "季")
# Nor does a date written out (2024年1月27日), though it holds 月: in a visit log that is every
# row of some townships. The same pattern as bulk_csv's SQL, so ASCII digits only.
WRITTEN_DATE = "[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日"
_WRITTEN_DATE = re.compile(WRITTEN_DATE)
_GROUP = re.compile(r"^([一二三四五六七八九十]+[、.]|第?[一二三四1-4]季度$|[0-9一二三四五六七八九十]{1,3}月份?$)")


@lru_cache(maxsize=8192)
def _normalize_text(text: str) -> str:
    folded = unicodedata.normalize("NFKC", normalize_text(text))
    folded = "".join(folded.split())
    folded = _BRACKETS.sub("", folded).strip("*:")
    return folded.lower()


def normalize_header(text: object) -> str:
    """Fold width, drop spaces, required-markers and bracketed units: 「 发现问题（个）* 」 is 发现问题."""
    return _normalize_text(str(text))


def _fold(text: str) -> str:
    """A cell as a row classifier reads it: width folded, spaces dropped."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _keys_of(register: Register) -> dict[str, str]:
    keys: dict[str, str] = {}
    for column in register.read_columns:
        for word in column.synonyms:
            keys.setdefault(normalize_header(word), column.key)
    for column in register.read_columns:  # the contract's own header and key always win
        keys[normalize_header(column.header)] = column.key
        keys[column.key] = column.key
    return keys


HEADER_KEYS: dict[str, dict[str, str]] = {r.kind: _keys_of(r) for r in REGISTERS}
REQUIRED: dict[str, frozenset[str]] = {r.kind: frozenset(c.key for c in r.required) for r in REGISTERS}
CONTRACT_HEADERS: dict[str, set[str]] = {
    r.kind: {normalize_header(c.header) for c in r.read_columns} | {c.key for c in r.read_columns}
    for r in REGISTERS
}
IGNORED = {normalize_header(h) for h in IGNORED_HEADERS}
PERSONAL = {normalize_header(h) for h in PERSONAL_HEADERS}


def derivable(register: Register, hints: Mapping[str, str]) -> set[str]:
    return set(_derivable(register.kind, frozenset(hints)))


@lru_cache(maxsize=256)
def _derivable(kind: str, hinted: frozenset[str]) -> frozenset[str]:
    """Required keys a file may leave out: the loader supplies them.

    The township comes from the title, file name or the user's choice; roster ids and
    suggestion numbers are derived; 办理状态 follows from the dates; 对象类型 from
    whether a household or an enterprise is named; a title hint gives 活动类型 or
    来源; a kind stands in for a missing 活动名称.
    """
    register = next(r for r in REGISTERS if r.kind == kind)
    keys = {"township"} if kind != "townships" else set()
    if kind in ("stations", "deputies", "households"):
        keys.add(register.natural_key)
    if kind == "suggestions":
        keys |= {"suggestion_id", "status"}
    if kind == "visits":
        keys.add("target_kind")
    if kind == "activities":
        keys.add("title")  # the kind's word stands in for a missing 活动名称
    keys |= {key for key in hinted if key in {c.key for c in register.columns}}
    return frozenset(keys)


def _given(register: Register, columns: dict[str, int], hints: Mapping[str, str]) -> bool:
    """Does the header carry (or can the loader supply) every required column?

    Beyond `derivable`, an activity log with 活动名称 but no 活动类型 reads each kind
    from its name (validate._kind_from_title).
    """
    missing = REQUIRED[register.kind] - columns.keys() - _derivable(register.kind, frozenset(hints))
    if register.kind == "activities" and "title" in columns:
        missing -= {"kind"}
    return not missing


def title_hints(text: str) -> dict[str, str]:
    """The constant values a title names, e.g. 接待选民来访登记簿 -> kind 接待选民."""
    return dict(_title_hints(text))


@lru_cache(maxsize=1024)
def _title_hints(text: str) -> tuple[tuple[str, str], ...]:
    folded = _fold(text)
    hints = {}
    for key, words in TITLE_HINTS.items():
        for word, value in words:
            if word in folded:
                hints[key] = value
                break
    return tuple(hints.items())


def header_shape(labels: Iterable[str]) -> str:
    """The key of a header's layout: its normalised cells in order (trailing blanks dropped)."""
    cells = [normalize_header(label) for label in labels]
    while cells and not cells[-1]:
        cells.pop()
    return hashlib.sha1(json.dumps(cells, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class SavedMapping:
    """An 导入方案: the register and, per normalised header, the key it loads into ('' = not loaded)."""

    register: str
    columns: dict[str, str]
    shape: str | None = None
    name: str = ""

    def applies_to(self, labels: list[str], shape: str) -> bool:
        """A mapping without a shape fits any header that carries every header it names."""
        if self.shape is not None:
            return shape == self.shape
        present = {normalize_header(label) for label in labels}
        return bool(self.columns) and set(self.columns) <= present


@dataclass
class Header:
    """A sheet's header as found: its rows, labels and the contract column of each."""

    first_row: int  # grid index of the first header row
    last_row: int  # grid index of the last header row
    labels: list[str]  # one label per grid column, as written ("办理情况/承办单位" for a group)
    register: Register
    columns: dict[str, int]  # key -> grid column
    sources: dict[str, str]  # key -> BY_HEADER / BY_SYNONYM / BY_MAPPING
    mapping: SavedMapping | None = None
    ignored: list[int] = field(default_factory=list)  # grid columns deliberately not loaded
    title: str = ""  # the text above the header: the register's title rows
    texts: list[list[str]] = field(default_factory=list)  # per column, the texts matched (sub-header first)

    def for_register(self, register: Register) -> Header:
        """The same header cells read as another register's (the user corrected the register)."""
        columns, sources, ignored = _match(self.texts, register)
        return Header(self.first_row, self.last_row, self.labels, register, columns, sources, None, ignored,
                      self.title, self.texts)

    @property
    def shape(self) -> str:
        return header_shape(self.labels)

    def extra_labels(self) -> list[str]:
        """Header cells that load nowhere and are not known to be empty of register data."""
        used = set(self.columns.values()) | set(self.ignored)
        return [
            label for i, label in enumerate(self.labels)
            if i not in used and label and normalize_header(label) not in IGNORED
        ]

    def personal_columns(self) -> set[int]:
        """Columns holding a private person's details: masked wherever a row is kept."""
        personal_keys = {c.key for c in self.register.read_columns if c.personal}
        found = {i for k, i in self.columns.items() if k in personal_keys}
        return found | {i for i, label in enumerate(self.labels) if _is_personal(label)}


def _is_personal(label: str) -> bool:
    normalized = normalize_header(label)
    return any(normalized == p or normalized.endswith(p) for p in PERSONAL) or normalized.startswith(
        ("反映人", "来信人", "来访人"))


def _compose(upper: list[str], lower: list[str], width: int) -> list[tuple[str, list[str]]]:
    """Per column of a two-row header: its label and the texts to match, sub-header first.

    Without merge information (a CSV saved from such a sheet) the group text stands
    only above its first sub-header, so it is carried right over the empty cells.
    """
    out, group = [], ""
    for j in range(width):
        u = upper[j].strip() if j < len(upper) else ""
        lo = lower[j].strip() if j < len(lower) else ""
        if u:
            group = u
        elif not lo:
            group = ""
        above = u or group
        if lo and above and lo != above:
            out.append((f"{above}/{lo}", [lo, above + lo, above]))
        else:
            text = lo or u
            out.append((text, [text] if text else []))
    return out


def _match(candidates: list[list[str]], register: Register, normalized_texts: list[list[str]] | None = None
           ) -> tuple[dict[str, int], dict[str, str], list[int]]:
    """Columns of `register` the header texts name; `normalized_texts` saves normalising them per register."""
    keys, contract = HEADER_KEYS[register.kind], CONTRACT_HEADERS[register.kind]
    columns: dict[str, int] = {}
    sources: dict[str, str] = {}
    ignored: list[int] = []
    if normalized_texts is None:
        normalized_texts = [[normalize_header(t) for t in texts] for texts in candidates]
    for index, texts in enumerate(normalized_texts):
        for normalized in texts:
            key = keys.get(normalized)
            if key and key not in columns:
                columns[key] = index
                sources[key] = BY_HEADER if normalized in contract else BY_SYNONYM
                break
            if normalized in IGNORED:
                ignored.append(index)
                break
    return columns, sources, ignored


def recognised(cells: list[str], register: Register) -> int:
    """How many cells of one row are headers (or synonyms) of the register: evidence of a header row."""
    return len(_match([[c] for c in cells], register)[0])


def _apply(mapping: SavedMapping, labels: list[str]) -> tuple[dict[str, int], dict[str, str], list[int]]:
    columns: dict[str, int] = {}
    ignored: list[int] = []
    for index, label in enumerate(labels):
        key = mapping.columns.get(normalize_header(label))
        if key is None:
            continue
        if key == IGNORE:
            ignored.append(index)
        elif key not in columns:
            columns[key] = index
    return columns, dict.fromkeys(columns, BY_MAPPING), ignored


@dataclass
class HeaderSearch:
    """What a sheet's first rows say: the best header, or the nearest miss to explain."""

    header: Header | None
    closest: Header | None  # the header most resembled (its required columns may be missing)
    title: str  # the text above the header (or of the first rows when none is found)


def find_header(
    grid: list[list[str]],
    names: str,
    mappings: Iterable[SavedMapping] = (),
    forced: Register | None = None,
) -> HeaderSearch:
    """The header row(s) of a grid: a saved mapping first, then the best contract match.

    `names` is the sheet and file name (the register they name breaks ties and gives
    title hints). A candidate needs every required column it cannot be given
    otherwise (see `derivable`) and at least two recognised columns; more
    recognised columns win, then the register the names or title name, then one
    header row over two.
    """
    head = grid[:HEADER_SEARCH_ROWS]
    width = max((len(r) for r in head), default=0)
    mappings = list(mappings)
    named = kind_from_filename(names)
    best, best_score, closest, closest_score = None, None, None, (1, False, 0)
    fallback, fallback_score = None, (-1, -1)  # the named register's widest row, when nothing matches
    titles: dict[int, str] = {}
    for last in range(len(head)):
        for rows in (1, 2):
            first = last - rows + 1
            if first < 0 or not any(c.strip() for c in head[last]):
                continue
            if rows == 2 and not any(c.strip() for c in head[first]):
                continue  # the same as the one-row header below it
            if rows == 1:
                composed = [(c.strip(), [c] if c.strip() else []) for c in head[last]]
            else:
                composed = _compose(head[first], head[last], width)
            labels = [label for label, _ in composed]
            normalized = [[normalize_header(t) for t in texts] for _, texts in composed]
            if first not in titles:
                titles[first] = " ".join(c for row in head[:first] for c in dict.fromkeys(row) if c.strip())
            title = titles[first]
            hints = title_hints(title + " " + names)
            shape = header_shape(labels) if mappings else ""
            mapping = next((m for m in mappings if m.applies_to(labels, shape)), None)
            registers = [r for r in REGISTERS if forced is None or r is forced]
            for register in registers:
                if mapping is not None and mapping.register == register.kind:
                    columns, sources, ignored = _apply(mapping, labels)
                    score_bonus = 1
                elif mapping is not None:
                    continue
                else:
                    columns, sources, ignored = _match([], register, normalized)
                    score_bonus = 0
                # The nearest miss, for the message and the mapping step: most columns recognised,
                # then the register the names name, then the widest row (the header, not a title).
                width_of = sum(1 for label in labels if label) if rows == 1 else 0
                lead = (len(columns), register is named, width_of)
                candidate = None
                if lead > closest_score or (register is named and (len(columns), width_of) > fallback_score):
                    candidate = Header(first, last, labels, register, columns, sources, mapping, ignored,
                                       texts=[texts for _, texts in composed])
                if lead > closest_score:
                    closest, closest_score = candidate, lead
                if register is named and (len(columns), width_of) > fallback_score:
                    fallback, fallback_score = candidate, (len(columns), width_of)
                if len(columns) < 2 or not _given(register, columns, hints):
                    continue
                if rows == 2 and not _second_row_is_header(head[first], head[last], columns, best, first):
                    continue
                score = (score_bonus, len(columns), register is named or register.kind in _named_by(title),
                         rows == 1)
                if best_score is None or score > best_score:
                    best_score = score
                    best = Header(first, last, labels, register, columns, sources, mapping, ignored,
                                  texts=[texts for _, texts in composed])
    if best is None:
        title = " ".join(c for row in head[:3] for c in dict.fromkeys(row) if c.strip())
        return HeaderSearch(None, closest or fallback, title)
    best.title = " ".join(c for row in head[: best.first_row] for c in dict.fromkeys(row) if c.strip())
    return HeaderSearch(best, closest, best.title)


def _named_by(title: str) -> set[str]:
    register = kind_from_filename(title)
    return {register.kind} if register else set()


def _second_row_is_header(upper: list[str], lower: list[str], columns: dict[str, int], best: Header | None,
                          first: int) -> bool:
    """Is the lower of two rows sub-headers rather than the first record?

    When the upper row alone was already a header, the lower row is a record if it
    holds values of its own in the upper header's columns (a sub-header row is blank
    there or repeats the merged-down label). A two-row header must also recognise
    more columns than the upper row alone, or fill such blanks.
    """
    if best is None or best.last_row != first:
        return True
    for index in best.columns.values():
        value = lower[index].strip() if index < len(lower) else ""
        above = upper[index].strip() if index < len(upper) else ""
        if value and value != above:
            return len(columns) > len(best.columns)
    return True


@dataclass
class Rows:
    """The rows below a header: records, and rows skipped with their reason."""

    records: list[tuple[int, list[str]]]  # (Excel row number, cells)
    skipped: list[tuple[int, str]]  # (Excel row number, reason)


def sort_rows(
    grid: list[list[str]], header: Header, group_rows: set[int] = frozenset()
) -> Rows:
    """Records and not-records below the header (Excel row = grid index + 1).

    Blank rows and rows with text only outside the register's columns (a
    pre-numbered 序号) are neither: they are not rows of the register at all. A
    合计/小计 row, a footer line and the sparse lines after it, a group row
    ("一月份", or one cell merged across the table: `group_rows`) and a repeat of
    the header are skipped with a reason.
    """
    sorter = RowSorter(header, group_rows)
    for index in range(header.last_row + 1, len(grid)):
        sorter.feed(index, grid[index])
    return sorter.rows


RECORD, SKIPPED, NOT_A_ROW = "record", "skipped", "not a row"


class RowSorter:
    """sort_rows one row at a time, in grid order.

    A reader that sorts most rows itself (etl/bulk_csv.py does it in SQL with the
    same tests as `feed`'s first lines) hands over only the rows that need a close
    look, and every row while `in_footer`.
    """

    def __init__(self, header: Header, group_rows: set[int] = frozenset()):
        self.used = sorted(set(header.columns.values()))
        self.labels = [(i, header.labels[i]) for i in self.used if header.labels[i]]
        # A repeated header repeats its first label too.
        self.probe = self.labels[0] if self.labels else (0, None)
        self.group_rows = group_rows
        self.in_footer = False
        self.rows = Rows([], [])

    def feed(self, index: int, cells: list[str]) -> str:
        """Sort the row at grid `index`: RECORD, SKIPPED (with its reason kept) or NOT_A_ROW."""
        first = cells[0] if cells and cells[0] and not cells[0].isspace() else next(
            (c for c in cells if c and not c.isspace()), None)
        if first is None:
            return NOT_A_ROW
        probe_index, probe_label = self.probe
        # Most records pass a few character tests; only the rest are looked at closely.
        if self.in_footer or index in self.group_rows or not _plain(first) or (
                cells[probe_index].strip() == probe_label if probe_index < len(cells) else False):
            reason = _not_a_record(first, cells, index, self.group_rows, self.in_footer)
            if reason is None and sum(
                    1 for i, label in self.labels if i < len(cells) and cells[i].strip() == label) >= 2:
                reason = SKIP_REPEATED_HEADER
            if reason is not None:
                self.in_footer = reason == SKIP_FOOTER
                self.rows.skipped.append((index + 1, reason))
                return SKIPPED
        self.in_footer = False
        if any(cells[i].strip() for i in self.used if i < len(cells)):
            self.rows.records.append((index + 1, cells))
            return RECORD
        return NOT_A_ROW


def _plain(first: str) -> bool:
    """A first cell that cannot open a total, footer or group row: no 计, colon, month or numeral,
    or a date written out."""
    return (first[0] not in GROUP_START and not any(word in first for word in NOT_PLAIN)
            or _WRITTEN_DATE.fullmatch(first) is not None)


def _not_a_record(first: str, cells: list[str], index: int, group_rows: set[int], in_footer: bool) -> str | None:
    """Why a row is not a record, or None."""
    text = _fold(first)
    if _TOTAL.match(text):
        return SKIP_TOTAL
    if _FOOTER.match(text):
        return SKIP_FOOTER
    if in_footer or index in group_rows or _GROUP.match(text):
        filled = sum(1 for c in cells if c and not c.isspace())
        if in_footer and filled <= 2:
            return SKIP_FOOTER
        if index in group_rows or filled == 1:
            return SKIP_GROUP
    return None


def is_summary_sheet(name: str) -> bool:
    """A sheet whose name says it is a summary or instructions, never a register."""
    return any(word in name for word in NOT_REGISTER_SHEETS)


def fill_merged(grid: list[list[str]], merged: Iterable[tuple[tuple[int, int], tuple[int, int]]]) -> set[int]:
    """Give every cell of a merged block its top-left value; return the rows that are one wide merge.

    Only blocks over more than one row are filled (a date written once for three
    activities, 序号 merged down over a two-row header). A merge within one row keeps
    its value in its first cell: a title or group row across the table then reads as
    one cell, and is returned so `sort_rows` can skip it.
    """
    wide_rows = set()
    for (top, left), (bottom, right) in merged:
        if top >= len(grid):
            continue
        value = grid[top][left] if left < len(grid[top]) else ""
        if bottom == top:
            if right - left >= 2 and value:
                wide_rows.add(top)
            continue
        for r in range(top, min(bottom, len(grid) - 1) + 1):
            row = grid[r]
            for c in range(left, min(right, len(row) - 1) + 1):
                row[c] = value
    return {r for r in wide_rows if sum(1 for c in grid[r] if c and not c.isspace()) == 1}
