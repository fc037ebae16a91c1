"""The dashboard's server: `streamlit run serve.py` (what `make run` does).

Streamlit's own server, running dashboard.py, with one addition for an intranet
(ui/intranet.py): the browser is told where the server is, so it makes no request
that is bound to fail. dashboard.py stays the script every session runs.
"""

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from ui.intranet import IntranetPage

app = st.App(
    Path(__file__).with_name("dashboard.py"),
    middleware=[Middleware(IntranetPage, base_path=st.get_option("server.baseUrlPath") or "")],
)
