"""The ledger service's interface: one method per operation, JSON in, JSON out.

The HTTP handlers call it, and so do the other services of the stack (orchestration's
activities, the wallets service), as LocalStack's services call each other through the
interface an outside caller uses: what a workflow books is exactly what the API shows. Its
parts live beside it, one job each, and are mixed in below (transaction writes: writes.py,
metadata writes: metadata.py, single reads: reads.py, lists: lists.py, bulk: bulk.py...); this
module adds the ledgers themselves.
"""

from __future__ import annotations

from typing import Any

from mockserver.core.bus import EventBus
from mockserver.core.clock import Clock
from mockserver.core.ids import IdSource
from mockserver.ledger import presenter as present
from mockserver.ledger.administration import Administration
from mockserver.ledger.bulk import BulkAnswer, BulkWrites
from mockserver.ledger.fixtures import LedgerFixtures
from mockserver.ledger.lists import ListReads
from mockserver.ledger.metadata import MetadataWrites
from mockserver.ledger.pipeline import Written
from mockserver.ledger.queries import QueryRuns, ResourceQuery
from mockserver.ledger.reads import SingleReads
from mockserver.ledger.replication import Replication, ReplicationOps
from mockserver.ledger.schema_ops import SchemaOps
from mockserver.ledger.schemas import AUDIT, ENFORCEMENT_MODES
from mockserver.ledger.scripts import check_engine
from mockserver.ledger.system import Ledgers
from mockserver.ledger.transfer import LogTransfer
from mockserver.ledger.writes import TransactionWrites

SERVER_NAME = "ledger"
RELEASE = "v2.4.6"


class LedgerService(
    TransactionWrites,
    MetadataWrites,
    SingleReads,
    ListReads,
    BulkWrites,
    SchemaOps,
    QueryRuns,
    ReplicationOps,
    LogTransfer,
    Administration,
    LedgerFixtures,
):
    def __init__(
        self,
        *,
        clock: Clock,
        bus: EventBus,
        real_quirks: bool = False,
        numscript_engine: str = "machine",
        ids: IdSource | None = None,
        schema_enforcement: str = AUDIT,
    ) -> None:
        if schema_enforcement not in ENFORCEMENT_MODES:
            raise ValueError(f"unknown schema enforcement mode {schema_enforcement!r}: expected audit or strict")
        self.numscript_engine = check_engine(numscript_engine)
        self.schema_enforcement = schema_enforcement
        self.clock = clock
        self.bus = bus
        self.ids = ids or IdSource()
        self.real = real_quirks
        self.ledgers = Ledgers()
        self.replication = Replication()

    def reset(self) -> None:
        self.ledgers = Ledgers()
        self.replication = Replication()

    def server_info(self) -> dict[str, Any]:
        """``GET /_/info``: the release's server name and version, not wrapped in ``data``."""
        return {"server": SERVER_NAME, "version": RELEASE}

    def create_ledger(self, name: str, body: Any = None) -> None:
        self.ledgers.create(name, body, self.clock.now())

    def get_ledger(self, name: str) -> dict[str, Any]:
        return present.ledger(self.ledgers.info(name))

    def update_ledger_metadata(self, name: str, body: Any) -> None:
        self.ledgers.update_metadata(name, body)

    def delete_ledger_metadata(self, name: str, key: str) -> None:
        self.ledgers.delete_metadata(name, key)


__all__ = ["BulkAnswer", "LedgerService", "ResourceQuery", "Written"]
