"""What each stage of an instance is doing, read from the records the API already shows.

The inspector never reaches into the engine's private executions: a stage's state follows
from its status record, its history entry (whose ``input`` holds the resolved values, e.g.
the awaited event name or the delay) and its pending activity (``nextExecution`` is set
only while an activity waits for a retry). The result is plain JSON for the page.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from mockserver.core.timefmt import parse_rfc3339, timestamp
from mockserver.orchestration.domain.model import Activity, Instance, StageRun, StageStatus, Workflow
from mockserver.orchestration.engine.gotypes import later, parse_duration

# Instance and stage states, as the page colours them.
PENDING = "pending"
RUNNING = "running"
WAITING = "waiting"
RETRYING = "retrying"
DELAYED = "delayed"
DONE = "terminated"
FAILED = "error"


def stage_kind(workflow: Workflow | None, number: int) -> str:
    """The stage's kind (``send``, ``delay`` ...) as written in the definition."""
    stages = workflow.stages if workflow is not None else []
    if 0 <= number < len(stages) and isinstance(stages[number], dict) and stages[number]:
        return str(next(iter(stages[number])))
    return "?"


def instance_progress(instance: Instance, workflow: Workflow | None) -> dict[str, Any]:
    """The instance's overall state and one entry per stage of its workflow."""
    total = len(workflow.stages) if workflow is not None else len(instance.status)
    stages = [_stage(instance, workflow, record) for record in instance.status]
    stages += [
        {"number": n, "kind": stage_kind(workflow, n), "state": PENDING, "label": "pending"}
        for n in range(len(instance.status), total)
    ]
    if instance.terminated:
        state = FAILED if instance.error else DONE
        label = f"error: {instance.error}" if instance.error else "terminated"
    else:
        current = next((s for s in stages if s["state"] not in (DONE, PENDING)), None)
        state = current["state"] if current else RUNNING
        label = current["label"] if current else "starting"
    return {"state": state, "label": label, "stages": stages}


def _stage(instance: Instance, workflow: Workflow | None, record: StageStatus) -> dict[str, Any]:
    number = record.stage
    out: dict[str, Any] = {
        "number": number,
        "kind": stage_kind(workflow, number),
        "startedAt": timestamp(record.started_at),
    }
    if record.terminated_at is not None:
        out["terminatedAt"] = timestamp(record.terminated_at)
        if record.error:
            out.update(state=FAILED, label=f"error: {record.error}", error=record.error)
        else:
            out.update(state=DONE, label="terminated")
        return out
    run = _history_entry(instance, number)
    pending = _pending_activity(instance.activities.get(number, []))
    if pending is not None:
        assert pending.next_execution is not None
        out.update(
            state=RETRYING,
            label=f"retrying {pending.name}: attempt {pending.attempt}, last failure: {pending.last_failure}",
            activity=pending.name,
            attempt=pending.attempt,
            lastFailure=pending.last_failure,
            nextAttempt=timestamp(pending.next_execution),
        )
    elif out["kind"] == "wait_event" and run is not None:
        event = str(run.input.get("event", ""))
        out.update(state=WAITING, label=f"waiting for event {event}", waitingFor=event)
    elif out["kind"] == "delay" and run is not None and (until := _delay_end(run)) is not None:
        out.update(state=DELAYED, label=f"delayed until {timestamp(until)}", until=timestamp(until))
    else:
        out.update(state=RUNNING, label="running")
    return out


def _history_entry(instance: Instance, number: int) -> StageRun | None:
    # Stages run in order and the first failure ends the instance, so a running stage's
    # history entry, when it has one, is at the same index as its number.
    return instance.history[number] if number < len(instance.history) else None


def _pending_activity(activities: list[Activity]) -> Activity | None:
    last = activities[-1] if activities else None
    if last is None or last.terminated or last.next_execution is None:
        return None
    return last


def _delay_end(run: StageRun) -> datetime | None:
    """When a delay stage ends: ``duration`` after its start, else ``until`` (as the stage code decides)."""
    try:
        if run.input.get("duration"):
            nanos = parse_duration(str(run.input["duration"]))
            return later(run.started_at, timedelta(microseconds=nanos // 1000))
        if run.input.get("until"):
            return parse_rfc3339(str(run.input["until"]))
    except ValueError:
        return None
    return None
