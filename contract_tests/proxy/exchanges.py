"""From observed bytes to the suite's `Exchange`: which operation a request is, and the Schemathesis
`Case` and `Response` the existing checks read.

Paths are matched against the specs of the versions being checked, below the gateway prefix
(`/api/orchestration`) or at the root, as the service serves them itself. Anything else (the token
endpoint, unknown routes) is forwarded unjudged.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote

import requests
from requests.structures import CaseInsensitiveDict
from schemathesis.core import NOT_SET
from schemathesis.core.transport import Response

from contract_tests.core.spec import Operation, Spec
from contract_tests.proxy.transport import UpstreamReply
from contract_tests.transport.client import Exchange

__all__ = ["API_PREFIX", "Observed", "Router", "parse_json", "to_exchange"]

API_PREFIX = "/api/orchestration"


@dataclass(frozen=True)
class Observed:
    """One request as the proxy received it."""

    method: str
    raw_path: str  # still percent-encoded, as sent
    query: bytes
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name), None)


class Router:
    """Method + path -> (operation, decoded path parameters), over one or more specs."""

    def __init__(self, specs: Iterable[Spec]) -> None:
        routes = []
        for spec in specs:
            for operation in spec.operations.values():
                segments = tuple(operation.path.strip("/").split("/"))
                routes.append((operation.method, segments, operation))
        # Literal segments win over parameters (`/v2/triggers/{id}/test` before any looser template).
        self._routes = sorted(routes, key=lambda r: sum(s.startswith("{") for s in r[1]))

    def match(self, method: str, raw_path: str) -> tuple[Operation, dict[str, str]] | None:
        path = raw_path.split("?", 1)[0]
        if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            path = path[len(API_PREFIX) :]
        parts = tuple(path.strip("/").split("/")) if path.strip("/") else ("",)
        if path.endswith("/") and path != "/":
            return None  # a trailing slash is another route (the real service answers 404)
        for route_method, segments, operation in self._routes:
            if route_method != method.upper() or len(segments) != len(parts):
                continue
            params: dict[str, str] = {}
            for template, part in zip(segments, parts, strict=True):
                if template.startswith("{") and part:
                    params[template[1:-1]] = unquote(part, errors="replace")
                elif template != part:
                    break
            else:
                return operation, params
        return None


def _query(raw: bytes) -> dict[str, Any]:
    """Query parameters by name; a repeated name gives a list, as Schemathesis cases hold them."""
    values: dict[str, Any] = {}
    for name, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True):
        if name in values:
            previous = values[name]
            values[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            values[name] = value
    return values


def parse_json(body: bytes) -> Any:
    """The decoded JSON body, or NOT_SET when there is none or it is not JSON."""
    if not body:
        return NOT_SET
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return NOT_SET


def _prepared(request: Observed, url: str) -> requests.PreparedRequest:
    # Filled in by hand: `prepare()` would re-encode the URL and refuse the odd ones clients do send.
    prepared = requests.PreparedRequest()
    prepared.method = request.method
    prepared.url = url
    prepared.headers = CaseInsensitiveDict(dict(request.headers))
    prepared.body = request.body or None
    return prepared


def to_exchange(
    operation: Operation, params: dict[str, str], request: Observed, reply: UpstreamReply, url: str, elapsed: float
) -> Exchange:
    """The exchange as if the suite had sent it: `url` is the upstream URL the curl reproduction uses."""
    body = parse_json(request.body)
    case = operation.st.Case(
        path_parameters=params,
        query=_query(request.query),
        headers={k: v for k, v in request.headers if k.lower() != "authorization"},
        body=body,
        media_type=request.header("content-type") if body is not NOT_SET else None,
    )
    headers: dict[str, list[str]] = {}
    for name, value in reply.headers:
        headers.setdefault(name.lower(), []).append(value)
    response = Response(
        status_code=reply.status,
        headers=headers,
        content=reply.decoded,
        request=_prepared(request, url),
        elapsed=elapsed,
        verify=True,
    )
    identity = "write" if request.header("authorization") else None
    return Exchange(operation, case, response, identity)
