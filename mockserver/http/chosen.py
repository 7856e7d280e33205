"""Answers decided before any handler runs: ``--latency``, the tenant's fault rules, ``Prefer``.

Decided at the edge, so a fault's or a forced answer changes no state and applies alike to the
fast path and to Connexion. The gateway asks once per API request; ``answered`` tells it
whether the request is done.
"""

from __future__ import annotations

import asyncio
from typing import Any

from mockserver.errors import MockError
from mockserver.http.asgi import Receive, Scope, Send, error_body, header, respond, respond_payload
from mockserver.http.connection import break_connection
from mockserver.http.forcing import Operation, OperationIndex, error_json, parse_prefer
from mockserver.http.latency import Latency
from mockserver.state.faults import FaultRules


class ChosenAnswers:
    def __init__(self, operations: OperationIndex, latency: Latency) -> None:
        self.operations = operations
        self.latency = latency

    async def answered(
        self, scope: Scope, path: str, method: str, faults: FaultRules, send: Send, receive: Receive | None = None
    ) -> bool:
        """Wait the latency, then answer as a firing fault rule or the Prefer header says; True
        when that answered the request, False to let the handlers answer it."""
        if self.latency.bounds is not None:
            await self.latency.wait()
        prefer = header(scope, b"prefer")
        if not prefer and not faults:
            return False
        operation = self.operations.match(method, path)
        rule = faults.pick(operation.operation_id if operation else None, method, path) if faults else None
        note = scope["mock.note"]  # what the journal will say about this request
        if rule is not None:
            note["fault"] = rule.id
            if rule.delay_ms:
                await asyncio.sleep(rule.delay_ms / 1000)
            if rule.connection is not None:
                note["dropped"] = True
                note["connection"] = rule.connection
                garbage = faults.garbage() if rule.connection == "garbage" else b""
                await break_connection(scope, receive or _nothing, send, rule.connection, garbage)
                return True
            if rule.status is not None:
                await respond_payload(send, rule.status, _rule_body(operation, rule.status, f"fault rule {rule.id}"))
                return True
        if not prefer or operation is None:
            return False
        try:
            chosen = parse_prefer(prefer)
            if chosen == (None, None):
                return False  # no preference of ours (respond-async, wait=...)
            status, body = operation.answer(*chosen, "forced by the Prefer header")
        except MockError as exc:
            await respond(send, exc.status, error_body(exc))
            return True
        note["forced"] = True
        await respond_payload(send, status, body)
        return True


async def _nothing() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


def _rule_body(operation: Operation | None, status: int, why: str) -> Any:
    """A fault's answer: what the operation declares for that status, else an Error (or nothing)."""
    if operation is not None:
        try:
            return operation.answer(status, None, why)[1]
        except MockError:
            pass  # a status the operation does not declare: the rule asked for it all the same
    return error_json(status, why) if status >= 400 else None
