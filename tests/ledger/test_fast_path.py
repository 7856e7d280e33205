"""The gateway's fast path answers the ledger API exactly as Connexion does.

As in tests/test_fast_path.py: an ignored query parameter sends the same request through
Connexion, and a reset replays ids and dates (manual clock, fixed seed), so one scenario played
twice, once each way, must give the same bytes at every step. The ledger's name (`minLength: 1`),
a transaction id (an integer in its plain spelling), booleans with a default (`dryRun`, `force`,
`reverse`), patterned strings (`cursor`, `sort`) and an optional filter body left out are read on
the fast path; an `Idempotency-Key` (whose length Connexion checks), another spelling of an id or
a boolean, a `pit` and a filter body go to Connexion.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from orchestration_spec import LEDGER_SPEC

from mockserver.http.fastpath import FastRoutes
from mockserver.stack import spec
from tests.support import RunningMock, token_for

Answer = tuple[int, list[tuple[str, str]], bytes]
Send = Callable[..., httpx.Response]


def _postings(source: str, destination: str, amount: int) -> dict[str, Any]:
    return {"postings": [{"source": source, "destination": destination, "amount": amount, "asset": "USD/2"}]}


def scenario(send: Send) -> list[Answer]:
    answers: list[httpx.Response] = []

    def call(method: str, path: str, **kwargs: Any) -> httpx.Response:
        answers.append(send(method, f"/v2{path}", **kwargs))
        return answers[-1]

    call("POST", "/fast")
    two = {
        "postings": [
            {"source": "world", "destination": "users:1", "amount": 100, "asset": "USD/2"},
            {"source": "users:1", "destination": "shop", "amount": 60, "asset": "USD/2"},
        ],
        "metadata": {"order": "o-1"},
    }
    call("POST", "/fast/transactions", json=two)
    call("POST", "/fast/transactions", json={**two, "reference": "r1"})
    call("POST", "/fast/transactions", json={**two, "reference": "r1"})  # 409
    call("POST", "/fast/transactions", json=_postings("users:2", "shop", 10))  # 400 insufficient funds
    call("POST", "/fast/transactions", params={"force": "true"}, json=_postings("users:2", "shop", 10))
    call("POST", "/fast/transactions", params={"dryRun": "true"}, json=two)
    call("POST", "/fast/transactions", params={"dryRun": "yes"}, json=two)  # Connexion's 400 both ways
    call("POST", "/fast/transactions", params={"schemaVersion": "v9"}, json=two)
    call("POST", "/fast/transactions", json={"postings": [{"source": "world"}]})
    call("POST", "/fast/transactions", json={"script": {"plain": "send [USD/2 5] (source = @world destination = @a)"}})
    call("POST", "/fast/transactions", headers={"Idempotency-Key": "k1"}, json=two)
    call("POST", "/fast/transactions", headers={"Idempotency-Key": "k1"}, json=two)
    call("POST", "/fast/transactions", headers={"Idempotency-Key": "k" * 300}, json=two)
    call("POST", "/nope/transactions", json=two)
    for tx in ("1", "2", "3", "999", "01", "-1", "x"):
        call("GET", f"/fast/transactions/{tx}")
    call("GET", "/fast/transactions/2", params={"expand": "volumes"})
    call("GET", "/fast/transactions/2", params={"expand": "volumes,effectiveVolumes"})
    call("GET", "/fast/transactions/2", params={"pit": "2020-01-01T00:00:00Z"})
    call("POST", "/fast/transactions/2/metadata", json={"k": "v"})
    call("DELETE", "/fast/transactions/2/metadata/k")
    call("POST", "/fast/transactions/1/revert", params={"force": "true"})
    call("POST", "/fast/transactions/1/revert")
    for params in ({}, {"pageSize": "2"}, {"pageSize": "0"}, {"pageSize": "02"}, {"reverse": "true"}):
        call("GET", "/fast/transactions", params=params)
    call("GET", "/fast/transactions", params={"sort": "id:asc", "pageSize": "3"})
    call("GET", "/fast/transactions", params={"sort": "nope"})
    call("GET", "/fast/transactions", params={"expand": "volumes", "pageSize": "2"})
    call("GET", "/fast/transactions", params={"order": "effective"})
    call("GET", "/fast/transactions", content=b'{"$match": {"account": "shop"}}')
    page = call("GET", "/fast/transactions", params={"pageSize": "2"}).json()["cursor"]
    while page.get("next"):
        page = call("GET", "/fast/transactions", params={"cursor": page["next"]}).json()["cursor"]
    call("GET", "/fast/transactions", params={"cursor": page["previous"]})
    call("GET", "/fast/transactions", params={"cursor": "not a cursor"})
    call("GET", "/fast/accounts", params={"pageSize": "2", "expand": "volumes"})
    call("GET", "/fast/accounts/users:1", params={"expand": "volumes"})
    call("GET", "/fast/logs", params={"pageSize": "3"})
    call("GET", "/fast/stats")
    call("GET", "/fast")
    call("GET", "/nope/transactions")
    return [(a.status_code, sorted((k, v) for k, v in a.headers.items() if k != "date"), a.content) for a in answers]


def _both_ways(server: RunningMock) -> tuple[list[Answer], list[Answer]]:
    headers = {"Authorization": f"Bearer {token_for(server.url)}"}
    with httpx.Client(base_url=server.url + "/api/ledger", headers=headers, timeout=10) as client:

        def fast(method: str, path: str, **kwargs: Any) -> httpx.Response:
            return client.request(method, path, **kwargs)

        def through_connexion(
            method: str, path: str, params: dict[str, str] | None = None, **kw: Any
        ) -> httpx.Response:
            return client.request(method, path, params={**(params or {}), "unused": "1"}, **kw)

        httpx.post(server.url + "/_mock/reset").raise_for_status()
        quick = scenario(fast)
        httpx.post(server.url + "/_mock/reset").raise_for_status()
        return quick, scenario(through_connexion)


@pytest.mark.parametrize("mode", ["spec", "real"])
def test_the_ledger_answers_on_the_fast_path_as_connexion_does(request: pytest.FixtureRequest, mode: str) -> None:
    server: RunningMock = request.getfixturevalue("mock_server" if mode == "spec" else "real_server")
    fast, slow = _both_ways(server)
    assert {status for status, _, _ in fast} >= {200, 201, 204, 400, 404, 409}
    for step, (quick, connexion) in enumerate(zip(fast, slow, strict=True)):
        assert quick == connexion, f"step {step}"


def test_the_ledgers_hot_operations_take_the_fast_path() -> None:
    async def handler(**_: Any) -> tuple[Any, int]:
        return None, 204

    document = spec(LEDGER_SPEC)
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values() if isinstance(op, dict)]
    routes = FastRoutes()
    routes.add(document, dict.fromkeys(ids, handler), "/api/ledger")
    found = routes.match("POST", "/api/ledger/v2/main/transactions")
    assert found is not None and found[0].operation_id == "v2CreateTransaction"
    assert found[0].checked_headers == {b"idempotency-key"}
    found = routes.match("GET", "/api/ledger/v2/main/transactions")
    assert found is not None and found[0].operation_id == "v2ListTransactions" and found[0].absent_body is not None
    assert found[0].absent_body() is None  # the filter is nullable: Connexion passes None
    found = routes.match("GET", "/api/ledger/v2/main/transactions/12")
    assert found is not None and found[1] == {"ledger": "main", "id_": 12}
    assert routes.match("GET", "/api/ledger/v2/main/transactions/012") is None
    assert routes.match("GET", "/api/ledger/v2/main/transactions/+1") is None
    operation = found[0]
    assert operation.query_arguments(b"expand=volumes") == {"expand": "volumes"}
    listing = routes.match("GET", "/api/ledger/v2/main/transactions")
    assert listing is not None
    assert listing[0].query_arguments(b"cursor=abc_-9") == {"cursor": "abc_-9", "page_size": 15, "reverse": False}
    assert listing[0].query_arguments(b"cursor=a%2Bb") is None  # outside its pattern: Connexion's 400
    assert listing[0].query_arguments(b"sort=id:desc")["sort"] == "id:desc"  # type: ignore[index]
    assert listing[0].query_arguments(b"sort=nope") is None


def test_the_ledgers_hot_requests_do_not_reach_connexion_and_the_rest_do() -> None:
    """Guards the comparison above: without a fast path both runs would go through Connexion."""
    import asyncio

    from mockserver.app import create_app
    from mockserver.config import Settings

    mock = create_app(Settings(clock="manual", auth=False, access_log=False))
    gateway = mock.asgi
    connexion = gateway.app
    reached: list[str] = []

    async def spy(scope: Any, receive: Any, send: Any) -> None:
        reached.append(f"{scope['method']} {scope['path']}?{scope['query_string'].decode()}")
        await connexion(scope, receive, send)

    gateway.app = spy
    two = {
        "postings": [
            {"source": "world", "destination": "users:1", "amount": 100, "asset": "USD/2"},
            {"source": "users:1", "destination": "shop", "amount": 100, "asset": "USD/2"},
        ]
    }

    async def play() -> None:
        base = "http://mock/api/ledger/v2/hot"
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=gateway), base_url=base) as client:
            assert (await client.post(base, json={})).status_code == 204
            reached.clear()
            for _ in range(3):
                assert (await client.post("/transactions", json=two)).status_code == 200
            assert (await client.post("/transactions", params={"dryRun": "true"}, json=two)).status_code == 200
            assert (await client.get("/transactions/2")).status_code == 200
            page = (await client.get("/transactions", params={"pageSize": "2"})).json()["cursor"]
            assert (await client.get("/transactions", params={"cursor": page["next"]})).status_code == 200
            assert (await client.get("/transactions", params={"sort": "id:asc"})).status_code == 200
            assert reached == []
            await client.post("/transactions", headers={"Idempotency-Key": "k"}, json=two)
            await client.get("/transactions/02")
            await client.get("/transactions", params={"pit": "2020-01-01T00:00:00Z"})
            await client.request("GET", "/transactions", json={"$match": {"account": "shop"}})
            assert reached == [
                "POST /api/ledger/v2/hot/transactions?",
                "GET /api/ledger/v2/hot/transactions/02?",
                "GET /api/ledger/v2/hot/transactions?pit=2020-01-01T00%3A00%3A00Z",
                "GET /api/ledger/v2/hot/transactions?",
            ]

    asyncio.run(play())
