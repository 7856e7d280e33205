"""Holds: read, list, confirm, void (formancehq/wallets v2.1.5 ``pkg/manager.go`` ``GetHold``,
``ListHolds``, ``ConfirmHold``, ``VoidHold``; ``pkg/hold.go``).

A hold is the account ``wallets:holds:<id>`` a pending debit moved the money to, typed
``wallets.hold``. What entered it is its ``originalAmount``, what is still there its
``remaining``; it is closed once nothing remains. Confirming sends some or all of what remains
to the debit's destination (``final``: the rest back to the wallet's **main** balance); voiding
sends everything that remains back to the balances the debit took it from, each at most what it
gave, in the order of the debit's postings. Neither is possible on a closed hold (400
``HOLD_CLOSED``). Both book without client metadata.
"""

from __future__ import annotations

from typing import Any

from mockserver.ledger.errors import LedgerError
from mockserver.wallets import errors, keys, paging, records, requests, scripts
from mockserver.wallets.base import MISSING_ACCOUNT, WalletsBase
from mockserver.wallets.ledgerside import sdk_text
from mockserver.wallets.paging import Query


class HoldOps(WalletsBase):
    def get_hold(self, hold_id: str) -> dict[str, Any]:
        """``GET /holds/{id}``: the hold with ``originalAmount`` and ``remaining``. v2.1.5 answers
        500 for a hold that does not exist (and fails on an account that is no hold); spec mode 404."""
        account = self._read(self.chart.hold(hold_id))
        if account is None:
            raise self._missing(errors.HOLD_NOT_FOUND)
        if not self.real and not records.is_hold(account):
            raise errors.NotFoundEmpty(errors.HOLD_NOT_FOUND)
        return records.expanded_hold(account)

    def list_holds(self, query: Query | None = None) -> dict[str, Any]:
        """``GET /holds``: every hold (closed ones too), or a wallet's (``walletID`` exactly as the
        debit's URL named it), ``metadata[k]=v`` on the debit's metadata; by address, no amounts."""
        query = query or {}
        found = paging.page(query, self.real)
        filters = {keys.SPEC_TYPE: keys.HOLD, **keys.encode_custom(paging.metadata_filters(query))}
        if paging.first(query, "walletID"):
            filters[keys.HOLD_WALLET_ID] = paging.first(query, "walletID")
        listed = self._accounts(found, filters)
        return paging.envelope(found, listed, [records.hold(a) for a in listed["data"]])

    def _open_hold(self, hold_id: str, prefix: str) -> dict[str, Any]:
        """The hold's account, read for a confirm or a void: 404 when it is no hold, 400
        ``HOLD_CLOSED`` when nothing remains on it."""
        account = self._read(self.chart.hold(hold_id))
        if account is None:
            raise self._missing(errors.HOLD_NOT_FOUND, prefix)
        if not records.is_hold(account):
            raise errors.NotFoundEmpty(errors.HOLD_NOT_FOUND)
        hold = records.expanded_hold(account)
        if not hold["remaining"]:
            raise errors.hold_closed()
        return hold

    def confirm_hold(self, hold_id: str, body: Any = None, *, idempotency_key: str = "") -> None:
        """``POST /holds/{id}/confirm``: 204. ``amount`` 0 or absent confirms what remains; more
        than remains is 400 ``INSUFFICIENT_FUND``. The release reads the amount as an unsigned
        number: a negative one confirms its absolute value."""
        request = requests.confirmation(body)
        hold = self._open_hold(hold_id, "getting account: ")
        remaining = hold["remaining"]
        amount = remaining
        if request.amount:
            amount = abs(request.amount)
            if amount > remaining:
                raise errors.insufficient_fund()
        subject = hold["destination"]
        destination = self._subject_account(
            requests.Subject(subject["type"], subject["identifier"], subject.get("balance", ""))
        )
        variables = {"hold": self.chart.hold(hold_id), "amount": f"{hold['asset']} {amount}", "dest": destination}
        if request.final:
            variables["void_destination"] = self.chart.main(hold["walletID"])
        script = {"plain": scripts.confirm(request.final, hold["asset"]), "vars": variables}
        self._book({"script": script, "metadata": keys.transaction_metadata()}, idempotency_key)

    def void_hold(self, hold_id: str, *, idempotency_key: str = "") -> None:
        """``POST /holds/{id}/void``: 204. The pending debit is found as the one transaction whose
        destination is the hold: none is 404 in spec mode (v2.1.5: 500 ``expected 1 transaction,
        got 0``)."""
        address = self.chart.hold(hold_id)
        try:
            booked = self.books.transactions({"destination": address})["cursor"]["data"]
        except LedgerError as exc:
            raise errors.internal(f"retrieving original transaction: {sdk_text(exc)}") from None
        if not booked and not self.real:
            raise errors.NotFoundEmpty(errors.HOLD_NOT_FOUND)
        if len(booked) != 1:
            raise errors.internal(f"expected 1 transaction, got {len(booked)}")
        account = self._read(address)
        if account is None:
            raise errors.internal("getting account: " + MISSING_ACCOUNT)
        if not self.real and not records.is_hold(account):
            raise errors.NotFoundEmpty(errors.HOLD_NOT_FOUND)
        hold = records.expanded_hold(account) if records.is_hold(account) else _untyped(account)
        if not hold["remaining"]:
            raise errors.hold_closed()
        script = {"plain": scripts.cancel(hold["asset"], booked[0]["postings"]), "vars": {"hold": address}}
        self._book({"script": script, "metadata": keys.transaction_metadata()}, idempotency_key)


def _untyped(account: dict[str, Any]) -> dict[str, Any]:
    """What v2.1.5 reads as a hold from an account that is none (no asset: nothing remains)."""
    asset = (account.get("metadata") or {}).get(keys.HOLD_ASSET, "")
    volume = (account.get("volumes") or {}).get(asset)
    return {"asset": asset, "remaining": volume["input"] - volume["output"] if volume else None}
