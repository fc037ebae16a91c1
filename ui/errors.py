"""The one place a page's unexpected error is caught: the user reads Chinese, the log gets the traceback.

dashboard.py runs every page through `run_page`. Streamlit's own error box would show
the exception in English, and with `client.showErrorDetails` at anything but "none"
a traceback with file paths; here the page keeps what it drew, says in Chinese what
happened, and gives an error number to find the traceback in the server log.
st.stop / st.rerun / st.switch_page are not errors (they derive from BaseException) and pass.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

import duckdb
import streamlit as st

LOG = logging.getLogger("dashboard.pages")

UNEXPECTED = ("本页遇到意外错误，部分内容未能显示。请刷新页面或更改筛选条件后重试；"
              "如仍出现，请将错误编号 {ref} 告知系统管理员。")
DATABASE = ("读取数据库时出错，本页部分内容未能显示（数据库可能正在更新，或文件已损坏）。请稍后刷新页面；"
            "如仍出现，请将错误编号 {ref} 告知系统管理员。")


def run_page(page) -> None:
    """Run the page the navigation chose; an unexpected error becomes a Chinese message."""
    try:
        page.run()
    except Exception as exc:  # noqa: BLE001 - the last line of defence for every page
        explain(exc, getattr(page, "url_path", ""))


def explain(exc: Exception, where: str) -> None:
    """Log the traceback under a fresh error number and show the user the number, never the details."""
    ref = f"{dt.datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
    LOG.error("页面「%s」出错，错误编号 %s", where or "总览", ref, exc_info=exc)
    message = DATABASE if isinstance(exc, duckdb.Error | OSError) else UNEXPECTED
    st.error(message.format(ref=ref), icon=":material/error:")
