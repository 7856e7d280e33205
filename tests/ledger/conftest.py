"""A ledger service on a manual clock, and a few helpers to book transactions on it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
import pytest

from mockserver.core.bus import EventBus
from mockserver.core.clock import ManualClock
from mockserver.ledger.service import LedgerService

Book = Callable[..., dict[str, Any]]


def make_service(*, real: bool = False) -> LedgerService:
    return LedgerService(clock=ManualClock(), bus=EventBus(), real_quirks=real)


@pytest.fixture
def service() -> LedgerService:
    svc = make_service()
    svc.create_ledger("main")
    return svc


@pytest.fixture
def real_service() -> LedgerService:
    svc = make_service(real=True)
    svc.create_ledger("main")
    return svc


def send(
    svc: LedgerService,
    *postings: tuple[str, str, int, str],
    ledger: str = "main",
    **extra: Any,
) -> dict[str, Any]:
    """Book ``(source, destination, amount, asset)`` postings (forced: no funds needed)."""
    body = {
        "postings": [{"source": s, "destination": d, "amount": a, "asset": asset} for s, d, a, asset in postings],
        **extra,
    }
    return svc.create_transaction(ledger, body, force=True).payload  # type: ignore[return-value]


def wire(answer: dict[str, Any]) -> dict[str, Any]:
    """An answer as a client reads it (logs embed their stored JSON as ``orjson.Fragment``)."""
    return orjson.loads(orjson.dumps(answer))


def ids(page: dict[str, Any]) -> list[Any]:
    """The ids (or addresses) of a list page's rows."""
    rows = page["cursor"]["data"]
    return [row.get("id", row.get("address", row.get("account"))) for row in rows]


T0 = "2025-01-01T00:00:00Z"


def at(seconds: int) -> str:
    """The instant ``seconds`` after the manual clock's start, as a filter writes it."""
    from datetime import timedelta

    from mockserver.core.clock import MANUAL_EPOCH
    from mockserver.core.timefmt import rfc3339

    return rfc3339(MANUAL_EPOCH + timedelta(seconds=seconds))


@pytest.fixture
def shop(service: LedgerService) -> LedgerService:
    """Seven transactions a minute apart (the sixth back-dated an hour before the first, the
    seventh reverting the third), metadata on a transaction and two accounts:

    1 world -> users:alice 100 USD (r1, kind=deposit)     5 world -> users:alice:savings 10 EUR
    2 world -> users:bob 50 USD (kind=deposit, flag=x)     6 shop:main -> world 5 USD (at -1h)
    3 users:alice -> shop:main 30 USD (order-1, order)     7 revert of 3
    4 users:bob -> shop:main:sub 20 USD
    """
    svc = service
    send(svc, ("world", "users:alice", 100, "USD"), reference="r1", metadata={"kind": "deposit"})
    svc.clock.advance(60)
    send(svc, ("world", "users:bob", 50, "USD"), metadata={"kind": "deposit"})
    svc.clock.advance(60)
    send(svc, ("users:alice", "shop:main", 30, "USD"), reference="order-1", metadata={"kind": "order"})
    svc.clock.advance(60)
    send(svc, ("users:bob", "shop:main:sub", 20, "USD"))
    svc.clock.advance(60)
    send(svc, ("world", "users:alice:savings", 10, "EUR"))
    svc.clock.advance(60)
    send(svc, ("shop:main", "world", 5, "USD"), timestamp=at(-3600))
    svc.clock.advance(60)
    svc.revert_transaction("main", 3, force=True)
    svc.clock.advance(60)
    svc.add_transaction_metadata("main", 2, {"flag": "x"})
    svc.clock.advance(60)
    svc.add_account_metadata("main", "users:alice", {"tier": "gold"})
    svc.add_account_metadata("main", "ghost:1", {"tier": "none"})
    return svc
