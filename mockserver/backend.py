"""The backend: one object that owns the mock's state and the services over it.

Like a moto backend, it is built once per server from ``Settings`` and reset in place,
so handlers hold a reference that stays valid across ``POST /_mock/reset``.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from mockserver import gcpolicy
from mockserver.clock import Clock, make_clock
from mockserver.config import Settings
from mockserver.domain.instances import Instances
from mockserver.domain.store import Store
from mockserver.domain.triggers import Triggers
from mockserver.domain.workflows import Workflows
from mockserver.engine import Engine
from mockserver.ids import IdSource


class Backend:
    def __init__(self, settings: Settings, *, clock: Clock | None = None, ids: IdSource | None = None) -> None:
        self.settings = settings
        self.real_quirks = settings.real_quirks
        self.clock = clock or make_clock(settings.clock)
        self.ids = ids or IdSource(settings.seed)
        self.store = Store()
        self.engine = Engine(store=self.store, clock=self.clock, ids=self.ids, quirks=settings.quirks)
        self.workflows = Workflows(self)
        self.instances = Instances(self)
        self.triggers = Triggers(self)
        self.journal: deque[dict[str, Any]] = deque(maxlen=settings.journal_size)

    def reset(self) -> None:
        """Forget everything, rewind the clock, restart the id sequence, reload the startup fixtures."""
        from mockserver.fixtures import load_fixture_files

        self.clear()
        load_fixture_files(self, self.settings.fixtures)

    def clear(self) -> None:
        """Back to what a fresh backend holds (``--state-file`` restarts its log here)."""
        self.store.clear()
        self.engine.reset()
        gcpolicy.thaw()  # the old engine's objects hold cycles only a full collection frees
        self.ids.reset()
        self.clock.reset()
        self.journal.clear()
