"""Simulated payments service: payments read by ``GetPayment``, and transfer initiations.

Payments come from fixtures only (the mock has no connector). Each is stored in the
complete ``Payment`` shape of the upstream spec, every required field filled with a
neutral default, so ``GetPayment`` outputs validate and SDKs decode them. Transfer
initiations (``transfers.py``) are recorded: the mock moves no money outside the ledger,
exactly as the real stage books the ledger side itself before it asks for the payout.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mockserver.core.timefmt import parse_rfc3339, rfc3339
from mockserver.errors import ValidationError
from mockserver.orchestration.engine.failures import NEGATIVE_AMOUNT, not_found, validation
from mockserver.orchestration.engine.transfers import TransferInitiations

PAYMENT_TYPES = ("PAY-IN", "PAYOUT", "TRANSFER", "OTHER")
PAYMENT_STATUSES = ("PENDING", "ACTIVE", "TERMINATED", "FAILED", "SUCCEEDED", "CANCELLED")


def _int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(f"{where}: expected a non-negative integer")
    return value


def _text(doc: dict[str, Any], key: str, default: str, where: str) -> str:
    value = doc.get(key, default)
    if not isinstance(value, str):
        raise ValidationError(f"{where}.{key}: expected a string")
    return value


def normalize_payment(doc: Any, now: datetime, where: str) -> dict[str, Any]:
    """A fixture payment in the spec's ``Payment`` shape; ValidationError when unusable."""
    if not isinstance(doc, dict):
        raise ValidationError(f"{where}: expected an object")
    payment_id = doc.get("id")
    if not isinstance(payment_id, str) or not payment_id:
        raise ValidationError(f"{where}.id: a non-empty string is required")
    if "initialAmount" not in doc:
        raise ValidationError(f"{where}.initialAmount is required")
    asset = doc.get("asset")
    if not isinstance(asset, str) or not asset:
        raise ValidationError(f"{where}.asset: a non-empty string is required")
    initial = _int(doc["initialAmount"], f"{where}.initialAmount")
    created = doc.get("createdAt")
    if created is None:
        created_at = rfc3339(now)
    else:
        try:
            created_at = rfc3339(parse_rfc3339(str(created)))
        except ValueError:
            raise ValidationError(f"{where}.createdAt: expected an RFC 3339 date") from None
    type_ = _text(doc, "type", "PAY-IN", where)
    status = _text(doc, "status", "SUCCEEDED", where)
    if type_ not in PAYMENT_TYPES:
        raise ValidationError(f"{where}.type: one of {', '.join(PAYMENT_TYPES)}")
    if status not in PAYMENT_STATUSES:
        raise ValidationError(f"{where}.status: one of {', '.join(PAYMENT_STATUSES)}")
    metadata = doc.get("metadata") or {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise ValidationError(f"{where}.metadata: expected a map of strings")
    payment: dict[str, Any] = {
        "id": payment_id,
        "reference": _text(doc, "reference", payment_id, where),
        "connectorID": _text(doc, "connectorID", "", where),
        "sourceAccountID": _text(doc, "sourceAccountID", "", where),
        "destinationAccountID": _text(doc, "destinationAccountID", "", where),
        "type": type_,
        "status": status,
        "initialAmount": initial,
        "amount": _int(doc.get("amount", initial), f"{where}.amount"),
        "scheme": _text(doc, "scheme", "other", where),
        "asset": asset,
        "createdAt": created_at,
        "raw": doc.get("raw"),
        "adjustments": list(doc.get("adjustments") or []),
        "metadata": dict(metadata),
    }
    if "provider" in doc:
        payment["provider"] = _text(doc, "provider", "", where)
    return payment


class Payments:
    """Payments by id, the transfer initiations the send stage asked for (``transfers.py``), and
    the Stripe transfers of histories recorded before flows v2.6.0."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}
        self.transfers: list[dict[str, Any]] = []
        self.transfer_initiations = TransferInitiations()

    def add(self, payment: dict[str, Any]) -> None:
        self.items[payment["id"]] = payment

    def get(self, payment_id: str) -> dict[str, Any]:
        """Unknown ids are NOT_FOUND, which the infinite retry policy retries forever (REAL)."""
        found = self.items.get(payment_id)
        if found is None:
            raise not_found(f"payment not found: {payment_id}")
        return found

    def stripe_transfer(self, request: dict[str, Any]) -> None:
        """Record a transfer; a negative amount or a missing destination is a VALIDATION error."""
        amount = request.get("amount")
        if isinstance(amount, int) and not isinstance(amount, bool) and amount < 0:
            raise validation(NEGATIVE_AMOUNT)
        if not request.get("destination"):
            raise validation("missing destination")
        self.transfers.append(dict(request))
