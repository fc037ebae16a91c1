"""Accounts, sessions and the audit log: the accounts store beside the data file.

Why a file of its own: the dashboard opens the published data file read-only and
every load replaces it whole (etl/publish.py), but a login, a failed password or an
export must be written at once. The store is a small DuckDB file (`accounts.duckdb`
next to the data, or DASHBOARD_ACCOUNTS_DB) with the tables of etl/schema.sql's
"accounts store" part. DuckDB lets one process at a time write a file, so every
operation opens it, does its work in one transaction and closes it again, retrying
while the other side (the dashboard or `python -m etl users`) holds the lock.

Passwords are hashed with argon2id (argon2-cffi) and never stored, logged or shown
in clear. A session is a random id handed to the browser inside a signed token
(HMAC-SHA256 with the key in `session.key`, or DASHBOARD_SESSION_KEY); the store
keeps only the id's SHA-256, so reading this file gives no usable session.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from etl.load_scope import LoadScope
from etl.loader import ACCOUNTS_SCHEMA_SQL
from queries.db import db_path
from queries.labels import ROLE_NAMES

SYSTEM_ADMIN, COUNTY_ADMIN, COUNTY_VIEWER = "system_admin", "county_admin", "county_viewer"
TOWNSHIP_ADMIN, TOWNSHIP_VIEWER = "township_admin", "township_viewer"
ROLES = (SYSTEM_ADMIN, COUNTY_ADMIN, COUNTY_VIEWER, TOWNSHIP_ADMIN, TOWNSHIP_VIEWER)
COUNTY_ROLES = (COUNTY_ADMIN, COUNTY_VIEWER)
TOWNSHIP_ROLES = (TOWNSHIP_ADMIN, TOWNSHIP_VIEWER)
UPLOAD_ROLES = (SYSTEM_ADMIN, COUNTY_ADMIN, TOWNSHIP_ADMIN)
MANAGE_ROLES = (SYSTEM_ADMIN, COUNTY_ADMIN)


@dataclass(frozen=True)
class Policy:
    """How long a session lasts and when an account locks (README: 登录与账号)."""

    idle_minutes: int = 30  # no interaction for this long: signed out
    max_hours: int = 12  # a session never outlives a working day
    max_failures: int = 5  # consecutive wrong passwords before the account locks
    lock_minutes: int = 15
    min_password_length: int = 10

    @classmethod
    def from_env(cls) -> Policy:
        """DASHBOARD_IDLE_MINUTES, DASHBOARD_SESSION_HOURS, DASHBOARD_MAX_FAILURES, DASHBOARD_LOCK_MINUTES."""
        def number(name: str, default: int) -> int:
            try:
                return max(1, int(os.environ.get(name, default)))
            except ValueError:
                return default
        return cls(number("DASHBOARD_IDLE_MINUTES", cls.idle_minutes),
                   number("DASHBOARD_SESSION_HOURS", cls.max_hours),
                   number("DASHBOARD_MAX_FAILURES", cls.max_failures),
                   number("DASHBOARD_LOCK_MINUTES", cls.lock_minutes))


# What a person is told. Wrong password and unknown account read the same, so the
# login form does not tell which accounts exist.
MSG_WRONG = "账号或密码错误。"
MSG_WRONG_LEFT = "账号或密码错误。再错 {} 次该账号将被锁定 {} 分钟。"
MSG_LOCKED = "该账号因连续多次密码错误已被锁定，请 {} 分钟后再试，或请县人大管理员解锁。"
MSG_DISABLED = "该账号已停用，请联系县人大管理员。"
MSG_NO_ACCOUNTS = ("系统中还没有任何账号。请管理员先在服务器上运行 "
                   "python -m etl users add 账号 --role county_admin --county 县名 建立账号。")
SESSION_MESSAGES = {
    "forged": "登录凭据无效（签名不符），请重新登录。",
    "unknown": "登录凭据无效，请重新登录。",
    "ended": "您已退出登录，请重新登录。",
    "idle": "长时间未操作，已自动退出登录，请重新登录。",
    "expired": "登录已超过有效期，请重新登录。",
    "disabled": MSG_DISABLED,
    "password": "该账号的密码已修改，请用新密码重新登录。",
    "unmapped": "统一身份认证账号未配置看板角色或所属县、乡镇，请联系管理员。",
}
AUDIT_SESSION_DETAIL = {
    "forged": "登录凭据签名不符（伪造或被篡改），已拒绝",
    "unknown": "登录凭据对应的会话不存在，已拒绝",
    "idle": "超过空闲时限，会话已结束",
    "expired": "超过会话最长时限，会话已结束",
    "disabled": "账号已停用，会话已结束",
    "password": "密码已修改，旧会话已结束",
}


class AccountError(ValueError):
    """A refused account change; the message is Chinese."""


@dataclass(frozen=True)
class Account:
    """Who is signed in, and so what they may see and change."""

    username: str
    display_name: str
    role: str
    county: str | None = None
    township_code: str | None = None
    disabled: bool = False
    is_demo: bool = False

    @property
    def role_name(self) -> str:
        return ROLE_NAMES[self.role]

    @property
    def sees_all(self) -> bool:
        return self.role == SYSTEM_ADMIN

    @property
    def is_township(self) -> bool:
        return self.role in TOWNSHIP_ROLES

    @property
    def can_upload(self) -> bool:
        return self.role in UPLOAD_ROLES

    @property
    def can_manage(self) -> bool:
        return self.role in MANAGE_ROLES

    def load_scope(self) -> LoadScope | None:
        """The rows an upload by this account may change (None: every row)."""
        if self.sees_all:
            return None
        if self.is_township:
            return LoadScope(townships=(self.township_code,) if self.township_code else ())
        return LoadScope(county=self.county)

    def describe(self) -> str:
        where = "全部县" if self.sees_all else (self.township_code if self.is_township else self.county)
        return f"{self.display_name}（{self.username}，{self.role_name}，{where}）"


@dataclass(frozen=True)
class SignIn:
    """The answer to a login attempt: a token, or the Chinese reason it was refused."""

    token: str | None
    message: str = ""
    account: Account | None = None


@dataclass(frozen=True)
class SessionCheck:
    """A session token checked: the account, or why not (a SESSION_MESSAGES key)."""

    account: Account | None
    reason: str | None = None

    @property
    def message(self) -> str:
        return SESSION_MESSAGES.get(self.reason or "", "")


def accounts_path(data_db: str | os.PathLike | None = None) -> Path:
    """DASHBOARD_ACCOUNTS_DB, else accounts.duckdb beside the data file."""
    chosen = os.environ.get("DASHBOARD_ACCOUNTS_DB")
    return Path(chosen) if chosen else db_path(data_db).with_name("accounts.duckdb")


_HASHER = PasswordHasher()  # argon2id, the library's RFC 9106 low-memory profile
_DUMMY_HASH = _HASHER.hash("not-a-real-password")  # unknown accounts cost the same time
_LOCKS: dict[str, threading.Lock] = {}
_SCHEMA_READY: set[str] = set()
LOCK_WAIT_S = 15.0

ACCOUNT_COLUMNS = "username, display_name, role, county, township_code, disabled, is_demo"


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def mask_username(name: str) -> str:
    """An unknown account name as the audit log keeps it: people type passwords into the name box."""
    name = name.strip()
    return (name[:2] + "*" * max(len(name) - 2, 1))[:24] if name else ""


class AccountStore:
    """The accounts store of one data file. Cheap to create; every method opens and closes the file."""

    def __init__(self, path: str | os.PathLike, policy: Policy | None = None):
        self.path = Path(path)
        self.policy = policy or Policy.from_env()
        self._lock = _LOCKS.setdefault(str(self.path.resolve()), threading.Lock())

    @classmethod
    def beside(cls, data_db: str | os.PathLike | None = None) -> AccountStore:
        return cls(accounts_path(data_db))

    # --- the file ---------------------------------------------------------------

    @contextlib.contextmanager
    def _connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One read-write connection for one operation, waiting while another process holds the file."""
        with self._lock:
            deadline = time.monotonic() + LOCK_WAIT_S
            while True:
                try:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    con = duckdb.connect(str(self.path))
                    break
                except duckdb.IOException as exc:
                    if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            try:
                key = str(self.path.resolve())
                if key not in _SCHEMA_READY:
                    con.execute(ACCOUNTS_SCHEMA_SQL)
                    _SCHEMA_READY.add(key)
                yield con
            finally:
                con.close()

    def exists(self) -> bool:
        return self.path.exists()

    # --- accounts ---------------------------------------------------------------

    def count(self) -> int:
        if not self.exists():
            return 0
        with self._connect() as con:
            return con.execute("SELECT count(*) FROM accounts").fetchall()[0][0]

    def get(self, username: str) -> Account | None:
        if not self.exists():
            return None
        with self._connect() as con:
            row = con.execute(f"SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE username = ?",
                              [username.strip()]).fetchall()
        return Account(*row[0]) if row else None

    def accounts(self, county: str | None = None) -> list[dict]:
        """Every account (or a county's), without its password hash: what the 账号管理 page and `users list` show."""
        if not self.exists():
            return []
        with self._connect() as con:
            frame = con.execute(
                f"SELECT {ACCOUNT_COLUMNS}, failed_logins, locked_until, created_at, created_by, "
                "(SELECT max(last_seen) FROM sessions s WHERE s.username = a.username) AS last_seen "
                "FROM accounts a WHERE $county IS NULL OR county = $county ORDER BY county, township_code, username",
                {"county": county}).fetchall()
            names = [d[0] for d in con.description]
        return [dict(zip(names, row, strict=True)) for row in frame]

    def add(self, account: Account, password: str, by: str, is_demo: bool = False) -> Account:
        """A new account; the password is checked against the policy and stored only as its hash."""
        account = _checked(account)
        self.check_password(password, account.username)
        hashed = _HASHER.hash(password)
        with self._connect() as con:
            if con.execute("SELECT count(*) FROM accounts WHERE username = ?", [account.username]).fetchall()[0][0]:
                raise AccountError(f"账号「{account.username}」已存在。")
            now = _now()
            con.execute(
                "INSERT INTO accounts VALUES (?, ?, ?, ?, ?, ?, ?, false, 0, NULL, ?, ?, ?)",
                [account.username, account.display_name, account.role, account.county, account.township_code,
                 hashed, now, is_demo, now, by])
            self._audit(con, "account", "ok", actor=by, detail=f"新建账号 {account.describe()}",
                        county=account.county)
        return self.get(account.username)

    def check_password(self, password: str, username: str) -> None:
        if len(password) < self.policy.min_password_length:
            raise AccountError(f"密码至少 {self.policy.min_password_length} 个字符。")
        if username.strip().lower() in password.lower():
            raise AccountError("密码中不能包含账号名。")

    def set_password(self, username: str, password: str, by: str) -> None:
        """A new password; every session signed in with the old one ends."""
        account = self._require(username)
        self.check_password(password, username)
        hashed = _HASHER.hash(password)
        with self._connect() as con:
            now = _now()
            con.execute("UPDATE accounts SET password_hash = ?, password_set_at = ?, failed_logins = 0, "
                        "locked_until = NULL, is_demo = false WHERE username = ?", [hashed, now, username])
            self._end_sessions(con, username, "password")
            self._audit(con, "account", "ok", actor=by, detail=f"重设密码：{account.describe()}",
                        county=account.county)

    def set_disabled(self, username: str, disabled: bool, by: str) -> None:
        account = self._require(username)
        with self._connect() as con:
            con.execute("UPDATE accounts SET disabled = ? WHERE username = ?", [disabled, username])
            if disabled:
                self._end_sessions(con, username, "disabled")
            word = "停用账号" if disabled else "启用账号"
            self._audit(con, "account", "ok", actor=by, detail=f"{word}：{account.describe()}", county=account.county)

    def unlock(self, username: str, by: str) -> None:
        account = self._require(username)
        with self._connect() as con:
            con.execute("UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE username = ?", [username])
            self._audit(con, "account", "ok", actor=by, detail=f"解除锁定：{account.describe()}",
                        county=account.county)

    def _require(self, username: str) -> Account:
        account = self.get(username)
        if account is None:
            raise AccountError(f"没有账号「{username}」。")
        return account

    # --- signing in and sessions ------------------------------------------------

    def sign_in(self, username: str, password: str, client: str = "") -> SignIn:
        """Check a password; on success a new session and its token. Every attempt is audited."""
        username = username.strip()
        with self._connect() as con:
            row = con.execute(f"SELECT {ACCOUNT_COLUMNS}, password_hash, failed_logins, locked_until "
                              "FROM accounts WHERE username = ?", [username]).fetchall()
        if not row:
            _verify(_DUMMY_HASH, password)
            with self._connect() as con:
                self._audit(con, "login_failed", "refused", actor=mask_username(username), client=client,
                            detail="账号不存在")
            return SignIn(None, MSG_WRONG)
        *fields, stored, failures, locked_until = row[0]
        account = Account(*fields)
        now = _now()
        if locked_until and locked_until > now:
            minutes = max(1, -int(-(locked_until - now).total_seconds() // 60))
            with self._connect() as con:
                self._audit(con, "login_failed", "refused", account=account, client=client, detail="账号已锁定")
            return SignIn(None, MSG_LOCKED.format(minutes))
        if not _verify(stored, password):
            return self._wrong_password(account, failures or 0, client)
        if account.disabled:
            with self._connect() as con:
                self._audit(con, "login_failed", "refused", account=account, client=client, detail="账号已停用")
            return SignIn(None, MSG_DISABLED)
        session_id = secrets.token_urlsafe(32)
        with self._connect() as con:
            con.execute("UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE username = ?", [username])
            if _HASHER.check_needs_rehash(stored):
                con.execute("UPDATE accounts SET password_hash = ? WHERE username = ?",
                            [_HASHER.hash(password), username])
            con.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, NULL, NULL, ?)",
                        [_sid_hash(session_id), username, now, now, client])
            self._audit(con, "login", "ok", account=account, client=client, detail="登录成功")
        return SignIn(self._sign(session_id), "", account)

    def _wrong_password(self, account: Account, failures: int, client: str) -> SignIn:
        failures += 1
        policy = self.policy
        locked = failures >= policy.max_failures
        with self._connect() as con:
            until = _now() + dt.timedelta(minutes=policy.lock_minutes) if locked else None
            con.execute("UPDATE accounts SET failed_logins = ?, locked_until = ? WHERE username = ?",
                        [0 if locked else failures, until, account.username])
            self._audit(con, "login_failed", "refused", account=account, client=client,
                        detail=f"密码错误（连续第 {failures} 次）")
            if locked:
                self._audit(con, "locked", "refused", account=account, client=client,
                            detail=f"连续 {failures} 次密码错误，账号锁定 {policy.lock_minutes} 分钟")
        if locked:
            return SignIn(None, MSG_LOCKED.format(policy.lock_minutes))
        return SignIn(None, MSG_WRONG_LEFT.format(policy.max_failures - failures, policy.lock_minutes))

    def check_session(self, token: str | None, client: str = "") -> SessionCheck:
        """The account behind a session token, if the session still stands; ends it when it has run out."""
        session_id = self._unsign(token)
        if session_id is None:
            with self._connect() as con:
                self._audit(con, "session_refused", "refused", client=client, detail=AUDIT_SESSION_DETAIL["forged"])
            return SessionCheck(None, "forged")
        if not self.exists():
            return SessionCheck(None, "unknown")
        sid = _sid_hash(session_id)
        with self._connect() as con:
            found = con.execute(
                f"SELECT {', '.join('a.' + c for c in ACCOUNT_COLUMNS.split(', '))}, a.password_set_at, "
                "s.created_at, s.last_seen, s.ended_at FROM sessions s JOIN accounts a USING (username) "
                "WHERE s.session_hash = ?", [sid]).fetchall()
            if not found:
                self._audit(con, "session_refused", "refused", client=client, detail=AUDIT_SESSION_DETAIL["unknown"])
                return SessionCheck(None, "unknown")
            *fields, password_set_at, created_at, last_seen, ended_at = found[0]
            account = Account(*fields)
            if ended_at is not None:
                return SessionCheck(None, "ended")
            now = _now()
            reason = None
            if now - last_seen > dt.timedelta(minutes=self.policy.idle_minutes):
                reason = "idle"
            elif now - created_at > dt.timedelta(hours=self.policy.max_hours):
                reason = "expired"
            elif account.disabled:
                reason = "disabled"
            elif password_set_at and password_set_at > created_at:
                reason = "password"
            if reason:
                con.execute("UPDATE sessions SET ended_at = ?, end_reason = ? WHERE session_hash = ?",
                            [now, reason, sid])
                self._audit(con, "session_refused", "refused", account=account, client=client,
                            detail=AUDIT_SESSION_DETAIL[reason])
                return SessionCheck(None, reason)
            if now - last_seen >= dt.timedelta(seconds=60):  # idle time counts in minutes: write at most once one
                con.execute("UPDATE sessions SET last_seen = ? WHERE session_hash = ?", [now, sid])
        return SessionCheck(account)

    def sign_out(self, token: str | None, client: str = "") -> None:
        session_id = self._unsign(token)
        if session_id is None:
            return
        sid = _sid_hash(session_id)
        with self._connect() as con:
            found = con.execute("SELECT username FROM sessions WHERE session_hash = ? AND ended_at IS NULL",
                                [sid]).fetchall()
            if not found:
                return
            con.execute("UPDATE sessions SET ended_at = ?, end_reason = 'logout' WHERE session_hash = ?",
                        [_now(), sid])
            account = con.execute(f"SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE username = ?",
                                  [found[0][0]]).fetchall()
            self._audit(con, "logout", "ok", account=Account(*account[0]) if account else None,
                        actor=found[0][0], client=client, detail="退出登录")

    def _end_sessions(self, con, username: str, reason: str) -> None:
        con.execute("UPDATE sessions SET ended_at = ?, end_reason = ? WHERE username = ? AND ended_at IS NULL",
                    [_now(), reason, username])

    # --- signed tokens ----------------------------------------------------------

    def _key(self) -> bytes:
        """DASHBOARD_SESSION_KEY, else session.key beside the store (made on first use, owner-only)."""
        given = os.environ.get("DASHBOARD_SESSION_KEY")
        if given:
            return given.encode()
        key_file = self.path.with_name("session.key")
        if not key_file.exists():
            key_file.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileExistsError):
                descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(descriptor, "w") as handle:
                    handle.write(secrets.token_hex(32))
        return key_file.read_text().strip().encode()

    def _sign(self, session_id: str) -> str:
        payload = f"v1.{session_id}"
        return f"{payload}.{_mac(self._key(), payload)}"

    def _unsign(self, token: str | None) -> str | None:
        """The session id inside a token whose signature holds, else None."""
        if not token or token.count(".") != 2:
            return None
        version, session_id, mac = token.split(".")
        if version != "v1" or not hmac.compare_digest(mac, _mac(self._key(), f"{version}.{session_id}")):
            return None
        return session_id

    # --- the audit log ----------------------------------------------------------

    def audit(self, event: str, outcome: str = "ok", account: Account | None = None, **fields) -> None:
        """Append one row (exports, uploads, scope refusals: what the dashboard records)."""
        with self._connect() as con:
            self._audit(con, event, outcome, account=account, **fields)

    def _audit(self, con, event: str, outcome: str, account: Account | None = None, actor: str | None = None,
               county: str | None = None, detail: str = "", township_codes=None, period=None,
               file_name: str | None = None, file_hash: str | None = None, rows=None, client: str = "") -> None:
        """Insert one audit row, chained to the previous one by its hash (never UPDATE or DELETE here)."""
        previous = con.execute("SELECT audit_id, row_hash FROM audit_log ORDER BY audit_id DESC LIMIT 1").fetchall()
        audit_id, prev_hash = (previous[0][0] + 1, previous[0][1]) if previous else (1, "")
        read, accepted, rejected = rows or (None, None, None)
        row = {
            "audit_id": audit_id, "occurred_at": _now(), "username": actor or (account.username if account else None),
            "role": account.role if account else None, "county": county or (account.county if account else None),
            "event": event, "outcome": outcome, "detail": detail,
            "township_codes": list(township_codes) if township_codes is not None else None,
            "period_start": period.start if period else None, "period_end": period.end if period else None,
            "file_name": file_name, "file_hash": file_hash, "rows_read": read, "rows_accepted": accepted,
            "rows_rejected": rejected, "client": client or None, "prev_hash": prev_hash,
        }
        row["row_hash"] = _row_hash(row)
        columns = ", ".join(row)
        con.execute(f"INSERT INTO audit_log ({columns}) VALUES ({', '.join('?' * len(row))})", list(row.values()))

    def audit_rows(self, county: str | None = None, limit: int = 5000) -> list[dict]:
        """The newest audit rows (a county's, or all), for the 数据 page and `etl audit`."""
        if not self.exists():
            return []
        with self._connect() as con:
            result = con.execute(
                "SELECT * EXCLUDE (prev_hash, row_hash) FROM audit_log WHERE $county IS NULL OR county = $county "
                "ORDER BY audit_id DESC LIMIT $limit", {"county": county, "limit": limit})
            names = [d[0] for d in result.description]
            return [dict(zip(names, row, strict=True)) for row in result.fetchall()]

    def verify_audit(self) -> tuple[int, int | None]:
        """(rows checked, first audit_id whose chain is broken or None): `etl audit --verify`."""
        if not self.exists():
            return 0, None
        with self._connect() as con:
            result = con.execute("SELECT * FROM audit_log ORDER BY audit_id")
            names = [d[0] for d in result.description]
            rows = [dict(zip(names, row, strict=True)) for row in result.fetchall()]
        prev_hash, expected_id = "", 1
        for row in rows:
            stored = row.pop("row_hash")
            if row["audit_id"] != expected_id or row["prev_hash"] != prev_hash or _row_hash(row) != stored:
                return len(rows), row["audit_id"]
            prev_hash, expected_id = stored, expected_id + 1
        return len(rows), None

    # --- county settings --------------------------------------------------------

    def publishes_rankings(self, county: str | None) -> bool:
        if not county or not self.exists():
            return False
        with self._connect() as con:
            found = con.execute("SELECT publish_rankings FROM county_settings WHERE county = ?", [county]).fetchall()
        return bool(found and found[0][0])

    def set_publish_rankings(self, county: str, publish: bool, by: str) -> None:
        with self._connect() as con:
            con.execute("DELETE FROM county_settings WHERE county = ?", [county])
            con.execute("INSERT INTO county_settings VALUES (?, ?, ?, ?)", [county, publish, _now(), by])
            word = "公开" if publish else "不公开"
            self._audit(con, "setting", "ok", actor=by, county=county,
                        detail=f"{county}乡镇对比排名对乡镇账号{word}")


def _checked(account: Account) -> Account:
    """An account whose role has the scope it needs (a county, or a township)."""
    if not account.username.strip() or any(c.isspace() for c in account.username.strip()):
        raise AccountError("账号名不能为空，也不能含空格。")
    if account.role not in ROLES:
        raise AccountError(f"角色「{account.role}」无效，可选：{'、'.join(ROLES)}。")
    if account.role in COUNTY_ROLES and not account.county:
        raise AccountError("县人大账号需指定所属县（--county）。")
    if account.role in TOWNSHIP_ROLES and not account.township_code:
        raise AccountError("乡镇账号需指定所属乡镇代码（--township）。")
    return Account(account.username.strip(), account.display_name.strip() or account.username.strip(),
                   account.role, account.county if account.role != SYSTEM_ADMIN else None,
                   account.township_code if account.role in TOWNSHIP_ROLES else None)


def _verify(stored: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _sid_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _mac(key: bytes, payload: str) -> str:
    digest = hmac.new(key, payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _row_hash(row: dict) -> str:
    """SHA-256 over the row (previous hash included), in a fixed text form."""
    text = json.dumps({k: v for k, v in row.items() if k != "row_hash"}, sort_keys=True, ensure_ascii=False,
                      default=str)
    return hashlib.sha256(text.encode()).hexdigest()
