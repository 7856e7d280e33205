"""Trigger scenarios of the invariants phase (BEHAVIOR.md §10, invariants 17 to 24)."""

from __future__ import annotations

import uuid

from contract_tests.checks.related import EMBEDDED_INSTANCE_FIELDS
from contract_tests.oracle.expressions import Compare, Field
from contract_tests.phases.actions import Actions
from contract_tests.phases.invariants import WORLD_TO_BANK, scenario

__all__: list[str] = []


@scenario(17)
def trigger_validation(a: Actions) -> None:
    wf, gone = a.create_workflow({"stages": [{"noop": {}}]}), a.create_workflow({"stages": []})
    if wf is None or gone is None:
        return
    a.delete_workflow(gone)
    unknown = str(uuid.uuid5(uuid.NAMESPACE_URL, f"contract-trigger-{a.nonce}"))
    cases = [
        ({"workflowID": wf.id}, 400, "a trigger without event"),
        ({"event": "SAVED_PAYMENT"}, 400, "a trigger without workflowID"),
        (
            {"event": "SAVED_PAYMENT", "workflowID": wf.id, "filter": "event.amount >"},
            400,
            "a filter that does not compile",
        ),
        ({"event": "SAVED_PAYMENT", "workflowID": wf.id, "vars": {"x": "1 +"}}, 400, "a var that does not compile"),
        ({"event": "SAVED_PAYMENT", "workflowID": unknown}, 404, "a trigger for an unknown workflow"),
        ({"event": "SAVED_PAYMENT", "workflowID": gone.id}, 404, "a trigger for a deleted workflow"),
    ]
    for body, status, why in cases:
        a.api.apply("invalid_trigger_rejected", a.api.call("createTrigger", body=body), expected=status, why=why)


@scenario(18, 19, 20)
def trigger_lifecycle(a: Actions) -> None:
    wf = a.create_workflow({"stages": [{"noop": {}}]})
    if wf is None:
        return
    body = {
        "name": f"Contract-Payin-{a.nonce}",
        "event": "SAVED_PAYMENT",
        "workflowID": wf.id,
        "filter": 'event.amount > 100 && event.status == "SUCCEEDED"',
        "vars": {"amount": "event.amount", "user": '"user:" + event.id'},
    }
    trigger = a.create_trigger(body)
    decoy = a.create_trigger({**body, "name": f"contract-other-{a.nonce}"})
    if trigger is None or decoy is None:
        return
    a.read_trigger(trigger)
    a.list_triggers()
    a.list_triggers(name=f"payin-{a.nonce}".upper())
    a.occurrences(trigger)
    a.delete_trigger(trigger)
    a.read_trigger(trigger)
    a.list_triggers()
    a.delete_trigger(trigger)
    a.occurrences(trigger)


@scenario(18)
def many_triggers_listed(a: Actions) -> None:
    """More live triggers than a default page (15): the list has every one; deleted, none of them shows."""
    wf = a.create_workflow({"stages": [{"noop": {}}]})
    if wf is None:
        return
    body = {"event": "SAVED_ACCOUNT", "workflowID": wf.id}
    made = [a.create_trigger({**body, "name": f"contract-many-{n}-{a.nonce}"}) for n in range(16)]
    a.list_triggers()
    for trigger in made:
        if trigger is not None:
            a.delete_trigger(trigger)
    a.list_triggers()


@scenario(21, 22, 23, 24, control=True)
def trigger_firing(a: Actions) -> None:
    send = {"send": {**WORLD_TO_BANK["send"], "amount": {"amount": "${amount}", "asset": "EUR/2"}}}
    wf = a.create_workflow({"stages": [send]})
    if wf is None:
        return
    event_type = f"CONTRACT_PAYMENT_{a.nonce.upper()}"
    above = Compare(Field("amount"), ">", 100)
    fires = a.create_trigger(
        {"event": "SAVED_PAYMENT", "workflowID": wf.id, "filter": above.render(), "vars": {"amount": "event.amount"}},
        above,
    )
    broken = a.create_trigger(
        {"event": "SAVED_PAYMENT", "workflowID": wf.id, "vars": {"x": 'link(event, "unknown").name'}}
    )
    other = a.create_trigger({"event": event_type, "workflowID": wf.id})
    # flows v2.6.0: a trigger with a version hears only events of that envelope version (payments publish v3).
    same = {"event": "SAVED_PAYMENT", "workflowID": wf.id, "filter": above.render(), "vars": {"amount": "event.amount"}}
    payments_only = a.create_trigger({**same, "version": "v3"}, above)
    ledger_only = a.create_trigger({**same, "version": "v2"}, above)
    if fires is None or broken is None or other is None or payments_only is None or ledger_only is None:
        return
    payment = {"type": "SAVED_PAYMENT", "payload": {"id": "pay_contract_1", "amount": 1000000, "status": "SUCCEEDED"}}
    a.publish(payment)
    for trigger in (fires, broken, other, payments_only, ledger_only):
        a.occurrences(trigger)
    ex = a.api.list_all("listTriggersOccurrences", path={"triggerID": fires.id})
    occurrence = ex.data[0] if isinstance(ex.data, list) and ex.data and isinstance(ex.data[0], dict) else {}
    instance_id = occurrence.get("workflowInstanceID")
    if instance_id:
        started = a.api.call("getInstance", path={"instanceID": instance_id})
        a.api.apply("read_matches_created", started, created={"workflowID": wf.id}, fields=("workflowID",))
        history = a.api.call("getInstanceHistory", path={"instanceID": instance_id})
        a.api.apply("vars_reach_run", history, expected=1000000)
        _embed_agrees_with_instance(a, fires.id, str(instance_id))
    a.publish(payment)  # same payment id: suppressed
    a.publish({"type": "SAVED_PAYMENT", "payload": {"id": "pay_contract_2", "amount": 50}})  # filter false
    a.publish({"type": "SAVED_PAYMENT", "payload": {"id": "pay_contract_3"}})  # filter errors: no occurrence
    a.publish({**payment, "payload": {**payment["payload"], "id": "pay_contract_4"}, "version": "v2"})
    for trigger in (fires, other, payments_only, ledger_only):
        a.occurrences(trigger)


def _embed_agrees_with_instance(a: Actions, trigger_id: str, instance_id: str) -> None:
    """Once the started run reads terminated it no longer changes: the occurrence listed after that read embeds
    that same instance, field by field."""
    read = a.poll(
        lambda: a.api.call("getInstance", path={"instanceID": instance_id}),
        lambda e: e.status == 200 and isinstance(e.data, dict) and e.data.get("terminated") is True,
        lambda e: e.status != 200 or not isinstance(e.data, dict),
    )
    if read.status != 200 or not isinstance(read.data, dict) or read.data.get("terminated") is not True:
        return  # instance_progress and the response checks judge a run that does not finish
    ex = a.api.list_all("listTriggersOccurrences", path={"triggerID": trigger_id})
    items = ex.data if isinstance(ex.data, list) else []
    for occurrence in items:
        embedded = occurrence.get("workflowInstance") if isinstance(occurrence, dict) else None
        if isinstance(embedded, dict) and occurrence.get("workflowInstanceID") == instance_id:
            a.api.apply("embedded_matches_endpoint", read, embedded=embedded, fields=EMBEDDED_INSTANCE_FIELDS)


@scenario(control=True)
def delay_follows_clock(a: Actions) -> None:
    wf = a.create_workflow({"stages": [{"delay": {"duration": "10s"}}, {"noop": {}}]})
    inst = a.run(wf) if wf else None
    if inst is None:
        return
    a.read_instance(inst)
    a.send_event(inst, "continue")
    a.advance_clock(10)
    a.read_instance(inst)
    a.history(inst)


@scenario(22, control=True)
def occurrence_follows_its_run(a: Actions) -> None:
    """An occurrence embeds its run, and a list shows it, as the run is now, not as it was: both read while the
    run waits, then re-read by the view tracker once an event moved the run on (`embedded_matches_endpoint`,
    rows `occurrence.workflowInstance` and `listed.instance`)."""
    wf = a.create_workflow({"stages": [{"wait_event": {"event": "go"}}]})
    if wf is None:
        return
    event_type = f"CONTRACT_VIEW_{a.nonce.upper()}"
    trigger = a.create_trigger({"event": event_type, "workflowID": wf.id})
    if trigger is None:
        return
    a.publish({"type": event_type, "payload": {"id": "view"}})
    a.occurrences(trigger)
    listed = a.api.list_all("listTriggersOccurrences", path={"triggerID": trigger.id})
    started = next((o.get("workflowInstanceID") for o in listed.data or [] if isinstance(o, dict)), None)
    if not started:
        return  # occurrences_counted reports a trigger that did not fire
    waiting = a.poll(  # the real service drops an event sent before its wait_event stage starts
        lambda: a.api.call("getInstance", path={"instanceID": started}),
        lambda e: e.status == 200 and len((e.data or {}).get("status") or []) == 1,
        lambda e: e.status != 200,
    )
    if waiting.status != 200:
        return
    a.list_instances(workflow=wf)  # the run listed while it waits: one more view of it to re-read
    a.api.call("sendEvent", path={"instanceID": started}, body={"name": "go"})  # the tracker re-reads its views
    done = a.poll(
        lambda: a.api.call("getInstance", path={"instanceID": started}),
        lambda e: e.status == 200 and (e.data or {}).get("terminated") is True,
        lambda e: e.status != 200,
    )
    if (done.data or {}).get("terminated") is True:
        a.api.views.changed("instance", {str(started)})  # the run finished on its own time: its views again
