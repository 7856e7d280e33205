"""Related views agree: one resource shown inside another's answer, or in a list, is the resource its own
endpoint answers, field by field (issue 13, class 3; issue 29: by the table of `views.yaml`).

`embed_present` runs on every answer; `embedded_matches_endpoint` is applied by the view tracker
(`phases/views.py`) when a copy is first seen and after every change of its resource, and by the proxy's model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from contract_tests.checks.fields import raise_if_differ
from contract_tests.checks.registry import check
from contract_tests.checks.views import view_named, views_hosted_by
from contract_tests.core.errors import Violation

if TYPE_CHECKING:
    from contract_tests.transport.client import Exchange

__all__ = ["EMBEDDED_INSTANCE_FIELDS", "items_of"]

# What an occurrence's instance shares with `GET /instances/{id}` (the table's row says it).
EMBEDDED_INSTANCE_FIELDS = view_named("occurrence.workflowInstance").fields


def items_of(ex: Exchange) -> list[dict[str, Any]]:
    """The answer's objects: the data object, or each item of a list (or of a walk)."""
    data = ex.data
    items = data if isinstance(data, list) else [data]
    return [item for item in items if isinstance(item, dict)]


@check(kind="response", invariants=(7, 22))
def embed_present(ex: Exchange) -> None:
    """Every copy of a related resource the table of views requires is in the answer, and shows the resource
    its host names (an instance's `workflow`, an occurrence's `workflowInstance`, a log's transaction)."""
    if not 200 <= ex.status < 300:
        return
    query = ex.case.query if isinstance(ex.case.query, dict) else {}
    for view in views_hosted_by(ex.operation.service, ex.operation.name):
        if not view.at or not view.required_for(query):
            continue
        for item in items_of(ex):
            ident = view.ident(item) if view.applies(item) else None
            if ident is None:
                continue
            copy = view.copy_in(item)
            shown = copy.get("id") if isinstance(copy, dict) else None
            if not isinstance(copy, dict) or str(shown) != ident:
                raise Violation(
                    f"{view.name}: {item.get('id', ident)} does not embed the {view.resource} it names",
                    expected=f"`{view.at}` with id {ident}",
                    actual=str(copy)[:200],
                    kind=f"{view.name} missing" if not isinstance(copy, dict) else f"{view.name} other {view.resource}",
                )


@check(kind="model", invariants=(7, 10, 22))
def embedded_matches_endpoint(
    ex: Exchange, *, embedded: dict[str, Any], fields: tuple[str, ...], current: Any = None, view: str = ""
) -> None:
    """A copy of a resource inside another answer (an occurrence's `workflowInstance`, an instance's
    `workflow`, a log's transaction, a listed account) equals what the resource's own endpoint answers, in
    every field both describe; re-read after every change of the resource, a stale copy shows."""
    read = current if current is not None else ex.data
    read = read if isinstance(read, dict) else {}
    shared = [f for f in fields if f in embedded or f in read]
    title = (
        f"{view}: the copy differs from its resource's read in"
        if view
        else "embedded object differs from its endpoint in"
    )
    raise_if_differ(title, read, embedded, shared)


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
