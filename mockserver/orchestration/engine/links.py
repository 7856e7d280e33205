"""Documents behind ``link(event, "rel")``: what a link's ``uri`` reads as, offline.

The real service GETs the uri with the stack's credentials and returns the ``data``
object. The mock makes **no outbound HTTP** by default, on purpose: it must work offline
(CI, laptops on a plane) and give the same answer on every run, and a mock that calls
whatever URL a payload names would be a request-forgery vector. Instead a uri resolves to:

1. a document registered for that exact uri (``register``; fixtures' ``links`` section);
2. otherwise, when its path is one the simulated stack serves, the bank's own record:
   ``/api/ledger/v2/{ledger}/accounts/{address}`` (also ``/api/ledger/{ledger}/…``),
   ``/api/payments/v3/payments/{id}`` (also ``/api/payments/payments/{id}``) and
   ``/api/wallets/wallets/{id}``;
3. otherwise nothing, which ``link`` reports as ``unexpected status code when reading
   resource: 404`` — a retryable error in the real trigger pipeline.

A caller that wants real HTTP can pass its own resolver to ``Engine(link_resolver=…)``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote, urlsplit

from mockserver.errors import MockError
from mockserver.orchestration.engine.bank import Bank

_LEDGER_ACCOUNT = re.compile(r"^/api/ledger(?:/v2)?/([^/]+)/accounts/([^/]+)/?$")
_PAYMENT = re.compile(r"^/api/payments(?:/v3)?/payments/([^/]+)/?$")
_WALLET = re.compile(r"^/api/wallets/wallets/([^/]+)/?$")


class LinkDocuments:
    """The default resolver: registered documents first, then the bank's records."""

    def __init__(self, bank: Bank) -> None:
        self._bank = bank
        self._documents: dict[str, dict[str, Any]] = {}

    def register(self, uri: str, data: dict[str, Any]) -> None:
        self._documents[uri] = data

    def clear(self) -> None:
        self._documents.clear()

    def __call__(self, uri: str) -> dict[str, Any] | None:
        if uri in self._documents:
            return self._documents[uri]
        path = urlsplit(uri).path
        if match := _LEDGER_ACCOUNT.match(path):
            try:  # the ledger API's account, as a link to it would read it
                return self._bank.ledger.get_account(
                    unquote(match.group(1)), unquote(match.group(2)), expand=("volumes",)
                )
            except MockError:
                return None
        if match := _PAYMENT.match(path):
            return self._bank.payment_book.items.get(unquote(match.group(1)))
        if match := _WALLET.match(path):
            try:  # the wallets API's wallet, as a link to it would read it
                return self._bank.wallet_service.get_wallet(unquote(match.group(1)))
            except MockError:
                return None
        return None
