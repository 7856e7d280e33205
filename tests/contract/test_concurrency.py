"""What the suite sends at once, and what it never does: independent reads go out together and are judged in
order; generated cases are drawn while earlier ones are on the wire, yet an operation that writes still reaches
the server one request at a time, in the order drawn, exactly as a plain loop sends it."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from contract_tests.core.config import Config
from contract_tests.core.results import Results
from contract_tests.core.spec import load_spec
from contract_tests.transport.auth import Tokens
from contract_tests.transport.client import CONCURRENT_READS, Client, concurrently
from tests.contract.conftest import reset, run_suite
from tests.contract.fabricate import BASE, UUID
from tests.contract.proxy import Fault, Request, RunningProxy, Send
from tests.support import RunningMock


def test_concurrent_calls_overlap_and_keep_their_order() -> None:
    def slow(n: int) -> int:
        time.sleep(0.2)
        return n

    began = time.monotonic()
    assert concurrently(*(lambda n=n: slow(n) for n in range(CONCURRENT_READS))) == list(range(CONCURRENT_READS))
    assert time.monotonic() - began < 0.2 * CONCURRENT_READS / 2


def test_the_first_error_is_raised_once_every_call_has_ended() -> None:
    ended: list[int] = []

    def call(n: int) -> int:
        time.sleep(0.05 * n)
        ended.append(n)
        if n in (1, 2):
            raise ValueError(n)
        return n

    with pytest.raises(ValueError, match="1"):
        concurrently(*(lambda n=n: call(n) for n in range(4)))
    assert sorted(ended) == [0, 1, 2, 3]


def _client() -> Client:
    config = Config(base_url=BASE, token="secret")
    return Client(load_spec(BASE), config, Tokens(write="secret", read=None), Results())


def test_a_dry_run_tells_a_sendable_case_from_one_the_transport_refuses() -> None:
    client = _client()
    operation = client.spec["getWorkflow"]
    plain = operation.st.Case(path_parameters={"flowId": UUID})
    assert client.sendable(plain)
    # A header value outside Latin-1: no HTTP client can send it (the real send raises UnicodeError).
    refused = operation.st.Case(path_parameters={"flowId": UUID}, headers={"X-Note": "prix en €"})
    assert not client.sendable(refused)
    with pytest.raises(UnicodeError):
        client.send(refused)
    assert client.results.operations == {}, "a dry run sends nothing and counts nothing"


async def _record(fault: Fault, request: Request, send: Send) -> Any:
    state = fault.state
    state["in_flight"] = state.get("in_flight", 0) + 1
    body = request.body.decode("latin-1")
    state.setdefault("log", []).append((request.method, request.path, request.query, body, state["in_flight"]))
    try:
        return await send(request)
    finally:
        state["in_flight"] -= 1


def _recorded_conformance(proxy: RunningProxy, mock: RunningMock, **changes: Any) -> list[tuple[Any, ...]]:
    recorder = Fault("recorder", "records what reaches the server", frozenset(), on_request=_record)
    reset(mock)
    proxy.use(recorder)
    try:
        report = run_suite(proxy.api, phases=("conformance",), max_examples=5, **changes)
    finally:
        proxy.use(None)
    assert report.exit_code == 0, report.summary()
    api = [entry for entry in recorder.state["log"] if entry[1].startswith("/api/orchestration")]
    # Schemathesis names each case by a random id: the request itself is what is compared.
    return [(m, p, tuple(q), b, n) for m, p, q, b, n in api]


def _in_order(log: list[tuple[Any, ...]]) -> list[Any]:
    """The writes in the order they came, each run of reads between them as a set."""
    shape: list[Any] = []
    reads: list[str] = []
    for method, path, query, body, _ in log:
        if method in ("GET", "HEAD"):
            reads.append(repr((method, path, query)))
            continue
        if reads:
            shape.append(sorted(reads))
            reads = []
        shape.append((method, path, query, body))
    return [*shape, sorted(reads)] if reads else shape


def test_the_pipeline_sends_what_a_plain_loop_sends(
    mock_server: RunningMock, proxy: RunningProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    piped = _recorded_conformance(proxy, mock_server, seed=5)
    assert max(n for *_, n in piped) > 1, "the reads of an operation that only reads go out together"
    assert all(n == 1 for method, *_, n in piped if method not in ("GET", "HEAD")), "a write never overlaps"
    # A case found unsendable (or not certainly sendable) goes the plain way: with every case so, the plain loop.
    monkeypatch.setattr(Client, "sendable", lambda self, case, identity="write": False)
    plain = _recorded_conformance(proxy, mock_server, seed=5)
    assert all(n == 1 for *_, n in plain)
    assert _in_order(piped) == _in_order(plain)


def test_every_answer_is_checked_on_the_caller_thread_in_order(
    mock_server: RunningMock, proxy: RunningProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    from contract_tests.phases.checking import CheckedApi

    threads: set[str] = set()
    checked = CheckedApi.check_response

    def spy(self: CheckedApi, exchange: Any) -> None:
        threads.add(threading.current_thread().name)
        checked(self, exchange)

    monkeypatch.setattr(CheckedApi, "check_response", spy)
    _recorded_conformance(proxy, mock_server, seed=5)
    assert threads == {threading.main_thread().name}
