"""The steps every send path is made of, each one activity request as flows v2.6.0 builds it.

From ``internal/workflow/stages/send/run.go``: a ledger transaction (postings, or the Numscript
with an unbounded overdraft on its source), a wallet credit or debit, a wallet lookup, and the
payout through ``CreateTransferInitiation``. Requests are in the canonical, JSON-ready form the
activity catalogue renders per mode (``activities.py``). The stage's ``metadata`` (``{}`` when the
stage has none) goes on every call, merged with the ``orchestration/move-to-ledger`` /
``move-from-ledger`` marker on a cross-ledger move (the marker wins over a user key of that name,
as go-libs ``collectionutils.MergeMaps`` does); its ``timestamp`` goes on every ledger and wallet
call, never on the transfer initiation.
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import datetime
from typing import Any

from mockserver.core.timefmt import rfc3339
from mockserver.ledger.model import WORLD
from mockserver.orchestration.engine.commands import Call, Command, StageFailure

INTERNAL_LEDGER = "orchestration-000-internal"
MOVE_TO = "orchestration/move-to-ledger"
MOVE_FROM = "orchestration/move-from-ledger"

Steps = Generator[Command, Any, Any]


def overdraft_script(source: str, destination: str, asset: str, amount: int | None) -> str:
    """``generateNumscriptWithSourceOverdraft`` (run.go): the asset and amount inserted as they
    are (a nil amount prints as Go prints a nil ``*big.Int``), two-space indent, no newline at
    the end, no ``vars``."""
    shown = "<nil>" if amount is None else str(amount)
    return (
        f"send [{asset} {shown}] (\n"
        f"  source = @{source} allowing unbounded overdraft\n"
        f"  destination = @{destination}\n"
        ")"
    )


def account_subject(address: str) -> dict[str, Any]:
    return {"identifier": address, "type": "ACCOUNT"}


class SendSteps:
    """One run of the stage: the resolved values, and a method per kind of step.

    ``real`` keeps the two JSON nulls the release's requests carry where the spec's
    ``DebitWalletRequest.metadata`` / ``CreditWalletRequest.sources`` require an object and an
    array: spec mode sends ``{}`` and ``[]`` there (the same request to the wallets service)."""

    def __init__(self, values: dict[str, Any], *, real: bool = False) -> None:
        self.raw_metadata: dict[str, str] | None = values["metadata"]
        self.metadata: dict[str, str] = dict(values["metadata"] or {})
        stamp: datetime | None = values["timestamp"]
        self.timestamp = rfc3339(stamp) if stamp is not None else None
        self.real = real

    def meta(self, *, to: str | None = None, from_: str | None = None) -> dict[str, str]:
        out = dict(self.metadata)
        if to is not None:
            out[MOVE_TO] = to
        if from_ is not None:
            out[MOVE_FROM] = from_
        return out

    def _stamped(self, data: dict[str, Any]) -> dict[str, Any]:
        if self.timestamp:
            data["timestamp"] = self.timestamp
        return data

    # --- the ledger ------------------------------------------------------------------------
    def transaction(
        self,
        ledger: str,
        source: str,
        dest: str,
        money: dict[str, Any],
        meta: dict[str, str],
        *,
        overdraft: bool = False,
        reference: str | None = None,
    ) -> Steps:
        """``CreateTransaction``: one posting ``source -> dest``, or, with ``overdraft``, the
        Numscript that lets ``source`` go below zero (a script replaces the postings)."""
        data: dict[str, Any] = {"metadata": meta}
        if overdraft:
            data["script"] = {"plain": overdraft_script(source, dest, money["asset"], money["amount"])}
        else:
            data["postings"] = [
                {"amount": money["amount"], "asset": money["asset"], "destination": dest, "source": source}
            ]
        if reference is not None:
            data["reference"] = reference
        return (yield Call("CreateTransaction", {"ledger": ledger, "data": self._stamped(data)}))

    # --- wallets ---------------------------------------------------------------------------
    def wallet(self, ref: dict[str, Any]) -> Steps:
        """``GetWallet`` by id, or ``ListWallets`` by name with exactly one match required."""
        if ref["id"]:
            return (yield Call("GetWallet", {"id": ref["id"]}))
        found = yield Call("ListWallets", {"name": ref["name"]})
        if not found:
            raise StageFailure("wallet not found")
        if len(found) > 1:
            raise StageFailure("found multiple wallets with the same name")
        return found[0]

    def credit(
        self,
        wallet: dict[str, Any],
        balance: str,
        money: dict[str, Any],
        meta: dict[str, str],
        sources: list[dict[str, Any]] | None,
    ) -> Steps:
        """``CreditWallet``; ``sources`` None is a request without any (``null`` in real mode)."""
        shown = sources if sources is not None or self.real else []
        data = self._stamped({"amount": dict(money), "balance": balance, "metadata": meta, "sources": shown})
        return (yield Call("CreditWallet", {"id": wallet["id"], "data": data}))

    def debit(
        self,
        wallet: dict[str, Any],
        balance: str,
        money: dict[str, Any],
        meta: dict[str, str] | None,
        destination: dict[str, Any] | None = None,
    ) -> Steps:
        """``DebitWallet`` of one balance; ``meta`` None is the stage's own, possibly absent,
        metadata (``null`` in real mode)."""
        data: dict[str, Any] = {"amount": dict(money), "balances": [balance]}
        if destination is not None:
            data["destination"] = destination
        data["metadata"] = meta if meta is not None or self.real else {}
        return (yield Call("DebitWallet", {"id": wallet["id"], "data": self._stamped(data)}))

    # --- payment service providers --------------------------------------------------------
    def payout(self, money: dict[str, Any], dest: dict[str, Any], destination: str) -> Steps:
        """``CreateTransferInitiation`` to ``destination``, the account id found with
        ``formance_account_id``; the request is the activity's input as run.go fills it
        (``description`` never set, ``source`` only with a ``sourceAccount``, ``metadata``
        always)."""
        request: dict[str, Any] = {"amount": money["amount"], "asset": money["asset"]}
        if dest["connectorId"] is not None:
            request["connectorID"] = dest["connectorId"]
        request["provider"] = dest["psp"]
        request["destination"] = destination
        if dest["sourceAccount"] is not None:
            request["source"] = dest["sourceAccount"]
        request["type"] = dest["type"]
        request["metadata"] = self.meta()
        request["waitingValidation"] = dest["waitingValidation"]
        yield Call("CreateTransferInitiation", request)


def formance_account_id(key: str, metadata: dict[str, Any]) -> str:
    """``extractFormanceAccountID`` (run.go): the value under ``key``, printed as Go's
    ``fmt.Sprint`` prints it; missing or zero fails the stage."""
    if key not in metadata:
        raise StageFailure(f"expected '{key}' metadata containing formance account ID")
    value = metadata[key]
    if value in ("", 0, False, None):  # Go's reflect IsZero on what the JSON held
        raise StageFailure("formance account ID empty")
    if isinstance(value, bool):
        return "true"
    return str(value)


__all__ = [
    "INTERNAL_LEDGER",
    "MOVE_FROM",
    "MOVE_TO",
    "WORLD",
    "SendSteps",
    "Steps",
    "account_subject",
    "formance_account_id",
]
