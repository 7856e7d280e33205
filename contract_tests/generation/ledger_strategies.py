"""Hypothesis generators for the ledger: postings among a handful of accounts, metadata, filters.

A small world on purpose: four accounts and two assets make balances run out, transfers chain through
earlier credits, and reverts meet spent funds, which is where a ledger's rules are tested. Addresses are
two lowercase segments (`users:alice`), so that byte order and any database collation sort them alike and
the partial address `users:` means the same on every resource. Metadata values carry `<`, `>` and `&` now
and then: the log hash covers them with Go's escapes.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from contract_tests.oracle.ledger_model import WORLD

__all__ = [
    "ACCOUNTS",
    "ASSETS",
    "METADATA_KEYS",
    "account_filters",
    "metadata_maps",
    "postings",
    "transaction_filters",
]

ACCOUNTS = ("users:alice", "users:bob", "users:carol", "bank:main")
ASSETS = ("USD/2", "EUR")
METADATA_KEYS = ("order", "channel", "note")
_VALUES = st.sampled_from(("ord-1", "ord-2", "web", "batch", "a<b&c>", "é"))


def metadata_maps(*, min_size: int = 0, max_size: int = 2) -> st.SearchStrategy[dict[str, str]]:
    return st.dictionaries(st.sampled_from(METADATA_KEYS), _VALUES, min_size=min_size, max_size=max_size)


@st.composite
def _posting(draw: st.DrawFn) -> dict[str, Any]:
    # Funding from world is likelier than spending to it, and spending draws smaller amounts, so that balances
    # build up and most transfers succeed (the `overdraw` rule refuses on purpose).
    source = draw(st.sampled_from((WORLD, WORLD, WORLD, WORLD, *ACCOUNTS)))
    destination = draw(st.sampled_from(tuple(a for a in (*ACCOUNTS, WORLD) if a != source)))
    amount = draw(st.integers(min_value=1, max_value=300 if source == WORLD else 60))
    return {"source": source, "destination": destination, "amount": amount, "asset": draw(st.sampled_from(ASSETS))}


def postings(*, max_size: int = 3) -> st.SearchStrategy[list[dict[str, Any]]]:
    return st.lists(_posting(), min_size=1, max_size=max_size)


def transaction_filters() -> st.SearchStrategy[dict[str, Any] | None]:
    """Filters whose meaning the model knows exactly (full addresses, exact metadata, the reverted flag)."""
    address = st.sampled_from((*ACCOUNTS, WORLD))
    return st.one_of(
        st.none(),
        address.map(lambda a: {"$match": {"account": a}}),
        address.map(lambda a: {"$match": {"source": a}}),
        address.map(lambda a: {"$match": {"destination": a}}),
        st.booleans().map(lambda b: {"$match": {"reverted": b}}),
        st.tuples(st.sampled_from(METADATA_KEYS), _VALUES).map(lambda kv: {"$match": {f"metadata[{kv[0]}]": kv[1]}}),
    )


def account_filters() -> st.SearchStrategy[dict[str, Any] | None]:
    return st.one_of(
        st.none(),
        st.sampled_from(("users:", "bank:", WORLD)).map(lambda a: {"$match": {"address": a}}),
        st.tuples(st.sampled_from(METADATA_KEYS), _VALUES).map(lambda kv: {"$match": {f"metadata[{kv[0]}]": kv[1]}}),
    )
