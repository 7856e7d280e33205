"""A savepoint on one ledger book: run writes, then keep them or take every trace of them back.

formancehq/ledger v2.4.6 runs an atomic bulk in one SQL transaction and rolls it back when an
element fails (``internal/api/bulking/bulker.go``). The mock's writes change its records in
place, so a rollback needs what each record was before. Copying the whole book up front would
cost as much as the ledger is big; instead the book's three record maps are watched while the
savepoint is open, and a record is copied (its few mutable fields, not its history) the first
time a write reaches it. Everything a write can change is then either new (transactions, logs,
accounts, index entries: removed again) or reached through those maps (restored from its
copy). Volumes are taken back move by move (``VolumeBook.truncate``), so the effective volumes
a back-dated transaction shifted are settled again exactly.

What the write paths may do while a savepoint is open: read and add records, change a record's
fields; never delete a record (nothing does). ``metadata`` dicts are replaced, never mutated
(model.py), so keeping a reference is a copy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from typing import Any

from mockserver.ledger.book import LedgerBook
from mockserver.ledger.model import Account, Transaction

_Image = tuple[Any, ...]


def _history_mark(history: list[Any] | None) -> int | None:
    return None if history is None else len(history)


def _truncate_history(record: Account | Transaction, mark: int | None) -> None:
    if mark is None:
        record.metadata_history = None
    elif record.metadata_history is not None:
        del record.metadata_history[mark:]


def _account_image(account: Account) -> _Image:
    books = {asset: len(book.moves) for asset, book in account.volumes.items()}
    return (account.first_usage, account.updated_at, account.metadata, _history_mark(account.metadata_history), books)


def _restore_account(account: Account, image: _Image) -> None:
    account.first_usage, account.updated_at, account.metadata, mark, books = image
    _truncate_history(account, mark)
    for asset in [a for a in account.volumes if a not in books]:
        del account.volumes[asset]  # an asset this account first moved inside the savepoint
    for asset, count in books.items():
        account.volumes[asset].truncate(count)


def _transaction_image(tx: Transaction) -> _Image:
    return (tx.reverted_at, tx.updated_at, tx.metadata, _history_mark(tx.metadata_history))


def _restore_transaction(tx: Transaction, image: _Image) -> None:
    tx.reverted_at, tx.updated_at, tx.metadata, mark = image
    _truncate_history(tx, mark)


class _Watched(MutableMapping[Any, Any]):
    """A record map whose existing records are copied the first time they are reached."""

    def __init__(self, base: dict[Any, Any], image: Callable[[Any], _Image]) -> None:
        self.base = base
        self._image = image
        self.images: dict[Any, _Image] = {}  # records that existed before, as they were
        self.added: dict[Any, None] = {}  # keys the savepoint's writes added, in order

    def _reach(self, key: Any, value: Any) -> Any:
        if key not in self.images and key not in self.added:
            self.images[key] = self._image(value)
        return value

    def __getitem__(self, key: Any) -> Any:
        return self._reach(key, self.base[key])

    def get(self, key: Any, default: Any = None) -> Any:
        found = self.base.get(key, _MISSING)
        return default if found is _MISSING else self._reach(key, found)

    def __contains__(self, key: object) -> bool:
        return key in self.base

    def __setitem__(self, key: Any, value: Any) -> None:
        if key in self.base:
            self._reach(key, self.base[key])
        else:
            self.added[key] = None
        self.base[key] = value

    def __delitem__(self, key: Any) -> None:
        raise TypeError("records are never deleted while a savepoint is open")

    def __iter__(self) -> Iterator[Any]:
        return iter(self.base)

    def __len__(self) -> int:
        return len(self.base)


_MISSING = object()
_Restore = Callable[[Any, _Image], None]


class Savepoint:
    """Opened on a book; ``commit`` keeps what was written since, ``rollback`` takes it back.

    ``keep_sequences`` on rollback leaves the transaction and log ids the writes drew used up,
    as the release's PostgreSQL sequences never roll back (``--quirks real``)."""

    def __init__(self, book: LedgerBook) -> None:
        self.book = book
        self._ids = (book.next_tx_id, book.next_log_id)
        self._seq, self._last_hash, self.state = book._seq, book._last_hash, book.info.state
        self._counts = (len(book.tx_ids), len(book.log_ids), len(book.schemas))
        self._accounts = _Watched(book.accounts, _account_image)
        self._transactions = _Watched(book.transactions, _transaction_image)
        self._by_account = _Watched(book.by_account, len)
        book.accounts, book.transactions, book.by_account = self._accounts, self._transactions, self._by_account  # type: ignore[assignment]

    def _close(self) -> None:
        self.book.accounts = self._accounts.base
        self.book.transactions = self._transactions.base
        self.book.by_account = self._by_account.base

    def commit(self) -> None:
        self._close()

    def rollback(self, *, keep_sequences: bool = False) -> None:
        self._close()
        book = self.book
        tx_count, log_count, schema_count = self._counts
        for version in list(book.schemas)[schema_count:]:  # an import inserts schemas; nothing changes one
            del book.schemas[version]
        for tx_id in book.tx_ids[tx_count:]:
            tx = book.transactions[tx_id]
            if tx.reference and book.references.get(tx.reference) == tx_id:
                del book.references[tx.reference]
            # Its moves point back at it: without them it is freed when the write's answer is,
            # not left as a cycle for a collector that skips the frozen heap (state/gcpolicy.py).
            tx.moves = ()
        del book.tx_ids[tx_count:]
        for log_id in book.log_ids[log_count:]:
            log = book.logs.pop(log_id)
            if log.idempotency_key and book.idempotency.get(log.idempotency_key) is log:
                del book.idempotency[log.idempotency_key]
        del book.log_ids[log_count:]
        self._undo(self._transactions, book.transactions, _restore_transaction)
        self._undo(self._accounts, book.accounts, _restore_account)
        for address in reversed(self._by_account.added):
            del book.by_account[address]
        for address, length in self._by_account.images.items():
            del book.by_account[address][length:]
        if not keep_sequences:
            book.next_tx_id, book.next_log_id = self._ids
        book._seq, book._last_hash, book.info.state = self._seq, self._last_hash, self.state

    @staticmethod
    def _undo(watched: _Watched, base: dict[Any, Any], restore: _Restore) -> None:
        for key in reversed(watched.added):
            del base[key]
        for key, image in watched.images.items():
            restore(base[key], image)
