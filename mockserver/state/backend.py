"""The backend: one object that owns the mock's state and the services over it.

Like a moto backend, it is built once per server from ``Settings`` and reset in place,
so handlers hold a reference that stays valid across ``POST /_mock/reset``
(``fixtures.reset``: ``clear``, then the start-up fixtures again).
"""

from __future__ import annotations

from mockserver.config import Settings
from mockserver.core.bus import EventBus
from mockserver.core.clock import Clock, make_clock
from mockserver.core.ids import IdSource
from mockserver.ledger.service import LedgerService
from mockserver.orchestration.service import Orchestration
from mockserver.state import gcpolicy
from mockserver.state.faults import FaultRules
from mockserver.state.journal import RequestJournal
from mockserver.state.restore import Restore
from mockserver.wallets.service import WalletsService
from mockserver.webhooks.backoff import Backoff
from mockserver.webhooks.service import WebhooksService


class Backend:
    def __init__(self, settings: Settings, *, clock: Clock | None = None, ids: IdSource | None = None) -> None:
        self.settings = settings
        self.real_quirks = settings.real_quirks
        self.clock = clock or make_clock(settings.clock)
        self.ids = ids or IdSource(settings.seed)
        self.bus = EventBus()
        self.ledger = LedgerService(
            clock=self.clock,
            bus=self.bus,
            real_quirks=self.real_quirks,
            numscript_engine=settings.numscript_engine,
            ids=self.ids,
            schema_enforcement=settings.schema_enforcement,
        )
        # The wallets service, a client of the ledger service (wallets/service.py).
        self.wallets = WalletsService(
            ledger=self.ledger,
            clock=self.clock,
            ids=self.ids,
            bus=self.bus,
            real_quirks=self.real_quirks,
            ledger_name=settings.wallets_ledger,
        )
        self.orchestration = Orchestration(
            clock=self.clock,
            ids=self.ids,
            quirks=settings.quirks,
            ledger=self.ledger,
            bus=self.bus,
            wallets=self.wallets,
        )
        # The orchestration parts by their short names, as the control API, the inspector and the
        # state file's command names (``workflows.create``, ``engine.pump``) have always read them.
        self.store = self.orchestration.store
        self.engine = self.orchestration.engine
        self.workflows = self.orchestration.workflows
        self.instances = self.orchestration.instances
        self.triggers = self.orchestration.triggers
        self.restore = Restore(workflows=self.workflows, triggers=self.triggers, instances=self.instances)
        self.journal = RequestJournal(settings.journal_size)
        self.faults = FaultRules(settings.seed)
        self.webhooks = WebhooksService(
            clock=self.clock,
            ids=self.ids,
            seed=settings.seed,
            real_quirks=self.real_quirks,
            hosts=settings.webhook_hosts,
            backoff=Backoff(settings.webhook_min_backoff, settings.webhook_max_backoff, settings.webhook_abort_after),
            timeout=settings.webhook_timeout,
            journal=self.journal.record,
        )
        self.bus.subscribe(self.webhooks.hear)

    def pump(self) -> None:
        """Let every service catch up: what is due on the clock, and what another service's
        write set off (an event on the bus, a trigger to fire), runs now; then the webhooks due
        (the events those steps published among them) are handed to their courier."""
        self.engine.pump()
        self.webhooks.pump()

    def clear(self) -> None:
        """Back to what a fresh backend holds (``--state-file`` restarts its log here)."""
        self.orchestration.clear()
        self.ledger.reset()
        self.bus.clear()
        gcpolicy.thaw()  # the old engine's objects hold cycles only a full collection frees
        self.ids.reset()
        self.clock.reset()
        self.journal.clear()
        self.faults.clear()
        self.webhooks.clear()
