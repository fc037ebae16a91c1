"""What the dashboard writes into the audit log (etl/accounts.py), and how the 数据 page reads it.

Downloads are built when clicked, after the page's run has ended (platform notes), so
`exported` captures everything the audit row needs — account, store, scope, period —
while the page draws, and writes the row when the file is actually built.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from etl.accounts import Account
from etl.loader import FileResult
from etl.report import STATUS_WORDS
from queries.labels import AUDIT_COLUMNS, AUDIT_EVENTS, ROLE_NAMES
from ui import auth
from ui.filters import current_selection


def exported(build: Callable[[], bytes], file_name: str) -> Callable[[], bytes]:
    """`build` that also records who downloaded `file_name`, over which scope and period."""
    account, store, client = auth.current(), auth.store(), auth.client()
    selection = current_selection()
    codes = selection.scope.township_codes if selection else ()
    period = selection.period if selection else None

    def build_and_record() -> bytes:
        content = build()
        store.audit("export", "ok", account=account, client=client, detail=f"下载「{file_name}」",
                    township_codes=codes, period=period, file_name=file_name)
        return content

    return build_and_record


def uploaded(results: list[FileResult]) -> None:
    """One audit row per uploaded file: name, content hash, counts and result."""
    account, store, client = auth.current(), auth.store(), auth.client()
    for result in results:
        refused = result.status == "unreadable"
        words = STATUS_WORDS.get(result.status, result.status)
        store.audit("upload", "refused" if refused else "ok", account=account, client=client,
                    detail=f"{words}：{result.message}" if result.message else words,
                    township_codes=result.township_codes, file_name=result.path.name,
                    file_hash=result.content_hash or None,
                    rows=(result.rows_read, result.rows_accepted, result.rows_rejected))


def audit_frame(account: Account) -> pd.DataFrame:
    """The audit rows the account may read (its county's, or all for 系统管理员), in Chinese."""
    rows = auth.store().audit_rows(None if account.sees_all else account.county)
    frame = pd.DataFrame(rows, columns=["occurred_at", "username", "role", "county", "event", "outcome", "detail",
                                        "township_codes", "period_start", "period_end", "file_name", "file_hash",
                                        "rows_read", "rows_accepted", "rows_rejected", "client"])
    frame["role_name"] = frame["role"].map(ROLE_NAMES).fillna("")
    frame["event_name"] = frame["event"].map(AUDIT_EVENTS).fillna(frame["event"])
    frame["outcome_name"] = frame["outcome"].map({"ok": "成功", "refused": "拒绝"}).fillna("")
    frame["scope"] = ["、".join(c) if isinstance(c, list) else "" for c in frame["township_codes"]]
    frame["period"] = [f"{s} 至 {e}" if pd.notna(s) else "" for s, e in zip(frame["period_start"], frame["period_end"],
                                                                        strict=True)]
    frame["rows"] = [f"{int(r)}/{int(a)}/{int(j)}" if pd.notna(r) else "" for r, a, j in
                     zip(frame["rows_read"], frame["rows_accepted"], frame["rows_rejected"], strict=True)]
    return frame.fillna({"username": "", "county": "", "file_name": "", "file_hash": "", "client": ""})


def columns() -> dict[str, str]:
    return AUDIT_COLUMNS
