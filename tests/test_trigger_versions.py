"""Trigger ``version`` (flows v2.6.0): stored, returned, and matched against the bus envelope's version.

The release compares in SQL (``internal/triggers/activities.go``, ``ListTriggers``): a trigger with a
NULL version hears every event of its type, one with a version only events whose envelope ``version``
is exactly that string. Duplicate suppression runs before, testTrigger never looks at it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from mockserver.core.bus import EventBus
from mockserver.core.clock import ManualClock
from mockserver.core.ids import IdSource
from mockserver.ledger.service import LedgerService
from mockserver.orchestration.service import Orchestration
from mockserver.testing import ControlClient
from tests.support import Api, RunningMock, running_mock, token_for
from tests.test_engine_harness import Harness

PAYLOAD = {"id": "pay_1", "amount": 10}


def _fired(h: Harness, trigger_version: str | None, event_version: str) -> bool:
    workflow = h.workflow({"noop": {}})
    trigger = h.trigger("CUSTOM", workflow, version=trigger_version)
    h.engine.publish_bus_event("CUSTOM", dict(PAYLOAD), version=event_version)
    return bool(h.store.occurrences_by_trigger.get(trigger.id))


@pytest.mark.parametrize("quirks", ["spec", "real"])
@pytest.mark.parametrize(
    ("trigger_version", "event_version", "fires"),
    [
        (None, "v2", True),
        (None, "", True),
        (None, "anything", True),
        ("v2", "v2", True),
        ("v2", "V2", False),
        ("v2", "v2.0.0", False),
        ("v2", "2", False),
        ("v2", " v2", False),
        ("v2", "v3", False),
        ("v2", "", False),
        ("", "", True),
        ("", "v2", False),
    ],
)
def test_a_version_matches_only_the_same_envelope_version(
    quirks: str, trigger_version: str | None, event_version: str, fires: bool
) -> None:
    assert _fired(Harness(quirks), trigger_version, event_version) is fires


def test_the_occurrence_keeps_the_envelope_with_its_version() -> None:
    h = Harness()
    workflow = h.workflow({"noop": {}})
    trigger = h.trigger("SAVED_PAYMENT", workflow, version="v3")
    h.trigger("SAVED_PAYMENT", workflow, version="v2")
    (occurrence,) = h.engine.publish_bus_event("SAVED_PAYMENT", dict(PAYLOAD))  # payments: v3
    assert occurrence.trigger_id == trigger.id
    assert occurrence.event["version"] == "v3" and occurrence.event["idempotency_key"] == ""


def test_duplicate_suppression_runs_before_the_version_match() -> None:
    h = Harness()
    workflow = h.workflow({"noop": {}})
    trigger = h.trigger("SAVED_PAYMENT", workflow, version="v3")
    assert h.engine.publish_bus_event("SAVED_PAYMENT", dict(PAYLOAD), version="v2") == []
    # The id was seen by the mismatched event: the matching one is dropped as a duplicate.
    assert h.engine.publish_bus_event("SAVED_PAYMENT", dict(PAYLOAD), version="v3") == []
    assert trigger.id not in h.store.occurrences_by_trigger


def test_ledger_events_travel_with_version_v2() -> None:
    clock, bus = ManualClock(), EventBus()
    ledger = LedgerService(clock=clock, bus=bus)
    service = Orchestration(clock=clock, ids=IdSource(7), quirks="spec", ledger=ledger, bus=bus)
    ledger.create_ledger("default")
    workflow = service.workflows.create({"stages": [{"noop": {}}]})
    listens = {"event": "COMMITTED_TRANSACTIONS", "workflowID": workflow.id}
    v2 = service.triggers.create({**listens, "version": "v2"})
    v1 = service.triggers.create({**listens, "version": "v1"})
    any_version = service.triggers.create(listens)
    posting = {"source": "world", "destination": "bank", "amount": 1, "asset": "EUR/2"}
    ledger.create_transaction("default", {"postings": [posting], "metadata": {}})
    service.engine.pump()
    assert len(service.triggers.occurrences(v2.id)) == 1 and service.triggers.occurrences(v1.id) == []
    assert len(service.triggers.occurrences(any_version.id)) == 1
    (occurrence,) = service.triggers.occurrences(v2.id)
    assert (occurrence.event["app"], occurrence.event["version"]) == ("ledger", "v2")


def test_test_trigger_ignores_the_version_and_agrees_with_a_matching_event() -> None:
    h = Harness()
    workflow = h.workflow({"noop": {}})
    trigger = h.trigger("CUSTOM", workflow, filter="event.amount > 5", vars={"amount": "event.amount"}, version="v9")
    tested = h.engine.triggers.test(trigger, dict(PAYLOAD))
    assert tested.filter is not None and tested.filter.value is True
    assert tested.variables is not None and tested.variables["amount"].value == "10"
    assert h.engine.publish_bus_event("CUSTOM", dict(PAYLOAD), version="v1") == []  # the test said match
    (occurrence,) = h.engine.publish_bus_event("CUSTOM", dict(PAYLOAD), version="v9")
    assert h.store.instances[occurrence.workflow_instance_id].variables == {"amount": "10"}


# --- over HTTP ------------------------------------------------------------------------


def _workflow(api: Api, prefix: str = "") -> str:
    return api.post(f"{prefix}/workflows", json={"stages": [{"noop": {}}]}).json()["data"]["id"]


@pytest.mark.parametrize("prefix", ["", "/v2"])
@pytest.mark.parametrize(("sent", "shown"), [("v2", "v2"), ("", ""), (None, None)])
def test_version_is_stored_and_returned(api: Api, prefix: str, sent: str | None, shown: str | None) -> None:
    body: dict[str, Any] = {"event": "SAVED_PAYMENT", "workflowID": _workflow(api, prefix), "version": sent}
    created = api.post(f"{prefix}/triggers", json=body)
    assert created.status_code == 201, created.text
    trigger = created.json()["data"]
    read = api.get(f"{prefix}/triggers/{trigger['id']}").json()["data"]
    listed = api.get(f"{prefix}/triggers").json()
    items = listed["data"] if not prefix else listed["cursor"]["data"]
    for view in (trigger, read, items[0]):
        assert view.get("version", None) == shown and ("version" in view) is (shown is not None)


def test_a_version_that_is_not_a_string_is_refused(api: Api) -> None:
    body = {"event": "SAVED_PAYMENT", "workflowID": _workflow(api), "version": 2}
    refused = api.post("/triggers", json=body)
    assert refused.status_code == 400 and refused.json()["errorCode"] == "VALIDATION"


def test_control_events_carry_a_version_that_triggers_match(api: Api, control: httpx.Client) -> None:
    wf = _workflow(api)
    ids = {
        version: api.post("/triggers", json={"event": "SAVED_PAYMENT", "workflowID": wf, "version": version}).json()[
            "data"
        ]["id"]
        for version in ("v3", "v4")
    }
    default = control.post("/events", json={"type": "SAVED_PAYMENT", "payload": {"id": "p1"}}).json()["data"]
    assert [o["triggerID"] for o in default["occurrences"]] == [ids["v3"]]  # payments publish v3
    assert default["occurrences"][0]["event"]["version"] == "v3"
    explicit = control.post("/events", json={"type": "SAVED_PAYMENT", "payload": {"id": "p2"}, "version": "v4"})
    assert [o["triggerID"] for o in explicit.json()["data"]["occurrences"]] == [ids["v4"]]
    shown = api.get(f"/triggers/{ids['v4']}/occurrences").json()["data"]
    assert [o["event"]["version"] for o in shown] == ["v4"]


def test_fixtures_put_back_a_trigger_version(api: Api, control: httpx.Client) -> None:
    document = {
        "workflows": [{"name": "w", "stages": [{"noop": {}}]}],
        "triggers": [
            {"event": "SAVED_PAYMENT", "workflow": "w", "version": "v3", "name": "payments"},
            {"event": "SAVED_PAYMENT", "workflow": "w", "version": None, "name": "any"},
            {"event": "SAVED_PAYMENT", "workflow": "w", "version": "v1", "createdAt": "2024-05-02T10:00:00Z"},
        ],
    }
    assert control.post("/fixtures", json=document).status_code == 201
    shown = {t.get("name"): t for t in api.get("/triggers").json()["data"]}
    assert shown["payments"]["version"] == "v3" and "version" not in shown["any"] and shown[""]["version"] == "v1"
    refused = control.post("/fixtures", json={**document, "triggers": [{**document["triggers"][0], "version": 3}]})
    assert refused.status_code == 400 and "version" in refused.json()["errorMessage"]


def test_a_state_file_keeps_versions_and_what_they_fired(tmp_path: Path) -> None:
    args = ("--clock", "manual", "--seed", "3", "--state-file", str(tmp_path / "state.jsonl"))
    with running_mock(*args) as first:
        api = Api(first.api, token_for(first.url))
        wf = api.post("/workflows", json={"stages": [{"noop": {}}]}).json()["data"]["id"]
        trigger = api.post("/triggers", json={"event": "CUSTOM", "workflowID": wf, "version": "v7"}).json()["data"]
        for version in ("v6", "v7"):
            body = {"type": "CUSTOM", "payload": {"n": version}, "version": version}
            httpx.post(first.url + "/_mock/events", json=body).raise_for_status()
        before = api.get(f"/triggers/{trigger['id']}/occurrences").json()["data"]
    with running_mock(*args) as second:
        api = Api(second.api, token_for(second.url))
        assert api.get(f"/triggers/{trigger['id']}").json()["data"]["version"] == "v7"
        after = api.get(f"/triggers/{trigger['id']}/occurrences").json()["data"]
    assert [o["event"]["version"] for o in after] == ["v7"] and after == before


def test_the_pytest_control_client_publishes_with_a_version(api: Api, mock_server: RunningMock) -> None:
    wf = _workflow(api)
    trigger = api.post("/triggers", json={"event": "CUSTOM", "workflowID": wf, "version": "v5"}).json()["data"]
    control = ControlClient(mock_server.url)
    assert control.publish("CUSTOM", {"n": 1}, version="v4")["occurrences"] == []
    (fired,) = control.publish("CUSTOM", {"n": 2}, app="billing", version="v5")["occurrences"]
    assert fired["triggerID"] == trigger["id"] and fired["event"]["app"] == "billing"
