"""Response checks of the ledger: what one answer must say about itself, whatever the suite sent.

* `volumes_add_up`: every volume (`{input, output, balance}`) has `balance = input - output`;
* `commit_volumes_consistent`: a transaction's post-commit volumes are its pre-commit volumes plus its own
  postings, for exactly the accounts and assets its postings touch (spec: `V2Transaction`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from contract_tests.checks.registry import check
from contract_tests.core.errors import Violation
from contract_tests.oracle.ledger_model import postings_net

if TYPE_CHECKING:
    from contract_tests.transport.client import Exchange

__all__: list[str] = []

_VOLUME = frozenset({"input", "output", "balance"})
_PAIRS = (("postCommitVolumes", "preCommitVolumes"), ("postCommitEffectiveVolumes", "preCommitEffectiveVolumes"))


def _volumes(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if node.keys() >= _VOLUME:
            yield where, node
        for key, value in node.items():
            yield from _volumes(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _volumes(value, f"{where}[{index}]")


def _ledger_success(ex: Exchange) -> Any:
    if ex.operation.service != "ledger" or not 200 <= ex.status < 300:
        return None
    return ex.json()


@check(kind="response", service="ledger")
def volumes_add_up(ex: Exchange) -> None:
    """Every ledger volume in an answer has `balance = input - output`, and no negative input or output."""
    body = _ledger_success(ex)
    for where, volume in _volumes(body, "body"):
        numbers = [volume.get(k) for k in ("input", "output", "balance")]
        if not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers):
            continue  # the schema check reports a volume that is not made of integers
        given_in, given_out, balance = numbers
        if balance != given_in - given_out or given_in < 0 or given_out < 0:
            raise Violation(
                "a volume that does not add up",
                expected="balance = input - output, input and output >= 0",
                actual=f"{where} = {volume}",
                kind="balance != input - output",
            )


def _transactions(ex: Exchange) -> Iterator[dict[str, Any]]:
    """Every transaction a ledger answer carries: a write's, a read's, a list's, a bulk result's, a log's."""
    if _ledger_success(ex) is None:
        return
    data = ex.data
    for item in data if isinstance(data, list) else [data]:
        if not isinstance(item, dict):
            continue
        if "postings" in item:
            yield item
        inner = item.get("data")  # a bulk result's transaction, or a log's payload
        if isinstance(inner, dict):
            for candidate in (inner, *inner.values()):
                if isinstance(candidate, dict) and "postings" in candidate:
                    yield candidate


@check(kind="response", service="ledger")
def commit_volumes_consistent(ex: Exchange) -> None:
    """A transaction's post-commit volumes are its pre-commit volumes plus its postings, account by account."""
    for tx in _transactions(ex):
        net = postings_net(p for p in tx.get("postings") or [] if _well_formed(p))
        for post_key, pre_key in _PAIRS:
            post, pre = tx.get(post_key), tx.get(pre_key)
            if not isinstance(post, dict) or not isinstance(pre, dict):
                continue
            shown = {(a, s) for a, assets in post.items() if isinstance(assets, dict) for s in assets}
            if shown != set(net):
                raise Violation(
                    f"{post_key} of other accounts than the postings'",
                    expected=f"exactly {sorted(net)}",
                    actual=f"{sorted(shown)} in transaction {tx.get('id')}",
                    kind=f"{post_key} accounts",
                )
            for account, asset in sorted(net):
                after = (post.get(account) or {}).get(asset) or {}
                before = (pre.get(account) or {}).get(asset) or {}
                moved = _difference(after, before)
                if moved is not None and moved != net[(account, asset)]:
                    raise Violation(
                        f"{post_key} is not {pre_key} plus the postings",
                        expected=f"{account} {asset} balance moved by {net[(account, asset)]}",
                        actual=f"moved by {moved} (before {before}, after {after}) in transaction {tx.get('id')}",
                        kind=f"{post_key} - {pre_key}",
                    )


def _well_formed(posting: Any) -> bool:
    return (
        isinstance(posting, dict)
        and all(isinstance(posting.get(k), str) for k in ("source", "destination", "asset"))
        and isinstance(posting.get("amount"), int)
    )


def _difference(after: dict[str, Any], before: dict[str, Any]) -> int | None:
    a, b = after.get("balance"), before.get("balance")
    return a - b if isinstance(a, int) and isinstance(b, int) else None
