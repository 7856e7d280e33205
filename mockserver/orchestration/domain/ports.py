"""What the domain rules need from the layers below and beside them, as protocols.

The rules decide; the engine runs. The engine implements ``Runner`` without importing
this module, so the domain never imports the engine and the engine imports only the
domain's records and store.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from mockserver.orchestration.domain.model import Instance, Trigger, TriggerTest, Workflow


class Runner(Protocol):
    """The part of the engine the rules call."""

    def validate_definition(self, config: dict[str, Any]) -> None: ...

    def run(self, workflow: Workflow, variables: dict[str, str]) -> Instance: ...

    def send_event(self, instance: Instance, name: str) -> None: ...

    def abort(self, instance: Instance) -> None: ...


class TriggerEvaluator(Protocol):
    """The engine's expression evaluation, as real firing uses it."""

    def test(self, trigger: Trigger, payload: dict[str, Any]) -> TriggerTest: ...


class Now(Protocol):
    def now(self) -> datetime: ...


class NewIds(Protocol):
    def uuid(self) -> str: ...
