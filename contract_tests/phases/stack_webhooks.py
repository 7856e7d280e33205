"""The stack phase's webhook part: configs pointing at a receiver the suite starts, and what reached them.

Two configs: one naming the types the phase's actions publish (a ledger's committed transactions, a
workflow's success), one naming a type they never publish. Each event the phase caused must reach the first
(matched on its type and payload: the ledger and transaction id, or the instance id); the second must receive
no event of another type. Both configs are deleted at the end, so later events are not sent to a receiver
that is gone. Without a webhooks API beside the others the checks are skipped, with the reason.
"""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from typing import Any

import httpx

from contract_tests.phases.stack_invariants import Caused, StackApis
from contract_tests.transport.receiver import Receiver

__all__ = ["MATCHING", "OTHER", "Webhooks"]

MATCHING = ["ledger.committed_transactions", "orchestration.succeeded_workflow"]
OTHER = ["orchestration.failed_workflow_stage"]


def _seen(body: Any) -> tuple[str, str, str] | None:
    if not isinstance(body, dict) or not isinstance(body.get("payload"), dict):
        return None
    kind, payload = str(body.get("type")), body["payload"]
    if kind == "orchestration.succeeded_workflow":
        return (kind, str(payload.get("instanceID")), "")
    return None


def _seen_all(body: Any) -> set[tuple[str, str, str]]:
    """Every (type, where, id) one delivery stands for: a committed-transactions event carries several."""
    one = _seen(body)
    if one is not None:
        return {one}
    if not isinstance(body, dict) or body.get("type") != "ledger.committed_transactions":
        return set()
    payload = body.get("payload") if isinstance(body.get("payload"), dict) else {}
    ledger = str(payload.get("ledger"))
    transactions = [tx for tx in payload.get("transactions") or [] if isinstance(tx, dict)]
    return {(body["type"], ledger, str(tx.get("id"))) for tx in transactions}


class Webhooks:
    """The receiver and the two configs; `None`-safe when the webhooks API is absent (`available` False)."""

    def __init__(self, url: str, token: str | None, timeout: float) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client = httpx.Client(base_url=url, headers=headers, timeout=timeout)
        self.receiver = Receiver()
        self.configs: dict[str, str] = {}  # receiver path name -> config id
        self.problem: str | None = None
        for name, types in (("matching", MATCHING), ("other", OTHER)):
            self._register(name, types)

    def _register(self, name: str, types: list[str]) -> None:
        body = {"endpoint": self.receiver.endpoint(f"{name}-{uuid.uuid4().hex[:8]}"), "eventTypes": types}
        try:
            reply = self.client.post("/configs", json=body)
            data = reply.json().get("data") if reply.status_code in (200, 201) else None
        except (httpx.HTTPError, ValueError, AttributeError) as exc:
            self.problem = f"the webhooks API did not answer: {exc}"
            return
        if not isinstance(data, dict) or "id" not in data:
            self.problem = f"the webhooks API refused a config: {reply.status_code} {reply.text[:200]}"
            return
        self.configs[body["endpoint"].rsplit("/", 1)[1]] = str(data["id"])

    @property
    def available(self) -> bool:
        return self.problem is None and len(self.configs) == 2

    def judge(self, s: StackApis, caused: Caused) -> None:
        """Wait (at most the poll timeout) for every caused event at the matching config, then judge both."""
        matching = next(name for name in self.configs if name.startswith("matching"))
        other = next(name for name in self.configs if name.startswith("other"))
        deadline = time.monotonic() + s.poll_timeout
        while True:
            got = set().union(*(_seen_all(b) for b in self._bodies(matching)))
            missing = caused.events - got
            if not missing or time.monotonic() >= deadline:
                break
            time.sleep(0.05)
        s.judge(s.orchestration, "events_reach_webhook", config=self.configs[matching],
                missing=sorted(" ".join(filter(None, event)) for event in missing))  # fmt: skip
        for name, types in ((matching, MATCHING), (other, OTHER)):
            kinds = [str(b.get("type")) if isinstance(b, dict) else "(not JSON)" for b in self._bodies(name)]
            s.judge(s.orchestration, "webhook_types_respected", config=self.configs[name], types=types, got=kinds)

    def _bodies(self, name: str) -> list[Any]:
        """The decoded bodies delivered to `name`'s path (None for one that is not JSON)."""
        bodies: list[Any] = []
        for delivery in self.receiver.received(name):
            try:
                bodies.append(json.loads(delivery.body))
            except ValueError:
                bodies.append(None)
        return bodies

    def close(self) -> None:
        for config_id in self.configs.values():
            with contextlib.suppress(httpx.HTTPError):  # a stack that lost its webhooks API: nothing to clean
                self.client.delete(f"/configs/{config_id}")
        self.client.close()
        self.receiver.close()
