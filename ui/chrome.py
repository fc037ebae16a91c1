"""Streamlit's own chrome in Chinese, and nothing fetched from outside the intranet.

Streamlit 1.67 has no locale setting. What it writes in English is replaced here
(CSS, on every page): the upload box's button and size line and its error for a file
that is too large or of the wrong type, the skip link, the error box's message; what
cannot be replaced without losing its meaning is hidden (the element toolbars of tables
and charts, whose buttons are English tooltips and whose CSV ignores the Chinese export;
the ⋮ menu; the running indicator's "Running…"/"Stop" words; the date picker's English
quick-select; the error box's "Ask Google" links). The browser's own date picker speaks
the browser's language (zh-CN on a Chinese system). Screen-reader labels Streamlit
writes (aria-label "Previous month", "Choose date range") are not visible and stay.

The page icon is a file served by the dashboard itself: a Material icon as page icon
makes the browser fetch it from fonts.gstatic.com, which an intranet machine cannot reach.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui.uploads import ACCEPTED_TYPES, MAX_UPLOAD_MB

PAGE_ICON = Path(__file__).with_name("icon.png")
_TYPES = " 或 ".join(t.upper() for t in ACCEPTED_TYPES)
REFUSED = f"未上传：只接受不超过 {MAX_UPLOAD_MB} MB 的 {_TYPES} 文件"
ERROR = "页面出现错误，已记入服务器日志。请刷新页面重试，或联系系统管理员。"

CHROME_CSS = f"""
<style>
  /* the upload box: "Upload" and "50MB per file • CSV, XLSX" */
  [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {{ font-size: 0; }}
  [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {{
      content: "选择文件"; font-size: 0.875rem;
  }}
  [data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0; }}
  [data-testid="stFileUploaderDropzoneInstructions"] span::after {{
      content: "可拖放文件到此处；每个文件不超过 {MAX_UPLOAD_MB} MB，{_TYPES} 格式"; font-size: 0.875rem;
  }}
  /* a refused file ("Error: File must be 50.0MB or smaller.", "… files are not allowed.")
     in its line and in the tooltip over it */
  [data-testid="stFileUploader"] [role="alert"], [data-testid="stTooltipErrorContent"] {{ font-size: 0 !important; }}
  [data-testid="stFileUploader"] [role="alert"]::after, [data-testid="stTooltipErrorContent"]::after {{
      content: "{REFUSED}"; font-size: 0.875rem;
  }}
  /* the date range picker's English quick-select ("Date range", "Select...", "Past week") */
  [data-testid="stDateInputQuickSelect"] {{ display: none !important; }}
  /* the keyboard users' skip link */
  [data-testid="stSkipToContent"] {{ font-size: 0 !important; }}
  [data-testid="stSkipToContent"]::after {{ content: "跳到正文"; font-size: 1rem; }}
  /* an error box: its English words in Chinese, and no links to search engines off the intranet */
  [data-testid="stExceptionMessage"] {{ font-size: 0 !important; }}
  [data-testid="stExceptionMessage"]::after {{ content: "{ERROR}"; font-size: 1rem; }}
  [data-testid="stException"] a[target="_blank"], [data-testid="stException"] button {{ display: none !important; }}
  /* toolbars of tables and charts (English tooltips, an unstamped CSV), the ⋮ menu, Deploy */
  [data-testid="stElementToolbar"], [data-testid="stMainMenu"], #MainMenu,
  [data-testid="stAppDeployButton"], [data-testid="stToolbarActions"] {{ display: none !important; }}
  /* the briefing's summary paragraph reads like the report it goes into */
  .briefing-paragraph {{ font-size: 1.15rem; line-height: 1.9; text-indent: 2em; padding: 0.6rem 0; }}
  /* "Running…" / "Stop": keep the spinning icon, drop the words */
  [data-testid="stStatusWidget"] label, [data-testid="stStatusWidget"] button {{ display: none !important; }}
</style>
"""


def apply() -> None:
    st.markdown(CHROME_CSS, unsafe_allow_html=True)
