"""Records of one list in creation order, so a page starts where the last one ended in O(log n).

Every record gets a sequence number when the store adds it (``seq``, strictly increasing),
and each list view appends its records in that order. A view's members are decided by a
live mapping (``live``, for example the running instances by id): a record that left it is
skipped and dropped at the next compaction, which runs when dead entries outnumber the
live ones, so skipping costs amortised O(1) per listed record.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping
from typing import Generic, Protocol, TypeVar


class Sequenced(Protocol):
    id: str
    seq: int


R = TypeVar("R", bound=Sequenced)


class OrderedView(Generic[R]):
    __slots__ = ("_live", "_records")

    def __init__(self, live: Mapping[str, R] | None = None) -> None:
        self._records: list[R] = []
        self._live = live  # None: every appended record stays a member

    def append(self, record: R) -> None:
        self._records.append(record)

    def __len__(self) -> int:
        return len(self._records) if self._live is None else len(self._live)

    def after(self, seq: int) -> Iterator[R]:
        """Members with a sequence number above ``seq``, oldest first."""
        records = self._compacted()
        live = self._live
        for index in range(bisect_right(records, seq, key=_seq), len(records)):
            record = records[index]
            if live is None or record.id in live:
                yield record

    def before(self, seq: int) -> Iterator[R]:
        """Members with a sequence number below ``seq``, newest first."""
        records = self._compacted()
        live = self._live
        for index in range(bisect_left(records, seq, key=_seq) - 1, -1, -1):
            record = records[index]
            if live is None or record.id in live:
                yield record

    def _compacted(self) -> list[R]:
        live = self._live
        if live is not None and len(self._records) > 2 * len(live) + 64:
            self._records = [r for r in self._records if r.id in live]
        return self._records


def _seq(record: Sequenced) -> int:
    return record.seq
