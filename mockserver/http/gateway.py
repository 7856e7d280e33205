"""The ASGI layer in front of Connexion: what the real gateway and auth middleware do.

It serves the token endpoint and JWKS, refuses oversized bodies (413) without reading
them whole, enforces bearer auth on the orchestration routes, reproduces the real
service's transport quirks in ``--quirks real``, keeps the request journal, and lets
the engine catch up with the clock before each request. Requests that fastpath.py proves
valid are answered here; everything else goes on to Connexion.
"""

from __future__ import annotations

import logging
import re
import time

import orjson

from mockserver.config import CONTROL_PREFIX, TOKEN_PATH, UI_PREFIX
from mockserver.core import requestctx
from mockserver.core.logredact import redact_query
from mockserver.errors import Forbidden, MockError, PayloadTooLarge, ValidationError
from mockserver.http.accesslog import AccessLog
from mockserver.http.asgi import (
    ASGIApp,
    Message,
    Receive,
    Scope,
    Send,
    error_body,
    header,
    query_param,
    respond,
    respond_payload,
)
from mockserver.http.auth import READ_METHODS, TokenAuthority
from mockserver.http.chosen import ChosenAnswers
from mockserver.http.connection import remember
from mockserver.http.control_access import ControlAccess
from mockserver.http.error_handlers import no_such_route
from mockserver.http.fastpath import FastRoutes
from mockserver.http.forcing import OperationIndex
from mockserver.http.latency import Latency
from mockserver.http.mounts import Mounts
from mockserver.http.oauth import JWKS_PATHS, OPENID_PATHS, openid_configuration, token_endpoint
from mockserver.http.requestbody import BodyTooLarge, as_json_request, content_length, limited
from mockserver.state.tenants import Tenants

_log = logging.getLogger("mockserver")
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
# Declared by the v2 spec, but the real service's router has no such route.
UNSERVED_BY_REAL = re.compile(r"^(?:/api/orchestration)?/v2/_info/?$")


class Gateway:
    def __init__(
        self,
        app: ASGIApp,
        tenants: Tenants,
        authority: TokenAuthority,
        fast_routes: FastRoutes,
        inspector: ASGIApp,
        operations: OperationIndex,
        mounts: Mounts,
        access_log: AccessLog | None = None,
    ) -> None:
        self.app = app
        self.mounts = mounts
        self.tenants = tenants
        self.settings = settings = tenants.settings
        self.real_quirks = settings.real_quirks
        self.chosen = ChosenAnswers(operations, Latency(settings.latency_ms, settings.seed))
        self.fast_routes = fast_routes
        self.access_log = access_log
        self.authority = authority
        self.inspector = inspector
        self.control = ControlAccess(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status_box = [0]
        scope["mock.note"] = {}  # what the edge decided (forced, fault), for the journal
        remember(scope, send)  # the connection itself, for the faults that answer nothing

        async def send_recording(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_box[0] = message["status"]
            await send(message)

        chosen = self.tenants.use(self.tenants.default)
        headers = requestctx.use_headers(scope["headers"])
        requestctx.use_query(scope.get("query_string", b""))  # every request sets its own, body too
        requestctx.use_body(b"")
        try:
            await self._dispatch(scope, receive, send_recording)
        finally:
            self._journal(scope, status_box[0], started)
            requestctx.release(headers)
            self.tenants.release(chosen)

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The edge, in order: size limit, token endpoints, inspector, control access, auth,
        routing edges, the body as JSON, then the fast path or Connexion."""
        path: str = scope["path"]
        declared = content_length(scope)
        limit = self.settings.max_body_bytes
        if declared is not None and declared > limit:
            await self._fail(send, PayloadTooLarge(f"request body exceeds {limit} bytes"))
        elif path == TOKEN_PATH:
            await token_endpoint(self.authority, limit, scope, receive, send)
        elif path in JWKS_PATHS:
            await respond(send, 200, orjson.dumps(self.authority.jwks()))
        elif path in OPENID_PATHS:
            await respond(send, 200, orjson.dumps(openid_configuration(self.authority)))
        elif path == UI_PREFIX or path.startswith(UI_PREFIX + "/"):
            refusal = self._choose_tenant(header(scope, b"x-mock-tenant") or query_param(scope, "tenant"))
            if refusal is None:
                await self.inspector(scope, receive, send)  # it applies the control access rule itself
            else:
                await self._fail(send, refusal)
        elif path.startswith(CONTROL_PREFIX) and not self.control.allows(scope):
            await self._fail(send, self.control.refusal())
        elif path.startswith(CONTROL_PREFIX) and (refusal := self._choose_tenant(header(scope, b"x-mock-tenant"))):
            await self._fail(send, refusal)
        else:
            await self._route(scope, receive, send, declared)

    def _choose_tenant(self, tenant: str | None) -> MockError | None:
        """Make ``tenant`` the request's (created on first use); the refusal when it is not a
        valid tenant id. No tenant, or tenancy off: the default one."""
        if not tenant or not self.tenants.enabled:
            return None
        try:
            self.tenants.use(self.tenants.get(tenant))
        except MockError as exc:
            return exc
        return None

    async def _route(self, scope: Scope, receive: Receive, send: Send, declared: int | None) -> None:
        path: str = scope["path"]
        method: str = scope["method"]
        found = self.mounts.of(path)
        mount, below = found if found is not None else (None, "")
        protected = mount is not None and mount.protected.match(below) is not None
        if self.settings.auth and protected:
            assert mount is not None
            try:
                client_id = self.authority.authorize(header(scope, b"authorization"), method, mount.service)
                if self.tenants.enabled:
                    self.tenants.use(self.tenants.get(client_id))
            except MockError as exc:
                await self._fail(send, exc, bare=self.real_quirks)
                return
        if protected and path.endswith("/") and mount is not None and mount.slash_roots is not None:
            # As the real router: collections and /{id} roots take a trailing slash, leaves do not.
            if not mount.slash_roots.match(below[:-1]):
                body, content_type = no_such_route(self.real_quirks)
                await respond(send, 404, body, [(b"content-type", content_type.encode())])
                return
            path = path[:-1]
            scope = {**scope, "path": path, "raw_path": path.encode()}
        if self.real_quirks and UNSERVED_BY_REAL.match(path):
            body, content_type = no_such_route(real_quirks=True)
            await respond(send, 404, body, [(b"content-type", content_type.encode())])
            return
        if not path.startswith(CONTROL_PREFIX) and await self.chosen.answered(
            scope, path, method, self.tenants.current.faults, send, receive
        ):
            return
        bad = mount.bad_integer(below.rstrip("/") or "/") if mount is not None and protected else None
        if bad is not None and mount is not None and mount.integer_message is not None:
            # Connexion would not even route a non-integer (a 404); the spec promises 400.
            if self.real_quirks and mount.integer_bare_404_in_real:
                await respond(send, 404)
            else:
                await self._fail(send, ValidationError(mount.integer_message(*bad)))
            return
        limit = self.settings.max_body_bytes
        receive = limited(receive, limit)
        raw: bytes | None = None
        if method in BODY_METHODS and (protected or path.startswith(CONTROL_PREFIX)):
            try:
                raw_media = mount.raw_media if mount is not None else frozenset()
                scope, receive, raw = await as_json_request(scope, receive, path, raw_media)
            except BodyTooLarge:
                await self._fail(send, PayloadTooLarge(f"request body exceeds {limit} bytes"))
                return
            except ValidationError as exc:
                await self._fail(send, exc)
                return
            if raw:
                scope["mock.note"]["body"] = raw
            requestctx.use_body(raw or b"")
        backend = self.tenants.current
        backend.pump()
        try:
            if await self._fast(scope, raw, declared, send):
                return
            if mount is not None and mount.at_root and path.startswith(mount.prefix + "/"):
                scope = {**scope, "root_path": mount.prefix}
            try:
                await self.app(scope, receive, send)
            except BodyTooLarge:
                await self._fail(send, PayloadTooLarge(f"request body exceeds {limit} bytes"))
        finally:
            if method not in READ_METHODS:
                backend.pump()  # what a write set off in another service (an event, a trigger) runs now

    async def _fast(self, scope: Scope, raw: bytes | None, declared: int | None, send: Send) -> bool:
        """Answer a request that fastpath proves valid without Connexion; False to let Connexion answer."""
        found = self.fast_routes.match(scope["method"], scope["path"])
        if found is None:
            return False
        operation, arguments = found
        query = operation.query_arguments(scope.get("query_string", b""))
        if query is None:
            return False
        arguments.update(query)
        if operation.checked_headers and any(name in operation.checked_headers for name, _ in scope["headers"]):
            return False  # a header parameter Connexion checks (its length, its pattern)
        # No body at all: none read above, none still streaming (a read's body is not read above).
        bodiless = not raw and (raw is not None or not (declared or header(scope, b"transfer-encoding") is not None))
        if operation.body is None:
            # A body on an operation without one (read above, or still streaming): Connexion decides.
            if not bodiless:
                return False
        elif bodiless and operation.absent_body is not None and scope["method"] not in BODY_METHODS:
            arguments["body"] = operation.absent_body()  # an optional filter left out, as Connexion passes it
        else:
            if not raw or header(scope, b"content-type") != "application/json":
                return False
            try:
                body = orjson.loads(raw)
            except orjson.JSONDecodeError:
                return False
            if body is None or not operation.body.is_valid(body):
                return False
            arguments["body"] = body
        query_token = requestctx.use_fast_query(operation.operation_id, scope.get("query_string", b""))
        try:
            payload, status, *extra = await operation.handler(**arguments)
        except MockError as exc:
            await self._fail(send, exc)
            return True
        except Exception as exc:  # the answer http_errors.unexpected gives behind Connexion
            _log.exception("unexpected error", exc_info=exc)
            await self._fail(send, MockError(f"internal error: {type(exc).__name__}"))
            return True
        finally:
            requestctx.release_fast_query(query_token)
        await respond_payload(send, status, payload, extra[0] if extra else None)  # only a 204 has no payload
        return True

    async def _fail(self, send: Send, exc: MockError, *, bare: bool = False) -> None:
        if bare:
            # The real auth middleware answers every refusal, missing scopes included, 401 and empty.
            await respond(send, 401 if isinstance(exc, Forbidden) else exc.status, b"")
        else:
            await respond(send, exc.status, error_body(exc))

    def _journal(self, scope: Scope, status: int, started: float) -> None:
        path: str = scope["path"]
        raw_query: bytes = scope.get("query_string", b"")
        duration_ms = (time.perf_counter() - started) * 1000
        if self.access_log is not None:
            self.access_log.line(scope["method"], path, redact_query(raw_query), status, duration_ms)
        if path.startswith(CONTROL_PREFIX):
            return
        backend = self.tenants.current
        # The query string and the instant stay as they came: the journal redacts and formats them
        # when it is read (state/journal.py), as it decodes the body.
        entry = {
            "method": scope["method"],
            "path": path,
            "query": raw_query,
            "status": status,
            "date": backend.clock.now(),
            "durationMs": round(duration_ms, 3),
        }
        note = scope.get("mock.note")
        if note:
            entry.update(note)  # a body stays bytes too
            if note.get("dropped"):
                entry["status"] = 0  # no answer was given
        backend.journal.record(entry)


__all__ = ["Gateway"]
