"""Presentation mode (?present=1): the dashboard on the projector of a leadership review.

The sidebar, toolbar and download buttons are hidden and the type enlarged (charts keep
their own height: ticks of at least 16 px need it). A slim bar at the top takes the
presenter from page to page (← and → on the keyboard do the same) and the period back
and forth, so nobody types a URL in front of the meeting.
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
      padding: 0.4rem 2.5rem 0 2.5rem !important; max-width: 100% !important;
  }
  html, body, [data-testid="stAppViewContainer"] { font-size: 20px; }
  h1 { font-size: 1.6rem !important; padding: 0 0 0.3rem 0 !important; line-height: 1.3 !important; }
  [data-testid="stMetric"] { padding: 0.35rem 0.8rem !important; }
  [data-testid="stMetricLabel"] p { font-size: 1.05rem !important; }
  [data-testid="stMetricValue"] { font-size: 1.75rem !important; }
  [data-testid="stMetricDelta"] { font-size: 0.95rem !important; }
  [data-testid="stCaptionContainer"] p { font-size: 0.9rem !important; }
  [data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.45rem !important; }
  .briefing-paragraph { font-size: 0.95rem !important; line-height: 1.55 !important; padding: 0 0 0.9rem 0 !important; }
  .st-key-present_bar { border-bottom: 1px solid #D5DCE6; padding-bottom: 0.2rem; }
  .st-key-present_bar [data-testid="stPageLink"] p { font-size: 1rem !important; }
</style>
"""

# ← and → follow the bar's 上一页 / 下一页 links (not while typing in a field).
KEYS_JS = """
<script>
(() => {
  const doc = window.parent ? window.parent.document : document;
  if (doc.__rendaKeys) return;
  doc.__rendaKeys = true;
  doc.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const tag = (event.target && event.target.tagName) || "";
    if (["INPUT", "TEXTAREA", "SELECT"].includes(tag)) return;
    const name = {ArrowLeft: "上一页", ArrowRight: "下一页"}[event.key];
    if (!name) return;
    const link = [...doc.querySelectorAll('.st-key-present_bar a')].find(a => a.textContent.includes(name));
    if (link) { event.preventDefault(); link.click(); }
  });
})();
</script>
"""

PRESENT_QUERY = {"present": "1"}
BAR = "_present_bar"  # this run's bar, so the page can add its period buttons to it


def presenting() -> bool:
    return st.query_params.get("present") == "1"


def apply() -> None:
    """Hide the chrome and enlarge the type when the URL asks for presentation mode."""
    if presenting():
        st.markdown(PRESENT_CSS, unsafe_allow_html=True)


def page_bar(pages: list, current) -> None:
    """The presenter's bar: ◀ 上一页, every page by name, 下一页 ▶ (presentation mode only).
    The filters travel in the session, so a page switch keeps scope and period."""
    if not presenting():
        return
    index = next((i for i, page in enumerate(pages) if page.url_path == current.url_path), 0)
    bar = st.container(key="present_bar", horizontal=True, gap="small", vertical_alignment="center")
    with bar:
        st.page_link(pages[index - 1], label="上一页", icon=":material/chevron_left:", query_params=PRESENT_QUERY)
        for page in pages:
            st.page_link(page, label=page.title, query_params=PRESENT_QUERY, disabled=page.url_path == current.url_path)
        st.page_link(pages[(index + 1) % len(pages)], label="下一页", icon=":material/chevron_right:",
                     query_params=PRESENT_QUERY)
    st.session_state[BAR] = bar
    st.html(KEYS_JS, unsafe_allow_javascript=True)


def bar():
    """The presenter's bar of this run (the page adds 上一期 / 下一期 to it), else a new row."""
    return st.session_state.get(BAR) or st.container(horizontal=True)
