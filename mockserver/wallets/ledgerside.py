"""The wallets service's calls to the ledger, each the one the release makes over HTTP.

formancehq/wallets v2.1.5 talks to ledger v2 through the Go SDK (``pkg/ledger_interface.go``):
get a ledger and create it when missing (at start-up), get an account with its volumes, list
accounts or transactions with a ``$and`` of ``$match`` filters (or a cursor alone), add account
metadata, create a transaction from a script. Here each is the ledger service's own public
method (``mockserver/ledger/service.py``), called as a client of its API would call it, so what
the wallets service writes is what ``/api/ledger`` shows and publishes. Errors are the ledger's
(``LedgerError``); ``sdk_text`` renders one as the Go SDK's ``V2ErrorResponse.Error()`` does,
which is how the release's 500 messages quote them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockserver.ledger import gojson
from mockserver.ledger.errors import LedgerError
from mockserver.ledger.service import LedgerService

ALL_PAGE_SIZE = 100  # pkg/manager.go: maxPageSize, the pages fetchAndMapAllAccounts walks
MISSING_LEDGER = frozenset({"LEDGER_NOT_FOUND"})


def sdk_text(exc: LedgerError) -> str:
    """``V2ErrorResponse.Error()`` of formance-sdk-go v3.4.1: its JSON (details, code, message)."""
    shown: dict[str, Any] = {}
    if exc.details:
        shown["details"] = exc.details
    shown["errorCode"] = exc.code
    shown["errorMessage"] = exc.message
    return gojson.dumps(shown).decode("utf-8")


def match_all(conditions: Mapping[str, str]) -> dict[str, Any] | None:
    """go-libs ``query.And(query.Match(k, v)...)`` as JSON; None without conditions (no body).
    The release ranges over a Go map (random order); the mock sorts, which the ledger ignores."""
    if not conditions:
        return None
    return {"$and": [{"$match": {key: value}} for key, value in sorted(conditions.items())]}


def metadata_filter(metadata: Mapping[str, str]) -> dict[str, str]:
    return {f"metadata[{key}]": value for key, value in metadata.items()}


def empty_cursor() -> dict[str, Any]:
    return {"cursor": {"pageSize": 15, "hasMore": False, "data": []}}


class LedgerSide:
    """The calls of one wallets service on its ledger (the release's ``--ledger`` flag)."""

    def __init__(self, ledger: LedgerService, name: str) -> None:
        self.service = ledger
        self.name = name

    def ensure(self) -> None:
        """``EnsureLedgerExists``: get the ledger, create it (bucket = its name) when it is not found.
        The release does it once at start-up; the mock on a write's first need, so that a fresh
        stack's ledger list does not change until a wallet is written."""
        try:
            self.service.get_ledger(self.name)
        except LedgerError as exc:
            if exc.status != 404:
                raise
            self.service.create_ledger(self.name, {"bucket": self.name})

    def account(self, address: str) -> dict[str, Any] | None:
        """``GET /v2/{ledger}/accounts/{address}?expand=volumes``; None when the ledger answers
        404 (the account, or the whole ledger, which the release would have created at start-up)."""
        try:
            return self.service.get_account(self.name, address, expand=("volumes",))
        except LedgerError as exc:
            if exc.status == 404:
                return None
            raise

    def accounts(
        self, metadata: Mapping[str, str], *, page_size: int = 15, cursor: str = "", volumes: bool = False
    ) -> dict[str, Any]:
        """``GET /v2/{ledger}/accounts``: a first page filtered on metadata, or the cursor's page."""
        if cursor:
            params: dict[str, Any] = {"cursor": cursor}
            body = None
        else:
            params = {"pageSize": str(page_size)}
            if volumes:
                params["expand"] = "volumes"
            body = match_all(metadata_filter(metadata))
        return self._listed(lambda: self.service.list_accounts(self.name, params, body))

    def all_accounts(self, metadata: Mapping[str, str], *, volumes: bool = False) -> list[dict[str, Any]]:
        """``fetchAndMapAllAccounts``: every page of 100, following ``next``."""
        page = self.accounts(metadata, page_size=ALL_PAGE_SIZE, volumes=volumes)["cursor"]
        found = list(page["data"])
        while page.get("next"):
            page = self.accounts(metadata, cursor=page["next"])["cursor"]
            found += page["data"]
        return found

    def transactions(self, conditions: Mapping[str, str], *, page_size: int = 0, cursor: str = "") -> dict[str, Any]:
        """``GET /v2/{ledger}/transactions``: a first page filtered on ``$match`` conditions, or the cursor's."""
        if cursor:
            params: dict[str, Any] = {"cursor": cursor}
            body = None
        else:
            params, body = {"pageSize": str(page_size)}, match_all(conditions)
        return self._listed(lambda: self.service.list_transactions(self.name, params, body))

    def _listed(self, read: Any) -> dict[str, Any]:
        try:
            return read()
        except LedgerError as exc:
            if exc.code in MISSING_LEDGER:
                return empty_cursor()
            raise

    def create_transaction(self, body: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        """``POST /v2/{ledger}/transactions`` with the request's ``Idempotency-Key`` ("" for none)."""
        self.ensure()
        written = self.service.create_transaction(self.name, body, idempotency_key=idempotency_key or None)
        assert written.payload is not None
        return written.payload

    def add_metadata(self, address: str, metadata: Mapping[str, str], idempotency_key: str = "") -> None:
        """``POST /v2/{ledger}/accounts/{address}/metadata``."""
        self.ensure()
        self.service.add_account_metadata(self.name, address, dict(metadata), idempotency_key=idempotency_key or None)
