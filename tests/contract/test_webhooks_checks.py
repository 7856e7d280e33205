"""The webhooks' oracle (validation, signatures, list order), receiver and checks, against fabricated inputs."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

import httpx
import pytest
from requests.structures import CaseInsensitiveDict
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode
from schemathesis.generation.case import Case
from schemathesis.generation.meta import (
    CaseMetadata,
    ComponentInfo,
    FuzzingPhaseData,
    GenerationInfo,
    PhaseInfo,
    TestPhase,
)

from contract_tests.checks import load_all
from contract_tests.core.errors import Violation
from contract_tests.oracle.webhooks_model import WebhooksModel, refusal, sign, signature_valid
from contract_tests.transport.client import Exchange
from contract_tests.transport.receiver import Delivery, Receiver
from tests.contract.fabricate import service_exchange

BASE = "http://127.0.0.1:9/api/webhooks"
CONFIG = "4997257d-dfb6-445b-929c-cbe2ab182818"
SECRET = "V0bivxRWveaoz08afqjU6Ko/jwO0Cb+3"


def exchange(operation_id: str, status: int, body: Any = None) -> Exchange:
    return service_exchange(BASE, "webhooks", CONFIG, operation_id, status, body)


def delivery(secret: str = SECRET, *, drop: str | None = None, test: bool = True) -> Delivery:
    body = b'{"data":"test"}'
    headers = {
        "content-type": "application/json",
        "formance-webhook-id": "0e8f2b1c-7a6d-4e5f-8c9b-1a2d3e4f5a6b",
        "formance-webhook-timestamp": "1714644000",
        "formance-webhook-test": "true" if test else "false",
    }
    headers["formance-webhook-signature"] = sign(headers["formance-webhook-id"], "1714644000", body, secret)
    return Delivery("POST", "/hooks/x", {k: v for k, v in headers.items() if k != drop}, body, 0.0)


@pytest.mark.parametrize(
    ("endpoint", "secret", "types", "refused"),
    [
        ("http://127.0.0.1:4000/hook", None, ["ledger.committed_transactions"], None),
        ("foo", SECRET, ["x"], None),  # no scheme needed
        ("", None, ["x"], "endpoint should be a valid url"),
        ("http://host:abc/", None, ["x"], "endpoint should be a valid url"),
        ("http://x/%zz", None, ["x"], "endpoint should be a valid url"),
        ("http://x/", "c2hvcnQ=", ["x"], "decoded secret should be of size 24"),
        ("http://x/", "%%%%", ["x"], "secret should be base64 encoded"),
        ("http://x/", "", [], "eventTypes should be filled"),
        ("http://x/", None, ["a", ""], "eventTypes should be filled"),
    ],
)
def test_refusal_follows_the_release(endpoint: str, secret: str | None, types: list[str], refused: str | None) -> None:
    assert refusal(endpoint, secret, types) == refused


def test_the_signature_is_the_documented_one() -> None:
    body = b'{"data":"test"}'
    digest = hmac.new(SECRET.encode(), b"id-1.1714644000." + body, hashlib.sha256).digest()
    assert sign("id-1", "1714644000", body, SECRET) == "v1," + base64.b64encode(digest).decode()
    assert signature_valid("v1,bogus " + sign("id-1", "1714644000", body, SECRET), "id-1", "1714644000", body, SECRET)
    assert not signature_valid(sign("id-1", "1714644000", body, "other"), "id-1", "1714644000", body, SECRET)


def test_the_model_orders_by_the_last_touch() -> None:
    m = WebhooksModel()
    for n in range(3):
        m.created({"id": f"c{n}", "endpoint": "e", "secret": SECRET, "updatedAt": "t"}, ["X"])
    m.set_active("c0", False)
    m.updated("c1", "e2", None, ["y"])  # an update does not move a config
    assert m.order({"c0", "c1", "c2"}) == ["c0", "c2", "c1"]
    assert not m.set_active("c2", True) and m.expected_view("c0")["eventTypes"] == ["x"]
    assert "secret" not in m.expected_view("c1")  # drawn by the server: unknown until listed


def test_the_receiver_keeps_what_arrives_on_its_own_port() -> None:
    with Receiver() as receiver:
        assert receiver.url.startswith("http://127.0.0.1:") and not receiver.url.endswith(":0")
        httpx.post(receiver.endpoint("a"), content=b"{}", headers={"Formance-Webhook-Id": "1"}).raise_for_status()
        got = receiver.wait_for("a", 1, 2.0)
        assert [(d.method, d.body, d.header("formance-webhook-id")) for d in got] == [("POST", b"{}", "1")]
        assert receiver.quiet("b", 0.05) == []


def test_delivery_checks_judge_headers_and_signatures() -> None:
    checks, ex = load_all(), exchange("testConfig", 200, {"data": {}})
    checks["delivery_well_formed"].fn(ex, delivery=delivery(), test=True)
    checks["delivery_signed"].fn(ex, delivery=delivery(), secret=SECRET)
    with pytest.raises(Violation, match="formance-webhook-timestamp"):
        checks["delivery_well_formed"].fn(ex, delivery=delivery(drop="formance-webhook-timestamp"), test=True)
    with pytest.raises(Violation, match="Formance-Webhook-Test"):
        checks["delivery_well_formed"].fn(ex, delivery=delivery(test=False), test=True)
    with pytest.raises(Violation, match="signature"):
        checks["delivery_signed"].fn(ex, delivery=delivery("9Gb8S/p0WnDqnbo2pDm/lStn4tj28Jpv"), secret=SECRET)
    with pytest.raises(Violation, match="inactive"):
        checks["inactive_not_delivered"].fn(ex, deliveries=[delivery()], why="the config is inactive")


def test_config_checks_judge_order_and_bodies() -> None:
    checks = load_all()
    item = {"id": CONFIG, "endpoint": "e", "secret": SECRET, "eventTypes": ["x"], "active": True}
    listed = exchange("getManyConfigs", 200, {"cursor": {"hasMore": False, "data": [item, {**item, "id": "b"}]}})
    checks["configs_newest_first"].fn(listed, order=[CONFIG, "b"])
    with pytest.raises(Violation, match="order"):
        checks["configs_newest_first"].fn(listed, order=["b", CONFIG])
    with pytest.raises(Violation, match="secret"):
        checks["config_matches_model"].fn(listed, expected={"id": CONFIG, "secret": "other"})
    checks["config_write_without_body"].fn(exchange("deleteConfig", 200), why="delete")
    with pytest.raises(Violation):
        checks["config_write_without_body"].fn(exchange("deleteConfig", 204), why="delete")


def _negative(sent: bytes, *parts: ParameterLocation, headers: dict[str, str] | None = None) -> Exchange:
    """changeConfigSecret answered 200 to a case Schemathesis generated invalid in `parts`, `sent` as its body."""
    answered = exchange("changeConfigSecret", 200, {"data": {}})
    meta = CaseMetadata(
        generation=GenerationInfo(time=0.0, mode=GenerationMode.NEGATIVE),
        components={part: ComponentInfo(mode=GenerationMode.NEGATIVE) for part in parts},
        phase=PhaseInfo(name=TestPhase.FUZZING, data=FuzzingPhaseData(None, None, None, None)),
    )
    st = answered.operation.st
    case = Case(
        st, st.method.upper(), st.path, path_parameters=answered.case.path_parameters,
        headers=CaseInsensitiveDict(headers or {}), meta=meta,
    )  # fmt: skip
    assert answered.response.request is not None
    answered.response.request.body = sent
    return Exchange(answered.operation, case, answered.response, "write")


@pytest.mark.parametrize(
    ("sent", "parts", "headers", "judged"),
    [
        # Go's decoder reads a blank body as none: the body is optional, so 200 is what the release answers.
        (b"\n", (ParameterLocation.BODY,), None, False),
        (b" \t", (ParameterLocation.BODY, ParameterLocation.HEADER), {"Authorization": "x"}, False),
        (b"", (ParameterLocation.BODY,), None, False),
        # Anything else invalid that reaches the server must still be refused.
        (b"{", (ParameterLocation.BODY,), None, True),
        (b"\x0c", (ParameterLocation.BODY,), None, True),  # a form feed is no JSON whitespace: Go refuses it
        (b"\n", (ParameterLocation.BODY, ParameterLocation.HEADER), {"Content-Type": "x"}, True),
        (b"\n", (ParameterLocation.BODY, ParameterLocation.PATH), None, True),
    ],
)
def test_a_blank_optional_body_is_no_invalid_request(
    sent: bytes, parts: tuple[ParameterLocation, ...], headers: dict[str, str] | None, judged: bool
) -> None:
    ex = _negative(sent, *parts, headers=headers)
    if judged:
        with pytest.raises(Violation, match=r"Schema-violating request accepted"):
            load_all()["negative_data_rejection"].fn(ex)
    else:
        load_all()["negative_data_rejection"].fn(ex)
