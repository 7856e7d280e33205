"""What the ledger administration tests share: the app, an HTTP helper, the official SDK, and a
deep dump of a ledger book (every record and index, internal counters included)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from formance_sdk_python import SDK
from formance_sdk_python.models import shared
from starlette.testclient import TestClient

from mockserver.app import MockApp, create_app
from mockserver.config import Settings
from mockserver.ledger.book import LedgerBook
from mockserver.ledger.service import LedgerService

PREFIX = "/api/ledger/v2"
WORLD_TO = {"source": "world", "amount": 100, "asset": "USD"}


_APPS: dict[tuple[Any, ...], MockApp] = {}


def make_app(*, slot: str = "", **options: Any) -> MockApp:
    """An app with a manual clock, seeded ids and no auth, reset to a fresh state. Apps are
    built once per options (and ``slot``, for a test that needs two alike) and reused: building
    one costs more than most tests."""
    key = (slot, *sorted(options.items()))
    app = _APPS.get(key)
    if app is None:
        app = _APPS[key] = create_app(Settings(**{"clock": "manual", "seed": 1, "auth": False, **options}))
    else:
        app.backend.clear()
    return app


class Ledger:
    """The ledger API over a TestClient: ``post("/l1/transactions", json=...)`` under /api/ledger/v2."""

    def __init__(self, app: MockApp) -> None:
        self.app = app
        self.client = TestClient(app.asgi)

    @property
    def service(self) -> LedgerService:
        return self.app.backend.ledger

    def book(self, name: str) -> LedgerBook:
        return self.service.ledgers.books[name]

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.get(PREFIX + path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.post(PREFIX + path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.put(PREFIX + path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.delete(PREFIX + path, **kwargs)

    def create(self, name: str, **body: Any) -> None:
        reply = self.post(f"/{name}", json=body)
        assert reply.status_code == 204, reply.text

    def send(self, name: str, destination: str, amount: int = 100, *, source: str = "world", **extra: Any) -> dict:
        posting = {"source": source, "destination": destination, "amount": amount, "asset": "USD"}
        reply = self.post(f"/{name}/transactions", json={"metadata": {}, "postings": [posting], **extra})
        assert reply.status_code == 200, reply.text
        return reply.json()["data"]

    def events(self, app_name: str = "ledger") -> list[dict[str, Any]]:
        return self.app.backend.bus.recent(app=app_name)


def error(reply: httpx.Response, status: int, code: str) -> str:
    """Assert an Error-shaped answer; its message."""
    assert reply.status_code == status, reply.text
    body = reply.json()
    assert body["errorCode"] == code, body
    return str(body["errorMessage"])


@contextmanager
def sdk_for(app: MockApp) -> Iterator[SDK]:
    """The official SDK, its HTTP client being a TestClient on the app (no server, no token check)."""
    client = TestClient(app.asgi)
    with SDK(
        server_url="http://testserver",
        client=client,
        security=shared.Security(client_id="sdk", client_secret="secret"),
    ) as sdk:
        yield sdk


def book_state(book: LedgerBook) -> dict[str, Any]:
    """Everything a ledger book holds, as plain values: records, indexes, volume books move by
    move (insertion and effective order, with their running totals), logs with their bytes and
    hashes, idempotency keys, schemas and the internal counters."""
    accounts = {}
    for address, account in book.accounts.items():
        volumes = {}
        for asset, volume in account.volumes.items():
            volumes[asset] = (
                volume.input,
                volume.output,
                [(m.tx.id, m.seq, m.amount, m.is_input, m.input, m.output) for m in volume.moves],
                [(m.seq, m.eff_input, m.eff_output) for m in volume.by_effective],
            )
        accounts[address] = (
            account.first_usage,
            account.insertion_date,
            account.updated_at,
            dict(account.metadata),
            [(when, dict(m)) for when, m in account.metadata_history or ()],
            account.metadata_history is None,
            volumes,
        )
    transactions = {
        tx_id: (
            tx.postings,
            dict(tx.metadata),
            tx.timestamp,
            tx.inserted_at,
            tx.updated_at,
            tx.reference,
            tx.reverted_at,
            tx.template,
            [(when, dict(m)) for when, m in tx.metadata_history or ()],
            [m.seq for m in tx.moves],
        )
        for tx_id, tx in book.transactions.items()
    }
    logs = {
        log_id: (
            log.type,
            log.data,
            log.date,
            log.idempotency_key,
            log.idempotency_hash,
            base64.b64encode(log.hash).decode() if log.hash else None,
            log.schema_version,
        )
        for log_id, log in book.logs.items()
    }
    return {
        "accounts": accounts,
        "transactions": transactions,
        "tx_ids": list(book.tx_ids),
        "references": dict(book.references),
        "logs": logs,
        "log_ids": list(book.log_ids),
        "idempotency": {key: log.id for key, log in book.idempotency.items()},
        "by_account": {address: list(ids) for address, ids in book.by_account.items()},
        "schemas": list(book.schemas),
        "counters": (book.next_tx_id, book.next_log_id, book._seq, book._last_hash, book.info.state),
    }
