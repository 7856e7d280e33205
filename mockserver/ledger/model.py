"""The ledger's records: postings, transactions, accounts, logs and the ledgers themselves.

Slotted classes, not dicts: a ledger holds up to hundreds of thousands of transactions, and
the bench holds the mock to 2 KiB per stored two-posting transaction. JSON is made at the
edge (presenter.py), never stored, except a log's payload, which is the bytes the release
stores (``internal/log.go``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mockserver.ledger import packing
from mockserver.ledger.volumes import Move, VolumeBook

WORLD = "world"
EMPTY: dict[str, str] = {}  # shared by every record without metadata; never mutated


@dataclass(frozen=True, slots=True)
class Posting:
    source: str
    destination: str
    amount: int
    asset: str

    def as_json(self) -> dict[str, Any]:
        return {"source": self.source, "destination": self.destination, "amount": self.amount, "asset": self.asset}


class Transaction:
    """One committed transaction. ``moves`` are its postings' effects on each account, in
    posting order, source before destination (``internal/moves.go``)."""

    __slots__ = (
        "id",
        "inserted_at",
        "metadata",
        "metadata_history",
        "moves",
        "postings",
        "reference",
        "reverted_at",
        "template",
        "timestamp",
        "updated_at",
    )

    def __init__(
        self,
        id: int,  # noqa: A002
        postings: tuple[Posting, ...],
        metadata: dict[str, str],
        timestamp: datetime,
        inserted_at: datetime,
        reference: str | None,
    ) -> None:
        self.id = id
        self.postings = postings
        self.metadata = metadata or EMPTY
        self.timestamp = timestamp
        self.inserted_at = inserted_at
        self.updated_at = inserted_at
        self.reference = reference
        self.reverted_at: datetime | None = None
        self.template: str | None = None
        self.moves: tuple[Move, ...] = ()
        # (date, metadata) revisions after the first, for reads at a point in time; None until the
        # metadata changes (the first revision is dated with the transaction's timestamp).
        self.metadata_history: list[tuple[datetime, dict[str, str]]] | None = None

    def set_metadata(self, metadata: dict[str, str], when: datetime) -> None:
        """Replace the metadata (a new revision dated ``when``)."""
        if self.metadata_history is None:
            self.metadata_history = [(self.timestamp, self.metadata)]
        self.metadata_history.append((when, metadata))
        self.metadata = metadata or EMPTY

    def metadata_at(self, pit: datetime) -> dict[str, str]:
        """The metadata as it read at ``pit`` (the latest revision dated no later)."""
        if self.metadata_history is None:
            return self.metadata
        found: dict[str, str] = EMPTY
        for when, metadata in self.metadata_history:
            if when > pit:
                break
            found = metadata
        return found


class Account:
    """An account: metadata, first usage, and one volume book per asset it ever moved."""

    __slots__ = ("address", "first_usage", "insertion_date", "metadata", "metadata_history", "updated_at", "volumes")

    def __init__(self, address: str, when: datetime, first_usage: datetime | None = None) -> None:
        self.address = address
        self.metadata: dict[str, str] = EMPTY
        self.first_usage = first_usage or when
        self.insertion_date = when
        self.updated_at = when
        self.volumes: dict[str, VolumeBook] = {}
        self.metadata_history: list[tuple[datetime, dict[str, str]]] | None = None

    def balance(self, asset: str) -> int:
        book = self.volumes.get(asset)
        return book.input - book.output if book is not None else 0

    def book(self, asset: str) -> VolumeBook:
        found = self.volumes.get(asset)
        if found is None:
            found = self.volumes[asset] = VolumeBook()
        return found

    def set_metadata(self, metadata: dict[str, str], when: datetime) -> None:
        """Replace the metadata (a revision dated ``when``; the first is dated at insertion)."""
        if self.metadata_history is None:
            self.metadata_history = [(self.insertion_date, self.metadata)]
        self.metadata_history.append((when, metadata))
        self.metadata = metadata or EMPTY
        self.updated_at = when

    def metadata_at(self, pit: datetime) -> dict[str, str]:
        if self.metadata_history is None:
            return self.metadata if self.insertion_date <= pit else EMPTY
        found: dict[str, str] = EMPTY
        for when, metadata in self.metadata_history:
            if when > pit:
                break
            found = metadata
        return found


class Log:
    """One log entry. ``data`` is the payload's JSON as stored when the log was written, kept
    compressed (packing.py: a transaction's payload is most of what a stored transaction weighs)."""

    __slots__ = ("date", "hash", "id", "idempotency_hash", "idempotency_key", "packed", "schema_version", "type")

    def __init__(
        self,
        id: int,  # noqa: A002
        type: str,  # noqa: A002
        data: bytes,
        date: datetime,
        idempotency_key: str,
        idempotency_hash: str,
        hash: bytes | None,  # noqa: A002
    ) -> None:
        self.id = id
        self.type = type
        self.packed = packing.pack(data)
        self.date = date
        self.idempotency_key = idempotency_key
        self.idempotency_hash = idempotency_hash
        self.hash = hash
        self.schema_version: str | None = None

    @property
    def data(self) -> bytes:
        return packing.unpack(self.packed)


@dataclass(slots=True)
class LedgerInfo:
    """A ledger as the system store keeps it (``internal/ledger.go``)."""

    id: int
    name: str
    bucket: str
    features: dict[str, str]
    metadata: dict[str, str]
    added_at: datetime
    state: str = "initializing"  # "in-use" after the first single write (import needs "initializing")
    extra: dict[str, Any] = field(default_factory=dict)
