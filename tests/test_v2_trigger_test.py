"""testTrigger says what firing does: for a generated trigger and payload, the answer of
``POST /v2/triggers/{id}/test`` predicts whether publishing the payload records an
occurrence, whether that occurrence started an instance or failed, and with which variables."""

from __future__ import annotations

from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract_tests.generation.strategies import bus_events, trigger_cases
from tests.support import Api

PAYLOAD_KEYS = ("id", "type", "status", "amount", "asset", "reference", "metadata")


@st.composite
def cases(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    body, _ = draw(trigger_cases(workflow_id="placeholder"))
    payload = draw(bus_events())["payload"]
    for key in draw(st.sets(st.sampled_from(PAYLOAD_KEYS), max_size=2)):
        payload.pop(key)  # a missing field makes filters and vars fail as they would for real
    if draw(st.booleans()):
        payload["amount"] = draw(st.sampled_from(["12", None, 3.5, [1]]))  # and a field of another type
    return body, payload


@settings(max_examples=40, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=cases())
def test_what_the_test_answer_says_is_what_firing_does(api: Api, mock_server: Any, case: tuple[dict, dict]) -> None:
    body, payload = case
    httpx.post(mock_server.url + "/_mock/reset").raise_for_status()
    names = sorted(body.get("vars", {}))
    template = "|".join(f"${{{name}}}" for name in names) or "go"
    flow = api.post("/v2/workflows", json={"stages": [{"wait_event": {"event": template}}]}).json()["data"]["id"]
    trigger = api.post("/v2/triggers", json={**body, "workflowID": flow}).json()["data"]["id"]

    said = api.post(f"/v2/triggers/{trigger}/test", json=payload).json()["data"]
    published = httpx.post(mock_server.url + "/_mock/events", json={"type": body["event"], "payload": payload})
    assert published.status_code == 202
    occurrences = api.get(f"/v2/triggers/{trigger}/occurrences").json()["cursor"]["data"]

    matched = "filter" not in said or said["filter"]["match"]
    assert ("filter" in said) == ("filter" in body)
    if not matched:
        assert occurrences == [] and "variables" not in said
        return
    assert len(occurrences) == 1
    occurrence = occurrences[0]
    variables = said.get("variables") or {}
    assert sorted(variables) == names
    errors = [v["error"] for v in variables.values() if "error" in v]
    if errors:
        assert "workflowInstanceID" not in occurrence and occurrence["error"] in errors
        return
    assert "error" not in occurrence
    history = api.get(f"/v2/instances/{occurrence['workflowInstanceID']}/history").json()["data"]
    expected = "|".join(variables[name]["value"] for name in names) or "go"
    assert history[0]["input"] == {"event": expected}
