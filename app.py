"""`streamlit run app.py` (what `make run` does): the dashboard behind its login page.

Streamlit's own ASGI app (st.App) serves dashboard.py with two additions from
ui/login_routes.py: the /login route, which sets the signed HttpOnly session cookie,
and the gate that lets nothing else through without a valid session. Running
dashboard.py directly still asks for a password, in a form on the page, but the
login then lasts only as long as that browser tab.
"""

import streamlit as st
from starlette.middleware import Middleware

from ui.login_routes import SessionGate, routes

app = st.App("dashboard.py", routes=routes(), middleware=[Middleware(SessionGate)])
