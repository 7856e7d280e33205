"""The receivers users get: the ``webhook_receiver`` pytest fixture and ``orchestration-mock webhooks listen``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest

from mockserver.testing import STACK_EVENT_TYPES, OrchestrationMock, WebhookReceiver
from tests.support import ROOT
from tests.webhooks.support import HTTP, attempts, transact, wait_until


def test_the_fixture_registers_for_every_stack_event_and_verifies_each_delivery(
    mock: OrchestrationMock, webhook_receiver: WebhookReceiver
) -> None:
    (config,) = webhook_receiver.configs
    assert config["eventTypes"] == list(STACK_EVENT_TYPES)
    assert config["endpoint"] == webhook_receiver.url + "/webhooks"
    transact(mock)
    (delivery,) = webhook_receiver.wait_for("ledger.committed_transactions")
    assert delivery.verified and delivery.event["type"] == "ledger.committed_transactions"
    HTTP.post(mock.url + "/_mock/webhooks/faults", json={"badSignature": True, "times": 1})
    transact(mock)
    (refused,) = webhook_receiver.wait_for(verified=False)
    assert refused.verified is False and webhook_receiver.verified() == [delivery]
    assert wait_until(lambda: attempts(mock, status="to retry"))[0]["statusCode"] == 401  # the fixture said 401


def test_wait_for_says_what_came_instead(webhook_receiver: WebhookReceiver) -> None:
    with pytest.raises(AssertionError, match=r"expected 1 delivery of orchestration.failed_workflow within 0.2 s"):
        webhook_receiver.wait_for("orchestration.failed_workflow", timeout=0.2)


def test_answers_are_programmable(mock: OrchestrationMock, webhook_receiver: WebhookReceiver) -> None:
    webhook_receiver.answer(503, times=1)
    transact(mock)
    wait_until(lambda: attempts(mock, status="to retry"))
    mock.control.advance(60)
    webhook_receiver.wait_for("ledger.committed_transactions", count=2)
    assert [a["statusCode"] for a in wait_until(lambda: len(attempts(mock)) == 2 and attempts(mock))] == [503, 200]


def test_webhooks_listen_registers_itself_and_prints_verified_deliveries(mock: OrchestrationMock) -> None:
    command = [sys.executable, "-m", "mockserver", "webhooks", "listen", "--port", "0", "--register", mock.url]
    command += ["--event-type", "shop.order_paid"]
    listener = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert listener.stdout is not None
        lines = [listener.stdout.readline() for _ in range(2)]
        assert lines[0].startswith("registered config ") and "shop.order_paid" in lines[0]
        assert re.match(r"listening on http://127\.0\.0\.1:\d+/webhooks", lines[1])
        mock.control.publish("ORDER_PAID", {"order": "o-1"}, app="shop")
        head = listener.stdout.readline()
        assert "shop.order_paid" in head and "signature verified" in head
        body = "".join(listener.stdout.readline() for _ in range(9))
        assert '"order": "o-1"' in body
    finally:
        listener.terminate()
        listener.wait(timeout=10)
    deadline = time.monotonic() + 5
    while HTTP.get(mock.url + "/api/webhooks/configs", headers={"Authorization": f"Bearer {mock.token}"}).json()[
        "cursor"
    ]["data"]:
        assert time.monotonic() < deadline, "the listener did not delete its config when stopped"
        time.sleep(0.05)
