"""`streamlit run app.py` (what `make run` does): the dashboard behind its login page.

Streamlit's own ASGI app (st.App) serves dashboard.py with three additions:
ui/login_routes.py's /login route, which sets the signed HttpOnly session cookie, and
its gate that lets nothing else through without a valid session; and ui/intranet.py,
which tells the browser where the server is, so a page opened at a page path makes no
request bound to fail (Streamlit's client would probe /<page>/_stcore/… first). Running
dashboard.py directly still asks for a password, in a form on the page, but the login
then lasts only as long as that browser tab.
"""

import streamlit as st
from starlette.middleware import Middleware

from ui.intranet import IntranetPage
from ui.login_routes import SessionGate, routes

app = st.App(
    "dashboard.py", routes=routes(),
    middleware=[Middleware(SessionGate),
                Middleware(IntranetPage, base_path=st.get_option("server.baseUrlPath") or "")],
)
