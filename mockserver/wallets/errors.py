"""The wallets service's error answers (formancehq/wallets v2.1.5 ``pkg/error.go``, ``pkg/api/utils.go``).

The release answers 400 ``{"errorCode", "errorMessage"}`` with ``VALIDATION``,
``INSUFFICIENT_FUND`` or ``HOLD_CLOSED``; 500 with ``INTERNAL_ERROR`` and the full Go error
chain as its message; and 404 with **no body at all** (``notFound`` writes the status only),
which ``NotFoundEmpty`` stands for: the handlers answer it bodiless.
"""

from __future__ import annotations

from mockserver.errors import MockError

# pkg/error.go
WALLET_NOT_FOUND = "wallet not found"
HOLD_NOT_FOUND = "hold not found"
INSUFFICIENT_FUND = "insufficient fund"
CLOSED_HOLD = "closed hold"
BALANCE_ALREADY_EXISTS = "balance already exists"
INVALID_BALANCE_NAME = "invalid balance name"
RESERVED_BALANCE_NAME = "reserved balance name"
BALANCE_NOT_EXISTS = "balance not exists"
INVALID_BALANCE_SPECIFIED = "invalid balance specified"
NEGATIVE_AMOUNT = "negative amount provided"
ACCOUNT_NOT_FOUND = "account not found"


class WalletsError(MockError):
    """One error answer of the wallets API."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class NotFoundEmpty(WalletsError):
    """404 with an empty body, as every 404 of the release (``pkg/api/utils.go`` ``notFound``)."""

    def __init__(self, what: str) -> None:
        super().__init__(404, "NOT_FOUND", what)


def validation(message: str) -> WalletsError:
    return WalletsError(400, "VALIDATION", message)


def insufficient_fund() -> WalletsError:
    return WalletsError(400, "INSUFFICIENT_FUND", INSUFFICIENT_FUND)


def hold_closed() -> WalletsError:
    return WalletsError(400, "HOLD_CLOSED", CLOSED_HOLD)


def internal(message: str) -> WalletsError:
    """A 500: ``INTERNAL_ERROR`` and the Go error text, as ``internalError`` writes it."""
    return WalletsError(500, "INTERNAL_ERROR", message)


def invalid_account(value: str) -> WalletsError:
    """``errInvalidAccountName`` (and ``errInvalidAsset``, whose message says "account" too)."""
    return validation(f"invalid format for account '{value}'")
