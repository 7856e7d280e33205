"""Two implementations behind the one API the phases drive: each request goes to A, then, translated, to B.

`PairedApi` is a `CheckedApi` whose `send` and `call` reach both servers, so the suite's own sequences
(generated cases per operation, the links state machine, the ledger's targets) run unchanged. It judges no
contract: it compares B's answer with A's (`correspondence.py`) and records each difference. The phases see
A's answers, so what they generate next follows A; B gets the same request with A's ids replaced by B's.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from schemathesis.core import NOT_SET
from schemathesis.generation.case import Case

from contract_tests.diff.correspondence import Correspondence, FieldDiff
from contract_tests.diff.differences import Difference, Differences
from contract_tests.phases.checking import CheckedApi
from contract_tests.transport.client import Client, Exchange

__all__ = ["PairedApi"]

T = TypeVar("T")

# A read that differs is read again once, after this pause, before it counts: an asynchronous server may
# simply not be there yet (the real service moves instances on its own time).
_SETTLE = 0.2


class PairedApi(CheckedApi):
    # Each case goes to A then B, compared in order (ids learnt from answers translate the next ones): cases are
    # sent one by one as drawn, and reads one after the other.
    pipelines = False

    def __init__(
        self,
        a: Client,
        b: Client,
        differences: Differences,
        correspondence: Correspondence,
        ignore: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(a)
        self.b = b
        self.differences = differences
        self.correspondence = correspondence
        self.ignore = ignore

    def send(self, case: Case, *, identity: str | None = "write", aimed: bool = False) -> Exchange:
        if self.prepare is not None and not aimed:
            self.prepare(case)
        return self._both(case, identity)

    def call(self, operation_id: str, *, body: Any = NOT_SET, **request: Any) -> Exchange:
        identity = request.pop("identity", "write")
        return self._both(self.client.case_for(operation_id, body=body, **request), identity)

    def read_together(
        self, calls: Sequence[tuple[str, dict[str, Any]]], beside: Sequence[Callable[[], T]] = ()
    ) -> tuple[list[Exchange], list[T]]:
        """One after the other, each through `call` (to both sides), then the other reads."""
        return [self.call(op, **dict(request)) for op, request in calls], [read() for read in beside]

    def apply(self, check: str, exchange: Exchange, **expected: Any) -> bool:
        return True  # a differential run compares answers; it does not judge them against the contract

    def _both(self, case: Case, identity: str | None) -> Exchange:
        twin = self._for_b(case)
        if self.spec[case.operation.definition.raw["operationId"]].is_write:
            self.writes += 1  # what the reads the suite remembers are keyed on (`CheckedApi.writes`)
        a, b = self.client.send(case, identity=identity), self.b.send(twin, identity=identity)
        fields = self._fields(a, b)
        if (fields or a.status != b.status) and a.operation.method == "GET":
            time.sleep(_SETTLE)
            a, b = self.client.send(case, identity=identity), self.b.send(twin, identity=identity)
            fields = self._fields(a, b)
        self.differences.count(a.operation.operation_id)
        if fields or a.status != b.status:
            curl_b = b.curl().replace("Bearer $", "Bearer $B_")  # B's tokens are its own: $B_TOKEN, ...
            self.differences.add(Difference(a.operation.operation_id, a.status, b.status, fields, a.curl(), curl_b))
        return a

    def _for_b(self, case: Case) -> Case:
        """The same request for B: A's ids in the path, query and JSON body replaced by B's."""
        translate = self.correspondence.translate
        body = case.body
        if body is not NOT_SET and not isinstance(body, (bytes, bytearray)):
            body = translate(body)
        return case.operation.Case(
            method=case.method,
            path_parameters=translate(case.path_parameters, scalars=True),
            headers=dict(case.headers) if case.headers else None,
            cookies=dict(case.cookies) if case.cookies else None,
            query=translate(case.query, scalars=True),
            body=body,
            media_type=case.media_type,
        )

    def _fields(self, a: Exchange, b: Exchange) -> list[FieldDiff]:
        fields: list[FieldDiff] = []
        type_a, type_b = (x.content_type.split(";")[0].strip().lower() for x in (a, b))
        if type_a != type_b:
            fields.append(FieldDiff("(content-type)", type_a or "(none)", type_b or "(none)"))
        body_a, body_b = a.json(), b.json()
        if body_a is not None and body_b is not None:
            return fields + self.correspondence.compare(body_a, body_b, ignore=self.ignore)
        text_a = self.correspondence.translate_text(a.response.content.decode("utf-8", "replace"))
        text_b = b.response.content.decode("utf-8", "replace")
        if text_a != text_b:
            fields.append(FieldDiff("(body)", text_a[:300] or "(empty)", text_b[:300] or "(empty)"))
        return fields
