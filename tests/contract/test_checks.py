"""Each response check against tables of good and bad fabricated answers."""

from __future__ import annotations

from typing import Any

import pytest

from contract_tests.checks import load_all
from contract_tests.core.errors import Violation
from contract_tests.transport.client import Exchange
from tests.contract.fabricate import UUID, exchange, instance, stage, workflow

DONE = "2024-05-02T10:00:02Z"
LONG_AGO = "2000-01-01T00:00:00Z"
ERROR = {"errorCode": "NOT_FOUND", "errorMessage": "no"}

# (check, operation, status, body, holds)
TABLE: list[tuple[str, str, int, Any, bool]] = [
    ("documented_success_status", "createWorkflow", 201, {"data": workflow()}, True),
    ("documented_success_status", "createWorkflow", 200, {"data": workflow()}, False),
    ("documented_success_status", "deleteTrigger", 200, None, False),
    ("error_body", "getWorkflow", 404, ERROR, True),
    ("error_body", "getWorkflow", 404, {"errorCode": "VALIDATION", "errorMessage": "x"}, False),
    ("error_body", "getWorkflow", 401, None, False),
    ("error_body", "getWorkflow", 500, {"errorCode": "INTERNAL", "errorMessage": "x"}, True),
    ("envelope", "getServerInfo", 200, {"version": "develop"}, True),
    ("envelope", "getServerInfo", 200, {"data": {"version": "develop"}}, False),
    ("envelope", "getWorkflow", 200, workflow(), False),
    ("envelope", "deleteWorkflow", 204, {"data": None}, False),
    ("unique_ids", "listWorkflows", 200, {"data": [workflow(), workflow(id="other")]}, True),
    ("unique_ids", "listWorkflows", 200, {"data": [workflow(), workflow()]}, False),
    ("timestamps_ordered", "getInstance", 200, {"data": instance(terminated=True, terminatedAt=DONE)}, True),
    ("timestamps_ordered", "getInstance", 200, {"data": instance(terminated=True, terminatedAt=LONG_AGO)}, False),
    ("timestamps_ordered", "getWorkflow", 200, {"data": workflow(updatedAt="2024-05-02T09:00:00.123456789Z")}, False),
    ("timestamps_ordered", "getWorkflow", 200, {"data": workflow(updatedAt="2024-05-02T10:00:00.0000001Z")}, True),
    ("instance_status_consistent", "getInstance", 200,
     {"data": instance(terminated=True, terminatedAt=DONE, status=[stage(0, terminatedAt=DONE),
                                                                   stage(1, terminatedAt=DONE)])}, True),
    ("instance_status_consistent", "getInstance", 200,
     {"data": instance(status=[stage(0, terminatedAt=DONE), stage(2)])}, False),
    ("instance_status_consistent", "getInstance", 200,
     {"data": instance(terminated=True, terminatedAt=DONE, status=[stage(0)])}, False),
    ("instance_status_consistent", "getInstance", 200,
     {"data": instance(terminated=True, terminatedAt=DONE, error="boom",
                       status=[stage(0, terminatedAt=DONE, error="other")])}, False),
    ("instance_status_consistent", "getInstance", 200, {"data": instance(error="boom")}, False),
    ("history_consistent", "getInstanceHistory", 200,
     {"data": [{"name": "RunWaitEvent", "input": {"event": "go"}, "terminated": False, "startedAt": DONE}]}, True),
    ("history_consistent", "getInstanceHistory", 200,
     {"data": [{"name": "RunNoop", "input": {"event": "go"}, "terminated": True, "startedAt": DONE,
                "terminatedAt": DONE}]}, False),
    ("history_consistent", "getInstanceHistory", 200,
     {"data": [{"name": "RunNoop", "input": {}, "terminated": False, "startedAt": DONE},
               {"name": "RunNoop", "input": {}, "terminated": False, "startedAt": DONE}]}, False),
    ("stage_history_consistent", "getInstanceStageHistory", 200,
     {"data": [{"name": "GetWallet", "input": {"GetWallet": {"id": "w"}}, "terminated": False, "startedAt": DONE,
                "attempt": 3, "lastFailure": "x", "nextExecution": DONE}]}, True),
    ("stage_history_consistent", "getInstanceStageHistory", 200,
     {"data": [{"name": "GetWallet", "input": {"GetWallet": {"id": "w"}}, "terminated": True, "startedAt": DONE,
                "terminatedAt": DONE, "attempt": 1, "nextExecution": DONE}]}, False),
    ("stage_history_consistent", "getInstanceStageHistory", 200,
     {"data": [{"name": "CreateTransaction", "input": {"CreateTransaction": {}}, "output": {"data": {}},
                "terminated": True, "startedAt": DONE, "terminatedAt": DONE, "attempt": 1}]}, False),
    ("occurrence_consistent", "listTriggersOccurrences", 200,
     {"data": [{"triggerID": UUID, "date": DONE, "event": {}, "error": "boom"}]}, True),
    ("occurrence_consistent", "listTriggersOccurrences", 200,
     {"data": [{"triggerID": UUID, "date": DONE, "event": {}}]}, False),
    ("occurrence_consistent", "listTriggersOccurrences", 200,
     {"data": [{"triggerID": "another", "date": DONE, "event": {}, "error": "boom"}]}, False),
    ("response_schema_conformance", "createWorkflow", 201, {"data": workflow()}, True),
    ("response_schema_conformance", "createWorkflow", 201, {"data": {"config": {"stages": []}}}, False),
    ("not_a_server_error", "getWorkflow", 500, {"errorCode": "INTERNAL", "errorMessage": "x"}, False),
    ("status_code_conformance", "getWorkflow", 404, ERROR, True),
]  # fmt: skip


@pytest.mark.parametrize(("check", "operation", "status", "body", "holds"), TABLE)
def test_response_check(check: str, operation: str, status: int, body: Any, holds: bool) -> None:
    fn = load_all()[check].fn
    ex = exchange(operation, status, body)
    if holds:
        fn(ex)
    else:
        with pytest.raises(Violation):
            fn(ex)


def test_content_type_conformance_flags_text_plain() -> None:
    ex = exchange("listTriggers", 200, {"data": []}, content_type="text/plain")
    with pytest.raises(Violation):
        load_all()["content_type_conformance"].fn(ex)


def test_every_check_has_a_description_and_a_known_kind() -> None:
    for check in load_all().values():
        assert check.description and check.kind in ("request", "response", "scenario", "model", "auth", "stateful")


def test_status_checks_name_what_was_expected() -> None:
    ex = exchange("getWorkflow", 500, {"errorCode": "INTERNAL", "errorMessage": "x"})
    with pytest.raises(Violation) as caught:
        load_all()["unknown_resource_not_found"].fn(ex, expected=404, why="read an unknown workflow")
    assert "404" in caught.value.expected and "500" in caught.value.actual


def _sent(ex: Exchange, body: bytes, content_type: str = "application/json") -> Exchange:
    """The fabricated exchange as if its request had carried this body."""
    ex.response.request.body = body
    ex.response.request.headers["content-type"] = content_type
    return ex


@pytest.mark.parametrize(
    ("body", "content_type", "problem"),
    [
        (b'{"stages": []}', "application/json", None),
        (b'{"stages": []}', "application/json; charset=utf-8", None),
        (b'{"stages": 5}', "application/json", "body:"),
        (b"{", "application/json", "not JSON"),
        (b'{"stages": [NaN]}', "application/json", "not JSON"),
        (b'{"stages": []}', "text/plain", "content type"),
        (b"", "application/json", "required"),
    ],
)
def test_request_conforms_judges_the_body(body: bytes, content_type: str, problem: str | None) -> None:
    ex = _sent(exchange("createWorkflow", 201, {"data": workflow()}), body, content_type)
    if problem is None:
        load_all()["request_conforms"].fn(ex)
        return
    with pytest.raises(Violation) as caught:
        load_all()["request_conforms"].fn(ex)
    assert problem in caught.value.title


def test_request_conforms_judges_query_parameters_and_the_token() -> None:
    ex = exchange("listInstances", 200, {"data": []})
    ex.case.query = {"running": "true", "workflowID": UUID}
    load_all()["request_conforms"].fn(ex)
    ex.case.query = {"running": "maybe"}
    with pytest.raises(Violation, match="running"):
        load_all()["request_conforms"].fn(ex)
    ex.case.query = {}
    del ex.response.request.headers["Authorization"]
    with pytest.raises(Violation, match="no Authorization header"):
        load_all()["request_conforms"].fn(ex)


def test_instance_stays_terminated() -> None:
    done = instance(terminated=True, terminatedAt="2024-05-02T10:00:05Z")
    check = load_all()["instance_stays_terminated"].fn
    ex = exchange("getInstance", 200, {"data": done})
    check(ex, instance=done, before=done)
    check(ex, instance=instance(), before=instance())  # never seen terminated: nothing to hold
    with pytest.raises(Violation, match="terminated"):
        check(ex, instance=instance(), before=done)
