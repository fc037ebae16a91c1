"""Tables as Excel workbooks (ui/downloads.py), opened again as a user's Excel would read them."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
from python_calamine import CalamineWorkbook

from ui.downloads import Heading, fits_excel, listing_csv, listing_xlsx, xlsx_bytes


def cells(data: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


def test_a_table_goes_into_a_report_with_its_title_and_stamp():
    frame = pd.DataFrame({"day": ["2024-05-15", "2024-06-03"], "n": pd.array([3, pd.NA], dtype="Int64"),
                          "rate": [55.65, float("nan")], "text": ["=HYPERLINK(\"x\")", "东村"]})
    data = xlsx_bytes(frame, "意见建议明细", {"day": "收集日期", "n": "条数", "rate": "办结率（%）", "text": "内容"},
                      Heading("意见建议明细", "范围：青河镇　统计期：2024年第二季度"), {"办结率（%）": "%.1f%%"})
    rows = cells(data)
    assert rows[0][0] == "意见建议明细" and rows[1][0].startswith("范围：青河镇")
    assert rows[3] == ["收集日期", "条数", "办结率（%）", "内容"]
    assert rows[4] == [dt.date(2024, 5, 15), 3.0, 55.65, "=HYPERLINK(\"x\")"]  # a date cell; the formula as text
    assert rows[5] == [dt.date(2024, 6, 3), "", "", "东村"]  # missing values stay empty, never "None"


def test_a_plain_table_has_its_header_first():
    rows = cells(xlsx_bytes(pd.DataFrame({"a": ["x"]}), "表", {"a": "列"}))
    assert rows == [["列"], ["x"]]


def test_text_that_only_looks_like_a_date_stays_text():
    rows = cells(xlsx_bytes(pd.DataFrame({"v": ["2024-05-15", "2024-13-01"]}), "被拒绝的行", {"v": "值"}))
    assert rows == [["值"], ["2024-05-15"], ["2024-13-01"]]  # as the user typed them


# --- whole lists, built on download from their batches (queries/paging.py) ---------------

def _batches():
    yield pd.DataFrame({"day": ["2024-05-15"], "n": [3], "text": ["=cmd|' /C calc'!A0"]})
    yield pd.DataFrame({"day": ["2024-06-03"], "n": [5], "text": ["东村"]})


def test_a_whole_list_is_a_workbook_written_row_by_row():
    data = listing_xlsx(_batches(), {"day": "收集日期", "n": "条数", "text": "内容"}, "意见建议明细",
                        Heading("意见建议明细", "范围：青河镇"), {"条数": "%d"})
    rows = cells(data)
    assert rows[0][0] == "意见建议明细" and rows[1][0] == "范围：青河镇"
    assert rows[3:] == [["收集日期", "条数", "内容"], [dt.date(2024, 5, 15), 3.0, "=cmd|' /C calc'!A0"],
                        [dt.date(2024, 6, 3), 5.0, "东村"]]  # every batch, dates as dates, a formula as text


def test_a_list_past_a_worksheet_goes_out_as_csv_that_excel_runs_nothing_of():
    assert fits_excel(1_048_576 - 4) and not fits_excel(1_048_576 - 3)
    text = listing_csv(_batches(), {"day": "收集日期", "text": "内容"}).decode("utf-8")
    assert text.startswith("\ufeff收集日期,内容")
    assert "'=cmd|' /C calc'!A0" in text and "东村" in text  # the formula neutralised (OWASP)
