"""What the ledger's controller does with an engine's output before booking it
(internal/controller/ledger/controller_default.go createTransaction), shared by both engines."""

from __future__ import annotations

from collections.abc import Mapping

from .errors import METADATA_OVERRIDE, NO_POSTINGS, ScriptError
from .program import Posting, Result


def finish(
    postings: list[tuple[str, str, int, str]],
    tx_meta: dict[str, str],
    account_meta: dict[str, dict[str, str]],
    metadata: Mapping[str, str] | None,
    account_metadata: Mapping[str, Mapping[str, str]] | None,
) -> Result:
    """No postings is an error; request metadata may not override a non-empty key the script set; request
    account metadata is merged over the script's."""
    if not postings:
        raise ScriptError(NO_POSTINGS, "numscript execution returned no postings", phase="controller")
    for key, value in (metadata or {}).items():
        if tx_meta.get(key, "") != "":
            raise ScriptError(
                METADATA_OVERRIDE, f"cannot override metadata '{key}'", phase="controller", details={"key": key}
            )
        tx_meta[key] = value
    for account, values in (account_metadata or {}).items():
        account_meta.setdefault(account, {}).update(values)
    return Result([Posting(*posting) for posting in postings], tx_meta, account_meta)
