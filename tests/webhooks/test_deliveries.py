"""Deliveries of the stack's events: bodies, headers and signatures as v2.3.2 sends them, and its
retries on the mock's clock (/work/notes/webhooks.md sections 2 and 3)."""

from __future__ import annotations

import json

import httpx
import pytest

from mockserver.testing import OrchestrationMock, WebhookReceiver, serve_mock
from mockserver.webhooks.receiver import Receiver
from tests.support import LEDGERS
from tests.webhooks.support import HTTP, attempts, docs_verify, transact, wait_until

HEADERS = {
    "host",
    "user-agent",
    "content-length",
    "content-type",
    "formance-webhook-id",
    "formance-webhook-signature",
    "formance-webhook-test",
    "formance-webhook-timestamp",
    "accept-encoding",
}


def test_a_ledger_transaction_is_delivered_signed_as_the_docs_verify(
    mock: OrchestrationMock, webhook_receiver: WebhookReceiver
) -> None:
    written = transact(mock, amount=42, metadata={"order": "<o-1>"})
    (delivery,) = webhook_receiver.wait_for("ledger.committed_transactions")
    secret = webhook_receiver.configs[0]["secret"]
    assert docs_verify(delivery.headers, delivery.body, secret)
    assert not docs_verify(delivery.headers, delivery.body + b" ", secret)
    assert set(delivery.headers) == HEADERS  # no idempotency key header: the event has none
    assert delivery.headers["user-agent"] == "formance-webhooks/v0"
    assert delivery.headers["content-type"] == "application/json"
    assert delivery.headers["formance-webhook-test"] == "false"
    assert delivery.headers["formance-webhook-timestamp"] == "1735689600"  # the mock's clock, in seconds
    assert delivery.headers["accept-encoding"] == "gzip"
    assert list(delivery.event) == ["idempotency_key", "date", "app", "version", "type", "payload"]
    assert delivery.event["app"] == "ledger" and delivery.event["version"] == "v2"
    transaction = delivery.event["payload"]["transactions"][0]
    assert transaction["id"] == written["id"] and transaction["postings"][0]["amount"] == 42
    assert b"\\u003co-1\\u003e" in delivery.body  # Go escapes < and >
    assert list(delivery.event["payload"]) == sorted(delivery.event["payload"])  # map keys sorted
    assert not delivery.body.endswith(b"\n")


def test_a_workflow_run_delivers_its_events_in_order(
    mock: OrchestrationMock, webhook_receiver: WebhookReceiver
) -> None:
    headers = {"Authorization": f"Bearer {mock.token}"}
    stages = [
        {
            "send": {
                "source": {"account": {"id": "world", "ledger": "default"}},
                "destination": {"account": {"id": "bank", "ledger": "default"}},
                "amount": {"amount": 100, "asset": "EUR/2"},
            }
        }
    ]
    flow = HTTP.post(mock.base_url + "/workflows", json={"stages": stages}, headers=headers).json()["data"]["id"]
    run = HTTP.post(f"{mock.base_url}/workflows/{flow}/instances", json={}, headers=headers).json()["data"]["id"]
    webhook_receiver.wait_for("orchestration.succeeded_workflow")
    kinds = [d.type for d in webhook_receiver.verified()]
    assert kinds == [
        "orchestration.started_workflow",
        "orchestration.started_workflow_stage",
        "ledger.committed_transactions",
        "orchestration.succeeded_workflow_stage",
        "orchestration.succeeded_workflow",
    ]
    finished = webhook_receiver.verified()[-1].event
    assert finished["payload"] == {"id": flow, "instanceID": run} and finished["app"] == "orchestration"
    assert all(
        docs_verify(d.headers, d.body, webhook_receiver.configs[0]["secret"]) for d in webhook_receiver.verified()
    )


@pytest.mark.parametrize("webhook_receiver_event_types", [()])
def test_events_published_through_the_control_api_match_app_dot_type(
    mock: OrchestrationMock, webhook_receiver: WebhookReceiver
) -> None:
    webhook_receiver.subscribe("foo", "payments.saved_payment", "shop.order_paid")
    mock.control.publish("FOO", {"n": 1})  # no app: the type alone, lower-cased
    mock.control.publish("SAVED_PAYMENT", {"id": "p1"})  # a payments type: app inferred
    mock.control.publish("ORDER_PAID", {"b": 2, "a": 1}, app="Shop")
    got = webhook_receiver.wait_for(count=3)
    assert [d.type for d in got] == ["foo", "payments.saved_payment", "shop.order_paid"]
    assert (got[0].event["app"], got[1].event["version"], got[2].event["app"]) == ("", "v3", "Shop")
    assert got[2].body.endswith(b'"payload":{"a":1,"b":2}}')
    wait_until(lambda: len(attempts(mock)) == 3)
    mock.control.publish("COMMITTED_TRANSACTIONS", {"x": 1})  # nobody listens to that one here
    assert len(attempts(mock)) == 3


def test_inactive_configs_get_nothing_and_their_retries_wait(
    mock: OrchestrationMock, webhook_receiver: WebhookReceiver, hooks: httpx.Client
) -> None:
    config = webhook_receiver.configs[0]
    hooks.put(f"/configs/{config['id']}/deactivate")
    transact(mock)
    mock.control.advance(3600)
    assert attempts(mock) == [] and webhook_receiver.deliveries == []
    hooks.put(f"/configs/{config['id']}/activate")
    webhook_receiver.answer(500)
    transact(mock)
    wait_until(lambda: attempts(mock, status="to retry"))
    hooks.put(f"/configs/{config['id']}/deactivate")
    mock.control.advance(120)
    assert len(attempts(mock)) == 1  # due, but paused
    hooks.put(f"/configs/{config['id']}/activate")  # the gateway pumps after a write: due now
    wait_until(lambda: attempts(mock, status="success"))


def test_retries_follow_the_backoff_on_the_mock_clock(
    mock: OrchestrationMock, webhook_receiver: WebhookReceiver, hooks: httpx.Client
) -> None:
    webhook_receiver.answer(500, times=2)
    transact(mock)
    first = wait_until(lambda: attempts(mock))
    assert [(a["statusCode"], a["status"], a["retryAttempt"]) for a in first] == [(500, "to retry", 0)]
    assert first[0]["nextRetryAfter"] == "2025-01-01T00:01:00Z"  # sent at 00:00:00, retried 1 min later
    mock.control.advance(59)
    assert len(attempts(mock)) == 1
    mock.control.advance(1)
    second = wait_until(lambda: len(attempts(mock)) == 2 and attempts(mock))
    assert [(a["status"], a["retryAttempt"]) for a in second] == [("to retry", 0), ("to retry", 1)]
    assert second[1]["nextRetryAfter"] == "2025-01-01T00:03:00Z"  # then 2 min
    mock.control.advance(120)
    done = wait_until(lambda: len(attempts(mock)) == 3 and attempts(mock))
    assert [(a["statusCode"], a["status"], a["retryAttempt"]) for a in done] == [
        (500, "success", 0),  # the release sets every pending attempt of the delivery to the new status
        (500, "success", 1),
        (200, "success", 2),
    ]
    sent = webhook_receiver.deliveries
    assert len({d.webhook_id for d in sent}) == 1  # one webhook id across retries
    assert [d.headers["formance-webhook-timestamp"] for d in sent] == ["1735689600", "1735689660", "1735689780"]
    assert all(d.body == sent[0].body for d in sent)


def test_a_delivery_fails_for_good_when_the_backoff_gives_up() -> None:
    """The release's e2e settings (min 1 s, abort after 3 s): attempts 0, 1 and 2, then failed."""
    with (
        serve_mock(fixtures=[LEDGERS], webhook_min_backoff=1, webhook_abort_after=3) as mock,
        Receiver().running() as rx,
    ):
        headers = {"Authorization": f"Bearer {mock.token}"}
        body = {"endpoint": rx.url, "eventTypes": ["ledger.committed_transactions"]}
        HTTP.post(mock.url + "/api/webhooks/configs", json=body, headers=headers).raise_for_status()
        rx.default_status = 503
        transact(mock)
        wait_until(lambda: len(attempts(mock)) == 1)
        mock.control.advance(1)
        wait_until(lambda: len(attempts(mock)) == 2)
        mock.control.advance(2)
        found = wait_until(lambda: len(attempts(mock)) == 3 and attempts(mock))
        assert [(a["retryAttempt"], a["status"]) for a in found] == [(0, "failed"), (1, "failed"), (2, "failed")]
        assert "nextRetryAfter" not in found[2]
        mock.control.advance(3600)
        assert len(attempts(mock)) == 3 and len(rx.deliveries) == 3


def test_retries_keep_the_first_attempts_config_and_stop_when_it_is_deleted(
    mock: OrchestrationMock, webhook_receiver: WebhookReceiver, hooks: httpx.Client
) -> None:
    config = webhook_receiver.configs[0]
    webhook_receiver.answer(500)
    transact(mock)
    wait_until(lambda: webhook_receiver.deliveries)
    rotated = hooks.put(f"/configs/{config['id']}/secret/change").json()["data"]["secret"]
    mock.control.advance(60)
    retry = wait_until(lambda: len(webhook_receiver.deliveries) == 2 and webhook_receiver.deliveries[1])
    assert docs_verify(retry.headers, retry.body, config["secret"]) and not docs_verify(
        retry.headers, retry.body, rotated
    )
    webhook_receiver.trust(rotated)
    transact(mock)  # a new event is signed with the new secret
    fresh = wait_until(lambda: len(webhook_receiver.deliveries) == 3 and webhook_receiver.deliveries[2])
    assert docs_verify(fresh.headers, fresh.body, rotated)
    webhook_receiver.answer(500)
    transact(mock)
    wait_until(lambda: len(attempts(mock, status="to retry")) == 1)
    hooks.delete(f"/configs/{config['id']}")
    mock.control.advance(3600)
    assert len(webhook_receiver.deliveries) == 4  # stranded: the retry never goes
    assert len(attempts(mock, status="to retry")) == 1


def test_the_journal_lists_outbound_deliveries(mock: OrchestrationMock, webhook_receiver: WebhookReceiver) -> None:
    transact(mock)
    (delivery,) = webhook_receiver.wait_for("ledger.committed_transactions")
    entry = wait_until(lambda: [e for e in mock.control.requests() if e.get("direction") == "outbound"])[0]
    assert entry["method"] == "POST" and entry["path"] == webhook_receiver.url + "/webhooks"
    assert entry["webhookID"] == delivery.webhook_id and entry["status"] == 200 and entry["operationId"] is None
    assert entry["eventType"] == "ledger.committed_transactions"
    assert json.loads(attempts(mock)[0]["payload"]) == delivery.event
