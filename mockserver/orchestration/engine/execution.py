"""One instance's run: stages in order, activities with retries, and every record they leave.

Lifecycle per stage (§5.1): the ``StageStatus`` record is appended and
``STARTED_WORKFLOW_STAGE`` published *before* resolution; a resolution or requirement
failure fails the stage with no history entry and no activities; otherwise a history
entry ``Run<Name>`` starts and the stage body runs. The first failing stage terminates
the instance with that stage's error; a zero-stage workflow terminates at once, with no
status and no error.

Retries (§5.3, §5.6): a retryable failure re-runs the same activity after 1 s, 2 s,
4 s ... capped at 100 s, forever; meanwhile the activity is the pending last entry,
``attempt`` = failures + 1, with ``lastFailure`` and ``nextExecution``. A finished
activity always shows ``attempt: 1`` and neither of the other two.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from mockserver.core.clock import Clock
from mockserver.core.ids import IdSource
from mockserver.orchestration.domain.model import Activity, Instance, StageRun, StageStatus
from mockserver.orchestration.domain.store import Store
from mockserver.orchestration.engine.activities import ACTIVITY_TYPES, ActivityContext
from mockserver.orchestration.engine.bank import Bank
from mockserver.orchestration.engine.commands import (
    ActivityFailed,
    AwaitSignal,
    Call,
    Command,
    Sleep,
    StageBody,
    StageFailure,
)
from mockserver.orchestration.engine.definitions import StageError, prepare_stage
from mockserver.orchestration.engine.events import EventLog
from mockserver.orchestration.engine.failures import ActivityError, as_activity_error, backoff_seconds
from mockserver.orchestration.engine.gotypes import later
from mockserver.orchestration.engine.scheduler import Scheduler, Timer
from mockserver.orchestration.engine.stages import stage_body

CANCELED = "canceled"
ACTIVITY_ERROR = "activity error"


@dataclass(slots=True)
class Runtime:
    """What every execution shares: the engine's services, and the mode."""

    store: Store
    clock: Clock
    ids: IdSource
    bank: Bank
    events: EventLog
    scheduler: Scheduler
    real: bool
    on_finished: Callable[[Execution], None]


class State(Enum):
    """Where an execution stands; everything but READY and DONE is blocked on something."""

    READY = "ready"  # scheduled to run at once
    SLEEPING = "sleeping"  # a delay stage
    WAITING_EVENT = "waiting_event"  # a wait_event stage
    RETRYING = "retrying"  # an activity waits for its next attempt
    DONE = "done"


_BLOCKED = object()  # a command that suspends the stage body


class Execution:
    """Drives one instance: opens stages in order, steps their bodies, keeps the records."""

    def __init__(self, runtime: Runtime, instance: Instance, stages: list[Any]) -> None:
        self.rt = runtime
        self.instance = instance
        self.stages = stages
        self.state = State.READY
        self.waiting_for: str | None = None
        self._number = -1
        self._body: StageBody | None = None
        self._status: StageStatus | None = None
        self._run: StageRun | None = None
        self._pending: tuple[Activity, Call] | None = None
        self._failures = 0
        self._activities = 0  # activities started so far: each one's idempotency key
        self._timer: Timer | None = None

    # --- entry points ------------------------------------------------------------------
    def start(self) -> None:
        """Run the first stage as soon as the scheduler is pumped (never synchronously)."""
        self._wake_at(self.rt.clock.now(), lambda: self._advance(None, None))

    def signal(self, name: str) -> bool:
        """Deliver an event to a waiting wait_event stage; returns whether it matched.

        A non-matching name is dropped and the stage keeps waiting. The stage resumes at
        the next pump, like every other step."""
        if self.state is not State.WAITING_EVENT or name != self.waiting_for:
            return False
        self.waiting_for = None
        self.state = State.READY
        self._wake_at(self.rt.clock.now(), lambda: self._advance(None, None))
        return True

    def abort(self) -> None:
        """Stop now: the open stage, its pending activity and the instance end ``canceled``."""
        if self.state is State.DONE:
            return
        if self._timer is not None:
            self._timer.cancel()
        if self._body is not None:
            self._body.close()
            self._body = None
        now = self.rt.clock.now()
        if self._pending is not None:
            activity, _ = self._pending
            self._settle(activity, now)
            activity.error = CANCELED
            self._pending = None
        if self._status is not None and self._status.terminated_at is None:
            self._end_stage(CANCELED, CANCELED)
        self._finish(CANCELED)

    def blocked_until(self) -> datetime | None:
        """When a sleeping or retrying execution resumes; None otherwise."""
        return self._timer.due if self._timer is not None and self.state is not State.READY else None

    # --- driving the stage bodies ------------------------------------------------------
    def _wake_at(self, due: datetime, callback: Callable[[], None]) -> None:
        def guarded() -> None:
            if self.state is not State.DONE:
                self.state = State.READY
                callback()

        self._timer = self.rt.scheduler.schedule(due, guarded)

    def _advance(self, value: Any, error: BaseException | None) -> None:
        """Run stage bodies until one blocks or the instance ends."""
        while self.state is not State.DONE:
            if self._body is None:
                if not self._open_next_stage():
                    return
                value, error = None, None
            assert self._body is not None
            try:
                command = self._body.throw(error) if error is not None else self._body.send(value)
            except StopIteration:
                self._end_stage(None, None)
                continue
            except ActivityFailed as exc:
                self._end_stage(exc.message, ACTIVITY_ERROR)
                self._finish(exc.message)
                return
            except StageFailure as exc:
                self._fail(exc.message)
                return
            except Exception as exc:  # a bug in stage code must not wedge the scheduler
                self._fail(f"panic: {type(exc).__name__}: {exc}")
                return
            try:
                outcome = self._dispatch(command)
            except Exception as exc:
                self._fail(f"panic: {type(exc).__name__}: {exc}")
                return
            if outcome is _BLOCKED:
                return
            value, error = outcome

    def _fail(self, message: str) -> None:
        """End the open stage and the instance with a stage-code error."""
        started = self.instance.activities.get(self._number) or []
        if started and not started[-1].terminated:
            self._settle(started[-1], self.rt.clock.now())
            started[-1].error = message
        self._end_stage(message, message)
        self._finish(message)

    def _dispatch(self, command: Command) -> Any:
        now = self.rt.clock.now()
        if isinstance(command, Call):
            activity = Activity(name=command.name, input={}, started_at=now)
            kind = ACTIVITY_TYPES[command.name]
            activity.input = {command.name: kind.render_input(command.request, self.rt.real)}
            self.instance.activities.setdefault(self._number, []).append(activity)
            self._failures = 0
            self._activities += 1
            return self._attempt(activity, command)
        if isinstance(command, Sleep):
            if command.until <= now:
                return None, None
            self.state = State.SLEEPING
            self._wake_at(command.until, lambda: self._advance(None, None))
            return _BLOCKED
        if isinstance(command, AwaitSignal):
            self.state = State.WAITING_EVENT
            self.waiting_for = command.name
            return _BLOCKED
        raise TypeError(f"unknown stage command {command!r}")

    def _attempt(self, activity: Activity, call: Call) -> Any:
        kind = ACTIVITY_TYPES[call.name]
        now = self.rt.clock.now()
        # The transfer initiation reference: the stage's workflow id, then this activity's number in the stage.
        reference = f"{self.instance.id}-{self._number}{len(self.instance.activities[self._number])}"
        context = ActivityContext(self.rt.bank, now, self.rt.ids, f"{self.instance.id}-{self._activities}", reference)
        try:
            response = as_activity_error(kind.execute, context, call.request)
        except ActivityError as exc:
            if exc.retryable:
                self._failures += 1
                due = later(now, timedelta(seconds=backoff_seconds(self._failures)))
                activity.attempt = self._failures + 1
                activity.last_failure = exc.message
                activity.next_execution = due
                self._pending = (activity, call)
                self.state = State.RETRYING
                self._wake_at(due, self._retry)
                return _BLOCKED
            self._settle(activity, now)
            activity.error = exc.message
            return None, ActivityFailed(exc.message, exc.code)
        self._settle(activity, now)
        output = kind.render_output(response, self.rt.real)
        activity.output = None if output is None else {call.name: output}
        return response, None

    def _retry(self) -> None:
        assert self._pending is not None
        activity, call = self._pending
        self._pending = None
        outcome = self._attempt(activity, call)
        if outcome is not _BLOCKED:
            self._advance(*outcome)

    @staticmethod
    def _settle(activity: Activity, now: datetime) -> None:
        activity.terminated = True
        activity.terminated_at = now
        activity.attempt = 1
        activity.last_failure = None
        activity.next_execution = None

    # --- records -----------------------------------------------------------------------
    def _open_next_stage(self) -> bool:
        """Start the next stage; False when the instance ended (all done, or resolution failed)."""
        number = self._number + 1
        if number >= len(self.stages):
            self._finish(None)
            return False
        self._number = number
        now = self.rt.clock.now()
        self._status = StageStatus(stage=number, instance_id=self.instance.id, started_at=now)
        self._run = None
        self.instance.status.append(self._status)
        self.rt.events.started_stage(self.instance.workflow_id, self.instance.id, number, now)
        try:
            prepared = prepare_stage(self.stages[number], self.instance.variables, real=self.rt.real)
        except StageError as exc:
            self._end_stage(exc.message, None)
            self._finish(exc.message)
            return False
        self._run = StageRun(name=prepared.type.run_name, input=prepared.input, started_at=now)
        self.instance.history.append(self._run)
        self.instance.activities[number] = []
        self._body = stage_body(prepared, now, real=self.rt.real)
        return True

    def _end_stage(self, error: str | None, history_error: str | None) -> None:
        now = self.rt.clock.now()
        assert self._status is not None
        self._status.terminated_at = now
        self._status.error = error
        if self._run is not None:
            self._run.terminated = True
            self._run.terminated_at = now
            self._run.error = history_error
        self._body = None
        self.rt.events.stage_finished(self.instance.workflow_id, self.instance.id, self._status.stage, error, now)

    def _finish(self, error: str | None) -> None:
        now = self.rt.clock.now()
        self.state = State.DONE
        self.waiting_for = None
        # The last timer's callback closes over this execution: dropped, a finished run is freed by
        # reference counting instead of waiting as a cycle for a collector that never visits the
        # frozen heap (state/gcpolicy.py).
        self._timer = None
        self.instance.terminated = True
        self.instance.terminated_at = now
        self.instance.error = error
        self.rt.store.instance_terminated(self.instance)
        self.rt.events.workflow_finished(self.instance.workflow_id, self.instance.id, error, now)
        self.rt.on_finished(self)
