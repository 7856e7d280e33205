"""The suite's own model of a wallets service: what each wallet, balance and hold must hold after each call.

Independent of any implementation: it restates the contract (spec/wallets.v1.yaml) as arithmetic. A credit
adds to one balance; a debit takes from the balances it names in order (every balance for `["*"]`:
expiring first, earliest first, then by ascending priority, `main` last; expired ones skipped), each giving
what it holds until the amount is covered, or refuses the whole debit; a pending debit moves the money to
a hold; a confirmation pays part of what remains (final: the rest back to main); a void gives what remains
back to the balances the debit took it from, each at most what it gave, in order. The checks compare the
server's answers with these predictions, and three promises hold whatever the amounts: a wallet's balances
are its ledger accounts, a hold's `remaining` never grows, and confirming plus voiding never moves more
than was held.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["MAIN", "Balance", "Hold", "Refusal", "Wallet", "WalletsModel"]

MAIN = "main"


@dataclass
class Balance:
    name: str
    expires_at: datetime | None = None
    priority: int = 0
    assets: dict[str, int] = field(default_factory=dict)

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at < now


@dataclass
class Wallet:
    id: str
    name: str
    metadata: dict[str, str]
    balances: dict[str, Balance] = field(default_factory=lambda: {MAIN: Balance(MAIN)})


@dataclass
class Hold:
    id: str
    wallet: str
    asset: str
    original: int
    remaining: int
    # (balance, amount) each source gave, in posting order: where a void gives back to.
    sources: list[tuple[str, int]]
    confirmed: int = 0  # paid to the destination so far
    returned: int = 0  # given back to the wallet (void, or the rest of a final confirmation)


class Refusal(Exception):
    """What the contract says a call must be refused with: status and errorCode."""

    def __init__(self, status: int, code: str, why: str) -> None:
        super().__init__(why)
        self.status, self.code, self.why = status, code, why


def _spending_key(balance: Balance) -> tuple[object, ...]:
    if balance.name == MAIN:
        return (1,)
    if balance.expires_at is not None:
        return (0, 0, balance.expires_at)
    return (0, 1, balance.priority)


class WalletsModel:
    def __init__(self) -> None:
        self.wallets: dict[str, Wallet] = {}
        self.holds: dict[str, Hold] = {}

    def add_wallet(self, wallet_id: str, name: str, metadata: dict[str, str]) -> None:
        self.wallets[wallet_id] = Wallet(wallet_id, name, dict(metadata))

    def add_balance(self, wallet_id: str, name: str, expires_at: datetime | None, priority: int) -> None:
        balances = self.wallets[wallet_id].balances
        if name == MAIN or name in balances:
            raise Refusal(400, "VALIDATION", f"balance {name} exists already")
        balances[name] = Balance(name, expires_at, priority)

    def assets(self, wallet_id: str, balance: str = MAIN) -> dict[str, int]:
        return dict(self.wallets[wallet_id].balances[balance].assets)

    def credit(self, wallet_id: str, asset: str, amount: int, balance: str = MAIN) -> None:
        balances = self.wallets[wallet_id].balances
        if balance not in balances:
            raise Refusal(400, "VALIDATION", f"no balance {balance}")
        held = balances[balance].assets
        held[asset] = held.get(asset, 0) + amount

    def plan(self, wallet_id: str, asset: str, amount: int, names: list[str], now: datetime) -> list[tuple[str, int]]:
        """(balance, amount taken) of a debit, in order; a Refusal when the contract refuses it."""
        balances = self.wallets[wallet_id].balances
        if names == ["*"]:
            chosen = sorted(balances.values(), key=_spending_key)
        elif "*" in names:
            raise Refusal(400, "VALIDATION", "`*` with other balances")
        else:
            if any(name not in balances for name in names):
                raise Refusal(400, "VALIDATION", "a balance that does not exist")
            if len(set(names)) < len(names):
                raise Refusal(400, "VALIDATION", "a balance named twice")
            chosen = [balances[name] for name in (names or [MAIN])]
        live = [b for b in chosen if not b.expired(now)]
        if not live:
            raise Refusal(400, "INSUFFICIENT_FUND", "every balance named is expired")
        taken, left = [], amount
        for balance in live:
            give = min(left, max(balance.assets.get(asset, 0), 0))
            taken.append((balance.name, give))
            left -= give
            if left == 0:
                break
        if left > 0:
            raise Refusal(400, "INSUFFICIENT_FUND", f"the balances hold less than {amount} {asset}")
        return taken

    def debit(self, wallet_id: str, asset: str, amount: int, names: list[str], now: datetime) -> list[tuple[str, int]]:
        taken = self.plan(wallet_id, asset, amount, names, now)
        balances = self.wallets[wallet_id].balances
        for name, give in taken:
            balances[name].assets[asset] = balances[name].assets.get(asset, 0) - give
        return taken

    def hold(self, hold_id: str, wallet_id: str, asset: str, amount: int, taken: list[tuple[str, int]]) -> None:
        self.holds[hold_id] = Hold(hold_id, wallet_id, asset, amount, amount, taken)

    def confirm(self, hold_id: str, amount: int, final: bool) -> int:
        """Pay `amount` (0: what remains) of a hold; returns what went back to main. A Refusal as the contract says."""
        hold = self.holds[hold_id]
        if hold.remaining == 0:
            raise Refusal(400, "HOLD_CLOSED", "nothing remains on the hold")
        paid = abs(amount) or hold.remaining
        if paid > hold.remaining:
            raise Refusal(400, "INSUFFICIENT_FUND", "more than remains on the hold")
        hold.remaining -= paid
        hold.confirmed += paid
        back = 0
        if final:
            back, hold.remaining = hold.remaining, 0
            hold.returned += back
            self.credit(hold.wallet, hold.asset, back)
        return back

    def void(self, hold_id: str) -> None:
        hold = self.holds[hold_id]
        if hold.remaining == 0:
            raise Refusal(400, "HOLD_CLOSED", "nothing remains on the hold")
        left = hold.remaining
        for name, gave in hold.sources:
            back = min(left, gave)
            if back:
                self.credit(hold.wallet, hold.asset, back, name)
            left -= back
        hold.returned += hold.remaining - left
        hold.remaining = left  # beyond what the sources gave stays on the hold ("remaining kept")

    def held(self, wallet_id: str, asset: str) -> int:
        return sum(h.remaining for h in self.holds.values() if h.wallet == wallet_id and h.asset == asset)
