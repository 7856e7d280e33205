"""Cross-service checks of the stack (`--api all`): what one service did, as another shows it.

* ``workflow_money_in_ledger``: the transactions a workflow's sends booked are, exactly, those the ledger
  lists (postings, amounts, ledger), and the accounts hold what they moved;
* ``wallet_is_its_ledger_account``: a wallet's balance through the wallets API is its account in the
  wallets' ledger through the ledger API;
* ``ledger_write_fires_trigger``: a write on the ledger fires a COMMITTED_TRANSACTIONS trigger whose run
  is visible through orchestration;
* ``events_reach_webhook``: every event the run caused reaches each config whose eventTypes name it;
* ``webhook_types_respected``: a config receives no event whose type it does not name.

Each takes an exchange (the read that shows the fact) and what the suite's own bookkeeping predicts.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from contract_tests.checks.registry import check
from contract_tests.core.errors import Violation

if TYPE_CHECKING:
    from contract_tests.transport.client import Exchange

__all__ = ["account_balances", "posting_key"]


def posting_key(posting: dict[str, Any]) -> tuple[str, str, str, str]:
    return (str(posting.get("source")), str(posting.get("destination")), str(posting.get("asset")),
            str(posting.get("amount")))  # fmt: skip


def account_balances(data: Any) -> dict[str, Any]:
    """An account read with `expand=volumes` as {asset: balance}."""
    volumes = data.get("volumes") if isinstance(data, dict) else None
    if not isinstance(volumes, dict):
        return {}
    return {asset: v.get("balance") for asset, v in volumes.items() if isinstance(v, dict)}


@check(kind="model", service="ledger")
def workflow_money_in_ledger(ex: Exchange, *, ledger: str, expected: list[dict[str, Any]]) -> None:
    """The ledger lists exactly the postings the workflow's sends booked on it, no more, no fewer."""
    items = ex.data if isinstance(ex.data, list) else []
    got = Counter(posting_key(p) for tx in items if isinstance(tx, dict) for p in tx.get("postings") or [])
    want = Counter(posting_key(p) for p in expected)
    if ex.status != 200 or got != want:
        missing, extra = sorted((want - got).elements()), sorted((got - want).elements())
        raise Violation(
            f"ledger {ledger} does not show the money the workflow moved",
            expected=f"postings {sorted(want.elements())}",
            actual=f"{ex.status}: missing {missing}, unexpected {extra}",
            kind="postings differ" if ex.status == 200 else f"status {ex.status}",
        )


@check(kind="model", service="ledger")
def workflow_balance_in_ledger(ex: Exchange, *, account: str, asset: str, expected: int) -> None:
    """An account a workflow moved money to or from holds, on its ledger, what the moves left."""
    got = account_balances(ex.data).get(asset, 0) if ex.status == 200 else None
    if got != expected:
        raise Violation(
            f"account {account} holds {got} {asset}, the workflow's moves leave {expected}",
            expected=f"{expected} {asset}",
            actual=ex.describe(),
            kind="balance differs",
        )


@check(kind="model", service="wallets")
def wallet_is_its_ledger_account(ex: Exchange, *, wallet_assets: dict[str, Any], account: str) -> None:
    """A wallet's balance (wallets API) is its account in the wallets' ledger (ledger API), asset by asset."""
    ledger_side = {asset: amount for asset, amount in account_balances(ex.data).items() if amount}
    wallet_side = {asset: amount for asset, amount in wallet_assets.items() if amount}
    if ex.status != 200 or ledger_side != wallet_side:
        raise Violation(
            f"the wallet reads {wallet_side}, its ledger account {account} {ledger_side}",
            expected=f"{account} holding {wallet_side}",
            actual=ex.describe(),
            kind="wallet and ledger differ",
        )


@check(kind="model", service="orchestration")
def ledger_write_fires_trigger(ex: Exchange, *, ledger: str) -> None:
    """A transaction written through the ledger API fires the COMMITTED_TRANSACTIONS trigger that matches it,
    and the occurrence names the workflow instance it started."""
    items = ex.data if isinstance(ex.data, list) else []
    started = [o for o in items if isinstance(o, dict) and (o.get("workflowInstanceID") or o.get("workflowInstance"))]
    if ex.status != 200 or not started:
        raise Violation(
            f"a write on ledger {ledger} fired no run of its trigger",
            expected="one occurrence with a workflow instance",
            actual=ex.describe(),
            kind="no occurrence",
        )


@check(kind="model", service="webhooks")
def events_reach_webhook(ex: Exchange | None = None, *, config: str, missing: list[str]) -> None:
    """Every event the run caused reaches each webhook config whose eventTypes name its type."""
    if missing:
        raise Violation(
            f"{len(missing)} event(s) never reached webhook config {config}",
            expected="a delivery of each: " + ", ".join(missing[:10]),
            actual="not delivered within the poll timeout",
            kind="event not delivered",
        )


@check(kind="model", service="webhooks")
def webhook_types_respected(ex: Exchange | None = None, *, config: str, types: list[str], got: list[str]) -> None:
    """A webhook config receives only events whose type it lists."""
    foreign = sorted({t for t in got if t not in types})
    if foreign:
        raise Violation(
            f"webhook config {config} received events it does not subscribe to: {', '.join(foreign)}",
            expected=f"only {', '.join(types)}",
            actual=f"deliveries of {', '.join(foreign)}",
            kind="foreign event type",
        )
