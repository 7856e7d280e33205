"""Webhooks with the mock's other features: --state-file, tenants, fixtures, reset, the inspector."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from mockserver.testing import OrchestrationMock, serve_mock
from mockserver.webhooks.receiver import Receiver
from tests.support import LEDGERS
from tests.webhooks.support import HTTP, attempts, docs_verify, transact, wait_until

TYPE = "ledger.committed_transactions"


def _api(mock: OrchestrationMock, token: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token or mock.token}"}


def _subscribe(mock: OrchestrationMock, endpoint: str, token: str | None = None) -> dict:
    reply = HTTP.post(
        mock.url + "/api/webhooks/configs", json={"endpoint": endpoint, "eventTypes": [TYPE]}, headers=_api(mock, token)
    )
    assert reply.status_code == 200, reply.text
    return reply.json()["data"]


def test_the_state_file_keeps_configs_and_sends_no_old_event_again(tmp_path: Path) -> None:
    state = tmp_path / "mock.state"
    with Receiver().running() as endpoint:
        with serve_mock(fixtures=[LEDGERS], state_file=state) as first:
            kept = _subscribe(first, endpoint.url)
            paused = _subscribe(first, endpoint.url + "/paused")
            HTTP.put(f"{first.url}/api/webhooks/configs/{paused['id']}/deactivate", headers=_api(first))
            rotated = HTTP.put(f"{first.url}/api/webhooks/configs/{kept['id']}/secret/change", headers=_api(first))
            endpoint.answer(500)  # a retry is pending when the mock stops
            transact(first)
            wait_until(lambda: attempts(first))
            before = HTTP.get(first.url + "/api/webhooks/configs", headers=_api(first)).json()
        with serve_mock(fixtures=[LEDGERS], state_file=state) as second:
            after = HTTP.get(second.url + "/api/webhooks/configs", headers=_api(second)).json()
            assert after == before
            restored = next(c for c in after["cursor"]["data"] if c["id"] == kept["id"])
            assert restored["secret"] == rotated.json()["data"]["secret"]
            second.control.advance(3600)
            time.sleep(0.3)
            assert len(endpoint.deliveries) == 1 and attempts(second) == []  # nothing replayed, nothing retried
            transact(second)
            (delivery,) = wait_until(lambda: endpoint.deliveries[1:])
            assert docs_verify(delivery.headers, delivery.body, rotated.json()["data"]["secret"])


def test_each_tenant_has_its_own_configs_and_deliveries() -> None:
    with serve_mock(fixtures=[LEDGERS], tenancy="client") as mock, Receiver().running() as endpoint:
        tokens = {}
        for client in ("shop-a", "shop-b"):
            form = {"grant_type": "client_credentials", "client_id": client, "client_secret": "x"}
            tokens[client] = HTTP.post(mock.url + "/api/auth/oauth/token", data=form).json()["access_token"]
        config = _subscribe(mock, endpoint.url, tokens["shop-a"])
        listed = HTTP.get(mock.url + "/api/webhooks/configs", headers=_api(mock, tokens["shop-b"])).json()
        assert listed["cursor"]["data"] == []
        for client, amount in (("shop-b", 1), ("shop-a", 2)):
            HTTP.post(
                mock.url + "/api/ledger/v2/default/transactions",
                json={"postings": [{"source": "world", "destination": "x", "amount": amount, "asset": "USD"}]},
                headers=_api(mock, tokens[client]),
            ).raise_for_status()
        (delivery,) = endpoint.wait_for(TYPE, verified=None)
        assert delivery.event["payload"]["transactions"][0]["postings"][0]["amount"] == 2
        seen = wait_until(
            lambda: HTTP.get(mock.url + "/_mock/webhooks/attempts", headers={"X-Mock-Tenant": "shop-a"}).json()["data"]
        )
        assert [a["config"]["id"] for a in seen] == [config["id"]]
        assert HTTP.get(mock.url + "/_mock/webhooks/attempts", headers={"X-Mock-Tenant": "shop-b"}).json() == {
            "data": []
        }


def test_fixtures_declare_configs(mock: OrchestrationMock) -> None:
    secret = "V0bivxRWveaoz08afqjU6Ko/jwO0Cb+3"
    document = {
        "webhooks": [
            {"id": "hook-1", "endpoint": "http://localhost:4000/h", "secret": secret, "eventTypes": ["Ledger.X"]},
            {"endpoint": "http://localhost:4000/off", "eventTypes": ["a"], "active": False},
        ]
    }
    assert HTTP.post(mock.url + "/_mock/fixtures", json=document).status_code == 201
    listed = HTTP.get(mock.url + "/api/webhooks/configs", headers=_api(mock)).json()["cursor"]["data"]
    assert {(c["id"] == "hook-1", c["secret"] == secret, c["eventTypes"][0], c["active"]) for c in listed} == {
        (True, True, "ledger.x", True),
        (False, False, "a", False),
    }
    for bad, message in [
        ({"webhooks": [{"endpoint": "x", "secret": "no", "eventTypes": ["a"]}]}, "secret should be base64"),
        ({"webhooks": [{"endpoint": "http://example.com", "eventTypes": ["a"]}]}, "is not allowed"),
        ({"webhooks": [{"endpoint": "x"}]}, "eventTypes"),
        ({"webhooks": [{"id": "hook-1", "endpoint": "x", "eventTypes": ["a"]}]}, "exists already"),
    ]:
        reply = HTTP.post(mock.url + "/_mock/fixtures", json=bad)
        assert reply.status_code == 400 and message in reply.json()["errorMessage"], bad
    assert len(HTTP.get(mock.url + "/api/webhooks/configs", headers=_api(mock)).json()["cursor"]["data"]) == 2
    mock.control.reset()
    assert HTTP.get(mock.url + "/api/webhooks/configs", headers=_api(mock)).json()["cursor"]["data"] == []


def test_the_inspector_shows_configs_and_attempts_without_secrets(mock: OrchestrationMock) -> None:
    with Receiver().running() as endpoint:
        config = _subscribe(mock, endpoint.url)
        transact(mock)
        wait_until(lambda: attempts(mock))
    state = HTTP.get(mock.url + "/_mock/ui/state.json").json()
    hooks = state["data"]["webhooks"]
    assert [c["id"] for c in hooks["configs"]] == [config["id"]] and "secret" not in hooks["configs"][0]
    assert hooks["attemptCount"] == 1 and hooks["attempts"][0]["status"] == "success"
    assert "Delivery attempts" in state["html"]["webhooks"] and TYPE in state["html"]["webhooks"]
    assert config["secret"] not in HTTP.get(mock.url + "/_mock/ui/").text


@pytest.mark.parametrize("webhook_receiver_event_types", [(TYPE,)])
def test_a_reset_forgets_configs_attempts_and_deliveries_in_flight(
    mock: OrchestrationMock, webhook_receiver: object
) -> None:
    transact(mock)
    wait_until(lambda: attempts(mock))
    mock.control.reset()
    assert attempts(mock) == []
    assert HTTP.get(mock.url + "/api/webhooks/configs", headers=_api(mock)).json()["cursor"]["data"] == []
