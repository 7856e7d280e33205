"""The workflow engine: runs instances on the injected clock against a simulated stack. Imports domain, expr, core.

Everything is synchronous and single-threaded. Nothing sleeps: work that is due later
(a delay, an activity retry) or "as soon as possible" (a new instance's first stage, a
stage woken by an event) sits in a scheduler, and ``pump()`` runs whatever is due at
``clock.now()``, including every immediate step that follows.

Callers (the HTTP layer) must therefore:

* call ``pump()`` after ``run()`` — ``run`` only creates the instance, so the response
  can show it fresh (``terminated: false``, no ``status``), as the real service does;
* call ``pump()`` before serving any read, after advancing the clock, and after
  ``send_event`` / ``publish_bus_event`` (both also pump before returning, so the
  domain state is already consistent for direct callers such as tests);
* with a wall clock, call ``pump()`` again at ``next_wakeup()``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from mockserver.core.clock import Clock
from mockserver.core.ids import IdSource
from mockserver.errors import InternalError, ValidationError
from mockserver.ledger.service import LedgerService
from mockserver.orchestration.domain.model import Instance, Occurrence, Workflow
from mockserver.orchestration.domain.store import Store
from mockserver.orchestration.engine.bank import Bank
from mockserver.orchestration.engine.definitions import validate_definition
from mockserver.orchestration.engine.events import EventLog
from mockserver.orchestration.engine.execution import Execution, Runtime, State
from mockserver.orchestration.engine.scheduler import Scheduler
from mockserver.orchestration.engine.triggers import TriggerDispatcher
from mockserver.wallets.service import WalletsService

__all__ = ["Bank", "Engine", "EventLog", "TriggerDispatcher"]

QUIRKS = ("spec", "real")


class Engine:
    """The engine's facade: instances, events, triggers and the simulated bank, in one mode."""

    def __init__(
        self,
        *,
        store: Store,
        clock: Clock,
        ids: IdSource,
        ledger: LedgerService,
        quirks: str = "spec",
        link_resolver: Callable[[str], dict[str, Any] | None] | None = None,
        wallets: WalletsService | None = None,
    ) -> None:
        if quirks not in QUIRKS:
            raise ValueError(f"unknown quirks mode {quirks!r}: expected 'spec' or 'real'")
        self.store = store
        self.clock = clock
        self.ids = ids
        self.real = quirks == "real"
        # The stack's wallets service (a fresh one on ``ledger`` when the caller has none to share).
        wallets = wallets or WalletsService(ledger=ledger, clock=clock, ids=ids, real_quirks=self.real)
        self.bank = Bank(clock=clock, ids=ids, ledger=ledger, wallets=wallets)
        self.events = EventLog()
        self.scheduler = Scheduler()
        self._executions: dict[str, Execution] = {}
        self._runtime = Runtime(
            store=store,
            clock=clock,
            ids=ids,
            bank=self.bank,
            events=self.events,
            scheduler=self.scheduler,
            real=self.real,
            on_finished=lambda execution: self._executions.pop(execution.instance.id, None),
        )
        self.triggers = TriggerDispatcher(
            store=store,
            clock=clock,
            ids=ids,
            events=self.events,
            bank=self.bank,
            run=self.run,
            resolver=link_resolver,
        )

    # --- definitions -------------------------------------------------------------------
    def validate_definition(self, config: dict[str, Any]) -> None:
        """Creation checks of §4. Spec mode: ValidationError. Real mode: InternalError for
        empty/two-key/unknown stages and resolution errors, ValidationError for shape errors."""
        validate_definition(config, real=self.real)

    # --- instances ---------------------------------------------------------------------
    def run(self, workflow: Workflow, variables: dict[str, str], *, instance_id: str | None = None) -> Instance:
        """Create and register an instance, publish STARTED_WORKFLOW, schedule its first step.

        No stage runs here: the caller presents the fresh instance, then calls ``pump()``.
        A deleted workflow runs too; refusing it is the domain layer's decision.
        """
        now = self.clock.now()
        instance = Instance(
            id=instance_id or self.ids.uuid(),
            workflow_id=workflow.id,
            created_at=now,
            variables=dict(variables),
        )
        self.store.add_instance(instance)
        self.events.started_workflow(workflow.id, instance.id, now)
        execution = Execution(self._runtime, instance, list(workflow.stages))
        self._executions[instance.id] = execution
        execution.start()
        return instance

    def pump(self) -> None:
        """Run everything due at ``clock.now()``, including the immediate steps it causes."""
        while self.scheduler.run_due(self.clock.now()):
            pass

    def next_wakeup(self) -> datetime | None:
        """When the next timed step (a delay's end, a retry) is due; None when nothing waits."""
        return self.scheduler.next_due()

    def is_settled(self, instance: Instance) -> bool:
        """True when ``?wait=true`` may answer: terminated, or blocked on an event, or on a
        delay or a retry that is not yet due. An instance the engine no longer drives (none
        exist outside a reset) counts as settled, since nothing will ever move it."""
        if instance.terminated:
            return True
        execution = self._executions.get(instance.id)
        if execution is None or execution.state is State.WAITING_EVENT:
            return True
        due = execution.blocked_until()
        return due is not None and due > self.clock.now()

    def send_event(self, instance: Instance, name: str) -> None:
        """Deliver an event to the instance's most recently started stage (§6.4).

        * A running wait_event stage completes when ``name`` matches; other names are dropped.
        * A running stage of another kind (a delay, a retrying send): the event is dropped, as the
          real service drops it (events are not buffered; the spec promises nothing more).
        * No stage started yet, or the latest stage finished: spec mode refuses with
          ValidationError (400): an event to a workflow that is not running is a client error;
          real mode answers the real 500s.
        """
        latest = instance.status[-1] if instance.status else None
        if latest is None:
            if self.real:
                raise InternalError("retrieving workflow: sql: no rows in result set")
            raise ValidationError(f"instance {instance.id} is not waiting for an event: no stage has started")
        execution = self._executions.get(instance.id)
        if latest.terminated_at is not None or instance.terminated or execution is None:
            if self.real:
                raise InternalError("sending signal to server: workflow execution already completed")
            raise ValidationError(f"instance {instance.id} is not waiting for an event: it has terminated")
        execution.signal(name)
        self.pump()

    def abort(self, instance: Instance) -> None:
        """Spec mode: stop a running instance now. The open stage's status and history entry,
        its pending activity and the instance all end with error ``canceled``; then
        FAILED_WORKFLOW_STAGE and FAILED_WORKFLOW are published. Aborting a terminated
        instance is a no-op (decision: the request's goal, a stopped instance, already holds).

        Real mode: a no-op, as on the real service (§6.3)."""
        if self.real or instance.terminated:
            return
        execution = self._executions.get(instance.id)
        if execution is not None:
            execution.abort()

    # --- triggers ----------------------------------------------------------------------
    def publish_bus_event(
        self,
        event_type: str,
        payload: dict[str, Any],
        *,
        app: str | None = None,
        date: datetime | None = None,
        version: str | None = None,
    ) -> list[Occurrence]:
        """Feed one bus event to the triggers (§7.2); returns the occurrences it recorded.
        ``version`` is the envelope's (None: the publishing service's release version)."""
        occurrences = self.triggers.publish(event_type, payload, app=app, date=date, version=version)
        self.pump()
        return occurrences

    def reset(self) -> None:
        """Forget all runtime state; the caller clears the store (and the ledger service, which
        belongs to the stack, not to the engine)."""
        self.scheduler.clear()
        self._executions.clear()
        self.bank.reset()
        self.events.clear()
        self.triggers.reset()
