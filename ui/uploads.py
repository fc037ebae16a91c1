"""Uploads on the 数据 page go through the same ETL as `python -m etl load`.

The uploaded files are saved under their own names in a temporary folder (the
loader recognises a register by its headers or its file name), loaded with
load_paths (copy → load → publish, so the running dashboard is never blocked),
and the folder is removed. Kept out of the page so it can be tested without a browser.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pandas as pd

from etl.cli import load_paths
from etl.errors import LoadAborted, os_cause
from etl.layout import SavedMapping
from etl.load_scope import LoadScope
from etl.loader import ABORTED, UNREADABLE, FileResult, LoadOptions, list_files
from etl.report import masked_value, status_word

MAX_UPLOAD_MB = 50
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
ACCEPTED_TYPES = ["csv", "xlsx", "xlsm", "xls"]
SHOWN_REJECTIONS = 20


def too_large_message(name: str, size: int) -> str:
    return (f"文件「{name}」大小为 {size / 1024 / 1024:.1f} MB，超过每个文件 {MAX_UPLOAD_MB} MB 的上限，未导入。"
            "请按乡镇或年度拆分后分别上传。")


def wrong_type_message(name: str) -> str:
    return (f"文件「{name}」不是 CSV 或 Excel（.xlsx、.xlsm、.xls）文件，未导入。"
            "请在 Excel 中另存为 .xlsx 或 .csv 后上传。")


def load_uploads(files: list[tuple[str, bytes]], db: Path, loaded_by: str | None = None,
                 scope: LoadScope | None = None, *, township: str | None = None,
                 mappings: tuple[SavedMapping, ...] = ()) -> list[FileResult]:
    """Load uploaded (name, content) pairs into `db`; too large or wrong-type files are refused unread.

    `township` is the upload form's choice, for sheets with no 乡镇 column and none
    named in their title; `mappings` are 导入方案 the user confirmed (saved when applied).
    `loaded_by` (the account) goes into load_log; with `scope` (the account's LoadScope) rows
    of other townships are rejected with that reason. Returns one FileResult per register
    read (rosters first), then the refused files.
    """
    options = LoadOptions(township=township, mappings=tuple(mappings), loaded_by=loaded_by, scope=scope)
    try:
        return _load_saved(files, db, options)
    except OSError as exc:  # the upload folder itself: a full or read-only temporary disk
        message = f"无法保存上传的文件：{os_cause(exc)}。数据库保持原样，此文件未导入。"
        return [FileResult(Path(_safe_name(name, i)), ABORTED, message=message) for i, (name, _) in
                enumerate(files, start=1)]


def _load_saved(files: list[tuple[str, bytes]], db: Path, options: LoadOptions) -> list[FileResult]:
    refused: list[FileResult] = []
    with tempfile.TemporaryDirectory(prefix="uploads-") as tmp:
        folder, saved = Path(tmp), []
        for index, (name, content) in enumerate(files, start=1):
            safe_name = _safe_name(name, index)
            refusal = _refusal(safe_name, content)
            if refusal:
                refused.append(FileResult(Path(safe_name), UNREADABLE, message=refusal))
                continue
            target = folder / safe_name
            if target.exists():  # two uploads with one name: keep both, the name still tells the register
                target = folder / str(index) / safe_name
                target.parent.mkdir()
            target.write_bytes(content)
            saved.append(target)
        # Named one by one, not as a folder: a lock file, a hidden file or a
        # rejected_rows.csv still gets its line in the report, saying it was skipped.
        listing = list_files(saved)
        try:
            loaded = load_paths(listing.files, Path(db), options=options) if listing.files else []
        except LoadAborted as exc:
            loaded = [FileResult(p, ABORTED, message=f"导入未完成：{exc}。数据库保持原样，此文件未导入。")
                      for p in listing.files]
    return loaded + listing.others + refused


def _safe_name(name: str, index: int) -> str:
    """The upload's own file name, without any folder, control character or excess length."""
    base = re.sub(r"[\x00-\x1f\x7f]", "", Path(name.replace("\\", "/")).name)
    if base in ("", ".", ".."):
        return f"上传文件{index}"
    suffix = Path(base).suffix if len(Path(base).suffix) <= 10 else ""
    while len(base.encode("utf-8")) > 200:  # file systems allow 255 bytes
        base = base[: len(base) - len(suffix) - 1] + suffix
    return base


def _refusal(name: str, content: bytes) -> str | None:
    """Why a file is not even handed to the loader, or None."""
    if len(content) > MAX_UPLOAD_BYTES:
        return too_large_message(name, len(content))
    if Path(name).suffix.lower().lstrip(".") not in ACCEPTED_TYPES:
        return wrong_type_message(name)
    return None


def report_frame(results: list[FileResult]) -> pd.DataFrame:
    """The load report as a table: one row per file with its counts and result in Chinese."""
    return pd.DataFrame(
        [(r.path.name, r.register.title if r.register else "—", r.rows_read, r.rows_accepted, r.rows_rejected,
          r.rows_skipped, status_word(r.status, r.rows_rejected), _explanation(r)) for r in results],
        columns=["file_name", "register", "rows_read", "rows_accepted", "rows_rejected", "rows_skipped", "result",
                 "message"],
    )


def _explanation(result: FileResult) -> str:
    """The loader's message, then why rows or sheets were skipped."""
    parts = [result.message] if result.message else []
    if result.skipped:
        parts.append(f"跳过的行：{result.skipped_summary()}")
    parts += [f"工作表「{sheet}」未导入：{why}" for sheet, why in result.skipped_sheets]
    if result.mapping:
        parts.append(f"按导入方案「{result.mapping}」对应各列")
    return "；".join(parts)


def warnings_preview(results: list[FileResult], limit: int = SHOWN_REJECTIONS) -> pd.DataFrame:
    """The first rows of this upload that loaded but deserve a look (a status moved back …)."""
    rows = [(r.path.name, w.row_no, w.record_id, w.message) for r in results for w in r.warnings]
    return pd.DataFrame(rows[:limit], columns=["file_name", "row_no", "record_id", "warning"])


def rejections_preview(results: list[FileResult], limit: int = SHOWN_REJECTIONS) -> pd.DataFrame:
    """The first rejected rows of this upload with their reasons; personal values masked."""
    rows = [
        (r.path.name, j.row_no, j.column_name, masked_value(j.column_name, j.value), j.reason)
        for r in results for j in r.rejections
    ]
    return pd.DataFrame(rows[:limit], columns=["file_name", "row_no", "column_name", "value", "reason"])
