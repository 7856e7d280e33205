"""The orchestration service of one tenant: its store, engine and domain rules, wired once.

What the API handlers of both versions act on, and what the backend composes with the
other services of the stack (moto's per-service backend). Its sends call the ledger service
through that service's interface, and it listens to the stack's bus as the real service's
trigger listener does: every event another service publishes is offered to the triggers at the
next pump, never inside the publisher's write. It is reset in place, so the handlers'
accessor stays valid across ``POST /_mock/reset``.
"""

from __future__ import annotations

from typing import Any

from mockserver.core.bus import EventBus
from mockserver.core.clock import Clock
from mockserver.core.ids import IdSource
from mockserver.core.timefmt import parse_rfc3339
from mockserver.ledger.service import LedgerService
from mockserver.orchestration.domain.instances import Instances
from mockserver.orchestration.domain.store import Store
from mockserver.orchestration.domain.triggers import Triggers
from mockserver.orchestration.domain.workflows import Workflows
from mockserver.orchestration.engine import Engine
from mockserver.wallets.service import WalletsService


class Orchestration:
    def __init__(
        self,
        *,
        clock: Clock,
        ids: IdSource,
        quirks: str,
        ledger: LedgerService,
        bus: EventBus,
        wallets: WalletsService | None = None,
    ) -> None:
        self.real_quirks = quirks == "real"
        self.clock = clock
        self.store = Store()
        self.engine = Engine(store=self.store, clock=clock, ids=ids, quirks=quirks, ledger=ledger, wallets=wallets)
        real = self.real_quirks
        self.workflows = Workflows(store=self.store, clock=clock, ids=ids, runner=self.engine, real_quirks=real)
        self.instances = Instances(store=self.store, runner=self.engine, real_quirks=real)
        self.triggers = Triggers(
            store=self.store, clock=clock, ids=ids, evaluator=self.engine.triggers, real_quirks=real
        )
        self._bus = bus
        self._publishing = False
        bus.subscribe(self._heard)
        self.engine.events.forward = self._publish

    def _publish(self, event: dict[str, Any]) -> None:
        """An orchestration event goes on the stack's bus (the webhooks service hears it there)."""
        self._publishing = True
        try:
            self._bus.publish(event)
        finally:
            self._publishing = False

    def _heard(self, event: dict[str, Any]) -> None:
        """A service of the stack published ``event``: the triggers see it at the next pump. The
        service's own events are not offered to its triggers, as before they reached the bus."""
        if self._publishing or not self.engine.triggers.listens_to(event["type"]):
            return  # most writes of a busy ledger reach no trigger: nothing to schedule

        def fire() -> None:
            self.engine.triggers.publish(
                event["type"],
                event.get("payload") or {},
                app=event.get("app"),
                date=parse_rfc3339(event["date"]) if event.get("date") else None,
                # The envelope's own: a key the producer left out reads as "" (go-libs ``EventMessage``).
                version=str(event.get("version") or ""),
                idempotency_key=str(event.get("idempotency_key") or ""),
            )

        self.engine.scheduler.schedule(self.clock.now(), fire)

    def clear(self) -> None:
        self.store.clear()
        self.engine.reset()
