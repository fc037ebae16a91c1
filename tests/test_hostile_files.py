"""Hostile and broken files (issue 9, points 1-5): nothing lost, no crash, a Chinese line for every file.

Every file is built here from code. Each class is run through `python -m etl load`
(etl.cli.main, its report read from the terminal output) and, where uploads can
carry it, through the 数据 page's upload path (ui.uploads.load_uploads). For every
file: rows read = accepted + rejected, and a message a user can act on.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import random
import re
from pathlib import Path

import duckdb
import pytest
import xlsxwriter

from etl import loader, validate
from etl.cli import main
from etl.loader import LOADED, SKIPPED, UNREADABLE, list_files
from etl.reader import EXCEL_CELL_LIMIT, MAX_BROKEN_QUOTES, REASON_UNCLOSED_QUOTE, read_register
from ui import uploads

HEADER = ["活动编号", "日期", "乡镇", "活动类型", "活动名称", "参加人数", "地点"]


def row(n: int, title: str | None = None) -> list[str]:
    return [f"A{n:02d}", "2020-06-04", "T01", "视察", title or f"视察道路{n}", "3", "青河村"]


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


GOOD = csv_text([HEADER, row(1), row(2)])


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    path = tmp_path / "乡镇名册.csv"
    path.write_text("乡镇代码,乡镇名称,所属县\nT01,青河镇,平安县\n", encoding="utf-8")
    return path


@pytest.fixture
def db(tmp_path: Path, roster: Path) -> Path:
    """A database holding the township roster, as an office has before loading its logs."""
    path = tmp_path / "dashboard.duckdb"
    assert main(["load", str(roster), "--db", str(path)]) == 0
    return path


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    """A terminal wide enough that rich neither wraps a message nor cuts a table cell."""
    monkeypatch.setenv("COLUMNS", "3000")


def cli(capsys, *args: str) -> tuple[int, str]:
    """Run the CLI; its exit code and what it printed, with the terminal's line wrapping undone."""
    capsys.readouterr()
    code = main(["load", *args])
    captured = capsys.readouterr()
    out = captured.out + captured.err
    assert "Traceback" not in out and "\x1b" not in out
    return code, out.replace("\n", "")


def upload(db: Path, *files: tuple[str, bytes]):
    results = uploads.load_uploads(list(files), db)
    for result in results:
        assert result.rows_read == result.rows_accepted + result.rows_rejected
        assert result.message == "" or re.search("[\u4e00-\u9fff]", result.message)
    return results


# ---------------------------------------------------------------- 1. a quote never closed


def unclosed_quote_file(rows: int = 10, at: int = 3) -> bytes:
    """Rows 2..rows+1 (Excel numbering); the 活动名称 of Excel row `at` opens a quote it never closes."""
    lines = [",".join(HEADER)]
    for n in range(1, rows + 1):
        cells = row(n)
        if n + 1 == at:
            cells[4] = '"' + cells[4]
        lines.append(",".join(cells))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def test_unclosed_quote_rejects_its_own_line_and_reads_the_rows_it_swallowed(tmp_path, db, capsys):
    path = tmp_path / "活动记录.csv"
    path.write_bytes(unclosed_quote_file(rows=10, at=3))
    code, out = cli(capsys, str(path), "--db", str(db))
    assert code == 1
    assert query(db, "SELECT rows_read, rows_accepted, rows_rejected FROM load_log WHERE file_name = ?",
                 [path.name]) == [(10, 9, 1)]
    assert f"活动记录.csv 第 3 行「活动名称」值「\"视察道路2」：「活动名称」{REASON_UNCLOSED_QUOTE}" in out
    assert [n for (n,) in query(db, "SELECT source_row FROM activities ORDER BY source_row")] == [
        2, *range(4, 12)]
    [(row_no, column, value, raw)] = query(db, "SELECT row_no, column_name, value, raw_row FROM rejected_rows")
    assert (row_no, column, value) == (3, "活动名称", '"视察道路2')
    assert '"视察道路2' in raw and "青河村" in raw  # the line as written, split without quoting


def test_unclosed_quote_through_the_upload_path(county_db):
    [result] = upload(county_db, ("活动记录_九月.csv", unclosed_quote_file(rows=6, at=5).replace(b"T01", b"QH01")))
    assert (result.status, result.rows_read, result.rows_accepted, result.rows_rejected) == (LOADED, 6, 5, 1)
    assert [(j.row_no, j.column_name) for j in result.rejections] == [(5, "活动名称")]
    assert REASON_UNCLOSED_QUOTE in result.rejections[0].reason


def test_a_quote_closed_lines_later_loses_no_row(tmp_path, db):
    """A stray quote on row 3 and another on row 6: the csv module would make rows 3-6 one row."""
    lines = [",".join(HEADER)] + [",".join(row(n)) for n in range(1, 8)]
    lines[2] = lines[2].replace("视察道路2", '"视察道路2')
    lines[5] = lines[5].replace(",3,青河村", '",3,青河村')
    path = tmp_path / "活动记录.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    assert main(["load", str(path), "--db", str(db)]) == 1
    assert query(db, "SELECT rows_read, rows_accepted, rows_rejected FROM load_log WHERE file_name = ?",
                 [path.name]) == [(7, 6, 1)]
    assert query(db, "SELECT row_no FROM rejected_rows") == [(3,)]


def test_a_note_typed_on_several_lines_of_one_cell_is_one_row(tmp_path, db):
    """A quoted cell with line breaks (and a comma) is a real multi-line note, not a broken quote."""
    path = tmp_path / "活动记录.csv"
    path.write_text(csv_text([HEADER, row(1, "第一行\n第二行, 含逗号\n第三行"), row(2)]), encoding="utf-8")
    sheet = read_register(path)
    assert sheet.broken == {}
    assert main(["load", str(path), "--db", str(db)]) == 0
    assert query(db, "SELECT title FROM activities ORDER BY activity_id") == [
        ("第一行\n第二行, 含逗号\n第三行",), ("视察道路2",)]


def test_a_stray_quote_on_an_otherwise_empty_line_loses_nothing(tmp_path, db):
    path = tmp_path / "活动记录.csv"
    lines = [",".join([*HEADER, "备注"]), ",".join(row(1)) + ",", ',,,,,,,"备注没写完', ",".join(row(2)) + ",",
             ",".join(row(3)) + ","]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    assert main(["load", str(path), "--db", str(db)]) == 0
    assert query(db, "SELECT activity_id, source_row FROM activities ORDER BY 1") == [
        ("A01", 2), ("A02", 4), ("A03", 5)]


def test_too_many_broken_quotes_refuse_the_file_naming_why(tmp_path, db, capsys):
    lines = [",".join(HEADER)] + [",".join(row(n, f'"坏{n}')) for n in range(1, MAX_BROKEN_QUOTES + 5)]
    path = tmp_path / "活动记录.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    code, out = cli(capsys, str(path), "--db", str(db))
    assert code == 2
    assert f"文件「活动记录.csv」中有超过 {MAX_BROKEN_QUOTES} 处英文双引号没有闭合" in out


# ---------------------------------------------------------------- 2. one bad file never stops the others


def test_a_cell_over_the_csv_field_limit_rejects_its_row_and_the_other_files_load(tmp_path, db, capsys):
    huge = tmp_path / "活动记录_附件.csv"
    huge.write_text(csv_text([HEADER, row(1, "长" * 200_000), row(2)]), encoding="utf-8")
    good = tmp_path / "活动记录_好.csv"
    good.write_text(csv_text([HEADER, row(3), row(4)]), encoding="utf-8")
    code, out = cli(capsys, str(huge), str(good), "--db", str(db))
    assert code == 1
    assert f"内容超过 {EXCEL_CELL_LIMIT} 个字" in out and "（共 200000 字）" in out
    assert query(db, "SELECT activity_id FROM activities ORDER BY 1") == [("A02",), ("A03",), ("A04",)]
    [(value, raw)] = query(db, "SELECT value, raw_row FROM rejected_rows")
    assert len(value) < 300 and len(raw) > 200_000  # shown short, kept whole


def test_an_unexpected_reader_error_is_that_files_alone(tmp_path, db, capsys, monkeypatch):
    bad, good = tmp_path / "活动记录_坏.csv", tmp_path / "活动记录_好.csv"
    bad.write_text(GOOD, encoding="utf-8")
    good.write_text(csv_text([HEADER, row(3)]), encoding="utf-8")
    real = loader._read

    def failing(con, path, *args):
        if path.name == bad.name:
            raise RuntimeError("boom")
        return real(con, path, *args)

    monkeypatch.setattr(loader, "_read", failing)
    code, out = cli(capsys, str(bad), str(good), "--db", str(db))
    assert code == 2
    assert "读取文件「活动记录_坏.csv」时出错，未导入（程序内部错误 RuntimeError：boom）" in out
    assert query(db, "SELECT activity_id FROM activities") == [("A03",)]


def test_a_database_error_while_loading_one_file_rolls_back_only_that_file(tmp_path, db, capsys, monkeypatch):
    bad, good = tmp_path / "活动记录_坏.csv", tmp_path / "活动记录_好.csv"
    bad.write_text(GOOD, encoding="utf-8")
    good.write_text(csv_text([HEADER, row(3)]), encoding="utf-8")
    real = validate.find_problems

    def failing(con, register, present, *args):
        if con.execute("SELECT count(*) FROM raw_rows").fetchall()[0][0] == 2:
            con.execute("INSERT INTO activities (activity_id) VALUES ('HALF')")  # half-written …
            raise duckdb.ConversionException("Conversion Error: bad value")  # … then a failure
        return real(con, register, present, *args)

    monkeypatch.setattr(validate, "find_problems", failing)
    code, out = cli(capsys, str(bad), str(good), "--db", str(db))
    assert code == 2
    assert "导入文件「活动记录_坏.csv」时出错，该文件未导入" in out
    assert query(db, "SELECT activity_id FROM activities") == [("A03",)]  # no HALF row
    assert query(db, "SELECT status FROM load_log WHERE file_name = ?", [bad.name]) == [(UNREADABLE,)]


# ---------------------------------------------------------------- 3. every file gets a line


def make_folder(folder: Path) -> None:
    folder.mkdir()
    (folder / "活动记录.csv").write_text(GOOD, encoding="utf-8")
    (folder / ".活动记录.csv").write_text(csv_text([HEADER, row(7)]), encoding="utf-8")
    (folder / "~$活动记录.xlsx").write_bytes(b"\x0bWPS\x00" + b"\x00" * 160)
    (folder / "rejected_rows.csv").write_text("文件,行号\n活动记录.csv,3\n", encoding="utf-8-sig")
    (folder / "说明.txt").write_text("本文件夹是青河镇2020年的登记表。\n", encoding="gbk")
    (folder / "会议纪要.docx").write_bytes(b"PK\x03\x04word")
    (folder / "现场照片.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    (folder / "空文件夹").mkdir()
    (folder / ".git").mkdir()
    (folder / ".git" / "config").write_text("[core]\n")


def test_a_folder_lists_every_file_loaded_or_skipped_with_its_reason(tmp_path, db, capsys):
    folder = tmp_path / "登记表"
    make_folder(folder)
    code, out = cli(capsys, str(folder), str(folder / "空文件夹"), "--db", str(db))
    assert code == 0  # skipped files are not errors
    for phrase in [
        "「.活动记录.csv」隐藏文件（以“.”开头，多为系统或其他软件生成），已跳过",
        "「~$活动记录.xlsx」Excel 或 WPS 打开文件时生成的临时锁定文件（~$ 开头），不是登记表，已跳过。",
        "「rejected_rows.csv」这是导入时生成的被拒绝行清单（rejected_rows.csv），不是登记表，已跳过",
        "「说明.txt」前20行中找不到登记表的表头，不像登记表，已跳过。",
        "「会议纪要.docx」不是 CSV 或 Excel 文件，已跳过。",
        "「现场照片.jpg」不是 CSV 或 Excel 文件，已跳过。",
        "「空文件夹」文件夹中没有文件。",
        "「.git」隐藏文件夹（以“.”开头）或系统生成的文件夹，其中的文件已跳过。",
    ]:
        assert phrase in out, phrase
    assert query(db, "SELECT activity_id FROM activities ORDER BY 1") == [("A01",), ("A02",)]


def test_named_files_each_get_a_line_and_a_missing_one_does_not_stop_the_rest(tmp_path, db, capsys):
    folder = tmp_path / "登记表"
    make_folder(folder)
    named = [folder / n for n in ("活动记录.csv", ".活动记录.csv", "~$活动记录.xlsx", "rejected_rows.csv")]
    code, out = cli(capsys, *map(str, named), str(tmp_path / "无此文件.csv"), "--db", str(db))
    assert code == 2  # a named file that is missing
    assert f"找不到文件「{tmp_path / '无此文件.csv'}」" in out
    assert out.count("已跳过") >= 3
    assert query(db, "SELECT count(*) FROM activities") == [(2,)]


def test_a_named_non_register_is_refused_not_skipped(tmp_path, db, capsys):
    path = tmp_path / "说明.txt"
    path.write_text("本文件夹是青河镇2020年的登记表。\n", encoding="gbk")
    code, out = cli(capsys, str(path), "--db", str(db))
    assert code == 2
    assert "文件「说明.txt」的前20行中找不到登记表的表头" in out


def test_uploads_named_like_lock_hidden_or_report_files_get_a_line(county_db):
    good = csv_text([HEADER, row(1), row(2)]).replace("T01", "QH01").encode("utf-8")
    results = upload(county_db, (".活动记录.csv", good), ("~$活动记录.xlsx", b"\x00" * 165),
                     ("rejected_rows.csv", b"a,b\r\n"), ("活动记录_十月.csv", good))
    frame = uploads.report_frame(results)
    assert frame[["file_name", "result"]].values.tolist() == [
        ["活动记录_十月.csv", "已导入"], [".活动记录.csv", "已跳过"], ["~$活动记录.xlsx", "已跳过"],
        ["rejected_rows.csv", "已跳过"]]
    assert frame["message"].tolist()[1:] == [loader.SKIP_HIDDEN, loader.SKIP_LOCK_FILE, loader.SKIP_REJECTED_CSV]


def test_upload_names_that_are_no_file_names_get_a_line(county_db):
    def one(n: int) -> bytes:
        return csv_text([HEADER, row(n)]).replace("T01", "QH01").encode("utf-8")

    results = upload(county_db, ("..", one(1)), ("活动\x00记录\n.csv", one(2)), ("活" * 300 + ".csv", one(3)))
    assert [(r.path.name, r.status) for r in results] == [
        ("活动记录.csv", LOADED), ("活" * 65 + ".csv", LOADED), ("上传文件1", UNREADABLE)]  # 199 bytes
    assert results[2].message == uploads.wrong_type_message("上传文件1")


def test_links_loops_pipes_and_folders_named_like_files(tmp_path, db, capsys):
    folder = tmp_path / "登记表"
    folder.mkdir()
    (folder / "活动记录.csv").write_text(GOOD, encoding="utf-8")
    os.symlink("环2.csv", folder / "环1.csv")
    os.symlink("环1.csv", folder / "环2.csv")
    os.symlink("不存在.csv", folder / "断链.csv")
    os.symlink(folder, folder / "自己")  # a link back to the folder: no endless walk
    os.mkfifo(folder / "管道.csv")  # reading it would hang forever
    (folder / "目录.csv").mkdir()
    (folder / "目录.csv" / "活动记录2.csv").write_text(csv_text([HEADER, row(5)]), encoding="utf-8")
    code, out = cli(capsys, str(folder), "--db", str(db))
    assert code == 2
    assert "环1.csv」：符号链接循环（链接最终又指回自己）" in out
    assert "断链.csv」：文件或文件夹不存在" in out
    assert "管道.csv」不是普通文件（可能是设备或管道），未导入" in out
    assert "「自己」指向另一个文件夹的链接，未进入" in out
    assert query(db, "SELECT activity_id FROM activities ORDER BY 1") == [("A01",), ("A02",), ("A05",)]


def test_list_files_orders_rosters_first_and_keeps_folder_files_optional(tmp_path):
    folder = tmp_path / "登记表"
    folder.mkdir()
    for name in ("走访记录.csv", "乡镇名册.csv", "活动记录.xlsx"):
        (folder / name).write_bytes(b"x")
    listing = list_files([folder])
    assert [p.name for p in listing.files] == ["乡镇名册.csv", "活动记录.xlsx", "走访记录.csv"]
    assert listing.in_folders == set(listing.files) and listing.others == []


# ---------------------------------------------------------------- 4. encodings


BIG5 = "活動編號,日期,鄉鎮,活動類型,活動名稱\r\nA01,2020-06-04,T01,視察,視察道路\r\n".encode("big5")
SHIFT_JIS = "番号,日付,町村,種類,名称,備考\r\nA01,2020-06-04,T01,視察,道路の視察,特になし\r\n".encode("shift_jis")
UNSURE = "请另存为 UTF-8 或 GBK 后重新导入"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(BIG5, "文件「活动记录.csv」编码无法识别（看起来像 Big5（繁体中文） 编码），" + UNSURE, id="big5"),
        pytest.param(SHIFT_JIS, "文件「活动记录.csv」编码无法识别（看起来像 Shift-JIS（日文） 编码），" + UNSURE,
                     id="shift-jis"),
        pytest.param(
            (",".join(HEADER) + "\r\n").encode("utf-8") + csv_text([row(1), row(2)]).encode("gbk"),
            "文件「活动记录.csv」编码无法识别：第 1 行是 UTF-8 编码，第 2 行却不是", id="utf8-header-gbk-rows"),
        pytest.param(
            (",".join(HEADER) + "\r\n").encode("gbk") + csv_text([row(1), row(2)]).encode("utf-8"),
            "文件「活动记录.csv」编码无法识别：第 2 行是 UTF-8 编码，第 1 行却不是", id="gbk-header-utf8-rows"),
        pytest.param(
            random.Random(9).randbytes(4000),
            "文件「活动记录.csv」不是文本文件（可能已损坏，或是其他类型的文件改了扩展名），未导入。", id="binary"),
    ],
)
def test_files_in_an_unknown_encoding_are_refused_never_read_as_mojibake(tmp_path, db, capsys, content, message):
    path = tmp_path / "活动记录.csv"
    path.write_bytes(content)
    code, out = cli(capsys, str(path), "--db", str(db))
    assert code == 2
    assert message in out
    assert query(db, "SELECT count(*) FROM activities") == [(0,)]


def test_an_unknown_encoding_through_the_upload_path(county_db):
    [result] = upload(county_db, ("活动记录.csv", BIG5))
    assert (result.status, result.message) == (
        UNREADABLE, "文件「活动记录.csv」编码无法识别（看起来像 Big5（繁体中文） 编码），" + UNSURE + "。")


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(GOOD.encode("utf-8"), id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + GOOD.encode("utf-8"), id="utf-8-bom"),
        pytest.param(GOOD.encode("gb18030"), id="gb18030"),
        pytest.param(codecs.BOM_UTF16_LE + GOOD.replace(",", "\t").encode("utf-16-le"), id="utf-16-bom"),
        pytest.param(GOOD.replace(",", "\t").encode("utf-16-le"), id="utf-16-le-no-bom"),
        pytest.param(GOOD.replace(",", "\t").encode("utf-16-be"), id="utf-16-be-no-bom"),
    ],
)
def test_common_encodings_never_reach_the_detector(tmp_path, db, monkeypatch, raw):
    """The detector is the last resort: UTF-8, BOMs, GB18030 with register headers and UTF-16 decode without it."""
    import charset_normalizer

    def no_detector(*args, **kwargs):
        raise AssertionError("the detector ran on a common file")

    monkeypatch.setattr(charset_normalizer, "from_bytes", no_detector)
    path = tmp_path / "活动记录.csv"
    path.write_bytes(raw)
    assert main(["load", str(path), "--db", str(db)]) == 0
    assert query(db, "SELECT activity_id, title FROM activities ORDER BY 1") == [
        ("A01", "视察道路1"), ("A02", "视察道路2")]


def test_a_gbk_file_missing_a_column_still_says_which(tmp_path):
    path = tmp_path / "活动记录.csv"
    # (a log without 活动类型 reads each kind from its 活动名称, issue 8: 日期 is what it cannot do without)
    path.write_bytes("乡镇,活动类型,活动名称,地点\r\nT01,视察,视察道路,青河村\r\n".encode("gbk"))
    with pytest.raises(loader.UnreadableFile, match="看起来是活动记录，但缺少必填列「日期」"):
        read_register(path)


def test_nul_bytes_are_dropped_and_said(tmp_path, db, capsys):
    path = tmp_path / "活动记录.csv"
    path.write_bytes(GOOD.encode("utf-8").replace(b"\r\nA02", b"\x00\x00\r\nA02") + b"\x00" * 64)
    code, out = cli(capsys, str(path), "--db", str(db))
    assert code == 0
    assert "文件「活动记录.csv」中有 66 个空字符（NUL，多因文件损坏或未写完），已忽略。" in out
    assert query(db, "SELECT count(*) FROM activities") == [(2,)]


# ---------------------------------------------------------------- files that are not what their name says


def write_workbook(path: Path, rows: list[list[str]]) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("活动记录")
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            sheet.write_string(r, c, value)
    workbook.close()
    return path


def encrypted_workbook() -> bytes:
    """A real password-protected .xlsx (ECMA-376 agile encryption, as Excel writes it)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    plain, out = io.BytesIO(), io.BytesIO()
    workbook = xlsxwriter.Workbook(plain)
    sheet = workbook.add_worksheet("活动记录")
    for c, header in enumerate(HEADER):
        sheet.write_string(0, c, header)
    workbook.close()
    plain.seek(0)
    OOXMLFile(plain).encrypt("1234", out)
    return out.getvalue()


ENCRYPTED = encrypted_workbook()


@pytest.mark.parametrize(
    ("name", "content", "status", "phrase"),
    [
        pytest.param("活动记录.xlsx", GOOD.encode("gbk"), LOADED,
                     "提示：文件「活动记录.xlsx」其实是 CSV 文本，不是 Excel 工作簿，已按 CSV 读取。",
                     id="csv-named-xlsx"),
        pytest.param("活动记录.xlsx", ENCRYPTED, UNREADABLE,
                     "文件「活动记录.xlsx」设有打开密码（已加密），无法读取。"
                     "请在 Excel 中取消密码后另存为 .xlsx 再导入。", id="encrypted"),
        pytest.param("活动记录.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>", UNREADABLE,
                     "文件「活动记录.xls」其实是网页（HTML）格式，不是 Excel 工作簿。", id="html-named-xls"),
        pytest.param("活动记录.xlsx", b"", UNREADABLE, "文件「活动记录.xlsx」是空文件（0 字节）", id="zero-byte-xlsx"),
        pytest.param("活动记录.xlsx", b"PK\x03\x04" + os.urandom(300), UNREADABLE,
                     "文件「活动记录.xlsx」不是有效的 Excel 工作簿", id="corrupt-zip"),
    ],
)
def test_content_decides_how_a_file_is_read(tmp_path, db, capsys, name, content, status, phrase):
    path = tmp_path / name
    path.write_bytes(content)
    code, out = cli(capsys, str(path), "--db", str(db))
    assert code == (0 if status == LOADED else 2)
    assert phrase in out
    assert query(db, "SELECT count(*) FROM activities") == [(2 if status == LOADED else 0,)]


def test_a_workbook_named_csv_loads_as_a_workbook(tmp_path, db, capsys):
    path = write_workbook(tmp_path / "活动记录.csv", [HEADER, row(1), row(2)])
    code, out = cli(capsys, str(path), "--db", str(db))
    assert code == 0
    assert "文件「活动记录.csv」其实是 Excel 工作簿，已按工作簿读取。" in out
    assert query(db, "SELECT count(*) FROM activities") == [(2,)]


# ---------------------------------------------------------------- 5. markup and terminal escapes are data


def test_markup_and_escapes_in_values_headers_and_names_are_printed_as_written(tmp_path, db, capsys):
    name = "[bold]活动记录[link=http:x].csv"
    path = tmp_path / name
    rows = [[*HEADER, "[/red]备注"],
            [*row(1), "[conceal]看不见[/conceal]"],
            ["A02", "2020-06-04", "T01", "[/bold]视察", "\x1b[2J清屏\x07", "3", "村", ""]]
    path.write_text(csv_text(rows), encoding="utf-8")
    code, out = cli(capsys, str(path), "--db", str(db))
    assert code == 1
    assert "「[bold]活动记录[link=http:x].csv」中以下列不在登记表格式中，未导入：[/red]备注" in out
    assert "第 3 行「活动类型」值「[/bold]视察」" in out
    assert query(db, "SELECT activity_id FROM activities") == [("A01",)]  # the data was published


def test_control_characters_in_a_rejected_value_are_shown_as_escapes(tmp_path, db, capsys):
    path = tmp_path / "活动记录.csv"
    path.write_text(csv_text([HEADER, ["A01", "\x1b[31m2020-06-04\x07", "T01", "视察", "x", "1", ""]]),
                    encoding="utf-8")
    code, out = cli(capsys, str(path), "--db", str(db))
    assert code == 1
    assert "值「\\x1b[31m2020-06-04\\x07」" in out


# ---------------------------------------------------------------- a corpus of bad files, CLI and upload alike


def corpus() -> dict[str, bytes]:
    """Kinds of bad files offices send, each as (name, bytes)."""
    rng = random.Random(42)
    good = GOOD.encode("utf-8")
    return {
        "空文件.csv": b"",
        "只有空行.csv": b"\r\n\r\n  \r\n",
        "只有表头.csv": (",".join(HEADER) + "\r\n").encode(),
        "乱码.csv": rng.randbytes(3000),
        "全是NUL.csv": b"\x00" * 2048,
        "超宽.csv": (",".join(HEADER + [f"列{i}" for i in range(5000)]) + "\r\n" + ",".join(row(1)) + "\r\n").encode(),
        "重复表头.csv": csv_text([["日期", "日期", "乡镇", "活动类型", "活动名称"],
                                 ["2020-06-04", "2021-01-01", "T01", "视察", "x"]]).encode(),
        "英文表头.csv": csv_text([["activity_id", "date", "township", "kind", "title"], row(1)[:5]]).encode(),
        "引号未闭合.csv": unclosed_quote_file(),
        "巨大单元格.csv": csv_text([HEADER, row(1, "x" * 150_000)]).encode(),
        "繁体.csv": BIG5,
        "日文.csv": SHIFT_JIS,
        "混合编码.csv": (",".join(HEADER) + "\r\n").encode() + csv_text([row(1)]).encode("gbk"),
        "其实是CSV.xlsx": good,
        "加密.xlsx": ENCRYPTED,
        "网页.xlsx": b"<!DOCTYPE html><html></html>",
        "坏压缩包.xlsx": b"PK\x03\x04" + rng.randbytes(500),
        "零字节.xlsx": b"",
        "标记.csv": csv_text([HEADER, [*row(1)[:4], "[/bold][conceal]", "1", "\x1b]8;;http://x\x1b\\"]]).encode(),
        "公式.csv": csv_text([HEADER, ["=1+1", '=HYPERLINK("http://x")', "@SUM(A1)", "+cmd", "-2", "\t3", "\r"]]
                           ).encode(),
        "日期离谱.csv": csv_text([HEADER, [*row(1)[:1], "0001-01-01", *row(1)[2:]]]).encode(),
        "零宽.csv": csv_text([[h + "\u200b" for h in HEADER], row(1)]).encode(),
        "说明.txt": "说明".encode("gbk"),
        "~$活动记录.xlsx": b"\x00" * 165,
        ".活动记录.csv": good,
        "rejected_rows.csv": b"a,b\r\n",
        "图片.csv": b"\x89PNG\r\n\x1a\n" + rng.randbytes(1000),
        "UTF-16无BOM.csv": GOOD.replace(",", "\t").encode("utf-16-le"),
        "BOM后是GBK.csv": codecs.BOM_UTF8 + GOOD.encode("gbk"),
        "半个UTF-16.csv": codecs.BOM_UTF16_LE + GOOD.encode("utf-16-le")[:-1],
        "分号.csv": GOOD.replace(",", ";").encode(),
        "很多空列.csv": csv_text([[*HEADER, *[""] * 300], [*row(1), *[""] * 300]]).encode(),
        "行比表头长.csv": csv_text([HEADER, [*row(1), "多", "余", "的"]]).encode(),
        "行比表头短.csv": csv_text([HEADER, row(1)[:3]]).encode(),
    }


def test_the_corpus_through_the_cli_every_file_a_line_no_traceback(tmp_path, db, capsys):
    folder = tmp_path / "corpus"
    folder.mkdir()
    files = corpus()
    for name, content in files.items():
        (folder / name).write_bytes(content)
    paths = [str(folder / name) for name in files]
    code, out = cli(capsys, *paths, "--db", str(db))
    assert code == 2
    for name in files:
        assert f"│ {name}" in out, name  # its line in the report table
    logged = query(db, "SELECT file_name, rows_read, rows_accepted, rows_rejected FROM load_log")
    assert all(read == accepted + rejected for _, read, accepted, rejected in logged)


def test_the_corpus_through_the_upload_path(county_db):
    files = [(name, content.replace(b"T01", b"QH01")) for name, content in corpus().items()]
    results = upload(county_db, *files)
    assert sorted(r.path.name for r in results) == sorted(name for name, _ in files)
    by_name = {r.path.name: r for r in results}
    assert by_name["~$活动记录.xlsx"].status == SKIPPED
    assert by_name["说明.txt"].status == UNREADABLE  # uploads accept CSV and XLSX only
    assert by_name["引号未闭合.csv"].rows_rejected == 1


def test_the_corpus_as_a_folder_every_file_a_line(tmp_path, db, capsys):
    folder = tmp_path / "corpus"
    folder.mkdir()
    files = corpus()
    for name, content in files.items():
        (folder / name).write_bytes(content)
    code, out = cli(capsys, str(folder), "--db", str(db))
    assert code == 2  # the encrypted workbook, the mixed encodings … are refused, not skipped
    for name in files:
        assert f"│ {name}" in out, name
    assert "「说明.txt」前20行中找不到登记表的表头，不像登记表，已跳过。" in out  # found in a folder: skipped


def test_command_line_mistakes_are_explained_in_chinese(tmp_path, capsys):
    with pytest.raises(SystemExit) as raised:
        main(["load"])
    assert raised.value.code == 2
    assert "python -m etl load：缺少参数：路径。用 python -m etl load --help 查看用法。" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["load", "--bogus", str(tmp_path)])
    assert "无法识别的参数：--bogus（文件名以“-”开头时，请写成 ./文件名 或完整路径）" in capsys.readouterr().err


def test_a_full_temporary_disk_while_saving_uploads(county_db, monkeypatch):
    def no_space(self, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", no_space)
    [result] = uploads.load_uploads([("活动记录.csv", GOOD.encode())], county_db)
    assert (result.status, result.message) == (
        "aborted", "无法保存上传的文件：磁盘空间不足。数据库保持原样，此文件未导入。")
