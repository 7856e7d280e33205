"""Checks of what a webhooks implementation POSTs to the receiver the suite started (`transport/receiver.py`).

Each takes the API exchange that set the delivery off (the test call, or the config's creation when a bus
event did), so the failure's curl reproduces it, and the deliveries that arrived.

* ``delivery_arrives``: a test call, or an event a config listens to, reaches the endpoint;
* ``delivery_well_formed``: a POST with the documented headers (`Formance-Webhook-Id`, `-Timestamp`,
  `-Signature`, `-Test`) and body (`{"data":"test"}` for a test, the event's envelope otherwise);
* ``delivery_signed``: the signature is `v1,` + base64 HMAC-SHA256 of `<id>.<timestamp>.<body>` keyed with
  the config's current secret;
* ``inactive_not_delivered``: an inactive config, or one whose event types do not match, receives nothing.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from contract_tests.checks.registry import check
from contract_tests.core.errors import Violation
from contract_tests.oracle.webhooks_model import signature_valid
from contract_tests.transport.receiver import Delivery

if TYPE_CHECKING:
    from contract_tests.transport.client import Exchange

__all__: list[str] = []

HEADERS = ("formance-webhook-id", "formance-webhook-timestamp", "formance-webhook-signature", "formance-webhook-test")
EVENT_KEYS = ("idempotency_key", "date", "app", "version", "type", "payload")


def _shown(delivery: Delivery) -> str:
    headers = {k: v for k, v in delivery.headers.items() if k.startswith("formance-") or k == "content-type"}
    return f"{delivery.method} {delivery.path} {headers} {delivery.body[:300]!r}"


@check(kind="scenario", service="webhooks")
def delivery_arrives(ex: Exchange, *, deliveries: list[Delivery], why: str) -> None:
    """A test call, or an event a config listens to, is POSTed to the config's endpoint."""
    if not deliveries:
        raise Violation(f"nothing delivered: {why}", expected=f"a delivery ({why})", actual="(none)", kind="none")


@check(kind="scenario", service="webhooks")
def delivery_well_formed(ex: Exchange, *, delivery: Delivery, test: bool, event_type: str | None = None) -> None:
    """A delivery is a POST with the documented headers and body."""
    problems = [] if delivery.method == "POST" else [f"method {delivery.method}"]
    problems += [f"no {name}" for name in HEADERS if not delivery.header(name)]
    if delivery.header("formance-webhook-test") not in (None, "true" if test else "false"):
        problems.append(f"Formance-Webhook-Test {delivery.header('formance-webhook-test')}")
    if not (delivery.header("content-type") or "").startswith("application/json"):
        problems.append("not application/json")
    try:
        body: Any = json.loads(delivery.body)
    except ValueError:
        body = None
    if test and body != {"data": "test"}:
        problems.append('body is not {"data":"test"}')
    if not test and (not isinstance(body, dict) or any(k not in body for k in EVENT_KEYS)):
        problems.append(f"body lacks one of {EVENT_KEYS}")
    elif not test and event_type is not None and body.get("type") != event_type:
        problems.append(f"type {body.get('type')!r}, not the matched {event_type!r}")
    if problems:
        raise Violation(
            f"malformed delivery: {', '.join(problems)}",
            expected="POST, Content-Type application/json, Formance-Webhook-Id/-Timestamp/-Signature/-Test, "
            + ('{"data":"test"}' if test else "the event's envelope"),
            actual=_shown(delivery),
            kind=", ".join(problems),
        )


@check(kind="scenario", service="webhooks")
def delivery_signed(ex: Exchange, *, delivery: Delivery, secret: str) -> None:
    """The signature verifies with the config's current secret (v1, base64 HMAC-SHA256 of id.timestamp.body)."""
    header = delivery.header("formance-webhook-signature") or ""
    webhook_id = delivery.header("formance-webhook-id") or ""
    timestamp = delivery.header("formance-webhook-timestamp") or ""
    if not signature_valid(header, webhook_id, timestamp, delivery.body, secret):
        raise Violation(
            "signature does not verify with the config's secret",
            expected="v1,<base64 HMAC-SHA256 of '<id>.<timestamp>.<body>' keyed with the secret string>",
            actual=f"{header!r}\n{_shown(delivery)}",
            kind="signature",
        )


@check(kind="scenario", service="webhooks")
def inactive_not_delivered(ex: Exchange, *, deliveries: list[Delivery], why: str) -> None:
    """An inactive config, or one not listening to the event's type, receives nothing."""
    if deliveries:
        raise Violation(
            f"delivered although {why}", expected=f"no delivery ({why})", actual=_shown(deliveries[0]), kind="sent"
        )
