"""No page fails because of what is stored: rejected rows a page at a time, downloads built when asked.

A county with 2,500 rejected rows loaded by the real ETL (visits naming households not on
the roster), and one with 3.6 million rows stored, the shape a CLI load of a 48 MB file
leaves (no upload may be that large, the command line has no limit). The downloads are
opened as a user opens them: the workbook with calamine, the CSV with the csv module.
"""

from __future__ import annotations

import csv
import io
import shutil
import zipfile

import duckdb
import pytest
from python_calamine import CalamineWorkbook

from etl.cli import load_paths
from etl.report import REJECTED_CSV_HEADER
from queries.db import ReadOnlyDatabase
from queries.metrics import Scope
from queries.scope import Viewer
from tests.apptest import deep_link, open_page
from tests.conftest import VISITS, write_csv
from ui import rejected_export
from ui.uploads import load_uploads

PAGE = "pages/data.py"
BAD_ROWS = 2500
FORMULA = "=cmd|' /C calc'!A0"  # no comma: write_csv does not quote
REASON = "「户编号」户编号不在脱贫户名册中"
EVERYTHING = (Scope(("QH01", "QH02", "QH03")), Viewer("tester", everything=True))  # a 系统管理员's scope and viewer


def bad_visits(folder, rows: int):
    """Visits to households not on the roster: every row rejected, the first naming a formula."""
    lines = [VISITS[0]] + [
        [f"2024-08-{i % 28 + 1:02d}", "QH01", "东村", "脱贫户", FORMULA if i == 0 else f"H9{i:05d}", "", "D01",
         "", "", "", ""] for i in range(rows)]
    return write_csv(folder / "走访记录_错误.csv", lines, "utf-8")


@pytest.fixture(scope="module")
def rejected_db(tmp_path_factory, county_db_master):
    folder = tmp_path_factory.mktemp("rejected")
    db = folder / "dashboard.duckdb"
    shutil.copyfile(county_db_master, db)
    (result,) = load_paths([bad_visits(folder, BAD_ROWS)], db)
    assert result.rows_rejected == BAD_ROWS
    return db


@pytest.fixture(scope="module")
def millions_db(tmp_path_factory, rejected_db):
    """3.6 M rejected rows stored for one file, as a CLI load of a 48 MB register leaves them."""
    db = tmp_path_factory.mktemp("millions") / "dashboard.duckdb"
    shutil.copyfile(rejected_db, db)
    with duckdb.connect(str(db)) as con:
        con.execute("""
            INSERT INTO load_log (load_id, file_name, file_path, content_hash, kind, loaded_at, rows_read,
                                  rows_accepted, rows_rejected, status, message, loaded_by, township_codes)
            SELECT max(load_id) + 1, '活动记录_全省.csv', '/data/活动记录_全省.csv', 'x', 'activities',
                   now()::TIMESTAMP, 3600000, 0, 3600000, 'loaded', '', 'cli', ['QH01'] FROM load_log""")
        con.execute("""
            INSERT INTO rejected_rows SELECT (SELECT max(load_id) FROM load_log), '活动记录_全省.csv', NULL,
                   i + 2, '活动站编号', 'S' || i, '「活动站编号」活动站编号不在活动站名册中', '{}'
            FROM range(3600000) t(i)""")
    return db


def sheet_rows(content: bytes, sheet: str) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name(sheet).to_python()


# --- the downloads ------------------------------------------------------------------------

def test_the_workbook_holds_every_row_as_text(rejected_db):
    content = rejected_export.xlsx_bytes(ReadOnlyDatabase(rejected_db), *EVERYTHING)
    rows = sheet_rows(content, "被拒绝的行")
    assert rows[0] == REJECTED_CSV_HEADER
    assert len(rows) == BAD_ROWS + 1
    assert rows[1] == ["走访记录_错误.csv", "", 2, "户编号", FORMULA, REASON]
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        assert b"<f>" not in book.read("xl/worksheets/sheet1.xml")  # the formula is text, not live
    assert CalamineWorkbook.from_filelike(io.BytesIO(content)).sheet_names == ["被拒绝的行"]


def test_the_workbook_stops_at_its_cap_and_says_so(rejected_db):
    content = rejected_export.xlsx_bytes(ReadOnlyDatabase(rejected_db), *EVERYTHING, cap=1000)
    rows = sheet_rows(content, "被拒绝的行")
    assert len(rows) == 1001 and rows[-1][2] == 1001  # rows 2 … 1001 of the file
    assert sheet_rows(content, "说明")[0] == [
        "共有 2,500 行被拒绝，本工作簿只含前 1,000 行（Excel 每个工作表的上限）。"]
    assert rejected_export.EXCEL_DATA_ROWS == 1_048_575


def test_the_csv_holds_every_row(rejected_db):
    content = rejected_export.csv_bytes(ReadOnlyDatabase(rejected_db), *EVERYTHING)
    assert content.startswith(b"\xef\xbb\xbf")  # Excel opens UTF-8 with BOM
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == REJECTED_CSV_HEADER and len(rows) == BAD_ROWS + 1
    assert [row[2] for row in rows[1:]] == [str(n) for n in range(2, BAD_ROWS + 2)]


def test_the_csv_is_zipped_past_what_excel_holds(rejected_db):
    content = rejected_export.csv_bytes(ReadOnlyDatabase(rejected_db), *EVERYTHING, zip_over=1000)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.namelist() == ["被拒绝的行.csv"]
        text = archive.read("被拒绝的行.csv").decode("utf-8-sig")
    assert len(text.splitlines()) == BAD_ROWS + 1


# --- the page -------------------------------------------------------------------------------

def rejected_table(at):
    return next(d.value for d in at.dataframe if list(d.value.columns) == REJECTED_CSV_HEADER)


def test_the_page_shows_rejected_rows_a_page_at_a_time(rejected_db, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(rejected_db))
    at = deep_link(PAGE, timeout=60)
    assert not at.exception and not at.error
    assert any(c.value.startswith("共 2,500 行未导入") for c in at.caption)
    first = rejected_table(at)
    assert len(first) == 1000 and first["行号"].iloc[0] == 2
    at.number_input(key="data_rejected_page").set_value(3).run()
    last = rejected_table(at)
    assert last["行号"].tolist() == list(range(2002, 2502))
    labels = [b.label for b in at.get("download_button")]
    assert "下载被拒绝的行（Excel）" in labels and "下载全部被拒绝的行（CSV）" in labels


def test_the_downloads_are_built_only_when_clicked(rejected_db, monkeypatch):
    """Drawing the page builds neither file: a click does, after the page's run (ui/rejected_export.py)."""
    built = []
    monkeypatch.setattr(rejected_export, "xlsx_bytes", lambda *args: built.append("xlsx") or b"")
    monkeypatch.setattr(rejected_export, "csv_bytes", lambda *args: built.append("csv") or b"")
    monkeypatch.setenv("DASHBOARD_DB", str(rejected_db))
    at = deep_link(PAGE, timeout=60)
    assert not at.exception and not at.error
    buttons = {b.key for b in at.get("download_button")}
    assert {"data_rejected_download", "data_rejected_csv"} <= buttons
    assert built == []


@pytest.mark.slow
def test_the_page_survives_millions_of_stored_rejected_rows(millions_db, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(millions_db))
    at = deep_link(PAGE, timeout=120)
    assert not at.exception and not at.error
    assert any(c.value.startswith("共 3,602,500 行未导入") for c in at.caption)
    assert len(rejected_table(at)) == 1000
    at.number_input(key="data_rejected_page").set_value(3600).run()  # files in name order: 活动记录 first
    shown = rejected_table(at)
    assert set(shown["文件"]) == {"活动记录_全省.csv"}
    assert shown["行号"].tolist() == list(range(3_599_002, 3_600_002))  # its last 1,000 rows
    at.number_input(key="data_rejected_page").set_value(3603).run()
    assert rejected_table(at)["行号"].tolist() == list(range(2002, 2502))  # the very last rows, of 走访记录
    labels = [b.label for b in at.get("download_button")]
    assert "下载被拒绝的行（Excel，前 1,048,575 行）" in labels and "下载全部被拒绝的行（CSV，ZIP 压缩）" in labels


# --- uploading through the page ---------------------------------------------------------

def test_an_upload_through_the_page_loads_in_the_child_and_reports(county_db, tmp_path, monkeypatch):
    """The page on its own: AppTest reruns a routed page once per run (ui/router.py sees the pages/
    folder anew each time), which would swallow the button's click."""
    monkeypatch.setenv("DASHBOARD_DB", str(county_db))
    at = open_page(PAGE, via_router=False, timeout=120)
    bad = bad_visits(tmp_path, 3)
    at.file_uploader(key="data_uploads").upload(bad.name, bad.read_bytes(), "text/csv").run()
    at.button(key="data_load").click().run()
    assert not at.exception and not at.error
    report = next(d.value for d in at.dataframe if "说明" in d.value.columns and "导入时间" not in d.value.columns)
    assert report.values.tolist() == [["走访记录_错误.csv", "走访记录", 3, 0, 3, 0, "部分导入（3行被拒绝）", ""]]
    assert any(c.value.startswith("共 3 行未导入") for c in at.caption)  # the tabs show the new load at once


def test_load_uploads_reads_an_upload_buffer_without_copying(county_db, tmp_path):
    bad = bad_visits(tmp_path, 2)
    buffer = io.BytesIO(bad.read_bytes())
    (result,) = load_uploads([(bad.name, buffer.getbuffer())], county_db)
    assert (result.rows_read, result.rows_rejected) == (2, 2)
