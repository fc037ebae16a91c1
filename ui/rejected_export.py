"""The 被拒绝的行 downloads of the 数据 page, built only when clicked, in bounded memory.

Rejected rows can run to millions (a CLI load has no row limit), which once made the
数据 page build a 481 MB workbook on every visit and die with "This sheet is too large".
Now the page shows them a page at a time (queries/data.rejections_page), and these
builders stream them from DuckDB in batches into a temporary file: the Excel workbook
holds what Excel can (1,048,575 rows under the header) and says so on a second sheet;
the CSV holds them all, zipped when there are more than Excel holds.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import streamlit as st
import xlsxwriter

from etl.report import REJECTED_CSV_HEADER, write_rejected_csv
from queries import data
from queries.db import ReadOnlyDatabase
from queries.metrics import Scope
from queries.scope import Viewer
from ui.downloads import XLSX_MIME

EXCEL_DATA_ROWS = 1_048_575  # Excel's 1,048,576 rows, less the header
CSV_NAME = "被拒绝的行.csv"
XLSX_NAME = "被拒绝的行.xlsx"
ZIP_NAME = "被拒绝的行.zip"
COLUMN_WIDTHS = [30, 12, 8, 14, 24, 60]  # 文件 工作表 行号 列 值 原因, wide enough for Chinese


def zipped(total: int, zip_over: int = EXCEL_DATA_ROWS) -> bool:
    """The full CSV is zipped when it holds more rows than Excel: about 130 bytes a row, ten times smaller."""
    return total > zip_over


def _rows(cursor, scope: Scope, viewer: Viewer, limit: int | None = None) -> Iterator[tuple]:
    """Every row still rejected that the viewer may see, masked, in the page's order, at most `limit`."""
    left = limit
    for batch in data.rejection_batches(cursor, scope, viewer):
        if left is not None:
            batch = batch[:left]
            left -= len(batch)
        yield from batch
        if left == 0:
            return


def csv_bytes(database: ReadOnlyDatabase, scope: Scope, viewer: Viewer, zip_over: int = EXCEL_DATA_ROWS) -> bytes:
    """The rejected rows the viewer may see as the CSV the CLI writes (UTF-8 with BOM, opens in Excel),
    zipped past Excel's size. `scope` and `viewer` are the signed-in account's (ui/access.py)."""
    with database.reading() as cursor, tempfile.TemporaryDirectory(prefix="rejected-") as folder:
        total = data.rejections_count(cursor, scope, viewer)
        path = write_rejected_csv(_rows(cursor, scope, viewer), Path(folder) / CSV_NAME)
        if path is None:  # nothing is rejected (any more): the header alone
            return ("\ufeff" + ",".join(REJECTED_CSV_HEADER) + "\r\n").encode("utf-8")
        if not zipped(total, zip_over):
            return path.read_bytes()
        archive = Path(folder) / ZIP_NAME
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            out.write(path, arcname=CSV_NAME)
        return archive.read_bytes()


def xlsx_bytes(database: ReadOnlyDatabase, scope: Scope, viewer: Viewer, cap: int = EXCEL_DATA_ROWS) -> bytes:
    """The rejected rows the viewer may see as a workbook of at most `cap` rows; text is written as
    text, never as a formula."""
    with database.reading() as cursor, tempfile.TemporaryDirectory(prefix="rejected-") as folder:
        total = data.rejections_count(cursor, scope, viewer)
        path = Path(folder) / XLSX_NAME
        book = xlsxwriter.Workbook(str(path), {
            "constant_memory": True,  # rows go to disk as written
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
        })
        sheet = book.add_worksheet("被拒绝的行")
        header = book.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1})
        for column, width in enumerate(COLUMN_WIDTHS):
            sheet.set_column(column, column, width)
        sheet.write_row(0, 0, REJECTED_CSV_HEADER, header)
        sheet.freeze_panes(1, 0)
        written = 0
        for written, row in enumerate(_rows(cursor, scope, viewer, cap), start=1):
            sheet.write_row(written, 0, row)
        if total > written:
            note = book.add_worksheet("说明")
            note.set_column(0, 0, 100)
            note.write_string(0, 0, f"共有 {total:,} 行被拒绝，本工作簿只含前 {written:,} 行"
                                    "（Excel 每个工作表的上限）。")
            note.write_string(1, 0, "完整清单请在「数据」页「被拒绝的行」中下载 CSV。")
        book.close()
        return path.read_bytes()


def download_buttons(database: ReadOnlyDatabase, scope: Scope, viewer: Viewer, total: int,
                     audited: Callable[[Callable[[], bytes], str], Callable[[], bytes]]) -> None:
    """The Excel and the full CSV download of the `total` rows still rejected, each built when clicked.

    The builders get the reader and the account's scope and viewer themselves: a deferred download
    runs after the page's run has ended. `audited` (ui/audit.exported) records each download.
    """
    capped, packed = total > EXCEL_DATA_ROWS, zipped(total)
    csv_name = ZIP_NAME if packed else CSV_NAME
    excel, whole = st.columns(2)
    excel.download_button(
        f"下载被拒绝的行（Excel，前 {EXCEL_DATA_ROWS:,} 行）" if capped else "下载被拒绝的行（Excel）",
        data=audited(partial(xlsx_bytes, database, scope, viewer), XLSX_NAME), file_name=XLSX_NAME,
        mime=XLSX_MIME, key="data_rejected_download", on_click="ignore", icon=":material/table_view:")
    whole.download_button(
        "下载全部被拒绝的行（CSV，ZIP 压缩）" if packed else "下载全部被拒绝的行（CSV）",
        data=audited(partial(csv_bytes, database, scope, viewer), csv_name), file_name=csv_name,
        mime="application/zip" if packed else "text/csv", key="data_rejected_csv", on_click="ignore",
        icon=":material/download:")
    if total > 100_000:
        st.caption("行数较多，点击下载后需等待文件生成（百万行约需数分钟）。")
