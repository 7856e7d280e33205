"""A small client of the mock's wallets API and of the ledger behind it, for the wallets tests."""

from __future__ import annotations

from typing import Any

import httpx

WALLETS_LEDGER = "wallets-002"
USD = "USD/2"


def address(wallet_id: str, balance: str = "main") -> str:
    """The chart of accounts (formancehq/wallets ``pkg/chart.go``): dashes removed."""
    return f"wallets:{wallet_id}:{balance}".replace("-", "")


class Wallets:
    """``/api/wallets`` with a token, plus ``ledger`` (``/api/ledger``) and ``control`` (``/_mock``)."""

    def __init__(self, root: str, token: str) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        self.root = root
        self.api = httpx.Client(base_url=root + "/api/wallets", headers=headers, timeout=10)
        self.ledger = httpx.Client(base_url=root + "/api/ledger", headers=headers, timeout=10)
        self.control = httpx.Client(base_url=root + "/_mock", timeout=10)

    def __enter__(self) -> Wallets:
        return self

    def __exit__(self, *_: Any) -> None:
        for client in (self.api, self.ledger, self.control):
            client.close()

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.api.get(path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.api.post(path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.api.patch(path, **kwargs)

    # --- steps the tests repeat -----------------------------------------------------------
    def create(self, name: str = "alice", metadata: dict[str, str] | None = None) -> str:
        reply = self.post("/wallets", json={"name": name, "metadata": metadata or {}})
        assert reply.status_code == 201, reply.text
        return str(reply.json()["data"]["id"])

    def credit(
        self, wallet_id: str, amount: int, *, balance: str = "", headers: dict[str, str] | None = None, **extra: Any
    ) -> httpx.Response:
        body: dict[str, Any] = {"amount": {"asset": USD, "amount": amount}, **extra}
        if balance:
            body["balance"] = balance
        return self.post(f"/wallets/{wallet_id}/credit", json=body, headers=headers)

    def debit(
        self, wallet_id: str, amount: int, *, headers: dict[str, str] | None = None, **extra: Any
    ) -> httpx.Response:
        body = {"amount": {"asset": USD, "amount": amount}, **extra}
        return self.post(f"/wallets/{wallet_id}/debit", json=body, headers=headers)

    def balance(self, wallet_id: str, name: str = "main") -> int:
        reply = self.get(f"/wallets/{wallet_id}/balances/{name}")
        assert reply.status_code == 200, reply.text
        return int(reply.json()["data"]["assets"].get(USD, 0))

    def new_balance(self, wallet_id: str, name: str, **extra: Any) -> dict[str, Any]:
        reply = self.post(f"/wallets/{wallet_id}/balances", json={"name": name, **extra})
        assert reply.status_code == 201, reply.text
        return dict(reply.json()["data"])

    def account(self, address_: str) -> dict[str, Any]:
        """The ledger's account, with its volumes."""
        reply = self.ledger.get(f"/v2/{WALLETS_LEDGER}/accounts/{address_}", params={"expand": "volumes"})
        assert reply.status_code == 200, reply.text
        return dict(reply.json()["data"])

    def ledger_transactions(self) -> list[dict[str, Any]]:
        reply = self.ledger.get(f"/v2/{WALLETS_LEDGER}/transactions", params={"pageSize": 100})
        assert reply.status_code == 200, reply.text
        return list(reply.json()["cursor"]["data"])

    def advance(self, seconds: float) -> None:
        self.control.post("/clock/advance", json={"seconds": seconds}).raise_for_status()
