"""The ASGI layer in front of Connexion: what the real gateway and auth middleware do.

It serves the token endpoint and JWKS, refuses oversized bodies (413) without reading
them whole, enforces bearer auth on the orchestration routes, reproduces the real
service's transport quirks in ``--quirks real``, keeps the request journal, and lets
the engine catch up with the clock before each request. Requests that fastpath.py proves
valid are answered here; everything else goes on to Connexion.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

import orjson

from mockserver.accesslog import AccessLog
from mockserver.auth import TokenAuthority, basic_credentials
from mockserver.backend import Backend
from mockserver.config import CONTROL_PREFIX, GATEWAY_PREFIX, TOKEN_PATH
from mockserver.errors import MockError, NotFound, PayloadTooLarge, Unauthorized, ValidationError
from mockserver.fastpath import FastRoutes
from mockserver.http_errors import no_such_route
from mockserver.inspector import UI_PREFIX, create_inspector
from mockserver.inspector.login import has_session, login
from mockserver.limits import check_json_depth
from mockserver.logredact import redact
from mockserver.presenter import rfc3339
from mockserver.yamlsafe import load_yaml

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PROTECTED = re.compile(r"^(?:/api/orchestration)?/(?:workflows|instances|triggers)(?:/|$)")
STAGE_HISTORY = re.compile(r"^(?:/api/orchestration)?/instances/[^/]+/stages/([^/]+)/history$")
INT64 = re.compile(r"^[+-]?\d{1,19}$")
JWKS_PATHS = frozenset({"/api/auth/keys", "/api/auth/.well-known/jwks.json", "/.well-known/jwks.json"})
OPENID_PATHS = frozenset({"/api/auth/.well-known/openid-configuration", "/.well-known/openid-configuration"})
JSON_HEADERS = [(b"content-type", b"application/json")]
_log = logging.getLogger("mockserver")
JSON_TYPES = frozenset({"application/json"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
WORKFLOWS = re.compile(r"^(?:/api/orchestration)?/workflows/?$")
ROOTS = re.compile(r"^(?:/api/orchestration)?/(?:workflows|instances|triggers)(?:/[^/]+)?$")


def error_body(exc: MockError) -> bytes:
    return orjson.dumps({"errorCode": exc.code, "errorMessage": exc.message}) + b"\n"


async def respond(send: Send, status: int, body: bytes = b"", headers: list[tuple[bytes, bytes]] | None = None) -> None:
    head = list(headers if headers is not None else JSON_HEADERS)
    head.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": head})
    await send({"type": "http.response.body", "body": body})


class _BodyTooLarge(Exception):
    pass


class Gateway:
    def __init__(
        self,
        app: ASGIApp,
        backend: Backend,
        authority: TokenAuthority,
        access_log: AccessLog | None = None,
        fast_routes: FastRoutes | None = None,
    ) -> None:
        self.app = app
        self.fast_routes = fast_routes
        self.access_log = access_log
        self.backend = backend
        self.authority = authority
        self.settings = backend.settings
        self.inspector = create_inspector(backend)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status_box = [0]

        async def send_recording(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_box[0] = message["status"]
            await send(message)

        try:
            await self._dispatch(scope, receive, send_recording)
        finally:
            self._journal(scope, status_box[0], started)

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        method: str = scope["method"]
        declared = _content_length(scope)
        limit = self.settings.max_body_bytes
        if declared is not None and declared > limit:
            await self._fail(send, PayloadTooLarge(f"request body exceeds {limit} bytes"))
            return
        if path == TOKEN_PATH:
            await self._token(scope, receive, send)
            return
        if path in JWKS_PATHS:
            await respond(send, 200, orjson.dumps(self.authority.jwks()))
            return
        if path in OPENID_PATHS:
            await respond(send, 200, orjson.dumps(self._openid()))
            return
        inspector = path == UI_PREFIX or path.startswith(UI_PREFIX + "/")
        if path.startswith(CONTROL_PREFIX) and not self._control_allowed(scope, inspector=inspector):
            token = self.settings.control_token
            if not (inspector and token and await login(scope, receive, send, token, UI_PREFIX)):
                await self._control_refused(send)
            return
        # --- state inspector (mockserver/inspector): behind the control API's access check ---
        if inspector:
            await self.inspector(scope, receive, send)
            return
        # --- end state inspector ---
        if self.settings.auth and PROTECTED.match(path):
            try:
                self.authority.authorize(_header(scope, b"authorization"), method)
            except MockError as exc:
                await self._fail(send, exc, bare=self.backend.real_quirks)
                return
        if path.endswith("/") and PROTECTED.match(path):
            # As the real router: collections and /{id} roots take a trailing slash, leaves do not.
            if not ROOTS.match(path[:-1]):
                body, content_type = no_such_route(self.backend.real_quirks)
                await respond(send, 404, body, [(b"content-type", content_type.encode())])
                return
            path = path[:-1]
            scope = {**scope, "path": path, "raw_path": path.encode()}
        stage = STAGE_HISTORY.match(path)
        if stage and not _is_int64(stage.group(1)):
            # Connexion would not even route a non-integer; the spec promises 400, the service a bare 404.
            if self.backend.real_quirks:
                await respond(send, 404)
            else:
                await self._fail(send, ValidationError(f"stage number {stage.group(1)!r} is not an int64"))
            return
        receive = _limited(receive, limit)
        raw: bytes | None = None
        if method in BODY_METHODS and (PROTECTED.match(path) or path.startswith(CONTROL_PREFIX)):
            try:
                scope, receive, raw = await _as_json_request(scope, receive, path)
            except _BodyTooLarge:
                await self._fail(send, PayloadTooLarge(f"request body exceeds {limit} bytes"))
                return
            except ValidationError as exc:
                await self._fail(send, exc)
                return
        self.backend.engine.pump()
        if self.fast_routes is not None and await self._fast(scope, raw, send):
            return
        if path.startswith(GATEWAY_PREFIX + "/"):
            scope = {**scope, "root_path": GATEWAY_PREFIX}
        try:
            await self.app(scope, receive, send)
        except _BodyTooLarge:
            await self._fail(send, PayloadTooLarge(f"request body exceeds {limit} bytes"))

    async def _fast(self, scope: Scope, raw: bytes | None, send: Send) -> bool:
        """Answer a request that fastpath proves valid without Connexion; False to let Connexion answer."""
        path: str = scope["path"]
        if path.startswith(GATEWAY_PREFIX + "/"):
            path = path[len(GATEWAY_PREFIX) :]
        found = self.fast_routes.match(scope["method"], path) if self.fast_routes is not None else None
        if found is None:
            return False
        operation, arguments = found
        query = operation.query_arguments(scope.get("query_string", b""))
        if query is None:
            return False
        arguments.update(query)
        if operation.body is None:
            if raw or (raw is None and not _bodiless(scope)):
                return False
        else:
            if not raw or _header(scope, b"content-type") != "application/json":
                return False
            try:
                body = orjson.loads(raw)
            except orjson.JSONDecodeError:
                return False
            if body is None or not operation.body.is_valid(body):
                return False
            arguments["body"] = body
        try:
            payload, status = await operation.handler(**arguments)
        except MockError as exc:
            await self._fail(send, exc)
            return True
        except Exception as exc:  # the answer http_errors.unexpected gives behind Connexion
            _log.exception("unexpected error", exc_info=exc)
            await self._fail(send, MockError(f"internal error: {type(exc).__name__}"))
            return True
        if payload is None and status == 204:
            await send({"type": "http.response.start", "status": 204, "headers": JSON_HEADERS})
            await send({"type": "http.response.body", "body": b""})
        else:
            await respond(send, status, _json(payload) + b"\n")
        return True

    def _control_allowed(self, scope: Scope, *, inspector: bool) -> bool:
        """Control calls need the control token as a bearer; the inspector's pages also take the
        session cookie its login form sets (a browser cannot send the header)."""
        if not self.settings.control:
            return False
        expected = self.settings.control_token
        if expected is None:
            return True
        header = _header(scope, b"authorization") or ""
        return hmac.compare_digest(header.encode(), f"Bearer {expected}".encode()) or (
            inspector and has_session(scope, expected)
        )

    async def _control_refused(self, send: Send) -> None:
        if not self.settings.control:
            await self._fail(send, NotFound("the control API is disabled (--control off)"))
        else:
            await self._fail(send, Unauthorized("the control API needs its own token (--control-token)"))

    async def _fail(self, send: Send, exc: MockError, *, bare: bool = False) -> None:
        await respond(send, exc.status, b"" if bare else error_body(exc))

    async def _token(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "POST":
            await respond(send, 405, orjson.dumps({"error": "invalid_request"}), [*JSON_HEADERS, (b"allow", b"POST")])
            return
        raw = b""
        more = True
        while more:
            message = await receive()
            raw += message.get("body", b"")
            more = message.get("more_body", False)
            if len(raw) > self.settings.max_body_bytes:
                await self._fail(send, PayloadTooLarge("request body too large"))
                return
        form = {k: v[0] for k, v in parse_qs(raw.decode("latin-1")).items()}
        basic = basic_credentials(_header(scope, b"authorization"))
        client_id, secret = basic or (form.get("client_id", ""), form.get("client_secret", ""))
        if form.get("grant_type") != "client_credentials":
            body = {"error": "unsupported_grant_type", "error_description": "only client_credentials is supported"}
            await respond(send, 400, orjson.dumps(body))
            return
        try:
            grant = self.authority.issue(client_id, secret, form.get("scope"))
        except MockError as exc:
            error = "invalid_client" if exc.status == 401 else "invalid_scope"
            await respond(send, exc.status, orjson.dumps({"error": error, "error_description": exc.message}))
            return
        await respond(send, 200, orjson.dumps(grant.as_json()), [*JSON_HEADERS, (b"cache-control", b"no-store")])

    def _openid(self) -> dict[str, Any]:
        issuer = self.authority.issuer
        return {
            "issuer": issuer,
            "token_endpoint": issuer.rsplit("/api/auth", 1)[0] + TOKEN_PATH,
            "jwks_uri": issuer + "/keys",
            "grant_types_supported": ["client_credentials"],
            "scopes_supported": ["orchestration:read", "orchestration:write"],
        }

    def _journal(self, scope: Scope, status: int, started: float) -> None:
        path: str = scope["path"]
        raw_query = scope.get("query_string", b"")
        query = redact("?" + raw_query.decode("latin-1"))[1:] if raw_query else ""
        duration_ms = (time.perf_counter() - started) * 1000
        if self.access_log is not None:
            self.access_log.line(scope["method"], path, query, status, duration_ms)
        if path.startswith(CONTROL_PREFIX):
            return
        self.backend.journal.append(
            {
                "method": scope["method"],
                "path": path,
                "query": query,
                "status": status,
                "date": rfc3339(self.backend.clock.now()),
                "durationMs": round(duration_ms, 3),
            }
        )


def _json(body: Any) -> bytes:
    """What app._OrjsonModule writes: orjson, or the standard library for integers beyond 64 bits."""
    try:
        return orjson.dumps(body)
    except TypeError:
        return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


def _bodiless(scope: Scope) -> bool:
    return _header(scope, b"content-length") in (None, "0") and _header(scope, b"transfer-encoding") is None


def _content_length(scope: Scope) -> int | None:
    value = _header(scope, b"content-length")
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


async def _as_json_request(scope: Scope, receive: Receive, path: str) -> tuple[Scope, Receive, bytes | None]:
    """Read every body as JSON whatever its declared type, as the real service does.

    The one exception is also the real service's: ``POST /workflows`` with exactly
    ``text/vnd.yaml`` is YAML, converted here so that Connexion validates it like JSON.
    The control API's fixture loader keeps its YAML types. Also returns the JSON body read,
    if any.
    """
    ctype = (_header(scope, b"content-type") or "").strip()
    media = ctype.split(";")[0].strip()
    if media.lower() in JSON_TYPES:
        if media in JSON_TYPES:
            return await _depth_checked(scope, receive)
        # Media types are case-insensitive (RFC 9110), Connexion's match is not: without this,
        # ``APPLICATION/JSON`` reached the handlers as unparsed bytes (a 500).
        headers = [(k, v) for k, v in scope["headers"] if k != b"content-type"]
        headers.append((b"content-type", ctype.replace(media, media.lower(), 1).encode("latin-1")))
        return await _depth_checked({**scope, "headers": headers}, receive)
    if path.startswith(CONTROL_PREFIX) and "yaml" in ctype.lower():
        return scope, receive, None
    headers = [(k, v) for k, v in scope["headers"] if k not in (b"content-type", b"content-length")]
    if ctype == "text/vnd.yaml" and WORKFLOWS.match(path):
        raw = await _read_all(receive)
        document = load_yaml(raw, what="unmarshalling yaml: the body") if raw.strip() else None
        try:
            body = orjson.dumps(document) if raw.strip() else b""
        except (TypeError, orjson.JSONEncodeError) as exc:
            raise ValidationError(f"unmarshalling yaml: {exc}") from exc
        headers += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        return {**scope, "headers": headers}, _replay(body), body
    headers.append((b"content-type", b"application/json"))
    length = _header(scope, b"content-length")
    if length is not None:
        headers.append((b"content-length", length.encode()))
    return await _depth_checked({**scope, "headers": headers}, receive)


async def _depth_checked(scope: Scope, receive: Receive) -> tuple[Scope, Receive, bytes]:
    """Read the JSON body once and refuse nesting the mock could not present back (see limits).

    The body's real length is declared downstream: Connexion takes a request without
    Content-Length (a chunked upload) for one without a body."""
    raw = await _read_all(receive)
    check_json_depth(raw)
    headers = [(k, v) for k, v in scope["headers"] if k not in (b"content-length", b"transfer-encoding")]
    headers.append((b"content-length", str(len(raw)).encode()))
    return {**scope, "headers": headers}, _replay(raw, then=receive), raw


async def _read_all(receive: Receive) -> bytes:
    chunks = []
    more = True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


def _replay(body: bytes, then: Receive | None = None) -> Receive:
    """Hand ``body`` over as one message; afterwards, ``then`` (the real channel) reports a disconnect."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return await then() if then is not None else {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _is_int64(text: str) -> bool:
    return bool(INT64.match(text)) and -(2**63) <= int(text) < 2**63


def _limited(receive: Receive, limit: int) -> Receive:
    """Count streamed body bytes so a chunked upload cannot exceed the limit either."""
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > limit:
            raise _BodyTooLarge
        return message

    return wrapped


__all__ = ["GATEWAY_PREFIX", "Gateway"]
