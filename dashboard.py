"""人大履职看板: the entry point. It signs the session in and routes: each page is a short script in pages/.

Nothing below the gate runs without a signed-in account (ui/auth.py); the pages a role
may not use are not in its navigation at all (and check the role themselves too).
"""

from pathlib import Path

import streamlit as st

from ui import auth, chrome, presentation

HERE = Path(__file__).parent

st.set_page_config(
    page_title="人大履职看板", page_icon=str(chrome.PAGE_ICON), layout="wide",
    initial_sidebar_state="collapsed" if presentation.presenting() else "auto",
)
chrome.apply()
presentation.apply()
account = auth.gate()

PAGES = {
    "履职概况": [
        st.Page(HERE / "pages/overview.py", title="总览", icon=":material/dashboard:", default=True),
        st.Page(HERE / "pages/briefing.py", title="季度简报", icon=":material/article:"),
        st.Page(HERE / "pages/summary.py", title="工作总结", icon=":material/summarize:"),
    ],
    "专题": [
        st.Page(HERE / "pages/inspections.py", title="监督视察", icon=":material/search:"),
        st.Page(HERE / "pages/suggestions.py", title="建议办理", icon=":material/rate_review:"),
        st.Page(HERE / "pages/campaign.py", title="代表行动", icon=":material/home_work:"),
        st.Page(HERE / "pages/stations.py", title="活动站", icon=":material/storefront:"),
        st.Page(HERE / "pages/deputies.py", title="代表履职", icon=":material/groups:"),
    ],
    "比较与数据": [
        st.Page(HERE / "pages/comparison.py", title="乡镇对比", icon=":material/leaderboard:"),
    ],
}
# The desks where data and accounts are kept: in the menu, not among the pages a presenter steps through.
DESKS = [st.Page(HERE / "pages/data.py", title="数据", icon=":material/database:")]
if account.can_manage:
    DESKS.append(st.Page(HERE / "pages/accounts.py", title="账号管理", icon=":material/manage_accounts:"))
presented = [page for section in PAGES.values() for page in section]
PAGES["比较与数据"].extend(DESKS)

current = st.navigation(PAGES, position="hidden" if presentation.presenting() else "sidebar")
presentation.page_bar(presented, current)
current.run()
