"""Files the pages hand out: tables as Excel workbooks, and the blank register templates.

A table that goes into a report says what it is: its file is named by scope, period
and title (柳湾镇_2026年第三季度_意见建议明细.xlsx), its first rows give the title and
the scope, period and data date, dates are Excel dates, and every text cell is text
(a value starting with = is never a live formula).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st
import xlsxwriter

from etl.safe_text import XLSX_TEXT_ONLY
from etl.templates import write_templates

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DATE_FORMAT = "yyyy-mm-dd"
# printf formats of the pages' tables -> Excel number formats (the same digits on screen and on paper)
EXCEL_FORMATS = {"%.1f%%": '0.0"%"', "%.1f": "0.0", "%.2f": "0.00", "%d": "0"}


@dataclass(frozen=True)
class Heading:
    """The rows above a table's header: its title, and scope · period · data date."""

    title: str
    subtitle: str = ""


def xlsx_bytes(
    frame: pd.DataFrame, sheet_name: str, columns: dict[str, str] | None = None, heading: Heading | None = None,
    number_formats: dict[str, str] | None = None,
) -> bytes:
    """One sheet with the frame, as an .xlsx a user opens in Excel.

    `columns` (frame column -> Chinese header) picks and renames the columns; without it
    the frame's own headers are written. `heading` puts a title and a subtitle above the
    header; `number_formats` (header -> printf format as on the page) formats numbers.
    Header row frozen, columns wide enough for Chinese.
    """
    shown = frame[list(columns)].rename(columns=columns) if columns else frame
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, **XLSX_TEXT_ONLY, "strings_to_numbers": False})
    sheet = book.add_worksheet(sheet_name[:31])
    bold = book.add_format({"bold": True, "bg_color": "#E8EEF6", "border": 1, "text_wrap": True, "valign": "top"})
    dates = book.add_format({"num_format": DATE_FORMAT})
    numbers = {header: book.add_format({"num_format": EXCEL_FORMATS.get(fmt, "General")})
               for header, fmt in (number_formats or {}).items()}
    top = 0
    if heading:
        width = max(len(shown.columns) - 1, 0)
        title_format = book.add_format({"bold": True, "font_size": 14})
        sheet.merge_range(0, 0, 0, width, heading.title, title_format) if width else sheet.write_string(
            0, 0, heading.title, title_format)
        if heading.subtitle:
            sheet.merge_range(1, 0, 1, width, heading.subtitle) if width else sheet.write_string(1, 0, heading.subtitle)
        top = 3
    for index, header in enumerate(shown.columns):
        sheet.write_string(top, index, str(header), bold)
        column = shown.iloc[:, index]
        as_dates = _date_column(column)
        for row, value in enumerate(column.tolist(), start=top + 1):
            _write(sheet, row, index, value, dates if as_dates else None, numbers.get(header))
        longest = max([_width(str(header)), *(_width(_shown(v)) for v in column.iloc[:200])])
        sheet.set_column(index, index, min(max(longest + 2, 8), 60))
    sheet.freeze_panes(top + 1, 0)
    if len(shown.columns):
        sheet.autofilter(top, 0, top + len(shown), len(shown.columns) - 1)
    book.close()
    return buffer.getvalue()


def _missing(value) -> bool:
    """None, NaN, pandas' NA/NaT or an empty text: an empty cell."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    return isinstance(value, str) and value == ""


def _date_column(column: pd.Series) -> bool:
    """A column of dates: date/datetime values, or ISO-date text ('2024-05-15') as the queries give."""
    values = [v for v in column.tolist() if not _missing(v)]
    return bool(values) and all(isinstance(v, dt.date | pd.Timestamp) or _iso_date(v) for v in values)


def _iso_date(value) -> bool:
    """Text that is a real calendar day written 2024-05-15 (a rejected "2024-13-01" stays text)."""
    if not (isinstance(value, str) and ISO_DATE.fullmatch(value)):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _write(sheet, row: int, col: int, value, date_format, number_format) -> None:
    """One cell by its type: empty, a date (in a date column), a number, or text (never a formula)."""
    if _missing(value):
        return
    if date_format is not None and isinstance(value, str):
        sheet.write_datetime(row, col, dt.datetime.fromisoformat(value), date_format)
    elif date_format is not None and isinstance(value, dt.datetime | pd.Timestamp):
        sheet.write_datetime(row, col, pd.Timestamp(value).to_pydatetime().replace(tzinfo=None), date_format)
    elif date_format is not None and isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), date_format)
    elif isinstance(value, bool | np.bool_):
        sheet.write_string(row, col, "是" if value else "否")
    elif isinstance(value, int | float | np.integer | np.floating):
        sheet.write_number(row, col, float(value), number_format)
    else:
        sheet.write_string(row, col, str(value))


def _shown(value) -> str:
    return "" if _missing(value) else str(value)


def _width(text: str) -> int:
    """Display width: a CJK character takes two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


@st.cache_data(show_spinner=False)
def template_files() -> list[tuple[str, bytes]]:
    """(file name, bytes) of every blank template, written by the CLI's own code (etl/templates.py)."""
    with tempfile.TemporaryDirectory(prefix="templates-") as folder:
        return [(path.name, Path(path).read_bytes()) for path in write_templates(Path(folder))]
