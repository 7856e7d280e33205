"""A fixture document's ``wallets`` section, seeded through the service's own writes.

    wallets:
      - id: 6a2b1c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d   # optional: drawn from the id source
        name: alice-main                           # required, not empty
        ledger: wallets-002                        # optional: must be the service's ledger
        metadata: {owner: alice}                   # optional: the client's metadata
        createdAt: "2024-05-02T10:00:00Z"          # optional: now
        balances: {main: {EUR/2: 25000}, coupons: {EUR/2: 500}}

Each wallet is written as ``POST /wallets`` writes one (with its own id and date), each balance
but ``main`` as ``POST /wallets/{id}/balances`` does (no expiry, priority 0), and its amounts as
one opening transaction from ``world`` marked ``wallets/transaction`` (as credits are, so
``GET /transactions`` lists it), the way the ledger's own fixtures book opening balances; events
are not published (a fixture declares a state). The section is checked whole before anything is
written. One stack has one wallets service and so one wallets
ledger: a wallet naming another ledger is refused (start the mock with ``--wallets-ledger``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mockserver.core.timefmt import parse_rfc3339
from mockserver.errors import MockError, ValidationError
from mockserver.ledger.system import check_name
from mockserver.wallets import keys, records
from mockserver.wallets.base import WORLD, WalletsBase
from mockserver.wallets.chart import MAIN
from mockserver.wallets.requests import ADDRESS, ASSET, BALANCE_NAME


@dataclass(frozen=True, slots=True)
class Seed:
    id: str
    name: str
    metadata: dict[str, str]
    created_at: datetime | None
    balances: dict[str, dict[str, int]]


class WalletFixtures(WalletsBase):
    def check_fixture(self, section: Any) -> list[Seed]:
        """The ``wallets`` section, checked whole (a ValidationError says where it is wrong)."""
        if section is None:
            return []
        if not isinstance(section, list):
            raise ValidationError("wallets: expected an array")
        seeds: list[Seed] = []
        seen: set[str] = set()
        for number, entry in enumerate(section):
            seed = self._seed(entry, f"wallets[{number}]")
            address = self.chart.main(seed.id)
            if address in seen or records.is_primary(self._read(address)):
                raise ValidationError(f"wallet {seed.id}: duplicate id")
            seen.add(address)
            seeds.append(seed)
        return seeds

    def _seed(self, doc: Any, where: str) -> Seed:
        if not isinstance(doc, dict):
            raise ValidationError(f"{where}: expected an object")
        name = doc.get("name")
        if not isinstance(name, str) or not name:
            raise ValidationError(f"{where}.name: a non-empty string is required")
        wallet_id = doc.get("id") or self.ids.uuid()
        ledger = doc.get("ledger") or self.ledger_name
        if not isinstance(wallet_id, str) or not isinstance(ledger, str):
            raise ValidationError(f"{where}: id and ledger must be strings")
        try:
            check_name(ledger)
        except MockError as exc:
            raise ValidationError(f"{where}.ledger: {exc.message}") from None
        if ledger != self.ledger_name:
            raise ValidationError(
                f"{where}.ledger: the wallets service keeps every wallet in its ledger '{self.ledger_name}' "
                f"(choose it with --wallets-ledger), not '{ledger}'"
            )
        created = None
        if doc.get("createdAt"):
            try:
                created = parse_rfc3339(str(doc["createdAt"]))
            except ValueError:
                raise ValidationError(f"{where}.createdAt: expected an RFC 3339 date") from None
        metadata = doc.get("metadata") or {}
        if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
            raise ValidationError(f"{where}.metadata: expected a map of strings")
        balances = doc.get("balances") or {}
        if not isinstance(balances, dict):
            raise ValidationError(f"{where}.balances: expected an object")
        checked = {str(b): _assets(a, f"{where}.balances.{b}") for b, a in balances.items()}
        for balance in checked:
            address = self.chart.balance(wallet_id, balance)
            if not ADDRESS.match(address) or not BALANCE_NAME.search(balance):
                raise ValidationError(f"{where}.balances.{balance}: invalid ledger account '{address}'")
        return Seed(wallet_id, name, {str(k): v for k, v in metadata.items()}, created, checked)

    def load_fixture(self, seeds: list[Seed]) -> None:
        """Write checked wallets, balances and amounts, publishing nothing."""
        with self.bus.muted():
            for seed in seeds:
                self._new_wallet(seed.id, seed.name, seed.metadata, seed.created_at or self.clock.now())
                postings = []
                for balance, amounts in seed.balances.items():
                    address = self.chart.balance(seed.id, balance)
                    if balance != MAIN and not records.is_balance(self._read(address)):
                        self._set_metadata(address, keys.balance_metadata(seed.id, balance, "", 0))
                    postings += [
                        {"source": WORLD, "destination": address, "amount": amount, "asset": asset}
                        for asset, amount in amounts.items()
                        if amount
                    ]
                if postings:
                    self._book({"postings": postings, "metadata": keys.transaction_metadata()}, "")


def _assets(value: Any, where: str) -> dict[str, int]:
    if not isinstance(value, dict):
        raise ValidationError(f"{where}: expected an object of asset -> integer")
    for asset, amount in value.items():
        if not isinstance(asset, str) or not ASSET.match(asset):
            raise ValidationError(f"{where}: invalid asset: '{asset}'")
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise ValidationError(f"{where}.{asset}: expected an integer")
        if amount < 0:
            raise ValidationError(f"{where}.{asset}: balances cannot be negative")
    return dict(value)
