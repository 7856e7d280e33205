"""Postings: the checks the release makes on them, its funds rule, and the script it runs.

formancehq/ledger v2.4.6 validates postings in order, first failure wins (``internal/posting.go``),
then turns them into a Numscript program (``internal/controller/ledger/numscript.go``) that its
machine runs: ``world`` is unbounded, every other source needs a non-negative running balance
covering the amount at that point of the transaction (an earlier posting of the same transaction
may fund a later one; an account already below zero contributes nothing), and ``force`` lets
every source go below zero. The generated script matters beyond execution: it is what the
idempotency hash is computed over.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from typing import Any

from mockserver.ledger.errors import WRAP, insufficient_fund, validation
from mockserver.ledger.model import WORLD, Posting

ADDRESS = re.compile(r"^[a-zA-Z0-9_-]+(:[a-zA-Z0-9_-]+)*$")
ASSET = re.compile(r"^[A-Z][A-Z0-9]{0,16}(_[A-Z]{1,16})?(/\d{1,6})?$")


def parse_postings(raw: Any) -> tuple[Posting, ...]:
    """The request's postings, checked as ``Postings.Validate`` does (400 VALIDATION)."""
    if not isinstance(raw, list):
        raise validation("json: cannot unmarshal postings: expected an array")
    out = []
    for item in raw:
        if not isinstance(item, dict):
            raise validation("json: cannot unmarshal posting: expected an object")
        amount = item.get("amount")
        if amount is None:
            raise validation("no amount defined")
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise validation(f'math/big: cannot unmarshal "{amount}" into a *big.Int')
        if amount < 0:
            raise validation("negative amount")
        source, destination, asset = item.get("source"), item.get("destination"), item.get("asset")
        if not isinstance(source, str) or not ADDRESS.match(source):
            raise validation("invalid source address")
        if not isinstance(destination, str) or not ADDRESS.match(destination):
            raise validation("invalid destination address")
        if not isinstance(asset, str) or not ASSET.match(asset):
            raise validation("invalid asset")
        # Interned: a ledger holds the same few addresses and assets in every posting.
        out.append(Posting(sys.intern(source), sys.intern(destination), amount, sys.intern(asset)))
    return tuple(out)


def check_funds(postings: Iterable[Posting], balance: Callable[[str, str], int], *, force: bool) -> None:
    """INSUFFICIENT_FUND unless every source can pay, as the machine runs the postings."""
    running: dict[tuple[str, str], int] = {}
    for posting in postings:
        source = (posting.source, posting.asset)
        before = running[source] if source in running else balance(*source)
        if posting.source != WORLD and not force and posting.amount > max(before, 0):
            raise insufficient_fund(
                f"{WRAP}failed to execute program: failed to execute machine: "
                f"account(s) @{posting.source} had/have insufficient funds"
            )
        running[source] = before - posting.amount
        target = (posting.destination, posting.asset)
        running[target] = (running[target] if target in running else balance(*target)) + posting.amount


def as_script(postings: Iterable[Posting], *, force: bool) -> tuple[str, dict[str, str]]:
    """The program and variables the release generates for postings (``TxToScriptData``)."""
    postings = tuple(postings)
    accounts: dict[str, str] = {}
    monetaries: dict[tuple[int, str], str] = {}
    for posting in postings:
        source, destination = posting.source, posting.destination
        if source != WORLD and source not in accounts:
            accounts[source] = f"va{len(accounts)}"
        if destination != WORLD and destination not in accounts:
            accounts[destination] = f"va{len(accounts)}"
        key = (posting.amount, posting.asset)
        if key not in monetaries:
            monetaries[key] = f"vm{len(monetaries)}"
    overdraft = " allowing unbounded overdraft" if force else ""
    lines = ["vars {"]
    lines += [f"\taccount ${name}" for name in sorted(accounts.values())]
    lines += [f"\tmonetary ${name}" for name in sorted(monetaries.values())]
    lines.append("}")
    for posting in postings:
        source = (
            "\tsource = @world" if posting.source == WORLD else f"\tsource = ${accounts[posting.source]}{overdraft}"
        )
        destination = (
            "\tdestination = @world"
            if posting.destination == WORLD
            else f"\tdestination = ${accounts[posting.destination]}"
        )
        lines += (f"send ${monetaries[posting.amount, posting.asset]} (", source, destination, ")")
    variables = {name: address for address, name in accounts.items()}
    for (amount, asset), name in monetaries.items():
        variables[name] = f"{asset} {amount}"
    return "\n".join(lines) + "\n", variables
