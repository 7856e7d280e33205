"""The proxy as an ASGI app, and the server around it.

Per request: read it whole, forward it (`transport`), answer with the upstream's answer plus
`X-Contract-Violations: N`, where N counts the findings of the checks on that exchange (`checks`). Its
own endpoints live under `/_proxy/` on its own port and are never forwarded:

* `GET /_proxy/violations`: the distinct findings so far, `[{check, operationId, status, message, curl,
  count, accepted}]`;
* `POST /_proxy/reset`: forget the traffic model and the findings.

The upstream down answers 502 in the API's Error shape. On SIGINT/SIGTERM the server stops, the reports are
written and `serve` returns 1 when a finding the allow-list does not accept was seen, else 0.
"""

from __future__ import annotations

import contextlib
import json
import signal
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TextIO

import uvicorn

from contract_tests.core.spec import load_spec
from contract_tests.core.versions import versions_for
from contract_tests.proxy.checks import Judgement
from contract_tests.proxy.exchanges import Observed, Router, to_exchange
from contract_tests.proxy.reports import Findings
from contract_tests.proxy.settings import ProxySettings
from contract_tests.proxy.transport import Upstream, UpstreamDown

__all__ = ["ProxyApp", "serve"]

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
HEADER = b"x-contract-violations"


class _TooLarge(Exception):
    pass


class _Gone(Exception):
    """The client went away before its request was read."""


def _error(status: int, code: str, message: str) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    body = json.dumps({"errorCode": code, "errorMessage": message}).encode()
    return status, [(b"content-type", b"application/json")], body


def _may_have_body(method: str, status: int) -> bool:
    """RFC 9110 §8.6: no Content-Length on 1xx, 204 and 304, and a HEAD answer's is the GET's."""
    return method != "HEAD" and status >= 200 and status not in (204, 304)


class ProxyApp:
    def __init__(self, settings: ProxySettings, *, stream: TextIO | None = None) -> None:
        self.settings = settings
        self.stream = stream
        self.findings = Findings(settings.deviations, stream=stream)  # first: a bad allow-list fails at once
        specs = [load_spec(settings.api_root, version=v.name) for v in versions_for(settings.api)]
        self.router = Router(specs)
        self.upstream = Upstream(settings.upstream, timeout=settings.upstream_timeout)
        self.judgement = Judgement(self.findings.results, on_failure=self.findings.announce)

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            try:
                status, headers, body = await self._answer(scope, receive)
            except _Gone:
                return
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.upstream.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _read(self, receive: Receive) -> bytes:
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Gone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.settings.max_body:
                raise _TooLarge
            chunks.append(chunk)
            if not message.get("more_body"):
                return b"".join(chunks)

    async def _answer(self, scope: dict[str, Any], receive: Receive) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        if scope["path"].startswith("/_proxy/"):
            return self._control(scope["method"], scope["path"])
        try:
            body = await self._read(receive)
        except _TooLarge:
            return _error(413, "PAYLOAD_TOO_LARGE", f"the proxy reads bodies up to {self.settings.max_body} bytes")
        request = Observed(
            method=scope["method"],
            raw_path=(scope.get("raw_path") or scope["path"].encode()).decode("latin-1"),
            query=scope.get("query_string", b""),
            headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]],
            body=body,
        )
        began = time.perf_counter()
        try:
            reply = await self.upstream.forward(request.method, request.raw_path, request.query, request.headers, body)
        except UpstreamDown as exc:
            # Unreachable, too slow, or an answer that is not HTTP: the client gets no answer to forward.
            print(f"orchestration-contract proxy: no answer from the upstream: {exc}", file=self.stream or sys.stderr)
            return _error(502, "INTERNAL", f"no usable answer from the upstream {self.settings.upstream}: {exc}")
        found = self._judge(request, reply, time.perf_counter() - began)
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in reply.headers]
        if reply.header("content-length") is None and _may_have_body(request.method, reply.status):
            headers.append((b"content-length", str(len(reply.raw)).encode()))
        headers.append((HEADER, str(found).encode()))
        return reply.status, headers, reply.raw

    def _judge(self, request: Observed, reply: Any, elapsed: float) -> int:
        """How many findings the exchange produced; a crash here is the proxy's bug, logged, never answered."""
        try:
            matched = self.router.match(request.method, request.raw_path)
            if matched is None:
                return 0
            operation, params = matched
            url = self.upstream.url(request.raw_path, request.query)
            exchange = to_exchange(operation, params, request, reply, url, elapsed)
            return len(self.judgement.judge(exchange))
        except Exception as exc:
            self.findings.results.error(f"judging {request.method} {request.raw_path[:200]} crashed: {exc!r}")
            return 0

    def _control(self, method: str, path: str) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        routes = {"/_proxy/violations": "GET", "/_proxy/reset": "POST"}
        if path not in routes:
            return _error(404, "NOT_FOUND", f"no proxy endpoint {path}; there are {', '.join(routes)}")
        if method != routes[path]:
            return _error(405, "METHOD_NOT_ALLOWED", f"{path} answers {routes[path]} only")
        if path == "/_proxy/reset":
            self.findings.reset()
            self.judgement.results = self.findings.results
            self.judgement.reset()
            return 204, [], b""
        body = json.dumps(self.findings.listing(), ensure_ascii=False).encode()
        return 200, [(b"content-type", b"application/json")], body


class _Server(uvicorn.Server):
    """uvicorn, minus its habit of re-raising a caught SIGTERM after shutdown: that would end the process
    with the signal's status before the reports are written."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield  # signals are delivered to the main thread only; a test may serve from another
            return
        original = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)


def serve(settings: ProxySettings, *, stream: TextIO | None = None) -> int:
    """Serve until SIGINT/SIGTERM, write the reports; 1 when an unaccepted finding was seen, 2 when the
    port could not be bound, else 0."""
    app = ProxyApp(settings, stream=stream)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        access_log=False,
        lifespan="on",
        # The answer is the upstream's: its own Date and Server headers, not a second pair of ours.
        server_header=False,
        date_header=False,
    )
    server = _Server(config)
    out = stream or sys.stderr
    print(f"orchestration-contract proxy: http://{settings.host}:{settings.port} -> {settings.upstream}", file=out)
    try:
        server.run()
    except SystemExit:  # uvicorn exits when it cannot bind the port
        return 2
    if not server.started:
        return 2
    app.findings.write(
        api_root=settings.api_root, api=settings.api, report=settings.report, junit_xml=settings.junit_xml
    )
    findings = app.findings.results
    print(
        f"orchestration-contract proxy: {len(findings.new_failures)} violation(s), "
        f"{len(findings.accepted_failures)} accepted; exit {app.findings.exit_code}",
        file=out,
        flush=True,
    )
    return app.findings.exit_code
