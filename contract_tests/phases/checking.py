"""The API as the phases see it: every exchange is checked by the phase that owns it.

`CheckedApi` sends through the transport `Client`, runs the registry's response checks on every answer,
applies the scenario and model checks a phase asks for, and turns each violation into a `Failure` with a
curl reproduction, filed under the phase that is running (`PHASE`).
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from schemathesis.core import NOT_SET
from schemathesis.generation.case import Case

from contract_tests.checks import load_all
from contract_tests.core.config import Config
from contract_tests.core.errors import Violation
from contract_tests.core.results import Failure, Results
from contract_tests.core.spec import Spec
from contract_tests.phases.views import ViewTracker
from contract_tests.phases.walks import keys, walk_whole
from contract_tests.transport.auth import Tokens
from contract_tests.transport.client import Client, Exchange, PollBudget, concurrently

__all__ = ["PHASE", "CheckedApi"]

T = TypeVar("T")

# The phase a request belongs to, for failure records; set by the runner (and per worker thread).
PHASE: contextvars.ContextVar[str] = contextvars.ContextVar("contract_phase", default="")


class CheckedApi:
    def __init__(self, client: Client) -> None:
        self.client = client
        service = client.spec.version.service_name
        self._response_checks = [
            c for c in load_all().values() if c.kind == "response" and c.service in (None, service)
        ]
        # What the polls of the running phase may still wait in vain; the runner renews it per phase.
        self.poll_budget = PollBudget(client.config.effective_poll_budget)
        # Applied to every generated case before it is sent (not to the vocabulary's calls): the ledger's
        # phases aim generated requests at a ledger the run created (see `phases/ledger_run.py`).
        self.prepare: Callable[[Case], None] | None = None
        # Copies of resources inside other answers, re-read when their resource changes (`phases/views.py`).
        self.views = ViewTracker(self)
        # The query that started the cursor walk under way: what its pages are held to.
        self._walk_query: dict[str, Any] | None = None
        # Writes sent so far (any answer): a read repeated with no write between shows the same state.
        self.writes = 0

    @property
    def spec(self) -> Spec:
        return self.client.spec

    @property
    def config(self) -> Config:
        return self.client.config

    @property
    def tokens(self) -> Tokens:
        return self.client.tokens

    @property
    def results(self) -> Results:
        return self.client.results

    # Whether generated cases may be drawn while earlier ones are on the wire (`phases/pipeline.py`); a subclass
    # whose sending does more than `Client.send` (the differential run's pair) says no.
    pipelines = True

    def send(self, case: Case, *, identity: str | None = "write", aimed: bool = False) -> Exchange:
        """Send a generated case (aimed by `prepare` first, unless `aimed` says it was) and check the answer."""
        if self.prepare is not None and not aimed:
            self.prepare(case)
        if case.method.upper() not in ("GET", "HEAD", "OPTIONS"):
            self.writes += 1
        exchange = self.client.send(case, identity=identity)
        self.check_response(exchange)
        return exchange

    def call(self, operation_id: str, *, body: Any = NOT_SET, **request: Any) -> Exchange:
        """`Client.call` (path, query, body, raw, identity, headers), then the response checks."""
        return self._took(self.client.call(operation_id, body=body, **request))

    def call_all(self, *calls: tuple[str, dict[str, Any]]) -> list[Exchange]:
        """Reads that do not depend on each other, each `(operation_id, call's keyword arguments)`, sent at once
        (`concurrently`: a slow network's wait is shared); then each answer goes through what `call` does, in the
        order given, so checks and findings come out as they would one read after the other."""
        return self.read_together(calls)[0]

    def read_together(
        self, calls: Sequence[tuple[str, dict[str, Any]]], beside: Sequence[Callable[[], T]] = ()
    ) -> tuple[list[Exchange], list[T]]:
        """`call_all`, with other reads (of another API: plain callables) sent at the same time."""
        assert not any(self.spec[op].is_write for op, _ in calls), "only reads go out together"
        sent = concurrently(
            *(functools.partial(self.client.call, op, **request) for op, request in calls), *beside
        )  # fmt: skip
        exchanges = [self._took(exchange) for exchange in sent[: len(calls)]]  # type: ignore[arg-type]
        return exchanges, sent[len(calls) :]  # type: ignore[return-value]

    def _took(self, exchange: Exchange) -> Exchange:
        if exchange.operation.is_write:
            self.writes += 1
        self.check_response(exchange)
        self.views.observe(exchange, self._walk_query)
        if exchange.operation.is_write:
            self.views.after_write(exchange)
        return exchange

    def list_all(self, operation_id: str, **request: Any) -> Exchange:
        """A whole list: one call for v1. For a cursor list, a walk along `next` whose every page is held to
        the request (`phases/walks.py`). The returned exchange is the walk's first page, carrying every item
        walked as its `data`."""
        if not self.spec[operation_id].paginated:
            return self.call(operation_id, **request)
        query = request.pop("query", None) or {}
        self._walk_query = query
        try:
            first, pages, ended = walk_whole(self, operation_id, query, request)
        finally:
            self._walk_query = None
        if first.status != 200 or not pages:
            return first  # the response checks report it
        self.apply("page_walk_complete", first, pages=[keys(p) for p in pages], ended=ended)
        return replace(first, walked=[item for items in pages for item in items])

    def apply(self, check: str, exchange: Exchange, **expected: Any) -> bool:
        """Apply a scenario/model check of the registry to an exchange; True when it holds."""
        self.results.count_check(check, exchange.operation.operation_id)
        try:
            load_all()[check].fn(exchange, **expected)
        except Violation as violation:
            self.record(check, exchange, violation)
            return False
        return True

    def record(self, check: str, exchange: Exchange | None, violation: Violation, *, operation: str = "") -> None:
        """Turn a violation (and the others the same answer showed) into failure records, with a reproduction
        when there is an exchange."""
        client = self.client
        reveal = client.token_for(exchange.identity) if (exchange is not None and self.config.reveal_token) else None
        for each in violation.each():
            failure = Failure(
                check=check,
                operation=exchange.operation.operation_id if exchange is not None else operation,
                title=each.title,
                expected=each.expected,
                actual=each.actual,
                curl=exchange.curl(reveal) if exchange is not None else "",
                phase=PHASE.get(),
                status=exchange.status if exchange is not None else None,
                kind=each.kind,
            )
            self.results.add_failure(failure)

    def check_response(self, exchange: Exchange) -> None:
        """Every response check on one exchange; a crashing check is a suite bug, reported as such."""
        operation = exchange.operation.operation_id
        for entry in self._response_checks:
            self.results.count_check(entry.name, operation)
            try:
                entry.fn(exchange)
            except Violation as violation:
                self.record(entry.name, exchange, violation)
            except Exception as exc:  # a bug of the suite must not hide the server's answers
                self.results.error(f"check {entry.name} crashed on {operation}: {exc!r}")
