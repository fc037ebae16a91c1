"""People, places and townships by name, as offices write them.

A township's own registers name deputies (参加代表 张三、李四), stations (所属活动站
柳湾镇第2代表活动站) and households (户主姓名 + 村), not their ids, and often have
no 乡镇 column at all: the township is in the title ("青河镇人大代表活动情况记录簿") or
the file name. This module finds the township a sheet names, and resolves names
to roster ids within each row's township, in DuckDB, on the `typed_base` table
that validate.py builds: a unique match gives the id, two people of one name in
one township are rejected as 重名 with both candidates named, no match is rejected
as unknown. A value that already is an id always wins, and when every value is
an id (the contract's own shape) resolution costs one query per column.
"""

from __future__ import annotations

import duckdb

from etl.registers import Register
from etl.validate import ident

REASON_DEPUTY_UNKNOWN = "代表不在代表名册中（按代表编号和本乡镇代表姓名都找不到）"
REASON_DEPUTY_HOMONYM = "本乡镇代表名册中有重名代表：{}，请改填代表编号"
REASON_STATION_HOMONYM = "本乡镇有多个同名活动站：{}，请改填活动站编号"
REASON_HOUSEHOLD_UNKNOWN_NAME = "户主姓名在本乡镇脱贫户名册中找不到（可改填户编号）"
REASON_HOUSEHOLD_HOMONYM = "本乡镇脱贫户名册中户主同名：{}，请填写村或户编号"

# Annotations a clerk adds to a name in a list: 张三（县代表）, 李四等, 王五等3人.
NAME_NOISE = r"（[^）]*）|\([^)]*\)|等\d*人?$"
# Words for every deputy of the row's township on the roster.
ALL_DEPUTIES = ("全体代表", "全体人大代表", "全体镇人大代表", "全体乡人大代表", "全体县镇人大代表", "全体县乡人大代表")

ALL_DEPUTIES_SQL = """
    UPDATE typed_base SET deputy_ids = list_distinct(
        list_filter(deputy_ids, lambda x: NOT list_contains($all, x))
        || coalesce((SELECT list(d.deputy_id ORDER BY d.deputy_id) FROM deputies d
                     WHERE d.township_code = typed_base.township_code), []))
    WHERE list_has_any(deputy_ids, $all)
"""


class TownshipNotGiven(Exception):
    """A sheet without a 乡镇 column whose township cannot be told; the message is Chinese."""


def townships_named(con: duckdb.DuckDBPyConnection, text: str) -> list[str]:
    """Codes of the roster townships whose names `text` contains.

    A name inside a longer matched name does not count (河镇 within 青河镇), and
    where one name belongs to townships of two counties the county named in the
    text decides.
    """
    rows = con.execute("SELECT township_code, township_name, county FROM townships").fetchall()
    found = [(code, name, county) for code, name, county in rows if name and name in text]
    names = {name for _, name, _ in found}
    found = [f for f in found if not any(f[1] != other and f[1] in other for other in names)]
    by_name: dict[str, list[tuple[str, str]]] = {}
    for code, name, county in found:
        by_name.setdefault(name, []).append((code, county))
    codes = []
    for candidates in by_name.values():
        if len(candidates) > 1:
            candidates = [c for c in candidates if c[1] and c[1] in text] or candidates
        codes += [code for code, _ in candidates]
    return sorted(set(codes))


def township_option(con: duckdb.DuckDBPyConnection, given: str) -> str | None:
    """The code of a township the user chose by code or by a name unique in the roster."""
    rows = con.execute(
        "SELECT DISTINCT township_code FROM townships WHERE township_code = $t OR township_name = $t",
        {"t": given.strip()},
    ).fetchall()
    return rows[0][0] if len(rows) == 1 else None


def township_of_sheet(
    con: duckdb.DuckDBPyConnection, title: str, sheet: str | None, file_name: str, given: str | None
) -> str:
    """The township of a sheet that has no 乡镇 column, as a code; raises TownshipNotGiven.

    The sheet's title rows and name first, then the file name, each when exactly
    one roster township is named there; else the township the user chose
    (`--township`, or on the upload form). A choice that contradicts what the
    title or file name says is refused rather than silently overridden.
    """
    where = f"文件「{file_name}」" + (f"的工作表「{sheet}」" if sheet else "")
    named = townships_named(con, f"{title} {sheet or ''}")
    if not named:
        named = townships_named(con, file_name)
    chosen = township_option(con, given) if given else None
    if given and chosen is None:
        raise TownshipNotGiven(f"指定的乡镇「{given}」不在乡镇名册中（或名称对应多个乡镇，请改用乡镇代码）。")
    if len(named) == 1:
        if chosen and chosen != named[0]:
            raise TownshipNotGiven(
                f"{where}的标题或文件名写明的乡镇（{named[0]}）与导入时选择的乡镇（{chosen}）不一致，未导入。")
        return named[0]
    if chosen:
        return chosen
    if named:
        raise TownshipNotGiven(
            f"{where}没有「乡镇」一列，标题和文件名中写了多个乡镇（{'、'.join(named)}），无法判断，"
            "未导入。请用 --township 指定乡镇，或在上传时选择乡镇。")
    raise TownshipNotGiven(
        f"{where}没有「乡镇」一列，标题和文件名中也没有写明是哪个乡镇，未导入。"
        "请在标题中写明乡镇，或用 --township 指定，或在上传时选择乡镇。")


# ---------------------------------------------------------------- references by name

DEPUTY_TOKENS_SQL = """
    CREATE OR REPLACE TEMP TABLE deputy_tokens AS
    SELECT row_no, township_code, token, pos
    FROM (SELECT row_no, township_code, unnest(deputy_ids) AS token,
                 unnest(generate_series(1, len(deputy_ids))) AS pos
          FROM typed_base)
    WHERE token NOT IN (SELECT deputy_id FROM deputies)
"""

# Per unmatched token: the deputies of the row's township with that name.
DEPUTY_MATCHES_SQL = """
    CREATE OR REPLACE TEMP TABLE deputy_matches AS
    SELECT t.row_no, t.token, t.pos,
           count(d.deputy_id) AS n, min(d.deputy_id) AS deputy_id,
           string_agg(d.deputy_id || coalesce('，' || d.group_name, ''), '；' ORDER BY d.deputy_id) AS candidates
    FROM deputy_tokens t
    LEFT JOIN deputies d
      ON d.township_code = t.township_code
     AND d.name = nullif(regexp_replace(t.token, $noise, '', 'g'), '')
    GROUP BY t.row_no, t.token, t.pos
"""

DEPUTY_FIX_SQL = """
    UPDATE typed_base SET deputy_ids = fixed.ids
    FROM (SELECT b.row_no,
                 list_distinct(list(coalesce(m.deputy_id, b.token) ORDER BY b.pos)) AS ids
          FROM (SELECT row_no, unnest(deputy_ids) AS token, unnest(generate_series(1, len(deputy_ids))) AS pos
                FROM typed_base WHERE row_no IN (SELECT row_no FROM deputy_matches)) b
          LEFT JOIN deputy_matches m ON m.row_no = b.row_no AND m.pos = b.pos AND m.n = 1
          GROUP BY b.row_no) fixed
    WHERE typed_base.row_no = fixed.row_no
"""

DEPUTY_PROBLEMS_SQL = """
    INSERT INTO reference_problems
    SELECT row_no, $column, string_agg(token, '、' ORDER BY token), $unknown
    FROM deputy_matches WHERE n = 0 GROUP BY row_no
    UNION ALL
    SELECT row_no, $column, string_agg(token, '、' ORDER BY token),
           printf($homonym, string_agg('「' || token || '」（' || candidates || '）', '、' ORDER BY token))
    FROM deputy_matches WHERE n > 1 GROUP BY row_no
"""

STATION_MATCHES_SQL = """
    CREATE OR REPLACE TEMP TABLE station_matches AS
    SELECT b.row_no, count(s.station_id) AS n, min(s.station_id) AS station_id,
           string_agg(s.station_id, '、' ORDER BY s.station_id) AS candidates
    FROM typed_base b
    JOIN townships t ON t.township_code = b.township_code
    LEFT JOIN stations s
      ON s.township_code = b.township_code
     AND (s.station_name = b.{value} OR s.station_name = t.township_name || b.{value})
    WHERE b.{value} IS NOT NULL AND {unmatched}
    GROUP BY b.row_no
"""
# Station ids are kept when they are ids; from 活动地点 only an empty station is filled.
STATION_UNMATCHED = {
    "station_id": "b.station_id NOT IN (SELECT station_id FROM stations)",
    "place": "b.station_id IS NULL",
}

HOUSEHOLD_MATCHES_SQL = """
    CREATE OR REPLACE TEMP TABLE household_matches AS
    SELECT b.row_no, count(h.household_id) AS n, min(h.household_id) AS household_id,
           string_agg(h.household_id || coalesce('，' || h.village, ''), '；' ORDER BY h.household_id) AS candidates
    FROM typed_base b
    LEFT JOIN households h
      ON h.township_code = b.township_code
     AND h.head_name = {name}
     AND (b.village IS NULL OR h.village = b.village)
    WHERE {name} IS NOT NULL AND (b.household_id IS NULL
          OR b.household_id NOT IN (SELECT household_id FROM households))
    GROUP BY b.row_no
"""


def resolve_references(
    con: duckdb.DuckDBPyConnection, register: Register, present: set[str], rosters: set[str]
) -> None:
    """Replace names by roster ids in `typed_base`; add the misses to `reference_problems`.

    Runs only against rosters that are loaded; where one is not, the loader flags
    the rows as unchecked instead (validate.find_problems). The rows it may have
    changed are listed in `resolved_rows`, for their derived values to be computed again.
    """
    con.execute("CREATE OR REPLACE TEMP TABLE resolved_rows (row_no BIGINT)")
    keys = {c.key for c in register.read_columns}
    if "deputy_ids" in present and "deputies" in rosters:
        _resolve_deputies(con, register)
    if "station_id" in keys and register.kind != "stations" and "stations" in rosters:
        if "station_id" in present:
            _resolve_stations(con, register, "station_id", reject=True)
        elif "place" in present:
            _resolve_stations(con, register, "place", reject=False)
    if register.kind == "visits" and "households" in rosters and present & {"household_id", "head_name"}:
        _resolve_households(con, register, present)


def references_by_id(
    con: duckdb.DuckDBPyConnection, register: Register, present: set[str], rosters: set[str], table: str = "typed"
) -> dict[str, bool]:
    """For each reference resolve_references would look at in `table` (deputy_ids, station_id
    or place, household_id), whether every value is already its roster id: where one is not,
    resolve_references has something to change (the conditions it starts from).

    A station_id or household_id found all ids needs no roster check after (validate.find_problems)."""
    keys = {c.key for c in register.read_columns}
    found = {}
    if "deputy_ids" in present and "deputies" in rosters:
        found["deputy_ids"] = (f"SELECT 1 FROM (SELECT unnest(deputy_ids) AS token FROM {table}) "
                               "WHERE token NOT IN (SELECT deputy_id FROM deputies)")
    if "station_id" in keys and register.kind != "stations" and "stations" in rosters:
        value = "station_id" if "station_id" in present else "place" if "place" in present else None
        if value:
            found[value] = f"SELECT 1 FROM {table} b WHERE b.{ident(value)} IS NOT NULL AND {STATION_UNMATCHED[value]}"
    if register.kind == "visits" and "households" in rosters and present & {"household_id", "head_name"}:
        name = "coalesce(b.head_name, b.household_id)" if "head_name" in present else "b.household_id"
        found["household_id"] = (f"SELECT 1 FROM {table} b WHERE {name} IS NOT NULL AND (b.household_id IS NULL "
                                 "OR b.household_id NOT IN (SELECT household_id FROM households))")
    return {key: not con.execute(f"SELECT EXISTS ({sql})").fetchall()[0][0] for key, sql in found.items()}


def _resolve_deputies(con, register: Register) -> None:
    con.execute(DEPUTY_TOKENS_SQL)
    if not con.execute("SELECT count(*) FROM deputy_tokens").fetchall()[0][0]:
        return  # every value is a deputy id
    if con.execute("SELECT count(*) FROM deputy_tokens WHERE list_contains($all, token)",
                   {"all": list(ALL_DEPUTIES)}).fetchall()[0][0]:
        con.execute("INSERT INTO resolved_rows SELECT row_no FROM typed_base WHERE list_has_any(deputy_ids, $all)",
                    {"all": list(ALL_DEPUTIES)})
        con.execute(ALL_DEPUTIES_SQL, {"all": list(ALL_DEPUTIES)})
        con.execute(DEPUTY_TOKENS_SQL)
    con.execute(DEPUTY_MATCHES_SQL, {"noise": NAME_NOISE})
    con.execute("INSERT INTO resolved_rows SELECT DISTINCT row_no FROM deputy_matches")
    con.execute(DEPUTY_FIX_SQL)
    con.execute(DEPUTY_PROBLEMS_SQL, {
        "column": register.column("deputy_ids").header, "unknown": REASON_DEPUTY_UNKNOWN,
        "homonym": REASON_DEPUTY_HOMONYM.format("%s"),
    })


def _resolve_stations(con, register: Register, value: str, reject: bool) -> None:
    """Station names (or a 活动地点 that names a station) to ids within the township.

    From `station_id` a homonym is rejected and its value cleared, so the roster
    check does not also call it unknown; from `place` only a unique match counts.
    """
    unmatched, column = STATION_UNMATCHED[value], ident(value)
    count = con.execute(
        f"SELECT count(*) FROM typed_base b WHERE b.{column} IS NOT NULL AND {unmatched}"
    ).fetchall()[0][0]
    if not count:
        return
    con.execute(STATION_MATCHES_SQL.format(value=column, unmatched=unmatched))
    con.execute("INSERT INTO resolved_rows SELECT row_no FROM station_matches")
    con.execute(
        "UPDATE typed_base SET station_id = m.station_id FROM station_matches m "
        "WHERE typed_base.row_no = m.row_no AND m.n = 1"
    )
    if reject:
        con.execute(
            "UPDATE typed_base SET station_id = NULL FROM station_matches m "
            "WHERE typed_base.row_no = m.row_no AND m.n > 1"
        )
        con.execute(
            "INSERT INTO reference_problems SELECT row_no, $column, NULL, printf($reason, candidates) "
            "FROM station_matches WHERE n > 1",
            {"column": register.column("station_id").header, "reason": REASON_STATION_HOMONYM.format("%s")},
        )
        con.execute(
            "UPDATE reference_problems SET value = b.raw_station_id FROM typed_base b "
            "WHERE reference_problems.row_no = b.row_no AND reference_problems.value IS NULL"
        )


def _resolve_households(con, register: Register, present: set[str]) -> None:
    """Households by their head's name (and village) where no roster id is written.

    A value in the 户编号 column that is neither an id nor a head's name stays as it
    is, for the roster check to call an unknown id; a name is only quoted back masked.
    """
    by_head = "head_name" in present
    name = "coalesce(b.head_name, b.household_id)" if by_head else "b.household_id"
    if not by_head and not con.execute(
        "SELECT count(*) FROM typed_base WHERE household_id NOT IN (SELECT household_id FROM households)"
    ).fetchall()[0][0]:
        return  # every value is a household id
    con.execute(HOUSEHOLD_MATCHES_SQL.format(name=name))
    con.execute("INSERT INTO resolved_rows SELECT row_no FROM household_matches")
    con.execute(
        "UPDATE typed_base SET household_id = CASE WHEN m.n = 1 THEN m.household_id "
        "WHEN m.n > 1 OR typed_base.head_name IS NOT NULL THEN NULL ELSE typed_base.household_id END "
        "FROM household_matches m WHERE typed_base.row_no = m.row_no"
    )
    column = register.column("head_name" if by_head else "household_id").header
    value = "coalesce(b.raw_head_name, b.raw_household_id)" if by_head else "b.raw_household_id"
    named = "b.head_name IS NOT NULL" if by_head else "false"
    con.execute(
        f"""
        INSERT INTO reference_problems
        SELECT m.row_no, $column, mask_name({value}),
               CASE WHEN m.n = 0 THEN $unknown ELSE printf($homonym, m.candidates) END
        FROM household_matches m JOIN typed_base b USING (row_no)
        WHERE m.n > 1 OR (m.n = 0 AND {named})
        """,
        {"column": column, "unknown": REASON_HOUSEHOLD_UNKNOWN_NAME,
         "homonym": REASON_HOUSEHOLD_HOMONYM.format("%s")},
    )
