"""Helpers for the numscript tests: run a script, read its postings as tuples."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockserver.numscript import Result, ScriptError, StaticLedger, compile_script


def run(
    script: str,
    variables: Mapping[str, str] | None = None,
    balances: Mapping[str, Mapping[str, int]] | None = None,
    ledger_metadata: Mapping[str, Mapping[str, str]] | None = None,
    *,
    engine: str = "machine",
    **options: Any,
) -> Result:
    program = compile_script(script, engine=engine)
    return program.execute(variables or {}, StaticLedger(balances, ledger_metadata), **options)


def postings(*args: Any, **kwargs: Any) -> list[tuple[str, str, int, str]]:
    return [(p.source, p.destination, p.amount, p.asset) for p in run(*args, **kwargs).postings]


def error_of(*args: Any, **kwargs: Any) -> ScriptError:
    try:
        run(*args, **kwargs)
    except ScriptError as error:
        return error
    raise AssertionError("no ScriptError")
