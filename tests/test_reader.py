"""Every file shape of data contract 1.8 loads, and unreadable files say why.

All files are made here, in tmp_path: CSV as bytes in each encoding offices
save, workbooks with xlsxwriter the way Excel users lay them out (merged title
rows, date cells, numbers typed as numbers, an instructions sheet).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
from pathlib import Path

import duckdb
import pytest
import xlsxwriter

from etl.cli import main
from etl.loader import LOADED, UNREADABLE, FileResult, load_file
from etl.publish import publishing
from etl.reader import UnreadableFile, read_register
from etl.validate import REASON_DATE, REASON_REQUIRED

ROSTER = "乡镇代码,乡镇名称,所属县\nT01,青河镇,平安县\nT02,白沙乡,平安县\n"
ACTIVITY_HEADER = ["活动编号", "日期", "乡镇", "活动类型", "活动名称", "参加人数", "地点"]
ACTIVITY_ROWS = [
    ["A01", "2020-06-04", "T01", "视察", "视察乡村道路", "5", "青河村"],
    ["A02", "2020-06-05", "白沙乡", "接待选民", "代表接待日", "3", "代表之家"],
]
EXPECTED_ACTIVITIES = [
    ("A01", dt.date(2020, 6, 4), "T01", "视察", "视察乡村道路", 5, "青河村"),
    ("A02", dt.date(2020, 6, 5), "T02", "接待选民", "代表接待日", 3, "代表之家"),
]
ACTIVITY_SQL = (
    "SELECT activity_id, date, township_code, kind, title, attendees, place "
    "FROM activities ORDER BY activity_id"
)
REQUIRED_BY_KIND = {
    "townships": ["乡镇代码", "乡镇名称", "所属县"],
    "stations": ["活动站编号", "活动站名称", "乡镇"],
    "deputies": ["代表编号", "姓名", "代表层级", "乡镇"],
    "households": ["户编号", "乡镇", "村"],
    "activities": ["日期", "乡镇", "活动类型", "活动名称"],
    "suggestions": ["编号", "收集日期", "乡镇", "来源", "内容摘要", "办理状态"],
    "visits": ["日期", "乡镇", "对象类型", "走访代表"],
}


# ---------------------------------------------------------------- helpers


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    """Rows as CSV text with Excel's CRLF line ends."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def write_xlsx(path: Path, sheets: dict[str, list[list]], titles: int = 0, date_fmt: str = "yyyy-mm-dd") -> Path:
    """A workbook; the first sheet gets `titles` merged title rows above its rows.

    Cells: str written as strings, int/float as numbers, dt.date/datetime as date
    cells in `date_fmt`, None left empty.
    """
    workbook = xlsxwriter.Workbook(str(path))
    date_format = workbook.add_format({"num_format": date_fmt})
    for number, (name, rows) in enumerate(sheets.items()):
        sheet = workbook.add_worksheet(name)
        offset = titles if number == 0 else 0
        width = max((len(r) for r in rows), default=1)
        for t in range(offset):
            text = "青河镇人大代表活动情况记录簿" if t == 0 else "（2020年度）"
            sheet.merge_range(t, 0, t, max(width - 1, 1), text)
        for r, row in enumerate(rows, start=offset):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    if not isinstance(value, dt.datetime):
                        value = dt.datetime.combine(value, dt.time(0))
                    sheet.write_datetime(r, c, value, date_format)
                elif isinstance(value, int | float):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, value)
    workbook.close()
    return path


def load(db: Path, *paths: Path, strict: bool = False) -> list[FileResult]:
    """Load files in order into `db` and publish it, as the CLI does."""
    with publishing(db) as pub:
        results = [load_file(pub.con, p, strict=strict) for p in paths]
        pub.changed = True
    for result in results:
        assert result.rows_read == result.rows_accepted + result.rows_rejected
    return results


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    path = tmp_path / "乡镇名册.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return path


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "dashboard.duckdb"


def load_activities(db: Path, roster: Path, path: Path) -> FileResult:
    """Load the roster, then one activity file; return the activity file's result."""
    roster_result, result = load(db, roster, path)
    assert (roster_result.status, roster_result.rows_accepted) == (LOADED, 2)
    return result


# ---------------------------------------------------------------- CSV encodings

CONTENT = csv_text([ACTIVITY_HEADER, *ACTIVITY_ROWS])


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(CONTENT.encode("utf-8"), id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + CONTENT.encode("utf-8"), id="utf-8-bom"),
        pytest.param(CONTENT.encode("gb18030"), id="gb18030"),
        pytest.param(CONTENT.encode("gbk"), id="gbk"),
        pytest.param(
            codecs.BOM_UTF16_LE + csv_text([ACTIVITY_HEADER, *ACTIVITY_ROWS], "\t").encode("utf-16-le"),
            id="utf-16-le-bom-tab",
        ),
        pytest.param(
            codecs.BOM_UTF16_BE + csv_text([ACTIVITY_HEADER, *ACTIVITY_ROWS], "\t").encode("utf-16-be"),
            id="utf-16-be-bom-tab",
        ),
        pytest.param(CONTENT.replace(",", ";").encode("utf-8"), id="semicolon"),
        pytest.param(CONTENT.replace("\r\n", "\n").encode("utf-8"), id="lf-only"),
    ],
)
def test_csv_encodings_give_the_same_rows(tmp_path: Path, db: Path, roster: Path, raw: bytes) -> None:
    path = tmp_path / "活动记录.csv"
    path.write_bytes(raw)
    result = load_activities(db, roster, path)
    assert (result.status, result.rows_read, result.rows_accepted, result.rows_rejected) == (LOADED, 2, 2, 0)
    assert result.register.kind == "activities"
    assert result.sheet is None
    assert query(db, ACTIVITY_SQL) == EXPECTED_ACTIVITIES
    assert query(db, "SELECT source_file, source_row FROM activities ORDER BY source_row") == [
        ("活动记录.csv", 2), ("活动记录.csv", 3),
    ]


def test_excel_unicode_text_txt_loads(tmp_path: Path, db: Path, roster: Path) -> None:
    """Excel's "Unicode text" save: UTF-16 with BOM, tab-separated, suffix .txt."""
    path = tmp_path / "活动记录.txt"
    path.write_bytes(csv_text([ACTIVITY_HEADER, *ACTIVITY_ROWS], "\t").encode("utf-16"))
    result = load_activities(db, roster, path)
    assert (result.status, result.rows_accepted) == (LOADED, 2)
    assert query(db, ACTIVITY_SQL) == EXPECTED_ACTIVITIES


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
@pytest.mark.parametrize("file_name", ["活动记录.txt", "导出.csv"])
def test_missing_column_named_for_every_delimiter(tmp_path: Path, delimiter: str, file_name: str) -> None:
    """The missing column is found from the delimiter the file uses, not from a comma split."""
    path = tmp_path / file_name
    text = csv_text([["乡镇", "活动类型", "活动名称", "地点"], ["T01", "视察", "视察道路", "青河村"]], delimiter)
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    with pytest.raises(UnreadableFile) as raised:
        read_register(path)
    assert str(raised.value) == f"文件「{file_name}」看起来是活动记录，但缺少必填列「日期」，未导入。"


def test_gb18030_without_bom_is_not_misread_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "活动.csv"
    path.write_bytes(CONTENT.encode("gb18030"))
    sheet = read_register(path)
    assert sheet.headers == ACTIVITY_HEADER
    assert [cells for _, cells in sheet.rows] == ACTIVITY_ROWS


# ---------------------------------------------------------------- XLSX shapes


@pytest.mark.parametrize("titles", [0, 1, 2])
def test_xlsx_with_merged_title_rows(tmp_path: Path, db: Path, roster: Path, titles: int) -> None:
    path = write_xlsx(tmp_path / "活动记录.xlsx", {"活动记录": [ACTIVITY_HEADER, *ACTIVITY_ROWS]}, titles)
    result = load_activities(db, roster, path)
    assert (result.status, result.rows_read, result.rows_accepted, result.sheet) == (LOADED, 2, 2, "活动记录")
    assert query(db, ACTIVITY_SQL) == EXPECTED_ACTIVITIES
    # The header is on Excel row titles+1, so the data rows are titles+2 and titles+3.
    assert query(db, "SELECT source_sheet, source_row FROM activities ORDER BY source_row") == [
        ("活动记录", titles + 2), ("活动记录", titles + 3),
    ]


def test_xlsx_table_not_starting_at_a1(tmp_path: Path, db: Path, roster: Path) -> None:
    """Empty rows and columns before the table keep Excel's row numbers and column mapping."""
    rows = [[None, None, *r] for r in [ACTIVITY_HEADER, *ACTIVITY_ROWS]]
    path = write_xlsx(tmp_path / "活动记录.xlsx", {"活动记录": [[], [], *rows]})
    result = load_activities(db, roster, path)
    assert (result.status, result.rows_accepted, result.extra_headers) == (LOADED, 2, [])
    assert query(db, ACTIVITY_SQL) == EXPECTED_ACTIVITIES
    assert query(db, "SELECT source_row FROM activities ORDER BY 1") == [(4,), (5,)]


def test_xlsx_typed_cells(tmp_path: Path, db: Path, roster: Path) -> None:
    """Date cells, numbers typed as numbers, a yyyymmdd number in a date column."""
    header = [*ACTIVITY_HEADER, "接待选民人数"]
    rows = [
        header,
        [1001, dt.date(2020, 6, 4), "T01", "视察", "视察道路", 3.0, "青河村", None],
        [1002, 20240604, "T02", "接待选民", "接待日", 2, "代表之家", 12.0],
        [1003, dt.datetime(2021, 1, 2, 9, 30), "T02", "调研", "产业调研", None, None, None],
    ]
    path = write_xlsx(tmp_path / "活动记录.xlsx", {"活动记录": rows}, titles=2)
    result = load_activities(db, roster, path)
    assert (result.status, result.rows_read, result.rows_accepted) == (LOADED, 3, 3)
    assert query(
        db, "SELECT activity_id, date, attendees, voters_received, place FROM activities ORDER BY activity_id"
    ) == [
        ("1001", dt.date(2020, 6, 4), 3, None, "青河村"),
        ("1002", dt.date(2024, 6, 4), 2, 12, "代表之家"),
        ("1003", dt.date(2021, 1, 2), None, None, None),
    ]


def test_xlsx_with_instructions_second_sheet(tmp_path: Path, db: Path, roster: Path) -> None:
    instructions = [["活动记录填写说明"], ["列名", "是否必填", "填写要求"], *[[h, "必填", ""] for h in ACTIVITY_HEADER]]
    path = write_xlsx(
        tmp_path / "青河镇2020.xlsx",
        {"活动记录": [ACTIVITY_HEADER, *ACTIVITY_ROWS], "填写说明": instructions},
        titles=1,
    )
    result = load_activities(db, roster, path)
    assert (result.status, result.sheet, result.rows_read, result.rows_accepted) == (LOADED, "活动记录", 2, 2)
    assert query(db, ACTIVITY_SQL) == EXPECTED_ACTIVITIES


def test_register_sheet_named_after_register_wins_over_first_sheet(tmp_path: Path, db: Path, roster: Path) -> None:
    """The first sheet carries an (empty) header too; the sheet named 活动记录 is the register."""
    path = write_xlsx(
        tmp_path / "青河镇2020年报.xlsx",
        {
            "汇总": [["本表仅供打印"], ACTIVITY_HEADER],
            "填写说明": [["请按表头填写"]],
            "活动记录": [ACTIVITY_HEADER, *ACTIVITY_ROWS],
        },
    )
    result = load_activities(db, roster, path)
    assert (result.status, result.sheet, result.rows_read, result.rows_accepted) == (LOADED, "活动记录", 2, 2)
    assert query(db, ACTIVITY_SQL) == EXPECTED_ACTIVITIES


def test_register_sheet_found_after_an_unnamed_first_sheet(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "data.xlsx", {"Sheet1": [["说明文字"]], "Sheet2": [ACTIVITY_HEADER, *ACTIVITY_ROWS]})
    sheet = read_register(path)
    assert (sheet.sheet, sheet.register.kind, sheet.header_row) == ("Sheet2", "activities", 1)


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "cell",
    [
        "2020-06-04",
        "2020/6/4",
        "2020/06/04",
        "2020.6.4",
        "2020年6月4日",
        "2020年06月04日",
        "20200604",
        "2020-06-04 00:00:00",
        "2020-06-04 09:30",
        "２０２０．６．４",
        "２０２０年６月４日",
        " 2020-6-4 ",
        "43986",  # an Excel serial day number saved as text
    ],
)
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_every_date_form_loads_as_the_same_date(
    tmp_path: Path, db: Path, roster: Path, cell: str, suffix: str
) -> None:
    rows = [["日期", "乡镇", "活动类型", "活动名称"], [cell, "T01", "视察", "视察道路"]]
    path = tmp_path / f"活动记录{suffix}"
    if suffix == ".csv":
        path.write_text(csv_text(rows), encoding="utf-8")
    else:
        write_xlsx(path, {"活动记录": rows})
    result = load_activities(db, roster, path)
    assert (result.status, result.rows_accepted, result.rejections) == (LOADED, 1, [])
    assert query(db, "SELECT date FROM activities") == [(dt.date(2020, 6, 4),)]


@pytest.mark.parametrize(
    ("cell", "date_fmt"),
    [
        (dt.date(2020, 6, 4), "yyyy-mm-dd"),
        (dt.date(2020, 6, 4), 'yyyy"年"m"月"d"日"'),
        (dt.date(2020, 6, 4), "m/d/yyyy"),
        (dt.datetime(2020, 6, 4, 0, 0), "yyyy-mm-dd hh:mm"),
        (dt.datetime(2020, 6, 4, 15, 45), "yyyy-mm-dd hh:mm"),
        (20200604, "General"),
        (20200604.0, "General"),
    ],
)
def test_excel_date_cells(tmp_path: Path, db: Path, roster: Path, cell: object, date_fmt: str) -> None:
    rows = [["日期", "乡镇", "活动类型", "活动名称"], [cell, "T01", "视察", "视察道路"]]
    path = write_xlsx(tmp_path / "活动记录.xlsx", {"活动记录": rows}, titles=1, date_fmt=date_fmt)
    result = load_activities(db, roster, path)
    assert (result.status, result.rows_accepted, result.rejections) == (LOADED, 1, [])
    assert query(db, "SELECT date FROM activities") == [(dt.date(2020, 6, 4),)]


# ---------------------------------------------------------------- cleaning


def test_full_width_ids_spaces_and_headers(tmp_path: Path, db: Path, roster: Path) -> None:
    deputies = tmp_path / "代表名册.csv"
    deputies.write_text(
        "代表编号,姓名,代表层级,乡镇\nD01,张三,乡镇,T01\nD02,李四,县,T01\n", encoding="utf-8"
    )
    rows = [
        [" 活动编号 ", " 日　期 ", "乡镇（必填）", "活动类型*", "ＴＩＴＬＥ", "参加代表", "参加人数"],
        ["Ａ０１", " 2020-06-04 ", "Ｔ０１", "  视察 ", "\u3000视察道路\u3000", "Ｄ０１，Ｄ０２", "２"],
        ["", "", "", "", "", "", ""],
        [" ", "\u3000", "", "", "", "", ""],
    ]
    path = tmp_path / "活动记录.csv"
    path.write_text(csv_text(rows) + "\r\n\r\n,,,,,,\r\n", encoding="utf-8")
    _, _, result = load(db, roster, deputies, path)
    assert (result.status, result.rows_read, result.rows_accepted, result.rows_rejected) == (LOADED, 1, 1, 0)
    assert result.extra_headers == []
    assert query(db, "SELECT activity_id, date, township_code, kind, title, attendees FROM activities") == [
        ("A01", dt.date(2020, 6, 4), "T01", "视察", "视察道路", 2),
    ]
    assert query(db, "SELECT activity_id, deputy_id FROM activity_deputies ORDER BY deputy_id") == [
        ("A01", "D01"), ("A01", "D02"),
    ]


def test_trailing_empty_rows_in_xlsx_are_not_read(tmp_path: Path, db: Path, roster: Path) -> None:
    rows = [ACTIVITY_HEADER, *ACTIVITY_ROWS, [None] * 7, [" ", None, "\u3000"], [None] * 7]
    path = write_xlsx(tmp_path / "活动记录.xlsx", {"活动记录": rows}, titles=1)
    result = load_activities(db, roster, path)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (2, 2, 0)


def test_english_keys_accepted_as_headers(tmp_path: Path, db: Path, roster: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        csv_text([["activity_id", "Date", "township", "KIND", "title", "attendees", "place"], *ACTIVITY_ROWS]),
        encoding="utf-8",
    )
    result = load_activities(db, roster, path)
    assert (result.status, result.register.kind, result.rows_accepted) == (LOADED, "activities", 2)
    assert query(db, ACTIVITY_SQL) == EXPECTED_ACTIVITIES


def test_extra_columns_are_reported_not_loaded(tmp_path: Path, db: Path, roster: Path) -> None:
    header = ["序号", *ACTIVITY_HEADER, "备注", ""]
    rows = [header, *[[str(n), *r, "补录", ""] for n, r in enumerate(ACTIVITY_ROWS, start=1)]]
    path = write_xlsx(tmp_path / "活动记录.xlsx", {"活动记录": rows}, titles=1)
    result = load_activities(db, roster, path)
    assert result.extra_headers == ["备注"]  # 序号 is a row counter: ignored, not reported
    assert result.rows_accepted == 2
    columns = [c for (c,) in query(db, "SELECT column_name FROM information_schema.columns "
                                       "WHERE table_name = 'activities'")]
    assert "序号" not in columns and "备注" not in columns
    assert query(db, ACTIVITY_SQL) == EXPECTED_ACTIVITIES


# ---------------------------------------------------------------- row numbers


@pytest.mark.parametrize("titles", [0, 2])
def test_xlsx_rejection_reports_excel_row_number(tmp_path: Path, db: Path, roster: Path, titles: int) -> None:
    rows = [
        ACTIVITY_HEADER,
        ACTIVITY_ROWS[0],
        [None] * 7,  # a blank row in the middle keeps its Excel number
        ["A03", "六月四日", "T01", "视察", "视察河道", None, None],
        ACTIVITY_ROWS[1],
    ]
    path = write_xlsx(tmp_path / "活动记录.xlsx", {"活动记录": rows}, titles=titles)
    result = load_activities(db, roster, path)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (3, 2, 1)
    [rejection] = result.rejections
    # header on row titles+1, data on titles+2, blank on titles+3, the bad row on titles+4
    assert (rejection.row_no, rejection.column_name, rejection.value) == (titles + 4, "日期", "六月四日")
    assert REASON_DATE in rejection.reason
    assert query(db, "SELECT source_row FROM activities ORDER BY source_row") == [(titles + 2,), (titles + 5,)]


def test_csv_rejection_reports_excel_row_number(tmp_path: Path, db: Path, roster: Path) -> None:
    rows = [
        ["青河镇人大代表活动情况记录簿", "", "", "", "", "", ""],
        ACTIVITY_HEADER,
        ACTIVITY_ROWS[0],
        [],
        ["A03", "2020-06-04", "T01", "视察", "", "", ""],
        ["A04", "2020-06-04", "T01", "视察", "多行\n备注的活动", "", ""],
        ["A05", "2020-06-31", "T01", "视察", "视察河道", "", ""],
    ]
    path = tmp_path / "活动记录.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    result = load_activities(db, roster, path)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (4, 2, 2)
    assert [(r.row_no, r.column_name, r.value) for r in result.rejections] == [
        (5, "活动名称", None),
        (7, "日期", "2020-06-31"),  # a quoted line break stays inside Excel row 6
    ]
    assert REASON_REQUIRED in result.rejections[0].reason
    assert "日期不存在：6月没有31日" in result.rejections[1].reason


# ---------------------------------------------------------------- kind detection


@pytest.mark.parametrize("kind", list(REQUIRED_BY_KIND))
def test_kind_found_from_header(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "export.csv"
    path.write_text(csv_text([REQUIRED_BY_KIND[kind], ["x"] * len(REQUIRED_BY_KIND[kind])]), encoding="utf-8")
    sheet = read_register(path)
    assert sheet.register.kind == kind
    assert set(sheet.columns) == {
        c.key for c in sheet.register.columns if c.header in REQUIRED_BY_KIND[kind]
    }


def test_header_beats_file_name(tmp_path: Path) -> None:
    path = tmp_path / "活动记录.csv"
    path.write_text(csv_text([REQUIRED_BY_KIND["suggestions"]]), encoding="utf-8")
    assert read_register(path).register.kind == "suggestions"


@pytest.mark.parametrize(
    ("file_name", "kind"),
    [
        ("青河镇活动记录.csv", "activities"),
        ("青河镇脱贫户走访记录.csv", "visits"),
        ("走访.csv", "visits"),
        ("data.csv", "activities"),  # no keyword: the contract's register order
    ],
)
def test_kind_from_file_name_when_headers_tie(tmp_path: Path, file_name: str, kind: str) -> None:
    # Four activity headers and four visit headers: a tie the file name settles.
    header = ["日期", "乡镇", "活动类型", "活动名称", "对象类型", "走访代表"]
    path = tmp_path / file_name
    path.write_text(csv_text([header, ["2020-06-04", "T01", "走访", "走访", "其他", "D01"]]), encoding="utf-8")
    assert read_register(path).register.kind == kind


# ---------------------------------------------------------------- unreadable files


def _broken_xlsx(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 8)


def _truncated_xlsx(path: Path) -> None:
    write_xlsx(path.with_name("good.xlsx"), {"活动记录": [ACTIVITY_HEADER, *ACTIVITY_ROWS]})
    path.write_bytes(path.with_name("good.xlsx").read_bytes()[:300])


def _no_header_csv(path: Path) -> None:
    path.write_text("甲,乙,丙\n1,2,3\n", encoding="utf-8")


def _empty_xlsx(path: Path) -> None:
    write_xlsx(path, {"Sheet1": [], "填写说明": [["请按模板填写"]]})


def _empty_csv(path: Path) -> None:
    path.write_bytes(b"")


def _undecodable_csv(path: Path) -> None:
    path.write_bytes(b"\xff\x80\x81,\x80\xff\n")


def _missing_column_csv(path: Path) -> None:
    path.write_text("乡镇,活动类型,活动名称,地点\nT01,视察,视察道路,青河村\n", encoding="utf-8")


def _missing_column_xlsx(path: Path) -> None:
    write_xlsx(path, {"活动记录": [["乡镇", "活动类型", "活动名称"], ["T01", "视察", "视察道路"]]}, titles=2)


def _docx(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04not really a document")


UNREADABLE_CASES = [
    pytest.param("活动记录.xlsx", _broken_xlsx, ["不是有效的 Excel 工作簿"], id="random-bytes-xlsx"),
    pytest.param("活动记录.xlsx", _truncated_xlsx, ["不是有效的 Excel 工作簿"], id="truncated-xlsx"),
    pytest.param("导出数据.csv", _no_header_csv, ["前20行中找不到登记表的表头"], id="no-header"),
    pytest.param(
        "活动记录.csv", _no_header_csv,
        # 乡镇 and 活动名称 need no column (title or --township; the kind's word): not named
        ["看起来是活动记录", "缺少必填列「日期」、「活动类型」，"],
        id="no-header-named-file",
    ),
    pytest.param("导出数据.csv", _empty_csv, ["找不到登记表的表头"], id="empty-csv"),
    pytest.param("导出数据.xlsx", _empty_xlsx, ["工作表「Sheet1」", "找不到登记表的表头"], id="empty-xlsx"),
    pytest.param("活动记录.csv", _undecodable_csv, ["编码无法识别"], id="undecodable"),
    pytest.param(
        "活动记录.csv", _missing_column_csv, ["看起来是活动记录", "缺少必填列「日期」"], id="missing-column"
    ),
    pytest.param(
        "青河镇2020.xlsx", _missing_column_xlsx, ["工作表「活动记录」", "缺少必填列「日期」"],
        id="missing-column-xlsx",
    ),
    pytest.param("活动记录.docx", _docx, ["不是 CSV 或 Excel 文件"], id="unsupported-suffix"),
]


@pytest.mark.parametrize(("file_name", "make", "phrases"), UNREADABLE_CASES)
def test_unreadable_file(tmp_path: Path, db: Path, roster: Path, file_name: str, make, phrases: list[str]) -> None:
    path = tmp_path / file_name
    make(path)
    with pytest.raises(UnreadableFile) as raised:
        read_register(path)
    assert f"文件「{file_name}」" in str(raised.value)
    for phrase in phrases:
        assert phrase in str(raised.value)

    result = load_activities(db, roster, path)
    assert (result.status, result.rows_read, result.rows_accepted, result.rows_rejected) == (UNREADABLE, 0, 0, 0)
    assert result.message == str(raised.value)
    assert query(db, "SELECT file_name, status, message FROM load_log WHERE file_name = ?", [file_name]) == [
        (file_name, UNREADABLE, result.message)
    ]


def test_missing_required_column_names_every_missing_header(tmp_path: Path) -> None:
    path = tmp_path / "建议登记.csv"
    path.write_text("编号,收集日期,乡镇,内容摘要\nJ1,2020-06-04,T01,修路\n", encoding="utf-8")
    with pytest.raises(UnreadableFile) as raised:
        read_register(path)
    # 办理状态 follows from the dates when there is no such column: only 来源 is missing.
    assert str(raised.value) == "文件「建议登记.csv」看起来是建议意见登记，但缺少必填列「来源」，未导入。"


@pytest.mark.parametrize(("file_name", "make", "phrases"), UNREADABLE_CASES)
def test_cli_unreadable_exits_2_and_loads_nothing_from_it(
    tmp_path: Path, db: Path, roster: Path, file_name: str, make, phrases: list[str], capsys
) -> None:
    good = tmp_path / "青河镇活动记录.csv"
    good.write_text(CONTENT, encoding="utf-8")
    path = tmp_path / "bad" / file_name
    path.parent.mkdir()
    make(path)
    assert main(["load", str(roster), str(good), str(path), "--db", str(db)]) == 2
    assert phrases[-1] in capsys.readouterr().out.replace("\n", "")
    # The readable files loaded; nothing came from the unreadable one.
    assert query(db, ACTIVITY_SQL) == EXPECTED_ACTIVITIES
    assert query(db, "SELECT DISTINCT source_file FROM activities") == [("青河镇活动记录.csv",)]
    assert query(db, "SELECT count(*) FROM rejected_rows") == [(0,)]
    assert query(db, "SELECT status, rows_read, rows_accepted FROM load_log WHERE file_name = ?", [file_name]) == [
        (UNREADABLE, 0, 0)
    ]


def test_cli_clean_load_exits_0(tmp_path: Path, db: Path, roster: Path) -> None:
    good = tmp_path / "活动记录.csv"
    good.write_text(CONTENT, encoding="utf-8")
    assert main(["load", str(roster), str(good), "--db", str(db)]) == 0
    assert query(db, ACTIVITY_SQL) == EXPECTED_ACTIVITIES
    # A second identical load changes nothing.
    assert main(["load", str(good), "--db", str(db)]) == 0
    assert query(db, "SELECT count(*) FROM activities") == [(2,)]


def test_raw_json_keeps_whole_row(tmp_path: Path) -> None:
    path = tmp_path / "活动记录.csv"
    path.write_text(csv_text([["序号", *ACTIVITY_HEADER], ["1", *ACTIVITY_ROWS[0]]]), encoding="utf-8")
    sheet = read_register(path)
    [(row_no, cells)] = sheet.rows
    assert row_no == 2
    assert json.loads(sheet.raw_json(cells)) == dict(zip(["序号", *ACTIVITY_HEADER], ["1", *ACTIVITY_ROWS[0]],
                                                        strict=True))
