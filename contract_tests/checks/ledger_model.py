"""Model checks of the ledger: an answer compared with what the suite's own ledger model expects.

Each takes the exchange being judged and the expectation (from `oracle/ledger_model.py`), and raises
`Violation`; the ledger phases apply them through `CheckedApi.apply`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from contract_tests.checks.registry import check
from contract_tests.core.errors import Violation
from contract_tests.oracle.ledger_model import REVERTS_KEY, Remembered, reversed_postings

if TYPE_CHECKING:
    from contract_tests.transport.client import Exchange

__all__ = ["ERROR_CHECKS", "shown_volumes"]

Volumes = dict[str, dict[str, dict[str, int]]]  # account -> asset -> {input, output, balance}


def _error_check(name: str, promise: str) -> None:
    def refused(ex: Exchange, *, status: int, code: str, why: str = "") -> None:
        body = ex.json()
        got = body.get("errorCode") if isinstance(body, dict) else None
        if ex.status != status or got != code:
            raise Violation(
                f"{why or promise}: got {ex.status} {got or ''}".strip(),
                expected=f"{status} {code} ({why or promise})",
                actual=ex.describe(),
                kind=f"status {ex.status} {got}: {why}",
            )

    refused.__doc__ = promise
    check(kind="model", name=name)(refused)


# name -> what the ledger promises (each is a status and an errorCode the phase names when applying it)
ERROR_CHECKS: dict[str, str] = {
    "overdraft_refused": "a write that would leave an account but world below zero, unforced, is 400 INSUFFICIENT_FUND",
    "already_reverted_rejected": "reverting a transaction a second time is 400 ALREADY_REVERT",
    "reference_conflict_rejected": "a reference already used in the ledger is 409 CONFLICT",
    "idempotency_conflict_rejected": "an Idempotency-Key reused with another input is 400 VALIDATION",
    "ledger_not_found": "a path under a ledger that does not exist is 404 LEDGER_NOT_FOUND",
    "ledger_already_exists": "creating a ledger whose name is taken is 400 LEDGER_ALREADY_EXISTS",
}
for _name, _promise in ERROR_CHECKS.items():
    _error_check(_name, _promise)


@check(kind="model")
def ledger_ids_dense(ex: Exchange, *, low: int, high: int, what: str = "transaction") -> None:
    """Transaction ids are per ledger, from 1, increasing, and dense but after known id-burning writes.

    A dry run or a write that fails after taking its id may burn ids (the real release's sequences never
    roll back): the next id may then be later by at most the number of such writes since the last booking."""
    data = ex.data if isinstance(ex.data, dict) else {}
    got = data.get("id")
    if isinstance(got, int) and low <= got <= high:
        return
    if not isinstance(got, int):
        kind = "no id"
    elif got < low:
        kind = "from 0" if low == 1 and got == 0 else "not increasing"
    else:
        kind = "gap"
    allowed = str(low) if low == high else f"{low}..{high} (ids burnt by dry runs or failed writes)"
    raise Violation(f"{what} id {got}, expected {allowed}", expected=f"id {allowed}", actual=ex.describe(), kind=kind)


def shown_volumes(ex: Exchange) -> Volumes:
    """The volumes an answer shows, by account and asset: a write's post-commit volumes, an account's
    `volumes`, a list of accounts' volumes, volume rows."""
    data = ex.data
    if ex.operation.name in ("createTransaction", "revertTransaction") and isinstance(data, dict):
        return data.get("postCommitVolumes") or {}
    items = data if isinstance(data, list) else [data]
    shown: Volumes = {}
    for item in items:
        if not isinstance(item, dict):
            continue
        if "address" in item:
            shown[item["address"]] = item.get("volumes") or {}
        elif "account" in item and "asset" in item:
            shown.setdefault(item["account"], {})[item["asset"]] = {
                k: item.get(k) for k in ("input", "output", "balance")
            }
    return shown


def _compare_volumes(title: str, ex: Exchange, expected: Volumes) -> None:
    shown = shown_volumes(ex)
    for account, assets in sorted(expected.items()):
        if account not in shown:
            continue  # which accounts an answer shows is the list checks' business
        if shown[account] != assets:
            raise Violation(title, expected=f"{account}: {assets}", actual=f"{account}: {shown[account]}", kind=title)


@check(kind="model")
def volumes_match_postings(ex: Exchange, *, expected: Volumes) -> None:
    """An account's volumes (input, output, balance per asset) are the sums of the postings written to it."""
    _compare_volumes("volumes differ from the sum of the postings", ex, expected)


@check(kind="model")
def revert_restores_balances(ex: Exchange, *, expected: Volumes) -> None:
    """After a revert, every account the reverted transaction touched reads the balance it has without it."""
    _compare_volumes("balances not restored by the revert", ex, expected)


@check(kind="model")
def balance_within_postings(ex: Exchange, *, may_go_negative: set[tuple[str, str]]) -> None:
    """No balance but world's (or one a forced write went through) is below zero."""
    for account, assets in sorted(shown_volumes(ex).items()):
        for asset, volume in sorted((assets or {}).items()):
            balance = volume.get("balance") if isinstance(volume, dict) else None
            if (
                isinstance(balance, int)
                and balance < 0
                and account != "world"
                and (account, asset) not in may_go_negative
            ):
                raise Violation(
                    "an account overdrawn without force",
                    expected=f"{account} {asset} balance >= 0 (no forced write went through it)",
                    actual=f"balance {balance}",
                    kind="overdrawn",
                )


@check(kind="model")
def revert_marks_original(ex: Exchange, *, original: int, postings: list[dict[str, Any]]) -> None:
    """A revert is the original reversed, with the reverts metadata; the original then reads as reverted.

    The revert's postings are the original's in reverse order, source and destination swapped, and its
    metadata has `com.formance.spec/state/reverts` = the original's id; the original reads `reverted: true`
    with `revertedAt`."""
    data = ex.data if isinstance(ex.data, dict) else {}
    if ex.operation.name == "revertTransaction":
        metadata = data.get("metadata") or {}
        if metadata.get(REVERTS_KEY) != str(original):
            raise Violation(
                "revert transaction without the reverts metadata",
                expected=f"metadata {REVERTS_KEY}: {str(original)!r}",
                actual=f"metadata {metadata}",
                kind="reverts metadata",
            )
        if data.get("postings") != reversed_postings(postings):
            raise Violation(
                "revert postings are not the original's reversed",
                expected=str(reversed_postings(postings)),
                actual=str(data.get("postings")),
                kind="revert postings",
            )
    elif data.get("reverted") is not True or not data.get("revertedAt"):
        raise Violation(
            "reverted transaction not marked",
            expected="reverted: true with revertedAt",
            actual=f"reverted={data.get('reverted')!r} revertedAt={data.get('revertedAt')!r}",
            kind="original not marked",
        )


def _hit(ex: Exchange) -> str | None:
    values = ex.response.headers.get("idempotency-hit") or []
    return values[0] if values else None


@check(kind="model")
def idempotent_replay(ex: Exchange, *, first: Remembered | None) -> None:
    """The same key and input replay the first answer with `Idempotency-Hit: true`; a first call has none.

    A replay has the first call's status and body (the transaction as first written)."""
    if first is None:
        if _hit(ex) is not None:
            raise Violation("a first call marked as a replay", expected="no Idempotency-Hit", actual=ex.describe())
        return
    problems = []
    if _hit(ex) != "true":
        problems.append(f"Idempotency-Hit {_hit(ex)!r}")
    if ex.status != first.status:
        problems.append(f"status {ex.status} (first {first.status})")
    elif _parsed(ex.response.content) != _parsed(first.body):
        problems.append("another body than the first call's")
    if problems:
        raise Violation(
            f"replay differs: {problems[0]}",
            expected=f"{first.status} with the first call's body and Idempotency-Hit: true",
            actual=f"{'; '.join(problems)}: {ex.describe()}",
            kind=problems[0].split(" (")[0].split(":")[0],
        )


def _parsed(content: bytes) -> Any:
    try:
        return json.loads(content) if content else None
    except ValueError:
        return content


@check(kind="model")
def failed_write_changes_nothing(ex: Exchange, *, what: str, expected: Any, actual: Any) -> None:
    """A refused write or a dry run changes nothing: balances, counts and the log read as before."""
    if expected != actual:
        raise Violation(
            f"a refused write or dry run changed {what}", expected=str(expected), actual=str(actual), kind=what
        )


@check(kind="model")
def stats_match_model(ex: Exchange, *, expected: dict[str, int]) -> None:
    """`stats` counts every transaction (reverts included) and every account (world and metadata-only ones)."""
    data = ex.data if isinstance(ex.data, dict) else {}
    shown = {key: data.get(key) for key in expected}
    if shown != expected:
        raise Violation("stats differ from the writes", expected=str(expected), actual=str(shown), kind="stats")
