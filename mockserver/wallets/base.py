"""What every part of the wallets service shares: its ledger, its chart, its mode, and how a
refusal of the ledger becomes the wallets API's answer.

formancehq/wallets v2.1.5 answers every error of the ledger it did not expect with 500
``INTERNAL_ERROR`` and the Go error chain (``pkg/api/utils.go`` ``internalError``): a missing
account is ``<the SDK's error JSON>: account not found`` (``pkg/ledger_interface.go:227-238``), a
refused write ``creating transaction: <the SDK's error JSON>`` (``pkg/manager.go:314-327``).
``--quirks real`` answers exactly that. Spec mode answers what the spec and the next release
(v2.2.0, ``pkg/manager.go``, ``pkg/api/*``) answer instead: 404 for what does not exist, 400
``INSUFFICIENT_FUND`` for missing funds, 400 ``VALIDATION`` for any other write the ledger
refuses as the client's mistake.
"""

from __future__ import annotations

from typing import Any

from mockserver.core.bus import EventBus
from mockserver.core.clock import Clock
from mockserver.core.ids import IdSource
from mockserver.ledger.errors import LedgerError
from mockserver.wallets import errors
from mockserver.wallets.chart import Chart
from mockserver.wallets.errors import WalletsError
from mockserver.wallets.ledgerside import LedgerSide, sdk_text
from mockserver.wallets.paging import Page
from mockserver.wallets.requests import ACCOUNT, Subject

# What the SDK's error says of an account the ledger does not have (ledger v2.4.6: 404 NOT_FOUND).
MISSING_ACCOUNT = '{"errorCode":"NOT_FOUND","errorMessage":"not found"}: ' + errors.ACCOUNT_NOT_FOUND
WORLD = "world"


class WalletsBase:
    books: LedgerSide
    chart: Chart
    clock: Clock
    ids: IdSource
    bus: EventBus
    real: bool

    @property
    def ledger_name(self) -> str:
        return self.books.name

    def _missing(self, what: str, prefix: str = "") -> WalletsError:
        """An account the ledger does not have: 404 (spec mode), the release's 500 (real)."""
        if self.real:
            return errors.internal(prefix + MISSING_ACCOUNT)
        return errors.NotFoundEmpty(what)

    def _refused(self, exc: LedgerError, prefix: str) -> WalletsError:
        """A ledger error on a write or a list."""
        if self.real or exc.status >= 500:
            return errors.internal(prefix + sdk_text(exc))
        if exc.code == "INSUFFICIENT_FUND":
            return errors.insufficient_fund()
        return errors.validation(exc.message)

    def _subject_account(self, subject: Subject) -> str:
        """``Subject.getAccount``: the identifier of an account, the chart's address of a wallet's balance."""
        if subject.type == ACCOUNT:
            return subject.identifier
        if subject.balance:
            return self.chart.balance(subject.identifier, subject.balance)
        return self.chart.main(subject.identifier)

    def _book(self, body: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        """``Manager.CreateTransaction``: one transaction in the wallets' ledger."""
        try:
            return self.books.create_transaction(body, idempotency_key)
        except LedgerError as exc:
            raise self._refused(exc, "creating transaction: ") from None

    def _set_metadata(self, address: str, metadata: dict[str, str], idempotency_key: str = "") -> None:
        try:
            self.books.add_metadata(address, metadata, idempotency_key)
        except LedgerError as exc:
            raise self._refused(exc, "adding metadata to account: ") from None

    def _accounts(self, found: Page, filters: dict[str, str], volumes: bool = False) -> dict[str, Any]:
        """One page of accounts from the ledger (``mapAccountList``); its errors, unwrapped, are 500s
        (spec mode: a cursor the ledger refuses is 400)."""
        try:
            listed = self.books.accounts(filters, page_size=found.size, cursor=found.cursor, volumes=volumes)
        except LedgerError as exc:
            raise self._refused(exc, "") from None
        return listed["cursor"]

    def _every(self, filters: dict[str, str], volumes: bool = True) -> list[dict[str, Any]]:
        """``fetchAndMapAllAccounts``: every matching account, with volumes unless told otherwise."""
        try:
            return self.books.all_accounts(filters, volumes=volumes)
        except LedgerError as exc:
            raise self._refused(exc, "") from None

    def _read(self, address: str) -> dict[str, Any] | None:
        """An account with its volumes, None when the ledger has none there."""
        try:
            return self.books.account(address)
        except LedgerError as exc:
            raise errors.internal(sdk_text(exc)) from None
