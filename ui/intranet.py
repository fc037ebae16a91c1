"""Serving the dashboard on an intranet: the browser asks only this server, and only once.

Streamlit's page, opened at a page path such as /suggestions, first probes
/suggestions/_stcore/health and /suggestions/_stcore/host-config (both 404) before it
finds the server at the root: its client guesses where the server is from the URL.
Telling it (window.__streamlit.BACKEND_BASE_URL, Streamlit's own setting for an app
embedded by a host) ends the guessing. This middleware writes that into the page's
HTML, and marks the page as Chinese (lang="zh-CN", so no browser offers to translate
it from English) with the product's title before the script sets it.
"""

from __future__ import annotations

import json

HTML = b"text/html"


class IntranetPage:
    """ASGI middleware: rewrite Streamlit's index.html on its way out (other responses pass)."""

    def __init__(self, app, base_path: str = "", title: str = "人大履职看板"):
        self.app = app
        base = "/" + base_path.strip("/") if base_path.strip("/") else ""
        script = (f"<script>window.__streamlit=Object.assign({{}},window.__streamlit,"
                  f"{{BACKEND_BASE_URL:window.location.origin+{json.dumps(base + '/')}}});</script>")
        self.head = script.encode()
        self.title = f"<title>{title}</title>".encode()

    async def __call__(self, scope, receive, send):
        if (scope["type"] != "http" or scope.get("method") != "GET" or "/_stcore/" in scope["path"]
                or "/static/" in scope["path"] or "/media/" in scope["path"]):
            await self.app(scope, receive, send)
            return
        # The page is a few kilobytes: ask for it uncompressed, so it can be rewritten.
        scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k.lower() != b"accept-encoding"]}
        start: dict = {}
        chunks: list[bytes] = []

        async def rewrite(message):
            if message["type"] == "http.response.start":
                start.update(message)
                if not _is_html(message):
                    await send(message)
                return
            if message["type"] != "http.response.body" or not _is_html(start):
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = self.page(b"".join(chunks))
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            await send({**start, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, rewrite)

    def page(self, body: bytes) -> bytes:
        """Streamlit's page with the server's address set before its script runs (any other
        HTML, such as the login page, passes as it is)."""
        if b"<head>" not in body or b"window.prerenderReady" not in body:
            return body
        body = body.replace(b'<html lang="en">', b'<html lang="zh-CN">', 1)
        body = body.replace(b"<title>Streamlit</title>", self.title, 1)
        return body.replace(b"<head>", b"<head>" + self.head, 1)


def _is_html(start: dict) -> bool:
    headers = {k.lower(): v for k, v in start.get("headers", [])}
    return start.get("status") == 200 and headers.get(b"content-type", b"").startswith(HTML) \
        and headers.get(b"content-encoding") is None
