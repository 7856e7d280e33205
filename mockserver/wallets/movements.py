"""Money in and out of a wallet: credit, and debit (immediate, or pending as a hold).

Each is one ledger transaction written with the release's Numscript (``scripts.py``), its
metadata ``wallets/transaction: "true"`` plus the client's, its ``reference`` when not empty,
its ``timestamp`` when given, and the request's ``Idempotency-Key`` (formancehq/wallets v2.1.5
``pkg/manager.go`` ``Credit``, ``Debit``; ``pkg/credit.go``, ``pkg/debit.go``).

Sources of a debit: ``main`` when ``balances`` is empty (nothing read); every balance of the
wallet for exactly ``["*"]``, spent in ``Balances.Less`` order (expiring ones first, earliest
first, then the lowest priority, ``main`` last); any other list naming ``*`` is 400
``invalid balance specified``; else each named balance, read from the ledger, in the order given.
Balances expired now are left out; a balance named twice (one account twice in the source block,
which the ledger refuses to compile) is 400 ``invalid balance specified`` in spec mode, v2.1.5's 500
with ``--quirks real``. The ledger takes from each source in turn (a source visited
before the amount is covered gives a 0 posting) and refuses the whole debit when they do not
cover it.
"""

from __future__ import annotations

from typing import Any

from mockserver.core.timefmt import rfc3339
from mockserver.wallets import errors, keys, records, requests, scripts
from mockserver.wallets.base import MISSING_ACCOUNT, WORLD, WalletsBase
from mockserver.wallets.chart import MAIN
from mockserver.wallets.godecode import empty_body_message
from mockserver.wallets.records import ZERO_TIME

_ZERO = records.parse_time(ZERO_TIME)


class MoveOps(WalletsBase):
    def credit_wallet(
        self, wallet_id: str, body: Any = None, *, idempotency_key: str = "", content_type: str | None = None
    ) -> None:
        """``POST /wallets/{id}/credit``: 204. ``amount`` to ``balance`` (``main`` by default) from
        the ``sources`` in order (``world`` when none). The wallet is not looked up: crediting an
        unknown id makes its main account, which is still no wallet."""
        if body is None:
            raise errors.validation(empty_body_message(content_type))
        request = requests.credit(body, self.real)
        destination = self.chart.main(wallet_id)
        if request.balance:
            account = self._read(self.chart.balance(wallet_id, request.balance))
            if account is None and self.real:
                raise errors.internal(MISSING_ACCOUNT)
            if not records.is_balance(account):
                raise errors.validation(errors.BALANCE_NOT_EXISTS)
            destination = self.chart.balance(wallet_id, request.balance)
        sources = [self._subject_account(s) for s in request.sources] or [WORLD]
        script = {"plain": scripts.credit(sources), "vars": _vars(destination, request.asset, request.amount)}
        self._book(_transaction(script, request.metadata, request.reference, request.timestamp), idempotency_key)

    def debit_wallet(
        self, wallet_id: str, body: Any = None, *, idempotency_key: str = "", content_type: str | None = None
    ) -> dict[str, Any] | None:
        """``POST /wallets/{id}/debit``: 204, or with ``pending`` 201 and the hold (its account
        typed by the script's ``set_account_meta`` lines, its money moved there)."""
        if body is None:
            raise errors.validation(empty_body_message(content_type))
        request = requests.debit(body, self.real)
        if request.pending and request.timestamp is not None:
            raise requests.refused("timestamp cannot be specified using pending debit", self.real)
        target = self._subject_account(request.target)
        hold, hold_metadata = None, None
        if request.pending:
            hold = {
                "id": self.ids.uuid(),
                "walletID": wallet_id,
                "destination": request.target.as_json(),
                "asset": request.asset,
                "metadata": dict(request.metadata or {}),
                "description": request.description,
            }
            hold_account = self.chart.hold(hold["id"])
            hold_metadata = {hold_account: self._hold_metadata(hold, request.target, target)}
            target = hold_account
        sources = self._sources(wallet_id, request.balances)
        if not sources and not self.real:
            raise errors.insufficient_fund()  # v2.1.5 books an empty source block, which fails (a 500)
        script = {"plain": scripts.debit(sources, hold_metadata), "vars": _vars(target, request.asset, request.amount)}
        self._book(_transaction(script, request.metadata, request.reference, request.timestamp), idempotency_key)
        return hold

    def _hold_metadata(self, hold: dict[str, Any], subject: requests.Subject, destination: str) -> dict[str, str]:
        return keys.hold_metadata(
            hold_id=hold["id"],
            wallet_id=hold["walletID"],
            asset=hold["asset"],
            description=hold["description"],
            subject={"type": subject.type, "identifier": subject.identifier, "balance": subject.balance},
            destination=destination,
            void_destination=self.chart.main(hold["walletID"]),
            custom=hold["metadata"],
        )

    def _sources(self, wallet_id: str, names: list[str]) -> list[str]:
        """The accounts a debit takes from, in order, expired balances left out."""
        if not names:
            return [self.chart.balance(wallet_id, MAIN)]
        if names == ["*"]:
            filters = {keys.IS_BALANCE: keys.TRUE, keys.WALLET_ID: wallet_id}
            accounts = sorted(self._every(filters, volumes=False), key=records.spending_order)
        elif "*" in names:
            raise errors.validation(errors.INVALID_BALANCE_SPECIFIED)
        else:
            accounts = [self._named_balance(wallet_id, name) for name in names]
        now = self.clock.now()
        sources = []
        for account in accounts:
            expires = records.expiry(account)
            if expires is not None and expires != _ZERO and expires < now:
                continue
            name = (account.get("metadata") or {}).get(keys.BALANCE_NAME, "")
            sources.append(self.chart.balance(wallet_id, name))
        if len(set(sources)) < len(sources) and not self.real:
            # One account twice in a source block is a script the ledger refuses to compile (v2.1.5: a 500).
            raise errors.validation(errors.INVALID_BALANCE_SPECIFIED)
        return sources

    def _named_balance(self, wallet_id: str, name: str) -> dict[str, Any]:
        """A balance a debit names: v2.1.5 reads its account and fails with a 500 when there is
        none; spec mode answers 400 ``balance not exists`` (as a credit does) for a missing
        account and for one that is no balance."""
        account = self._read(self.chart.balance(wallet_id, name))
        if self.real:
            if account is None:
                raise errors.internal(MISSING_ACCOUNT)
            return account
        if not records.is_balance(account):
            raise errors.validation(errors.BALANCE_NOT_EXISTS)
        assert account is not None
        return account


def _vars(destination: str, asset: str, amount: int) -> dict[str, str]:
    return {"destination": destination, "amount": f"{asset} {amount}"}


def _transaction(
    script: dict[str, Any], metadata: dict[str, str] | None, reference: str, timestamp: Any
) -> dict[str, Any]:
    """The ``V2PostTransaction`` the release sends: script, metadata, reference and timestamp when set."""
    body: dict[str, Any] = {"script": script, "metadata": keys.transaction_metadata(metadata)}
    if reference:
        body["reference"] = reference
    if timestamp is not None:
        body["timestamp"] = rfc3339(timestamp)
    return body
