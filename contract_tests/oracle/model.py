"""The suite's own model of the API: what exists, and what each instance should be doing.

It never looks at the implementation's code (the oracle must not share its bugs): it replays BEHAVIOR.md's
rules on the definitions the suite itself created. Where the rules depend on things the suite cannot see
(a ledger's balances, a wallet, a payment), the model says "unknown" and only structural checks apply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "HISTORY_NAMES",
    "InstanceModel",
    "Prediction",
    "TriggerModel",
    "WorkflowModel",
    "predictable_send",
    "stage_kind",
    "unresolved_send_amount",
]

HISTORY_NAMES = {"send": "RunSend", "delay": "RunDelay", "wait_event": "RunWaitEvent", "update": "RunUpdate"}
HISTORY_NAMES["noop"] = "RunNoop"

_DURATION_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def stage_kind(stage: dict[str, Any]) -> str:
    return next(iter(stage))


def duration_seconds(text: str) -> float | None:
    """A Go duration in seconds (`1h30m`, `300ms`); None when it is not a literal duration."""
    import re

    if text in ("0", "+0", "-0"):
        return 0.0
    parts = re.findall(r"([0-9]*\.?[0-9]+)(ns|us|µs|μs|ms|s|m|h)", text.lstrip("+-"))
    if not parts or "".join(a + b for a, b in parts) != text.lstrip("+-"):
        return None
    total = sum(float(amount) * _DURATION_UNITS[unit] for amount, unit in parts)
    return -total if text.startswith("-") else total


def predictable_send(stage: dict[str, Any]) -> bool:
    """A send the model can predict: from `world` (which may go negative) to an account, literal amount."""
    body = stage.get("send") or {}
    amount = body.get("amount") or {}
    return (
        _from_world_to_account(body)
        and isinstance(amount.get("amount"), int)
        and amount["amount"] >= 0
        and "${" not in str(body)
    )


def _from_world_to_account(body: dict[str, Any]) -> bool:
    source, destination = body.get("source") or {}, body.get("destination") or {}
    return (
        set(source) == {"account"}
        and (source["account"] or {}).get("id") == "world"
        and set(destination) == {"account"}
    )


def unresolved_send_amount(stage: dict[str, Any]) -> bool:
    """A resolved send from `world` to an account whose `amount.amount` is empty (`""`, or a variable the run left
    out): the spec says an amount is an integer after resolution, so the stage fails. Only from `world` to an
    account: from a payment an empty amount takes the payment's, and lookups may fail first elsewhere."""
    body = stage.get("send") or {}
    amount = body.get("amount")
    return _from_world_to_account(body) and isinstance(amount, dict) and amount.get("amount") == ""


@dataclass
class WorkflowModel:
    id: str
    config: dict[str, Any]
    created: dict[str, Any]
    deleted: bool = False
    instances: list[str] = field(default_factory=list)


@dataclass
class Prediction:
    """What the model expects of an instance now. `None` fields are unknown."""

    terminated: bool | None
    failed: bool | None
    started: int | None  # number of stage records
    waiting_for: str | None = None  # the event the current wait_event stage expects
    delaying: bool = False


@dataclass
class InstanceModel:
    """Replays an instance's stages on the events, aborts and clock moves the suite caused."""

    id: str
    workflow_id: str
    stages: list[dict[str, Any]]
    position: int = 0
    elapsed: float = 0.0  # seconds the clock moved while the current delay ran
    aborted: bool = False
    unknown: bool = False
    failed: bool = False  # the stage at `position` failed: the instance ended there

    def __post_init__(self) -> None:
        self._settle()

    def _settle(self) -> None:
        """Move through every stage that completes without outside help."""
        while not (self.unknown or self.aborted or self.failed) and self.position < len(self.stages):
            stage = self.stages[self.position]
            kind = stage_kind(stage)
            if kind == "noop" or (kind == "send" and predictable_send(stage)):
                self.position += 1
            elif kind == "send" and unresolved_send_amount(stage):
                self.failed = True
            elif kind == "delay":
                seconds = duration_seconds(str((stage["delay"] or {}).get("duration", "")))
                if seconds is None:
                    self.unknown = True
                elif seconds <= self.elapsed:
                    self.position += 1
                    self.elapsed = 0.0
                else:
                    return
            elif kind == "wait_event" and "${" not in str((stage["wait_event"] or {}).get("event") or "${}"):
                return  # a literal event name; a placeholder resolves at run time (often to "", which fails)
            else:
                self.unknown = True

    @property
    def prediction(self) -> Prediction:
        if self.failed:
            return Prediction(terminated=True, failed=True, started=self.position + 1)
        if self.aborted:
            return Prediction(terminated=True, failed=True, started=None if self.unknown else self.position + 1)
        if self.unknown:
            return Prediction(terminated=None, failed=None, started=None)
        if self.position >= len(self.stages):
            return Prediction(terminated=True, failed=False, started=len(self.stages))
        stage = self.stages[self.position]
        waiting = (stage.get("wait_event") or {}).get("event") if stage_kind(stage) == "wait_event" else None
        return Prediction(
            terminated=False, failed=False, started=self.position + 1, waiting_for=waiting, delaying=waiting is None
        )

    @property
    def history_names(self) -> list[str] | None:
        """The expected instance history names, or None when unknown (a failed stage may or may not have an entry:
        it has none when the stage fails before it starts its work)."""
        if self.failed:
            return None
        started = self.prediction.started
        return None if started is None else [HISTORY_NAMES[stage_kind(s)] for s in self.stages[:started]]

    def send_event(self, name: str) -> int | None:
        """Apply an event; return the status the contract requires: 400 for a terminated instance,
        else 204 (delivered, or dropped while the latest stage is not a wait_event, as flows drops it)."""
        prediction = self.prediction
        if prediction.terminated is None:
            return None
        if prediction.terminated:
            return 400
        if prediction.waiting_for is None:
            return 204
        if name == prediction.waiting_for:
            self.position += 1
            self._settle()
        return 204

    def abort(self) -> None:
        if self.prediction.terminated is False:
            self.aborted = True

    def advance(self, seconds: float) -> None:
        if self.prediction.delaying:
            self.elapsed += seconds
            self._settle()


@dataclass
class TriggerModel:
    id: str
    definition: dict[str, Any]
    created: dict[str, Any]
    # The filter as an expression the model can evaluate (see `expressions`); None when absent or opaque.
    condition: Any = None
    deleted: bool = False
    occurrences: int = 0


@dataclass
class World:
    """Everything this run created, as the model sees it."""

    workflows: dict[str, WorkflowModel] = field(default_factory=dict)
    instances: dict[str, InstanceModel] = field(default_factory=dict)
    triggers: dict[str, TriggerModel] = field(default_factory=dict)
    seen_ids: set[str] = field(default_factory=set)

    def live_instances(self) -> set[str]:
        return {i for i, m in self.instances.items() if not self.workflows[m.workflow_id].deleted}

    def hidden_instances(self) -> set[str]:
        return {i for i, m in self.instances.items() if self.workflows[m.workflow_id].deleted}
