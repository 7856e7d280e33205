"""Judging one observed exchange with the suite's registry: the request checks (a client bug), every
response check the suite runs on its own exchanges, then the traffic model's behavioural checks.

Findings become the suite's `Failure` records (phase `proxy`), filed in one `Results`, which deduplicates
them and marks the accepted deviations.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from contract_tests.checks import load_all
from contract_tests.core.errors import Violation
from contract_tests.core.results import Failure, Results
from contract_tests.proxy.oracle import TrafficModel
from contract_tests.transport.client import Exchange

__all__ = ["PHASE", "Judgement"]

PHASE = "proxy"


class Judgement:
    """Applies the checks to each exchange; `on_failure` sees every finding, duplicates included."""

    def __init__(self, results: Results, on_failure: Callable[[Failure], None] | None = None) -> None:
        self.results = results
        self.model = TrafficModel()
        self.on_failure = on_failure
        registry = load_all().values()
        self._request_checks = [c for c in registry if c.kind == "request"]
        self._response_checks = [c for c in registry if c.kind == "response" and c.service != "ledger"]

    def reset(self) -> None:
        self.model.reset()

    def judge(self, ex: Exchange) -> list[Failure]:
        """Every finding on one exchange (a check that crashes is a suite error, never the client's)."""
        found: list[Failure] = []
        operation = ex.operation.operation_id
        # The status-coverage table of the proxy's reports: the operations the traffic reached, their statuses.
        self.results.coverage.declare(operation, ex.operation.documented)
        self.results.count_request(operation, ex.status)
        for entry in [*self._request_checks, *self._response_checks]:
            self._run(entry.name, ex, found, lambda fn=entry.fn: fn(ex))

        def judge(check: str, read: Exchange, **expected: Any) -> bool:
            return self._run(check, read, found, lambda: load_all()[check].fn(read, **expected), about=ex)

        try:
            self.model.observe(ex, judge)
        except Exception as exc:  # a bug of the model must not cost the client its answer
            self.results.error(f"traffic model crashed on {operation}: {exc!r}")
        return found

    def _run(
        self, check: str, ex: Exchange, found: list[Failure], call: Callable[[], None], *, about: Exchange | None = None
    ) -> bool:
        self.results.count_check(check, ex.operation.operation_id)
        try:
            call()
        except Violation as violation:
            for each in violation.each():
                failure = self._failure(check, about or ex, each)
                self.results.add_failure(failure)
                # `add_failure` keeps the first of duplicates; report the one it holds, with its count.
                found.append(self.results.failures.get(failure.key, failure))
                if self.on_failure is not None:
                    self.on_failure(failure)
            return False
        except Exception as exc:
            self.results.error(f"check {check} crashed on {ex.operation.operation_id}: {exc!r}")
        return True

    @staticmethod
    def _failure(check: str, ex: Exchange, violation: Violation) -> Failure:
        # For a model check that read an earlier exchange (an instance's own read), `ex` is the exchange
        # whose answer showed the problem: its operation, status and reproduction are reported.
        return Failure(
            check=check,
            operation=ex.operation.operation_id,
            title=violation.title,
            expected=violation.expected,
            actual=violation.actual,
            curl=ex.curl(),
            phase=PHASE,
            status=ex.status,
            kind=violation.kind,
        )
