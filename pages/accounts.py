"""账号管理: a county's accounts, for 县人大（管理） (and 系统管理员, for every county).

Only accounts of the manager's own county are listed or changed, checked again on the
server for every change; password hashes never leave etl/accounts.py. Every change
lands in the audit log (数据 → 审计日志).
"""

import pandas as pd
import streamlit as st

from etl.accounts import COUNTY_ROLES, ROLES, SYSTEM_ADMIN, TOWNSHIP_ROLES, Account, AccountError
from queries import data as data_queries
from queries.labels import ACCOUNT_COLUMNS, ROLE_NAMES
from ui import access, auth
from ui.database import fetch
from ui.escape import md
from ui.router import ensure_router

ensure_router()
manager = auth.gate()
auth.account_box(manager)
st.title("账号管理")
auth.require(manager.can_manage, "管理账号")
store = auth.store()
county = None if manager.sees_all else manager.county
roster = fetch(data_queries.township_roster, access.account_scope())
townships = {code: name for code, name, *_ in roster}
counties = sorted({row[2] for row in roster} | ({manager.county} if manager.county else set()))


def manageable(username: str) -> bool:
    """The server's own check: the account exists and belongs to the manager's county."""
    target = store.get(username)
    return target is not None and (manager.sees_all or (target.county == manager.county
                                                        and target.role != SYSTEM_ADMIN))


def done(message: str) -> None:
    st.session_state["accounts_done"] = message
    st.rerun()


if "accounts_done" in st.session_state:
    st.success(st.session_state.pop("accounts_done"))

rows = store.accounts(county)
st.caption(f"{'全部县' if county is None else md(county)}的账号（{len(rows)}个）。"
           "密码只以不可逆的哈希保存，任何页面和导出都不显示。")
if rows:
    frame = pd.DataFrame(rows)
    frame["role_name"] = frame["role"].map(ROLE_NAMES)
    frame["state"] = [("停用" if r["disabled"] else "锁定" if r["locked_until"] else "正常")
                      + ("（演示）" if r["is_demo"] else "") for r in rows]
    frame["township_code"] = frame["township_code"].fillna("")
    frame["county"] = frame["county"].fillna("全部县")
    # Shown, never offered as a download: the account list leaves the server only through `etl users list`.
    st.dataframe(frame[list(ACCOUNT_COLUMNS)].rename(columns=ACCOUNT_COLUMNS).astype(str).replace("None", ""),
                 hide_index=True, width="stretch", key="accounts_list")

st.subheader("新建账号")
allowed_roles = list(ROLES) if manager.sees_all else [r for r in ROLES if r != SYSTEM_ADMIN]
with st.form("accounts_add", clear_on_submit=True):
    left, right = st.columns(2)
    username = left.text_input("账号（字母、数字，不含空格）", key="accounts_new_username")
    display = right.text_input("姓名或单位", key="accounts_new_name")
    role = left.selectbox("角色", allowed_roles, format_func=ROLE_NAMES.get, key="accounts_new_role")
    township = right.selectbox("所属乡镇（乡镇账号）", ["", *townships], key="accounts_new_township",
                               format_func=lambda c: f"{townships[c]}（{c}）" if c else "—")
    new_county = (left.selectbox("所属县（县人大账号）", counties, key="accounts_new_county") if manager.sees_all
                  else manager.county)
    password = left.text_input("初始密码（至少10个字符）", type="password", key="accounts_new_password")
    again = right.text_input("再输入一次", type="password", key="accounts_new_again")
    if st.form_submit_button("建立账号", type="primary"):
        township_county = next((row[2] for row in roster if row[0] == township), None)
        try:
            if password != again:
                raise AccountError("两次输入的密码不一致。")
            if role in TOWNSHIP_ROLES and township not in townships:
                raise AccountError("乡镇账号需选择所属乡镇。")
            if role not in allowed_roles:
                raise AccountError("当前账号不能建立该角色的账号。")
            target_county = township_county if role in TOWNSHIP_ROLES else (new_county if role in COUNTY_ROLES
                                                                            else None)
            store.add(Account(username, display, role, target_county, township or None), password,
                      by=manager.username)
        except AccountError as exc:
            st.error(md(exc))  # the store's messages quote the names typed in
        else:
            done(f"已建立账号「{md(username.strip())}」。")

st.subheader("修改账号")
names = [r["username"] for r in rows if r["username"] != manager.username and manageable(r["username"])]
if not names:
    st.info("没有可修改的其他账号。")
else:
    picked = st.selectbox("选择账号", names, key="accounts_pick")
    target = store.get(picked)
    left, middle, right = st.columns(3)
    if left.button("启用" if target.disabled else "停用", key="accounts_toggle") and manageable(picked):
        store.set_disabled(picked, not target.disabled, by=manager.username)
        done(f"已{'启用' if target.disabled else '停用'}「{md(picked)}」。")
    if middle.button("解除锁定", key="accounts_unlock") and manageable(picked):
        store.unlock(picked, by=manager.username)
        done(f"已解除「{md(picked)}」的锁定。")
    with right.popover("重设密码"), st.form("accounts_passwd", clear_on_submit=True):
        password = st.text_input("新密码（至少10个字符）", type="password", key="accounts_passwd_new")
        again = st.text_input("再输入一次", type="password", key="accounts_passwd_again")
        if st.form_submit_button("重设", type="primary"):
            try:
                if password != again:
                    raise AccountError("两次输入的密码不一致。")
                if not manageable(picked):
                    raise AccountError("当前账号不能修改该账号。")
                store.set_password(picked, password, by=manager.username)
            except AccountError as exc:
                st.error(md(exc))  # the store's messages quote the names typed in
            else:
                done(f"已重设「{md(picked)}」的密码，其原有登录已失效。")

st.subheader("乡镇对比排名")
setting_county = (st.selectbox("县", counties, key="accounts_setting_county") if manager.sees_all
                  else manager.county)
if setting_county:
    published = store.publishes_rankings(setting_county)
    st.caption("不公开时，乡镇账号在「乡镇对比」只看到本乡镇的数值、全县平均和本乡镇名次，看不到其他乡镇的名称和数值。")
    choice = st.toggle(f"向{setting_county}的乡镇账号公开各乡镇排名", value=published, key="accounts_publish")
    if choice != published:
        store.set_publish_rankings(setting_county, choice, by=manager.username)
        done(f"{md(setting_county)}的乡镇对比排名已{'公开' if choice else '设为不公开'}。")
