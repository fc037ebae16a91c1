"""Where a register's table sits in a sheet (etl/layout.py), and which sheets of a workbook load.

Small grids and workbooks made here: two-row headers with and without merge
information, group rows, repeated headers, footers; workbooks holding two
registers, a summary sheet that looks like a register, a month typed differently.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
import xlsxwriter

from etl.cli import main
from etl.layout import (
    SKIP_FOOTER,
    SKIP_GROUP,
    SKIP_REPEATED_HEADER,
    SKIP_TOTAL,
    fill_merged,
    find_header,
    normalize_header,
    sort_rows,
)
from etl.loader import LOADED, load_file_parts
from etl.publish import publishing
from etl.reader import read_file
from tests.conftest import write_county


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture
def county(tmp_path) -> Path:
    db = tmp_path / "dashboard.duckdb"
    assert main(["load", *map(str, write_county(tmp_path / "county")), "--db", str(db)]) == 0
    return db


@pytest.mark.parametrize(
    ("written", "normalized"),
    [("发现问题（个）", "发现问题"), (" 村 （社区） ", "村"), ("乡镇(必填)*", "乡镇"), ("ＴＩＴＬＥ", "title"),
     ("活动站（联络站、代表之家）名称", "活动站名称"), ("办理结果【A/B/C/D】", "办理结果"), ("日\u3000期：", "日期")],
)
def test_headers_are_matched_without_spaces_width_or_units(written, normalized):
    assert normalize_header(written) == normalized


def test_csv_two_row_header_carries_the_group_over_its_sub_headers():
    grid = [
        ["选民意见转办情况登记卡", "", "", "", "", "", ""],
        ["编号", "收集日期", "来源", "内容摘要", "办理情况", "", ""],
        ["", "", "", "", "承办单位", "办结时间", "办理状态"],
        ["J1", "2024-01-05", "选民意见", "修路", "交通办", "2024-02-01", "已办结"],
    ]
    header = find_header(grid, "登记卡.csv").header
    assert (header.register.kind, header.first_row, header.last_row) == ("suggestions", 1, 2)
    assert header.labels[4:] == ["办理情况/承办单位", "办理情况/办结时间", "办理情况/办理状态"]
    assert header.columns == {"suggestion_id": 0, "received_on": 1, "source": 2, "summary": 3, "handler": 4,
                              "resolved_on": 5, "status": 6}
    assert header.title == "选民意见转办情况登记卡"


def test_a_record_under_a_one_row_header_is_not_taken_for_a_sub_header():
    grid = [["日期", "乡镇", "活动类型", "活动名称"], ["2024-01-05", "QH01", "视察", "视察道路"]]
    header = find_header(grid, "x.csv").header
    assert (header.first_row, header.last_row) == (0, 0)


def test_merged_cells_fill_down_and_wide_rows_are_group_rows():
    grid = [["日期", "活动类型", "活动名称", "地点"], ["2024-01-05", "视察", "视察道路", "东村"],
            ["", "调研", "调研水利", "西村"], ["一月份小结：略", "", "", ""], ["2024-01-20", "座谈", "座谈会", ""]]
    group_rows = fill_merged(grid, [((1, 0), (2, 0)), ((3, 0), (3, 3))])
    assert grid[2][0] == "2024-01-05" and group_rows == {3}
    header = find_header(grid, "活动记录.xlsx").header
    rows = sort_rows(grid, header, group_rows)
    assert [n for n, _ in rows.records] == [2, 3, 5]
    assert rows.skipped == [(4, SKIP_GROUP)]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (["合 计", "", "", "12"], SKIP_TOTAL), (["", "本月小计", "", "3"], SKIP_TOTAL),
        (["总计：", "", "", ""], SKIP_TOTAL),
        (["填表人：王芳", "", "审核人：李明", ""], SKIP_FOOTER), (["填报日期：2024年1月5日", "", "", ""], SKIP_FOOTER),
        (["注：本表每月5日前报送", "", "", ""], SKIP_FOOTER), (["二月份", "", "", ""], SKIP_GROUP),
        (["一、视察活动", "", "", ""], SKIP_GROUP), (["日期", "活动类型", "活动名称", "地点"], SKIP_REPEATED_HEADER),
    ],
)
def test_rows_that_are_not_records(row, reason):
    grid = [["日期", "活动类型", "活动名称", "地点"], ["2024-01-05", "视察", "视察道路", "东村"], row,
            ["2024-01-20", "座谈", "合计类问题座谈", ""]]
    rows = sort_rows(grid, find_header(grid, "活动记录.csv").header)
    assert [n for n, _ in rows.records] == [2, 4]
    assert rows.skipped == [(3, reason)]


def test_the_lines_after_a_footer_are_footer_too():
    grid = [["日期", "活动类型", "活动名称", "地点"], ["2024-01-05", "视察", "视察道路", "东村"],
            ["填表人：王芳", "", "", ""], ["2024年1月31日", "", "", ""], ["2024-02-01", "座谈", "座谈会", "镇政府"]]
    rows = sort_rows(grid, find_header(grid, "活动记录.csv").header)
    assert [n for n, _ in rows.records] == [2, 5]  # a full row after the footer is a record again
    assert rows.skipped == [(3, SKIP_FOOTER), (4, SKIP_FOOTER)]


def workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()),
                                         book.add_format({"num_format": "yyyy-mm-dd"}))
                elif value != "":
                    sheet.write(r, c, value)
    book.close()
    return path


ACTIVITY = ["日期", "乡镇", "活动类型", "活动名称", "参加代表"]


def test_a_workbook_of_two_registers_loads_both_and_skips_what_is_not_one(county, tmp_path):
    path = workbook(tmp_path / "青河镇2024年台账.xlsx", {
        "汇总": [ACTIVITY, ["", "QH01", "视察", "共 2 次", ""]],  # looks like a register, is a summary
        "7月": [ACTIVITY, [dt.date(2024, 7, 5), "QH01", "视察", "视察七月", "D20"]],  # D20 is on the roster sheet
        "名单": [["代表编号", "姓名", "代表层级", "乡镇"], ["D20", "郑新", "乡镇", "QH01"]],
        "8月": [["乡镇", "活动类型", "活动名称"], ["QH01", "视察", "视察八月"]],  # no 日期
        "9月": [ACTIVITY, [dt.date(2024, 9, 5), "QH01", "调研", "调研九月", "D01"]],
        "Sheet3": [],
    })
    with publishing(county) as publication:
        results = load_file_parts(publication.con, path)
        publication.changed = True
    assert [(r.status, r.register.kind, r.sheet, r.rows_accepted) for r in results] == [
        (LOADED, "deputies", "名单", 1), (LOADED, "activities", "7月、9月", 2)]
    assert results[0].skipped_sheets == [
        ("汇总", "汇总表或说明页，不是登记表"), ("Sheet3", "空白工作表"),
        ("8月", "看起来是活动记录，但缺少必填列「日期」，未导入。")]
    assert query(county, "SELECT title, source_sheet, source_row FROM activities "
                         "WHERE source_file = '青河镇2024年台账.xlsx' ORDER BY date") == [
        ("视察七月", "7月", 2), ("调研九月", "9月", 2)]
    assert query(county, "SELECT file_name, kind, sheet FROM load_log WHERE file_name LIKE '青河镇2024%' "
                         "ORDER BY load_id") == [
        ("青河镇2024年台账.xlsx", "deputies", "名单"), ("青河镇2024年台账.xlsx", "activities", "7月、9月")]
    assert results[1].rejections == []  # the roster sheet loaded first, so D20 was known


def test_a_workbook_with_no_register_is_unreadable_and_names_its_sheet(tmp_path):
    from etl.reader import UnreadableFile

    path = workbook(tmp_path / "统计表.xlsx", {"Sheet1": [["月份", "次数"], ["1月", 3]]})
    with pytest.raises(UnreadableFile) as raised:
        read_file(path)
    assert "工作表「Sheet1」" in str(raised.value) and "找不到登记表的表头" in str(raised.value)
