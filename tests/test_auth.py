"""Accounts, sessions, the audit log, the command line and scoped uploads (etl/accounts.py, etl/users.py,
etl/load_scope.py), with the page's own sign-in form driven through AppTest."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest

from etl.accounts import Account, AccountError, AccountStore
from etl.load_scope import REASON_KEY_TAKEN, REASON_OUT_OF_SCOPE, REASON_ROSTER_COUNTY_ONLY
from queries.db import PROJECT_ROOT
from tests.apptest import Q2, open_page
from tests.conftest import SUGGESTIONS, TOWNSHIPS, VISITS, write_csv
from ui.uploads import load_uploads

PASSWORD = "correct-horse-9"
TOWN_ADMIN = Account("qh01_admin", "青河镇人大", "township_admin", county="青禾县", township_code="QH01")


@pytest.fixture
def store(county_db, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(county_db))
    monkeypatch.setenv("DASHBOARD_MAX_FAILURES", "3")  # the page's store reads the policy from the environment
    accounts = AccountStore.beside(county_db)
    accounts.add(TOWN_ADMIN, PASSWORD, by="test")
    return accounts


def events(store: AccountStore, event: str) -> list[dict]:
    return [r for r in store.audit_rows() if r["event"] == event]


def sign_in_with_form(username: str, password: str):
    """The page's own form (bare-script mode): type, click, read what the page says."""
    at = open_page("pages/suggestions.py", via_router=False, query=Q2, account=None)
    at.text_input(key="sign_in_username").input(username)
    at.text_input(key="sign_in_password").input(password)
    at.button[0].click().run()
    return at


def test_wrong_password_is_refused_in_chinese_and_audited(store):
    at = sign_in_with_form("qh01_admin", "wrong-password")
    assert not at.exception and not at.metric
    assert at.error[0].value == "账号或密码错误。再错 2 次该账号将被锁定 15 分钟。"
    (row,) = events(store, "login_failed")
    assert (row["username"], row["outcome"], row["detail"]) == ("qh01_admin", "refused", "密码错误（连续第 1 次）")


def test_unknown_account_reads_like_a_wrong_password_and_is_masked_in_the_audit(store):
    at = sign_in_with_form("my-secret-password", "x")
    assert at.error[0].value == "账号或密码错误。"
    (row,) = events(store, "login_failed")
    assert row["username"] == "my****************" and "secret" not in str(row)


def test_lockout_after_repeated_failures_even_with_the_right_password(store):
    for _ in range(3):
        sign_in_with_form("qh01_admin", "wrong-password")
    at = sign_in_with_form("qh01_admin", PASSWORD)
    assert "已被锁定" in at.error[0].value and not at.metric
    assert len(events(store, "locked")) == 1
    assert events(store, "login_failed")[0]["detail"] == "账号已锁定"
    store.unlock("qh01_admin", by="test")
    assert store.sign_in("qh01_admin", PASSWORD).token


def test_disabled_account_is_refused_and_its_sessions_end(store):
    token = store.sign_in("qh01_admin", PASSWORD).token
    store.set_disabled("qh01_admin", True, by="test")
    assert store.check_session(token).reason == "ended"  # disabling ended the session at once
    at = sign_in_with_form("qh01_admin", PASSWORD)
    assert at.error[0].value == "该账号已停用，请联系县人大管理员。"
    assert events(store, "login_failed")[0]["detail"] == "账号已停用"


def test_the_right_password_opens_the_page_for_the_own_township(store):
    at = sign_in_with_form("qh01_admin", PASSWORD)
    assert not at.exception and at.metric
    assert "青河镇" in at.caption[0].value
    assert events(store, "login")[0]["username"] == "qh01_admin"


def test_forged_idle_and_expired_tokens_are_refused_and_audited(store):
    token = store.sign_in("qh01_admin", PASSWORD).token
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert store.check_session(forged).reason == "forged"
    assert events(store, "session_refused")[0]["detail"] == "登录凭据签名不符（伪造或被篡改），已拒绝"
    con = duckdb.connect(str(store.path))
    con.execute("UPDATE sessions SET last_seen = last_seen - INTERVAL 31 MINUTE")
    con.close()
    assert store.check_session(token).reason == "idle"
    assert store.check_session(token).reason == "ended"  # ended once, audited once
    idle = [r for r in events(store, "session_refused") if "空闲" in r["detail"]]
    assert len(idle) == 1
    again = store.sign_in("qh01_admin", PASSWORD).token
    con = duckdb.connect(str(store.path))
    con.execute("UPDATE sessions SET created_at = created_at - INTERVAL 13 HOUR")
    con.close()
    assert store.check_session(again).reason == "expired"


def test_an_expired_session_in_the_page_shows_the_sign_in_form_with_a_chinese_message(store):
    at = sign_in_with_form("qh01_admin", PASSWORD)
    con = duckdb.connect(str(store.path))
    con.execute("UPDATE sessions SET last_seen = last_seen - INTERVAL 40 MINUTE")
    con.close()
    at.session_state["_auth_checked"] = None  # the next click checks the session again
    at.run()
    assert not at.metric and "长时间未操作" in at.warning[0].value


def test_a_new_password_ends_old_sessions_and_policy_is_enforced(store):
    token = store.sign_in("qh01_admin", PASSWORD).token
    with pytest.raises(AccountError, match="至少 10 个字符"):
        store.set_password("qh01_admin", "short", by="test")
    with pytest.raises(AccountError, match="账号名"):
        store.set_password("qh01_admin", "xx-qh01_admin-xx", by="test")
    store.set_password("qh01_admin", "another-good-pass", by="test")
    assert store.check_session(token).reason == "ended"
    assert not store.sign_in("qh01_admin", PASSWORD).token


def test_password_hashes_are_argon2_and_never_in_the_audit_or_listing(store):
    con = duckdb.connect(str(store.path))
    (stored,) = con.execute("SELECT password_hash FROM accounts WHERE username = 'qh01_admin'").fetchall()[0]
    con.close()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    store.sign_in("qh01_admin", PASSWORD)
    assert "$argon2" not in str(store.audit_rows()) and "$argon2" not in str(store.accounts())
    assert PASSWORD not in str(store.audit_rows())


def test_audit_log_is_a_hash_chain_that_notices_tampering(store):
    store.sign_in("qh01_admin", "wrong-password")
    store.sign_in("qh01_admin", PASSWORD)
    assert store.verify_audit() == (3, None)
    con = duckdb.connect(str(store.path))
    con.execute("UPDATE audit_log SET detail = '登录成功' WHERE audit_id = 2")
    con.close()
    assert store.verify_audit() == (3, 2)
    source = (PROJECT_ROOT / "etl" / "accounts.py").read_text(encoding="utf-8")
    assert "UPDATE audit_log" not in source and "DELETE FROM audit_log" not in source


def test_cli_users_and_audit(county_db):
    def etl(*args, stdin: str = ""):
        return subprocess.run([sys.executable, "-m", "etl", *args, "--db", str(county_db)], cwd=PROJECT_ROOT,
                              input=stdin, capture_output=True, text=True, timeout=120)

    made = etl("users", "add", "zhang", "--role", "township_viewer", "--township", "QH02", "--name", "石桥镇主席",
               "--password-stdin", stdin="a-long-password\n")
    assert made.returncode == 0, made.stderr
    assert "石桥镇主席（zhang，乡镇（查看），QH02）" in made.stdout
    listed = etl("users", "list")
    assert "zhang\t乡镇（查看）\tQH02\t正常" in listed.stdout and "$argon2" not in listed.stdout
    assert etl("users", "add", "x", "--role", "township_viewer", "--township", "ZZ99",
               "--password-stdin", stdin="a-long-password\n").stderr.startswith("乡镇名册中没有乡镇代码「ZZ99」")
    assert etl("users", "add", "y", "--role", "county_admin", "--password-stdin",
               stdin="a-long-password\n").stderr.strip() == "县人大账号需指定所属县（--county）。"
    assert etl("users", "disable", "zhang").returncode == 0
    assert "停用" in etl("users", "list").stdout
    verify = etl("audit", "--verify")
    assert verify.returncode == 0 and "哈希链无误" in verify.stdout
    assert "停用账号" in etl("audit").stdout


def test_township_upload_touches_only_its_own_township(store, county_db):
    rows = [
        SUGGESTIONS[0],
        ["G20", "2024-06-05", "QH01", "", "选民意见", "", "其他", "新的本镇意见", "", "", "", "已收集", "", "", ""],
        ["G21", "2024-06-05", "石桥镇", "", "选民意见", "", "其他", "冒充石桥镇", "", "", "", "已收集", "", "", ""],
        # G05 is 石桥镇's: filed under QH01 it would delete that record and take its id.
        ["G05", "2024-06-05", "QH01", "", "选民意见", "", "其他", "抢占编号", "", "", "", "已收集", "", "", ""],
    ]
    upload = write_csv(county_db.parent / "建议意见登记_六月.csv", rows, "utf-8")
    roster = write_csv(county_db.parent / "乡镇名册_新.csv", TOWNSHIPS, "utf-8")
    (suggestions, townships) = sorted(
        load_uploads([(upload.name, upload.read_bytes()), (roster.name, roster.read_bytes())], county_db,
                     loaded_by=TOWN_ADMIN.username, scope=TOWN_ADMIN.load_scope()),
        key=lambda r: r.path.name)[::-1]
    assert (suggestions.rows_read, suggestions.rows_accepted, suggestions.rows_rejected) == (3, 1, 2)
    reasons = {r.row_no: r.reason for r in suggestions.rejections}
    assert reasons == {3: f"「乡镇」{REASON_OUT_OF_SCOPE}", 4: f"「编号」{REASON_KEY_TAKEN}"}
    assert townships.rows_accepted == 0 and all(REASON_ROSTER_COUNTY_ONLY in r.reason for r in townships.rejections)
    con = duckdb.connect(str(county_db), read_only=True)
    try:
        assert con.execute("SELECT township_code, summary FROM suggestions WHERE suggestion_id = 'G05'").fetchall() == [
            ("QH02", "增加校车")]
        assert con.execute("SELECT count(*) FROM suggestions WHERE suggestion_id IN ('G20', 'G21')").fetchall() == [
            (1,)]
        logged = con.execute("SELECT loaded_by, township_codes, load_scope FROM load_log "
                             "WHERE file_name = '建议意见登记_六月.csv'").fetchall()
    finally:
        con.close()
    assert logged == [("qh01_admin", ["QH01", "QH02"], "townships:QH01")]


def test_a_file_refused_under_one_scope_still_loads_for_the_county(county_db):
    from etl.load_scope import LoadScope

    rows = [VISITS[0], ["2024-08-02", "QH02", "南村", "脱贫户", "H06", "", "D05", "", "", "", ""]]
    upload = write_csv(county_db.parent / "走访记录_八月.csv", rows, "utf-8")
    content = [(upload.name, upload.read_bytes())]
    (town,) = load_uploads(content, county_db, "qh01_admin", LoadScope(townships=("QH01",)))
    assert town.rows_rejected == 1
    (county,) = load_uploads(content, county_db, "county", LoadScope(county="青禾县"))
    assert county.status == "loaded" and county.rows_accepted == 1  # not "unchanged": another scope
    (again,) = load_uploads(content, county_db, "county", LoadScope(county="青禾县"))
    assert again.status == "unchanged"


def test_demo_builds_one_account_per_role(tmp_path):
    db = tmp_path / "dashboard.duckdb"
    done = subprocess.run([sys.executable, "-m", "etl", "demo", "--db", str(db), "--out", str(tmp_path / "reg"),
                           "--townships", "3"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    from etl.users import demo_accounts

    store = AccountStore.beside(db)
    assert {r["role"] for r in store.accounts()} == {"system_admin", "county_admin", "county_viewer",
                                                     "township_admin", "township_viewer"}
    for account, password in demo_accounts("", ""):
        assert f"{account.username}　" in done.stdout and password in done.stdout
        assert store.sign_in(account.username, password).token
    assert all(r["is_demo"] for r in store.accounts())
    assert "【演示】" in subprocess.run([sys.executable, "-m", "etl", "users", "list", "--db", str(db)],
                                      cwd=PROJECT_ROOT, capture_output=True, text=True).stdout


def test_oidc_claims_map_to_role_and_township():
    from ui.oidc import account_from_claims

    config = {"role_claim": "groups",
              "role_values": {"/人大/乡镇查看": "township_viewer", "/人大/县管理": "county_admin"}}
    claims = {"preferred_username": "li", "name": "李四", "groups": ["/其他", "/人大/乡镇查看"],
              "renda_township": "QH01", "renda_county": "青禾县"}
    assert account_from_claims(claims, config) == Account("li", "李四", "township_viewer", "青禾县", "QH01")
    both = {**claims, "groups": ["/人大/乡镇查看", "/人大/县管理"]}
    assert account_from_claims(both, config).role == "county_admin"  # the most privileged mapped role
    assert account_from_claims({**claims, "groups": ["/其他"]}, config) is None  # no dashboard role
    assert account_from_claims({"preferred_username": "wang", "renda_role": "county_admin"}, {}) is None  # no county
    assert account_from_claims({"email": "a@b.cn", "renda_role": "system_admin"}, {}).username == "a@b.cn"


def test_an_oidc_user_from_a_fake_st_user_sees_only_its_township(store, county_db):
    from tests.apptest import new_app

    at = new_app(PROJECT_ROOT / "pages/suggestions.py", {"township": "QH02", **Q2}, account=None)
    at.secrets["dashboard_auth"] = {"mode": "oidc"}
    at.user = {"is_logged_in": True, "preferred_username": "oidc_qh01", "name": "青河镇（统一认证）",
               "renda_role": "township_viewer", "renda_township": "QH01", "renda_county": "青禾县"}
    at.run()
    assert not at.exception
    assert "青河镇" in at.caption[0].value and not any("石桥镇" in c.value for c in at.caption)
    assert any(r["username"] == "oidc_qh01" and r["detail"] == "统一身份认证登录" for r in events(store, "login"))
    store.add(Account("oidc_qh01", "x", "township_viewer", "青禾县", "QH01"), PASSWORD, by="test")
    store.set_disabled("oidc_qh01", True, by="test")
    at.session_state["_auth_checked"] = None
    at.run()
    assert not at.metric and "已停用" in at.warning[0].value  # a disabled local account keeps the provider's user out
