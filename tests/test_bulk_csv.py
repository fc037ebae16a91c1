"""CSV read by DuckDB (etl/bulk_csv.py) loads exactly what Python's csv reader loads.

Every file below is loaded twice into a fresh database — once the way `etl load`
reads it (DuckDB's read_csv wherever its split is certain to be Python's), once
through reader.py alone — and the two databases must hold the same rows, the same
rejected rows with the same Excel row numbers and reasons, and the same load log.
Each file also says which way it is expected to go, so the fast way is really
taken for the shapes it claims and refused for those it cannot split like Python.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from etl import bulk_csv, loader
from etl.cli import load_paths
from etl.loader import register_files
from tests.conftest import write_county

HEADER = "日期,乡镇,活动类型,活动名称,参加代表,参加人数,地点"


def lines(*rows: str, end: str = "\r\n") -> str:
    return end.join(rows) + end


def acts(start: int, count: int, day: str = "2024-05-{d:02d}") -> list[str]:
    return [f"{day.format(d=1 + i % 28)},QH01,座谈,座谈会{start + i},D01、D02,{i % 9},青河村"
            for i in range(count)]


# (file name, content, encoding, read by DuckDB?)
CASES = [
    ("活动记录_普通.csv", lines(HEADER, *acts(0, 30)), "utf-8", True),
    ("活动记录_国标.csv", lines(HEADER, *acts(100, 30)), "gb18030", True),
    ("活动记录_BOM.csv", lines(HEADER, *acts(200, 30)), "utf-8-sig", True),
    ("活动记录_LF.csv", lines(HEADER, *acts(300, 30), end="\n"), "utf-8", True),
    ("活动记录_CR.csv", lines(HEADER, *acts(350, 30), end="\r"), "utf-8", True),
    ("活动记录_标题.csv", lines("青河镇人大代表活动情况记录簿,,,,,,", "", "（2024年）", HEADER, *acts(400, 20)),
     "gb18030", True),
    ("活动记录_无乡镇列.csv", lines("青河镇人大代表活动情况记录簿", "日期,活动类型,活动名称,参加人数",
                              *[f"2024-06-{d:02d},视察,视察{d},3" for d in range(1, 20)]), "utf-8", True),
    ("活动记录_合计.csv", lines(HEADER, "一月份,,,,,,", *acts(500, 10), "合计,,,,,45,", *acts(510, 5),
                            HEADER, *acts(520, 5), "填表人：张三,,审核人：李四,,,,", "2024年7月1日,,,,,,",
                            ",,,,,,", "备注：无,,,,,,"), "gb18030", True),
    ("活动记录_年月日.csv", lines(HEADER, "5月份,,,,,,", *acts(1000, 10, day="2024年5月{d}日"), "2024年5月合计,,,,,20,",
                             *acts(1010, 3, day="2024年6月{d}日"), "填表人：张三,,,,,,", "2024年7月1日,,,,,,"),
     "gb18030", True),
    ("活动记录_序号.csv", lines("序号," + HEADER, *[f"{i + 1},{r}" for i, r in enumerate(acts(600, 10))],
                            "11,,,,,,,", "12,,,,,,,"), "utf-8", True),
    ("活动记录_多行.csv", lines(HEADER, *acts(700, 5), '2024-05-09,QH01,座谈,"座谈会\n第二行",D01,3,青河村',
                            *acts(710, 5), end="\n"), "utf-8", True),
    ("活动记录_CRLF多行.csv", lines(HEADER, *acts(720, 5), '2024-05-09,QH01,座谈,"座谈会\r\n第二行",D01,3,青河村',
                              *acts(730, 5)), "utf-8", True),
    ("活动记录_空白.csv", lines(HEADER, " ,　,,,,,", *acts(740, 5), "\u3000,,,,,,"), "gb18030", True),
    ("活动记录_尾部空行.csv", lines(HEADER, *acts(760, 5)) + "\r\n\r\n\r\n", "utf-8", True),
    ("活动记录_分号.csv", lines(HEADER.replace(",", ";"), *[r.replace(",", ";") for r in acts(780, 5)]),
     "utf-8", True),
    ("活动记录_制表符.csv", lines(HEADER.replace(",", "\t"), *[r.replace(",", "\t") for r in acts(790, 5)]),
     "utf-16", False),
    ("活动记录_2024.csv", lines(HEADER, *acts(800, 10, day="5月{d}日"), *acts(810, 5, day="5.{d}"),
                             *acts(820, 5, day="2024/5/{d}")), "gb18030", True),
    ("活动记录_坏值.csv", lines(HEADER, *acts(830, 5), "2024-13-01,QH01,座谈,坏日期,D01,3,青河村",
                            "2024-05-01,QH09,座谈,坏乡镇,D01,3,青河村", "2024-05-01,QH01,座谈,坏代表,D99,3,青河村",
                            "2024-05-01,QH01,座谈,负数,D01,-1,青河村"), "utf-8", True),
    ("活动记录_超长.csv", lines(HEADER, *acts(840, 3), "2024-05-01,QH01,座谈," + "长" * 33_000 + ",D01,3,青河村"),
     "utf-8", True),
    # Shapes DuckDB splits differently from Python: read by reader.py.
    ("活动记录_中间空行.csv", lines(HEADER, *acts(900, 5), "", *acts(905, 5)), "utf-8", False),
    ("活动记录_空格引号.csv", lines(HEADER, *acts(910, 3), '2024-05-01,QH01,座谈, "座谈会,甲",D01,3,青河村'),
     "utf-8", False),
    ("活动记录_引号空格.csv", lines(HEADER, *acts(915, 3), '2024-05-01,QH01,座谈,"座谈会" ,D01,3,青河村'),
     "utf-8", False),
    ("活动记录_未闭合.csv", lines(HEADER, *acts(920, 3), '2024-05-01,QH01,座谈,"座谈会,D01,3,青河村', *acts(925, 5)),
     "utf-8", False),
    ("活动记录_空字符.csv", lines(HEADER, *acts(940, 3), "2024-05-01,QH01,座谈,座\x00谈,D01,3,青河村"),
     "utf-8", False),
    ("活动记录_短行.csv", lines(HEADER, *acts(950, 3), "2024-05-01,QH01,座谈,短行"), "gb18030", False),
    ("活动记录_长行.csv", lines(HEADER, *acts(960, 3), "2024-05-01,QH01,座谈,长行,D01,3,青河村,多余,更多"),
     "utf-8", False),
    ("活动记录_Excel多行.csv", lines(HEADER, *acts(970, 3), '2024-05-01,QH01,座谈,"座谈会\n第二行",D01,3,青河村',
                               *acts(975, 3)), "utf-8", True),  # Excel: CRLF rows, LF inside a cell
    ("活动记录_表头后空行.csv", lines(HEADER, "", *acts(980, 3)), "utf-8", False),
    ("走访记录_户主.csv", lines("日期,乡镇,村,对象类型,户编号,户主姓名,走访代表,联系电话",
                            "2024-05-01,QH01,东村,脱贫户,,陈大明,张三丰,",
                            "2024-05-02,QH01,东村,脱贫户,H99,陈大明,D01,13912341234",
                            "2024-05-03,QH01,东村,脱贫户,H01,,D01,13800001111"), "utf-8", True),
]


def write_cases(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text, encoding, _ in CASES:
        path = folder / name
        path.write_bytes(text.encode(encoding))
        paths.append(path)
    return paths


DATA_TABLES = ("townships", "stations", "deputies", "households", "activities", "activity_deputies",
               "suggestions", "suggestion_deputies", "visits", "visit_deputies", "rejected_rows", "load_warnings")
LOG = ("file_name, kind, sheet, rows_read, rows_accepted, rows_rejected, rows_skipped, status, message, "
       "township_codes")


def contents(db: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        tables = {t: con.execute(f"SELECT * EXCLUDE (load_id) FROM {t} ORDER BY ALL").fetchall()
                  if t not in ("activity_deputies", "suggestion_deputies", "visit_deputies")
                  else con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in DATA_TABLES}
        tables["load_log"] = con.execute(f"SELECT {LOG} FROM load_log ORDER BY load_id").fetchall()
    return tables


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("corpus")
    return register_files(write_county(folder / "county") + write_cases(folder / "cases"))


def load_both_ways(tmp_path: Path, files: list[Path], monkeypatch) -> tuple[Path, Path, dict[str, bool]]:
    """(database loaded as `etl load` loads, database loaded by reader.py alone, file -> read by DuckDB)."""
    taken: dict[str, bool] = {}
    real = bulk_csv.read_csv_in_duckdb

    def watched(con, path, *args, **kwargs):
        sheet = real(con, path, *args, **kwargs)
        taken[path.name] = sheet is not None
        return sheet

    monkeypatch.setattr(loader, "read_csv_in_duckdb", watched)
    fast = tmp_path / "fast.duckdb"
    load_paths(files, fast)
    monkeypatch.setattr(loader, "read_csv_in_duckdb", lambda *args, **kwargs: None)
    python = tmp_path / "python.duckdb"
    load_paths(files, python)
    return fast, python, taken


@pytest.mark.parametrize("block", [bulk_csv.BLOCK_BYTES, 7], ids=["blocks of 4 MB", "blocks of 7 bytes"])
def test_every_csv_loads_the_same_read_by_duckdb_or_by_python(tmp_path, corpus, monkeypatch, block):
    """With 7-byte blocks every line, quote and multi-byte character meets a block boundary."""
    monkeypatch.setattr(bulk_csv, "BLOCK_BYTES", block)
    fast, python, taken = load_both_ways(tmp_path, corpus, monkeypatch)
    expected = {name: bulk for name, _, _, bulk in CASES}
    assert {name: taken[name] for name in expected} == expected
    assert taken["乡镇名册.csv"] and taken["代表名册.csv"]  # the county's own CSV files (GB18030, BOM)
    fast_rows, python_rows = contents(fast), contents(python)
    for table in python_rows:
        assert fast_rows[table] == python_rows[table], table
    rejected = {(file, row) for file, _, row, *_ in python_rows["rejected_rows"]}
    assert {("活动记录_坏值.csv", 7), ("活动记录_坏值.csv", 10), ("活动记录_超长.csv", 5),
            ("活动记录_未闭合.csv", 5)} <= rejected  # the corpus does reject rows, the same in both
    assert python_rows["activities"]


def test_a_large_file_keeps_every_excel_row_number(tmp_path, monkeypatch):
    """More rows than one DuckDB row group (122,880), totals and a group row among them:
    every record keeps its Excel row, in file order."""
    rows = []
    for i in range(130_000):
        rows.append(f"2024-05-{1 + i % 28:02d},QH01,座谈,座谈会{i},D01,{i % 9},青河村")
        if i % 50_000 == 49_999:
            rows += ["合计,,,,,,", "二月份,,,,,,"]
    folder = tmp_path / "big"
    files = write_county(folder)
    big = folder / "活动记录_大.csv"
    big.write_bytes(lines(HEADER, *rows).encode("gb18030"))
    fast, python, taken = load_both_ways(tmp_path, register_files([*files, big]), monkeypatch)
    assert taken[big.name]
    query = ("SELECT title, source_row FROM activities WHERE source_file = '活动记录_大.csv' ORDER BY source_row")
    with duckdb.connect(str(fast), read_only=True) as con:
        got = con.execute(query).fetchall()
    assert len(got) == 130_000
    assert got[0] == ("座谈会0", 2) and got[49_999] == ("座谈会49999", 50_001)
    assert got[50_000] == ("座谈会50000", 50_004)  # after 合计 and 二月份
    with duckdb.connect(str(python), read_only=True) as con:
        assert con.execute(query).fetchall() == got
        skipped = con.execute("SELECT rows_skipped FROM load_log WHERE file_name = '活动记录_大.csv'").fetchall()
    assert skipped == [(4,)]


def test_rows_opened_by_a_written_date_are_sorted_in_sql(tmp_path):
    """2024年5月1日 holds 月 but opens no total, footer or group row: SQL keeps it as a record
    without handing it to RowSorter (a visit log has a million such rows); 5月份 and 2024年5月合计
    are still looked at."""
    path = tmp_path / "活动记录_年月日.csv"
    path.write_text(lines(HEADER, "5月份,,,,,,", *acts(0, 10, day="2024年5月{d}日"), "2024年5月合计,,,,,20,"),
                    encoding="utf-8")
    con = duckdb.connect()
    try:
        sheet = bulk_csv.read_csv_in_duckdb(con, path)
        assert sheet is not None and sheet.records == 10
        assert con.execute(f"SELECT list(rowid ORDER BY rowid) FROM {bulk_csv.GRID} WHERE status = 2").fetchall() == [
            ([0, 11],)]
    finally:
        con.close()


def test_a_split_duckdb_may_reorder_is_left_to_python_even_after_the_same_statement_kept_order(tmp_path):
    """Without preserve_insertion_order the grid's rowids need not follow the file: such a
    connection reads the file with reader.py, whatever plans another connection made."""
    path = tmp_path / "活动记录_顺序.csv"
    path.write_text(lines(HEADER, *acts(0, 10)), encoding="utf-8")
    for keeps_order in (True, False, True):
        con = duckdb.connect()
        try:
            con.execute("SET preserve_insertion_order = $on", {"on": keeps_order})
            sheet = bulk_csv.read_csv_in_duckdb(con, path)
            assert (sheet is not None) == keeps_order
        finally:
            con.close()


@pytest.mark.parametrize(("text", "different"), [
    ('a,b,c\r\n1, "x",3\r\n', True),      # a space before an opening quote
    ('a,b,c\r\n1,"x" ,3\r\n', True),      # a space after a closing quote
    ('a,b,c\r\n "x",2,3\r\n', True),      # at a line's start
    ('a,b,c\r\n1,2,"x" ', True),            # at the file's end
    ('a,b,c\r1,2,"x"\r3,"4" ,5\r', True),  # lines ended by CR alone
    ('a,b,c\r\n1,"x y",3\r\n', False),    # spaces inside quotes
    ('a,b,c\r\n1,x "y",3\r\n', False),    # a quote inside a cell: literal to both
    ('a,b,c\r\n1,2,"x"', False),
])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_spaces_by_a_quote_are_found_across_every_block_boundary(tmp_path, monkeypatch, text, different, encoding):
    """The scan looks at bytes: a BOM, or a character of two to four bytes, cut by a block
    boundary changes nothing."""
    path = tmp_path / "x.csv"
    path.write_text((text * 3).replace("a,b,c", "甲,乙,丙"), encoding=encoding, newline="")
    for block in range(1, len(path.read_bytes()) + 2):
        monkeypatch.setattr(bulk_csv, "BLOCK_BYTES", block)
        try:
            bulk_csv._scan(path, encoding, ",", "\n", None, path.stat().st_size, lambda done: None)
            found = False
        except bulk_csv._Different:
            found = True
        assert found == different, block


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_space_before_a_quote_on_the_first_line_is_found_after_a_bom(tmp_path, monkeypatch, encoding):
    path = tmp_path / "x.csv"
    path.write_text(' "甲",乙,丙\r\n1,2,3\r\n', encoding=encoding, newline="")
    for block in (1, 2, 3, 4, bulk_csv.BLOCK_BYTES):
        monkeypatch.setattr(bulk_csv, "BLOCK_BYTES", block)
        with pytest.raises(bulk_csv._Different):
            bulk_csv._scan(path, encoding, ",", "\n", None, path.stat().st_size, lambda done: None)


def test_the_white_space_duckdb_is_told_is_pythons():
    assert "".join(ch for ch in map(chr, range(0x110000)) if ch.isspace()) == bulk_csv.WHITESPACE
