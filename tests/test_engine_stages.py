"""Instance lifecycle: every stage kind, events, send_event, abort, settling and determinism."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from mockserver.errors import InternalError, ValidationError
from mockserver.orchestration.api import presenter
from tests.test_engine_harness import Harness, account, send

WORLD_TO_BANK = send(account("world"), account("bank"))


def test_run_does_not_execute_before_pump() -> None:
    h = Harness()
    instance = h.engine.run(h.workflow({"noop": {}}), {})
    assert not instance.terminated and instance.status == []
    assert h.store.running[instance.id] is instance
    assert h.types(instance) == ["STARTED_WORKFLOW"]
    h.engine.pump()
    assert instance.terminated and instance.id not in h.store.running


def test_zero_stage_workflow_terminates_at_once_without_status() -> None:
    h = Harness()
    for stages in ([], None):
        workflow = h.workflow()
        workflow.config["stages"] = stages
        instance = h.start(workflow)
        shown = h.instance(instance)
        assert shown["terminated"] and "error" not in shown and "status" not in shown
        assert instance.history == [] and instance.terminated_at is not None


def test_noop_then_send_succeeds_with_events_in_order() -> None:
    h = Harness()
    instance = h.run({"noop": {}}, WORLD_TO_BANK)
    assert instance.terminated and instance.error is None
    assert [s.stage for s in instance.status] == [0, 1]
    assert all(s.terminated_at and not s.error for s in instance.status)
    assert h.types(instance) == [
        "STARTED_WORKFLOW",
        "STARTED_WORKFLOW_STAGE",
        "SUCCEEDED_WORKFLOW_STAGE",
        "STARTED_WORKFLOW_STAGE",
        "SUCCEEDED_WORKFLOW_STAGE",
        "SUCCEEDED_WORKFLOW",
    ]
    events = h.engine.events.list(instance_id=instance.id)
    assert events[0] == {
        "date": "2025-01-01T00:00:00Z",
        "app": "orchestration",
        "version": "v2",
        "type": "STARTED_WORKFLOW",
        "payload": {"id": instance.workflow_id, "instanceID": instance.id},
    }
    assert events[3]["payload"]["number"] == 1
    assert h.history(instance)[0] == {
        "name": "RunNoop",
        "input": {},
        "terminated": True,
        "startedAt": "2025-01-01T00:00:00Z",
        "terminatedAt": "2025-01-01T00:00:00Z",
    }
    assert h.activities(instance, 0) == []


def test_delay_duration_waits_for_the_clock() -> None:
    h = Harness()
    instance = h.run({"delay": {"duration": "90s"}})
    assert not instance.terminated and h.engine.is_settled(instance)
    assert h.engine.next_wakeup() == h.clock.now() + timedelta(seconds=90)
    assert h.history(instance)[0]["input"] == {"duration": "1m30s"}
    h.advance(89)
    assert not instance.terminated
    h.advance(1)
    assert instance.terminated and instance.error is None
    assert instance.terminated_at - instance.created_at == timedelta(seconds=90)
    assert h.activities(instance, 0) == []


@pytest.mark.parametrize(
    "stage",
    [
        {"delay": {"duration": "0s"}},
        {"delay": {"duration": "-5m"}},
        {"delay": {"until": "2001-01-01T00:00:00Z"}},
        {"delay": {"duration": "${missing}"}},
    ],
)
def test_delays_in_the_past_complete_at_once(stage: dict) -> None:
    assert Harness().run(stage).terminated


def test_delay_until_a_date() -> None:
    h = Harness()
    instance = h.run({"delay": {"until": "2025-01-01T01:00:00+01:00"}})
    assert instance.terminated  # midnight UTC: already reached
    h = Harness()
    instance = h.run({"delay": {"until": "2025-01-01T00:10:00Z"}})
    h.advance(599)
    assert not instance.terminated
    h.advance(1)
    assert instance.terminated


def test_wait_event_matching_and_non_matching() -> None:
    h = Harness()
    instance = h.run({"wait_event": {"event": "continue"}}, {"noop": {}})
    assert h.engine.is_settled(instance)
    h.engine.send_event(instance, "other")
    h.engine.send_event(instance, "")
    assert not instance.terminated
    assert h.history(instance) == [
        {
            "name": "RunWaitEvent",
            "input": {"event": "continue"},
            "terminated": False,
            "startedAt": "2025-01-01T00:00:00Z",
        }
    ]
    h.clock.advance(5)
    h.engine.send_event(instance, "continue")
    assert instance.terminated and instance.error is None
    assert instance.status[0].terminated_at == h.clock.now()


@pytest.mark.parametrize("quirks", ["spec", "real"])
def test_events_go_to_the_latest_stage_and_are_not_buffered(quirks: str) -> None:
    h = Harness(quirks)
    instance = h.run({"delay": {"duration": "1m"}}, {"wait_event": {"event": "go"}})
    h.engine.send_event(instance, "go")  # the running delay drops it, in both modes (the release does)
    h.advance(60)
    assert not instance.terminated and len(instance.status) == 2
    h.engine.send_event(instance, "go")
    assert instance.terminated


@pytest.mark.parametrize("quirks", ["spec", "real"])
def test_send_event_refusals(quirks: str) -> None:
    h = Harness(quirks)
    expected = InternalError if quirks == "real" else ValidationError
    fresh = h.engine.run(h.workflow({"wait_event": {"event": "e"}}), {})
    with pytest.raises(expected) as exc:
        h.engine.send_event(fresh, "e")  # no stage has started yet
    if quirks == "real":
        assert exc.value.message == "retrieving workflow: sql: no rows in result set"
    h.engine.pump()
    h.engine.send_event(fresh, "e")
    with pytest.raises(expected) as exc:
        h.engine.send_event(fresh, "e")  # terminated
    if quirks == "real":
        assert exc.value.message == "sending signal to server: workflow execution already completed"
    else:
        assert "is not waiting for an event" in exc.value.message
    empty = h.start(h.workflow())
    with pytest.raises(expected):
        h.engine.send_event(empty, "e")


def test_update_sets_account_metadata() -> None:
    h = Harness()
    instance = h.run(
        {"update": {"account": {"id": "users:1", "metadata": {"kyc": "${state}"}}}},
        variables={"state": "done"},
    )
    assert instance.terminated and instance.error is None
    assert h.bank.account("main", "users:1")["metadata"] == {"kyc": "done"}
    entry = h.activities(instance, 0)[0]
    assert entry["input"] == {"AddAccountMetadata": {"ledger": "main", "id": "users:1", "metadata": {"kyc": "done"}}}
    assert "output" not in entry and entry["attempt"] == 1


def test_update_on_a_ledger_never_created_retries_until_it_exists() -> None:
    # AddAccountMetadata is a v2 write: an unknown ledger is 404 LEDGER_NOT_FOUND, retried.
    h = Harness()
    instance = h.run({"update": {"account": {"id": "users:1", "ledger": "later", "metadata": {"kyc": "ok"}}}})
    h.advance(1)
    entry = h.activities(instance, 0)[-1]
    assert not entry["terminated"] and entry["attempt"] == 3 and entry["lastFailure"] == "not found"
    h.ledger.create_ledger("later")
    h.advance(2)
    assert instance.terminated and instance.error is None
    assert h.ledger.get_account("later", "users:1")["metadata"] == {"kyc": "ok"}
    assert h.activities(instance, 0)[-1]["attempt"] == 1


def test_update_input_uses_account_key_in_real_mode() -> None:
    h = Harness("real")
    instance = h.run({"update": {"account": {"id": "a", "ledger": "l", "metadata": {}}}})
    assert h.activities(instance, 0)[0]["input"] == {
        "AddAccountMetadata": {"ledger": "l", "account": "a", "metadata": {}}
    }


def test_resolution_failure_at_run_time_has_status_but_no_history() -> None:
    h = Harness()
    instance = h.run(
        {"noop": {}},
        send(account("a"), account("b"), amount="${amount}"),
        {"noop": {}},
        variables={"amount": "abc"},
    )
    message = "resolving field 'Amount': resolving field 'Amount': unable to parse 'abc' as big int"
    assert instance.terminated and instance.error == message
    assert [s.error for s in instance.status] == [None, message]
    assert [e["name"] for e in h.history(instance)] == ["RunNoop"]
    assert 1 not in instance.activities
    assert h.types(instance)[-2:] == ["FAILED_WORKFLOW_STAGE", "FAILED_WORKFLOW"]
    assert h.engine.events.list(type="FAILED_WORKFLOW")[0]["payload"]["error"] == message


def test_requirement_failure_at_run_time() -> None:
    h = Harness()
    instance = h.run({"wait_event": {"event": "${e}"}})
    assert instance.error == "Key: 'WaitEvent.Event' Error:Field validation for 'Event' failed on the 'required' tag"
    assert instance.history == []


def test_first_failing_stage_stops_the_run() -> None:
    h = Harness("real")
    instance = h.run(send(account("a"), account("b"), amount=-1), {"noop": {}})
    assert len(instance.status) == 1 and instance.status[0].error == instance.error
    assert instance.error == "negative amount"  # the ledger's VALIDATION, not retried
    assert h.history(instance)[0]["error"] == "activity error"
    assert h.activities(instance, 0)[0]["error"] == instance.error


def test_abort_a_waiting_instance_in_spec_mode() -> None:
    h = Harness()
    instance = h.run({"noop": {}}, {"wait_event": {"event": "never"}}, {"noop": {}})
    h.clock.advance(3)
    h.engine.abort(instance)
    shown = h.instance(instance)
    assert shown["terminated"] and shown["error"] == "canceled" and shown["terminatedAt"] == "2025-01-01T00:00:03Z"
    assert shown["status"][1]["error"] == "canceled" and len(shown["status"]) == 2
    assert h.history(instance)[1]["error"] == "canceled"
    assert h.types(instance)[-2:] == ["FAILED_WORKFLOW_STAGE", "FAILED_WORKFLOW"]
    h.engine.abort(instance)  # terminated: a no-op
    assert h.types(instance).count("FAILED_WORKFLOW") == 1
    assert h.engine.next_wakeup() is None


def test_abort_before_the_first_pump() -> None:
    h = Harness()
    instance = h.engine.run(h.workflow({"noop": {}}), {})
    h.engine.abort(instance)
    h.engine.pump()
    assert instance.error == "canceled" and instance.status == []


def test_abort_is_a_no_op_in_real_mode() -> None:
    h = Harness("real")
    instance = h.run({"delay": {"duration": "1h"}})
    h.engine.abort(instance)
    assert not instance.terminated
    h.advance(3600)
    assert instance.terminated and instance.error is None


def test_is_settled() -> None:
    h = Harness()
    instance = h.engine.run(h.workflow({"delay": {"duration": "1s"}}), {})
    assert not h.engine.is_settled(instance)  # not started yet
    h.engine.pump()
    assert h.engine.is_settled(instance)  # sleeping
    h.clock.advance(1)
    assert not h.engine.is_settled(instance)  # due, not yet pumped
    h.engine.pump()
    assert h.engine.is_settled(instance) and instance.terminated


def _scenario(seed: int) -> str:
    h = Harness(seed=seed)
    h.bank.load({"ledgers": {"default": {"accounts": {"users:1": {"balances": {"EUR/2": 50}}}}}})
    first = h.run(send(account("users:1"), account("bank")), {"wait_event": {"event": "go"}})
    second = h.run(send(account("world"), account("users:1"), amount=75), {"delay": {"duration": "2s"}})
    h.advance(5)
    h.engine.send_event(first, "go")
    h.advance(5)
    records = [
        {
            "instance": presenter.instance(i),
            "history": [presenter.stage_run(r) for r in i.history],
            "activities": {n: [presenter.activity(a) for a in acts] for n, acts in i.activities.items()},
        }
        for i in (first, second)
    ]
    return json.dumps(
        {"records": records, "events": h.engine.events.list(), "tx": h.bank.transactions("default")},
        sort_keys=True,
    )


def test_same_seed_and_clock_give_identical_records() -> None:
    assert _scenario(3) == _scenario(3)
    assert _scenario(3) != _scenario(4)


def test_reset_forgets_everything_but_the_stacks_ledger() -> None:
    h = Harness(wallets_ledger="default")
    instance = h.run({"delay": {"duration": "1h"}})
    h.bank.load({"wallets": [{"name": "w", "ledger": "default", "balances": {"main": {"EUR/2": 1}}}]})
    h.bank.fund("default", "a", "EUR/2", 5)
    h.engine.reset()
    assert h.engine.next_wakeup() is None and len(h.engine.events) == 0
    assert h.bank.payments() == []
    # The ledger service belongs to the stack: its owner resets it, not the engine; the wallets,
    # which are its accounts, go with it.
    assert [t["id"] for t in h.bank.transactions("default")] == [1, 2] and len(h.bank.wallets()) == 1
    h.ledger.reset()
    assert h.bank.transactions("default") == [] and h.bank.wallets() == []
    h.advance(7200)
    assert not instance.terminated


def test_event_log_is_bounded() -> None:
    h = Harness()
    h.engine.events._events = type(h.engine.events._events)(maxlen=5)
    h.run({"noop": {}}, {"noop": {}})
    assert (
        h.types()
        == [
            "STARTED_WORKFLOW_STAGE",
            "SUCCEEDED_WORKFLOW_STAGE",
            "STARTED_WORKFLOW_STAGE",
            "SUCCEEDED_WORKFLOW_STAGE",
            "SUCCEEDED_WORKFLOW",
        ][-5:]
    )


def test_a_clock_near_the_end_of_time_does_not_crash() -> None:
    h = Harness()
    h.clock.advance((datetime.max.replace(tzinfo=UTC) - h.clock.now()).total_seconds() - 10)
    instance = h.run({"delay": {"duration": "1000h"}}, send(account("users:x"), account("bank")))
    h.advance(5)
    assert not instance.terminated and h.engine.next_wakeup() is not None


def test_a_crashing_activity_fails_the_stage_instead_of_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    from mockserver.orchestration.engine import activities

    def explode(context: object, request: object) -> None:
        raise KeyError("boom")

    broken = activities.ActivityType("CreateTransaction", explode, lambda r, real: r, lambda r, real: None)
    monkeypatch.setitem(activities.ACTIVITY_TYPES, "CreateTransaction", broken)
    h = Harness()
    instance = h.run(WORLD_TO_BANK, {"noop": {}})
    assert instance.terminated and instance.error == "panic: KeyError: 'boom'"
    assert h.activities(instance, 0)[0]["error"] == instance.error
    assert h.engine.next_wakeup() is None
