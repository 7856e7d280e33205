"""What every page of a cursor walk must keep of the request that started it, per list operation: which
query parameters and body filters select items (and how to tell on an item), which expansions each item must
carry, and the documented order. Data, read by `page_holds_walk`; a list or a parameter is one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["PAGE_RULES", "PageRules", "body_filter_holds"]

Keep = Callable[[dict[str, Any], Any], bool]  # (item, the parameter's value) -> whether the item may be listed


def _truthy(value: Any) -> bool:
    return str(value).lower() == "true"


@dataclass(frozen=True)
class PageRules:
    # query parameter -> the test an item passes when the parameter has that value
    filters: dict[str, Keep] = field(default_factory=dict)
    # `expand` value -> the field each item then carries
    expansions: dict[str, str] = field(default_factory=dict)
    # the documented order: the item field, descending or not, and the query flag that turns it around
    order: tuple[str, bool, str] | None = None
    # the body's `$match` filter is judged on each item (the ledger's filters are bodies)
    body_filter: Callable[[dict[str, Any], str, Any], bool | None] | None = None
    # the answer's `pageSize` echoes the request's own parameter (its default when a cursor comes alone),
    # not the walk's: only the number of items on a cursor page is held to the walk
    size_echoes_request: bool = False


def _tx_match(item: dict[str, Any], name: str, value: Any) -> bool | None:
    postings = [p for p in item.get("postings") or [] if isinstance(p, dict)]
    if name == "account":
        return any(value in (p.get("source"), p.get("destination")) for p in postings)
    if name in ("source", "destination"):
        return any(p.get(name) == value for p in postings)
    if name == "reverted":
        return item.get("reverted") is value
    if name.startswith("metadata["):
        return (item.get("metadata") or {}).get(name[len("metadata[") : -1]) == value
    return None  # a filter this table does not understand: not judged


def _account_match(item: dict[str, Any], name: str, value: Any) -> bool | None:
    if name == "address" and isinstance(value, str):
        wanted, segments = value.split(":"), str(item.get("address", "")).split(":")
        if wanted[-1] and len(wanted) != len(segments):
            return False
        return all(not part or (i < len(segments) and segments[i] == part) for i, part in enumerate(wanted))
    if name.startswith("metadata["):
        return (item.get("metadata") or {}).get(name[len("metadata[") : -1]) == value
    return None


def body_filter_holds(rules: PageRules, item: dict[str, Any], body: Any) -> bool:
    """Whether an item passes the walk's `{"$match": {field: value}}` body (anything else is not judged)."""
    match = body.get("$match") if isinstance(body, dict) else None
    if rules.body_filter is None or not isinstance(match, dict) or len(match) != 1:
        return True
    ((name, value),) = match.items()
    return rules.body_filter(item, name, value) is not False


PAGE_RULES: dict[str, PageRules] = {
    # orchestration v2 (no documented order: pages are held to the whole list read at once instead)
    "listInstances": PageRules(
        filters={
            "workflowID": lambda item, value: item.get("workflowID") == value,
            "running": lambda item, value: not _truthy(value) or item.get("terminated") is False,
        }
    ),
    "listTriggers": PageRules(
        filters={"name": lambda item, value: str(value).lower() in str(item.get("name", "")).lower()}
    ),
    "listWorkflows": PageRules(),
    "listTriggersOccurrences": PageRules(),
    # ledger v2
    "listTransactions": PageRules(
        expansions={"volumes": "postCommitVolumes"}, order=("id", True, "reverse"), body_filter=_tx_match
    ),
    # `volumes` is expanded only on accounts with moves (spec V2Account): the model's volume checks judge it.
    "listAccounts": PageRules(order=("address", False, ""), body_filter=_account_match),
    "listLogs": PageRules(order=("id", True, "")),
    "getVolumesWithBalances": PageRules(),
    "listLedgers": PageRules(),
    "listSchemas": PageRules(),
    # wallets v1: v2.1.5 answers the pageSize it parsed from the request, 15 for a cursor alone, while the
    # ledger behind it keeps the walk's size in the cursor (formancehq/wallets pkg/api/utils.go, cursor pages)
    "listWallets": PageRules(size_echoes_request=True),
    "listBalances": PageRules(size_echoes_request=True),
    "getHolds": PageRules(size_echoes_request=True),
    "getTransactions": PageRules(size_echoes_request=True),
}
