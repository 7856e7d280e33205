"""ScriptError and the ledger API's errorCodes, as internal/api/v2/controllers_transactions_create.go maps them."""

from __future__ import annotations

from typing import Any

# errorCodes of the v2 API (internal/api/common/errors.go).
COMPILATION_FAILED = "COMPILATION_FAILED"
INSUFFICIENT_FUND = "INSUFFICIENT_FUND"
NO_POSTINGS = "NO_POSTINGS"
METADATA_OVERRIDE = "METADATA_OVERRIDE"
INTERPRETER_PARSE = "INTERPRETER_PARSE"
INTERPRETER_RUNTIME = "INTERPRETER_RUNTIME"
# An error the release does not map: its API answers 500 with this code and a fixed message.
INTERNAL = "INTERNAL"
VALIDATION = "VALIDATION"

INTERNAL_MESSAGE = "Internal error. Consult logs/traces to have more details."

# The v1 API maps the same failures differently (internal/api/v1/controllers_transactions_create.go,
# script branch): compilation, variables, metadata override and no postings are all VALIDATION there,
# and the interpreter's own errors are not mapped at all.
_V1_CODES = {
    COMPILATION_FAILED: VALIDATION,
    METADATA_OVERRIDE: VALIDATION,
    NO_POSTINGS: VALIDATION,
    INTERPRETER_PARSE: INTERNAL,
    INTERPRETER_RUNTIME: INTERNAL,
}

# Wrapping prefixes the ledger adds between the engine and the HTTP answer
# (controller_default.go, log_process.go, numscript_runtime.go).
_FORGE = "unexpected error while forging log: "
PHASE_PREFIXES = {
    "compile": _FORGE + "failed to compile script: ",
    "vars": _FORGE + "failed to execute program: failed to set vars from JSON: ",
    "resources": _FORGE + "failed to execute program: failed to resolve resources: ",
    "balances": _FORGE + "failed to execute program: failed to resolve balances: ",
    "execute": _FORGE + "failed to execute program: failed to execute machine: ",
    "interpreter": _FORGE + "failed to execute program: ",
    "controller": _FORGE,
}


class ScriptError(Exception):
    """A script the release refuses, or that fails while it runs.

    `code` is the v2 API's errorCode for it and `message` the engine's own text; `api_message` is the
    errorMessage the v2 API answers (the same text behind the ledger's wrapping prefixes, or its fixed
    500 message for codes it does not map). `details` holds structured facts (line, column, key...).
    """

    def __init__(self, code: str, message: str, *, phase: str = "execute", details: dict[str, Any] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.phase = phase
        self.details = details or {}

    @property
    def api_message(self) -> str:
        if self.code == INTERNAL:
            return INTERNAL_MESSAGE
        return PHASE_PREFIXES.get(self.phase, "") + self.message

    @property
    def v1_code(self) -> str:
        """The errorCode the v1 API answers for the same failure."""
        return _V1_CODES.get(self.code, self.code)

    @property
    def http_status(self) -> int:
        return 500 if self.code == INTERNAL else 400

    def __repr__(self) -> str:
        return f"ScriptError({self.code!r}, {self.message!r})"


def compilation_failed(message: str, **details: Any) -> ScriptError:
    return ScriptError(COMPILATION_FAILED, message, phase="compile", details=details)
