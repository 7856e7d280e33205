"""Triggers (§7): matching, filters, vars into runs, link(), duplicate suppression, ids per mode."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from mockserver.core.bus import EventBus
from mockserver.core.clock import ManualClock
from mockserver.core.ids import IdSource
from mockserver.ledger.service import LedgerService
from mockserver.orchestration.domain.model import Workflow
from mockserver.orchestration.engine.triggers import infer_app
from mockserver.orchestration.service import Orchestration
from tests.test_engine_harness import Harness, account, send

PAYMENT = {
    "id": "pay_1",
    "status": "SUCCEEDED",
    "type": "PAY-IN",
    "amount": 1000000,
    "asset": "EUR/2",
    "links": [{"name": "destination_account", "uri": "http://stack/api/ledger/v2/default/accounts/users:1"}],
}


def _setup(quirks: str = "spec") -> tuple[Harness, Workflow]:
    h = Harness(quirks)
    workflow = h.workflow(send(account("world"), account("${dest}"), amount="${amount}"))
    return h, workflow


def test_a_matching_event_starts_the_workflow_with_its_vars() -> None:
    h, workflow = _setup()
    trigger = h.trigger(
        "SAVED_PAYMENT",
        workflow,
        filter='event.status == "SUCCEEDED" && event.amount > 100',
        vars={"amount": "event.amount", "dest": '"users:" + event.id'},
    )
    (occurrence,) = h.engine.publish_bus_event("SAVED_PAYMENT", dict(PAYMENT))
    assert occurrence.trigger_id == trigger.id and occurrence.error is None
    assert occurrence.event == {
        "idempotency_key": "",
        "date": "2025-01-01T00:00:00Z",
        "app": "payments",
        "version": "v3",
        "type": "SAVED_PAYMENT",
        "payload": PAYMENT,
    }
    instance = h.store.instances[occurrence.workflow_instance_id]
    assert instance.variables == {"amount": "1000000", "dest": "users:pay_1"}
    assert instance.terminated and instance.error is None
    # invariant 24: the var reaches the resolved input as the integer
    assert h.history(instance)[0]["input"]["amount"]["amount"] == 1000000
    assert h.store.occurrences_by_trigger[trigger.id] == [occurrence]
    succeeded = h.engine.events.list(type="SUCCEEDED_TRIGGER")
    assert [e["payload"] for e in succeeded] == [
        {"id": occurrence.id, "triggerID": trigger.id, "workflowInstanceID": instance.id}
    ]
    # Temporal's child workflow id, in both modes: <parent run id>_<n>
    assert re.fullmatch(r"[0-9a-f-]{36}_1", instance.id)


@pytest.mark.parametrize(
    "filter_",
    ["event.amount < 10", "event.amount", '"true"', "event.missing.field", "event.amount % 2 == 0", "nil"],
)
def test_filters_that_are_false_non_boolean_or_failing_do_not_match(filter_: str) -> None:
    h, workflow = _setup()
    trigger = h.trigger("SAVED_PAYMENT", workflow, filter=filter_, vars={"amount": "event.amount", "dest": "'x'"})
    assert h.engine.publish_bus_event("SAVED_PAYMENT", dict(PAYMENT)) == []
    assert trigger.id not in h.store.occurrences_by_trigger and h.store.instances == {}


def test_only_live_triggers_of_the_exact_type_are_candidates() -> None:
    h, workflow = _setup()
    deleted = h.trigger("SAVED_PAYMENT", workflow)
    h.store.soft_delete_trigger(deleted)
    h.trigger("saved_payment", workflow)
    assert h.engine.publish_bus_event("SAVED_PAYMENT", dict(PAYMENT)) == []
    assert h.engine.publish_bus_event("COMMITTED_TRANSACTIONS", {"ledger": "default", "transactions": []}) == []


def test_a_deleted_workflow_still_runs_and_several_triggers_fire() -> None:
    h, workflow = _setup()
    workflow.deleted_at = h.clock.now()
    h.store.soft_delete_workflow(workflow)
    first = h.trigger("COMMITTED_TRANSACTIONS", workflow, vars={"amount": "1", "dest": "'a'"})
    second = h.trigger("COMMITTED_TRANSACTIONS", workflow, vars={"amount": "2", "dest": "'b'"})
    occurrences = h.engine.publish_bus_event("COMMITTED_TRANSACTIONS", {"ledger": "default"})
    assert [o.trigger_id for o in occurrences] == [first.id, second.id]
    assert occurrences[0].event["app"] == "ledger" and occurrences[0].event["version"] == "v2"
    assert h.bank.account("default", "b")["balances"] == {"EUR/2": 2}


@pytest.mark.parametrize("quirks", ["spec", "real"])
@pytest.mark.parametrize(
    ("links", "message"),
    [
        ([], "link 'wallet' not defined for object"),
        (
            [{"name": "wallet", "uri": "http://a"}, {"name": "wallet", "uri": "http://b"}],
            "multiple link 'wallet' found for object",
        ),
    ],
)
def test_link_errors_record_a_failed_occurrence(quirks: str, links: list, message: str) -> None:
    h, workflow = _setup(quirks)
    trigger = h.trigger("SAVED_PAYMENT", workflow, vars={"dest": 'link(event, "wallet").name', "amount": "1"})
    (occurrence,) = h.engine.publish_bus_event("SAVED_PAYMENT", {**PAYMENT, "links": links})
    assert occurrence.workflow_instance_id is None and message in occurrence.error
    assert h.store.instances == {}
    (failed,) = h.engine.events.list(type="FAILED_TRIGGER")
    assert failed["payload"] == {"id": occurrence.id, "triggerID": trigger.id, "error": occurrence.error}


def test_link_reads_the_bank_and_registered_documents() -> None:
    h, workflow = _setup()
    h.bank.load({"ledgers": {"default": {"accounts": {"users:1": {"metadata": {"owner": "alice"}}}}}})
    h.engine.triggers.register_link_document("http://kyc/42", {"name": "users:42", "score": 7})
    h.trigger(
        "SAVED_PAYMENT",
        workflow,
        vars={
            "dest": 'link(event, "destination_account").metadata.owner',
            "amount": 'link(event, "kyc").score',
        },
    )
    payload = {**PAYMENT, "links": [*PAYMENT["links"], {"name": "kyc", "uri": "http://kyc/42"}]}
    (occurrence,) = h.engine.publish_bus_event("SAVED_PAYMENT", payload)
    assert h.store.instances[occurrence.workflow_instance_id].variables == {"dest": "alice", "amount": "7"}


@pytest.mark.parametrize("quirks", ["spec", "real"])
@pytest.mark.parametrize("var", ['link(event, "destination_account").name', "event.a.b", '1 + "x"'])
def test_retryable_var_errors_record_nothing_in_both_modes(quirks: str, var: str) -> None:
    # The link points at an account the bank does not know: a 404, which is retryable; the
    # release retries forever and records nothing, and the spec says nothing that departs.
    h, workflow = _setup(quirks)
    trigger = h.trigger("SAVED_PAYMENT", workflow, vars={"dest": var, "amount": "1"})
    assert h.engine.publish_bus_event("SAVED_PAYMENT", dict(PAYMENT)) == []
    assert trigger.id not in h.store.occurrences_by_trigger and h.engine.events.list(type="FAILED_TRIGGER") == []
    assert h.store.instances == {}


def test_duplicate_saved_payments_and_accounts_are_suppressed() -> None:
    h, workflow = _setup()
    assert h.engine.publish_bus_event("SAVED_PAYMENT", dict(PAYMENT)) == []  # seen, though nothing matched
    trigger = h.trigger("SAVED_PAYMENT", workflow, vars={"amount": "1", "dest": "'a'"})
    h.trigger("SAVED_ACCOUNT", workflow, vars={"amount": "1", "dest": "'a'"})
    assert h.engine.publish_bus_event("SAVED_PAYMENT", {**PAYMENT, "status": "FAILED"}) == []
    assert h.engine.publish_bus_event("SAVED_ACCOUNT", {"id": "pay_1"}) == []  # one key set for both types
    assert len(h.engine.publish_bus_event("SAVED_PAYMENT", {"id": "pay_2"})) == 1
    assert len(h.engine.publish_bus_event("SAVED_PAYMENT", {"status": "x"})) == 1  # key ""
    assert h.engine.publish_bus_event("SAVED_ACCOUNT", {"name": "no id"}) == []
    assert len(h.store.occurrences_by_trigger[trigger.id]) == 2
    other = h.trigger("COMMITTED_TRANSACTIONS", workflow, vars={"amount": "1", "dest": "'a'"})
    for _ in range(2):
        h.engine.publish_bus_event("COMMITTED_TRANSACTIONS", {"id": "same"})
    assert len(h.store.occurrences_by_trigger[other.id]) == 2
    h.engine.reset()
    assert len(h.engine.publish_bus_event("SAVED_PAYMENT", dict(PAYMENT))) == 1


@pytest.mark.parametrize("quirks", ["spec", "real"])
def test_trigger_started_ids_are_temporal_child_ids(quirks: str) -> None:
    h, workflow = _setup(quirks)
    h.trigger("SAVED_PAYMENT", workflow, vars={"amount": "1", "dest": "'a'"})
    h.trigger("SAVED_PAYMENT", workflow, vars={"amount": "2", "dest": "'b'"})
    first, second = h.engine.publish_bus_event("SAVED_PAYMENT", dict(PAYMENT))
    parent, n = first.workflow_instance_id.rsplit("_", 1)
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", parent) and n == "1"
    assert second.workflow_instance_id == f"{parent}_2"
    assert h.store.instances[second.workflow_instance_id].terminated


def test_explicit_app_and_date_and_app_inference() -> None:
    h, workflow = _setup()
    h.trigger("CUSTOM", workflow, vars={"amount": "1", "dest": "'a'"})
    date = datetime(2024, 5, 2, 10, 0, 0, 123000, tzinfo=UTC)
    (occurrence,) = h.engine.publish_bus_event("CUSTOM", {"k": 1}, app="billing", date=date)
    assert occurrence.event["app"] == "billing" and occurrence.event["date"] == "2024-05-02T10:00:00.123Z"
    assert occurrence.event["version"] == "v1"
    assert [infer_app(t) for t in ("SAVED_PAYMENT", "SAVED_POOL", "REVERTED_TRANSACTION", "CUSTOM")] == [
        "payments",
        "payments",
        "ledger",
        "mock",
    ]


def test_a_ledger_write_fires_a_listening_trigger_at_the_next_pump() -> None:
    # The orchestration service hears the stack's bus, as the real trigger listener does.
    clock, bus = ManualClock(), EventBus()
    ledger = LedgerService(clock=clock, bus=bus)
    service = Orchestration(clock=clock, ids=IdSource(7), quirks="spec", ledger=ledger, bus=bus)
    for name in ("default", "mirror"):
        ledger.create_ledger(name)
    mirror = send(account("world", "mirror"), account("${dest}", "mirror"), amount="${amount}")
    workflow = service.workflows.create({"stages": [mirror]})
    first = "event.transactions[0].postings[0]"
    trigger = service.triggers.create(
        {
            "event": "COMMITTED_TRANSACTIONS",
            "workflowID": workflow.id,
            "filter": 'event.ledger == "default"',
            "vars": {"dest": f"{first}.destination", "amount": f"{first}.amount"},
        }
    )
    ledger.load({"default": {"accounts": {"users:0": {"balances": {"EUR/2": 5}}}}})  # a fixture: no event
    posting = {"source": "world", "destination": "users:1", "amount": 42, "asset": "EUR/2"}
    written = ledger.create_transaction("default", {"postings": [posting], "metadata": {}})
    assert service.triggers.occurrences(trigger.id) == []  # never inside the publisher's write
    service.engine.pump()
    (occurrence,) = service.triggers.occurrences(trigger.id)
    assert occurrence.error is None
    assert occurrence.event == {
        "idempotency_key": "",
        "date": "2025-01-01T00:00:00Z",
        "app": "ledger",
        "version": "v2",
        "type": "COMMITTED_TRANSACTIONS",
        "payload": {"ledger": "default", "transactions": [written.payload], "accountMetadata": {}},
    }
    instance = service.store.instances[occurrence.workflow_instance_id]
    assert instance.variables == {"dest": "users:1", "amount": "42"}
    assert instance.terminated and instance.error is None
    # The run's own booking on "mirror" is an event too, which the filter leaves out.
    service.engine.pump()
    assert service.triggers.occurrences(trigger.id) == [occurrence]
    assert [tx["postings"] for tx in ledger.all_transactions("mirror")] == [
        [{"source": "world", "destination": "users:1", "amount": 42, "asset": "EUR/2"}]
    ]
