"""The server's side of signing in: the /login page and the gate in front of the whole app.

Mounted by app.py through Streamlit's own ASGI app (st.App in Streamlit 1.67 takes
extra Starlette routes and middleware):
- GET /login draws the Chinese login page; POST /login checks the password
  (etl/accounts.AccountStore.sign_in: lockout, disabled accounts, audit) and answers
  with a 303 to the page asked for, setting the session cookie: signed, HttpOnly (no
  script can read it), SameSite=Lax, Secure behind HTTPS, and without Max-Age, so it
  ends with the browser session; the server ends it earlier when idle or too old.
  A double-submit token (a cookie and a hidden field) keeps other sites from posting it.
- SessionGate lets nothing but the login page, the static bundle and the health
  probe through without a valid session: a page is redirected to /login?next=…, the
  websocket that runs the app is closed before any script runs, media and uploads get
  401. Each run re-checks the session in the script as well (ui/auth.py).
"""

from __future__ import annotations

import html
import secrets
from urllib.parse import quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse
from starlette.routing import Route

from etl.accounts import MSG_NO_ACCOUNTS, SESSION_MESSAGES, AccountStore
from ui import auth

CSRF_COOKIE = "renda_login_csrf"
PUBLIC_PREFIXES = ("/static/", "/_stcore/health", "/_stcore/host-config", "/favicon.png", "/manifest.json")
MESSAGE_FOR_REASON = {**SESSION_MESSAGES, "ended": "您已退出登录。"}

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>登录 · 人大履职看板</title>
<style>
 body {{ margin:0; font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif; background:#f4f6fa;
        color:#1f2937; }}
 main {{ max-width:380px; margin:12vh auto; background:#fff; padding:2.2rem 2.4rem; border-radius:10px;
        box-shadow:0 2px 12px rgba(0,0,0,.08); }}
 h1 {{ font-size:1.5rem; margin:0 0 .3rem; color:#1B4F8C; }} p.sub {{ margin:0 0 1.6rem; color:#6b7280; }}
 label {{ display:block; margin:.9rem 0 .35rem; font-size:.95rem; }}
 input {{ width:100%; box-sizing:border-box; padding:.6rem .7rem; font-size:1rem; border:1px solid #cbd5e1;
         border-radius:6px; }}
 button {{ margin-top:1.5rem; width:100%; padding:.7rem; font-size:1.05rem; color:#fff; background:#1B4F8C;
          border:0; border-radius:6px; cursor:pointer; }}
 .msg {{ padding:.7rem .9rem; border-radius:6px; background:#fef3c7; color:#92400e; margin-bottom:1rem; }}
 .note {{ margin-top:1.4rem; font-size:.85rem; color:#6b7280; }}
</style></head>
<body><main>
<h1>人大履职看板</h1><p class="sub">请使用本单位账号登录</p>
{message}
<form method="post" action="{action}" autocomplete="on">
 <input type="hidden" name="csrf" value="{csrf}"><input type="hidden" name="next" value="{next}">
 <label for="username">账号</label><input id="username" name="username" autocomplete="username" required autofocus
   value="{username}">
 <label for="password">密码</label><input id="password" name="password" type="password"
   autocomplete="current-password" required>
 <button type="submit">登录</button>
</form>
<p class="note">连续 {failures} 次密码错误，账号将锁定 {lock} 分钟。忘记密码请联系县人大管理员。</p>
</main></body></html>
"""


def routes() -> list[Route]:
    auth.LOGIN_ROUTES_MOUNTED["mounted"] = True
    return [Route(auth.LOGIN_PATH, login, methods=["GET", "POST"])]


def _store() -> AccountStore:
    return auth.store()


def _client(request: HTTPConnection) -> str:
    forwarded = request.headers.get("x-forwarded-for", "")
    return (forwarded.split(",")[0].strip() or (request.client.host if request.client else "") or "本机")[:64]


def _secure(request: Request) -> bool:
    """HTTPS as the browser sees it: directly, or through the office's reverse proxy."""
    import os

    return (request.url.scheme == "https" or request.headers.get("x-forwarded-proto", "") == "https"
            or os.environ.get("DASHBOARD_COOKIE_SECURE") == "1")


def safe_next(target: str | None) -> str:
    """Only a path on this server (never //elsewhere or https://elsewhere) is a place to go back to."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and not target.startswith(auth.LOGIN_PATH) else "/"


def _page(request: Request, message: str = "", username: str = "", status: int = 200) -> HTMLResponse:
    # One token per browser until it signs in: a second tab or a stray request to /login keeps it valid.
    csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
    store = _store()
    if not message and store.count() == 0:
        message = MSG_NO_ACCOUNTS
    shown = f'<div class="msg" role="alert">{html.escape(message)}</div>' if message else ""
    body = PAGE.format(message=shown, action=html.escape(auth.LOGIN_PATH), csrf=csrf,
                       next=html.escape(safe_next(request.query_params.get("next") or request.scope.get("_next"))),
                       username=html.escape(username), failures=store.policy.max_failures,
                       lock=store.policy.lock_minutes)
    response = HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store",
                                                                "X-Frame-Options": "DENY"})
    response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="lax", secure=_secure(request),
                        path="/")
    return response


async def login(request: Request):
    if request.method == "GET":
        reason = request.query_params.get("reason", "")
        response = _page(request, MESSAGE_FOR_REASON.get(reason, ""))
        if reason:  # the old session is over: the browser forgets its cookie
            response.delete_cookie(auth.SESSION_COOKIE, path="/")
        return response
    form = await request.form()
    next_path = safe_next(str(form.get("next", "")))
    request.scope["_next"] = next_path
    username = str(form.get("username", ""))[:64]
    csrf = str(form.get("csrf", ""))
    if not csrf or not secrets.compare_digest(csrf, request.cookies.get(CSRF_COOKIE, "")):
        return _page(request, "登录页已过期，请重新输入账号和密码。", username, status=400)
    result = await run_in_threadpool(_store().sign_in, username, str(form.get("password", "")), _client(request))
    if not result.token:
        return _page(request, result.message, username, status=401)
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(auth.SESSION_COOKIE, result.token, httponly=True, samesite="lax", secure=_secure(request),
                        path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


def _is_navigation(request: HTTPConnection) -> bool:
    """A browser opening a page (not a favicon, script or API call): it is sent to the login page."""
    if request.scope.get("method") != "GET" or request.url.path.startswith(("/_stcore/", "/media/", "/component/")):
        return False
    destination = request.headers.get("sec-fetch-dest")
    return destination == "document" if destination else "text/html" in request.headers.get("accept", "")


class SessionGate:
    """ASGI middleware: without a valid session only the login page and the static bundle are served."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket") or self._public(scope["path"]):
            return await self.app(scope, receive, send)
        request = HTTPConnection(scope)
        token = request.cookies.get(auth.SESSION_COOKIE)
        reason = None
        if token:
            check = await run_in_threadpool(_store().check_session, token, _client(request))
            if check.account is not None:
                return await self.app(scope, receive, send)
            reason = check.reason
        if scope["type"] == "websocket":
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1008})
            return None
        if _is_navigation(request):
            wanted = scope["path"] + (f"?{request.url.query}" if request.url.query else "")
            target = f"{auth.LOGIN_PATH}?next={quote(wanted)}" + (f"&reason={reason}" if reason else "")
            response = RedirectResponse(target, status_code=302)
        else:
            response = PlainTextResponse("未登录或登录已失效。", status_code=401)
        if reason:
            response.delete_cookie(auth.SESSION_COOKIE, path="/")
        return await response(scope, receive, send)

    @staticmethod
    def _public(path: str) -> bool:
        """The login page, the static bundle and the health probe; with OIDC on, everything
        (Streamlit's st.login cookie is checked by the script, ui/oidc.py)."""
        from ui import oidc

        return path == auth.LOGIN_PATH or path.startswith(PUBLIC_PREFIXES) or oidc.enabled()
