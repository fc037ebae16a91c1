"""Nothing leaked, nothing injected (issue 9, points 11 and 12).

Personal values are masked by value as well as by column wherever a raw value is
shown or exported: the CLI report, rejected_rows.csv, the 数据 page and its Excel
exports, and `rejected_rows.raw_row` as stored. Every workbook we write holds text
as text (no live formula, no link), and every CSV cell Excel would run is neutralised.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl.cli import main
from etl.report import write_rejected_csv
from etl.safe_text import csv_cell
from queries import data
from queries.db import ReadOnlyDatabase
from queries.metrics import Period, Scope
from queries.metrics import Scope as _Scope
from queries.privacy import mask_cell, mask_text
from queries.rejections import current_rejections
from queries.scope import Viewer as _Viewer
from tests.apptest import Q2, open_page
from tests.conftest import SUGGESTIONS, write_csv
from ui import rejected_export
from ui.downloads import xlsx_bytes

EVERY_TOWNSHIP = _Scope(("QH01", "QH02", "QH03"))  # tests/conftest.py's townships
EVERYONE = _Viewer("tester", everything=True)

PHONE, ID_CARD = "13912345678", "110101199003071234"


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "3000")


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def everything_shown(db: Path, out: str) -> str:
    """Every place a rejected value reaches a user, as one text: the CLI output,
    rejected_rows.csv, the stored rows and the 数据 page's table and its Excel and CSV downloads."""
    with duckdb.connect(str(db), read_only=True) as con:
        stored = con.execute("SELECT value, raw_row FROM rejected_rows").fetchall()
        frame = data.rejections_page(con, EVERY_TOWNSHIP, EVERYONE, 0, 1000)
    reader = ReadOnlyDatabase(db)
    workbook = pd.read_excel(io.BytesIO(rejected_export.xlsx_bytes(reader, EVERY_TOWNSHIP, EVERYONE)),
                             engine="calamine")
    page_csv = rejected_export.csv_bytes(reader, EVERY_TOWNSHIP, EVERYONE).decode("utf-8-sig")
    csv_text = db.with_name("rejected_rows.csv").read_text(encoding="utf-8-sig")
    return "\n".join([out, csv_text, repr(stored), frame.to_csv(), workbook.to_csv(), page_csv])


# ---------------------------------------------------------------- 11. masking by value


@pytest.mark.parametrize(
    ("file_name", "rows", "secret", "masked"),
    [
        pytest.param(
            "代表名册_补.csv",
            [["代表编号", "姓名", "代表层级", "乡镇", "出生年份", "联系电话"],
             ["D20", "钱九", "乡镇", "QH01", PHONE, "1980"]],  # columns shifted by one
            PHONE, "139****5678", id="phone-in-birth-year"),
        pytest.param(
            "脱贫户名册_补.csv",
            [["户编号", "户主姓名", "乡镇", "村", "脱贫年度"], ["H20", "QH01", "东村", "北坡", "陈大海"]],
            "陈大海", "陈**", id="name-in-exit-year"),
        pytest.param(
            "活动记录_补.csv",
            [["日期", "乡镇", "活动类型", "活动名称"], [ID_CARD, "QH01", "视察", f"联系人{PHONE}"]],
            ID_CARD, "110101********1234", id="id-card-as-a-date"),
    ],
)
def test_personal_values_in_the_wrong_column_are_masked_everywhere(
    county_db, tmp_path, capsys, file_name, rows, secret, masked
):
    path = write_csv(tmp_path / file_name, rows, "utf-8")
    capsys.readouterr()
    assert main(["load", str(path), "--db", str(county_db)]) == 1
    out = capsys.readouterr().out
    shown = everything_shown(county_db, out)
    assert secret not in shown and PHONE not in shown
    assert masked in out and masked in shown
    [(raw,)] = query(county_db, "SELECT raw_row FROM rejected_rows")
    assert secret not in raw and masked in json.loads(raw).values()


def test_a_rosters_personal_value_is_masked_in_any_column_of_a_later_file(county_db, tmp_path, capsys):
    """林小红 heads household H02 (conftest): in a visit row's 村 it is still her name."""
    rows = [["日期", "乡镇", "村", "对象类型", "户编号", "走访代表"],
            ["2024-13-01", "QH01", "林小红", "脱贫户", "H02", "D01"]]
    path = write_csv(tmp_path / "走访记录_补.csv", rows, "utf-8")
    assert main(["load", str(path), "--db", str(county_db)]) == 1
    shown = everything_shown(county_db, capsys.readouterr().out)
    assert "林小红" not in shown
    [(raw,)] = query(county_db, "SELECT raw_row FROM rejected_rows")
    assert json.loads(raw)["村"] == "林**"


def test_the_same_file_being_loaded_counts_as_a_roster(county_db, tmp_path, capsys):
    """A households file whose row 3 shifted: 户主 of row 2 appears in row 3's 村."""
    rows = [["户编号", "户主姓名", "乡镇", "村", "脱贫年度"],
            ["H21", "欧阳修文", "QH01", "东村", "2019"],
            ["H22", "", "QH01", "欧阳修文", "二〇一九"]]
    path = write_csv(tmp_path / "脱贫户名册_补.csv", rows, "utf-8")
    assert main(["load", str(path), "--db", str(county_db)]) == 1
    [(raw,)] = query(county_db, "SELECT raw_row FROM rejected_rows")
    assert json.loads(raw)["村"] == "欧***"


def test_an_old_databases_unmasked_rejections_are_masked_when_shown(county_db):
    """Rows stored before masking by value existed are masked on the way out."""
    with duckdb.connect(str(county_db)) as con:
        con.execute("INSERT INTO load_log (load_id, file_name, status) VALUES (99, '代表名册_旧.csv', 'loaded')")
        con.execute(f"INSERT INTO rejected_rows VALUES (99, '代表名册_旧.csv', NULL, 5, '出生年份', '{PHONE}', "
                    f"'「出生年份」应为 4 位年份', '{{}}')")
    with duckdb.connect(str(county_db), read_only=True) as con:
        assert [row[4] for row in current_rejections(con)] == ["139****5678"]


def test_free_text_on_the_data_page_is_masked(county_db, tmp_path):
    extra = [SUGGESTIONS[0], ["G40", "2024-05-02", "QH01", "", "选民意见", "", "其他",
                              f"王某（{PHONE}，身份证{ID_CARD}）反映路灯坏了", "", "", "", "已收集", "", "", ""]]
    assert main(["load", str(write_csv(tmp_path / "建议意见登记_补.csv", extra, "utf-8")),
                 "--db", str(county_db)]) == 0
    with duckdb.connect(str(county_db), read_only=True) as con:
        rows = data.register_rows(con, Scope(("QH01",)), Period(dt.date(2024, 5, 1), dt.date(2024, 5, 31)),
                                  "suggestions").rows
    [description] = [d for d in rows["description"] if "路灯" in d]
    assert description == "选民意见：王某（139****5678，身份证110101********1234）反映路灯坏了"


def test_the_data_page_shows_rejected_values_masked(county_db, tmp_path, monkeypatch):
    rows = [["代表编号", "姓名", "代表层级", "乡镇", "出生年份", "联系电话"],
            ["D20", "钱九", "乡镇", "QH01", PHONE, "1980"]]
    main(["load", str(write_csv(tmp_path / "代表名册_补.csv", rows, "utf-8")), "--db", str(county_db)])
    monkeypatch.setenv("DASHBOARD_DB", str(county_db))
    at = open_page("pages/data.py", via_router=False, query=Q2, timeout=60)
    assert not at.exception
    rejected = next(d.value for d in at.dataframe if "原因" in d.value.columns and "值" in d.value.columns)
    assert rejected["值"].tolist() == ["139****5678"]
    assert PHONE not in "".join(str(d.value.to_csv()) for d in at.dataframe)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (PHONE, "139****5678"), (f"电话：{PHONE}。", "电话：139****5678。"), ("139-1234-5678", "139****5678"),
        ("+86 139 1234 5678", "+86 139****5678"), (ID_CARD, "110101********1234"),
        ("11010119900307123X", "110101********123X"), ("010-12345678", "010-****5678"),
        ("20200604", "20200604"), ("2020-06-04", "2020-06-04"), ("H0001", "H0001"), ("第3代表组", "第3代表组"),
        ("D13912345678", "D13912345678"),  # glued to a letter: an id, not a phone
    ],
)
def test_mask_text_by_shape(value, expected):
    assert mask_text(value) == expected


def test_mask_cell_by_column_by_roster_and_by_shape():
    from etl.registers import DEPUTIES, HOUSEHOLDS

    assert mask_cell("陈大明", HOUSEHOLDS.column("head_name"), HOUSEHOLDS) == "陈**"
    assert mask_cell("陈大明", HOUSEHOLDS.column("exit_year"), HOUSEHOLDS) == "陈**"  # a name where a year belongs
    assert mask_cell("东村", HOUSEHOLDS.column("village"), HOUSEHOLDS) == "东村"
    assert mask_cell("东村", HOUSEHOLDS.column("village"), HOUSEHOLDS, {"东村": "name"}) == "东*"
    assert mask_cell("钱九", DEPUTIES.column("birth_year"), DEPUTIES) == "钱九"  # deputies' names are public
    assert mask_cell(PHONE, DEPUTIES.column("birth_year"), DEPUTIES) == "139****5678"


# ---------------------------------------------------------------- 12. text as text


INJECTIONS = ['=HYPERLINK("http://evil.example","点我")', "=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@SUM(A1)",
              "\t=1+1", "\r=1+1", "http://evil.example/x"]


def test_workbooks_we_write_hold_text_as_text():
    frame = pd.DataFrame({"value": INJECTIONS, "n": range(len(INJECTIONS))})
    content = xlsx_bytes(frame, "被拒绝的行", {"value": "值", "n": "序号"})
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode("utf-8")
        names = book.namelist()
    assert "<f>" not in sheet and "<f " not in sheet  # no formula cell at all
    assert "hyperlink" not in sheet.lower() and not any("sheet1.xml.rels" in n for n in names)
    back = pd.read_excel(io.BytesIO(content), engine="calamine", keep_default_na=False)
    assert back["值"].tolist() == INJECTIONS


def test_the_templates_hold_text_as_text(tmp_path):
    from etl.templates import write_templates

    for path in write_templates(tmp_path):
        with zipfile.ZipFile(path) as book:
            for name in book.namelist():
                if name.startswith("xl/worksheets/sheet"):
                    assert "<f>" not in book.read(name).decode("utf-8"), (path.name, name)


@pytest.mark.parametrize("value", INJECTIONS)
def test_csv_cells_excel_would_run_are_neutralised(value):
    assert csv_cell(value) == ("'" + value if value[0] in "=+-@\t\r" else value)


def test_rejected_rows_csv_writes_no_live_formula(tmp_path, county_db, capsys):
    rows = [["日期", "乡镇", "活动类型", "活动名称", "参加人数"]]
    rows += [[value, "QH01", "视察", "x", "1"] for value in INJECTIONS[:6]]
    path = tmp_path / "=活动记录_公式.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    assert main(["load", str(path), "--db", str(county_db)]) == 1
    with open(county_db.with_name("rejected_rows.csv"), encoding="utf-8-sig", newline="") as handle:
        written = list(csv.reader(handle))
    cells = [c for line in written[1:] for c in line]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=活动记录_公式.csv" in cells  # the file name too
    assert {line[4] for line in written[1:]} >= {"'" + INJECTIONS[0], "'" + INJECTIONS[1], "'@SUM(A1)"}


def test_write_rejected_csv_keeps_numbers_as_numbers(tmp_path):
    path = write_rejected_csv([("a.csv", "", 3, "参加人数", "-2", "应为不小于 0 的整数")], tmp_path / "r.csv")
    assert re.search(r"a\.csv,,3,参加人数,'-2,", path.read_text(encoding="utf-8-sig"))
