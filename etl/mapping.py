"""导入方案: how the columns of an office's own layout map to a register.

When the synonym table does not cover a layout, the user confirms (on the 数据
page, or by editing the TOML `python -m etl check --write-mapping` writes) which
contract column each header cell holds. That mapping is saved in the database,
keyed by the header's shape (its normalised cells in order), so the next file of
the same layout loads without asking. This module proposes mappings (synonyms,
then similarity), and stores, lists and reads them.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl.layout import (
    BY_SIMILARITY,
    HEADER_KEYS,
    IGNORE,
    IGNORED,
    Header,
    SavedMapping,
    header_shape,
    normalize_header,
)
from etl.registers import BY_KIND, Register

SIMILARITY_CUTOFF = 0.6
BY_IGNORED = "序号等，不导入"
BY_PERSONAL = "个人信息，不保存"


class MappingFileError(Exception):
    """A mapping file that cannot be used; the message is Chinese."""


@dataclass
class ColumnProposal:
    """One header cell and the contract column proposed for it ('' = not loaded)."""

    index: int
    label: str
    key: str
    source: str  # layout.BY_HEADER / BY_SYNONYM / BY_MAPPING / BY_SIMILARITY, or '' when unmapped


def propose(header: Header) -> list[ColumnProposal]:
    """Every non-empty header cell with its column: as recognised, else the most similar header."""
    by_index = {i: k for k, i in header.columns.items()}
    taken = set(header.columns)
    personal = header.personal_columns()
    out = []
    for index, label in enumerate(header.labels):
        if not label:
            continue
        key = by_index.get(index)
        if key is not None:
            out.append(ColumnProposal(index, label, key, header.sources.get(key, "")))
            continue
        if index in header.ignored or normalize_header(label) in IGNORED:
            out.append(ColumnProposal(index, label, "", BY_IGNORED))
            continue
        if index in personal:
            out.append(ColumnProposal(index, label, "", BY_PERSONAL))
            continue
        guess = similar_key(label, header.register, taken)
        if guess:
            taken.add(guess)
        out.append(ColumnProposal(index, label, guess, BY_SIMILARITY if guess else ""))
    return out


def similar_key(label: str, register: Register, taken: set[str]) -> str:
    """The register column whose header or synonym is most like `label` (difflib), or ''."""
    normalized = normalize_header(label)
    if not normalized or normalized in IGNORED:
        return ""
    words = {w: k for w, k in HEADER_KEYS[register.kind].items() if k not in taken and not w.isascii()}
    contained = [w for w in words if len(w) >= 2 and (w in normalized or normalized in w)]
    if contained:
        return words[max(contained, key=len)]
    match = difflib.get_close_matches(normalized, list(words), n=1, cutoff=SIMILARITY_CUTOFF)
    return words[match[0]] if match else ""


def mapping_of(register: Register, labels: list[str], choices: dict[int, str], name: str = "") -> SavedMapping:
    """The 导入方案 a user confirmed: `choices` maps header cell index -> key ('' = not loaded)."""
    columns = {normalize_header(labels[i]): key for i, key in choices.items() if labels[i]}
    return SavedMapping(register.kind, columns, header_shape(labels), name)


# ---------------------------------------------------------------- the database


def saved_mappings(con: duckdb.DuckDBPyConnection) -> list[SavedMapping]:
    """Every 导入方案 in the database, newest first."""
    rows = con.execute(
        "SELECT register, columns, shape, name FROM import_mappings ORDER BY saved_at DESC"
    ).fetchall()
    return [SavedMapping(register, json.loads(columns), shape, name) for register, columns, shape, name in rows]


def save_mapping(con: duckdb.DuckDBPyConnection, mapping: SavedMapping, labels: list[str]) -> None:
    """Keep a mapping under the shape of the header it was applied to (replacing an older one)."""
    shape = header_shape(labels)
    con.execute("DELETE FROM import_mappings WHERE shape = $shape", {"shape": shape})
    con.execute(
        "INSERT INTO import_mappings VALUES ($shape, $register, $columns, $headers, $name, $at)",
        {
            "shape": shape, "register": mapping.register,
            "columns": json.dumps(mapping.columns, ensure_ascii=False),
            "headers": json.dumps([label for label in labels if label], ensure_ascii=False),
            "name": mapping.name, "at": dt.datetime.now().replace(microsecond=0),
        },
    )


def mapping_rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """(shape, register title, headers, columns, name, saved at) of every saved mapping, for listing."""
    rows = con.execute(
        "SELECT shape, register, headers, columns, name, saved_at FROM import_mappings ORDER BY saved_at DESC"
    ).fetchall()
    return [
        (shape, BY_KIND[register].title if register in BY_KIND else register, json.loads(headers),
         json.loads(columns), name, saved_at)
        for shape, register, headers, columns, name, saved_at in rows
    ]


def delete_mapping(con: duckdb.DuckDBPyConnection, shape: str) -> int:
    """Remove a saved mapping by its shape; returns how many were removed."""
    removed = con.execute("SELECT count(*) FROM import_mappings WHERE shape = $s", {"s": shape}).fetchall()[0][0]
    con.execute("DELETE FROM import_mappings WHERE shape = $s", {"s": shape})
    return removed


# ---------------------------------------------------------------- TOML files


def to_toml(register: Register, proposals: list[ColumnProposal], labels: list[str], source: str) -> str:
    """A mapping file a user can edit: every header cell and the key it loads into."""
    keys = "、".join(f"{c.key}={c.header}" for c in register.read_columns)
    lines = [
        f"# 导入方案：{source}",
        "# 每一行是文件中的一个表头和它对应的登记表列（英文键）；不导入的列写 \"\"。",
        f"# 可选的列：{keys}",
        f"register = {_quote(register.kind)}  # {register.title}",
        f"shape = {_quote(header_shape(labels))}",
        "",
        "[columns]",
    ]
    for proposal in proposals:
        note = f"  # {proposal.source}" if proposal.source else "  # 未识别"
        lines.append(f"{_quote(proposal.label)} = {_quote(proposal.key)}{note}")
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    """A TOML basic string (JSON's escapes are a subset TOML accepts)."""
    return json.dumps(text, ensure_ascii=False)


def read_toml(path: Path) -> SavedMapping:
    """A mapping file written by `etl check --write-mapping` (or by hand)."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise MappingFileError(f"导入方案文件「{path.name}」无法读取：{exc}") from exc
    register = data.get("register")
    if register not in BY_KIND:
        raise MappingFileError(
            f"导入方案文件「{path.name}」的 register 应为 {'、'.join(BY_KIND)} 之一，实际为「{register}」。")
    columns = data.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise MappingFileError(f"导入方案文件「{path.name}」缺少 [columns] 一节。")
    keys = {c.key for c in BY_KIND[register].read_columns}
    wrong = [f"{h} = {k}" for h, k in columns.items() if not isinstance(k, str) or (k and k not in keys)]
    if wrong:
        raise MappingFileError(f"导入方案文件「{path.name}」中这些列对应的键不存在：{'；'.join(wrong)}。")
    # No shape: a mapping the user names applies to every header carrying its columns,
    # and is saved under the shape of each header it was applied to.
    return SavedMapping(register, {normalize_header(h): k or IGNORE for h, k in columns.items()}, None, path.name)
