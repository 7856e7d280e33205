"""The send stage: every source kind x destination kind, with the real activity sequences.

See §5.3. Each combination yields the same activities, in the same order and with the
same requests, as the real stage code, so stage histories read alike. The stage's
``metadata`` (default ``{}``) goes on every transaction and wallet movement, plus the
``orchestration/move-to-ledger`` / ``move-from-ledger`` markers on cross-ledger moves;
its ``timestamp`` is forwarded when set.
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import datetime
from typing import Any

from mockserver.core.timefmt import rfc3339
from mockserver.ledger.model import WORLD
from mockserver.orchestration.engine.commands import ActivityFailed, Call, Command, StageBody, StageFailure
from mockserver.orchestration.engine.failures import NEGATIVE_AMOUNT

INTERNAL_LEDGER = "orchestration-000-internal"
MOVE_TO = "orchestration/move-to-ledger"
MOVE_FROM = "orchestration/move-from-ledger"

Steps = Generator[Command, Any, Any]


class _Send:
    """One run of the stage: the resolved values plus the helpers every path shares."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.metadata: dict[str, str] = dict(values["metadata"] or {})
        stamp: datetime | None = values["timestamp"]
        self.timestamp = rfc3339(stamp) if stamp is not None else None

    def meta(self, *, to: str | None = None, from_: str | None = None) -> dict[str, str]:
        out = dict(self.metadata)
        if to is not None:
            out[MOVE_TO] = to
        if from_ is not None:
            out[MOVE_FROM] = from_
        return out

    def _stamped(self, data: dict[str, Any]) -> dict[str, Any]:
        if self.timestamp:
            data["timestamp"] = self.timestamp
        return data

    def transaction(self, ledger: str, source: str, dest: str, money: dict[str, Any], meta: dict[str, str]) -> Steps:
        posting = {"amount": money["amount"], "asset": money["asset"], "destination": dest, "source": source}
        data = self._stamped({"postings": [posting], "metadata": meta})
        return (yield Call("CreateTransaction", {"ledger": ledger, "data": data}))

    def credit(
        self,
        wallet: dict[str, Any],
        balance: str,
        money: dict[str, Any],
        meta: dict[str, str],
        sources: list[dict[str, Any]],
    ) -> Steps:
        data = self._stamped({"amount": dict(money), "balance": balance, "metadata": meta, "sources": sources})
        return (yield Call("CreditWallet", {"id": wallet["id"], "data": data}))

    def debit(
        self,
        wallet: dict[str, Any],
        balance: str,
        money: dict[str, Any],
        meta: dict[str, str],
        destination: dict[str, Any] | None = None,
    ) -> Steps:
        data: dict[str, Any] = {"amount": dict(money), "balances": [balance]}
        if destination is not None:
            data["destination"] = destination
        data["metadata"] = meta
        return (yield Call("DebitWallet", {"id": wallet["id"], "data": self._stamped(data)}))

    def wallet(self, ref: dict[str, Any]) -> Steps:
        """``GetWallet`` by id, or ``ListWallets`` by name with exactly one match required."""
        if ref["id"]:
            return (yield Call("GetWallet", {"id": ref["id"]}))
        found = yield Call("ListWallets", {"name": ref["name"]})
        if not found:
            raise StageFailure("wallet not found")
        if len(found) > 1:
            raise StageFailure("found multiple wallets with the same name")
        return found[0]

    def stripe(self, money: dict[str, Any], dest: dict[str, Any], metadata: dict[str, Any]) -> Steps:
        key = dest["metadata"]
        if key not in metadata:
            raise StageFailure(f"expected '{key}' metadata containing formance account ID")
        if not metadata[key]:
            raise StageFailure("formance account ID empty")
        request: dict[str, Any] = {"amount": money["amount"], "asset": money["asset"]}
        if dest.get("connectorId") is not None:
            request["connectorID"] = dest["connectorId"]
        request.update(
            {
                "destination": str(metadata[key]),
                "metadata": {},
                "waitingValidation": dest["waitingValidation"],
            }
        )
        yield Call("StripeTransfer", request)


def _account_subject(address: str) -> dict[str, Any]:
    return {"type": "ACCOUNT", "identifier": address}


def _required(money: dict[str, Any] | None) -> dict[str, Any]:
    if money is None:
        raise StageFailure("amount must be specified")
    return money


def run_send(values: dict[str, Any], started_at: datetime, *, strict: bool = False) -> StageBody:
    """Run one send. ``strict`` (spec mode) refuses a negative amount in the stage code, before
    any activity: the real service lets the ledger refuse it (VALIDATION, not retried), which
    leaves an activity whose input breaks the spec's ``Posting.amount`` minimum of 0."""
    send = _Send(values)
    source, dest, money = values["source"], values["destination"], values["amount"]
    if strict and money is not None and isinstance(money["amount"], int) and money["amount"] < 0:
        raise StageFailure(NEGATIVE_AMOUNT)
    if source["payment"] is not None:
        if dest["payment"] is not None:
            raise StageFailure("send from payment to payment is not supported")
        money = yield from _save_payment(send, source["payment"]["id"], money)
        source = {
            "account": {"id": payment_account(source["payment"]["id"]), "ledger": INTERNAL_LEDGER},
            "wallet": None,
            "payment": None,
        }
    if source["account"] is not None:
        if dest["account"] is not None:
            yield from _account_to_account(send, source["account"], dest["account"], _required(money))
        elif dest["wallet"] is not None:
            yield from _account_to_wallet(send, source["account"], dest["wallet"], _required(money))
        else:
            yield from _account_to_payment(send, source["account"], dest["payment"], _required(money))
    elif dest["account"] is not None:
        yield from _wallet_to_account(send, source["wallet"], dest["account"], _required(money))
    elif dest["wallet"] is not None:
        yield from _wallet_to_wallet(send, source["wallet"], dest["wallet"], _required(money))
    else:
        yield from _wallet_to_payment(send, source["wallet"], dest["payment"], _required(money))


def payment_account(payment_id: str) -> str:
    """The internal-ledger account of a payment: ``payment:<id with - replaced by _>``."""
    return "payment:" + payment_id.replace("-", "_")


def _save_payment(send: _Send, payment_id: str, money: dict[str, Any] | None) -> Steps:
    """Book the payment into the internal ledger once; a CONFLICT means it already was."""
    payment = yield Call("GetPayment", {"id": payment_id})
    account = payment_account(payment_id)
    posting = {
        "amount": payment["initialAmount"],
        "asset": payment["asset"],
        "destination": account,
        "source": WORLD,
    }
    data = {"postings": [posting], "metadata": {}, "reference": account}
    try:
        yield Call("CreateTransaction", {"ledger": INTERNAL_LEDGER, "data": data})
    except ActivityFailed as exc:
        if exc.code != "CONFLICT":
            raise
    if money is None:
        money = {"amount": payment["initialAmount"], "asset": payment["asset"]}
    return money


def _account_to_account(send: _Send, src: dict[str, Any], dst: dict[str, Any], money: dict[str, Any]) -> Steps:
    if src["ledger"] == dst["ledger"]:
        yield from send.transaction(dst["ledger"], src["id"], dst["id"], money, send.meta())
        return
    yield from send.transaction(src["ledger"], src["id"], WORLD, money, send.meta(to=dst["ledger"]))
    yield from send.transaction(dst["ledger"], WORLD, dst["id"], money, send.meta(from_=src["ledger"]))


def _account_to_wallet(send: _Send, src: dict[str, Any], dst: dict[str, Any], money: dict[str, Any]) -> Steps:
    wallet = yield from send.wallet(dst)
    if wallet["ledger"] == src["ledger"]:
        yield from send.credit(wallet, dst["balance"], money, send.meta(), [_account_subject(src["id"])])
        return
    yield from send.transaction(src["ledger"], src["id"], WORLD, money, send.meta(to=wallet["ledger"]))
    yield from send.credit(wallet, dst["balance"], money, send.meta(from_=src["ledger"]), [_account_subject(WORLD)])


def _wallet_to_account(send: _Send, src: dict[str, Any], dst: dict[str, Any], money: dict[str, Any]) -> Steps:
    wallet = yield from send.wallet(src)
    if wallet["ledger"] == dst["ledger"]:
        yield from send.debit(wallet, src["balance"], money, send.meta(), _account_subject(dst["id"]))
        return
    yield from send.debit(wallet, src["balance"], money, send.meta(to=dst["ledger"]))
    yield from send.transaction(dst["ledger"], WORLD, dst["id"], money, send.meta(from_=wallet["ledger"]))


def _wallet_to_wallet(send: _Send, src: dict[str, Any], dst: dict[str, Any], money: dict[str, Any]) -> Steps:
    source = yield from send.wallet(src)
    target = yield from send.wallet(dst)
    if source["ledger"] == target["ledger"]:
        # The real stage always takes from the source wallet's *main* balance on this path.
        subject = {"type": "WALLET", "identifier": source["id"], "balance": "main"}
        yield from send.credit(target, dst["balance"], money, send.meta(), [subject])
        return
    yield from send.debit(source, src["balance"], money, send.meta(to=target["ledger"]))
    yield from send.credit(target, dst["balance"], money, send.meta(from_=source["ledger"]), [])


def _account_to_payment(send: _Send, src: dict[str, Any], dst: dict[str, Any], money: dict[str, Any]) -> Steps:
    if dst["psp"] != "stripe":
        raise StageFailure("only stripe actually supported")
    account = yield Call("GetAccount", {"ledger": src["ledger"], "id": src["id"]})
    yield from send.stripe(money, dst, account.get("metadata") or {})
    yield from send.transaction(src["ledger"], src["id"], WORLD, money, send.meta())


def _wallet_to_payment(send: _Send, src: dict[str, Any], dst: dict[str, Any], money: dict[str, Any]) -> Steps:
    if dst["psp"] != "stripe":
        raise StageFailure("only stripe actually supported")
    wallet = yield from send.wallet(src)
    yield from send.stripe(money, dst, wallet.get("metadata") or {})
    yield from send.debit(wallet, src["balance"], money, send.meta())
