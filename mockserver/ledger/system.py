"""The ledgers themselves: create, read, metadata, buckets (formancehq/ledger v2.4.6 system store).

Names and buckets match ``^[0-9a-zA-Z_-]{1,63}$``; ``_``, ``_info`` and ``_healthcheck`` are
reserved; a name is unique across buckets; the bucket defaults to ``_default``; ledger ids come
from one sequence from 1 (``internal/ledger.go``, ``internal/controller/system/controller.go``).
Features take their defaults and only the known values: the mock runs as a release started with
its experimental features on, so a non-default feature set is accepted.

Deleting a bucket soft-deletes the ledgers it holds at that moment (``deleted_at``, per ledger,
as ``internal/storage/system/store.go`` ``DeleteBucket``): a ledger created in the bucket later
is live, and restoring the bucket brings its deleted ledgers back.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from mockserver.ledger.book import LedgerBook
from mockserver.ledger.errors import ledger_already_exists, ledger_not_found, not_found, validation
from mockserver.ledger.model import LedgerInfo

NAME = re.compile(r"^[0-9a-zA-Z_-]{1,63}$")
RESERVED = frozenset({"_", "_info", "_healthcheck"})
DEFAULT_BUCKET = "_default"
FEATURES: dict[str, tuple[str, ...]] = {
    "MOVES_HISTORY": ("ON", "OFF"),
    "MOVES_HISTORY_POST_COMMIT_EFFECTIVE_VOLUMES": ("SYNC", "DISABLED"),
    "HASH_LOGS": ("SYNC", "ASYNC", "DISABLED"),
    "ACCOUNT_METADATA_HISTORY": ("SYNC", "DISABLED"),
    "TRANSACTION_METADATA_HISTORY": ("SYNC", "DISABLED"),
}
DEFAULT_FEATURES = {name: values[0] for name, values in FEATURES.items()}


def _config_error(message: str) -> Exception:
    return validation(f"invalid ledger configuration: {message}")


def check_name(name: str, kind: str = "ledger") -> None:
    if not NAME.match(name):
        raise _config_error(f"invalid {kind} name '{name}': name must match format '^[0-9a-zA-Z_-]{{1,63}}$'")
    if kind == "ledger" and name in RESERVED:
        raise _config_error(f"invalid ledger name '{name}': name '{name}' is reserved")


def check_features(features: Any) -> dict[str, str]:
    """The feature set with defaults filled in; 400 for an unknown feature or value."""
    if features is None:
        return dict(DEFAULT_FEATURES)
    if not isinstance(features, dict) or not all(isinstance(v, str) for v in features.values()):
        raise validation("json: cannot unmarshal features: expected a map of strings")
    for key, value in features.items():
        if key not in FEATURES:
            raise _config_error(f'feature "{key}" not exists')
        if value not in FEATURES[key]:
            raise _config_error(f"configuration {value} it not possible for feature {key}")
    return {**DEFAULT_FEATURES, **features}


def string_map(value: Any, what: str = "metadata") -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise validation(f"json: cannot unmarshal {what}: expected a map of strings")
    return dict(value)


class Ledgers:
    """Every ledger of the tenant, by name, with its book."""

    def __init__(self) -> None:
        self.books: dict[str, LedgerBook] = {}
        self.deleted_buckets: dict[str, datetime] = {}  # bucket -> when it was last deleted
        self.deleted: dict[str, datetime] = {}  # ledger name -> its deleted_at
        self._next_id = 1

    def create(self, name: str, body: Any, now: datetime) -> LedgerBook:
        """``POST /v2/{ledger}``: 400 VALIDATION for a bad configuration, 400
        LEDGER_ALREADY_EXISTS for a taken name (checked in the release's order)."""
        body = body or {}
        if not isinstance(body, dict):
            raise validation("json: cannot unmarshal the body: expected an object")
        bucket = body.get("bucket") or DEFAULT_BUCKET
        if not isinstance(bucket, str):
            raise validation("json: cannot unmarshal bucket: expected a string")
        features = check_features(body.get("features"))
        metadata = string_map(body.get("metadata"))
        check_name(name)
        check_name(bucket, "bucket")
        if name in self.books:
            raise ledger_already_exists()
        info = LedgerInfo(self._next_id, name, bucket, features, metadata, now)
        self._next_id += 1
        book = self.books[name] = LedgerBook(info)
        return book

    def book(self, name: str) -> LedgerBook:
        """The ledger behind ``/v2/{ledger}/...``: 404 LEDGER_NOT_FOUND when unknown or in a
        deleted bucket (the release's resolver middleware)."""
        found = self.books.get(name)
        if found is None or name in self.deleted:
            raise ledger_not_found()
        return found

    def info(self, name: str) -> LedgerInfo:
        """``GET /v2/{ledger}``: 404 NOT_FOUND (not LEDGER_NOT_FOUND) when unknown."""
        found = self.books.get(name)
        if found is None or name in self.deleted:
            raise not_found()
        return found.info

    def visible(self, include_deleted: bool = False) -> list[LedgerBook]:
        """Ledgers in id order; those of deleted buckets only when asked."""
        return [b for b in self.books.values() if include_deleted or b.info.name not in self.deleted]

    def deleted_at(self, name: str) -> datetime | None:
        """When the ledger's bucket was deleted (None: live), for ``deletedAt``."""
        return self.deleted.get(name)

    def delete_bucket(self, bucket: str, now: datetime) -> bool:
        """Soft-delete the bucket's live ledgers; False when no ledger ever lived in it."""
        names = [b.info.name for b in self.books.values() if b.info.bucket == bucket]
        for name in names:
            self.deleted.setdefault(name, now)
        if names:
            self.deleted_buckets[bucket] = now
        return bool(names)

    def restore_bucket(self, bucket: str) -> bool:
        """Bring the bucket's deleted ledgers back; False when no ledger ever lived in it."""
        names = [b.info.name for b in self.books.values() if b.info.bucket == bucket]
        for name in names:
            self.deleted.pop(name, None)
        self.deleted_buckets.pop(bucket, None)
        return bool(names)

    def update_metadata(self, name: str, metadata: Any) -> None:
        """Merge into the ledger's metadata; an unknown ledger is a no-op (the release's UPDATE
        matches no row and answers 204)."""
        values = string_map(metadata)
        found = self.books.get(name)
        if found is not None:
            found.info.metadata = {**found.info.metadata, **values}

    def delete_metadata(self, name: str, key: str) -> None:
        found = self.books.get(name)
        if found is not None:
            found.info.metadata.pop(key, None)
