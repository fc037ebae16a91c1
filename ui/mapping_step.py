"""The 数据 page's mapping step: a file whose header is not fully recognised is not refused.

Uploaded files are first checked (etl/check.py: proposed register and columns,
and a dry run against a scratch copy of the database), each in a child process within
the upload limits like a load (ui/upload_process.py). Files recognised in full
load at once; for the others the page shows each header cell with a select box
holding the proposed column, the first records under it, and what would load
(read / accepted / rejected / skipped, the first reasons), recomputed as the user
corrects it. Confirming loads the file with that mapping, which is saved as an
导入方案 keyed by the header's shape: the next file of that layout loads without asking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import streamlit as st

from etl.check import FileCheck, SheetProposal
from etl.layout import SavedMapping
from etl.load_scope import LoadScope
from etl.loader import UNREADABLE, FileResult, LoadOptions
from etl.mapping import mapping_of
from etl.registers import BY_KIND, REGISTERS
from etl.report import STATUS_WORDS, masked_value
from ui import upload_process, uploads
from ui.escape import md
from ui.upload_process import UploadLimits

NOT_LOADED = "（不导入）"
PENDING = "data_pending"  # session key: uploads waiting for the user's mapping
SHOWN_REASONS = 5


@dataclass
class PendingUpload:
    """An uploaded file the user must confirm, with what checking it found."""

    name: str
    content: bytes
    check: FileCheck
    mappings: list[SavedMapping] = field(default_factory=list)


def check_upload(name: str, content: bytes, db: Path, township: str | None,
                 mappings: tuple[SavedMapping, ...] = (), register=None, *, scope: LoadScope | None = None,
                 limits: UploadLimits = UploadLimits()) -> FileCheck | FileResult:
    """Check one uploaded file as it would load, with the given mappings, without writing.

    The check is a dry run of the load under the account's `scope`, so it runs where loads run:
    in a child process within the upload limits (ui/upload_process.py). A FileResult instead of
    the check says why the file is not to be loaded at all (too many rows, out of memory or time).
    """
    options = LoadOptions(township=township, mappings=mappings, scope=scope)
    return upload_process.check(name, content, db, options, register.kind if register is not None else None, limits)


def split_uploads(files: list[tuple[str, bytes]], db: Path, township: str | None, *,
                  scope: LoadScope | None = None, limits: UploadLimits = UploadLimits()
                  ) -> tuple[list[tuple[str, bytes]], list[PendingUpload], list[FileResult]]:
    """Uploads that load as they are, those the user must map first, and the report lines of those
    refused (too large, wrong type, or their check ran out of rows, memory or time)."""
    ready, pending, refused = [], [], []
    for index, (name, content) in enumerate(files, start=1):
        why = uploads.refusal(name, content)
        if why:
            refused.append(FileResult(Path(upload_process.safe_name(name, index)), UNREADABLE, message=why))
            continue
        check = check_upload(name, content, db, township, scope=scope, limits=limits)
        if isinstance(check, FileResult):
            refused.append(check)
        elif check.needs_confirmation and check.proposals:
            pending.append(PendingUpload(name, content, check))
        else:
            ready.append((name, content))
    return ready, pending, refused


def mapping_form(index: int, upload: PendingUpload, db: Path, township: str | None, *,
                 scope: LoadScope | None = None) -> list[SavedMapping] | None:
    """Render one pending file's mapping step; return its mappings when the user confirms."""
    st.markdown(f"**「{md(upload.name)}」的表头没有全部认出，请核对每一列对应的登记表列：**")
    first = upload.check.proposals[0]
    kinds = [r.kind for r in REGISTERS]
    kind = st.selectbox("登记表", kinds, index=kinds.index(first.register.kind),
                        format_func=lambda k: BY_KIND[k].title, key=f"data_map_{index}_register")
    register = BY_KIND[kind]
    proposals = upload.check.proposals
    if register is not first.register:
        named = check_upload(upload.name, upload.content, db, township, register=register, scope=scope)
        if isinstance(named, FileResult):
            st.warning(md(named.message))
            return None
        proposals = named.proposals
    mappings = [_sheet_form(index, number, proposal, register) for number, proposal in enumerate(proposals)]
    # What would load with the mapping as it stands now.
    now = check_upload(upload.name, upload.content, db, township, tuple(mappings), scope=scope)
    if isinstance(now, FileResult):
        st.warning(f"按当前对应试导入未能完成：{md(now.message)}")
        return None
    _dry_run(now)
    loadable = bool(now.results) and all(r.register is not None for r in now.results)
    if st.button(f"确认并导入「{md(upload.name)}」", type="primary", key=f"data_map_{index}_confirm",
                 disabled=not loadable, help=None if loadable else "按当前对应还无法导入，请先改正上面的对应"):
        return mappings
    return None


def _sheet_form(index: int, number: int, proposal: SheetProposal, register) -> SavedMapping:
    """One sheet: a select box per header cell (proposed column preselected) beside its first values."""
    if proposal.sheet:
        st.caption(f"工作表「{md(proposal.sheet)}」，表头在第 {proposal.header.last_row + 1} 行")
    keys = ["", *(c.key for c in register.read_columns)]
    headers = {c.key: c.header for c in register.read_columns}
    personal = proposal.header.personal_columns()
    choices: dict[int, str] = {}
    for column in proposal.columns:
        left, middle, right = st.columns([2, 3, 5])
        left.text(column.label)  # the header as written: text, never markup
        default = keys.index(column.key) if column.key in keys else 0
        choices[column.index] = middle.selectbox(
            f"「{md(column.label)}」对应", keys, index=default, format_func=lambda k: headers.get(k, NOT_LOADED),
            key=f"data_map_{index}_{number}_{register.kind}_{column.index}", label_visibility="collapsed",
        )
        values = [c[column.index] if column.index < len(c) else "" for c in proposal.sample[:3]]
        if column.index in personal:
            values = [masked_value("户主姓名", v) for v in values]
        shown = "　".join(md(v) for v in values if v) or "（前几行为空）"
        right.caption(shown + (f"　（{md(column.source)}）" if column.source else ""))
    return mapping_of(register, proposal.labels, choices, name=f"上传的「{proposal.sheet or '表头'}」")


def _dry_run(check: FileCheck) -> None:
    """Read / accepted / rejected / skipped of the dry run and its first reasons."""
    for result in check.results:
        if result.status not in STATUS_WORDS:
            continue
        if result.register is None:
            st.warning(f"按当前对应仍无法导入：{md(result.message)}")
            continue
        st.info(f"按当前对应试导入（未写入）：{result.register.title}读取 {result.rows_read} 行，"
                f"可导入 {result.rows_accepted} 行，拒绝 {result.rows_rejected} 行，跳过 {result.rows_skipped} 行。"
                + (f"跳过：{md(result.skipped_summary())}" if result.skipped else ""))
        if result.rejections:
            st.dataframe(pd.DataFrame(
                [(j.row_no, j.column_name, masked_value(j.column_name, j.value), j.reason)
                 for j in result.rejections[:SHOWN_REASONS]],
                columns=["行号", "列", "值", "原因"]), hide_index=True)
