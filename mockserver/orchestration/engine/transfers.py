"""Transfer initiations: what the ``CreateTransferInitiation`` activity sends, and the payments
service's side of it in the mock.

The activity (flows v2.6.0 ``internal/workflow/activities/activity_transfer_initiation.go``)
upper-cases the stage's ``type`` and refuses anything but ``TRANSFER`` and ``PAYOUT`` with a plain
error, then calls ``Payments.V1.CreateTransferInitiation`` (``POST
/api/payments/transfer-initiations``) with formance-sdk-go v3.2.0's ``TransferInitiationRequest``:
``provider`` upper-cased (left out when the stage's ``psp`` is empty), ``sourceAccountID`` ``""``
without a ``sourceAccount``, ``validated`` the opposite of ``waitingValidation``, ``description``
``"<psp as written> <TYPE>"``, ``reference`` the stage's workflow id followed by the activity id,
``scheduledAt`` Go's zero time, ``metadata`` left out when empty.

The mock has no connector: its payments service keeps each initiation it accepts (the control
API lists them) and refuses a provider that is not one of the connectors formance-sdk-go v3.2.0
names (``pkg/models/shared/connector.go``), which is what a stack without that connector does.
Every error of this activity is a plain one for the retry policy (the release returns the SDK's
error unchanged), so it is retried forever, after the ledger or wallet debit the stage made.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mockserver.core.timefmt import rfc3339
from mockserver.orchestration.engine.failures import ActivityError

CONNECTORS = (
    "STRIPE",
    "DUMMY-PAY",
    "WISE",
    "MODULR",
    "CURRENCY-CLOUD",
    "BANKING-CIRCLE",
    "MANGOPAY",
    "MONEYCORP",
    "ATLAR",
    "ADYEN",
    "GENERIC",
)
TYPES = ("TRANSFER", "PAYOUT")
GO_ZERO_TIME = "0001-01-01T00:00:00Z"
# What Temporal names the type of a plain Go error: never one of the non-retryable codes.
PLAIN_ERROR = "GoError"


def transfer_initiation_request(request: dict[str, Any], reference: str) -> dict[str, Any]:
    """The payments request for the activity input ``request`` (see the module docstring)."""
    given = request.get("type") or ""
    kind = given.upper() if given else "TRANSFER"
    if kind not in TYPES:
        raise ActivityError(f"invalid transfer type: {given} (must be TRANSFER or PAYOUT)", PLAIN_ERROR)
    psp = request.get("provider")
    body: dict[str, Any] = {"amount": request.get("amount"), "asset": request.get("asset") or ""}
    if request.get("connectorID") is not None:
        body["connectorID"] = request["connectorID"]
    # The provider pointer is always set by the stage, so the default description never applies.
    body["description"] = f"{psp} {kind}" if psp is not None else f"Transfer Initiation ({kind})"
    body["destinationAccountID"] = request.get("destination") or ""
    if request.get("metadata"):
        body["metadata"] = dict(request["metadata"])
    if psp:
        body["provider"] = psp.upper()
    body["reference"] = reference
    body["scheduledAt"] = GO_ZERO_TIME
    body["sourceAccountID"] = request.get("source") or ""
    body["type"] = kind
    body["validated"] = not request.get("waitingValidation")
    return body


class TransferInitiations:
    """The initiations the payments service accepted, oldest first."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def create(self, body: dict[str, Any], now: datetime, ident: str) -> dict[str, Any]:
        """Accept ``body`` as initiation ``ident``, or raise the retryable error a stack without
        its connector gives."""
        provider = body.get("provider")
        if provider not in CONNECTORS:
            named = f"'{provider}'" if provider else "none"
            message = f"transfer initiation refused: no installed connector for provider {named}"
            raise ActivityError(message, PLAIN_ERROR)
        amount = body.get("amount")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise ActivityError(f"transfer initiation refused: invalid amount {amount!r}", PLAIN_ERROR)
        status = "PROCESSING" if body["validated"] else "WAITING_FOR_VALIDATION"
        record = {"id": ident, "createdAt": rfc3339(now), "status": status, **body}
        self.items.append(record)
        return record
