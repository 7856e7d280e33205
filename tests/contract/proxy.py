"""A mutating reverse proxy on 127.0.0.1: forwards everything to the mock and applies one named fault.

It is a plain ASGI app served by uvicorn in a thread. A fault sees each request before it is forwarded (and
may rewrite it or answer by itself) and each response before it is returned (and may rewrite it); it can
keep state across requests and send extra requests upstream.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx

from tests.support import serving_in_thread

__all__ = ["Fault", "Request", "Response", "running_proxy"]

_HOP = {"host", "content-length", "transfer-encoding", "connection", "keep-alive"}


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    headers: dict[str, str]
    body: bytes

    @property
    def api_path(self) -> str:
        """The path below /api/orchestration ('' for other paths)."""
        prefix = "/api/orchestration"
        return self.path[len(prefix) :] if self.path.startswith(prefix) else ""

    def parts(self) -> list[str]:
        return [p for p in self.api_path.split("/") if p]

    def ledger_parts(self) -> list[str]:
        """The path's segments below /api/ledger (none for other paths)."""
        prefix = "/api/ledger"
        return [p for p in self.path[len(prefix) :].split("/") if p] if self.path.startswith(prefix + "/") else []

    def wallets_parts(self) -> list[str]:
        """The path's segments below /api/wallets (none for other paths)."""
        prefix = "/api/wallets"
        return [p for p in self.path[len(prefix) :].split("/") if p] if self.path.startswith(prefix + "/") else []

    def without_param(self, name: str) -> Request:
        return replace(self, query=tuple((k, v) for k, v in self.query if k != name))

    def param(self, name: str) -> str | None:
        return next((v for k, v in self.query if k == name), None)

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def with_json(self, value: Any, status: int | None = None) -> Response:
        headers = {**self.headers, "content-type": "application/json"}
        return Response(status if status is not None else self.status, headers, json.dumps(value).encode())


Send = Callable[[Request], Awaitable[Response]]


@dataclass
class Fault:
    """A named bug: `on_request` may rewrite a request or answer it; `on_response` may rewrite the answer."""

    name: str
    description: str
    # The checks expected to catch it (any of them, with a finding the fault-free baseline does not have).
    caught_by: frozenset[str]
    on_request: Callable[[Fault, Request, Send], Awaitable[Request | Response]] | None = None
    on_response: Callable[[Fault, Request, Response, Send], Awaitable[Response]] | None = None
    slow: bool = False
    state: dict[str, Any] = field(default_factory=dict)

    def reset(self) -> None:
        self.state.clear()


class ProxyApp:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.fault: Fault | None = None
        self.client: httpx.AsyncClient | None = None

    async def send(self, request: Request) -> Response:
        if self.client is None:
            self.client = httpx.AsyncClient(base_url=self.upstream, timeout=30)
        reply = await self.client.request(
            request.method,
            request.path + ("?" + urlencode(request.query) if request.query else ""),
            headers={k: v for k, v in request.headers.items() if k not in _HOP},
            content=request.body,
        )
        headers = {k: v for k, v in reply.headers.items() if k not in _HOP and k != "content-encoding"}
        return Response(reply.status_code, headers, reply.content)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        request = Request(
            method=scope["method"],
            # Forward the path as it came, still percent-encoded: generated ids may hold any byte.
            path=(scope.get("raw_path") or scope["path"].encode()).decode("latin-1"),
            query=tuple(parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)),
            headers={k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]},
            body=body,
        )
        fault = self.fault
        outcome: Request | Response = request
        if fault is not None and fault.on_request is not None:
            outcome = await fault.on_request(fault, request, self.send)
        if isinstance(outcome, Response):
            response = outcome
        else:
            response = await self.send(outcome)
            if fault is not None and fault.on_response is not None:
                response = await fault.on_response(fault, outcome, response, self.send)
        headers = [(k.encode(), v.encode("latin-1")) for k, v in response.headers.items()]
        headers.append((b"content-length", str(len(response.body)).encode()))
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        await send({"type": "http.response.body", "body": response.body})


@dataclass
class RunningProxy:
    url: str
    app: ProxyApp

    @property
    def api(self) -> str:
        return self.url + "/api/orchestration"

    @property
    def ledger_api(self) -> str:
        return self.url + "/api/ledger"

    @property
    def wallets_api(self) -> str:
        return self.url + "/api/wallets"

    def use(self, fault: Fault | None) -> None:
        if fault is not None:
            fault.reset()
        self.app.fault = fault


@contextmanager
def running_proxy(upstream: str) -> Iterator[RunningProxy]:
    app = ProxyApp(upstream)
    with serving_in_thread(app) as url:
        yield RunningProxy(url=url, app=app)
