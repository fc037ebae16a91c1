"""Presentation mode (?present=1): the page fills a 1920×1080 projector.

The sidebar, toolbar and menus are hidden and the type enlarged; the filters
still come from the URL, so a prepared link opens the right view on the screen.
"""

from __future__ import annotations

import streamlit as st

PRESENT_CSS = """
<style>
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"] ~ div,
  #MainMenu, footer, [data-testid="stDownloadButton"] {
      display: none !important;
  }
  .block-container, [data-testid="stMainBlockContainer"] {
      padding: 0.6rem 2.5rem 0 2.5rem !important; max-width: 100% !important;
  }
  html, body, [data-testid="stAppViewContainer"] { font-size: 20px; }
  h1 { font-size: 2.3rem !important; padding-top: 0 !important; }
  [data-testid="stMetricLabel"] p { font-size: 1.15rem !important; }
  [data-testid="stMetricValue"] { font-size: 2.3rem !important; }
  [data-testid="stCaptionContainer"] p { font-size: 1rem !important; }
</style>
"""


def presenting() -> bool:
    return st.query_params.get("present") == "1"


def apply() -> None:
    """Hide the chrome and enlarge the type when the URL asks for presentation mode."""
    if presenting():
        st.markdown(PRESENT_CSS, unsafe_allow_html=True)


def chart_height(default: int | None = None) -> int | None:
    """Charts are shorter on the projector so a page fits one 1080-pixel screen."""
    return 300 if presenting() else default
