"""The 24 behavioural invariants of BEHAVIOR.md §10, one test each, against a running mock."""

from __future__ import annotations

import uuid

import httpx

from tests.support import Api

SEND_WORLD_BANK = {
    "send": {
        "source": {"account": {"id": "world", "ledger": "default"}},
        "destination": {"account": {"id": "bank", "ledger": "default"}},
        "amount": {"amount": 100, "asset": "EUR/2"},
    }
}


def workflow(api: Api, *stages: dict, name: str = "inv") -> str:
    return api.post("/workflows", json={"name": name, "stages": list(stages)}).json()["data"]["id"]


def run(api: Api, wf: str, variables: dict | None = None) -> dict:
    reply = api.post(f"/workflows/{wf}/instances", json=variables or {})
    assert reply.status_code == 201
    return reply.json()["data"]


def read(api: Api, instance_id: str) -> dict:
    return api.get(f"/instances/{instance_id}").json()["data"]


def trigger(api: Api, wf: str, **fields: object) -> dict:
    reply = api.post("/triggers", json={"event": "SAVED_PAYMENT", "workflowID": wf, **fields})
    assert reply.status_code == 201, reply.text
    return reply.json()["data"]


def occurrences(api: Api, trigger_id: str) -> list[dict]:
    return api.get(f"/triggers/{trigger_id}/occurrences").json()["data"]


def test_01_info_is_raw_other_bodies_have_data_and_204s_are_empty(api: Api) -> None:
    info = api.get("/_info")
    assert list(info.json()) == ["version"]
    wf = workflow(api)
    assert "data" in api.get(f"/workflows/{wf}").json()
    deleted = api.delete(f"/workflows/{wf}")
    assert deleted.status_code == 204 and deleted.content == b""


def test_02_error_codes_match_statuses(api: Api) -> None:
    assert api.post("/workflows", json={"stages": 1}).json()["errorCode"] == "VALIDATION"
    assert api.get(f"/workflows/{uuid.uuid4()}").json()["errorCode"] == "NOT_FOUND"


def test_03_created_workflow_reads_back_equal(api: Api) -> None:
    created = api.post("/workflows", json={"name": "x", "stages": [SEND_WORLD_BANK]}).json()["data"]
    assert created["id"]
    read_back = api.get(f"/workflows/{created['id']}").json()["data"]
    assert read_back["id"] == created["id"] and read_back["config"] == created["config"]
    assert read_back["createdAt"] == created["createdAt"]


def test_04_created_workflow_listed_once_then_absent_after_delete(api: Api) -> None:
    wf = workflow(api)
    assert [w["id"] for w in api.get("/workflows").json()["data"]].count(wf) == 1
    api.delete(f"/workflows/{wf}")
    assert wf not in [w["id"] for w in api.get("/workflows").json()["data"]]


def test_05_delete_random_uuid_404_and_non_uuid_400(api: Api) -> None:
    assert api.delete(f"/workflows/{uuid.uuid4()}").json()["errorCode"] == "NOT_FOUND"
    assert api.delete("/workflows/not-a-uuid").json()["errorCode"] == "VALIDATION"


def test_06_invalid_definitions_rejected_and_not_listed(api: Api) -> None:
    for stages in ([{"nope": {}}], [{}], [{"noop": {}, "delay": {"duration": "1s"}}]):
        assert api.post("/workflows", json={"stages": stages}).status_code == 400
    assert api.get("/workflows").json()["data"] == []


def test_07_run_gives_the_instance_readable_by_id(api: Api) -> None:
    wf = workflow(api, SEND_WORLD_BANK)
    started = run(api, wf)
    assert started["workflowID"] == wf and started["id"] and isinstance(started["terminated"], bool)
    assert read(api, started["id"])["id"] == started["id"]


def test_08_workflow_filter_returns_exactly_its_instances(api: Api) -> None:
    first, second = workflow(api), workflow(api)
    mine = {run(api, first)["id"], run(api, first)["id"]}
    run(api, second)
    listed = api.get("/instances", params={"workflowID": first}).json()["data"]
    assert {i["id"] for i in listed} == mine and all(i["workflowID"] == first for i in listed)


def test_09_running_filter_is_a_subset_without_terminated(api: Api) -> None:
    run(api, workflow(api, {"wait_event": {"event": "e"}}))
    run(api, workflow(api))
    everything = {i["id"] for i in api.get("/instances").json()["data"]}
    running = api.get("/instances", params={"running": "true"}).json()["data"]
    assert {i["id"] for i in running} < everything and not any(i["terminated"] for i in running)
    assert {i["id"] for i in api.get("/instances", params={"running": "false"}).json()["data"]} == everything


def test_10_instances_of_a_deleted_workflow_leave_lists_but_stay_readable(api: Api) -> None:
    wf = workflow(api)
    started = run(api, wf)
    api.delete(f"/workflows/{wf}")
    assert started["id"] not in {i["id"] for i in api.get("/instances").json()["data"]}
    assert api.get(f"/instances/{started['id']}").status_code == 200


def test_11_zero_stage_instance_terminates_without_error_status_or_history(api: Api) -> None:
    done = read(api, run(api, workflow(api))["id"])
    assert done["terminated"] and done["terminatedAt"] and "error" not in done and "status" not in done
    assert api.get(f"/instances/{done['id']}/history").json()["data"] == []


def test_12_terminated_instance_status_is_gapless_and_error_is_the_last(api: Api) -> None:
    ok = read(api, run(api, workflow(api, {"noop": {}}, SEND_WORLD_BANK))["id"])
    assert ok["terminatedAt"] >= ok["createdAt"]
    assert [s["stage"] for s in ok["status"]] == [0, 1] and all("terminatedAt" in s for s in ok["status"])
    bad_send = {"send": {"source": {"payment": {"id": "p"}}, "destination": {"payment": {"psp": "stripe"}}}}
    failed = read(api, run(api, workflow(api, {"noop": {}}, bad_send, {"noop": {}}))["id"])
    assert [s["stage"] for s in failed["status"]] == [0, 1]
    assert "error" not in failed["status"][0] and failed["status"][1]["error"] == failed["error"]


def test_13_wait_event_ignores_other_names_then_completes(api: Api) -> None:
    started = run(api, workflow(api, {"wait_event": {"event": "go"}}))
    api.post(f"/instances/{started['id']}/events", json={"name": "stop"})
    assert read(api, started["id"])["terminated"] is False
    assert api.get(f"/instances/{started['id']}/history").json()["data"][0]["terminated"] is False
    assert api.post(f"/instances/{started['id']}/events", json={"name": "go"}).status_code == 204
    done = read(api, started["id"])
    assert done["terminated"] and "error" not in done


def test_14_event_to_a_terminated_instance_is_rejected(api: Api) -> None:
    started = run(api, workflow(api))
    assert api.post(f"/instances/{started['id']}/events", json={"name": "go"}).status_code >= 400


def test_15_stage_history_beyond_started_is_404_and_world_to_bank_is_one_transaction(
    api: Api, ledger: httpx.Client
) -> None:
    started = run(api, workflow(api, SEND_WORLD_BANK))
    assert api.get(f"/instances/{started['id']}/stages/1/history").status_code == 404
    entries = api.get(f"/instances/{started['id']}/stages/0/history").json()["data"]
    assert [(e["name"], e["attempt"], e["terminated"]) for e in entries] == [("CreateTransaction", 1, True)]
    assert ledger.get("/v2/default/stats").json()["data"]["transactions"] == 1
    both = [("expand", "volumes"), ("expand", "effectiveVolumes")]  # a single read takes each value whole
    booked = ledger.get("/v2/default/transactions/1", params=both).json()["data"]
    assert entries[0]["output"]["CreateTransaction"]["data"] == booked


def test_16_stage_history_attempts_and_pending_fields(api: Api, control: httpx.Client) -> None:
    control.post("/fixtures", json={"ledgers": {"default": {"accounts": {"poor": {"balances": {}}}}}})
    send = {
        "send": {
            "source": {"account": {"id": "poor"}},
            "destination": {"account": {"id": "bank"}},
            "amount": {"amount": 1, "asset": "EUR/2"},
        }
    }
    started = run(api, workflow(api, {"noop": {}}, SEND_WORLD_BANK, send))
    for number in (1, 2):
        entries = api.get(f"/instances/{started['id']}/stages/{number}/history").json()["data"]
        for entry in entries:
            assert entry["attempt"] >= 1
            if entry["terminated"]:
                assert "terminatedAt" in entry and "nextExecution" not in entry
        assert all("nextExecution" not in e and "lastFailure" not in e for e in entries[:-1])
    pending = api.get(f"/instances/{started['id']}/stages/2/history").json()["data"][-1]
    assert pending["terminated"] is False and pending["nextExecution"] and pending["lastFailure"]


def test_17_trigger_creation_checks(api: Api) -> None:
    wf = workflow(api)
    assert api.post("/triggers", json={"workflowID": wf}).json()["errorCode"] == "VALIDATION"
    assert api.post("/triggers", json={"event": "E"}).json()["errorCode"] == "VALIDATION"
    assert api.post("/triggers", json={"event": "E", "workflowID": wf, "filter": "a =="}).status_code == 400
    assert api.post("/triggers", json={"event": "E", "workflowID": str(uuid.uuid4())}).json()["errorCode"] == (
        "NOT_FOUND"
    )


def test_18_trigger_reads_back_and_is_listed(api: Api) -> None:
    created = trigger(api, workflow(api), name="n", filter="event.amount > 1", vars={"a": "event.id"})
    read_back = api.get(f"/triggers/{created['id']}").json()["data"]
    for key in ("id", "event", "workflowID", "filter", "vars", "name"):
        assert read_back[key] == created[key]
    assert created["id"] in [t["id"] for t in api.get("/triggers").json()["data"]]


def test_19_deleted_trigger_is_gone(api: Api) -> None:
    created = trigger(api, workflow(api))
    assert api.delete(f"/triggers/{created['id']}").status_code == 204
    assert api.get(f"/triggers/{created['id']}").status_code == 404
    assert created["id"] not in [t["id"] for t in api.get("/triggers").json()["data"]]
    assert api.delete(f"/triggers/{created['id']}").status_code == 404


def test_20_new_trigger_has_no_occurrences(api: Api) -> None:
    assert occurrences(api, trigger(api, workflow(api))["id"]) == []


def test_21_matching_events_add_exactly_one_occurrence(api: Api, control: httpx.Client) -> None:
    wf = workflow(api)
    created = trigger(api, wf, filter="event.amount > 10")
    for event_type, amount in (("OTHER", 50), ("SAVED_PAYMENT", 5), ("SAVED_PAYMENT", 50)):
        control.post(
            "/events", json={"type": event_type, "payload": {"id": f"p{amount}{event_type}", "amount": amount}}
        )
    found = occurrences(api, created["id"])
    assert len(found) == 1 and "error" not in found[0]
    assert read(api, found[0]["workflowInstanceID"])["workflowID"] == wf
    non_bool = trigger(api, wf, filter="event.amount")
    failing = trigger(api, wf, filter="event.missing.deeper == 1")
    control.post("/events", json={"type": "SAVED_PAYMENT", "payload": {"id": "p-new", "amount": 50}})
    assert occurrences(api, non_bool["id"]) == [] and occurrences(api, failing["id"]) == []


def test_22_occurrence_has_error_exactly_when_it_has_no_instance(api: Api, control: httpx.Client) -> None:
    created = trigger(api, workflow(api), vars={"name": 'link(event, "unknown").name'})
    control.post("/events", json={"type": "SAVED_PAYMENT", "payload": {"id": "p1"}})
    (found,) = occurrences(api, created["id"])
    assert found["error"] and "workflowInstanceID" not in found and "workflowInstance" not in found
    assert "link 'unknown' not defined" in found["error"]


def test_23_second_saved_payment_with_the_same_id_adds_nothing(api: Api, control: httpx.Client) -> None:
    created = trigger(api, workflow(api))
    for _ in range(2):
        control.post("/events", json={"type": "SAVED_PAYMENT", "payload": {"id": "same"}})
    assert len(occurrences(api, created["id"])) == 1


def test_24_trigger_vars_reach_the_run(api: Api, control: httpx.Client) -> None:
    send = {
        "send": {
            "source": {"account": {"id": "world"}},
            "destination": {"account": {"id": "bank"}},
            "amount": {"amount": "${amount}", "asset": "EUR/2"},
        }
    }
    created = trigger(api, workflow(api, send), vars={"amount": "event.amount"})
    control.post("/events", json={"type": "SAVED_PAYMENT", "payload": {"id": "big", "amount": 1000000}})
    (found,) = occurrences(api, created["id"])
    history = api.get(f"/instances/{found['workflowInstanceID']}/history").json()["data"]
    assert history[0]["input"]["amount"]["amount"] == 1000000
