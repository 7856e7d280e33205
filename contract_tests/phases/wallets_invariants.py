"""The wallets' invariants phase: fixed, deterministic scenarios, each on wallets of its own.

Each drives `WalletActions` (which predicts every answer with the suite's model, and reads the ledger the
wallets are when it can) through one family of the contract's promises: wallets, credits and debits and the
funds rule, the order `["*"]` spends balances in, holds (partial, final, void, closed), unknown ids, pages.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from contract_tests.phases.wallets_actions import WalletActions

__all__ = ["WALLETS_SCENARIOS", "WalletsScenario"]

USD = "USD/2"
FUTURE = datetime(2999, 1, 1, tzinfo=UTC)  # far enough that no run sees it pass
PAST = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class WalletsScenario:
    name: str
    run: Callable[[WalletActions], None]


WALLETS_SCENARIOS: list[WalletsScenario] = []


def scenario(fn: Callable[[WalletActions], None]) -> Callable[[WalletActions], None]:
    WALLETS_SCENARIOS.append(WalletsScenario(fn.__name__, fn))
    return fn


def _wallet(a: WalletActions, **kwargs: object) -> str:
    wallet_id = a.new_wallet(**kwargs)  # type: ignore[arg-type]
    if wallet_id is None:
        raise RuntimeError("the wallet the scenario needs could not be created")
    return wallet_id


@scenario
def server_info(a: WalletActions) -> None:
    ex = a.api.call("getServerInfo", identity=None)
    a.api.apply("valid_request_accepted", ex, expected=200, why="read /_info without a token")


@scenario
def wallet_lifecycle(a: WalletActions) -> None:
    wallet_id = _wallet(a, metadata={"tier": "silver"})
    ex = a.api.call("updateWallet", path={"id": wallet_id}, body={"metadata": {"tier": "gold"}})
    a.api.apply("valid_request_accepted", ex, expected=204, why="merge a wallet's metadata")
    read = a.api.call("getWallet", path={"id": wallet_id})
    if a.api.apply("valid_request_accepted", read, expected=200, why="read a wallet"):
        wanted = {"metadata": {"contract": a.nonce, "tier": "gold"}}
        a.api.apply("read_matches_created", read, created=wanted, fields=("metadata",))
    a.lists(wallet_id)


@scenario
def credits_debits_and_the_funds_rule(a: WalletActions) -> None:
    wallet_id = _wallet(a)
    a.credit(wallet_id, 1_000, USD)
    a.credit(wallet_id, 250, USD, key=f"credit-{a.nonce}")
    a.credit(wallet_id, 250, USD, key=f"credit-{a.nonce}", replay=True)  # the same key and request: not again
    a.debit(wallet_id, 300, USD)
    a.debit(wallet_id, 5_000, USD)  # more than main holds: refused, nothing moves
    a.debit(wallet_id, 950, USD)
    a.debit(wallet_id, 1, USD)  # empty now


@scenario
def every_balance_is_spent_in_the_contracts_order(a: WalletActions) -> None:
    wallet_id = _wallet(a)
    a.new_balance(wallet_id, "coupon", expires_at=FUTURE)
    a.new_balance(wallet_id, "promo", priority=5)
    a.new_balance(wallet_id, "side", priority=1)
    a.new_balance(wallet_id, "old", expires_at=PAST)  # expired: never spent
    a.new_balance(wallet_id, "side")  # exists: refused
    for name in ("main", "coupon", "promo", "side", "old"):
        a.credit(wallet_id, 100, USD, balance=name)
    a.debit(wallet_id, 250, USD, balances=["*"])  # coupon 100, side 100, promo 50
    a.debit(wallet_id, 1, USD, balances=["*", "main"])  # refused: `*` stands alone
    a.debit(wallet_id, 1, USD, balances=[f"none-{uuid.uuid4().hex[:6]}"])  # refused: no such balance
    a.debit(wallet_id, 120, USD, balances=["promo", "main"])  # promo 50, main 70
    a.debit(wallet_id, 10, USD, balances=["old"])  # refused: every balance named is expired


@scenario
def holds_confirm_void_and_close(a: WalletActions) -> None:
    wallet_id = _wallet(a)
    a.new_balance(wallet_id, "gifts", priority=1)
    a.credit(wallet_id, 200, USD, balance="gifts")
    a.credit(wallet_id, 500, USD)
    hold = a.debit(wallet_id, 400, USD, balances=["gifts", "main"], pending=True)
    if hold is None:
        return
    a.confirm(hold, 100)
    a.confirm(hold, 1_000)  # more than remains: refused
    a.void(hold)  # 300 back: gifts its 200, main the rest
    a.confirm(hold)  # closed
    a.void(hold)  # closed
    other = a.debit(wallet_id, 150, USD, pending=True)
    if other is not None:
        a.confirm(other, 50, final=True)  # 100 back to main at once
        a.void(other)  # closed
    a.lists(wallet_id)


@scenario
def unknown_ids_are_not_found(a: WalletActions) -> None:
    unknown = str(uuid.uuid4())
    for operation, path in (
        ("getWallet", {"id": unknown}),
        ("getHold", {"holdID": unknown}),
        ("getBalance", {"id": unknown, "balanceName": "main"}),
        ("voidHold", {"hold_id": unknown}),
    ):
        ex = a.api.call(operation, path=path)
        a.api.apply("unknown_resource_not_found", ex, expected=404, why=f"{operation} of an id no run made")


@scenario
def pages_walk_every_wallet(a: WalletActions) -> None:
    made = [_wallet(a, name=f"paged-{a.nonce}") for _ in range(6)]
    listed = a.api.list_all("listWallets", query={"name": f"paged-{a.nonce}"})
    if a.api.apply("valid_request_accepted", listed, expected=200, why="walk the wallets of one name"):
        a.api.apply("list_contains_created", listed, present=made)
