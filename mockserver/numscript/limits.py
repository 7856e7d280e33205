"""Bounds on what a script may ask of the engine, so a hostile script fails fast with a ScriptError."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import COMPILATION_FAILED, ScriptError


@dataclass(frozen=True)
class Limits:
    """Each bound is checked before the work it guards; past one, ScriptError(code=COMPILATION_FAILED).

    The release has none of these (a Go ANTLR parser and big integers): they are the mock's own, set far
    above any real script so that only hostile input meets them.
    """

    script_bytes: int = 256 * 1024
    statements: int = 1_000
    postings: int = 10_000
    nesting_depth: int = 64
    number_digits: int = 100
    string_length: int = 10_000
    allotment_parts: int = 1_000
    tokens: int = 100_000


DEFAULT_LIMITS = Limits()


def exceeded(what: str, limit: int, code: str = COMPILATION_FAILED) -> ScriptError:
    """Past a limit: COMPILATION_FAILED for the machine, INTERPRETER_PARSE for the interpreter (the codes
    each engine's refusals get from the ledger)."""
    return ScriptError(
        code,
        f"script exceeds the mock's limit on {what} ({limit})",
        phase="compile",
        details={"limit": what, "value": limit},
    )
