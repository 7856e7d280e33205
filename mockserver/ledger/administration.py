"""Buckets, a ledger's storage information and the metrics (formancehq/ledger v2.4.6).

Buckets (``controllers_buckets_delete.go`` / ``_restore.go``, system.py): deleting one
soft-deletes its ledgers (404 LEDGER_NOT_FOUND on their routes, 404 NOT_FOUND on
``GET /v2/{ledger}``, hidden from lists unless ``includeDeleted=true``); restoring brings them
back. The release answers 204 for a bucket that never held a ledger, where the spec declares
404 "Bucket not found": spec mode answers that 404 NOT_FOUND, ``--quirks real`` the 204.

``GET /v2/{ledger}/_info`` (``controllers_ledgers_info.go``): the ledger's name and its bucket's
storage migrations, the 51 of v2.4.6 (``internal/storage/bucket/migrations/*/notes.yaml``), all
``DONE``, dated when the bucket was created (its first ledger).

``GET /_/metrics``: the release mounts it only with ``--otel-metrics-keep-in-memory`` (otherwise
404) and answers the OpenTelemetry SDK's ``metricdata.ResourceMetrics`` encoded by Go without
JSON tags (``Resource``, ``ScopeMetrics``...), ``null`` before the first collection. The mock
serves it as if the flag were on: that shape, with counters read from its own state.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mockserver.core.timefmt import timestamp
from mockserver.ledger.errors import not_found
from mockserver.ledger.pipeline import Pipeline

MIGRATIONS = (
    "Initialize schema",
    "Fix triggers",
    "Fix volumes aggregation",
    "Fix backdated transactions insertion",
    "Add first_usage on accounts",
    "Fix missing idempotency key index",
    "Fix missing reference index",
    "Add unique index on ik",
    "Add unique index on ledger names",
    "Fix incorrect volumes aggregation",
    "Define fill factor of moves table",
    "Make stateless",
    "Create transaction sequences index concurrently",
    "Create accounts sequences index concurrently",
    "Create transaction reference index concurrently",
    "Create ledger indexes",
    "Create transaction id index on moves",
    "Fill transaction ids of table moves",
    "Fill inserted_at column of transactions table",
    "Fill post_commit_volumes column of transactions table",
    "Populate accounts_volumes table with historic data",
    "Fill transactions_id column of transactions_metadata table",
    "Fill accounts_address column of accounts_metadata table",
    "Fill memento column of logs table",
    "Create accounts metadata index concurrently",
    "Create accounts volumes index concurrently",
    "Fix hashing function",
    "Fill invalid post_commit_volumes after upgrade existing txs to v2.2",
    "Fill invalid post_commit_volumes (missing asset)",
    "Fill invalid metadata on reverts transactions",
    "Fill transaction updated_at",
    "Fill transaction updated_at",
    "Fill log data for reverted transactions",
    "Fix invalid date format",
    "Fix memento format",
    "Create compute_hash function",
    "Recreate accounts unique index",
    "Clean not used columns in database",
    "Create async hash log procedure",
    "Clean useless features",
    "Refine some column types",
    "Add missing index",
    "Fill inserted at field in log data",
    "Add transactions metadata missing index",
    "Fix sequential scan in PLPGSQL",
    "Add primary keys on tables without primary key",
    "Remove useless trigger",
    "Add schema",
    "Add template column to transactions",
    "Add query templates",
    "Add transactions id desc index for pagination performance",
)
SCOPE = {"Name": "github.com/formancehq/ledger", "Version": "", "SchemaURL": "", "Attributes": {}}


def migrations(created: datetime) -> list[dict[str, Any]]:
    """``migrations.Info`` of a fully migrated bucket: versions "1".."51", all DONE."""
    date = timestamp(created)
    return [
        {"version": str(number), "name": name, "state": "DONE", "date": date, "terminatedAt": date}
        for number, name in enumerate(MIGRATIONS, 1)
    ]


def _sum(name: str, description: str, points: list[tuple[dict[str, str], int]], start: str, now: str) -> dict:
    return {
        "Name": name,
        "Description": description,
        "Unit": "",
        "Data": {
            "DataPoints": [
                {
                    "Attributes": [
                        {"Key": key, "Value": {"Type": "STRING", "Value": value}} for key, value in labels.items()
                    ],
                    "StartTime": start,
                    "Time": now,
                    "Value": value,
                    "Exemplars": None,
                }
                for labels, value in points
            ],
            "Temporality": "CumulativeTemporality",
            "IsMonotonic": True,
        },
    }


class Administration(Pipeline):
    def delete_bucket(self, bucket: str) -> None:
        """``DELETE /v2/_/buckets/{bucket}``: 204 (see the module docstring for an unknown bucket)."""
        if not self.ledgers.delete_bucket(bucket, self.clock.now()) and not self.real:
            raise not_found(f"bucket '{bucket}' not found")

    def restore_bucket(self, bucket: str) -> None:
        """``POST /v2/_/buckets/{bucket}/restore``: 204."""
        if not self.ledgers.restore_bucket(bucket) and not self.real:
            raise not_found(f"bucket '{bucket}' not found")

    def ledger_info(self, name: str) -> dict[str, Any]:
        book = self.ledgers.book(name)
        bucket = book.info.bucket
        created = min(b.info.added_at for b in self.ledgers.books.values() if b.info.bucket == bucket)
        return {"name": name, "storage": {"migrations": migrations(created)}}

    def metrics(self) -> dict[str, Any]:
        """``GET /_/metrics``: the in-memory exporter's last collection (module docstring)."""
        books = list(self.ledgers.books.values())
        start = timestamp(min((b.info.added_at for b in books), default=self.clock.now()))
        now = timestamp(self.clock.now())
        per_ledger = [({"ledger": b.info.name}, len(b.transactions)) for b in books]
        logs = [({"ledger": b.info.name}, len(b.log_ids)) for b in books]
        return {
            "Resource": [{"Key": "service.name", "Value": {"Type": "STRING", "Value": "ledger"}}],
            "ScopeMetrics": [
                {
                    "Scope": SCOPE,
                    "Metrics": [
                        _sum("ledger.transactions", "Transactions committed", per_ledger, start, now),
                        _sum("ledger.logs", "Logs written", logs, start, now),
                    ],
                }
            ],
        }
