"""人大履职看板: the entry point. It only routes: each page is a short script in pages/."""

from pathlib import Path

import streamlit as st

HERE = Path(__file__).parent

st.set_page_config(page_title="人大履职看板", page_icon="🏛️", layout="wide")

PAGES = {
    "履职概况": [
        st.Page(HERE / "pages/overview.py", title="总览", icon="📊", default=True),
    ],
    "专题": [
        st.Page(HERE / "pages/suggestions.py", title="建议办理", icon="📝"),
    ],
}

st.navigation(PAGES).run()
