"""The official Python SDK (formance_sdk_python 9.x) drives every ``sdk.webhooks.v1`` operation of
v2.3.2 against the mock, unchanged; the five operations of later releases get the release's 404."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from formance_sdk_python import SDK
from formance_sdk_python.models import shared, webhooks

from mockserver.testing import OrchestrationMock
from mockserver.webhooks.receiver import Receiver
from tests.webhooks.support import docs_verify, transact

SECRET = "V0bivxRWveaoz08afqjU6Ko/jwO0Cb+3"


@pytest.fixture
def sdk(mock: OrchestrationMock) -> SDK:
    return SDK(server_url=mock.url, security=shared.Security(client_id="sdk", client_secret="sdk"))


@pytest.fixture
def endpoint() -> Iterator[Receiver]:
    with Receiver().running() as receiver:
        yield receiver


def test_every_v2_3_2_operation_through_the_sdk(sdk: SDK, mock: OrchestrationMock, endpoint: Receiver) -> None:
    hooks = sdk.webhooks.v1
    created = hooks.insert_config(
        request={"endpoint": endpoint.url + "/hooks", "event_types": ["LEDGER.COMMITTED_TRANSACTIONS"]}
    ).config_response.data
    assert created.active and created.event_types == ["ledger.committed_transactions"] and len(created.secret) == 32
    endpoint.secrets.append(created.secret)

    listed = hooks.get_many_configs(request={}).configs_response.cursor
    assert listed.has_more is False and [c.id for c in listed.data] == [created.id]
    by_endpoint = hooks.get_many_configs(request={"endpoint": endpoint.url + "/hooks"}).configs_response
    assert [c.id for c in by_endpoint.cursor.data] == [created.id]

    attempt = hooks.test_config(request={"id": created.id}).attempt_response.data
    assert (attempt.status, attempt.status_code, attempt.payload) == ("success", 200, '{"data":"test"}')

    transact(mock)
    (delivery,) = endpoint.wait_for("ledger.committed_transactions")
    assert docs_verify(delivery.headers, delivery.body, created.secret)

    off = hooks.deactivate_config(request={"id": created.id}).config_response.data
    assert off.active is False and off.updated_at == created.updated_at
    on = hooks.activate_config(request={"id": created.id}).config_response.data
    assert on.active is True

    changed = hooks.change_config_secret(request={"id": created.id, "config_change_secret": {"secret": SECRET}})
    assert changed.config_response.data.secret == SECRET
    generated = hooks.change_config_secret(request={"id": created.id})  # no body at all
    assert generated.config_response.data.secret not in (SECRET, created.secret)

    updated = hooks.update_config(
        request={
            "id": created.id,
            "config_user": {"endpoint": endpoint.url + "/v2", "event_types": ["a"], "secret": SECRET},
        }
    )
    assert updated.status_code == 200
    (stored,) = hooks.get_many_configs(request={"id": created.id}).configs_response.cursor.data
    assert (stored.endpoint, stored.event_types, stored.secret) == (endpoint.url + "/v2", ["a"], SECRET)

    assert hooks.delete_config(request={"id": created.id}).status_code == 200
    with pytest.raises(webhooks.ErrorResponse) as missing:
        hooks.delete_config(request={"id": created.id})
    assert missing.value.data.error_code == webhooks.ErrorsEnum.NOT_FOUND
    assert missing.value.data.error_message == "config not found"


def test_the_sdk_reads_validation_errors(sdk: SDK) -> None:
    with pytest.raises(webhooks.ErrorResponse) as refused:
        sdk.webhooks.v1.insert_config(request={"endpoint": "http://localhost:1/h", "event_types": [""]})
    assert refused.value.data.error_code == webhooks.ErrorsEnum.VALIDATION
    assert refused.value.data.error_message == "invalid config: eventTypes should be filled"


@pytest.mark.parametrize(
    ("method", "request_"),
    [
        ("get_deliveries", {}),
        ("get_delivery", {"id": "d"}),
        ("get_delivery_attempts", {"id": "d"}),
        ("replay_delivery", {"id": "d", "idempotency_key": "k"}),
        (
            "replay_deliveries",
            {"idempotency_key": "k", "replay_deliveries_request": {"created_at_from": "2025-01-01T00:00:00Z"}},
        ),
    ],
)
def test_operations_of_later_releases_are_unknown_routes(sdk: SDK, method: str, request_: dict) -> None:
    with pytest.raises(webhooks.ErrorResponse) as unknown:
        getattr(sdk.webhooks.v1, method)(request=request_)
    assert unknown.value.data.error_code == webhooks.ErrorsEnum.NOT_FOUND
    assert unknown.value.data.error_message == "no such route"
