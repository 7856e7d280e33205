"""Stage code, written like the real child workflows: generators that yield commands.

Stage bodies yield the commands of ``commands.py``. The driver (``execution.py``) owns
time, retries and records; stage code only states the steps, which keeps the per-stage
rules readable and testable on their own. The send stage lives in ``send.py``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from mockserver.orchestration.engine.commands import AwaitSignal, Call, Sleep, StageBody
from mockserver.orchestration.engine.definitions import PreparedStage
from mockserver.orchestration.engine.gotypes import later
from mockserver.orchestration.engine.send import run_send


def run_delay(values: dict[str, Any], started_at: datetime) -> StageBody:
    """Sleep for ``duration`` or until ``until``; zero, negative or past values end at once."""
    if values["duration"] is not None:
        # Python datetimes hold microseconds: sub-microsecond parts of a duration are dropped.
        until = later(started_at, timedelta(microseconds=values["duration"] // 1000))
    else:
        until = values["until"]
    if until > started_at:
        yield Sleep(until)


def run_wait_event(values: dict[str, Any], started_at: datetime) -> StageBody:
    """Block until an event with this exact name is sent; other names are dropped."""
    yield AwaitSignal(values["event"])


def run_update(values: dict[str, Any], started_at: datetime) -> StageBody:
    """One ``AddAccountMetadata`` activity (no output); the ledger defaults to ``main``."""
    account = values["account"]
    request = {"ledger": account["ledger"], "id": account["id"], "metadata": dict(account["metadata"])}
    yield Call("AddAccountMetadata", request)


def run_noop(values: dict[str, Any], started_at: datetime) -> StageBody:
    """Completes at once, with no activities."""
    yield from ()


def stage_body(stage: PreparedStage, started_at: datetime, *, real: bool = False) -> StageBody:
    """The generator that runs ``stage``; ``real`` selects the real service's send rules."""
    if stage.type.name == "send":
        return run_send(stage.values, started_at, real=real)
    bodies = {
        "delay": run_delay,
        "wait_event": run_wait_event,
        "update": run_update,
        "noop": run_noop,
    }
    return bodies[stage.type.name](stage.values, started_at)
