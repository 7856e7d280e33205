"""A browser's way past ``--control-token``: a one-field form that sets an HttpOnly cookie.

API clients send ``Authorization: Bearer <control token>``; a browser opening the
inspector cannot. Without it, the page answers 401 with a login form; the right token
posted to ``/_mock/ui/login`` is exchanged for a cookie that opens the inspector's paths
only (not the rest of the control API). The cookie holds an HMAC of the token, not the
token, and is ``SameSite=Strict``, so no other site can make the browser use it.
"""

from __future__ import annotations

import hashlib
import hmac
from html import escape
from typing import Any
from urllib.parse import parse_qs

from mockserver.errors import PayloadTooLarge
from mockserver.http.asgi import read_body, respond

COOKIE = "orchestration_mock_inspector"
_FORM_LIMIT = 4096
_PAGE_HEADERS = [
    (b"content-type", b"text/html; charset=utf-8"),
    (b"content-security-policy", b"default-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]


def session_value(token: str) -> str:
    return hmac.new(token.encode(), b"inspector-session", hashlib.sha256).hexdigest()


def has_session(scope: dict[str, Any], token: str) -> bool:
    expected = session_value(token)
    for key, value in scope["headers"]:
        if key != b"cookie":
            continue
        for part in value.decode("latin-1").split(";"):
            name, _, content = part.strip().partition("=")
            if name == COOKIE and hmac.compare_digest(content, expected):
                return True
    return False


async def login(scope: dict[str, Any], receive: Any, send: Any, token: str, ui_prefix: str) -> bool:
    """Serve the login form or take a login; False when the request is neither (the caller refuses it)."""
    path, method = scope["path"][len(ui_prefix) :], scope["method"]
    if path == "/login" and method == "POST":
        form = await _form(receive)
        offered = (form.get("token") or [""])[0]
        if hmac.compare_digest(offered.encode(), token.encode()):
            cookie = f"{COOKIE}={session_value(token)}; Path={ui_prefix}; HttpOnly; SameSite=Strict"
            await respond(send, 303, b"", [(b"location", (ui_prefix + "/").encode()), (b"set-cookie", cookie.encode())])
        else:
            await respond(send, 401, _page(ui_prefix, "That is not the control token."), _PAGE_HEADERS)
        return True
    if path in ("", "/", "/index.html") and method == "GET":
        await respond(send, 401, _page(ui_prefix, ""), _PAGE_HEADERS)
        return True
    return False


async def _form(receive: Any) -> dict[str, list[str]]:
    try:
        raw = await read_body(receive, _FORM_LIMIT)
    except PayloadTooLarge:
        return {}  # no token is that long: a refusal, like a wrong one
    return parse_qs(raw.decode("utf-8", "replace"))


def _page(ui_prefix: str, problem: str) -> bytes:
    notice = f'<p role="alert">{escape(problem)}</p>' if problem else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Orchestration mock: inspector login</title></head>
<body>
<h1>Inspector</h1>
<p>This mock runs with <code>--control-token</code>. Enter it to open the inspector in this browser.</p>
{notice}
<form method="post" action="{escape(ui_prefix)}/login">
<label>Control token <input type="password" name="token" autocomplete="current-password" required autofocus></label>
<button type="submit">Open the inspector</button>
</form>
</body></html>
""".encode()
