"""Files the 数据 page hands out: tables as Excel workbooks, and the blank register templates."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from etl.safe_text import XLSX_TEXT_ONLY
from etl.templates import write_templates

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(frame: pd.DataFrame, sheet_name: str, columns: dict[str, str] | None = None) -> bytes:
    """One sheet with the frame, as an .xlsx a user opens in Excel.

    `columns` (frame column -> Chinese header) picks and renames the columns; without it
    the frame's own headers are written. Header row frozen, columns wide enough for Chinese.
    """
    shown = frame[list(columns)].rename(columns=columns) if columns else frame
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": XLSX_TEXT_ONLY}) as writer:
        shown.to_excel(writer, sheet_name=sheet_name[:31], index=False)
        sheet = writer.sheets[sheet_name[:31]]
        sheet.freeze_panes(1, 0)
        for index, header in enumerate(shown.columns):
            longest = max([_width(str(header)), *(_width(str(v)) for v in shown.iloc[:200, index])])
            sheet.set_column(index, index, min(max(longest + 2, 8), 60))
    return buffer.getvalue()


def _width(text: str) -> int:
    """Display width: a CJK character takes two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


@st.cache_data(show_spinner=False)
def template_files() -> list[tuple[str, bytes]]:
    """(file name, bytes) of every blank template, written by the CLI's own code (etl/templates.py)."""
    with tempfile.TemporaryDirectory(prefix="templates-") as folder:
        return [(path.name, Path(path).read_bytes()) for path in write_templates(Path(folder))]
