"""Uploads on the 数据 page: saved under their names, loaded by the same ETL, reported in Chinese.

Runs ui/uploads.load_uploads directly (AppTest cannot drive st.file_uploader) against a
private copy of the hand-counted county (fixture county_db), with real register files' bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import duckdb
import pandas as pd

from etl.loader import LOADED, UNCHANGED, UNREADABLE, FileResult, Rejection
from etl.registers import DEPUTIES as DEPUTY_REGISTER
from tests.conftest import ACTIVITY_HEADER, SUGGESTIONS, TOWNSHIPS, write_csv, write_xlsx
from ui import uploads
from ui.downloads import template_files, xlsx_bytes


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def digest(db: Path) -> str:
    return hashlib.sha256(db.read_bytes()).hexdigest()


def august_activities(folder: Path) -> tuple[str, bytes]:
    """A real XLSX activity register (merged title row, date cells) with two new rows."""
    rows = [
        ACTIVITY_HEADER,
        ["A16", dt.date(2024, 8, 5), "QH02", "S03", "视察", "经济建设", "视察砖厂", "D05、D06", "", "", "", "", ""],
        ["A17", dt.date(2024, 8, 9), "QH01", "S01", "接待选民", "", "八月接待日", "D01", "", "15", "", "", ""],
    ]
    path = write_xlsx(folder / "活动记录_八月.xlsx", "青禾县人大代表活动情况记录簿", rows)
    return path.name, path.read_bytes()


def suggestion(suggestion_id: str, received_on: str, summary: str, township: str = "QH01") -> list[str]:
    """One 建议意见登记 row, still 已收集."""
    return [suggestion_id, received_on, township, "", "选民意见", "", "其他", summary, "", "", "", "已收集", "", "", ""]


def test_an_uploaded_register_is_loaded_into_the_database(county_db, tmp_path):
    name, content = august_activities(tmp_path)
    assert query(county_db, "SELECT count(*) FROM activities") == [(15,)]  # A01-A15 from conftest
    results = uploads.load_uploads([(name, content)], county_db)
    assert [(r.path.name, r.status, r.rows_read, r.rows_accepted, r.rows_rejected) for r in results] == [
        ("活动记录_八月.xlsx", LOADED, 2, 2, 0)]
    assert query(county_db, "SELECT activity_id, township_code, source_file, source_row FROM activities "
                            "WHERE date >= DATE '2024-08-01' ORDER BY activity_id") == [
        ("A16", "QH02", "活动记录_八月.xlsx", 4), ("A17", "QH01", "活动记录_八月.xlsx", 5)]
    assert query(county_db, "SELECT count(*) FROM activities") == [(17,)]
    assert query(county_db, "SELECT file_name, rows_accepted FROM load_log ORDER BY load_id DESC LIMIT 1") == [
        ("活动记录_八月.xlsx", 2)]
    frame = uploads.report_frame(results)
    assert frame.values.tolist() == [["活动记录_八月.xlsx", "活动记录", 2, 2, 0, 0, "已导入", ""]]


def test_uploading_the_same_file_again_changes_nothing(county_db, tmp_path):
    upload = august_activities(tmp_path)
    uploads.load_uploads([upload], county_db)
    before = digest(county_db)
    again = uploads.load_uploads([upload], county_db)
    assert [(r.status, uploads.report_frame(again)["result"][0]) for r in again] == [(UNCHANGED, "未变化，跳过")]
    assert digest(county_db) == before


def test_a_file_over_50_mb_is_refused_with_a_chinese_message(county_db, tmp_path):
    before = digest(county_db)
    big = b"\xef\xbb\xbf" + b"x" * uploads.MAX_UPLOAD_BYTES  # 50 MB and 3 bytes
    small = august_activities(tmp_path)
    results = uploads.load_uploads([("活动记录_全年.csv", big), small], county_db)
    assert [(r.path.name, r.status) for r in results] == [
        ("活动记录_八月.xlsx", LOADED), ("活动记录_全年.csv", UNREADABLE)]  # the small one still loads
    refused = results[1]
    assert refused.message == (
        "文件「活动记录_全年.csv」大小为 50.0 MB，超过每个文件 50 MB 的上限，未导入。请按乡镇或年度拆分后分别上传。")
    assert uploads.report_frame(results)["result"].tolist() == ["已导入", "无法读取"]
    assert digest(county_db) != before  # the small file was published
    assert query(county_db, "SELECT count(*) FROM load_log WHERE file_name = '活动记录_全年.csv'") == [(0,)]


def test_only_csv_and_excel_are_accepted(county_db):
    before = digest(county_db)
    results = uploads.load_uploads([("活动记录.txt", b"a,b\r\n")], county_db)
    assert [(r.status, r.message) for r in results] == [
        (UNREADABLE, "文件「活动记录.txt」不是 CSV 或 Excel（.xlsx、.xlsm、.xls）文件，未导入。"
                     "请在 Excel 中另存为 .xlsx 或 .csv 后上传。")]
    assert digest(county_db) == before  # nothing loaded, nothing published


def test_rosters_load_before_logs_whatever_the_upload_order(county_db, tmp_path):
    # A new township QH04 and a suggestion there, uploaded log first: the roster must load first.
    roster = write_csv(tmp_path / "乡镇名册_新增.csv", [TOWNSHIPS[0], ["QH04", "新桥镇", "青禾县", ""]], "utf-8-sig")
    new_row = suggestion("G30", "2024-08-01", "修桥", "新桥镇")
    log = write_csv(tmp_path / "建议意见登记_新桥.csv", [SUGGESTIONS[0], new_row], "gb18030")
    results = uploads.load_uploads([(log.name, log.read_bytes()), (roster.name, roster.read_bytes())], county_db)
    assert [(r.path.name, r.status, r.rows_accepted) for r in results] == [
        ("乡镇名册_新增.csv", LOADED, 1), ("建议意见登记_新桥.csv", LOADED, 1)]
    assert query(county_db, "SELECT township_code FROM suggestions WHERE suggestion_id = 'G30'") == [("QH04",)]


def test_rejected_rows_are_reported_with_reasons(county_db, tmp_path):
    bad = write_csv(tmp_path / "建议意见登记_九月.csv", [
        SUGGESTIONS[0], suggestion("G31", "2024-09-01", "好事"), suggestion("G32", "2024-09-31", "坏日期")], "gb18030")
    results = uploads.load_uploads([(bad.name, bad.read_bytes())], county_db)
    assert uploads.report_frame(results).values.tolist() == [
        ["建议意见登记_九月.csv", "建议意见登记", 2, 1, 1, 0, "部分导入（1行被拒绝）", ""]]  # never a plain 已导入
    preview = uploads.rejections_preview(results)
    assert preview[["file_name", "row_no", "column_name", "value"]].values.tolist() == [
        ["建议意见登记_九月.csv", 3, "收集日期", "2024-09-31"]]  # row 3: 9-31 is no date
    assert "日期不存在：9月没有31日" in preview["reason"][0]  # the day is named, not just "unrecognised"
    assert query(county_db, "SELECT count(*) FROM suggestions WHERE suggestion_id IN ('G31', 'G32')") == [(1,)]


def test_two_uploads_with_one_name_are_both_loaded_and_paths_are_stripped(county_db, tmp_path):
    first = write_csv(tmp_path / "a.csv", [SUGGESTIONS[0], suggestion("G40", "2024-09-01", "一")], "utf-8")
    second = write_csv(tmp_path / "b.csv", [SUGGESTIONS[0], suggestion("G41", "2024-09-02", "二")], "utf-8")
    results = uploads.load_uploads([
        ("../../建议意见登记.csv", first.read_bytes()), ("C:\\登记\\建议意见登记.csv", second.read_bytes())], county_db)
    assert [(r.path.name, r.status, r.rows_accepted) for r in results] == [
        ("建议意见登记.csv", LOADED, 1), ("建议意见登记.csv", LOADED, 1)]
    assert query(county_db, "SELECT suggestion_id FROM suggestions WHERE suggestion_id >= 'G40' ORDER BY 1") == [
        ("G40",), ("G41",)]


def test_rejection_preview_masks_personal_values():
    phone = DEPUTY_REGISTER.column("phone").header
    result = FileResult(Path("代表名册.csv"), LOADED, rejections=[
        Rejection(5, phone, "13912341234", "「联系电话」示例原因"), Rejection(6, "姓名", "", "「姓名」必填项为空")])
    preview = uploads.rejections_preview([result], limit=1)
    assert preview.values.tolist() == [["代表名册.csv", 5, "联系电话", "139****1234", "「联系电话」示例原因"]]


def test_xlsx_bytes_writes_chinese_headers():
    frame = pd.DataFrame({"file_name": ["走访记录.csv"], "row_no": [3], "reason": ["「户编号」户编号不在脱贫户名册中"]})
    content = xlsx_bytes(frame, "被拒绝的行", {"file_name": "文件", "row_no": "行号", "reason": "原因"})
    back = pd.read_excel(io.BytesIO(content), sheet_name="被拒绝的行", engine="calamine")
    assert back.values.tolist() == [["走访记录.csv", 3, "「户编号」户编号不在脱贫户名册中"]]
    assert list(back.columns) == ["文件", "行号", "原因"]
    plain = pd.read_excel(io.BytesIO(xlsx_bytes(frame, "表")), engine="calamine")
    assert list(plain.columns) == ["file_name", "row_no", "reason"]


def test_template_files_are_the_seven_blank_registers():
    files = template_files()
    assert [name for name, _ in files] == [
        "乡镇名册模板.xlsx", "活动站名册模板.xlsx", "代表名册模板.xlsx", "脱贫户名册模板.xlsx", "活动记录模板.xlsx",
        "建议意见登记模板.xlsx", "走访记录模板.xlsx"]
    assert all(content[:2] == b"PK" for _, content in files)  # xlsx are zip archives


def test_a_file_of_exactly_50_mb_is_not_refused_for_its_size():
    size = uploads.MAX_UPLOAD_BYTES
    assert uploads._refusal("活动记录.csv", b"x" * size) is None
    assert uploads._refusal("活动记录.csv", b"x" * (size + 1)) is not None
