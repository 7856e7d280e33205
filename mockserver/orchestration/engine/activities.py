"""The activity catalogue: what each activity does to the bank and how its history reads.

A stage's history lists its activities with ``input = {Name: request}`` and
``output = {Name: response}`` (§5.6). Requests are built by the stage code in one
canonical, JSON-ready form; each activity renders it for the mode:

* ``spec`` mode shows what the upstream spec's ``WorkflowInstanceHistoryStageInput`` /
  ``…Output`` schemas describe, so SDKs decode it (e.g. ``CreateTransaction`` output is a
  single Transaction, ``AddAccountMetadata`` input has ``id``, ``PostTransaction`` always
  carries ``metadata``);
* ``real`` mode shows what the real service stores (``Ledger``/``Data`` keys, a
  one-element array with ``txid``, ``account`` instead of ``id``, metadata omitted when
  empty, no DebitWallet output because the wallets service answers 204 for an immediate
  debit).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mockserver.core.ids import IdSource
from mockserver.orchestration.engine import wallet_calls
from mockserver.orchestration.engine.bank import Bank
from mockserver.orchestration.engine.transfers import transfer_initiation_request


@dataclass(slots=True)
class ActivityContext:
    """What an activity may touch: the bank, the current time, the id source, the
    idempotency key the real activities send with each ledger write (``<run>-<activity>``,
    the same for every retry of one activity), and the transfer initiation ``reference``
    (the stage's workflow id, ``<instance>-<stage>``, then the activity's id)."""

    bank: Bank
    now: datetime
    ids: IdSource
    idempotency_key: str = ""
    reference: str = ""


@dataclass(frozen=True, slots=True)
class ActivityType:
    """One activity: how it runs, and how its request and response read per mode."""

    name: str
    execute: Callable[[ActivityContext, dict[str, Any]], Any]
    render_input: Callable[[dict[str, Any], bool], dict[str, Any]]
    render_output: Callable[[Any, bool], dict[str, Any] | None]


def _same(request: dict[str, Any], real: bool) -> dict[str, Any]:
    return request


def _no_output(response: Any, real: bool) -> None:
    return None


def _data(response: Any, real: bool) -> dict[str, Any]:
    return {"data": response}


# --- ledger ----------------------------------------------------------------------------


_TRANSACTION_KEYS = ("postings", "reference", "script", "timestamp")  # flows v2.6.0 PostTransaction, after metadata


def _create_transaction(ctx: ActivityContext, request: dict[str, Any]) -> dict[str, Any]:
    """``POST /api/ledger/v2/{ledger}/transactions`` through the ledger service's interface:
    postings, or a Numscript ``script`` (``{"plain"}``, no vars), never both
    (flows v2.6.0 ``activity_ledger_create_transaction.go``)."""
    data = request["data"]
    body: dict[str, Any] = {"metadata": dict(data.get("metadata") or {})}
    body |= {key: data[key] for key in _TRANSACTION_KEYS if data.get(key) is not None}
    written = ctx.bank.ledger.create_transaction(request["ledger"], body, idempotency_key=ctx.idempotency_key)
    assert written.payload is not None
    return written.payload


def _create_transaction_input(request: dict[str, Any], real: bool) -> dict[str, Any]:
    source = request["data"]
    data: dict[str, Any] = {}
    # Spec: PostTransaction requires ``metadata``; real: omitted when empty.
    if source.get("metadata") or not real:
        data["metadata"] = dict(source.get("metadata") or {})
    data |= {key: source[key] for key in _TRANSACTION_KEYS if source.get(key) is not None}
    if real:
        return {"Ledger": request["ledger"], "Data": data}
    return {"ledger": request["ledger"], "data": data}


def _create_transaction_output(tx: dict[str, Any], real: bool) -> dict[str, Any]:
    if not real:
        return {"data": dict(tx)}
    # The real service rewrites the output for backward compatibility: an array, plus txid.
    shown = {"id": tx["id"], "txid": tx["id"], **{k: v for k, v in tx.items() if k != "id"}}
    return {"data": [shown]}


def _get_account(ctx: ActivityContext, request: dict[str, Any]) -> dict[str, Any]:
    """The real activity reads the ledger's v1 API, which creates a missing ledger."""
    return ctx.bank.ledger.account_v1(request["ledger"], request["id"])


def _add_account_metadata(ctx: ActivityContext, request: dict[str, Any]) -> None:
    ctx.bank.ledger.add_account_metadata(
        request["ledger"], request["id"], request["metadata"], idempotency_key=ctx.idempotency_key
    )


def _add_account_metadata_input(request: dict[str, Any], real: bool) -> dict[str, Any]:
    key = "account" if real else "id"
    return {"ledger": request["ledger"], key: request["id"], "metadata": request["metadata"]}


# --- wallets ---------------------------------------------------------------------------
# Through the stack's wallets service (wallet_calls.py), as the real activities call its API.


def _get_wallet(ctx: ActivityContext, request: dict[str, Any]) -> dict[str, Any]:
    return wallet_calls.get_wallet(ctx.bank.wallet_service, request["id"])


def _list_wallets(ctx: ActivityContext, request: dict[str, Any]) -> wallet_calls.WalletPage:
    return wallet_calls.list_wallets(ctx.bank.wallet_service, request["name"])


def _list_wallets_output(wallets: wallet_calls.WalletPage, real: bool) -> dict[str, Any]:
    return {"cursor": wallets.cursor}


def _credit_wallet(ctx: ActivityContext, request: dict[str, Any]) -> None:
    wallet_calls.credit_wallet(ctx.bank.wallet_service, request["id"], request["data"], ctx.idempotency_key)


def _debit_wallet(ctx: ActivityContext, request: dict[str, Any]) -> dict[str, Any]:
    data = request["data"]
    hold = wallet_calls.debit_wallet(ctx.bank.wallet_service, request["id"], data, ctx.idempotency_key)
    if hold is not None:  # a pending debit: the wallets service's hold
        return hold
    # An immediate debit answers 204, no hold; spec mode still shows the Hold the spec's
    # DebitWalletResponse describes, with a fresh id, so clients decoding it succeed.
    shown: dict[str, Any] = {
        "id": ctx.ids.uuid(),
        "walletID": request["id"],
        "metadata": dict(data.get("metadata") or {}),
        "description": data.get("description") or "",
    }
    if data.get("destination"):
        shown["destination"] = data["destination"]
    return shown


def _debit_wallet_output(hold: dict[str, Any], real: bool) -> dict[str, Any] | None:
    return None if real else {"data": hold}


def _confirm_hold(ctx: ActivityContext, request: dict[str, Any]) -> None:
    wallet_calls.confirm_hold(ctx.bank.wallet_service, request["id"], ctx.idempotency_key)


def _void_hold(ctx: ActivityContext, request: dict[str, Any]) -> None:
    wallet_calls.void_hold(ctx.bank.wallet_service, request["id"], ctx.idempotency_key)


# --- payments --------------------------------------------------------------------------


def _get_payment(ctx: ActivityContext, request: dict[str, Any]) -> dict[str, Any]:
    return dict(ctx.bank.payment_book.get(request["id"]))


def _stripe_transfer(ctx: ActivityContext, request: dict[str, Any]) -> None:
    """Before flows v2.6.0 only: no stage schedules it any more (its histories can be loaded)."""
    ctx.bank.payment_book.stripe_transfer(request)


def _create_transfer_initiation(ctx: ActivityContext, request: dict[str, Any]) -> None:
    """``Payments.V1.CreateTransferInitiation``, request built as the release's activity builds it
    (``transfers.py``); it returns nothing, so the history shows no output."""
    body = transfer_initiation_request(request, ctx.reference)
    ctx.bank.payment_book.transfer_initiations.create(body, ctx.now, ctx.ids.uuid())


ACTIVITY_TYPES: dict[str, ActivityType] = {
    t.name: t
    for t in (
        ActivityType("CreateTransaction", _create_transaction, _create_transaction_input, _create_transaction_output),
        ActivityType("GetAccount", _get_account, _same, _data),
        ActivityType("AddAccountMetadata", _add_account_metadata, _add_account_metadata_input, _no_output),
        ActivityType("GetWallet", _get_wallet, _same, _data),
        ActivityType("ListWallets", _list_wallets, _same, _list_wallets_output),
        ActivityType("CreditWallet", _credit_wallet, _same, _no_output),
        ActivityType("DebitWallet", _debit_wallet, _same, _debit_wallet_output),
        ActivityType("ConfirmHold", _confirm_hold, _same, _no_output),
        ActivityType("VoidHold", _void_hold, _same, _no_output),
        ActivityType("GetPayment", _get_payment, _same, _data),
        ActivityType("StripeTransfer", _stripe_transfer, _same, _no_output),
        ActivityType("CreateTransferInitiation", _create_transfer_initiation, _same, _no_output),
    )
}
