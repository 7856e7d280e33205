"""v2 scenarios of the invariants phase: cursors a client cannot forge, and testTrigger telling the truth."""

from __future__ import annotations

import uuid
from typing import Any

from contract_tests.oracle.progress import list_never_grows
from contract_tests.phases.actions import Actions
from contract_tests.phases.invariants import scenario

__all__: list[str] = []

LISTS = ("listWorkflows", "listInstances", "listTriggers", "listTriggersOccurrences")
BAD_PAGES = (({"cursor": "not a cursor!"}, "a cursor that does not decode"), ({"pageSize": -1}, "pageSize -1"))


@scenario(v2=True)
def bad_page_requests(a: Actions) -> None:
    for name in LISTS:
        path = {"triggerID": "00000000-0000-4000-8000-000000000000"} if name == "listTriggersOccurrences" else None
        for query, why in BAD_PAGES:
            ex = a.api.call(name, path=path, query=query)
            a.api.apply("bad_page_rejected", ex, expected=400, why=f"{name} with {why}")


@scenario(5, v2=True)
def unknown_trigger_tested(a: Actions) -> None:
    unknown = str(uuid.uuid5(uuid.NAMESPACE_URL, f"contract-test-trigger-{a.nonce}"))
    ex = a.api.call("testTrigger", path={"triggerID": unknown}, body={"amount": 1})
    a.api.apply("unknown_resource_not_found", ex, expected=404, why="testTrigger of an unknown id")


@scenario(v2=True, control=True)
def trigger_test_tells_what_firing_does(a: Actions) -> None:
    """For each payload: what testTrigger answers, then what publishing it as a bus event does."""
    wf = a.create_workflow({"stages": [{"wait_event": {"event": "${order}"}}]})
    if wf is None:
        return
    body = {
        "event": "SAVED_PAYMENT",
        "workflowID": wf.id,
        "filter": "event.amount > 100",
        "vars": {"order": '"order-" + event.reference', "amount": "event.amount"},
    }
    created = a.api.call("createTrigger", body=body)
    if not a.api.apply("valid_request_accepted", created, expected=201, why="create a trigger to test"):
        return
    trigger = str(created.data["id"])
    payloads: list[dict[str, Any]] = [
        {"id": "match", "amount": 500, "reference": "r1"},  # fires, with order-r1
        {"id": "below", "amount": 50, "reference": "r2"},  # the filter says no
        {"id": "no-amount", "reference": "r3"},  # the filter errors: no occurrence
        {"id": "no-reference", "amount": 700},  # a var errors
    ]
    for payload in payloads:
        payload = {**payload, "id": f"{payload['id']}-{a.nonce}"}
        said = a.api.call("testTrigger", path={"triggerID": trigger}, body=payload)
        if not a.api.apply("valid_request_accepted", said, expected=200, why="test a trigger") or a.control is None:
            continue
        before = {o.get("id") for o in _occurrences(a, trigger)}
        known = len(before)
        a.control.publish("SAVED_PAYMENT", payload)
        after = a.poll(
            lambda: _occurrences(a, trigger),
            lambda now, known=known: len(now) > known,
            lambda now: False,  # an occurrence may still be recorded: only the timeout ends this wait
            timeout=_firing_timeout(a) if _fires(said) else 0,
        )
        new = [o for o in after if o.get("id") not in before]
        started = new[0].get("workflowInstanceID") if new else None
        first_input = _first_input(a, started) if started else None
        a.api.apply("trigger_test_agrees_with_firing", said, occurrences=new, first_input=first_input, var="order")


def _first_input(a: Actions, instance_id: str) -> Any:
    """What the started instance's first stage received: its interpolated wait_event name."""
    history = a.poll(
        lambda: a.api.call("getInstanceHistory", path={"instanceID": instance_id}),
        lambda ex: ex.status == 200 and isinstance(ex.data, list) and bool(ex.data),
        lambda ex: ex.status != 200 or list_never_grows(ex.data),
    )
    entries = history.data if isinstance(history.data, list) else []
    first = entries[0] if entries and isinstance(entries[0], dict) else {}
    return (first.get("input") or {}).get("event")


def _firing_timeout(a: Actions) -> float:
    """How long to wait for the occurrence a publish may record: one re-read when the mock's control API
    published it (it applies an event before it answers, as `TriggerActions._occurrences_timeout` says), else the
    poll timeout (the real service records occurrences asynchronously). A payload whose vars fail (testTrigger
    names the error) records none: without this, that wait spent the phase's whole poll budget."""
    return a.interval if a.control is not None and a.control.synchronous else a.timeout


def _fires(said: Any) -> bool:
    data = said.data if isinstance(said.data, dict) else {}
    found = data.get("filter")
    return found is None or bool(isinstance(found, dict) and found.get("match"))


def _occurrences(a: Actions, trigger: str) -> list[dict[str, Any]]:
    ex = a.api.list_all("listTriggersOccurrences", path={"triggerID": trigger})
    return [o for o in ex.data if isinstance(o, dict)] if isinstance(ex.data, list) else []
