"""Inputs reach their documented outputs (issue 13, class 1): witness runs whose every chosen value shows.

The values are chosen so that dropping, truncating, reordering or swapping any one of them changes what the
histories show: each variable and literal is distinct, amounts have seven distinct digits, metadata has two
keys, and the stages are of different kinds in an order no sort would produce. `checks/matrix.yaml` says which
input each step answers for.
"""

from __future__ import annotations

import uuid
from typing import Any

from contract_tests.oracle.resolution import activity_inputs, resolved_stage
from contract_tests.phases.actions import Actions
from contract_tests.phases.invariants import scenario
from contract_tests.transport.client import Exchange

__all__ = ["witness_stages", "witness_variables"]


def witness_variables(nonce: str) -> dict[str, str]:
    return {
        "ledger": f"contract-{nonce}",
        "user": f"u{nonce}",
        "asset": "COIN/3",
        "note": "note-7f3",
        "ts": "2024-05-02T10:00:00.123456Z",
        "until": "2020-01-02T03:04:05Z",
        "event": f"go-{nonce}",
        "tier": "platinum-42",
        "wallet": str(uuid.uuid5(uuid.NAMESPACE_URL, f"contract-wallet-{nonce}")),
        "wallet_name": f"w-{nonce}",
        "balance": "savings-9",
        "payment": f"pay_{nonce}",
    }


def witness_stages() -> list[dict[str, Any]]:
    """Every stage the witness runs create: between them they set every field a stage definition has
    (tests/contract/test_matrix.py holds them to the spec)."""
    return _ledger_stages() + _lookup_stages()


def _ledger_stages() -> list[dict[str, Any]]:
    """Every kind of stage that completes without a wallet or a payment, one after the other."""
    account = {"id": "users:${user}", "ledger": "${ledger}"}
    # On one ledger a send's through accounts and overdrafts change nothing (flows v2.6.0): they only show.
    source = {"id": "world", "ledger": "${ledger}", "throughAccount": "bridge:${note}", "allowOverdraft": True}
    return [
        {
            "send": {
                "source": {"account": source},
                "destination": {"account": {**account, "throughAccount": "in:${note}", "allowOverdraft": "FALSE"}},
                "amount": {"amount": 1234567, "asset": "${asset}"},
                "metadata": {"note": "${note}", "order": "ord-31"},
                "timestamp": "${ts}",
            }
        },
        {"update": {"account": {**account, "metadata": {"tier": "${tier}", "since": "2024"}}}},
        {"delay": {"until": "${until}"}},
        {"wait_event": {"event": "${event}"}},
        {"delay": {"duration": "0s"}},
        {"noop": {}},
    ]


def _lookup_stages() -> list[dict[str, Any]]:
    """Sends whose first activity looks up a wallet, a payment or an account: each is its own run, since a
    lookup of something the suite cannot create may fail the stage."""
    amount = {"amount": 2468013, "asset": "${asset}"}
    user = {"account": {"id": "users:${user}", "ledger": "${ledger}"}}
    return [
        {
            "send": {
                "source": user,
                "destination": {"wallet": {"id": "${wallet}", "balance": "${balance}"}},
                "amount": amount,
            }
        },
        {
            "send": {
                "source": {"wallet": {"name": "${wallet_name}", "balance": "${balance}"}},
                "destination": user,
                "amount": amount,
            }
        },
        {
            "send": {
                "source": {"wallet": {"id": "${wallet}"}},
                "destination": {"wallet": {"name": "${wallet_name}"}},
                "amount": amount,
            }
        },
        {
            "send": {
                "source": {
                    "payment": {
                        "id": "${payment}",
                        "ledger": "${ledger}",
                        "holdingAccount": "held:${user}",
                        "throughAccount": "in:${note}",
                        "allowOverdraft": True,
                    }
                },
                "destination": user,
                "amount": amount,
            }
        },
        {
            "send": {
                "source": user,
                "destination": {
                    "payment": {
                        "psp": "stripe",
                        "type": "PAYOUT",
                        "sourceAccount": "acct-${note}",
                        "connectorId": "conn-${user}",
                        "metadata": "stripe-${note}",
                        "waitingValidation": True,
                    }
                },
                "amount": amount,
            }
        },
    ]


@scenario(11, 15, 24)
def stage_inputs_reach_runs(a: Actions) -> None:
    """A definition read back as written; the run's history shows each stage resolved with the variables; each
    stage history shows the activities that stage schedules, with the resolved values."""
    variables = witness_variables(a.nonce)
    if not a.ensure_ledger(variables["ledger"], "stage_inputs_reach_runs"):
        return
    stages = _ledger_stages()
    wf = a.create_workflow({"name": f"contract-witness-{a.nonce}", "stages": stages})
    if wf is None:
        return
    a.read_workflow(wf)
    a.list_workflows()
    inst = a.run(wf, variables)
    if inst is None:
        return
    waiting = _history(a, inst.id, 4)  # blocked on the wait_event: four stages started
    _judge_history(a, waiting, stages, variables)
    a.send_event(inst, variables["event"])
    a.read_instance(inst)
    _judge_history(a, _history(a, inst.id, len(stages)), stages, variables)
    for number, stage in enumerate(stages):
        _judge_stage(a, inst.id, number, stage, variables)
    for number, stage in enumerate(_lookup_stages()):
        single = a.create_workflow({"name": f"contract-lookup-{number}-{a.nonce}", "stages": [stage]})
        run = a.run(single, variables) if single else None
        if run is not None:
            _judge_history(a, _history(a, run.id, 1), [stage], variables)
            _judge_stage(a, run.id, 0, stage, variables)


@scenario(12)
def unresolved_amount_fails(a: Actions) -> None:
    """A send whose amount resolves to nothing (a variable the run leaves out) fails its stage: the instance ends
    failed at that stage, and no history shows the amount as anything but an integer (`StageSendAmount`)."""
    send = {
        "send": {
            "source": {"account": {"id": "world", "ledger": "default"}},
            "destination": {"account": {"id": "users:${user}", "ledger": "default"}},
            "amount": {"amount": "${amount}", "asset": "EUR/2"},
        }
    }
    wf = a.create_workflow({"name": f"contract-no-amount-{a.nonce}", "stages": [{"noop": {}}, send]})
    inst = a.run(wf, {"user": f"u{a.nonce}"}) if wf is not None else None
    if inst is None:
        return
    a.read_instance(inst)
    a.history(inst)


@scenario()
def run_wait_honoured(a: Actions) -> None:
    """`?wait=true` answers with the run's stage records as they stand; without it the fresh instance."""
    wf = a.create_workflow({"stages": [{"noop": {}}, {"noop": {}}]})
    if wf is None:
        return
    ex = a.api.call("runWorkflow", path={"workflowID": wf.id}, query={"wait": True}, body={})
    if a.api.apply("valid_request_accepted", ex, expected=201, why="run and wait"):
        a.api.apply("run_waited", ex, stages=2)  # its `workflow`: embed_present and the view tracker


def _history(a: Actions, instance_id: str, entries: int) -> Exchange:
    """The instance history, re-read until it has `entries` entries, the instance stops, or the poll ends."""
    return a.poll(
        lambda: a.api.call("getInstanceHistory", path={"instanceID": instance_id}),
        lambda e: e.status == 200 and isinstance(e.data, list) and len(e.data) >= entries,
        lambda e: e.status != 200 or not isinstance(e.data, list) or _stopped(e.data),
    )


def _stopped(entries: list[Any]) -> bool:
    """A history whose last entry failed never grows: the first failing stage ends the run."""
    return bool(entries) and isinstance(entries[-1], dict) and bool(entries[-1].get("error"))


def _judge_history(a: Actions, ex: Exchange, stages: list[dict[str, Any]], variables: dict[str, str]) -> None:
    if ex.status != 200 or not isinstance(ex.data, list):
        return  # the response checks and history_matches_stages judge a history that does not answer
    started = stages[: len(ex.data)]
    a.api.apply("history_input_resolved", ex, expected=[resolved_stage(s, variables) for s in started])


def _judge_stage(a: Actions, instance_id: str, number: int, stage: dict[str, Any], variables: dict[str, str]) -> None:
    expected = activity_inputs(stage, variables)
    ex = a.poll(
        lambda: a.api.call("getInstanceStageHistory", path={"instanceID": instance_id, "number": number}),
        lambda e: e.status == 200 and isinstance(e.data, list) and len(e.data) >= len(expected),
        lambda e: e.status != 200 or not isinstance(e.data, list),
    )
    if ex.status != 200:
        return
    if next(iter(stage)) in ("delay", "wait_event", "noop"):
        a.api.apply("stage_history_matches", ex, activities=[])
    elif expected:
        a.api.apply("stage_activity_inputs", ex, expected=expected)
