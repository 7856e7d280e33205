"""Loads and runs the conformance tables (conformance*.yaml) against the engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from mockserver.numscript import ScriptError, StaticLedger, compile_script

HERE = Path(__file__).parent


def load(name: str) -> list[dict[str, Any]]:
    return yaml.safe_load((HERE / name).read_text())


def run_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry's outcome in the table's own shape: {postings, txMetadata, accountMetadata} or {error}."""
    ledger = StaticLedger(entry.get("balances") or {}, entry.get("metadata") or {})
    try:
        program = compile_script(entry["script"], engine=entry.get("engine", "machine"))
        result = program.execute({k: str(v) for k, v in (entry.get("vars") or {}).items()}, ledger)
    except ScriptError as error:
        return {"error": error.code, "message": error.message}
    return {
        "postings": [posting.as_dict() for posting in result.postings],
        "txMetadata": result.transaction_metadata,
        "accountMetadata": result.account_metadata,
    }


def mismatch(entry: dict[str, Any]) -> str | None:
    """None when the engine does what the entry expects, else what differs."""
    expect, got = entry["expect"], run_entry(entry)
    if "error" in expect:
        if got.get("error") != expect["error"]:
            return f"expected error {expect['error']}, got {got}"
        wanted = expect.get("messageContains")
        if wanted and wanted not in got["message"]:
            return f"message {got['message']!r} lacks {wanted!r}"
        return None
    if "error" in got:
        return f"expected postings, got error {got['error']}: {got['message']}"
    for key, default in (("postings", []), ("txMetadata", {}), ("accountMetadata", {})):
        if (expect.get(key) or default) != got[key]:
            return f"{key}: expected {expect.get(key) or default}, got {got[key]}"
    return None
