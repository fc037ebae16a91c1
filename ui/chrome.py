"""Streamlit's own chrome in Chinese, and nothing fetched from outside the intranet.

Streamlit 1.67 has no locale setting. What it writes in English is replaced here
(CSS, on every page): the upload box's button and size line and its error for a file
that is too large or of the wrong type; what cannot be replaced without losing its
meaning is hidden (the element toolbars of tables and charts, whose buttons are
English tooltips and whose CSV ignores the Chinese export; the ⋮ menu; the running
indicator's "Running…"/"Stop" words). The page icon is a file served by the
dashboard itself: a Material icon as page icon makes the browser fetch it from
fonts.gstatic.com, which an intranet machine cannot reach.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui.uploads import ACCEPTED_TYPES, MAX_UPLOAD_MB

PAGE_ICON = Path(__file__).with_name("icon.png")
_TYPES = " 或 ".join(t.upper() for t in ACCEPTED_TYPES)

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
  /* a refused file's line ("File must be 50.0MB or smaller.", "… files are not allowed.") */
  [data-testid="stFileUploader"] [data-testid="stFileUploaderFileErrorMessage"],
  [data-testid="stFileUploader"] [data-testid="stUploadedFileErrorMessage"] {{ font-size: 0; }}
  [data-testid="stFileUploader"] [data-testid="stFileUploaderFileErrorMessage"]::after,
  [data-testid="stFileUploader"] [data-testid="stUploadedFileErrorMessage"]::after {{
      content: "未上传：只接受不超过 {MAX_UPLOAD_MB} MB 的 {_TYPES} 文件"; font-size: 0.875rem;
  }}
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
