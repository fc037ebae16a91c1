"""The 数据 page's mapping step: a file whose header is not fully recognised is not refused.

Uploaded files are first checked (etl/check.py: proposed register and columns,
and a dry run against a scratch copy of the database). Files recognised in full
load at once; for the others the page shows each header cell with a select box
holding the proposed column, the first records under it, and what would load
(read / accepted / rejected / skipped, the first reasons), recomputed as the user
corrects it. Confirming loads the file with that mapping, which is saved as an
导入方案 keyed by the header's shape: the next file of that layout loads without asking.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import streamlit as st

from etl.check import FileCheck, SheetProposal, check_file, sheet_proposals
from etl.layout import SavedMapping
from etl.loader import LoadOptions
from etl.mapping import mapping_of
from etl.reader import ReadOptions
from etl.registers import BY_KIND, REGISTERS
from etl.report import STATUS_WORDS, masked_value

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


def _saved(folder: Path, name: str, content: bytes) -> Path:
    path = folder / (Path(name.replace("\\", "/")).name or "上传文件")
    path.write_bytes(content)
    return path


def check_upload(name: str, content: bytes, db: Path, township: str | None,
                 mappings: tuple[SavedMapping, ...] = (), register=None) -> FileCheck:
    """Check one uploaded file as it would load, with the given mappings, without writing."""
    with tempfile.TemporaryDirectory(prefix="check-upload-") as tmp:
        path = _saved(Path(tmp), name, content)
        check = check_file(path, db, LoadOptions(township=township, mappings=mappings))
        if register is not None:
            check.proposals = sheet_proposals(path, ReadOptions(mappings), register)
    return check


def split_uploads(files: list[tuple[str, bytes]], db: Path, township: str | None
                  ) -> tuple[list[tuple[str, bytes]], list[PendingUpload]]:
    """Uploads that load as they are, and those the user must map first."""
    ready, pending = [], []
    for name, content in files:
        check = check_upload(name, content, db, township)
        if check.needs_confirmation and check.proposals:
            pending.append(PendingUpload(name, content, check))
        else:
            ready.append((name, content))
    return ready, pending


def mapping_form(index: int, upload: PendingUpload, db: Path, township: str | None) -> list[SavedMapping] | None:
    """Render one pending file's mapping step; return its mappings when the user confirms."""
    st.markdown(f"**「{upload.name}」的表头没有全部认出，请核对每一列对应的登记表列：**")
    first = upload.check.proposals[0]
    kinds = [r.kind for r in REGISTERS]
    kind = st.selectbox("登记表", kinds, index=kinds.index(first.register.kind),
                        format_func=lambda k: BY_KIND[k].title, key=f"data_map_{index}_register")
    register = BY_KIND[kind]
    proposals = upload.check.proposals if register is first.register else check_upload(
        upload.name, upload.content, db, township, register=register).proposals
    mappings = [_sheet_form(index, number, proposal, register) for number, proposal in enumerate(proposals)]
    # What would load with the mapping as it stands now.
    now = check_upload(upload.name, upload.content, db, township, tuple(mappings))
    _dry_run(now)
    loadable = bool(now.results) and all(r.register is not None for r in now.results)
    if st.button(f"确认并导入「{upload.name}」", type="primary", key=f"data_map_{index}_confirm",
                 disabled=not loadable, help=None if loadable else "按当前对应还无法导入，请先改正上面的对应"):
        return mappings
    return None


def _sheet_form(index: int, number: int, proposal: SheetProposal, register) -> SavedMapping:
    """One sheet: a select box per header cell (proposed column preselected) beside its first values."""
    if proposal.sheet:
        st.caption(f"工作表「{proposal.sheet}」，表头在第 {proposal.header.last_row + 1} 行")
    keys = ["", *(c.key for c in register.read_columns)]
    headers = {c.key: c.header for c in register.read_columns}
    personal = proposal.header.personal_columns()
    choices: dict[int, str] = {}
    for column in proposal.columns:
        left, middle, right = st.columns([2, 3, 5])
        left.markdown(f"`{column.label}`")
        default = keys.index(column.key) if column.key in keys else 0
        choices[column.index] = middle.selectbox(
            f"「{column.label}」对应", keys, index=default, format_func=lambda k: headers.get(k, NOT_LOADED),
            key=f"data_map_{index}_{number}_{register.kind}_{column.index}", label_visibility="collapsed",
        )
        values = [c[column.index] if column.index < len(c) else "" for c in proposal.sample[:3]]
        if column.index in personal:
            values = [masked_value("户主姓名", v) for v in values]
        shown = "　".join(v for v in values if v) or "（前几行为空）"
        right.caption(shown + (f"　（{column.source}）" if column.source else ""))
    return mapping_of(register, proposal.labels, choices, name=f"上传的「{proposal.sheet or '表头'}」")


def _dry_run(check: FileCheck) -> None:
    """Read / accepted / rejected / skipped of the dry run and its first reasons."""
    for result in check.results:
        if result.status not in STATUS_WORDS:
            continue
        if result.register is None:
            st.warning(f"按当前对应仍无法导入：{result.message}")
            continue
        st.info(f"按当前对应试导入（未写入）：{result.register.title}读取 {result.rows_read} 行，"
                f"可导入 {result.rows_accepted} 行，拒绝 {result.rows_rejected} 行，跳过 {result.rows_skipped} 行。"
                + (f"跳过：{result.skipped_summary()}" if result.skipped else ""))
        if result.rejections:
            st.dataframe(pd.DataFrame(
                [(j.row_no, j.column_name, masked_value(j.column_name, j.value), j.reason)
                 for j in result.rejections[:SHOWN_REASONS]],
                columns=["行号", "列", "值", "原因"]), hide_index=True)
