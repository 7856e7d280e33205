"""Send scenarios of the invariants phase for what flows v2.6.0 adds: bridges, overdrafts and payouts.

Each run is judged by its stage history: the activities the stage schedules, in order, each with the
request its resolved stage gives (`stage_activity_inputs`), predicted by `oracle/resolution.py` or here.
"""

from __future__ import annotations

from typing import Any

from contract_tests.oracle.resolution import activity_inputs, overdraft_script
from contract_tests.phases.actions import Actions
from contract_tests.phases.invariants import scenario

__all__: list[str] = []


def _judge(a: Actions, stages: list[dict[str, Any]], expected: list[tuple[str, dict[str, Any]]], name: str) -> None:
    """Run `stages`, read the instance, and compare the last stage's history with `expected`."""
    wf = a.create_workflow({"name": f"contract-{name}-{a.nonce}", "stages": stages})
    inst = a.run(wf) if wf is not None else None
    if inst is None:
        return
    a.read_instance(inst)
    number = len(stages) - 1
    ex = a.poll(
        lambda: a.api.call("getInstanceStageHistory", path={"instanceID": inst.id, "number": number}),
        lambda e: e.status == 200 and isinstance(e.data, list) and len(e.data) >= len(expected),
        lambda e: e.status != 200 or not isinstance(e.data, list),
    )
    if ex.status == 200:
        a.api.apply("stage_activity_inputs", ex, expected=expected)


@scenario(15)
def send_through_bridges(a: Actions) -> None:
    """Across two ledgers, each side through its own bridge account, each allowing an overdraft: two
    transactions, the Numscript overdraft on the source account and on the destination's bridge."""
    if not (a.ensure_ledger("default", "send_through_bridges") and a.ensure_ledger("main", "send_through_bridges")):
        return
    source = {"id": f"users:{a.nonce}", "ledger": "default", "throughAccount": "bridge:out", "allowOverdraft": True}
    target = {"id": f"merchants:{a.nonce}", "ledger": "main", "throughAccount": "bridge:in", "allowOverdraft": True}
    body = {
        "source": {"account": source},
        "destination": {"account": target},
        "amount": {"amount": 2468013, "asset": "GBP/2"},
        "metadata": {"order": f"o-{a.nonce}"},
    }
    _judge(a, [{"send": body}], activity_inputs({"send": body}, {}), "bridges")
    plain = {**body, "source": {"account": {**source, "allowOverdraft": False, "id": "world"}}}
    _judge(a, [{"send": plain}], activity_inputs({"send": plain}, {}), "bridges-plain")


@scenario(15, control=True)
def payout_through_a_bridge(a: Actions) -> None:
    """An account pays out through a provider: the account is read (its metadata names the provider's
    account), debited through its bridge with an overdraft, then the transfer is initiated. Needs a payments
    service that accepts the `stripe` provider: the mock's (its control API says it is the mock)."""
    if not a.ensure_ledger("main", "payout_through_a_bridge"):
        return
    user, stripe_id = f"users:{a.nonce}", f"acct_{a.nonce}"
    update = {"update": {"account": {"id": user, "ledger": "main", "metadata": {"stripeConnectID": stripe_id}}}}
    amount = {"amount": 1357902, "asset": "USD/2"}
    metadata = {"order": f"o-{a.nonce}"}
    send = {
        "send": {
            "source": {
                "account": {
                    "id": user,
                    "ledger": "main",
                    "throughAccount": "liabilities:payouts",
                    "allowOverdraft": True,
                }
            },
            "destination": {
                "payment": {
                    "psp": "stripe",
                    "type": "PAYOUT",
                    "sourceAccount": "acct_platform",
                    "metadata": "stripeConnectID",
                }
            },
            "amount": amount,
            "metadata": metadata,
        }
    }
    transfer = {
        **amount,
        "provider": "stripe",
        "type": "PAYOUT",
        "source": "acct_platform",
        "destination": stripe_id,
        "metadata": metadata,
        "waitingValidation": False,
    }
    debit = {"metadata": metadata, "script": {"plain": overdraft_script(user, "liabilities:payouts", amount)}}
    expected = [
        ("GetAccount", {"ledger": "main", "id": user}),
        ("CreateTransaction", {"ledger": "main", "data": debit}),
        ("CreateTransferInitiation", transfer),
    ]
    _judge(a, [update, send], expected, "payout")
