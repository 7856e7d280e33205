"""For random ledgers and random address filters, a walk of pages returns exactly the filtered
rows, each once, in order, forward and back. The expected set comes from the address rules as
the research notes state them (ledger-read.md 2.4), written here independently of the mock."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.ledger.service import LedgerService
from tests.ledger.conftest import ids, make_service, send

SEGMENT = st.sampled_from(["a", "b", "c"])
ADDRESS = st.lists(SEGMENT, min_size=1, max_size=3).map(":".join)
PATTERN = st.lists(st.sampled_from(["a", "b", "", "..."]), min_size=1, max_size=3).map(":".join)
POSTING = st.tuples(ADDRESS, ADDRESS)
FIELD = st.sampled_from(["account", "source", "destination"])


def partial(pattern: str) -> bool:
    parts = pattern.split(":")
    return "" in parts or parts[-1] == "..."


def on_transactions(pattern: str, address: str) -> bool:
    """Exact unless partial; partial: its non-empty segments in place and exactly its length,
    no length when it ends with "..." (which matches nothing itself)."""
    if not partial(pattern):
        return pattern == address
    wanted, got = pattern.split(":"), address.split(":")
    if wanted[-1] == "...":
        wanted = wanted[:-1]
    elif len(got) != len(wanted):
        return False
    return all(not seg or (i < len(got) and got[i] == seg) for i, seg in enumerate(wanted))


def on_accounts(pattern: str, address: str) -> bool:
    """Exact unless partial; partial: segments other than "" and "..." in place, exactly its
    length unless its last segment is empty."""
    if not partial(pattern):
        return pattern == address
    wanted, got = pattern.split(":"), address.split(":")
    if wanted[-1] != "" and len(got) != len(wanted):
        return False
    return all(seg in ("", "...") or (i < len(got) and got[i] == seg) for i, seg in enumerate(wanted))


def leaf_matches(field: str, pattern: str, postings: list[tuple[str, str]]) -> bool:
    sides = {"account": (0, 1), "source": (0,), "destination": (1,)}[field]
    return any(on_transactions(pattern, posting[side]) for posting in postings for side in sides)


FILTER = st.one_of(
    st.tuples(st.just("leaf"), FIELD, PATTERN),
    st.tuples(st.just("in"), FIELD, st.lists(ADDRESS, max_size=3)),
    st.tuples(st.just("or"), FIELD, PATTERN, FIELD, PATTERN),
    st.tuples(st.just("not"), FIELD, PATTERN),
)


def as_document(spec: tuple) -> dict[str, Any]:
    kind = spec[0]
    if kind == "leaf":
        return {"$match": {spec[1]: spec[2]}}
    if kind == "in":
        return {"$in": {spec[1]: spec[2]}}
    if kind == "or":
        return {"$or": [{"$match": {spec[1]: spec[2]}}, {"$like": {spec[3]: spec[4]}}]}
    return {"$not": {"$match": {spec[1]: spec[2]}}}


def expected(spec: tuple, postings: list[tuple[str, str]]) -> bool:
    kind = spec[0]
    if kind == "leaf":
        return leaf_matches(spec[1], spec[2], postings)
    if kind == "in":
        return any(leaf_matches(spec[1], address, postings) for address in spec[2])
    if kind == "or":
        return leaf_matches(spec[1], spec[2], postings) or leaf_matches(spec[3], spec[4], postings)
    return not leaf_matches(spec[1], spec[2], postings)


def walk(list_page: Any, first: dict[str, str], body: Any) -> tuple[list[list[Any]], list[list[Any]]]:
    """Every page forward from ``first``, then every page back from the last one."""
    page = list_page(first, body)
    forward = [ids(page)]
    while page["cursor"]["hasMore"]:
        page = list_page({"cursor": page["cursor"]["next"]}, None)
        forward.append(ids(page))
    backward = []
    while "previous" in page["cursor"]:
        page = list_page({"cursor": page["cursor"]["previous"]}, None)
        backward.append(ids(page))
    return forward, backward


@settings(derandomize=True, max_examples=80, deadline=None)
@given(
    transactions=st.lists(st.lists(POSTING, min_size=1, max_size=2), max_size=25),
    spec=FILTER,
    size=st.integers(min_value=1, max_value=6),
    ascending=st.booleans(),
)
def test_a_walk_of_transaction_pages_is_the_filtered_set(
    transactions: list[list[tuple[str, str]]], spec: tuple, size: int, ascending: bool
) -> None:
    svc: LedgerService = make_service()
    svc.create_ledger("main")
    for postings in transactions:
        send(svc, *[(source, destination, 1, "USD") for source, destination in postings])
    document = as_document(spec)
    if spec[0] == "in" and any(partial(address) for address in spec[2]):
        return  # a partial address in $in is refused (test_lists_resources)
    wanted = [i + 1 for i, postings in enumerate(transactions) if expected(spec, postings)]
    wanted = wanted if ascending else wanted[::-1]
    params = {"pageSize": str(size), "reverse": "true" if ascending else "false"}
    forward, backward = walk(lambda p, b: svc.list_transactions("main", p, b), params, document)
    assert [row for page in forward for row in page] == wanted
    assert all(len(page) == size for page in forward[:-1])
    assert backward == forward[-2::-1]
    assert svc.count_transactions("main", {}, document) == len(wanted)


@settings(derandomize=True, max_examples=60, deadline=None)
@given(
    addresses=st.lists(ADDRESS, max_size=20, unique=True),
    pattern=PATTERN,
    negate=st.booleans(),
    size=st.integers(min_value=1, max_value=5),
)
def test_a_walk_of_account_pages_is_the_filtered_set(
    addresses: list[str], pattern: str, negate: bool, size: int
) -> None:
    svc: LedgerService = make_service()
    svc.create_ledger("main")
    for address in addresses:
        svc.add_account_metadata("main", address, {"k": "v"})
    leaf = {"$match": {"address": pattern}}
    document = {"$not": leaf} if negate else leaf
    wanted = sorted(address for address in addresses if on_accounts(pattern, address) != negate)
    forward, backward = walk(lambda p, b: svc.list_accounts("main", p, b), {"pageSize": str(size)}, document)
    assert [row for page in forward for row in page] == wanted
    assert backward == forward[-2::-1]
