"""One JSON-ready picture of the mock's state, for ``state.json`` and the page alike.

The page renders nothing that is not in this snapshot, so what a script reads from
``/_mock/ui/state.json`` is exactly what a person sees. Long lists are cut to their
latest entries (newest first) so that a busy mock still answers the one-second poll quickly.
"""

from __future__ import annotations

from collections.abc import Reversible
from itertools import islice
from typing import Any

from mockserver.core.timefmt import timestamp
from mockserver.inspector.progress import instance_progress, stage_kind
from mockserver.orchestration.api import presenter as present
from mockserver.orchestration.domain.model import Instance, Trigger
from mockserver.state.backend import Backend

LATEST_INSTANCES = 100
LATEST_EVENTS = 50
LATEST_REQUESTS = 50
LATEST_OCCURRENCES = 10
LATEST_ATTEMPTS = 50


RECENT_TRANSACTIONS = 5  # per ledger, newest first


def snapshot(backend: Backend, tenancy: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything the inspector shows, as of ``backend.clock.now()``; with ``--tenancy client``,
    also which tenant it is and which others exist."""
    store = backend.store
    return {
        "tenancy": tenancy,
        "clock": {"now": timestamp(backend.clock.now()), "mode": backend.settings.clock},
        "quirks": backend.settings.quirks,
        "counts": store.counts(),
        "workflows": [_workflow(backend, w.id) for w in store.live_workflows.values()],
        "instances": [_instance(backend, i) for i in _latest(store.instances.values(), LATEST_INSTANCES)],
        "triggers": [_trigger(backend, t) for t in store.live_triggers.values()],
        "ledgers": _ledgers(backend),
        "wallets": backend.engine.bank.wallets(),
        "payments": backend.engine.bank.payments(),
        "events": _latest(backend.engine.events.list(), LATEST_EVENTS),
        "eventCount": len(backend.engine.events),
        "requests": _latest(backend.journal, LATEST_REQUESTS),
        "requestCount": len(backend.journal),
        "faults": [rule.view() for rule in backend.faults.list()],
        "webhooks": _webhooks(backend),
    }


def _webhooks(backend: Backend) -> dict[str, Any]:
    """Configs (secrets left out: the page is no place for them) and the latest attempts."""
    service = backend.webhooks
    configs = [{k: v for k, v in config.view().items() if k != "secret"} for config in service.configs.listed()]
    attempts = _latest(service.schedule.attempts, LATEST_ATTEMPTS)
    return {
        "configs": configs,
        "attempts": [a.view() for a in attempts],
        "attemptCount": len(service.schedule.attempts),
        "faults": [rule.view() for rule in service.faults.list()],
    }


def _latest(items: Reversible[Any], count: int) -> list[Any]:
    """The last ``count`` items of an ordered collection, newest first, without copying it whole."""
    return list(islice(reversed(items), count))


def _workflow(backend: Backend, workflow_id: str) -> dict[str, Any]:
    item = backend.store.workflows[workflow_id]
    return {
        "id": item.id,
        "name": item.config.get("name") or "",
        "stages": [stage_kind(item, n) for n in range(len(item.stages))],
        "createdAt": timestamp(item.created_at),
        "instances": sum(1 for _ in backend.store.instances_of(item.id)),
    }


def _instance(backend: Backend, item: Instance) -> dict[str, Any]:
    workflow = backend.store.workflows.get(item.workflow_id)
    out = present.instance(item, with_status=False)
    out["workflowName"] = (workflow.config.get("name") or "") if workflow is not None else ""
    out.update(instance_progress(item, workflow))
    return out


def _trigger(backend: Backend, item: Trigger) -> dict[str, Any]:
    occurrences = backend.store.occurrences_by_trigger.get(item.id, [])
    latest = []
    for occurrence in _latest(occurrences, LATEST_OCCURRENCES):
        shown: dict[str, Any] = {"id": occurrence.id, "date": timestamp(occurrence.date)}
        if occurrence.workflow_instance_id:
            shown["workflowInstanceID"] = occurrence.workflow_instance_id
        if occurrence.error:
            shown["error"] = occurrence.error
        latest.append(shown)
    return {**present.trigger(item), "occurrenceCount": len(occurrences), "occurrences": latest}


def _ledgers(backend: Backend) -> list[dict[str, Any]]:
    out = []
    for book in backend.ledger.ledgers.visible():
        accounts = [
            {
                "address": a.address,
                "balances": {asset: v.balance for asset, v in a.volumes.items()},
                "metadata": dict(a.metadata),
            }
            for a in book.accounts.values()
        ]
        recent = [
            {
                "id": tx.id,
                "postings": [f"{p.source} -> {p.destination} {p.amount} {p.asset}" for p in tx.postings],
                "reverted": tx.reverted_at is not None,
            }
            for tx in (book.transactions[i] for i in reversed(book.tx_ids[-RECENT_TRANSACTIONS:]))
        ]
        out.append(
            {"name": book.info.name, "accounts": accounts, "transactions": len(book.transactions), "recent": recent}
        )
    return out
