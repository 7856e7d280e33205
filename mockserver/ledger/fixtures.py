"""Fixture documents' ``ledgers`` section: ledgers, opening balances, account metadata, transactions.

    ledgers:
      default:                       # created when missing (bucket, metadata, features optional)
        metadata: {team: payments}
        accounts:
          users:1: {balances: {USD/2: 1000}, metadata: {tier: gold}}
        transactions:                # booked in order, as POST /v2/{ledger}/transactions would
          - postings: [{source: users:1, destination: shop, amount: 250, asset: USD/2}]
            metadata: {order: o-1}

Balances need moves in a real ledger, so they are booked as one opening transaction per ledger
(``world`` to each account, in the order given) before the transactions. Everything goes through
the service's own writes, so logs, hashes and volumes are the ones the API shows. A recorded ledger
(``orchestration-mock record --ledgers``) carries ``logs``, its exported log, imported first as the
release imports an export: ids, instants and hashes come back as recorded. Events are not
published (a fixture declares a state, it does not replay its history). A load is all or nothing:
any refusal restores the ledgers as they were and says where the fixture is wrong.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from mockserver.core.timefmt import parse_rfc3339
from mockserver.errors import MockError, ValidationError
from mockserver.ledger.gojson import dumps as json_bytes
from mockserver.ledger.model import WORLD
from mockserver.ledger.pipeline import Pipeline
from mockserver.ledger.postings import ADDRESS, ASSET


class LedgerFixtures(Pipeline):
    def load(self, section: Any) -> None:
        """Seed from a fixture's ``ledgers`` section (checked whole before anything changes)."""
        planned = _plan(section)
        kept = copy.deepcopy(self.ledgers)
        try:
            with self.bus.muted():
                for name, spec in planned.items():
                    self._seed(name, spec)
        except MockError as exc:
            self.ledgers = kept
            raise ValidationError(f"ledgers: {exc.message}") from None

    def _seed(self, name: str, spec: dict[str, Any]) -> None:
        if name not in self.ledgers.books:
            settings = {k: spec[k] for k in ("bucket", "metadata", "features") if k in spec}
            self.ledgers.create(name, settings, _instant(spec.get("addedAt")) or self.clock.now())
        elif spec.get("metadata"):
            self.ledgers.update_metadata(name, spec["metadata"])
        if spec.get("logs"):  # a recorded ledger: its history, imported as the release imports an export
            try:
                stream = b"\n".join(json_bytes(log) for log in spec["logs"])  # the export's own format
                self.import_logs(name, stream)  # type: ignore[attr-defined]
            except MockError as exc:
                raise ValidationError(f"{name}: logs: {exc.code}: {exc.message}") from None
        accounts = spec.get("accounts") or {}
        opening = [
            {"source": WORLD, "destination": address, "amount": amount, "asset": asset}
            for address, account in accounts.items()
            for asset, amount in (account.get("balances") or {}).items()
            if amount
        ]
        if opening:
            self._book(name, {"postings": opening, "metadata": {}}, "the opening balances")
        for address, account in accounts.items():
            if account.get("metadata"):
                self.add_account_metadata(name, address, account["metadata"])  # type: ignore[attr-defined]
        for index, transaction in enumerate(spec.get("transactions") or []):
            self._book(name, transaction, f"transactions[{index}]")

    def _book(self, name: str, body: dict[str, Any], what: str) -> None:
        try:
            self.create_transaction(name, body)  # type: ignore[attr-defined]
        except MockError as exc:
            raise ValidationError(f"{name}: {what}: {exc.code}: {exc.message}") from None


def _plan(section: Any) -> dict[str, dict[str, Any]]:
    """The section's shape checked (types, addresses, assets, amounts); the ledger's own rules
    (funds, references, names) are checked as it is booked."""
    if section is None:
        return {}
    if not isinstance(section, dict):
        raise ValidationError("ledgers: expected an object of ledger name -> ledger")
    for name, spec in section.items():
        where = f"ledgers.{name}"
        if spec is None:
            section[name] = spec = {}
        if not isinstance(spec, dict):
            raise ValidationError(f"{where}: expected an object")
        accounts = spec.get("accounts") or {}
        if not isinstance(accounts, dict):
            raise ValidationError(f"{where}.accounts: expected an object")
        for address, account in accounts.items():
            _check_account(f"{where}.accounts.{address}", address, account)
        if not isinstance(spec.get("transactions") or [], list):
            raise ValidationError(f"{where}.transactions: expected an array")
        if not isinstance(spec.get("logs") or [], list):
            raise ValidationError(f"{where}.logs: expected an array (a recorded ledger's exported logs)")
    return section


def _check_account(where: str, address: str, account: Any) -> None:
    if not ADDRESS.match(address):
        raise ValidationError(f"{where}: invalid account address")
    if address == WORLD:
        raise ValidationError(f"{where}: world cannot be seeded, it funds the other accounts")
    if account is not None and not isinstance(account, dict):
        raise ValidationError(f"{where}: expected an object")
    account = account or {}
    balances = account.get("balances") or {}
    if not isinstance(balances, dict):
        raise ValidationError(f"{where}.balances: expected an object of asset -> integer")
    for asset, amount in balances.items():
        if not ASSET.match(str(asset)):
            raise ValidationError(f"{where}.balances: invalid asset '{asset}'")
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            raise ValidationError(f"{where}.balances.{asset}: expected a non-negative integer")
    metadata = account.get("metadata") or {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise ValidationError(f"{where}.metadata: expected a map of strings")


def _instant(value: Any) -> datetime | None:
    """A recorded ``addedAt`` (RFC 3339), kept as the ledger's creation instant."""
    if value is None:
        return None
    try:
        return parse_rfc3339(str(value))
    except ValueError:
        raise ValidationError(f"ledgers: addedAt: expected an RFC 3339 date, got {value!r}") from None
