"""Bus events in, workflow instances out: the trigger pipeline of §7.

For one published event:

1. Duplicate suppression: ``SAVED_PAYMENT`` and ``SAVED_ACCOUNT`` are keyed on
   ``payload.id`` in one shared set (a payload without ``id`` has key ``""``); a key seen
   before drops the whole event, even if nothing matched the first time.
2. Candidates: live triggers whose ``event`` equals the type (case-sensitive) and whose
   ``version``, when they have one, equals the envelope's ``version`` exactly (a trigger without
   one hears every version), looked up now; whether their workflow was deleted does not matter
   (flows v2.6.0 ``internal/triggers/activities.go``, ``ListTriggers``).
3. Filter: evaluated with ``event`` bound to the *payload*; only boolean ``true`` matches;
   any other value or any error is "no match", with no occurrence.
4. Vars: each evaluated and turned into a string. All succeed: the workflow runs with them,
   an occurrence with ``workflowInstanceID`` is recorded, ``SUCCEEDED_TRIGGER`` published.
   A ``LinkError`` (non-retryable): an occurrence with ``error``, ``FAILED_TRIGGER``.
   Any other error is retryable in the real service, which retries forever and records
   nothing; so does the mock, in both modes (the spec says nothing of such errors, so spec
   mode has no ground to depart from the release).

Instances a trigger starts have Temporal's child workflow ids, ``<parent run id>_<n>``, one
parent per processed event, in both modes (the spec gives instance ids no format).

Numbers: the real service decodes payloads into ``float64``, so every integer of the
payload is a float in expressions; ``event.amount`` of ``1000000`` becomes the var
``"1000000"`` (Go's shortest JSON form), which a ``"${amount}"`` field parses back.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from mockserver.core.clock import Clock
from mockserver.core.ids import IdSource
from mockserver.core.timefmt import rfc3339
from mockserver.orchestration.domain.model import Evaluation, Occurrence, Trigger, TriggerTest
from mockserver.orchestration.domain.store import Store
from mockserver.orchestration.engine.bank import Bank
from mockserver.orchestration.engine.events import EventLog
from mockserver.orchestration.engine.links import LinkDocuments
from mockserver.orchestration.expr import ExprError, ExprRuntimeError, LinkError, compile_expression, to_var_string
from mockserver.orchestration.expr.values import import_value

DEDUPLICATED = frozenset({"SAVED_PAYMENT", "SAVED_ACCOUNT"})
LEDGER_EVENTS = frozenset(
    {"COMMITTED_TRANSACTIONS", "SAVED_METADATA", "DELETED_METADATA", "REVERTED_TRANSACTION", "UPDATED_SCHEMA"}
)
PAYMENTS_PREFIXES = (
    "SAVED_PAYMENT",
    "SAVED_ACCOUNT",
    "SAVED_BALANCE",
    "SAVED_BANK_ACCOUNT",
    "SAVED_POOL",
    "DELETED_POOL",
    "CONNECTOR_RESET",
    "DELETED_CONNECTOR",
    "SAVED_TRANSFER",
)
APP_VERSIONS = {"payments": "v3", "ledger": "v2", "orchestration": "v2"}


def infer_app(event_type: str) -> str:
    """The service that publishes ``event_type``: payments, ledger, or ``mock`` when unknown."""
    if event_type in LEDGER_EVENTS:
        return "ledger"
    if event_type.startswith(PAYMENTS_PREFIXES):
        return "payments"
    return "mock"


class TriggerDispatcher:
    """Turns published bus events into trigger occurrences and workflow runs."""

    MAX_COMPILED = 10_000

    def __init__(
        self,
        *,
        store: Store,
        clock: Clock,
        ids: IdSource,
        events: EventLog,
        bank: Bank,
        run: Callable[..., Any],
        resolver: Callable[[str], dict[str, Any] | None] | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._ids = ids
        self._events = events
        self._run = run
        self.documents = LinkDocuments(bank)
        self._resolver = resolver or self.documents
        self._seen: set[str] = set()
        self._compiled: dict[str, Any] = {}

    def register_link_document(self, uri: str, data: dict[str, Any]) -> None:
        """Make ``link(...)`` read ``data`` for ``uri`` (what the real service's GET returns as ``data``)."""
        self.documents.register(uri, data)

    def reset(self) -> None:
        self._seen.clear()
        self.documents.clear()

    def listens_to(self, event_type: str) -> bool:
        """Whether ``publish`` could do anything with an event of this type: a live trigger on it,
        or a type whose ids are remembered for deduplication even before any trigger exists."""
        return event_type in DEDUPLICATED or any(self._live_on(event_type))

    def _live_on(self, event_type: str) -> Iterator[Trigger]:
        return (t for t in self._store.live_triggers.values() if t.event == event_type)

    # --- pipeline ----------------------------------------------------------------------
    def publish(
        self,
        event_type: str,
        payload: dict[str, Any],
        app: str | None = None,
        date: datetime | None = None,
        *,
        version: str | None = None,
        idempotency_key: str = "",
    ) -> list[Occurrence]:
        """Process one bus event (the pipeline of the module docstring); returns the occurrences
        recorded, in trigger creation order. Instances are created but not pumped.

        ``version`` is the envelope's; None (an event published through the control API without
        one) is the publishing service's release version (``APP_VERSIONS``)."""
        if event_type in DEDUPLICATED:
            ident = payload.get("id") if isinstance(payload, dict) else None
            key = "" if ident is None else str(ident)
            if key in self._seen:
                return []
            self._seen.add(key)
        app = app or infer_app(event_type)
        if version is None:
            version = APP_VERSIONS.get(app, "v1")
        candidates = [t for t in self._live_on(event_type) if t.version is None or t.version == version]
        if not candidates:
            return []
        try:
            env = {"event": import_value(payload)}
        except ExprError:
            return []  # a number no float64 can hold: the real decoder would reject the event
        envelope = {
            # go-libs v3.3.0 ``publish.EventMessage``: the key is always there, "" when unset.
            "idempotency_key": idempotency_key,
            "date": rfc3339(date or self._clock.now()),
            "app": app,
            "version": version,
            "type": event_type,
            # A copy: occurrences keep the event as published, whatever the caller does next.
            "payload": copy.deepcopy(payload),
        }
        functions = {"link": self._link}
        child_ids = _ChildIds(self._ids)
        occurrences = []
        for trigger in candidates:
            if not self._matches(trigger, env, functions):
                continue
            occurrence = self._fire(trigger, envelope, env, functions, child_ids)
            if occurrence is not None:
                occurrences.append(occurrence)
        return occurrences

    def test(self, trigger: Trigger, payload: dict[str, Any]) -> TriggerTest:
        """What ``publish`` would decide for ``payload``, without recording or running anything:
        the filter's match (or its error), then, when it matched or there is none, each var's
        string value (or its error). Raises ``ExprError`` for a payload no float64 can hold."""
        env = {"event": import_value(payload)}
        functions = {"link": self._link}
        result = TriggerTest()
        if trigger.filter:
            try:
                result.filter = Evaluation(self._compile(trigger.filter).evaluate(env, functions=functions) is True)
            except ExprError as exc:
                result.filter = Evaluation(False, exc.message)
        if (result.filter is None or result.filter.value) and trigger.vars:
            result.variables = {}
            for name, source in trigger.vars.items():
                try:
                    value = to_var_string(self._compile(source).evaluate(env, functions=functions))
                    result.variables[name] = Evaluation(value)
                except ExprError as exc:
                    result.variables[name] = Evaluation(error=exc.message)
        return result

    def _compile(self, source: str) -> Any:
        compiled = self._compiled.get(source)
        if compiled is None:
            if len(self._compiled) >= self.MAX_COMPILED:
                self._compiled.clear()  # a crude bound: recompiling is cheap, memory is not free
            compiled = self._compiled[source] = compile_expression(source)
        return compiled

    def _matches(self, trigger: Trigger, env: dict[str, Any], functions: dict[str, Any]) -> bool:
        if not trigger.filter:
            return True
        try:
            return self._compile(trigger.filter).evaluate(env, functions=functions) is True
        except ExprError:
            return False

    def _fire(
        self,
        trigger: Trigger,
        envelope: dict[str, Any],
        env: dict[str, Any],
        functions: dict[str, Any],
        child_ids: _ChildIds,
    ) -> Occurrence | None:
        variables: dict[str, str] = {}
        error: str | None = None
        try:
            for name, source in (trigger.vars or {}).items():
                variables[name] = to_var_string(self._compile(source).evaluate(env, functions=functions))
        except LinkError as exc:
            error = self._decorate(exc.message)
        except ExprError:
            return None  # retried forever by the real service: no occurrence ever appears
        workflow = self._store.workflows.get(trigger.workflow_id)
        if error is None and workflow is None:
            error = f"workflow {trigger.workflow_id} not found"
        now = self._clock.now()
        occurrence = Occurrence(id=self._ids.uuid(), trigger_id=trigger.id, date=now, event=envelope)
        if error is None:
            assert workflow is not None
            instance_id = child_ids.next()
            instance = self._run(workflow, variables, instance_id=instance_id)
            occurrence.workflow_instance_id = instance.id
            self._store.add_occurrence(occurrence)
            self._events.trigger_succeeded(occurrence.id, trigger.id, instance.id, now)
        else:
            occurrence.error = error
            self._store.add_occurrence(occurrence)
            self._events.trigger_failed(occurrence.id, trigger.id, error, now)
        return occurrence

    @staticmethod
    def _decorate(message: str) -> str:
        """A non-retryable var failure, wrapped the way a Temporal activity failure prints (both
        modes: the spec leaves the text free)."""
        return (
            "activity error (type: EvalTriggerVariables, scheduledEventID: 5, startedEventID: 6, "
            f"identity: orchestration-mock): {message} (type: LinkError, retryable: false)"
        )

    # --- link(event, "rel") ------------------------------------------------------------
    def _link(self, *args: Any) -> Any:
        if len(args) != 2:
            raise LinkError(f"link: expected 2 arguments, got {len(args)}")
        obj, rel = args
        links = obj.get("links") if isinstance(obj, dict) else None
        found = [item for item in links or [] if isinstance(item, dict) and item.get("name") == rel]
        if not found:
            raise LinkError(f"link '{rel}' not defined for object")
        if len(found) > 1:
            raise LinkError(f"multiple link '{rel}' found for object")
        data = self._resolver(str(found[0].get("uri", "")))
        if data is None:
            raise ExprRuntimeError("unexpected status code when reading resource: 404")
        return import_value(data)


class _ChildIds:
    """Real-mode ids of trigger-started instances: Temporal's default child workflow id,
    ``<parent run id>_<sequence>``, one parent per processed event."""

    def __init__(self, ids: IdSource) -> None:
        self._ids = ids
        self._parent: str | None = None
        self._count = 0

    def next(self) -> str:
        if self._parent is None:
            self._parent = self._ids.uuid()
        self._count += 1
        return f"{self._parent}_{self._count}"
