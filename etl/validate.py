"""Clean, type and check a register's rows in DuckDB, as set-based SQL.

Two temp tables, each made by one statement over the whole file:
- `typed` (typed_in_one): every cell trimmed, full-width digits and letters folded,
  '' as NULL; then dates parsed, counts cast, vocabularies normalised, the township
  resolved to its code and the natural key derived where the file has none, next to
  the raw text (`raw_<key>`) that a rejection quotes;
- `problems` (find_problems): one line per broken rule (row, column, value, Chinese reason).
Identifiers are formatted only through `ident`; every value is a bound parameter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from etl.reader import ROW_BITS
from etl.registers import (
    CHOICE,
    COUNT,
    DATE,
    ENTERPRISE_TARGET,
    HOUSEHOLD_TARGETS,
    ID_LIST,
    KIND_WORDS,
    OUTCOME_WORDS,
    RESOLVED,
    TEXT,
    VALUE_SYNONYMS,
    YEAR,
    Column,
    Register,
)
from etl.safe_text import INVISIBLE, ODD_SPACES

TRIM_CHARS = " \t\r\n"
# A cell needing more than trimming: full-width forms, invisible characters (zero-width,
# direction marks), odd-width spaces, or combining marks that NFC would compose.
UNUSUAL_CHARACTER = "[\uff01-\uff5e\u3000\u00a0" + INVISIBLE[1:-1] + ODD_SPACES[1:-1] + "\u0300-\u036f\u3099\u309a]"

# Dates a register can plausibly hold: from the founding of the People's Republic to a
# year ahead (a planned activity). The one place this window is set.
EARLIEST_DATE = dt.date(1949, 10, 1)
YEARS_AHEAD = 1


def plausible_dates(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The window of plausible dates as of `today`: 1949-10-01 … today + 1 year."""
    today = today or dt.date.today()
    try:
        latest = today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        latest = today.replace(year=today.year + YEARS_AHEAD, day=28)
    return EARLIEST_DATE, latest

ID_SEPARATORS = r"[、，,；;/\s]+"

REASON_REQUIRED = "必填项为空"
REASON_DATE = "日期无法识别（可填 2020-06-04、2020/6/4、2020.6.4、2020年6月4日 或 20200604）"
REASON_NO_SUCH_DAY = "日期不存在：%d月没有%d日"  # 2026/9/31, 2025-02-29 (printf: month, day)
REASON_DATE_IMPLAUSIBLE = "日期不在合理范围内（应在 {} 至 {} 之间）"
REASON_COUNT = "应为不小于 0 的整数"
REASON_YEAR = "应为 4 位年份，如 2019"
REASON_CHOICE = "不在可选值中，可选：{}"
REASON_TOWNSHIP_UNKNOWN = "乡镇不在乡镇名册中（请填写乡镇代码或名册中的乡镇名称）"
REASON_TOWNSHIP_AMBIGUOUS = "乡镇名称对应多个乡镇，请改填乡镇代码"
REASON_TOWNSHIP_NAME_TAKEN = "同一县内已有同名乡镇（乡镇代码不同）"
REASON_STATION_UNKNOWN = "活动站不在活动站名册中（按活动站编号和本乡镇活动站名称都找不到）"
REASON_DEPUTY_UNKNOWN = "代表不在代表名册中（按代表编号和本乡镇代表姓名都找不到）"
REASON_ID_NOT_DERIVED = "没有户编号时须填写户主姓名，系统据乡镇、村和户主姓名生成户编号"
REASON_HOUSEHOLD_UNKNOWN = "户编号不在脱贫户名册中"
REASON_HOUSEHOLD_NEEDED = "对象类型为脱贫户或监测户时，户编号必填"
REASON_ENTERPRISE_NEEDED = "对象类型为帮扶企业时，企业名称必填"
REASON_RESOLVED_ON_NEEDED = "办理状态为已办结时，办结日期必填"
REASON_REFERRED_BEFORE = "转办日期早于收集日期"
REASON_RESOLVED_BEFORE = "办结日期早于收集日期"
REASON_DUPLICATE = "与本文件第 %d 行重复（{}相同）"

# Roster tables that references are checked against: (column key, table, reason).
# A roster's own key is no reference: a new station in a 活动站名册 file is not in
# `stations` yet. `references()` leaves out the table the register itself loads into.
REFERENCES = {
    "station_id": ("stations", REASON_STATION_UNKNOWN),
    "household_id": ("households", REASON_HOUSEHOLD_UNKNOWN),
}
ROSTER_TITLES = {"stations": "活动站名册", "households": "脱贫户名册", "deputies": "代表名册"}


def references(register: Register) -> dict[str, tuple[str, str]]:
    """The REFERENCES a register's rows make, without its own roster table."""
    return {key: ref for key, ref in REFERENCES.items() if ref[0] != register.kind}


def ident(name: str) -> str:
    """Quote an identifier: the only way a name enters SQL text."""
    return '"' + name.replace('"', '""') + '"'


@dataclass
class Check:
    """One rule: rows where `condition` holds break it; the column's raw value is quoted back."""

    column: Column
    condition: str
    reason: str
    params: dict = field(default_factory=dict)
    reason_args: str = ""  # SQL printf arguments when the reason names the value (9月没有31日)


@dataclass
class Validation:
    """What checking one file found, beyond its rejected rows."""

    unchecked_references: dict[str, int] = field(default_factory=dict)  # roster -> rows


# A row needing more than '' -> NULL: an unusual character, or white space at either end of a
# cell (cells joined by ROW_SEPARATOR, which no rule treats as white space or unusual).
ROW_SEPARATOR = "\x1e"
_EDGE = "[ \t\r\n]"
UNTIDY_ROW = f"{UNUSUAL_CHARACTER}|(?:^|{ROW_SEPARATOR}){_EDGE}|{_EDGE}(?:{ROW_SEPARATOR}|$)"
UNTIDY_CELL = f"{UNUSUAL_CHARACTER}|^{_EDGE}|{_EDGE}$"  # which cells of an untidy row
# Free text folds no punctuation: its cells need the whole cleaning only for these.
FULL_WIDTH_PUNCTUATION = "[\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff5e]"
UNTIDY_TEXT = ("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u3000\u00a0" + INVISIBLE[1:-1] + ODD_SPACES[1:-1]
               + f"\u0300-\u036f\u3099\u309a]|^{_EDGE}|{_EDGE}$")
# A list of ids is split on ，and ；as on the , and ; they fold to (ID_SEPARATORS): in a list
# (most lists an office types in Chinese use them) they are no unusual characters.
UNUSUAL_IN_LIST = UNUSUAL_CHARACTER.replace("\uff01-\uff5e", "\uff01-\uff0b\uff0d-\uff1a\uff1c-\uff5e")
UNTIDY_LIST = f"{UNUSUAL_IN_LIST}|^{_EDGE}|{_EDGE}$"


def staged_select(register: Register, present: set[str], source: str) -> tuple[str, dict]:
    """The SELECT that stages `source`'s strings: trimmed, folded, '' as NULL, and its parameters.

    Only the parameters the statement uses are bound: DuckDB refuses a named
    parameter it does not see (a roster file without any date column). Most rows
    are tidy: one regular expression over the row's joined cells (and one over each
    list of ids, UNTIDY_LIST) says so, and only the untidy cells of an untidy row pay
    for trimming and folding.
    """
    selects, params = ["row_no"], {}
    cells, untidy_tests = [], []
    for col in register.read_columns:
        name = ident(col.key)
        if col.key not in present:
            selects.append(f"CAST(NULL AS VARCHAR) AS {name}")
            continue
        fold = "fold_width" if _is_code(col) else "fold_width_alnum"  # etl/schema.sql
        # Folding, dropping invisible characters and NFC cost microseconds a value: they are
        # paid only where an unusual character is present at all. Ids differing only by a
        # zero-width space then match.
        cleaned = (f"nfc_normalize(regexp_replace(regexp_replace({fold}({name}), $invisible, '', 'g'), "
                   "$odd_spaces, ' ', 'g'))")
        unusual = "unusual_in_list" if col.type == ID_LIST else "unusual"
        params[unusual] = UNUSUAL_IN_LIST if col.type == ID_LIST else UNUSUAL_CHARACTER
        folded = f"CASE WHEN regexp_matches({name}, ${unusual}) THEN {cleaned} ELSE {name} END"
        tidy = f"nullif({name}, '')"
        if col.type == ID_LIST:
            untidy_tests.append(f"regexp_matches(coalesce({name}, ''), $untidy_list)")
            untidy_cell = f"WHEN regexp_matches({name}, $untidy_list) THEN nullif(trim({folded}, $trim), '')"
            params["untidy_list"] = UNTIDY_LIST
        elif _is_code(col):
            cells.append(f"coalesce({name}, '')")
            untidy_cell = f"WHEN regexp_matches({name}, $untidy_cell) THEN nullif(trim({folded}, $trim), '')"
            params["untidy_cell"] = UNTIDY_CELL
        else:
            cells.append(f"coalesce({name}, '')")
            # Chinese text is full of full-width punctuation (，：（）), which free text keeps: of
            # the cleaning such a cell gets only NFC can change it, and folding is the costly part.
            untidy_cell = (f"WHEN regexp_matches({name}, $untidy_text) THEN nullif(trim({folded}, $trim), '') "
                           f"WHEN regexp_matches({name}, $full_width_punctuation) "
                           f"THEN nullif(nfc_normalize({name}), '')")
            params |= {"untidy_text": UNTIDY_TEXT, "full_width_punctuation": FULL_WIDTH_PUNCTUATION}
        selects.append(f"CASE WHEN untidy THEN CASE {untidy_cell} ELSE {tidy} END ELSE {tidy} END AS {name}")
        params |= {"trim": TRIM_CHARS, "invisible": INVISIBLE, "odd_spaces": ODD_SPACES}
    if cells:
        params["untidy_row"] = UNTIDY_ROW
        untidy_tests.insert(0, f"regexp_matches(concat_ws(chr(30), {', '.join(cells)}), $untidy_row)")
    if not untidy_tests:
        return f"SELECT {', '.join(selects)} FROM {source}", params
    return f"SELECT {', '.join(selects)} FROM (SELECT *, {' OR '.join(untidy_tests)} AS untidy FROM {source})", params


def _is_code(col: Column) -> bool:
    """Dates, numbers, ids and vocabulary codes: every full-width ASCII form is folded
    (Ｓ－０１ is S-01, ２０２０．６．４ is 2020.6.4, Ｂ．正在解决 is B.正在解决); free text keeps
    its Chinese punctuation."""
    return col.type in (DATE, COUNT, YEAR, ID_LIST) or col.key.endswith("_id") or col.key in (
        "township_code", "township", "outcome")


def typed_base_select(register: Register, source: str) -> tuple[str, dict]:
    """The SELECT that types `source` (staged strings), and its parameters."""
    selects, params = ["s.row_no"], {}
    for col in register.read_columns:
        raw = f"s.{ident(col.key)}"
        expr, col_params = _typed_expr(col, raw)
        params.update(col_params)
        selects.append(f"{raw} AS {ident('raw_' + col.key)}")
        selects.append(f"{expr} AS {ident(col.key)}")
    joins = ""
    if register.kind != "townships":
        joins = f"LEFT JOIN ({TOWNSHIP_LOOKUP}) tl ON tl.lookup_key = s.township"
        selects += ["tl.township_code AS township_code", "coalesce(tl.matches, 0) AS matches"]
    sql = f"SELECT {', '.join(selects)} FROM {source} s {joins}"
    lists = [ident(c.key) for c in register.read_columns if c.type == ID_LIST]
    if lists:  # over the split lists as columns (see the macro distinct_in_order)
        sql = f"SELECT * REPLACE ({', '.join(f'distinct_in_order({k}) AS {k}' for k in lists)}) FROM ({sql})"
    return sql, params


def derive_changed(con: duckdb.DuckDBPyConnection, register: Register, present: set[str]) -> None:
    """Derive anew, in `typed_base`, the rows names.resolve_references may have changed
    (`resolved_rows`). Every derived value is computed from raw and typed columns only,
    never from itself; a roster's derived id comes from its township and names, which
    resolution never changes."""
    derived = _derived_exprs(register, present)
    if register.kind in ROSTER_IDS or not derived:
        return
    sets = ", ".join(f"{ident(k)} = {e}" for k, e in derived.items())
    sql = f"UPDATE typed_base SET {sets} WHERE row_no IN (SELECT row_no FROM resolved_rows)"
    con.execute(sql, {k: v for k, v in DERIVE_PARAMS.items() if f"${k}" in sql})


def derive_select(register: Register, present: set[str], source: str) -> tuple[str, dict]:
    """The SELECT that adds the derived values to `source` (typed values), and its parameters."""
    derived = _derived_exprs(register, present)
    columns = {c.key for c in register.read_columns} | {"raw_" + c.key for c in register.read_columns}
    replaced = ", ".join(f"{e} AS {ident(k)}" for k, e in derived.items() if k in columns)
    added = "".join(f", {e} AS {ident(k)}" for k, e in derived.items() if k not in columns)
    sql = f"SELECT * {f'REPLACE ({replaced})' if replaced else ''}{added} FROM {source}"
    return sql, {k: v for k, v in DERIVE_PARAMS.items() if f"${k}" in sql}


def typed_in_one(con: duckdb.DuckDBPyConnection, register: Register, present: set[str]) -> None:
    """`raw_rows` -> `typed` in one statement: staged (trimmed, folded, '' as NULL), typed
    (values parsed next to their raw text, the township resolved) and derived, no table between.

    Where the file names people or stations by name (names.references_by_id), the loader
    resolves the names to ids in it (names.resolve_references, on it renamed typed_base)
    and derives the rows that changed again (derive_changed).
    """
    staged, staged_params = staged_select(register, present, "raw_rows")
    base, base_params = typed_base_select(register, f"({staged})")
    sql, params = derive_select(register, present, f"({base})")
    con.execute(f"CREATE OR REPLACE TEMP TABLE typed AS {sql}", staged_params | base_params | params)
    # Where names.resolve_references leaves the names it could not resolve.
    con.execute(
        "CREATE OR REPLACE TEMP TABLE reference_problems "
        "(row_no BIGINT, column_name VARCHAR, value VARCHAR, reason VARCHAR)"
    )


def loaded_rosters(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The roster tables that hold rows: references are checked only against these."""
    return {
        table for table in ROSTER_TITLES
        if con.execute(f"SELECT count(*) > 0 FROM {ident(table)}").fetchall()[0][0]
    }


TOWNSHIP_LOOKUP = """
    SELECT lookup_key, min(township_code) AS township_code,
           count(DISTINCT township_code) AS matches
    FROM (SELECT township_code AS lookup_key, township_code FROM townships
          UNION ALL
          SELECT township_name, township_code FROM townships)
    GROUP BY lookup_key
"""


def _typed_expr(col: Column, raw: str) -> tuple[str, dict]:
    """The SQL that types one column, and the parameters it binds.

    A count must be written as digits ('3', or '3.0' from an export): DuckDB's own
    cast would round '2.5' to 3 and accept '1e3' or '0x10'. It is cast to INTEGER,
    the stored type, so a value too large is rejected here instead of failing the
    whole load at insert.
    """
    p = f"choices_{col.key}"
    if col.type == DATE:
        return f"parse_date({raw})", {}
    if col.type == COUNT:
        return f"CASE WHEN regexp_full_match({raw}, '\\d+(\\.0*)?') THEN TRY_CAST({raw} AS INTEGER) END", {}
    if col.type == YEAR:
        # 1968, 1968.05 (出生年月), 2019年, or a date: the year is the first four digits.
        return (f"CASE WHEN regexp_full_match({raw}, '\\d{{4}}([-./年].*)?') "
                f"THEN CAST(left({raw}, 4) AS INTEGER) END"), {}
    if col.type == ID_LIST:
        # Split only: typed_base_select makes each id appear once, one level up.
        return (f"list_filter(regexp_split_to_array({raw}, $id_separators), lambda x: x <> '')",
                {"id_separators": ID_SEPARATORS})
    if col.type == CHOICE:
        synonyms = {**{c: c for c in col.choices}, **VALUE_SYNONYMS.get(col.key, {})}
        words, values = f"words_{col.key}", f"values_{col.key}"
        # An office's word for a value (视察活动, √, A类) is looked up without its spaces.
        spoken = (f"CASE WHEN list_contains(${p}, {raw}) THEN {raw} ELSE coalesce(list_extract(${values}, "
                  f"list_position(${words}, replace({raw}, ' ', ''))), {raw}) END")
        normalized = _choice_normalizer(col, spoken)
        expr = f"CASE WHEN list_contains(${p}, {normalized}) THEN {normalized} END"
        if col.key == "consoled":
            expr = f"({expr}) = '是'"
        params = {p: list(col.choices), words: list(synonyms), values: list(synonyms.values())}
        return expr, params
    assert col.type == TEXT
    return raw, {}


def _choice_normalizer(col: Column, raw: str) -> str:
    """Accept the everyday spellings of a vocabulary value: 县级代表 for 县, 'A 已解决…' for A."""
    if col.key == "level":
        return (
            f"CASE regexp_replace({raw}, '(人大代表|代表|级)+$', '') "
            "WHEN '乡' THEN '乡镇' WHEN '镇' THEN '乡镇' WHEN '国家' THEN '全国' "
            f"ELSE regexp_replace({raw}, '(人大代表|代表|级)+$', '') END"
        )
    if col.key == "outcome":
        words = " ".join(
            f"WHEN {raw} = '{word}' THEN '{letter}'" for letter, word in OUTCOME_WORDS.items()
        )
        return (
            f"CASE WHEN regexp_full_match(upper({raw}), '[ABCD]([\\s.、:：)）类-].*)?') "
            f"THEN upper(left({raw}, 1)) {words} ELSE {raw} END"
        )
    return raw


def _derived_exprs(register: Register, present: set[str]) -> dict[str, str]:
    """Values the contract or the file's shape derives, by column (raw_<key> included
    where a column the file leaves out is derived, so no rule calls it empty).

    Hashed natural keys for logs; attendees from 参加代表; for a file without the
    column: 活动名称 from the kind, 办理状态 from the dates, 对象类型 from whether a
    household or an enterprise is named, and roster ids from township and name.
    """
    derived: dict[str, str] = {}

    def absent(key: str, expr: str) -> None:
        if key not in present:
            derived[key] = expr
            derived["raw_" + key] = f"CAST({expr} AS VARCHAR)"

    if register.kind == "activities":
        kind = "kind"
        if "kind" not in present and "title" in present:
            kind = _kind_from_title()
            absent("kind", kind)
        title = "title" if "title" in present else "kind"
        absent("title", "kind")
        facts = f"CAST(date AS VARCHAR), township_code, coalesce(station_id, ''), {kind}, {title}"
        derived["activity_id"] = f"coalesce(raw_activity_id, 'A' || left(md5(concat_ws('|', {facts})), 16))"
        derived["attendees"] = "CASE WHEN raw_attendees IS NULL THEN len(deputy_ids) ELSE attendees END"
    elif register.kind == "suggestions":
        facts = "CAST(received_on AS VARCHAR), township_code, coalesce(source, ''), summary"
        absent("suggestion_id", f"'J' || left(md5(concat_ws('|', {facts})), 16)")
        absent("status", "CASE WHEN resolved_on IS NOT NULL THEN '已办结' "
                         "WHEN referred_on IS NOT NULL THEN '已转办' ELSE '已收集' END")
    elif register.kind == "visits":
        target = "target_kind"
        if "target_kind" not in present:
            target = ("CASE WHEN raw_household_id IS NOT NULL OR raw_head_name IS NOT NULL THEN '脱贫户' "
                      "WHEN enterprise IS NOT NULL THEN '帮扶企业' END")
            absent("target_kind", target)
        facts = (
            f"CAST(date AS VARCHAR), township_code, coalesce(village, ''), {target}, "
            "coalesce(household_id, ''), coalesce(enterprise, ''), "
            "ids_in_order(deputy_ids)"
        )
        derived["visit_id"] = f"'V' || left(md5(concat_ws('|', {facts})), 16)"
    elif register.kind in ROSTER_IDS and register.natural_key not in present:
        expr = ROSTER_IDS[register.kind]
        derived[register.natural_key] = expr
        derived["raw_" + register.natural_key] = f"coalesce({expr}, '')"  # '' = could not be derived
    return derived


def _kind_from_title() -> str:
    """The activity kind its 活动名称 names (KIND_WORDS, bound as $kind_words/$kind_values), else 其他."""
    return ("coalesce(list_extract($kind_values, list_position("
            "list_transform($kind_words, lambda w: contains(title, w)), true)), '其他')")


DERIVE_PARAMS = {"kind_words": [w for w, _ in KIND_WORDS], "kind_values": [k for _, k in KIND_WORDS]}


# Ids of a roster kept without them: stable over reloads, from the township and the
# name (+ village for households); a name twice in one township adds the 代表小组 (or
# the 脱贫年度), so two homonyms in one roster load as two people.
_TOWN = "coalesce(township_code, raw_township)"
ROSTER_IDS = {
    "stations": f"{_TOWN} || '-S' || left(md5(concat_ws('|', {_TOWN}, station_name)), 6)",
    "deputies": (
        f"{_TOWN} || '-D' || left(md5(concat_ws('|', {_TOWN}, name, CASE WHEN count(*) OVER "
        f"(PARTITION BY {_TOWN}, name) > 1 THEN coalesce(group_name, '') END)), 8)"
    ),
    "households": (
        f"CASE WHEN head_name IS NOT NULL THEN {_TOWN} || '-H' || left(md5(concat_ws('|', {_TOWN}, village, "
        f"head_name, CASE WHEN count(*) OVER (PARTITION BY {_TOWN}, village, head_name) > 1 "
        "THEN coalesce(CAST(exit_year AS VARCHAR), '') END)), 8) END"
    ),
}


def column_checks(register: Register) -> list[Check]:
    """The per-column rules every register shares: required, types, vocabularies."""
    checks = []
    for col in register.columns:
        raw, typed = ident("raw_" + col.key), ident(col.key)
        if col.required:
            missing = f"{raw} IS NULL"
            if col.type == ID_LIST:
                missing += f" OR len({typed}) = 0"
            checks.append(Check(col, missing, REASON_REQUIRED))
        bad = f"{raw} IS NOT NULL AND {typed} IS NULL"
        if col.type == DATE:
            earliest, latest = plausible_dates()
            # A day the month does not have is named as such; anything else is unrecognised.
            fields = f"date_fields({raw})"
            no_such_day = f"{bad} AND {fields}[2] BETWEEN 1 AND 12 AND {fields}[3] BETWEEN 1 AND 31"
            checks.append(Check(col, no_such_day, REASON_NO_SUCH_DAY, reason_args=f"{fields}[2], {fields}[3]"))
            checks.append(Check(col, f"{bad} AND NOT coalesce({no_such_day}, false)", REASON_DATE))
            checks.append(Check(
                col, f"{typed} NOT BETWEEN $earliest_date AND $latest_date",
                REASON_DATE_IMPLAUSIBLE.format(earliest.isoformat(), latest.isoformat()),
                params={"earliest_date": earliest, "latest_date": latest},
            ))
        elif col.type == COUNT:
            checks.append(Check(col, bad, REASON_COUNT))
        elif col.type == YEAR:
            checks.append(Check(col, bad, REASON_YEAR))
        elif col.type == CHOICE:
            shown = list(col.choices)
            if col.key == "outcome":
                shown = [f"{k} {v}" for k, v in OUTCOME_WORDS.items()]
            checks.append(Check(col, bad, REASON_CHOICE.format("、".join(shown))))
    return checks


def register_checks(register: Register, rosters: set[str], all_ids: set[str] = frozenset()) -> list[Check]:
    """Rules across columns and against the rosters loaded so far, but for the references
    found to be roster ids already (`all_ids`, names.references_by_id)."""
    col = register.column
    checks: list[Check] = []
    if register.kind != "townships":
        township = col("township")
        checks += [
            Check(township, "raw_township IS NOT NULL AND matches = 0", REASON_TOWNSHIP_UNKNOWN),
            Check(township, "matches > 1", REASON_TOWNSHIP_AMBIGUOUS),
        ]
    for key, (table, reason) in references(register).items():
        if key in {c.key for c in register.columns} and table in rosters and key not in all_ids:
            checks.append(Check(
                col(key),
                f"{ident(key)} IS NOT NULL AND {ident(key)} NOT IN (SELECT {ident(key)} "
                f"FROM {ident(table)})",
                reason,
            ))
    if register.kind == "households":
        checks.append(Check(col("household_id"), "raw_household_id = '' AND household_id IS NULL",
                            REASON_ID_NOT_DERIVED))
    if register.kind == "townships":
        checks.append(Check(
            col("township_name"),
            "EXISTS (SELECT 1 FROM townships o WHERE o.county = typed.county "
            "AND o.township_name = typed.township_name "
            "AND o.township_code <> typed.township_code)",
            REASON_TOWNSHIP_NAME_TAKEN,
        ))
    if register.kind == "suggestions":
        checks += [
            Check(col("resolved_on"), "status = $resolved AND raw_resolved_on IS NULL",
                  REASON_RESOLVED_ON_NEEDED, params={"resolved": RESOLVED}),
            Check(col("referred_on"), "referred_on < received_on", REASON_REFERRED_BEFORE),
            Check(col("resolved_on"), "resolved_on < received_on", REASON_RESOLVED_BEFORE),
        ]
    if register.kind == "visits":
        checks += [
            Check(col("household_id"),
                  "list_contains($household_targets, target_kind) AND raw_household_id IS NULL "
                  "AND raw_head_name IS NULL",
                  REASON_HOUSEHOLD_NEEDED,
                  params={"household_targets": list(HOUSEHOLD_TARGETS)}),
            Check(col("enterprise"), "target_kind = $enterprise_target AND enterprise IS NULL",
                  REASON_ENTERPRISE_NEEDED, params={"enterprise_target": ENTERPRISE_TARGET}),
        ]
    return checks


def find_problems(
    con: duckdb.DuckDBPyConnection, register: Register, present: set[str], rosters: set[str] | None = None,
    sheets: list[str | None] | None = None, all_ids: set[str] = frozenset(),
) -> Validation:
    """Fill `problems` with every broken rule, then reject duplicates among the rest.

    References resolved by name (etl/names.py) left their misses in
    `reference_problems`, which join the rules' findings here. `sheets` names the
    sheets of a register read from several, for a duplicate found in another sheet;
    `all_ids` the references every row gives as a roster id (their roster check is done).
    """
    rosters = loaded_rosters(con) if rosters is None else rosters
    result = Validation()
    checks = column_checks(register) + register_checks(register, rosters, all_ids)
    assert len(checks) < 63, "one bit per rule in a BIGINT"
    # One pass over `typed` marks each row with the rules it breaks, one bit a rule; the few
    # rows marked are then listed rule by rule.
    marks, rule_params = [], {}
    for order, check in enumerate(checks):
        marks.append(f"CASE WHEN {check.condition} THEN {1 << order} ELSE 0 END")
        rule_params |= check.params
    values = ", ".join(dict.fromkeys(ident("raw_" + check.column.key) for check in checks))
    con.execute(f"CREATE OR REPLACE TEMP TABLE marked AS SELECT * FROM (SELECT row_no, {values}, "
                f"CAST({' + '.join(marks) or '0'} AS BIGINT) AS broken_rules FROM typed) WHERE broken_rules <> 0",
                rule_params)
    parts, params = [], {}
    for order, check in enumerate(checks):
        value = ident("raw_" + check.column.key)
        reason = f"printf($reason{order}, {check.reason_args})" if check.reason_args else f"$reason{order}"
        parts.append(
            f"SELECT row_no, $col{order} AS column_name, CAST({value} AS VARCHAR) AS value, "
            f"{reason} AS reason, {order} AS rule_order FROM marked WHERE broken_rules & {1 << order} <> 0"
        )
        params |= {f"col{order}": check.column.header, f"reason{order}": check.reason}
    con.execute(f"CREATE OR REPLACE TEMP TABLE problems AS {' UNION ALL '.join(parts)}", params)
    con.execute("DROP TABLE marked")
    con.execute(
        "INSERT INTO problems SELECT row_no, column_name, value, reason, $order FROM reference_problems",
        {"order": len(checks)},
    )
    if "deputy_ids" in present and "deputies" not in rosters:
        _count_unchecked(con, result, "deputies", "deputy_ids")
    for key, (table, _) in references(register).items():
        if key in present and table not in rosters:
            _count_unchecked(con, result, table, key)
    _reject_duplicates(con, register, len(checks) + 1, list(sheets or [None]))
    return result


def _count_unchecked(con, result: Validation, table: str, key: str) -> None:
    """Rows whose references could not be checked because the roster is not loaded yet."""
    column = ident(key)
    condition = f"len({column}) > 0" if key == "deputy_ids" else f"{column} IS NOT NULL"
    rows = con.execute(f"SELECT count(*) FROM typed WHERE {condition}").fetchall()[0][0]
    if rows:
        result.unchecked_references[ROSTER_TITLES[table]] = rows


def _duplicate_rules(register: Register) -> list[tuple[str, Column, str]]:
    """(partition columns, column a rejection names, what was the same) per uniqueness rule."""
    col = register.column
    if register.kind == "activities":
        return [("activity_id", col("title"), "活动编号，或日期、乡镇、活动站、活动类型和活动名称")]
    if register.kind == "visits":
        return [("visit_id", col("date"), "日期、乡镇、村、对象和走访代表")]
    key = col(register.natural_key)
    rules = [(register.natural_key, key, key.header)]
    if register.kind == "townships":
        rules.append(("county, township_name", col("township_name"), "所属县和乡镇名称"))
    return rules


def _reject_duplicates(con, register: Register, order: int, sheets: list[str | None]) -> None:
    """A natural key twice in one file: the first valid row stands, later ones are rejected."""
    mask = (1 << ROW_BITS) - 1  # a record id is sheet << ROW_BITS | Excel row (reader.row_id)
    reason = "printf($reason, first_row)"
    if len(sheets) > 1:
        reason = f"""CASE WHEN first_row >> {ROW_BITS} = row_no >> {ROW_BITS} THEN printf($reason, first_row & {mask})
                          ELSE replace(printf($reason, first_row & {mask}), '本文件', '本文件工作表「'
                               || list_extract($sheets, (first_row >> {ROW_BITS}) + 1) || '」') END"""
    for partition, column, same in _duplicate_rules(register):
        # Only keys written twice are looked at: finding them, each with its first row, is one
        # hash aggregate; every later row of such a key is rejected.
        keys = [k.strip() for k in partition.split(",")]
        twice = " AND ".join(f"d.{k} IS NOT DISTINCT FROM t.{k}" for k in keys)
        con.execute(
            f"""
            INSERT INTO problems
            SELECT row_no, $column, value, {reason}, $order
            FROM (SELECT t.row_no, t.{ident("raw_" + column.key)} AS value, d.first_row
                  FROM typed t JOIN (SELECT {partition}, min(row_no) AS first_row FROM typed
                                     WHERE row_no NOT IN (SELECT row_no FROM problems)
                                     GROUP BY ALL HAVING count(*) > 1) d ON {twice}
                  WHERE t.row_no <> d.first_row AND t.row_no NOT IN (SELECT row_no FROM problems))
            """,
            {"column": column.header, "reason": REASON_DUPLICATE.format(same), "order": order}
            | ({"sheets": sheets} if len(sheets) > 1 else {}),
        )
