"""Related views agree: one resource shown inside another's answer, or in a list, is the resource its own
endpoint answers, field by field (issue 13, class 3)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from contract_tests.checks.fields import raise_if_differ
from contract_tests.checks.registry import check
from contract_tests.core.errors import Violation

if TYPE_CHECKING:
    from contract_tests.transport.client import Exchange

__all__ = ["EMBEDDED_INSTANCE_FIELDS", "EMBEDDED_WORKFLOW_FIELDS"]

# What an embedded instance shares with `GET /instances/{id}` (`status` is left out: the spec does not say the
# embed carries the stage records).
EMBEDDED_INSTANCE_FIELDS = ("id", "workflowID", "createdAt", "updatedAt", "terminated", "terminatedAt", "error")
# What the workflow an instance embeds shares with the workflow's own read (`deletedAt` moves on deletion).
EMBEDDED_WORKFLOW_FIELDS = ("id", "config", "createdAt")


@check(kind="model", invariants=(22,))
def embedded_matches_endpoint(ex: Exchange, *, embedded: dict[str, Any], fields: tuple[str, ...]) -> None:
    """An object embedded in another answer (an occurrence's `workflowInstance`) equals what its own endpoint
    answers, read after it, in every field both describe."""
    data = ex.data if isinstance(ex.data, dict) else {}
    shared = [f for f in fields if f in embedded or f in data]
    raise_if_differ("embedded object differs from its endpoint in", data, embedded, shared)


@check(kind="model", invariants=(7, 10))
def instance_embeds_workflow(ex: Exchange, *, workflows: dict[str, dict[str, Any]]) -> None:
    """An instance read by id, listed, or answered by a waited run embeds the workflow it ran (`workflow`,
    flows v2.6.0), equal to that workflow's read in id, config and createdAt."""
    items = ex.data if isinstance(ex.data, list) else [ex.data]
    for item in items:
        if not isinstance(item, dict):
            continue
        embedded = item.get("workflow")
        if not isinstance(embedded, dict) or embedded.get("id") != item.get("workflowID"):
            raise Violation(
                f"instance {item.get('id')} does not embed the workflow it ran",
                expected=f"`workflow` with id {item.get('workflowID')}",
                actual=str(embedded),
                kind="missing" if not isinstance(embedded, dict) else "other workflow",
            )
        read = workflows.get(str(item.get("workflowID")))
        if read is not None:
            fields = [f for f in EMBEDDED_WORKFLOW_FIELDS if f in read]
            raise_if_differ(f"instance {item.get('id')} embeds its workflow differently in", read, embedded, fields)


@check(kind="model", invariants=(4, 18))
def list_matches_read(ex: Exchange, *, reads: dict[str, dict[str, Any]], fields: tuple[str, ...]) -> None:
    """A listed item equals the resource read by its id (or created) in every stable field."""
    items = ex.data if isinstance(ex.data, list) else []
    for item in items:
        if not isinstance(item, dict) or str(item.get("id")) not in reads:
            continue
        read = reads[str(item["id"])]
        shared = [f for f in fields if f in read]
        raise_if_differ(f"listed item {item['id']} differs from its read in", read, item, shared)
