"""The state inspector at ``/_mock/ui/``: live state, with actions. Imports http, api, state, engine, domain, core.

Routes (the app receives the full path; it applies the control API's access rule itself,
so ``--control off`` and ``--control-token`` cover it too, plus the session cookie that its
login form sets, see ``login.py``):

``GET  /_mock/ui/``             the page, rendered on the server
``GET  /_mock/ui/state.json``   ``{"data": snapshot, "html": {section: fragment}}``, polled every second
``GET  /_mock/ui/static/NAME``  the page's script and style sheet
``POST /_mock/ui/api/ACTION``   a JSON object of form fields -> ``{"data": {...}}`` or
                                ``{"errorCode", "errorMessage"}`` (see ``actions.py``)
``POST /_mock/ui/login``        with ``--control-token``: the token, for a session cookie (``login.py``)
"""

from __future__ import annotations

import logging
from importlib.resources import files
from typing import Any
from urllib.parse import urlsplit

import orjson

from mockserver.config import UI_PREFIX
from mockserver.errors import (
    Forbidden,
    InternalError,
    MethodNotAllowed,
    MockError,
    NotFound,
    UnsupportedMediaType,
    ValidationError,
)
from mockserver.http.asgi import JSON_HEADERS, error_body, query_param, read_body, respond
from mockserver.http.control_access import ControlAccess
from mockserver.inspector.actions import Actions
from mockserver.inspector.login import has_session, login
from mockserver.inspector.page import render_page, render_sections
from mockserver.inspector.snapshot import snapshot
from mockserver.state.backend import Backend
from mockserver.state.tenants import Tenants

__all__ = ["UI_PREFIX", "create_inspector"]

ASSETS = {"inspector.js": b"text/javascript; charset=utf-8", "inspector.css": b"text/css; charset=utf-8"}
# No inline script or style anywhere, so an escaping slip cannot execute.
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]
log = logging.getLogger("mockserver.inspector")

Scope = dict[str, Any]


def create_inspector(tenants: Tenants, access: ControlAccess) -> GuardedInspector:
    """The inspector as an ASGI app behind the control API's access rule; it expects full
    paths under ``/_mock/ui`` and shows the tenant the gateway chose (``?tenant=``)."""
    return GuardedInspector(Inspector(tenants), access)


class GuardedInspector:
    """The control API's rule, plus a browser's way in: with ``--control-token``, the
    session cookie of the login form opens the inspector's paths (and only those)."""

    def __init__(self, inspector: Inspector, access: ControlAccess) -> None:
        self.inspector = inspector
        self.access = access

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        token = self.access.token
        if self.access.allows(scope) or (self.access.enabled and token and has_session(scope, token)):
            await self.inspector(scope, receive, send)
            return
        if self.access.enabled and token and await login(scope, receive, send, token, UI_PREFIX):
            return
        refusal = self.access.refusal()
        await respond(send, refusal.status, error_body(refusal))


class Inspector:
    def __init__(self, tenants: Tenants) -> None:
        self.tenants = tenants
        self.actions = Actions(tenants).registry()
        # The assets sit beside the modules, not in a sub-directory, which setuptools would
        # take for an undeclared package.
        here = files(__name__)
        self.assets = {name: (here.joinpath(name).read_bytes(), ctype) for name, ctype in ASSETS.items()}

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        path = scope["path"][len(UI_PREFIX) :]
        method = scope["method"]
        # The engine catches up with the clock first, as the gateway does for every API call.
        self.backend.pump()
        tenancy = (
            {"tenants": self.tenants.ids(), "tenant": query_param(scope, "tenant") or ""}
            if self.tenants.enabled
            else None
        )
        try:
            if path == "":
                await _respond(send, 308, b"", [(b"location", (UI_PREFIX + "/").encode())])
            elif path in ("/", "/index.html"):
                _allow(method, "GET")
                page = render_page(snapshot(self.backend, tenancy)).encode()
                await _respond(send, 200, page, [(b"content-type", b"text/html; charset=utf-8")])
            elif path == "/state.json":
                _allow(method, "GET")
                state = snapshot(self.backend, tenancy)
                await _json(send, 200, {"data": state, "html": render_sections(state)})
            elif path.startswith("/static/") and path[len("/static/") :] in self.assets:
                _allow(method, "GET")
                body, ctype = self.assets[path[len("/static/") :]]
                await _respond(send, 200, body, [(b"content-type", ctype)])
            elif path.startswith("/api/") and path[len("/api/") :] in self.actions:
                _allow(method, "POST")
                fields = await _read_fields(scope, receive, self.backend.settings.max_body_bytes)
                result = await self.actions[path[len("/api/") :]](fields)
                await _json(send, 200, {"data": result})
            else:
                raise NotFound(f"no inspector page at {scope['path']}")
        except MockError as exc:
            await _respond(send, exc.status, error_body(exc), JSON_HEADERS)
        except Exception as exc:  # the page must show a failure, not a dropped connection
            log.exception("inspector action failed")
            failure = InternalError(f"{type(exc).__name__}: {exc}")
            await _respond(send, failure.status, error_body(failure), JSON_HEADERS)

    @property
    def backend(self) -> Backend:
        return self.tenants.current


def _allow(method: str, allowed: str) -> None:
    if method != allowed:
        raise MethodNotAllowed(f"{method} is not allowed here, only {allowed}")


async def _read_fields(scope: Scope, receive: Any, limit: int) -> dict[str, Any]:
    """The action's JSON object. Cross-site pages are refused: browsers send them with an
    ``Origin`` from elsewhere, and cannot post ``application/json`` without a preflight."""
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    origin = headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != headers.get("host"):
        raise Forbidden(f"inspector actions are refused from another origin ({origin})")
    if headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise UnsupportedMediaType("inspector actions take an application/json body")
    raw = await read_body(receive, limit)
    try:
        fields = orjson.loads(raw or b"{}")
    except orjson.JSONDecodeError as exc:
        raise ValidationError(f"invalid JSON body: {exc}") from None
    if not isinstance(fields, dict):
        raise ValidationError("the body must be a JSON object of form fields")
    return fields


async def _json(send: Any, status: int, document: Any) -> None:
    await _respond(send, status, orjson.dumps(document), JSON_HEADERS)


async def _respond(send: Any, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await respond(send, status, body, [*headers, *SECURITY_HEADERS])
