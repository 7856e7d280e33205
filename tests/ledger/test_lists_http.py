"""The lists over HTTP, through the app: filters from ``query`` or the body (GET and HEAD alike),
HEAD counts, the error shape, and ``--quirks real``'s 500s. The bodies sent satisfy the upstream
spec the app validates against (it marks them required; the release does not need them)."""

from __future__ import annotations

import inspect
import json
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.app import create_app
from mockserver.config import Settings
from mockserver.ledger.errors import INTERNAL_TEXT
from mockserver.ledger.handlers.lists import query_params

warnings.filterwarnings("ignore", category=DeprecationWarning)
BASE = "/api/ledger/v2"


def client_for(quirks: str = "spec") -> TestClient:
    return TestClient(create_app(Settings(clock="manual", seed=1, auth=False, access_log=False, quirks=quirks)).asgi)


def book(client: TestClient, *postings: tuple[str, str, int], **extra: Any) -> dict[str, Any]:
    body = {
        "metadata": {},
        **extra,
        "postings": [{"source": s, "destination": d, "amount": a, "asset": "USD"} for s, d, a in postings],
    }
    reply = client.post(f"{BASE}/main/transactions", params={"force": "true"}, json=body)
    assert reply.status_code == 200, reply.text
    return reply.json()["data"]


@pytest.fixture(scope="module")
def http() -> Iterator[TestClient]:
    with client_for() as client:
        assert client.post(f"{BASE}/main", json={}).status_code == 204
        for i in range(1, 6):
            book(client, ("world", f"users:{i}", 10 * i), metadata={"n": str(i)})
            client.post("/_mock/clock/advance", json={"seconds": 60})
        client.post(f"{BASE}/main/accounts/users:1/metadata", json={"tier": "gold"})
        yield client


@pytest.fixture(scope="module")
def both_modes() -> Iterator[dict[str, TestClient]]:
    clients = {quirks: client_for(quirks) for quirks in ("spec", "real")}
    for client in clients.values():
        client.post(f"{BASE}/main", json={})
        book(client, ("world", "a", 1))
    yield clients


def get(client: TestClient, path: str, body: Any = None, method: str = "GET", **params: Any) -> Any:
    return client.request(method, f"{BASE}{path}", params=params, content=json.dumps({} if body is None else body))


def test_default_orders(http: TestClient) -> None:
    txs = get(http, "/main/transactions").json()["cursor"]
    assert [tx["id"] for tx in txs["data"]] == [5, 4, 3, 2, 1] and txs["pageSize"] == 15 and txs["hasMore"] is False
    accounts = get(http, "/main/accounts").json()["cursor"]["data"]
    assert [a["address"] for a in accounts] == ["users:1", "users:2", "users:3", "users:4", "users:5", "world"]
    logs = get(http, "/main/logs").json()["cursor"]["data"]
    assert [log["id"] for log in logs] == [6, 5, 4, 3, 2, 1] and logs[0]["type"] == "SET_METADATA"
    assert [ledger["name"] for ledger in get(http, "").json()["cursor"]["data"]] == ["main"]
    volumes = get(http, "/main/volumes").json()["cursor"]["data"]
    assert volumes[0] == {"account": "users:1", "asset": "USD", "input": 10, "output": 0, "balance": 10}


def test_page_size_is_clamped_at_100(http: TestClient) -> None:
    assert get(http, "/main/transactions", pageSize="500").json()["cursor"]["pageSize"] == 100
    assert get(http, "/main/accounts", pageSize="3").json()["cursor"]["pageSize"] == 3


def test_filter_from_the_body_or_the_query_parameter(http: TestClient) -> None:
    document = {"$match": {"metadata[n]": "2"}}
    assert [tx["id"] for tx in get(http, "/main/transactions", document).json()["cursor"]["data"]] == [2]
    # the query parameter wins over the body
    found = get(http, "/main/transactions", {"$match": {"id": 0}}, query=json.dumps(document)).json()
    assert [tx["id"] for tx in found["cursor"]["data"]] == [2]
    # a body of any content type is read as JSON
    raw = http.request("GET", f"{BASE}/main/accounts", content=b'{"$match":{"address":"users:1"}}')
    assert [a["address"] for a in raw.json()["cursor"]["data"]] == ["users:1"]


def test_head_counts(http: TestClient) -> None:
    reply = get(http, "/main/transactions", {"$gte": {"id": 2}}, method="HEAD")
    assert (reply.status_code, reply.headers["count"], reply.content) == (204, "4", b"")
    reply = get(http, "/main/accounts", {"$exists": {"metadata": "tier"}}, method="HEAD")
    assert (reply.status_code, reply.headers["count"]) == (204, "1")
    reply = get(http, "/main/accounts", method="HEAD", pit="2025-01-01T00:01:00Z")
    assert reply.headers["count"] == "3"  # world, users:1, users:2
    reply = get(http, "/main/transactions", method="HEAD", query='{"$match":{"invalid":1}}')
    assert reply.status_code == 400  # a HEAD answer has no body to say more


def test_walk_over_http_with_a_repeated_expand(http: TestClient) -> None:
    first = http.request(
        "GET", f"{BASE}/main/transactions?pageSize=2&expand=volumes&expand=effectiveVolumes", content=b"{}"
    )
    page = first.json()["cursor"]
    assert [tx["id"] for tx in page["data"]] == [5, 4] and "postCommitEffectiveVolumes" in page["data"][0]
    second = get(http, "/main/transactions", cursor=page["next"]).json()["cursor"]
    assert [tx["id"] for tx in second["data"]] == [3, 2] and "preCommitVolumes" in second["data"][0]
    back = get(http, "/main/transactions", cursor=second["previous"]).json()["cursor"]
    assert [tx["id"] for tx in back["data"]] == [5, 4] and "previous" not in back


def test_aggregates_volumes_and_logs(http: TestClient) -> None:
    balances = get(http, "/main/aggregate/balances", {"$match": {"address": "users:"}}).json()
    assert balances == {"data": {"USD": 150}}
    at = get(http, "/main/aggregate/balances", {"$match": {"address": "users:"}}, pit="2025-01-01T00:01:00Z")
    assert at.json() == {"data": {"USD": 30}}
    grouped = get(http, "/main/volumes", groupBy="1").json()["cursor"]["data"]
    assert [(row["account"], row["balance"]) for row in grouped] == [("users", 150), ("world", -150)]
    log = get(http, "/main/logs", pageSize="1").json()["cursor"]
    assert log["data"][0]["data"] == {"targetType": "ACCOUNT", "targetId": "users:1", "metadata": {"tier": "gold"}}
    assert len(log["data"][0]["hash"]) == 44


def test_errors_in_the_ledger_shape(http: TestClient) -> None:
    cases = [
        ("/main/transactions", {"oot": "abc"}, 400, 'extracting paginated query: parsing time "abc"'),
        ("/main/transactions", {"cursor": "XXX"}, 400, "invalid cursor: invalid character ']'"),
        ("/main/transactions", {"query": "[]"}, 400, "extracting paginated query: unexpected type []interface {}"),
        ("/main/accounts", {"pageSize": "5", "cursor": "e30"}, 400, "invalid property '' for pagination"),
        ("/nope/transactions", {}, 404, "not found"),
    ]
    for path, params, status, start in cases:
        reply = get(http, path, **params)
        assert reply.status_code == status, reply.text
        assert reply.json()["errorCode"] in ("VALIDATION", "LEDGER_NOT_FOUND")
        assert reply.json()["errorMessage"].startswith(start)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/main/transactions", {"query": '{"$in":{"account":["users:"]}}'}),
        ("/main/volumes", {"expand": ""}),
        ("", {"query": '{"$in":{"name":["main"]}}'}),
        ("/main/logs", {"expand": "volumes"}),
        ("/main/aggregate/balances", {"expand": "volumes"}),
        ("/main/accounts", {"query": '{"$exists":{"balance":1}}'}),
    ],
)
def test_real_quirks_answer_the_release_500(
    path: str, params: dict[str, str], both_modes: dict[str, TestClient]
) -> None:
    spec = get(both_modes["spec"], path, **params)
    assert (spec.status_code, spec.json()["errorCode"]) == (400, "VALIDATION"), spec.text
    real = get(both_modes["real"], path, **params)
    assert (real.status_code, real.json()) == (500, {"errorCode": "INTERNAL", "errorMessage": INTERNAL_TEXT})


def test_arguments_of_the_fast_path_are_read_back_as_text() -> None:
    """Outside Connexion (the gateway's fast path) only declared parameters come, typed."""
    declared = {"page_size": 5, "reverse": True, "expand": None, "cursor": "abc", "group_by": 2}
    assert query_params("v2ListTransactions", declared) == {
        "pageSize": ["5"],
        "reverse": ["true"],
        "cursor": ["abc"],
        "groupBy": ["2"],
    }


def test_handlers_take_exactly_the_declared_query_parameters() -> None:
    """The fast path passes every declared parameter (a missing argument would be a 500); an
    argument named after an undeclared one makes Connexion log an error per request."""
    from connexion.decorators.parameter import pythonic
    from orchestration_spec import LEDGER_SPEC

    from mockserver.ledger.handlers.lists import ListHandlers
    from mockserver.stack import spec

    document = spec(LEDGER_SPEC)
    registry = ListHandlers(lambda: None).registry()  # type: ignore[arg-type, return-value]
    for item in document["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict) or operation.get("operationId") not in registry:
                continue
            declared = set()
            for parameter in operation.get("parameters", []):
                while "$ref" in parameter:
                    parameter = document["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
                if parameter["in"] == "query":
                    declared.add(pythonic(parameter["name"]))
            arguments = set(inspect.signature(registry[operation["operationId"]]).parameters) - {"ledger", "body"}
            assert arguments == declared, operation["operationId"]
