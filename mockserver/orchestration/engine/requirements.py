"""Run-time requirements of each stage, reported the way go-playground's validator does.

Creation never checks these (a definition full of ``${vars}`` cannot be judged before
it runs); the engine checks them after resolving a stage with the run's variables. A
failure fails the stage before its child workflow starts, so it leaves a status record
but no history entry. Messages are one validator line per violation, joined by newlines:
``Key: 'WaitEvent.Event' Error:Field validation for 'Event' failed on the 'required' tag``.
One-of rules (``duration or until``, ``wallet or account or payment``, ``id or name``)
require exactly one of the fields and report one line per field.
"""

from __future__ import annotations

from typing import Any


def violation(namespace: str, field: str, tag: str) -> str:
    """One validator line."""
    return f"Key: '{namespace}' Error:Field validation for '{field}' failed on the '{tag}' tag"


def _required(errors: list[str], ns: str, go_name: str, value: Any) -> None:
    if value is None or value == "":
        errors.append(violation(f"{ns}.{go_name}", go_name, "required"))


def _one_of(errors: list[str], ns: str, values: dict[str, Any]) -> None:
    """Exactly one of the keys must be set; otherwise one line per key, as the real validator reports."""
    if sum(1 for v in values.values() if v not in (None, "")) != 1:
        tag = " or ".join(values)
        errors.extend(violation(f"{ns}.{key}", key, tag) for key in values)


def _check_endpoints(errors: list[str], ns: str, values: dict[str, Any]) -> None:
    wallet, account, payment = values["wallet"], values["account"], values["payment"]
    if wallet is not None:
        _one_of(errors, f"{ns}.Wallet.WalletReference", {"id": wallet["id"], "name": wallet["name"]})
        _required(errors, f"{ns}.Wallet", "Balance", wallet["balance"])
    if account is not None:
        _required(errors, f"{ns}.Account", "ID", account["id"])
        _required(errors, f"{ns}.Account", "Ledger", account["ledger"])
    if payment is not None and "psp" not in payment:
        _required(errors, f"{ns}.Payment", "ID", payment["id"])
    _one_of(errors, ns, {"wallet": wallet, "account": account, "payment": payment})


def check_send(values: dict[str, Any], errors: list[str]) -> None:
    """Source and destination: exactly one kind each; ids as each kind requires."""
    _check_endpoints(errors, "Send.Source", values["source"])
    _check_endpoints(errors, "Send.Destination", values["destination"])


TRANSFER_TYPES = ("TRANSFER", "PAYOUT")


def check_send_spec(values: dict[str, Any], errors: list[str]) -> None:
    """Spec mode only: what the spec's ``StageSend`` requires of a resolved send, the history
    ``input``. ``amount.amount`` is an integer (``Monetary``), and a payment destination's
    ``type`` one of the ``StageSendDestinationPayment.type`` enum (flows v2.6.0 ``openapi.yaml``),
    reported as go-playground's validator reports ``required`` and ``oneof``."""
    amount = values["amount"]
    if amount is not None and amount["amount"] is None:
        errors.append(violation("Send.Amount.Amount", "Amount", "required"))
    payment = values["destination"]["payment"]
    if payment is not None and payment["type"] not in TRANSFER_TYPES:
        errors.append(violation("Send.Destination.Payment.Type", "Type", "oneof"))


def check_delay(values: dict[str, Any], errors: list[str]) -> None:
    """Exactly one of ``duration`` and ``until``."""
    _one_of(errors, "Delay", {"duration": values["duration"], "until": values["until"]})


def check_wait_event(values: dict[str, Any], errors: list[str]) -> None:
    """A non-empty event name."""
    _required(errors, "WaitEvent", "Event", values["event"])


def check_update(values: dict[str, Any], errors: list[str]) -> None:
    """``account`` present, with an ``id`` and a ``metadata`` map (which may be empty)."""
    account = values["account"]
    if account is None:
        errors.append(violation("Update.Account", "Account", "required"))
        return
    _required(errors, "Update.Account", "ID", account["id"])
    _required(errors, "Update.Account", "Ledger", account["ledger"])
    if account["metadata"] is None:  # ``{}`` is present, so it passes
        errors.append(violation("Update.Account.Metadata", "Metadata", "required"))


def check_nothing(values: dict[str, Any], errors: list[str]) -> None:
    """noop has no fields, hence no requirements."""
