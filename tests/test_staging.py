"""The shortcuts of staging and typing give exactly what the plain rules give.

Staging skips the costly cleaning (folding, NFC) for tidy cells and for free text whose
only unusual characters are Chinese full-width punctuation, and folds by code point where the
rule says translate(); parse_date reads 2020-06-04 with DuckDB's cast. Each is checked against
the rule it stands for, written out here, on thousands of generated strings full of the
characters that matter.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random

import duckdb

from etl import validate
from etl.loader import SCHEMA_SQL
from etl.registers import REGISTERS

PIECES = ["", "，", "：", "（", "）", "Ａ", "３", "\u3000", "\u00a0", "\u200b", "\u2003", "e\u0301", "\uf92c",
          "か\u3099", " ", "\t", "\n", "abc", "建议", "C001-", "1", "-", "\ufeff", "Ｓ－０１",
          "\uff01", "\uff5e", "\uff5f", "\uff00", "\uff10", "\uff19", "\uff21", "\uff3a", "\uff41", "\uff5a",
          "\uff0f", "\uff1a", "\uff20", "\uff3b", "\uff40", "\uff5b"]  # every boundary of the folding
# The rule's folding: full-width digits and letters, and the ideographic and no-break spaces,
# everywhere; in codes every full-width ASCII form (２０２０．６．４).
_FW_ALNUM = [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]
FOLD_FROM = "".join(chr(c) for c in _FW_ALNUM) + "\u3000\u00a0"
FOLD_TO = "".join(chr(c - 0xFEE0) for c in _FW_ALNUM) + "  "
FOLD_ALL_FROM = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000\u00a0"
FOLD_ALL_TO = "".join(chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)) + "  "


def reference(name: str, code: bool) -> str:
    """The staging rule: trimmed; folded, invisible characters dropped, odd spaces made plain
    and NFC applied where any unusual character is present; '' as NULL."""
    fold = "$fold_all_from, $fold_all_to" if code else "$fold_from, $fold_to"
    cleaned = (f"nfc_normalize(regexp_replace(regexp_replace(translate({name}, {fold}), $invisible, '', 'g'), "
               "$odd_spaces, ' ', 'g'))")
    return f"nullif(trim(CASE WHEN regexp_matches({name}, $unusual) THEN {cleaned} ELSE {name} END, $trim), '')"


def test_staging_gives_the_cleaning_rule_for_free_text_and_for_codes():
    rng = random.Random(3)
    values = {"".join(rng.choice(PIECES) for _ in range(rng.randint(0, 5))) for _ in range(20_000)}
    values = sorted(values | {"建议，\uf92c"})
    con = duckdb.connect()
    con.execute(SCHEMA_SQL)
    con.execute("CREATE TEMP TABLE raw_rows AS SELECT row_number() OVER () AS row_no, v AS summary, v AS suggestion_id "
                "FROM (SELECT unnest($v) AS v)", {"v": values})
    register = next(r for r in REGISTERS if r.kind == "suggestions")
    sql, params = validate.staged_select(register, {"summary", "suggestion_id"}, "raw_rows")
    staged = con.execute(f"SELECT row_no, summary, suggestion_id FROM ({sql}) ORDER BY row_no", params).fetchall()
    rule_params = {"fold_all_from": FOLD_ALL_FROM, "fold_all_to": FOLD_ALL_TO,
                   "fold_from": FOLD_FROM, "fold_to": FOLD_TO, "invisible": validate.INVISIBLE,
                   "odd_spaces": validate.ODD_SPACES, "unusual": validate.UNUSUAL_CHARACTER,
                   "trim": validate.TRIM_CHARS}
    expected = con.execute(f"SELECT row_no, {reference('summary', False)}, {reference('suggestion_id', True)} "
                           "FROM raw_rows ORDER BY row_no", rule_params).fetchall()
    assert staged == expected
    assert len(values) > 5000
    nfc = {value: summary for value, (_, summary, _) in zip(values, staged, strict=True)}
    assert nfc["建议，\uf92c"] == "建议，\u90ce"  # with only punctuation to fold, still NFC'd


def test_a_list_of_ids_splits_as_the_cleaning_rule_splits_it():
    """In a list ，and ；are no unusual characters (UNUSUAL_IN_LIST): split, the list is the one
    the folded , and ; give, and a list written with them alone is staged as written."""
    rng = random.Random(5)
    pieces = [*PIECES, "、", ",", ";", "；", "，", "D01", "C001T01-D002"]
    values = sorted({"".join(rng.choice(pieces) for _ in range(rng.randint(0, 6))) for _ in range(20_000)})
    con = duckdb.connect()
    con.execute(SCHEMA_SQL)
    con.execute("CREATE TEMP TABLE raw_rows AS SELECT row_number() OVER () AS row_no, v AS deputy_ids "
                "FROM (SELECT unnest($v) AS v)", {"v": values})
    register = next(r for r in REGISTERS if r.kind == "suggestions")
    sql, params = validate.staged_select(register, {"deputy_ids"}, "raw_rows")
    split = "list_filter(regexp_split_to_array({}, $id_separators), lambda x: x <> '')"
    staged = con.execute(f"SELECT row_no, {split.format('deputy_ids')} FROM ({sql}) ORDER BY row_no",
                         params | {"id_separators": validate.ID_SEPARATORS}).fetchall()
    rule_params = {"fold_all_from": FOLD_ALL_FROM, "fold_all_to": FOLD_ALL_TO, "invisible": validate.INVISIBLE,
                   "odd_spaces": validate.ODD_SPACES, "unusual": validate.UNUSUAL_IN_LIST,
                   "trim": validate.TRIM_CHARS, "id_separators": validate.ID_SEPARATORS}
    expected = con.execute(f"SELECT row_no, {split.format(reference('deputy_ids', True))} FROM raw_rows "
                           "ORDER BY row_no", rule_params).fetchall()
    assert staged == expected
    assert len(values) > 5000
    assert con.execute(f"SELECT deputy_ids FROM ({sql.replace('raw_rows', '(SELECT 1 AS row_no, $v AS deputy_ids)')})",
                       params | {"v": "D01，D02；D03"}).fetchall() == [("D01，D02；D03",)]


def test_iso_dates_read_by_the_cast_are_the_dates_the_written_forms_give():
    rng = random.Random(1)
    characters = "0123456789-/. 年月日T:+a"
    values = {"".join(rng.choice(characters) for _ in range(rng.choice([8, 9, 10, 10, 10, 11])))
              for _ in range(50_000)}
    years = ["0000", "0999", "1000", "1999", "2024", "2999", "3000"]
    months = ["00", "01", "02", "12", "13", "1 ", " 1", "+1"]
    days = ["00", "01", "28", "29", "30", "31", "32", "1 ", "+1"]
    values |= {f"{y}-{m}-{d}" for y, m, d in itertools.product(years, months, days)}
    con = duckdb.connect()
    con.execute(SCHEMA_SQL)
    differing = con.execute(
        "SELECT v FROM (SELECT unnest($v) AS v) WHERE parse_date(v) IS DISTINCT FROM parse_date_written(v)",
        {"v": sorted(values)}).fetchall()
    assert differing == []
    assert con.execute("SELECT parse_date('2024-02-29'), parse_date('2024-02-30'), parse_date('2024年2月3日')"
                       ).fetchall() == [(dt.date(2024, 2, 29), None, dt.date(2024, 2, 3))]


def test_ids_in_order_are_the_sorted_ids_a_visit_key_was_always_hashed_from():
    """Visit keys loaded before stay the same: ids_in_order gives what sorting the list gave."""
    rng = random.Random(7)
    ids = ["C001T01-D001", "C001T01-D002", "C001T01-D010", "c001", "Ｃ００１", "D1", "D10", "D2", "张三", "张三丰", ""]
    lists = [[rng.choice(ids) for _ in range(rng.randint(0, 4))] for _ in range(5000)]
    con = duckdb.connect()
    con.execute(SCHEMA_SQL)
    differing = con.execute(
        "SELECT l FROM (SELECT unnest($lists) AS l UNION ALL SELECT NULL) WHERE ids_in_order(l) IS DISTINCT FROM "
        "CASE WHEN len(l) > 1 THEN array_to_string(list_sort(l), '、') ELSE coalesce(l[1], '') END",
        {"lists": lists}).fetchall()
    assert differing == []
    assert con.execute("SELECT ids_in_order(['D2', 'D10']), ids_in_order(NULL)").fetchall() == [("D10、D2", "")]
