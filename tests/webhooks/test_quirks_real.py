"""``--quirks real``: where v2.3.2 answers 500 to a client's mistake, the mock answers the release's
empty 500; spec mode answers the 4xx (or the attempt) the request deserves."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from mockserver.testing import OrchestrationMock, serve_mock
from tests.support import LEDGERS
from tests.webhooks.support import HTTP, attempts, raw_endpoint, transact, wait_until

TYPE = "ledger.committed_transactions"


@pytest.fixture(scope="module")
def real() -> Iterator[OrchestrationMock]:
    with serve_mock(fixtures=[LEDGERS], quirks="real") as mock:
        yield mock


def _hooks(mock: OrchestrationMock) -> dict[str, str]:
    return {"Authorization": f"Bearer {mock.token}"}


def _broken_body(conn: socket.socket) -> None:
    conn.recv(65536)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc")  # then hangs up: the body breaks off


def _config(mock: OrchestrationMock, endpoint: str) -> dict:
    reply = HTTP.post(
        mock.url + "/api/webhooks/configs", json={"endpoint": endpoint, "eventTypes": [TYPE]}, headers=_hooks(mock)
    )
    assert reply.status_code == 200, reply.text
    return reply.json()["data"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/configs", {"endpoint": "x", "eventTypes": ["a\x00b"]}),
        ("PUT", "/configs/x", {"endpoint": "x", "eventTypes": ["a\x00"]}),
        ("PUT", "/configs/a%00b", {"endpoint": "x", "eventTypes": ["a"]}),
        ("DELETE", "/configs/%00", None),
        ("PUT", "/configs/%00/activate", None),
        ("PUT", "/configs/%00/deactivate", None),
        ("PUT", "/configs/%00/secret/change", None),
        ("GET", "/configs/%00/test", None),
        ("GET", "/configs?id=%00", None),
    ],
)
def test_a_nul_character_is_the_databases_500_in_real_mode(
    real: OrchestrationMock, mock: OrchestrationMock, method: str, path: str, body: dict | None
) -> None:
    url = "/api/webhooks" + path
    answer = HTTP.request(method, real.url + url, json=body, headers=_hooks(real))
    assert (answer.status_code, answer.content, answer.headers["content-type"]) == (500, b"", "application/json")
    spec = HTTP.request(method, mock.url + url, json=body, headers=_hooks(mock))
    assert spec.status_code in (400, 404) and spec.json()["errorCode"] in ("VALIDATION", "NOT_FOUND")


def test_the_edge_answers_as_the_release_does(real: OrchestrationMock) -> None:
    unauthorized = HTTP.get(real.url + "/api/webhooks/configs")
    assert (unauthorized.status_code, unauthorized.content) == (401, b"")
    unknown = HTTP.get(real.url + "/api/webhooks/configs/", headers=_hooks(real))
    assert (unknown.status_code, unknown.text) == (404, "404 page not found\n")
    assert unknown.headers["content-type"].startswith("text/plain")


def test_a_test_call_whose_body_breaks_off(real: OrchestrationMock, mock: OrchestrationMock) -> None:
    real.control.reset()
    with raw_endpoint(_broken_body) as url:
        config = _config(real, url)
        reply = HTTP.get(f"{real.url}/api/webhooks/configs/{config['id']}/test", headers=_hooks(real))
        assert (reply.status_code, reply.content) == (500, b"")
        config = _config(mock, url)
        spec = HTTP.get(f"{mock.url}/api/webhooks/configs/{config['id']}/test", headers=_hooks(mock))
        assert spec.status_code == 200 and spec.json()["data"]["status"] == "success"


def test_a_delivery_whose_body_breaks_off_is_never_retried_in_real_mode(real: OrchestrationMock) -> None:
    real.control.reset()
    with raw_endpoint(_broken_body) as url:
        _config(real, url)
        transact(real)
        (attempt,) = wait_until(lambda: attempts(real))
    assert (attempt["statusCode"], attempt["status"]) == (200, "failed")
    assert "never retries" in attempt["note"]
