"""Helpers of the official-SDK ledger tests (test_official_sdk_ledger*.py): an SDK on a reset mock
with the ledger ``shop``, booking, reading back, and the SDK's ledger errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from formance_sdk_python import SDK
from formance_sdk_python.models import ledger as models
from formance_sdk_python.models import shared

from tests.support import RunningMock

LEDGER = "shop"


@contextmanager
def ledger_sdk(mock: RunningMock, client_id: str) -> Iterator[SDK]:
    """The SDK on ``mock``, reset, with the ledger ``shop`` created. The SDK caches its tokens per
    client id for the whole process, whatever the server: each mock gets a client id of its own."""
    httpx.post(mock.url + "/_mock/reset").raise_for_status()
    with SDK(server_url=mock.url, security=shared.Security(client_id=client_id, client_secret="s")) as client:
        client.ledger.v2.create_ledger(request={"ledger": LEDGER, "v2_create_ledger_request": {}})
        yield client


def posting(source: str, destination: str, amount: int, asset: str) -> dict[str, Any]:
    return {"source": source, "destination": destination, "amount": amount, "asset": asset}


def book(sdk: SDK, *postings: tuple[str, str, int, str], ledger: str = LEDGER, **extra: Any) -> models.V2Transaction:
    """Create one transaction of ``(source, destination, amount, asset)`` postings; return it as answered."""
    body = {"postings": [posting(*p) for p in postings], "metadata": {}, **extra}  # the SDK requires metadata
    reply = sdk.ledger.v2.create_transaction(request={"ledger": ledger, "v2_post_transaction": body})
    return reply.v2_create_transaction_response.data


def advance(mock: RunningMock, seconds: int) -> None:
    """Move the mock's manual clock, so that what is dated now differs from what came before."""
    httpx.post(mock.url + "/_mock/clock/advance", json={"seconds": seconds}).raise_for_status()


def transaction(sdk: SDK, tx_id: int, **params: Any) -> models.V2Transaction:
    reply = sdk.ledger.v2.get_transaction(request={"ledger": LEDGER, "id": tx_id, **params})
    return reply.v2_get_transaction_response.data


def account(sdk: SDK, address: str, **params: Any) -> models.V2Account:
    return sdk.ledger.v2.get_account(request={"ledger": LEDGER, "address": address, **params}).v2_account_response.data


def stats(sdk: SDK, ledger: str = LEDGER) -> tuple[int, int]:
    """The ledger's (transactions, accounts)."""
    found = sdk.ledger.v2.read_stats(request={"ledger": ledger}).v2_stats_response.data
    return found.transactions, found.accounts


def moves(tx: models.V2Transaction) -> list[tuple[str, str, int, str]]:
    return [(p.source, p.destination, p.amount, p.asset) for p in tx.postings]


def balances(volumes: dict[str, models.V2Volume]) -> dict[str, tuple[int, int, int]]:
    return {asset: (v.input, v.output, v.balance) for asset, v in volumes.items()}


def refused(call: Callable[[], Any], status: int, code: str) -> models.ErrorsV2ErrorResponseData:
    """Run ``call``; it must raise the SDK's ledger error with this status and ``errorCode``."""
    with pytest.raises(models.ErrorsV2ErrorResponse) as caught:
        call()
    assert caught.value.raw_response.status_code == status, caught.value.raw_response.text
    assert caught.value.data.error_code.value == code, caught.value.data
    return caught.value.data
