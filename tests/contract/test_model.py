"""The oracle's model replays BEHAVIOR.md's lifecycle rules on its own."""

from __future__ import annotations

import pytest

from contract_tests.oracle.model import InstanceModel, duration_seconds, predictable_send, unresolved_send_amount

WAIT = {"wait_event": {"event": "continue"}}
NOOP = {"noop": {}}
SEND = {"send": {"source": {"account": {"id": "world", "ledger": "default"}},
                 "destination": {"account": {"id": "bank"}}, "amount": {"amount": 100, "asset": "EUR/2"}}}  # fmt: skip


def test_a_zero_stage_run_terminates_at_once() -> None:
    prediction = InstanceModel("i", "w", []).prediction
    assert (prediction.terminated, prediction.failed, prediction.started) == (True, False, 0)


def test_noops_and_world_sends_complete_without_help() -> None:
    model = InstanceModel("i", "w", [NOOP, SEND, NOOP])
    assert model.prediction.terminated is True and model.history_names == ["RunNoop", "RunSend", "RunNoop"]


def test_wait_event_completes_on_the_matching_event_only() -> None:
    model = InstanceModel("i", "w", [NOOP, WAIT, NOOP])
    assert model.prediction.waiting_for == "continue" and model.prediction.started == 2
    assert model.send_event("other") == 204 and model.prediction.terminated is False
    assert model.send_event("continue") == 204 and model.prediction.terminated is True
    assert model.send_event("continue") == 400


def test_abort_terminates_a_running_instance_with_an_error() -> None:
    model = InstanceModel("i", "w", [WAIT, NOOP])
    model.abort()
    assert (model.prediction.terminated, model.prediction.failed, model.prediction.started) == (True, True, 1)


def test_delays_follow_the_clock_and_drop_events() -> None:
    model = InstanceModel("i", "w", [{"delay": {"duration": "1m30s"}}, NOOP])
    # flows drops an event a running delay does not wait for (204): it moves nothing on.
    assert model.prediction.delaying and model.send_event("continue") == 204
    assert model.prediction.delaying and model.position == 0
    model.advance(60)
    assert model.prediction.terminated is False
    model.advance(30)
    assert model.prediction.terminated is True


def test_what_the_model_cannot_see_stays_unknown() -> None:
    wallet = {"send": {"source": {"wallet": {"name": "main"}}, "destination": {"account": {"id": "bank"}}}}
    model = InstanceModel("i", "w", [NOOP, wallet])
    assert model.prediction.terminated is None and model.history_names is None and model.send_event("x") is None


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("5s", 5), ("1h30m", 5400), ("300ms", 0.3), ("0", 0), ("-1s", -1), ("${d}", None), ("5d", None)],
)
def test_durations(text: str, seconds: float | None) -> None:
    assert duration_seconds(text) == (pytest.approx(seconds) if seconds is not None else None)


def test_only_literal_world_sends_are_predictable() -> None:
    assert predictable_send(SEND)
    assert not predictable_send({"send": {**SEND["send"], "amount": {"amount": "${amount}", "asset": "EUR/2"}}})


def test_a_wait_event_on_a_placeholder_is_unknown() -> None:
    assert InstanceModel("i", "w", [{"wait_event": {"event": "${delay}"}}]).prediction.terminated is None
    assert InstanceModel("i", "w", [{"wait_event": {}}]).prediction.terminated is None


def _send_of(amount: object, source: dict[str, object] | None = None) -> dict[str, object]:
    body = SEND["send"]
    return {"send": {**body, "source": source or body["source"], "amount": {"amount": amount, "asset": "EUR/2"}}}


def test_a_send_whose_amount_resolved_to_nothing_fails_its_stage() -> None:
    model = InstanceModel("i", "w", [NOOP, _send_of(""), NOOP])
    prediction = model.prediction
    assert (prediction.terminated, prediction.failed, prediction.started) == (True, True, 2)
    assert model.history_names is None  # whether the failed stage has an entry is the server's
    assert model.send_event("continue") == 400


def test_only_a_world_send_with_an_empty_amount_is_predicted_to_fail() -> None:
    assert unresolved_send_amount(_send_of(""))
    assert not unresolved_send_amount(_send_of(0)) and not unresolved_send_amount(_send_of("12"))
    from_payment = _send_of("", source={"payment": {"id": "pay_1"}})  # takes the payment's amount
    assert not unresolved_send_amount(from_payment)
    assert InstanceModel("i", "w", [from_payment]).prediction.terminated is None
