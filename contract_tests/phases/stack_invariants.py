"""The stack phase's scenarios (`--api all`): one service acts, the others must show it.

* a workflow's sends move money (world -> an account, that account -> a wallet): the ledger lists exactly
  those postings on each ledger, the account holds what is left, and the wallet's balance (wallets API) is
  its account in the wallets' ledger (ledger API);
* a write through the ledger API fires a COMMITTED_TRANSACTIONS trigger: its occurrence names a run, and
  that run's send is in the ledger;
* every event these caused reaches the webhook config (receiver started by the suite) whose eventTypes name
  it, and a config naming other types receives none of them.

Every resource is named after the run's nonce (fresh ledgers, a fresh wallet), so what the ledger shows is
exactly what this phase caused, whatever earlier runs left on the stack.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from contract_tests.checks import load_all
from contract_tests.core.errors import Violation
from contract_tests.phases.checking import CheckedApi
from contract_tests.transport.client import Exchange

__all__ = ["Caused", "StackApis", "money_moved", "trigger_fires"]

ASSET = "USD/2"


@dataclass
class Caused:
    """The events this phase caused, as (type, ledger or instance, transaction id or "") to look for."""

    events: set[tuple[str, str, str]] = field(default_factory=set)


@dataclass
class StackApis:
    orchestration: CheckedApi  # v2
    ledger: CheckedApi
    wallets: CheckedApi
    nonce: str
    poll_timeout: float

    def poll(self, read: Callable[[], Exchange], done: Callable[[Exchange], bool]) -> Exchange:
        """Read until `done` (the stack is asynchronous between services), at most the poll timeout."""
        deadline = time.monotonic() + self.poll_timeout
        ex = read()
        while not done(ex) and time.monotonic() < deadline:
            time.sleep(0.05)
            ex = read()
        return ex

    def judge(self, api: CheckedApi, name: str, **facts: Any) -> None:
        """A check that no single exchange shows (what a receiver got): recorded without a reproduction."""
        api.results.count_check(name, "stack")
        try:
            load_all()[name].fn(None, **facts)
        except Violation as violation:
            api.record(name, None, violation, operation="stack")


def _ledger(s: StackApis, name: str) -> bool:
    ex = s.ledger.call("createLedger", path={"ledger": name}, body={})
    return ex.status == 204


def _transactions(s: StackApis, ledger: str, want: int) -> Exchange:
    def read() -> Exchange:
        return s.ledger.call("listTransactions", path={"ledger": ledger}, query={"pageSize": 100})

    return s.poll(read, lambda e: e.status == 200 and isinstance(e.data, list) and len(e.data) >= want)


def _booked(caused: Caused, ledger: str, listed: Exchange) -> None:
    for tx in listed.data if isinstance(listed.data, list) else []:
        if isinstance(tx, dict):
            caused.events.add(("ledger.committed_transactions", ledger, str(tx.get("id"))))


def _run(s: StackApis, stages: list[dict[str, Any]], caused: Caused) -> str | None:
    """Create and run a workflow, waiting for it; its instance id, or None when the run did not start."""
    created = s.orchestration.call("createWorkflow", body={"name": f"contract-stack-{s.nonce}", "stages": stages})
    if created.status != 201 or not isinstance(created.data, dict):
        return None
    ran = s.orchestration.call("runWorkflow", path={"workflowID": created.data["id"]}, query={"wait": True}, body={})
    instance = ran.data.get("id") if ran.status == 201 and isinstance(ran.data, dict) else None
    if instance:
        caused.events.add(("orchestration.succeeded_workflow", str(instance), ""))
    return instance


def money_moved(s: StackApis, caused: Caused) -> None:
    """world -> user on a fresh ledger, then user -> a fresh wallet: each side shows exactly those moves."""
    books, user = f"stack-{s.nonce}", f"users:{s.nonce}"
    wallet = s.wallets.call("createWallet", body={"name": f"contract-{s.nonce}", "metadata": {"contract": s.nonce}})
    if not _ledger(s, books) or wallet.status != 201 or not isinstance(wallet.data, dict):
        s.ledger.results.error("stack: could not create the ledger or the wallet the workflow moves money to")
        return
    wallet_id, wallets_ledger = wallet.data["id"], wallet.data["ledger"]
    source = {"account": {"id": user, "ledger": books}}
    stages = [
        {"send": {"source": {"account": {"id": "world", "ledger": books}}, "destination": source,
                  "amount": {"amount": 500, "asset": ASSET}}},
        {"send": {"source": source, "destination": {"wallet": {"id": wallet_id, "balance": "main"}},
                  "amount": {"amount": 200, "asset": ASSET}}},
    ]  # fmt: skip
    if _run(s, stages, caused) is None:
        s.orchestration.results.error("stack: the money-moving workflow could not be run")
        return
    # user -> world on the account's ledger (the way out to another ledger), world -> the wallet on its own.
    expected = [
        {"source": "world", "destination": user, "amount": 500, "asset": ASSET},
        {"source": user, "destination": "world", "amount": 200, "asset": ASSET},
    ]
    listed = _transactions(s, books, len(expected))
    s.ledger.apply("workflow_money_in_ledger", listed, ledger=books, expected=expected)
    _booked(caused, books, listed)
    account = s.ledger.call("getAccount", path={"ledger": books, "address": user}, query={"expand": "volumes"})
    s.ledger.apply("workflow_balance_in_ledger", account, account=user, asset=ASSET, expected=300)
    _wallet_is_its_account(s, wallet_id, wallets_ledger, caused)


def _wallet_is_its_account(s: StackApis, wallet_id: str, ledger: str, caused: Caused) -> None:
    address = f"wallets:{wallet_id.replace('-', '')}:main"
    read = s.wallets.call("getWallet", path={"id": wallet_id})
    assets = read.data.get("balances", {}).get("main", {}).get("assets", {}) if isinstance(read.data, dict) else {}
    account = s.ledger.call("getAccount", path={"ledger": ledger, "address": address}, query={"expand": "volumes"})
    s.wallets.apply("wallet_is_its_ledger_account", account, wallet_assets=assets, account=address)
    # The credit's transaction on the wallets' ledger is an event of this run too.
    listed = s.ledger.call("listTransactions", path={"ledger": ledger}, query={"pageSize": 100})
    for tx in listed.data if isinstance(listed.data, list) else []:
        postings = tx.get("postings") if isinstance(tx, dict) else None
        if any(isinstance(p, dict) and p.get("destination") == address for p in postings or []):
            caused.events.add(("ledger.committed_transactions", ledger, str(tx.get("id"))))


def trigger_fires(s: StackApis, caused: Caused) -> None:
    """A transaction written through the ledger API fires the trigger listening to that ledger; the run it
    starts books on another ledger, so it does not fire the trigger again."""
    watched, booked, target = f"stack-{s.nonce}-t", f"stack-{s.nonce}-u", f"trig:{s.nonce}"
    if not (_ledger(s, watched) and _ledger(s, booked)):
        s.ledger.results.error("stack: could not create the trigger's ledgers")
        return
    stages = [{"send": {"source": {"account": {"id": "world", "ledger": booked}},
                        "destination": {"account": {"id": target, "ledger": booked}},
                        "amount": {"amount": 7, "asset": ASSET}}}]  # fmt: skip
    created = s.orchestration.call("createWorkflow", body={"name": f"contract-stack-t-{s.nonce}", "stages": stages})
    if created.status != 201 or not isinstance(created.data, dict):
        return
    body = {"name": f"contract-stack-{s.nonce}", "event": "COMMITTED_TRANSACTIONS",
            "filter": f'event.ledger == "{watched}"', "workflowID": created.data["id"]}  # fmt: skip
    trigger = s.orchestration.call("createTrigger", body=body)
    if trigger.status != 201 or not isinstance(trigger.data, dict):
        return
    write = {"postings": [{"source": "world", "destination": f"users:{s.nonce}", "amount": 100, "asset": ASSET}]}
    if s.ledger.call("createTransaction", path={"ledger": watched}, body=write).status != 200:
        return
    _booked(caused, watched, _transactions(s, watched, 1))

    def occurrences() -> Exchange:
        return s.orchestration.call("listTriggersOccurrences", path={"triggerID": trigger.data["id"]})

    fired = s.poll(occurrences, lambda e: e.status == 200 and isinstance(e.data, list) and len(e.data) > 0)
    if not s.orchestration.apply("ledger_write_fires_trigger", fired, ledger=watched):
        return
    expected = [{"source": "world", "destination": target, "amount": 7, "asset": ASSET}]
    listed = _transactions(s, booked, 1)
    s.ledger.apply("workflow_money_in_ledger", listed, ledger=booked, expected=expected)
    _booked(caused, booked, listed)
    for occurrence in fired.data:
        instance = occurrence.get("workflowInstanceID") if isinstance(occurrence, dict) else None
        if instance:
            caused.events.add(("orchestration.succeeded_workflow", str(instance), ""))
