"""The API as the phases see it: every exchange is checked by the phase that owns it.

`CheckedApi` sends through the transport `Client`, runs the registry's response checks on every answer,
applies the scenario and model checks a phase asks for, and turns each violation into a `Failure` with a
curl reproduction, filed under the phase that is running (`PHASE`).
"""

from __future__ import annotations

import contextvars
from typing import Any

from schemathesis.core import NOT_SET
from schemathesis.generation.case import Case

from contract_tests.checks import load_all
from contract_tests.core.config import Config
from contract_tests.core.errors import Violation
from contract_tests.core.results import Failure, Results
from contract_tests.core.spec import Spec
from contract_tests.transport.auth import Tokens
from contract_tests.transport.client import Client, Exchange

__all__ = ["PHASE", "CheckedApi"]

# The phase a request belongs to, for failure records; set by the runner (and per worker thread).
PHASE: contextvars.ContextVar[str] = contextvars.ContextVar("contract_phase", default="")


class CheckedApi:
    def __init__(self, client: Client) -> None:
        self.client = client
        self._response_checks = [c for c in load_all().values() if c.kind == "response"]

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

    def send(self, case: Case, *, identity: str | None = "write") -> Exchange:
        exchange = self.client.send(case, identity=identity)
        self._check_response(exchange)
        return exchange

    def call(self, operation_id: str, *, body: Any = NOT_SET, **request: Any) -> Exchange:
        """`Client.call` (path, query, body, raw, identity, headers), then the response checks."""
        exchange = self.client.call(operation_id, body=body, **request)
        self._check_response(exchange)
        return exchange

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
        """Turn a violation into a failure record, with a reproduction when there is an exchange."""
        client = self.client
        reveal = client.token_for(exchange.identity) if (exchange is not None and self.config.reveal_token) else None
        failure = Failure(
            check=check,
            operation=exchange.operation.operation_id if exchange is not None else operation,
            title=violation.title,
            expected=violation.expected,
            actual=violation.actual,
            curl=exchange.curl(reveal) if exchange is not None else "",
            phase=PHASE.get(),
            status=exchange.status if exchange is not None else None,
            kind=violation.kind,
        )
        self.results.add_failure(failure)

    def _check_response(self, exchange: Exchange) -> None:
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
