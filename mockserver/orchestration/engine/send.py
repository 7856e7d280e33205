"""The send stage: every source kind x destination kind, with flows v2.6.0's activity sequences.

From ``internal/workflow/stages/send/run.go`` (its tests, ``run_test.go``, pin the requests).
Each path yields the same activities, in the same order and with the same requests, as the
release's stage code, so stage histories read alike:

* account -> account: one transaction on a shared ledger (``throughAccount`` and
  ``allowOverdraft`` ignored); across ledgers ``src -> src.throughAccount`` (the overdraft
  script on ``src`` when ``src.allowOverdraft``, even through ``world``) then
  ``dst.throughAccount -> dst`` (the overdraft script on the through account when
  ``dst.allowOverdraft`` and it is not ``world``);
* account -> wallet: the lookup, then a credit from ``src`` on a shared ledger, else the first
  transaction above and a credit from ``src.throughAccount``;
* wallet -> account: the lookup, then a debit to ``dst`` on a shared ledger, else a debit and
  the second transaction above;
* wallet -> wallet: two lookups, then a credit from the source's ``main`` balance on a shared
  ledger, else a debit and a credit (nothing of v2.6.0 applies);
* account -> payment: ``GetAccount``, the debit ``src -> src.throughAccount`` (overdraft on
  ``src`` when asked), then ``CreateTransferInitiation``; wallet -> payment: the lookup, a
  debit, then ``CreateTransferInitiation`` (the debit comes first since v2.6.0);
* payment -> account / wallet: ``GetPayment``, the ingestion ``throughAccount -> holdingAccount``
  on the payment's ledger (``orchestration-000-internal`` and ``payment:<id>`` by default;
  overdraft on a through account other than ``world`` when asked; a ``CONFLICT`` means the
  payment was ingested already), then account -> ... from the holding account through ``world``;
* payment -> payment fails before any activity.

``amount must be specified`` is checked before any activity, except from a payment, whose
amount defaults to its initial amount.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mockserver.ledger.model import WORLD
from mockserver.orchestration.engine.commands import ActivityFailed, Call, StageBody, StageFailure
from mockserver.orchestration.engine.sendsteps import (
    INTERNAL_LEDGER,
    SendSteps,
    Steps,
    account_subject,
    formance_account_id,
)


def _required(money: dict[str, Any] | None) -> dict[str, Any]:
    if money is None:
        raise StageFailure("amount must be specified")
    return money


def run_send(values: dict[str, Any], started_at: datetime, *, real: bool = False) -> StageBody:
    """Run one send; ``real`` only changes how two requests read (see ``SendSteps``)."""
    steps = SendSteps(values, real=real)
    source, dest, money = values["source"], values["destination"], values["amount"]
    if source["payment"] is not None:
        if dest["payment"] is not None:
            raise StageFailure("send from payment to payment is not supported")
        yield from _from_payment(steps, source["payment"], dest, money)
    elif source["account"] is not None:
        account = source["account"]
        if dest["account"] is not None:
            yield from _account_to_account(steps, account, dest["account"], _required(money))
        elif dest["payment"] is not None:
            yield from _account_to_payment(steps, account, dest["payment"], _required(money))
        else:
            yield from _account_to_wallet(steps, account, dest["wallet"], _required(money))
    elif dest["account"] is not None:
        yield from _wallet_to_account(steps, source["wallet"], dest["account"], _required(money))
    elif dest["payment"] is not None:
        yield from _wallet_to_payment(steps, source["wallet"], dest["payment"], _required(money))
    else:
        yield from _wallet_to_wallet(steps, source["wallet"], dest["wallet"], _required(money))


def payment_account(payment_id: str) -> str:
    """The default holding account of a payment: ``payment:<id with - replaced by _>``."""
    return "payment:" + payment_id.replace("-", "_")


def _from_payment(steps: SendSteps, src: dict[str, Any], dest: dict[str, Any], money: dict[str, Any] | None) -> Steps:
    """``savePayment``, then the move out of the holding account (``runPaymentTo*``)."""
    payment = yield Call("GetPayment", {"id": src["id"]})
    ledger = src["ledger"] or INTERNAL_LEDGER
    holding = src["holdingAccount"] or payment_account(src["id"])
    through = src["throughAccount"] or WORLD
    ingested = {"amount": payment["initialAmount"], "asset": payment["asset"]}
    overdraft = src["allowOverdraft"] and through != WORLD
    try:
        yield from steps.transaction(
            ledger, through, holding, ingested, steps.meta(), overdraft=overdraft, reference=holding
        )
    except ActivityFailed as exc:
        if exc.code != "CONFLICT":  # the reference is taken: the payment was ingested already
            raise
    money = money if money is not None else ingested
    holder = {"id": holding, "ledger": ledger, "throughAccount": WORLD, "allowOverdraft": False}
    if dest["account"] is not None:
        yield from _account_to_account(steps, holder, dest["account"], money)
    else:
        yield from _account_to_wallet(steps, holder, dest["wallet"], money)


def _leave(steps: SendSteps, src: dict[str, Any], to_ledger: str, money: dict[str, Any]) -> Steps:
    """The source side of a cross-ledger move: ``src -> src.throughAccount`` on its ledger."""
    meta = steps.meta(to=to_ledger)
    through = src["throughAccount"] or WORLD
    yield from steps.transaction(src["ledger"], src["id"], through, money, meta, overdraft=src["allowOverdraft"])


def _enter(steps: SendSteps, dst: dict[str, Any], from_ledger: str, money: dict[str, Any]) -> Steps:
    """The destination side of a cross-ledger move: ``dst.throughAccount -> dst`` on its ledger."""
    through = dst["throughAccount"] or WORLD
    overdraft = dst["allowOverdraft"] and through != WORLD
    meta = steps.meta(from_=from_ledger)
    yield from steps.transaction(dst["ledger"], through, dst["id"], money, meta, overdraft=overdraft)


def _account_to_account(steps: SendSteps, src: dict[str, Any], dst: dict[str, Any], money: dict[str, Any]) -> Steps:
    if src["ledger"] == dst["ledger"]:
        yield from steps.transaction(dst["ledger"], src["id"], dst["id"], money, steps.meta())
        return
    yield from _leave(steps, src, dst["ledger"], money)
    yield from _enter(steps, dst, src["ledger"], money)


def _account_to_wallet(steps: SendSteps, src: dict[str, Any], dst: dict[str, Any], money: dict[str, Any]) -> Steps:
    wallet = yield from steps.wallet(dst)
    if wallet["ledger"] == src["ledger"]:
        yield from steps.credit(wallet, dst["balance"], money, steps.meta(), [account_subject(src["id"])])
        return
    yield from _leave(steps, src, wallet["ledger"], money)
    sources = [account_subject(src["throughAccount"] or WORLD)]
    yield from steps.credit(wallet, dst["balance"], money, steps.meta(from_=src["ledger"]), sources)


def _wallet_to_account(steps: SendSteps, src: dict[str, Any], dst: dict[str, Any], money: dict[str, Any]) -> Steps:
    wallet = yield from steps.wallet(src)
    if wallet["ledger"] == dst["ledger"]:
        # The stage's metadata as given, not defaulted to {} (run.go passes send.Metadata here).
        meta = None if steps.raw_metadata is None else steps.meta()
        yield from steps.debit(wallet, src["balance"], money, meta, account_subject(dst["id"]))
        return
    yield from steps.debit(wallet, src["balance"], money, steps.meta(to=dst["ledger"]))
    yield from _enter(steps, dst, wallet["ledger"], money)


def _wallet_to_wallet(steps: SendSteps, src: dict[str, Any], dst: dict[str, Any], money: dict[str, Any]) -> Steps:
    source = yield from steps.wallet(src)
    target = yield from steps.wallet(dst)
    if source["ledger"] == target["ledger"]:
        # The release always takes from the source wallet's *main* balance on this path.
        subject = {"balance": "main", "identifier": source["id"], "type": "WALLET"}
        yield from steps.credit(target, dst["balance"], money, steps.meta(), [subject])
        return
    yield from steps.debit(source, src["balance"], money, steps.meta(to=target["ledger"]))
    yield from steps.credit(target, dst["balance"], money, steps.meta(from_=source["ledger"]), None)


def _account_to_payment(steps: SendSteps, src: dict[str, Any], dst: dict[str, Any], money: dict[str, Any]) -> Steps:
    account = yield Call("GetAccount", {"ledger": src["ledger"], "id": src["id"]})
    destination = formance_account_id(dst["metadata"], account.get("metadata") or {})
    through = src["throughAccount"] or WORLD
    # The debit first, then the payout (v2.6.0); no move-to-ledger marker on this one.
    overdraft = src["allowOverdraft"]
    yield from steps.transaction(src["ledger"], src["id"], through, money, steps.meta(), overdraft=overdraft)
    yield from steps.payout(money, dst, destination)


def _wallet_to_payment(steps: SendSteps, src: dict[str, Any], dst: dict[str, Any], money: dict[str, Any]) -> Steps:
    try:
        wallet = yield from steps.wallet(src)
    except StageFailure as exc:
        raise StageFailure(f"reading account: {src['id']}: {exc.message}") from None
    destination = formance_account_id(dst["metadata"], wallet.get("metadata") or {})
    yield from steps.debit(wallet, src["balance"], money, steps.meta())
    yield from steps.payout(money, dst, destination)
