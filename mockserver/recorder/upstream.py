"""The HTTP side of a recording: one token, GETs whose answers are checked, v2 cursor walks.

Every failure is a ``RecordError`` with one line that says what and where; a transport
is injectable (``httpx.MockTransport`` in unit tests) rather than anything patched.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

from mockserver.recorder.config import RecordConfig
from mockserver.recorder.conformance import Conformance
from mockserver.recorder.errors import AuthFailed, NonConforming, Unreachable

# The token endpoint's refusals: OAuth2 answers a bad client with 400 or 401 (RFC 6749 5.2).
_TOKEN_REFUSALS = (400, 401, 403)


def _problem(exc: httpx.TransportError) -> str:
    return str(exc) or type(exc).__name__


class Upstream:
    def __init__(self, config: RecordConfig, *, transport: httpx.BaseTransport | None = None) -> None:
        self._config = config
        self._conformance = Conformance(config.api)
        self._client = httpx.Client(timeout=config.timeout, transport=transport)
        self._token = config.token

    def __enter__(self) -> Upstream:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._client.close()

    @property
    def token(self) -> str:
        assert self._token is not None, "authenticate() first"
        return self._token

    @property
    def client(self) -> httpx.Client:
        return self._client

    def authenticate(self) -> None:
        """Exchange the client credentials for a token, unless a token was given."""
        if self._token is not None:
            return
        url = self._config.resolved_token_url
        form = {
            "grant_type": "client_credentials",
            "client_id": self._config.client_id or "",
            "client_secret": self._config.client_secret or "",
        }
        try:
            reply = self._client.post(url, data=form)
        except httpx.TransportError as exc:
            raise Unreachable(f"cannot reach the token endpoint {url}: {_problem(exc)}") from exc
        if reply.status_code in _TOKEN_REFUSALS:
            raise AuthFailed(f"the token endpoint {url} refused the client credentials ({reply.status_code})")
        if reply.status_code != 200:
            raise NonConforming(f"the token endpoint {url} answered {reply.status_code}, not 200")
        try:
            token = reply.json().get("access_token")
        except (ValueError, AttributeError):
            token = None
        if not isinstance(token, str) or not token:
            raise NonConforming(f"the token endpoint {url} answered no access_token")
        self._token = token

    def read(self, template: str, params: dict[str, Any] | None = None, **path: str) -> Any:
        """GET one answer of the operation at ``template`` (v1's path; v2's is under /v2),
        checked against the spec."""
        url = self._config.base + template.format(**{k: quote(v, safe="") for k, v in path.items()})
        try:
            reply = self._client.get(url, params=params, headers={"Authorization": f"Bearer {self._token}"})
        except httpx.TransportError as exc:
            raise Unreachable(f"cannot reach {url}: {_problem(exc)}") from exc
        shown = str(reply.request.url)
        if reply.status_code in (401, 403):
            raise AuthFailed(f"GET {shown} refused the credentials ({reply.status_code})")
        if reply.status_code != 200:
            raise NonConforming(f"GET {shown} answered {reply.status_code}, not 200")
        try:
            body = reply.json()
        except ValueError as exc:
            raise NonConforming(f"GET {shown}: the answer is not JSON") from exc
        self._conformance.check(template, shown, body)
        return body

    def items(self, template: str, params: dict[str, Any] | None = None, **path: str) -> list[Any]:
        """Every item of a list: v1's ``data`` as it comes; v2's cursor pages followed to the end."""
        if self._config.api == "v1":
            return list(self.read(template, params, **path)["data"])
        found: list[Any] = []
        query: dict[str, Any] = {**(params or {}), "pageSize": self._config.page_size}
        seen: set[str] = set()
        while True:
            page = self.read(template, query, **path)["cursor"]
            found.extend(page["data"])
            following = page.get("next")
            if not page["hasMore"]:
                return found
            if not following:
                raise NonConforming(f"GET {self._config.base}{template}: hasMore without a next cursor")
            if following in seen:  # an upstream that hands the same page out again would never end
                raise NonConforming(f"GET {self._config.base}{template}: the next cursor repeats")
            seen.add(following)
            # With a cursor the first request's filters and page size come from it (the spec).
            query = {"cursor": following}
