"""Delivery fault rules (``/_mock/webhooks/faults``): duplicate, delayMs, drop, reorder, badSignature,
``times`` and seeded ``probability``, each named in the attempts view and the request journal."""

from __future__ import annotations

import time

import httpx
import pytest

from mockserver.testing import OrchestrationMock, WebhookReceiver
from mockserver.webhooks.faults import DeliveryFaults
from tests.webhooks.support import HTTP, attempts, docs_verify, transact, wait_until

TYPE = "ledger.committed_transactions"


def _rule(mock: OrchestrationMock, **rule: object) -> dict:
    reply = HTTP.post(mock.url + "/_mock/webhooks/faults", json=rule)
    assert reply.status_code == 201, reply.text
    return reply.json()["data"]


def test_drop_sends_nothing_and_the_release_retries_it(
    mock: OrchestrationMock, webhook_receiver: WebhookReceiver
) -> None:
    rule = _rule(mock, eventType=TYPE, drop=True, times=1)
    transact(mock)
    (dropped,) = wait_until(lambda: attempts(mock))
    assert (dropped["statusCode"], dropped["status"], dropped["fault"]) == (
        0,
        "to retry",
        {"rule": rule["id"], "kinds": ["drop"]},
    )
    assert dropped["error"] == f"dropped by delivery fault rule {rule['id']}"
    assert webhook_receiver.deliveries == []
    journal = [e for e in mock.control.requests() if e.get("direction") == "outbound"]
    assert journal[0]["fault"] == rule["id"] and journal[0]["dropped"] and journal[0]["faultKinds"] == ["drop"]
    mock.control.advance(60)
    (retry,) = webhook_receiver.wait_for(TYPE)
    assert retry.webhook_id == dropped["webhookID"]
    listed = HTTP.get(mock.url + "/_mock/webhooks/faults").json()["data"]
    assert listed == [{**rule, "fired": 1, "expired": True}]


def test_duplicate_sends_the_same_request_twice(mock: OrchestrationMock, webhook_receiver: WebhookReceiver) -> None:
    _rule(mock, duplicate=True, times=1)
    transact(mock)
    one, two = webhook_receiver.wait_for(TYPE, count=2)
    assert one.headers == two.headers and one.body == two.body  # same id, timestamp and signature
    kinds = wait_until(lambda: len(attempts(mock)) == 2 and attempts(mock))
    assert [a["fault"]["kinds"] for a in kinds] == [["duplicate"], ["duplicate"]]
    assert "duplicate" in kinds[0]["note"] and kinds[0]["status"] == kinds[1]["status"] == "success"
    transact(mock, amount=2)  # times: 1, the next one is sent once
    webhook_receiver.wait_for(TYPE, count=3)
    time.sleep(0.2)
    assert len(webhook_receiver.deliveries) == 3


def test_delay_sends_the_request_late(mock: OrchestrationMock, webhook_receiver: WebhookReceiver) -> None:
    _rule(mock, eventType=TYPE, delayMs=400)
    started = time.time()
    transact(mock)
    answered = time.time()
    (late,) = webhook_receiver.wait_for(TYPE)
    assert late.received_at.timestamp() - started >= 0.39
    assert late.received_at.timestamp() > answered  # the API did not wait for the delivery


@pytest.mark.parametrize("webhook_receiver_event_types", [()])
def test_reorder_lets_the_next_delivery_overtake(mock: OrchestrationMock, webhook_receiver: WebhookReceiver) -> None:
    webhook_receiver.subscribe("shop.order")
    _rule(mock, reorder=True, times=1)
    mock.control.publish("ORDER", {"n": 1}, app="shop")
    mock.control.publish("ORDER", {"n": 2}, app="shop")
    mock.control.publish("ORDER", {"n": 3}, app="shop")
    got = webhook_receiver.wait_for("shop.order", count=3)
    assert [d.event["payload"]["n"] for d in got] == [2, 1, 3]
    notes = {a["payload"]: a.get("note", "") for a in wait_until(lambda: len(attempts(mock)) == 3 and attempts(mock))}
    assert any("sent after the later delivery" in note for note in notes.values())


def test_a_bad_signature_is_refused_by_the_receiver_and_retried(
    mock: OrchestrationMock, webhook_receiver: WebhookReceiver
) -> None:
    _rule(mock, badSignature=True, times=1)
    transact(mock)
    (refused,) = webhook_receiver.wait_for(TYPE, verified=False)
    assert not docs_verify(refused.headers, refused.body, webhook_receiver.configs[0]["secret"])
    assert refused.headers["formance-webhook-signature"].startswith("v1,")
    (first,) = wait_until(lambda: attempts(mock))
    assert (first["statusCode"], first["status"], first["fault"]["kinds"]) == (401, "to retry", ["badSignature"])
    mock.control.advance(60)
    (good,) = webhook_receiver.wait_for(TYPE)
    assert good.webhook_id == refused.webhook_id and docs_verify(
        good.headers, good.body, webhook_receiver.configs[0]["secret"]
    )


def test_rules_match_by_config_and_event_type(
    mock: OrchestrationMock, webhook_receiver: WebhookReceiver, hooks: httpx.Client
) -> None:
    other = webhook_receiver.subscribe(TYPE, path="/other")
    _rule(mock, configId=other["id"], drop=True)
    _rule(mock, eventType="ledger.saved_metadata", drop=True)
    transact(mock)
    (delivered,) = webhook_receiver.wait_for(TYPE)
    assert delivered.path == "/webhooks"
    found = wait_until(lambda: len(attempts(mock)) == 2 and attempts(mock))
    assert sorted(a.get("fault", {}).get("rule", "") for a in found) == ["", "webhook-fault-1"]


def test_rules_are_removed_and_reset(mock: OrchestrationMock) -> None:
    one = _rule(mock, drop=True)
    _rule(mock, duplicate=True)
    assert HTTP.delete(f"{mock.url}/_mock/webhooks/faults/{one['id']}").status_code == 204
    assert HTTP.delete(f"{mock.url}/_mock/webhooks/faults/{one['id']}").status_code == 404
    assert [r["id"] for r in HTTP.get(mock.url + "/_mock/webhooks/faults").json()["data"]] == ["webhook-fault-2"]
    assert HTTP.delete(mock.url + "/_mock/webhooks/faults").status_code == 204
    _rule(mock, drop=True)
    mock.control.reset()
    assert HTTP.get(mock.url + "/_mock/webhooks/faults").json()["data"] == []
    assert _rule(mock, drop=True)["id"] == "webhook-fault-1"


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ([1], "object"),
        ({}, "at least one of"),
        ({"drop": True, "bogus": 1}, "unknown delivery fault field(s) bogus"),
        ({"drop": "yes"}, "boolean"),
        ({"drop": True, "duplicate": True}, "drop excludes"),
        ({"delayMs": 60_001}, "delayMs"),
        ({"drop": True, "times": 0}, "times"),
        ({"drop": True, "probability": 0}, "probability"),
        ({"drop": True, "configId": ""}, "configId"),
    ],
)
def test_bad_rules_are_400(mock: OrchestrationMock, rule: object, message: str) -> None:
    reply = HTTP.post(mock.url + "/_mock/webhooks/faults", json=rule)
    assert reply.status_code == 400 and message in reply.json()["errorMessage"]


def test_probability_draws_follow_the_seed() -> None:
    def firings(seed: int) -> list[bool]:
        faults = DeliveryFaults(seed)
        faults.add({"drop": True, "probability": 0.5})
        return [faults.pick("c", "t") is not None for _ in range(40)]

    assert firings(3) == firings(3)
    assert 5 < sum(firings(3)) < 35
    assert firings(3) != firings(4)
