"""The official formance-sdk-python, unchanged, against the mock's ledger v2 exporters and
pipelines (served as the release serves them with `--experimental-exporters`).

The SDK (9.x, generated from the upstream spec) sends no token on these ten operations, and asks a
`ledger:read` token for runQuery, which the ledger checks as the write it is (a POST): with auth
on, the mock answers 401 and 403 there, as the release does with auth on (the last test pins
it). The other tests run on a mock started with `--auth off`, which is how such a client can use
these operations.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from formance_sdk_python import SDK
from formance_sdk_python.models.errors import SDKBaseError

from tests.ledger_sdk import LEDGER, book, ledger_sdk, refused
from tests.support import LEDGERS, RunningMock, running_mock


@pytest.fixture(scope="module")
def open_mock() -> Iterator[RunningMock]:
    with running_mock("--auth", "off", "--clock", "manual", "--seed", "7", "--fixtures", str(LEDGERS)) as server:
        yield server


@pytest.fixture
def sdk(open_mock: RunningMock) -> Iterator[SDK]:
    with ledger_sdk(open_mock, "sdk-ledger-open") as client:
        yield client


def test_exporters_and_the_pipelines_that_feed_them(sdk: SDK) -> None:
    v2 = sdk.ledger.v2
    config = {"url": "https://hooks.example.com/ledger"}
    created = v2.create_exporter(request={"driver": "http", "config": config})
    assert created.status_code == 201
    exporter = created.v2_create_exporter_response.data
    assert (exporter.driver, exporter.config) == ("http", config)
    assert v2.get_exporter_state(request={"exporter_id": exporter.id}).v2_get_exporter_state_response.data == exporter
    listed = v2.list_exporters().v2_exporters_cursor_response.cursor
    assert [e.id for e in listed.data] == [exporter.id] and (listed.page_size, listed.has_more) == (0, False)
    noop = {"driver": "noop", "config": {}}
    v2.update_exporter(request={"exporter_id": exporter.id, "v2_exporter_configuration": noop})
    updated = v2.get_exporter_state(request={"exporter_id": exporter.id}).v2_get_exporter_state_response.data
    assert (updated.id, updated.driver, updated.config) == (exporter.id, "noop", {})
    refused(lambda: v2.create_exporter(request={"driver": "http", "config": {}}), 400, "VALIDATION")  # no url

    book(sdk, ("world", "users:1", 10, "USD/2"))
    new = {"ledger": LEDGER, "v2_create_pipeline_request": {"exporter_id": exporter.id}}
    made = v2.create_pipeline(request=new)
    assert made.status_code == 201
    pipeline = made.v2_create_pipeline_response.data
    assert (pipeline.ledger, pipeline.exporter_id, pipeline.enabled) == (LEDGER, exporter.id, True)
    assert pipeline.last_log_id is None  # nothing pushed yet when it is created
    ids = {"ledger": LEDGER, "pipeline_id": pipeline.id}

    def pushed() -> int | None:
        return v2.get_pipeline_state(request=ids).v2_get_pipeline_state_response.data.last_log_id

    assert v2.get_pipeline_state(request=ids).v2_get_pipeline_state_response.data.id == pipeline.id
    assert pushed() == 1  # then it follows the ledger's last log
    pipelines = v2.list_pipelines(request={"ledger": LEDGER}).v2_pipelines_cursor_response.cursor
    assert [p.id for p in pipelines.data] == [pipeline.id] and (pipelines.page_size, pipelines.has_more) == (0, False)
    refused(lambda: v2.create_pipeline(request=new), 400, "VALIDATION")  # one per ledger and exporter

    refused(lambda: v2.start_pipeline(request=ids), 400, "VALIDATION")  # running since its creation
    assert v2.stop_pipeline(request=ids).status_code == 202
    refused(lambda: v2.stop_pipeline(request=ids), 404, "NOT_FOUND")  # no longer running
    book(sdk, ("world", "users:2", 10, "USD/2"))
    assert pushed() == 1  # stopped: log 2 waits
    assert v2.start_pipeline(request=ids).status_code == 202
    assert pushed() == 2
    assert v2.stop_pipeline(request=ids).status_code == 202
    assert v2.reset_pipeline(request=ids).status_code == 202
    assert pushed() is None  # from log 1 again, once started
    assert v2.start_pipeline(request=ids).status_code == 202
    assert pushed() == 2
    assert v2.get_pipeline_state(request=ids).v2_get_pipeline_state_response.data.enabled is True
    assert v2.delete_pipeline(request=ids).status_code == 204
    refused(lambda: v2.get_pipeline_state(request=ids), 404, "NOT_FOUND")

    # Deleting an exporter deletes its pipelines with it.
    v2.create_pipeline(request=new)
    assert v2.delete_exporter(request={"exporter_id": exporter.id}).status_code == 204
    refused(lambda: v2.get_exporter_state(request={"exporter_id": exporter.id}), 404, "NOT_FOUND")
    assert v2.list_pipelines(request={"ledger": LEDGER}).v2_pipelines_cursor_response.cursor.data == []
    assert v2.list_exporters().v2_exporters_cursor_response.cursor.data == []


def test_the_sdk_sends_no_token_on_them_and_a_read_token_for_run_query(mock_server: RunningMock) -> None:
    """On a mock with auth (the default), as on the release with auth on: 401 without a token,
    403 with a token of the wrong scope. The SDK raises its generic error there (its error enum
    has no UNAUTHORIZED or FORBIDDEN)."""
    with ledger_sdk(mock_server, "sdk-ledger-auth") as sdk:
        v2 = sdk.ledger.v2
        with pytest.raises(SDKBaseError) as anonymous:
            v2.list_exporters()
        assert anonymous.value.raw_response.status_code == 401
        assert anonymous.value.raw_response.json()["errorCode"] == "UNAUTHORIZED"
        assert "authorization" not in anonymous.value.raw_response.request.headers

        schema = {"chart": {}, "queries": {"ALL": {"resource": "accounts", "body": {}}}}
        v2.insert_schema(request={"ledger": LEDGER, "version": "v1", "v2_schema_data": schema})
        run = {"ledger": LEDGER, "id": "ALL", "schema_version": "v1", "request_body": {}}
        with pytest.raises(SDKBaseError) as read_only:
            v2.run_query(request=run)
        assert read_only.value.raw_response.status_code == 403
        assert read_only.value.raw_response.json()["errorCode"] == "FORBIDDEN"
