"""What every ledger write shares: the idempotency lookup, the log, the event, the answer.

Each write follows formancehq/ledger v2.4.6's pipeline (``internal/controller/ledger/
log_process.go``): resolve the ledger, look the ``Idempotency-Key`` up (a replay answers the
stored result, another input with the same key is 400 VALIDATION), check, apply, write one log,
publish one event (``controller_with_events.go``), so a refused write changes nothing. A write
naming a ``schemaVersion`` runs under that schema (``_schema_guard``, schemas.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mockserver.core.bus import EventBus
from mockserver.core.clock import Clock
from mockserver.core.timefmt import rfc3339
from mockserver.ledger import logs
from mockserver.ledger import presenter as present
from mockserver.ledger.book import LedgerBook
from mockserver.ledger.errors import internal, validation
from mockserver.ledger.model import DeferredDigest, Log, Transaction
from mockserver.ledger.schemas import STRICT, SchemaGuard
from mockserver.ledger.system import Ledgers

APP, VERSION = "ledger", "v2"


@dataclass(frozen=True, slots=True)
class Written:
    """A write's answer: its JSON (None for a 204) and whether it replayed an earlier call."""

    payload: dict[str, Any] | None
    hit: bool = False


class Pipeline:
    """The state a write needs; the service's parts (writes, metadata, reads) share it."""

    clock: Clock
    bus: EventBus
    real: bool
    ledgers: Ledgers
    schema_enforcement: str  # "audit" (the release's default) or "strict", see schemas.py

    def _schema_guard(self, book: LedgerBook, version: str | None) -> SchemaGuard:
        """The schema a write runs under: resolved after the idempotency lookup, before the
        write's own checks (``log_process.go`` ``runLog``)."""
        return SchemaGuard.open(book, version, strict=self.schema_enforcement == STRICT)

    def _replay(
        self, book: LedgerBook, key: str | None, digest: str, *, internal_on_mismatch: bool = False
    ) -> Log | None:
        """The stored log of an earlier call with this key, or None; 400 when its input differs
        (the release's revert answers 500 there: ``--quirks real``)."""
        if not key:
            return None
        found = book.idempotency.get(key)
        if found is None:
            return None
        if found.idempotency_hash and found.idempotency_hash != digest:
            if internal_on_mismatch:
                raise internal()
            raise validation(
                f"invalid idempotency hash when using idempotency key '{key}', "
                f"has computed '{digest}' but '{found.idempotency_hash}' is stored"
            )
        return found

    def _log(
        self,
        book: LedgerBook,
        type_: str,
        memento: dict[str, Any],
        data: dict[str, Any],
        now: datetime,
        key: str | None,
        inputs: dict[str, Any] | None,
        schema_version: str | None = None,
        *,
        digest: str | DeferredDigest | None = None,
        records: bool = False,
    ) -> None:
        """``digest``: the inputs' idempotency hash when the write computed it already (or one to
        compute when read; ``inputs`` is None then); ``records``: memento and data are the
        ledger's records, with no float (``gojson.dumps_records``)."""
        if digest is None:
            assert inputs is not None
            digest = logs.idempotency_hash(inputs)
        book.append_log(
            type_,
            memento,
            data,
            now,
            idempotency_key=key or "",
            idempotency_hash=digest,
            schema_version=schema_version,
            records=records,
        )

    def _shown(self, book: LedgerBook, tx: Transaction) -> dict[str, Any]:
        """A written transaction as the release answers it: with its volumes, and the
        effective ones when the ledger's features keep them."""
        return present.transaction(tx, volumes=True, effective=keeps_effective_volumes(book))

    def _publish(self, type_: str, payload: dict[str, Any]) -> None:
        date = rfc3339(self.clock.now())
        event = {"idempotency_key": "", "date": date, "app": APP, "version": VERSION, "type": type_, "payload": payload}
        self.bus.publish(event)


def keeps_effective_volumes(book: LedgerBook) -> bool:
    features = book.info.features
    return (
        features.get("MOVES_HISTORY") == "ON" and features.get("MOVES_HISTORY_POST_COMMIT_EFFECTIVE_VOLUMES") == "SYNC"
    )
