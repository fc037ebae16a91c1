"""The mapping step on the command line: `etl check`, `load --mapping`, `etl mappings` (issue 8, point 7).

A 履职台账 whose headers no synonym covers: `check` proposes a mapping and dry-runs
the load without writing; the user corrects the written TOML; `load --mapping`
applies it and saves it as an 导入方案; the next file of that layout loads
without being told, and `check` says which 导入方案 it used.
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

import duckdb
import pytest
import xlsxwriter

from etl.cli import main
from etl.layout import BY_MAPPING, BY_SIMILARITY, header_shape
from etl.mapping import BY_IGNORED, MappingFileError, read_toml
from tests.conftest import write_county

HEADER = ["序号", "履职日期", "履职方式", "履职事项", "到场代表", "备注"]


def ledger(path: Path, rows: list[list]) -> Path:
    """An office's own layout: a title, then headers of its own words."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("台账")
    sheet.merge_range(0, 0, 0, len(HEADER) - 1, "青河镇人大代表履职台账")
    sheet.write_row(1, 0, HEADER)
    for r, row in enumerate(rows, start=2):
        sheet.write_row(r, 0, row)
    workbook.close()
    return path


FIRST = [[1, "2024-08-05", "视察", "视察敬老院", "D01、D02", ""],
         [2, "2024-08-12", "座谈会", "代表座谈", "D03", "补录"]]
SECOND = [[1, "2024-09-03", "视察活动", "视察学校", "张三丰", ""]]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture
def county(tmp_path) -> Path:
    db = tmp_path / "dashboard.duckdb"
    assert main(["load", *map(str, write_county(tmp_path / "county")), "--db", str(db)]) == 0
    return db


def test_check_proposes_load_with_mapping_then_the_layout_loads_alone(county, tmp_path, capsys):
    first = ledger(tmp_path / "青河镇履职台账_8月.xlsx", FIRST)
    before = digest(county)
    capsys.readouterr()
    # check: the proposal and the dry run; the database is not touched
    assert main(["check", str(first), "--db", str(county), "--write-mapping", str(tmp_path / "方案.toml")]) == 2
    out = capsys.readouterr().out
    assert "看起来是活动记录，但缺少必填列「日期」、「活动类型」" in out.replace("\n", "")
    assert "试导入，数据库未改变" in out
    assert digest(county) == before
    written = tomllib.loads((tmp_path / "方案.toml").read_text(encoding="utf-8"))
    assert written["register"] == "activities"
    assert written["columns"] == {  # 日期 and 参加代表 by similarity, the rest for the user
        "序号": "", "履职日期": "date", "履职方式": "", "履职事项": "", "到场代表": "deputy_ids", "备注": ""}
    # the user fills in the two columns the system could not tell
    text = (tmp_path / "方案.toml").read_text(encoding="utf-8")
    text = text.replace('"履职方式" = ""', '"履职方式" = "kind"').replace('"履职事项" = ""', '"履职事项" = "title"')
    (tmp_path / "方案.toml").write_text(text, encoding="utf-8")
    assert main(["check", str(first), "--db", str(county), "--mapping", str(tmp_path / "方案.toml")]) == 0
    assert digest(county) == before  # still a dry run
    assert main(["load", str(first), "--db", str(county), "--mapping", str(tmp_path / "方案.toml")]) == 0
    assert query(county, "SELECT date::VARCHAR, kind, title, township_code, source_sheet, source_row "
                         "FROM activities WHERE date >= DATE '2024-08-01' ORDER BY date") == [
        ("2024-08-05", "视察", "视察敬老院", "QH01", "台账", 3),  # 青河镇 from the title
        ("2024-08-12", "座谈", "代表座谈", "QH01", "台账", 4),
    ]
    capsys.readouterr()
    assert main(["mappings", "--db", str(county)]) == 0
    listing = capsys.readouterr().out
    assert header_shape(HEADER) in listing and "活动记录" in listing and "履职方式→kind" in listing
    # the next month's file of the same layout loads without --mapping
    second = ledger(tmp_path / "青河镇履职台账_9月.xlsx", SECOND)
    capsys.readouterr()
    assert main(["check", str(second), "--db", str(county)]) == 0
    assert BY_MAPPING in capsys.readouterr().out
    assert main(["load", str(second), "--db", str(county)]) == 0
    assert query(county, "SELECT kind, title FROM activities WHERE date = DATE '2024-09-03'") == [("视察", "视察学校")]
    assert query(county, "SELECT deputy_id FROM activity_deputies JOIN activities USING (activity_id) "
                         "WHERE activities.date = DATE '2024-09-03'") == [("D01",)]  # 张三丰 by name


def test_check_counts_what_would_load(county, tmp_path, capsys):
    path = ledger(tmp_path / "青河镇履职台账.xlsx", [*FIRST, [3, "2024-08-40", "视察", "视察道路", "D01", ""]])
    mapping = tmp_path / "m.toml"
    mapping.write_text('register = "activities"\n[columns]\n"履职日期" = "date"\n"履职方式" = "kind"\n'
                       '"履职事项" = "title"\n"到场代表" = "deputy_ids"\n', encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(path), "--db", str(county), "--mapping", str(mapping)]) == 1
    out = capsys.readouterr().out
    assert "第 5 行「日期」值「2024-08-40」" in out.replace("\n", "")
    assert query(county, "SELECT count(*) FROM import_mappings") == [(0,)]  # check saves nothing


def test_similar_headers_are_proposed_not_trusted(county, tmp_path):
    from etl.check import check_file

    check = check_file(ledger(tmp_path / "青河镇履职台账.xlsx", FIRST), county)
    assert check.needs_confirmation
    [proposal] = check.proposals
    assert [(c.label, c.key, c.source) for c in proposal.columns] == [
        ("序号", "", BY_IGNORED), ("履职日期", "date", BY_SIMILARITY), ("履职方式", "", ""), ("履职事项", "", ""),
        ("到场代表", "deputy_ids", BY_SIMILARITY), ("备注", "", "")]
    assert proposal.sample[0][1:5] == ["2024-08-05", "视察", "视察敬老院", "D01、D02"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('register = "meetings"\n[columns]\n"a" = "date"\n', "register 应为"),
        ('register = "activities"\n', "缺少 [columns]"),
        ('register = "activities"\n[columns]\n"日子" = "day"\n', "日子 = day"),
        ("register = ", "无法读取"),
    ],
)
def test_bad_mapping_files_are_refused_in_chinese(tmp_path, text, message, capsys):
    path = tmp_path / "方案.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingFileError) as raised:
        read_toml(path)
    assert message in str(raised.value)
    assert main(["load", str(tmp_path), "--db", str(tmp_path / "x.duckdb"), "--mapping", str(path)]) == 2
