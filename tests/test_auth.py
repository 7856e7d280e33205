"""Bearer auth on every operation, scoped tokens, and the token endpoint."""

from __future__ import annotations

import time

import httpx
import jwt
import pytest

from tests.support import Api, RunningMock, running_mock, token_for

OPERATIONS = [
    ("GET", "/workflows"),
    ("POST", "/workflows"),
    ("GET", "/workflows/00000000-0000-4000-8000-000000000000"),
    ("DELETE", "/workflows/00000000-0000-4000-8000-000000000000"),
    ("POST", "/workflows/00000000-0000-4000-8000-000000000000/instances"),
    ("GET", "/instances"),
    ("GET", "/instances/x"),
    ("POST", "/instances/x/events"),
    ("PUT", "/instances/x/abort"),
    ("GET", "/instances/x/history"),
    ("GET", "/instances/x/stages/0/history"),
    ("GET", "/triggers"),
    ("POST", "/triggers"),
    ("GET", "/triggers/x"),
    ("DELETE", "/triggers/x"),
    ("GET", "/triggers/x/occurrences"),
]
WRITES = [op for op in OPERATIONS if op[0] != "GET"]


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_every_operation_refuses_a_request_without_a_token(mock_server: RunningMock, method: str, path: str) -> None:
    anonymous = Api(mock_server.api, None)
    reply = anonymous.request(method, path, json={})
    assert reply.status_code == 401
    assert reply.json()["errorCode"] == "UNAUTHORIZED"


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_writes_refuse_a_read_only_token(mock_server: RunningMock, method: str, path: str) -> None:
    reader = Api(mock_server.api, token_for(mock_server.url, "orchestration:read"))
    reply = reader.request(method, path, json={})
    assert reply.status_code == 403
    assert reply.json()["errorCode"] == "FORBIDDEN"


def test_read_only_token_reads(mock_server: RunningMock) -> None:
    reader = Api(mock_server.api, token_for(mock_server.url, "orchestration:read"))
    assert reader.get("/workflows").status_code == 200


def test_server_info_needs_no_token(mock_server: RunningMock) -> None:
    reply = Api(mock_server.api, None).get("/_info")
    assert reply.status_code == 200
    assert set(reply.json()) == {"version"}


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer not-a-jwt", "Basic abc", "Token x", "Bearer " + jwt.encode({"scope": "x"}, "k" * 32, "HS256")],
)
def test_bad_tokens_are_401(mock_server: RunningMock, header: str) -> None:
    reply = httpx.get(mock_server.api + "/workflows", headers={"Authorization": header})
    assert reply.status_code == 401
    assert reply.json()["errorCode"] == "UNAUTHORIZED"


def test_token_endpoint_issues_expiring_rs256_jwts_with_the_granted_scopes(mock_server: RunningMock) -> None:
    reply = httpx.post(
        mock_server.url + "/api/auth/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "a",
            "client_secret": "b",
            "scope": "orchestration:read",
        },
    )
    assert reply.status_code == 200
    grant = reply.json()
    assert grant["token_type"] == "Bearer" and grant["expires_in"] == 3600
    assert jwt.get_unverified_header(grant["access_token"])["alg"] == "RS256"
    claims = jwt.decode(grant["access_token"], options={"verify_signature": False})
    assert claims["scope"] == "orchestration:read"
    assert 3590 <= claims["exp"] - time.time() <= 3600
    jwks = httpx.get(mock_server.url + "/api/auth/keys").json()
    key = jwt.PyJWK(jwks["keys"][0]).key
    jwt.decode(grant["access_token"], key, algorithms=["RS256"], audience="orchestration")


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"grant_type": "password", "client_id": "a"}, 400),
        ({"grant_type": "client_credentials", "client_id": "a", "scope": "bad$scope"}, 400),
        ({"grant_type": "client_credentials"}, 401),
    ],
)
def test_token_endpoint_refusals(mock_server: RunningMock, data: dict, status: int) -> None:
    assert httpx.post(mock_server.url + "/api/auth/oauth/token", data=data).status_code == status


def test_configured_clients_and_expired_tokens() -> None:
    with running_mock("--client", "app:s3cret", "--token-lifetime", "3") as server:
        url = server.url + "/api/auth/oauth/token"
        wrong = httpx.post(url, data={"grant_type": "client_credentials", "client_id": "app", "client_secret": "x"})
        assert wrong.status_code == 401
        good = httpx.post(url, data={"grant_type": "client_credentials", "client_id": "app", "client_secret": "s3cret"})
        token = good.json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        assert httpx.get(server.api + "/workflows", headers=headers).status_code == 200
        expires = jwt.decode(token, options={"verify_signature": False})["exp"]
        # The one test that lets a real token expire: wait for its (3 s) lifetime to run out.
        time.sleep(max(0.0, expires - time.time()) + 1.1)
        assert httpx.get(server.api + "/workflows", headers=headers).status_code == 401
