"""A pytest plugin for code that talks to the orchestration API: a real mock per test session.

Add to your ``conftest.py``::

    pytest_plugins = ["mockserver.testing"]

then ask for ``orchestration_mock`` in a test. The mock starts in-process (uvicorn in a
background thread, on a free 127.0.0.1 port) the first time a test asks for it, serves the
whole session, and is reset before every test that uses it. Nothing starts unless the fixture
is requested. Defaults favour determinism: a manual clock (time moves only through
``control.advance``) and seeded ids; override ``orchestration_mock_options`` to change them::

    @pytest.fixture(scope="session")
    def orchestration_mock_options():
        return {"fixtures": [Path("tests/fixtures/shop.yaml")], "quirks": "real"}

With ``{"tenancy": "client"}`` each test gets a tenant of its own instead of a reset (its own
client id, tokens and control client), so tests, and pytest-xdist workers, can share one mock.
``orchestration_mock.control.assert_called("runWorkflow", times=1)`` checks what the code sent.

``webhook_receiver`` is a webhook endpoint on 127.0.0.1 for one test, registered with the mock
for every event type the mock's services publish (override ``webhook_receiver_event_types`` to
choose): it checks every delivery's signature with its config's secret and hands the test the
verified ones, ``webhook_receiver.wait_for("ledger.committed_transactions")``.

Outside pytest, ``serve_mock(**options)`` is the same server as a context manager.
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from mockserver.config import CONTROL_PREFIX, GATEWAY_PREFIX, TOKEN_PATH, Settings

if TYPE_CHECKING:
    import uvicorn

__all__ = [
    "STACK_EVENT_TYPES",
    "ControlClient",
    "OrchestrationMock",
    "WebhookReceiver",
    "orchestration_mock",
    "orchestration_mock_options",
    "serve_mock",
    "webhook_receiver",
    "webhook_receiver_event_types",
]

DEFAULT_OPTIONS: dict[str, Any] = {
    "clock": "manual",
    "seed": 0,
    # Tokens are checked against wall time: a long test session must not outlive them.
    "token_lifetime": 24 * 3600,
}
START_TIMEOUT = 20.0
# The event types the mock's services publish, as webhooks configs name them (``app.type``).
STACK_EVENT_TYPES = (
    "ledger.committed_transactions",
    "ledger.saved_metadata",
    "ledger.deleted_metadata",
    "ledger.reverted_transaction",
    *(
        f"orchestration.{name}"
        for name in (
            "started_workflow",
            "started_workflow_stage",
            "succeeded_workflow_stage",
            "failed_workflow_stage",
            "succeeded_workflow",
            "failed_workflow",
            "succeeded_trigger",
            "failed_trigger",
        )
    ),
)


class ControlClient:
    """The mock's control API (``/_mock``), for arranging and observing a test."""

    def __init__(self, url: str, token: str | None = None, tenant: str | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if tenant:
            headers["X-Mock-Tenant"] = tenant  # with --tenancy client: act on that tenant only
        self._http = httpx.Client(base_url=url + CONTROL_PREFIX, headers=headers, timeout=10)

    def reset(self) -> None:
        """Empty the state, rewind the clock and ids, reload the start-up fixtures."""
        self._http.post("/reset").raise_for_status()

    def advance(self, seconds: float) -> dict[str, Any]:
        """Move the mock's clock forward; due delays and retries run before this returns."""
        return self._data(self._http.post("/clock/advance", json={"seconds": seconds}))

    def publish(
        self,
        type: str,  # noqa: A002
        payload: dict[str, Any],
        *,
        app: str | None = None,
        version: str | None = None,
    ) -> dict[str, Any]:
        """Deliver a bus event to the triggers; returns ``{"accepted", "occurrences"}``. ``version`` is
        the envelope's (a trigger with a ``version`` hears only its own; default: the app's release)."""
        body: dict[str, Any] = {"type": type, "payload": payload}
        if app is not None:
            body["app"] = app
        if version is not None:
            body["version"] = version
        return self._data(self._http.post("/events", json=body))

    def events(self, type: str | None = None, instance_id: str | None = None) -> list[dict[str, Any]]:  # noqa: A002
        """Orchestration events the engine published (``STARTED_WORKFLOW`` ...), oldest first."""
        params = {k: v for k, v in {"type": type, "instanceID": instance_id}.items() if v is not None}
        return self._data(self._http.get("/events", params=params))

    def requests(
        self,
        *,
        operation_id: str | None = None,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        since: int | None = None,
    ) -> list[dict[str, Any]]:
        """The API requests the mock received, oldest first, filtered like ``GET /_mock/requests``:
        each with ``seq``, ``operationId``, ``status``, ``forced``/``fault`` and its JSON ``body``."""
        filters = {"operationId": operation_id, "method": method and method.upper(), "path": path, "status": status}
        filters["since"] = since
        return self._data(self._http.get("/requests", params={k: v for k, v in filters.items() if v is not None}))

    def assert_called(self, operation_id: str, times: int | None = None, body: Any = None) -> list[dict[str, Any]]:
        """Assert the app called ``operation_id`` (exactly ``times`` times; with ``body``, with that JSON
        body); returns the matching calls. The failure message lists what was called instead."""
        calls = self.requests(operation_id=operation_id)
        if body is not None:
            calls = [c for c in calls if c.get("body") == body]
        if (times is None and calls) or (times is not None and len(calls) == times):
            return calls
        wanted = f"{operation_id} {'at least once' if times is None else f'{times} time(s)'}"
        if body is not None:
            wanted += f" with body {body!r}"
        seen = [
            f"  {c['method']} {c['path']} -> {c['status']} ({c.get('operationId') or 'no operation'})"
            + (f" body={c['body']!r}" if "body" in c else "")
            for c in self.requests()[-20:]
        ]
        raise AssertionError(
            f"expected {wanted}, found {len(calls)}; latest requests:\n" + ("\n".join(seen) or "  (none)")
        )

    def load(self, fixture: str | dict[str, Any]) -> dict[str, int]:
        """Load a fixture document (YAML/JSON text or an object) on top of the current state."""
        if isinstance(fixture, str):
            reply = self._http.post("/fixtures", content=fixture, headers={"content-type": "application/yaml"})
        else:
            reply = self._http.post("/fixtures", json=fixture)
        return self._data(reply)

    def close(self) -> None:
        self._http.close()

    @staticmethod
    def _data(reply: httpx.Response) -> Any:
        reply.raise_for_status()
        return reply.json()["data"]


@dataclass(frozen=True)
class OrchestrationMock:
    """A running mock: where it is, tokens for it, and its control API."""

    url: str  # the origin, e.g. http://127.0.0.1:51234 (what the official SDK takes as server_url)
    base_url: str  # the API root, ``url + "/api/orchestration"``
    token: str  # read and write scopes of every service of the stack
    read_token: str  # read scope only: writes answer 403
    control: ControlClient
    settings: Settings

    @property
    def ledger_url(self) -> str:
        """The ledger API's root, ``url + "/api/ledger"`` (create the ledgers your workflows book on)."""
        return self.url + "/api/ledger"


@contextmanager
def serve_mock(**options: Any) -> Iterator[OrchestrationMock]:
    """Run the mock in a background thread until the block exits. ``options`` are
    ``Settings`` fields (``clock``, ``seed``, ``quirks``, ``fixtures``, ``clients`` ...)."""
    # Imported here: a session that loads the plugin but never asks for the mock pays nothing.
    import uvicorn

    from mockserver.app import create_app
    from mockserver.cli import serving_config

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Binding port 0 here, then handing the socket to uvicorn, leaves no window for another
    # process to take the port between choosing it and listening on it.
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    settings = Settings(
        **{
            **DEFAULT_OPTIONS,
            **options,
            "host": "127.0.0.1",
            "port": port,
            "issuer": url + "/api/auth",
            "access_log": False,
            "fixtures": tuple(Path(p) for p in options.get("fixtures", ())),
        }
    )
    try:
        config = serving_config(create_app(settings).asgi, "127.0.0.1", port, log_level="warning")
    except BaseException:
        sock.close()
        raise
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="orchestration-mock", daemon=True)
    thread.start()
    control = None
    try:
        _wait_started(server, thread)
        control = ControlClient(url, settings.control_token)
        client = _client_credentials(settings)
        yield OrchestrationMock(
            url=url,
            base_url=url + GATEWAY_PREFIX,
            token=_token(url, client, None),
            read_token=_token(url, client, "orchestration:read"),
            control=control,
            settings=settings,
        )
    finally:
        if control is not None:
            control.close()
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def _wait_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the orchestration mock stopped while starting (see the log above)")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the orchestration mock did not start within {START_TIMEOUT:g} s")
        time.sleep(0.01)


def _client_credentials(settings: Settings) -> tuple[str, str]:
    """The first configured client, or any client when none is configured."""
    return next(iter(settings.clients.items()), ("pytest", "pytest"))


def _token(url: str, client: tuple[str, str], scope: str | None) -> str:
    form = {"grant_type": "client_credentials", "client_id": client[0], "client_secret": client[1]}
    if scope:
        form["scope"] = scope
    reply = httpx.post(url + TOKEN_PATH, data=form, timeout=10)
    reply.raise_for_status()
    return reply.json()["access_token"]


@pytest.fixture(scope="session")
def orchestration_mock_options() -> dict[str, Any]:
    """``Settings`` fields for the session's mock; override this fixture to change them."""
    return {}


@pytest.fixture(scope="session")
def _orchestration_mock_server(orchestration_mock_options: dict[str, Any]) -> Iterator[OrchestrationMock]:
    with serve_mock(**orchestration_mock_options) as mock:
        yield mock


@pytest.fixture
def orchestration_mock(_orchestration_mock_server: OrchestrationMock) -> Iterator[OrchestrationMock]:
    """The session's mock, freshly reset for this test. With ``{"tenancy": "client"}`` in the
    options, each test gets a tenant of its own instead (a fresh client id, its tokens and a
    control client on that tenant), so pytest-xdist workers can share one mock."""
    shared = _orchestration_mock_server
    settings = shared.settings
    if settings.tenancy != "client" or settings.clients:
        shared.control.reset()
        yield shared
        return
    client = (f"pytest-{uuid.uuid4().hex[:16]}", "pytest")
    control = ControlClient(shared.url, settings.control_token, tenant=client[0])
    try:
        yield replace(
            shared,
            token=_token(shared.url, client, None),
            read_token=_token(shared.url, client, "orchestration:read"),
            control=control,
        )
    finally:
        control.close()


class WebhookReceiver:
    """A webhook endpoint on 127.0.0.1 registered with a mock (the ``webhook_receiver`` fixture).

    ``deliveries`` holds every request it got, ``verified()`` those whose signature checks out
    with a subscribed config's secret; the others were answered 401. ``answer(500, times=2)``
    makes the next verified deliveries fail, to see the mock retry them.
    """

    def __init__(self, mock: OrchestrationMock, receiver: Any) -> None:
        self.mock = mock
        self.receiver = receiver
        self.configs: list[dict[str, Any]] = []
        self._http = httpx.Client(
            base_url=mock.url + "/api/webhooks", headers={"Authorization": f"Bearer {mock.token}"}, timeout=10
        )

    @property
    def url(self) -> str:
        return self.receiver.url

    @property
    def deliveries(self) -> list[Any]:
        return list(self.receiver.deliveries)

    def verified(self) -> list[Any]:
        return self.receiver.verified()

    def subscribe(self, *event_types: str, secret: str | None = None, path: str = "/webhooks") -> dict[str, Any]:
        """Create a config on the mock for ``event_types`` pointing here; returns it (with its secret)."""
        body: dict[str, Any] = {"endpoint": self.url + path, "eventTypes": list(event_types)}
        if secret is not None:
            body["secret"] = secret
        reply = self._http.post("/configs", json=body)
        reply.raise_for_status()
        config = reply.json()["data"]
        self.receiver.secrets.append(config["secret"])
        self.configs.append(config)
        return config

    def trust(self, secret: str) -> None:
        """Also accept deliveries signed with ``secret`` (after a secret change, say)."""
        self.receiver.secrets.append(secret)

    def answer(self, status: int, times: int = 1) -> None:
        self.receiver.answer(status, times)

    def wait_for(self, event_type: str | None = None, **options: Any) -> list[Any]:
        """The first ``count`` (default 1) verified deliveries of ``event_type``, waiting up to
        ``timeout`` seconds (default 5; the mock's clock does not matter, deliveries are real)."""
        return self.receiver.wait_for(event_type, **options)

    def close(self) -> None:
        self._http.close()


@pytest.fixture
def webhook_receiver_event_types() -> tuple[str, ...]:
    """The event types ``webhook_receiver`` registers for; override to choose (``()``: none)."""
    return STACK_EVENT_TYPES


@pytest.fixture
def webhook_receiver(
    orchestration_mock: OrchestrationMock, webhook_receiver_event_types: tuple[str, ...]
) -> Iterator[WebhookReceiver]:
    """A webhook endpoint on 127.0.0.1 for this test, registered with the test's mock (see the module)."""
    from mockserver.webhooks.receiver import Receiver

    with Receiver().running() as receiver:
        hooks = WebhookReceiver(orchestration_mock, receiver)
        try:
            if webhook_receiver_event_types:
                hooks.subscribe(*webhook_receiver_event_types)
            yield hooks
        finally:
            hooks.close()
