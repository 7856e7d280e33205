"""Every request of a run goes through `Client`: it sends a Schemathesis `Case` with the chosen identity,
counts it and returns an `Exchange`. It checks nothing: the phase that owns an exchange runs the checks
on it (`phases/checking.py`).

Identities: "write" (the write token), "read" (the read-only token), "forged" (an unsigned token), "foreign"
(another service's token, without the API's scopes), None (no Authorization header).
"""

from __future__ import annotations

import contextvars
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import requests
import requests.adapters
import urllib3.util
from schemathesis.core import NOT_SET
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case

from contract_tests.core.config import Config
from contract_tests.core.curl import curl_command
from contract_tests.core.results import Results
from contract_tests.core.spec import Operation, Spec
from contract_tests.transport.auth import Tokens, forged_token

__all__ = ["CONCURRENT_READS", "TRANSPORT_HEADERS", "Client", "Exchange", "PollBudget", "concurrently", "poll"]

T = TypeVar("T")

# Independent reads sent at once (`concurrently`): enough to share a slow network's wait, few enough for any
# server. The suite sends them only where their order cannot matter: reads with no write of its own between.
CONCURRENT_READS = 6
_READERS = ThreadPoolExecutor(max_workers=CONCURRENT_READS - 1, thread_name_prefix="contract-read")


def concurrently(*calls: Callable[[], T]) -> list[T]:
    """Run independent calls at once (the first on this thread, the others on a small shared pool, each in a
    copy of this thread's context) and return their results in the order given. Every call ends before this
    returns; then the first error, in that order, is raised. The calls must not use `concurrently` themselves."""
    if len(calls) <= 1:
        return [call() for call in calls]
    results: list[T] = []
    errors: list[BaseException] = []
    for start in range(0, len(calls), CONCURRENT_READS):
        first, *rest = calls[start : start + CONCURRENT_READS]
        futures = [_READERS.submit(contextvars.copy_context().run, call) for call in rest]
        outcomes: list[tuple[T | None, BaseException | None]] = []
        try:
            outcomes.append((first(), None))
        except Exception as exc:
            outcomes.append((None, exc))
        for future in futures:
            error = future.exception()
            outcomes.append((None, error) if error is not None else (future.result(), None))
        for value, error in outcomes:
            if error is not None:
                errors.append(error)
            results.append(value)  # type: ignore[arg-type]
    if errors:
        raise errors[0]
    return results


# Headers we never let generation set: framing headers test the HTTP server, not the API (a bogus
# Content-Length is rejected before any handler runs), and authorization is ours to choose.
TRANSPORT_HEADERS = frozenset(
    {"authorization", "content-length", "transfer-encoding", "host", "connection", "expect", "te", "upgrade", "trailer"}
)


@dataclass
class Exchange:
    """One request and its response."""

    operation: Operation
    case: Case
    response: Response
    identity: str | None
    # A walk over every page of a cursor list: the items of all its pages (see CheckedApi.list_all).
    walked: list[Any] | None = None
    # What checks work out once per exchange and share (see checks/response.py).
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def status(self) -> int:
        return self.response.status_code

    @property
    def content_type(self) -> str:
        values = self.response.headers.get("content-type") or [""]
        return values[0]

    def json(self) -> Any:
        """The decoded body, or None when it is empty or not JSON."""
        if not self.response.content:
            return None
        try:
            return self.response.json()
        except ValueError:
            return None

    @property
    def data(self) -> Any:
        """`data` of the envelope; for a cursor list, the items of its page (or of the whole walk)."""
        if self.walked is not None:
            return self.walked
        body = self.json()
        if not isinstance(body, dict):
            return None
        if self.operation.envelope == "raw":
            return body
        if self.operation.envelope == "cursor":
            page = body.get("cursor")
            return page.get("data") if isinstance(page, dict) else None
        return body.get("data")

    @property
    def cursor(self) -> dict[str, Any] | None:
        """The page of a cursor list: `{"pageSize", "hasMore", "previous"?, "next"?, "data"}`."""
        body = self.json()
        page = body.get("cursor") if isinstance(body, dict) else None
        return page if isinstance(page, dict) else None

    def curl(self, token: str | None = None) -> str:
        request = self.response.request
        body = request.body.encode() if isinstance(request.body, str) else request.body
        return curl_command(
            request.method or self.operation.method,
            request.url or "",
            dict(request.headers),
            body,
            identity=self.identity,
            token=forged_token(self.operation.service) if self.identity == "forged" else token,
        )

    def describe(self) -> str:
        """A short rendering of the response for failure reports."""
        body = self.response.content[:300].decode("utf-8", "replace")
        return f"{self.status} {self.content_type or '(no content type)'} {body or '(empty body)'}"


class Client:
    """Sends requests for the phases, one `requests.Session` per thread."""

    def __init__(self, spec: Spec, config: Config, tokens: Tokens, results: Results) -> None:
        self.spec = spec
        self.config = config
        self.tokens = tokens
        self.results = results
        self._local = threading.local()
        # Declared before anything is sent, so an operation never called still shows its statuses at 0.
        for operation in spec.operations.values():
            default = "default" in operation.st.definition.raw.get("responses", {})
            results.coverage.declare(operation.operation_id, operation.documented, default=default)

    @property
    def session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            self._local.session = session
        return session

    def token_for(self, identity: str | None) -> str | None:
        forged = forged_token(self.spec.version.service_name)
        tokens = self.tokens
        return {"write": tokens.write, "read": tokens.read, "forged": forged, "foreign": tokens.foreign}.get(
            identity or ""
        )

    def _headers(self, case: Case, identity: str | None) -> dict[str, str]:
        """Drop the transport headers generation set; ours: the configured extras and the Authorization."""
        for name in [name for name in case.headers if name.lower() in TRANSPORT_HEADERS]:
            del case.headers[name]
        headers = dict(self.config.extra_headers)
        token = self.token_for(identity)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def send(self, case: Case, *, identity: str | None = "write") -> Exchange:
        """Send a (generated or built) case; the Authorization header is always ours, never generated."""
        operation = self.spec[case.operation.definition.raw["operationId"]]
        headers = self._headers(case, identity)
        response = case.call(
            base_url=self.config.base_url, session=self.session, headers=headers, timeout=self.config.request_timeout
        )
        exchange = Exchange(operation, case, response, identity if "Authorization" in headers else None)
        self.results.count_request(operation.operation_id, exchange.status)
        return exchange

    def sendable(self, case: Case, *, identity: str | None = "write") -> bool:
        """Whether `send` would certainly put `case` on the wire, found without a network: the case goes through
        exactly what `send` does (the same `case.call`, headers and serialization) to a session whose adapter sends
        nothing and only looks at the prepared request. True only for a request any HTTP stack sends as it is
        (ASCII headers and URL, a parseable URL, a bytes body); any doubt or error is False, and the caller then
        sends it as usual, meeting the same error there."""
        dry = getattr(self._local, "dry", None)
        if dry is None:
            dry = requests.Session()
            for prefix in ("http://", "https://"):
                dry.mount(prefix, _DryAdapter())
            self._local.dry = dry
        headers = self._headers(case, identity)
        try:
            case.call(base_url=self.config.base_url, session=dry, headers=headers, timeout=self.config.request_timeout)
        except _Prepared as prepared:
            return prepared.clean
        except Exception:
            return False
        return False

    def call(
        self,
        operation_id: str,
        *,
        path: dict[str, Any] | None = None,
        query: dict[str, Any] | None = None,
        body: Any = NOT_SET,
        raw: bytes | None = None,
        identity: str | None = "write",
        headers: dict[str, str] | None = None,
    ) -> Exchange:
        """Build a case for an operation by id and send it. `raw` sends bytes as a JSON body, unparsed."""
        case = self.case_for(operation_id, path=path, query=query, body=body, raw=raw, headers=headers)
        return self.send(case, identity=identity)

    def case_for(
        self,
        operation_id: str,
        *,
        path: dict[str, Any] | None = None,
        query: dict[str, Any] | None = None,
        body: Any = NOT_SET,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Case:
        """The case `call` sends (for callers that send one case to more than one server)."""
        payload = raw if raw is not None else body
        return self.spec[operation_id].st.Case(
            path_parameters=path,
            query=query,
            headers=headers,
            body=payload,
            media_type="application/json" if payload is not NOT_SET else None,
        )


class _Prepared(BaseException):
    """The outcome of a dry run: a BaseException, so that no `except Exception` on its way takes it for a failure."""

    def __init__(self, clean: bool) -> None:
        self.clean = clean


_PRINTABLE_ASCII = re.compile(r"[\x21-\x7e]+( [\x21-\x7e]+)*")


def _plain(value: str | bytes, *, spaces: bool = True) -> bool:
    """Printable ASCII (single inner spaces when `spaces`), or empty."""
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    if not text:
        return True
    return bool(_PRINTABLE_ASCII.fullmatch(text)) and (spaces or " " not in text)


class _DryAdapter(requests.adapters.BaseAdapter):
    """Sends nothing: tells `Client.sendable` whether the prepared request is one no transport refuses."""

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        url = request.url or ""
        try:
            urllib3.util.parse_url(url)
            parsed = True
        except ValueError:
            parsed = False
        clean = (
            parsed
            and _plain(url, spaces=False)
            and _plain(request.method or "", spaces=False)
            and all(_plain(name, spaces=False) and ":" not in name and _plain(value)
                    for name, value in request.headers.items())
            and (request.body is None or isinstance(request.body, bytes)
                 or (isinstance(request.body, str) and request.body.isascii()))
        )  # fmt: skip
        raise _Prepared(bool(clean))

    def close(self) -> None:
        pass


class PollBudget:
    """How long the polls of one phase may wait in total without getting what they wait for.

    A poll that ends satisfied costs nothing (a slow but correct server is allowed its time); a poll that
    times out spends what it waited. Once the budget is spent, further polls read once and do not wait, so a
    broken server costs at most the budget per phase instead of a full timeout per read.
    """

    def __init__(self, seconds: float) -> None:
        self.remaining = seconds
        self._lock = threading.Lock()

    @property
    def spent(self) -> bool:
        return self.remaining <= 0

    def spend(self, seconds: float) -> None:
        with self._lock:
            self.remaining -= seconds


def _never(_: object) -> bool:
    return False


def poll(
    read: Callable[[], T],
    done: Callable[[T], bool],
    *,
    timeout: float,
    interval: float,
    hopeless: Callable[[T], bool] = _never,
    budget: PollBudget | None = None,
) -> T:
    """Read until `done` holds, `hopeless` proves it never will, or the timeout passes; return the last read
    (the caller checks it). With a spent `budget` the first read is the only one."""
    began = time.monotonic()
    deadline = began + (0.0 if budget is not None and budget.spent else timeout)
    value = read()
    while not done(value) and not hopeless(value) and time.monotonic() < deadline:
        time.sleep(interval)
        value = read()
    if budget is not None and not done(value):
        budget.spend(time.monotonic() - began)
    return value
