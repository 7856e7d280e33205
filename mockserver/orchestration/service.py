"""The orchestration service of one tenant: its store, engine and domain rules, wired once.

What the API handlers of both versions act on, and what the backend composes with the
other services of the stack (moto's per-service backend). It is reset in place, so the
handlers' accessor stays valid across ``POST /_mock/reset``.
"""

from __future__ import annotations

from mockserver.core.clock import Clock
from mockserver.core.ids import IdSource
from mockserver.orchestration.domain.instances import Instances
from mockserver.orchestration.domain.store import Store
from mockserver.orchestration.domain.triggers import Triggers
from mockserver.orchestration.domain.workflows import Workflows
from mockserver.orchestration.engine import Engine


class Orchestration:
    def __init__(self, *, clock: Clock, ids: IdSource, quirks: str) -> None:
        self.real_quirks = quirks == "real"
        self.clock = clock
        self.store = Store()
        self.engine = Engine(store=self.store, clock=clock, ids=ids, quirks=quirks)
        real = self.real_quirks
        self.workflows = Workflows(store=self.store, clock=clock, ids=ids, runner=self.engine, real_quirks=real)
        self.instances = Instances(store=self.store, runner=self.engine, real_quirks=real)
        self.triggers = Triggers(
            store=self.store, clock=clock, ids=ids, evaluator=self.engine.triggers, real_quirks=real
        )

    def clear(self) -> None:
        self.store.clear()
        self.engine.reset()
