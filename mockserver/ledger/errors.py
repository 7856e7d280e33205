"""The ledger's errors, each a MockError carrying the ledger's own errorCode.

The status and code of each come from formancehq/ledger v2.4.6 ``internal/api/common/errors.go``
and the v2 controllers (see /spec/ledger.v2.yaml for the table). Messages repeat the release's
where they are fixed strings; ``WRAP`` is the prefix the release's write pipeline puts on every
error raised while a log is forged (``internal/controller/ledger/log_process.go``).
"""

from __future__ import annotations

from mockserver.errors import MockError

WRAP = "unexpected error while forging log: "
INTERNAL_TEXT = "Internal error. Consult logs/traces to have more details."


class LedgerError(MockError):
    """One ledger error answer: HTTP status, errorCode, errorMessage and optional details."""

    def __init__(self, status: int, code: str, message: str, details: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.details = details


def validation(message: str) -> LedgerError:
    return LedgerError(400, "VALIDATION", message)


def ledger_not_found() -> LedgerError:
    return LedgerError(404, "LEDGER_NOT_FOUND", "not found")


def not_found(message: str = "not found") -> LedgerError:
    return LedgerError(404, "NOT_FOUND", message)


def conflict(message: str) -> LedgerError:
    return LedgerError(409, "CONFLICT", message)


def insufficient_fund(message: str) -> LedgerError:
    return LedgerError(400, "INSUFFICIENT_FUND", message)


def no_postings(message: str) -> LedgerError:
    return LedgerError(400, "NO_POSTINGS", message)


def already_revert(message: str) -> LedgerError:
    return LedgerError(400, "ALREADY_REVERT", message)


def metadata_override(message: str) -> LedgerError:
    return LedgerError(400, "METADATA_OVERRIDE", message)


def compilation_failed(message: str) -> LedgerError:
    return LedgerError(400, "COMPILATION_FAILED", message)


def ledger_already_exists() -> LedgerError:
    return LedgerError(400, "LEDGER_ALREADY_EXISTS", "ledger already exists")


def internal() -> LedgerError:
    """The release's answer to anything it does not map: a fixed text (``--quirks real`` only)."""
    return LedgerError(500, "INTERNAL", INTERNAL_TEXT)
