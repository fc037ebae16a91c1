"""Keep every page behind the router (dashboard.py), even for a deep link.

Streamlit still honours its older "pages/ folder" mode for an app with a folder
named pages/ beside its entry script: until the entry script has called
st.navigation once in the server process, a deep link such as /briefing runs
pages/briefing.py on its own, without the page config, presentation mode or the
Chinese navigation. This app always routes with st.navigation, so a page that
finds itself run the old way switches the mode off and reruns through the router.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def ensure_router() -> None:
    """Call first on every page: a run that bypassed dashboard.py is rerun through it."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
