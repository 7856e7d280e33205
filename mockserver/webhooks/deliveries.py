"""Deliveries and their attempts, on the mock's clock (``pkg/attempt.go``, ``pkg/worker/worker.go``).

A delivery is one event for one config (the release's ``webhookID``). Each HTTP try is an
attempt: 2xx is ``success``; anything else, a transport error or a timeout (status 0) is
``to retry`` at ``sent + delay`` while the backoff allows, then ``failed``
(``pkg/attempt.go:62-119``). When a retry is made, the earlier ``to retry`` attempts of the
delivery take its status, as ``UpdateAttemptsStatus`` does (``postgres.go:221-251``). A retry is
due once the clock reaches its ``nextRetryAfter`` and only while its config exists and is active
(the claim joins on the config: ``postgres.go:156-208``); it is sent with the config as it was
at the first attempt (``worker.go:142-144``). The release's worker claims due retries every 3 s
and, from the second retry on, can send one several times (see the notes); the mock sends each
retry once, when due.

Nothing here sends anything: ``due`` hands out what must go now, ``settle`` records how it went.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from mockserver.core.timefmt import rfc3339
from mockserver.webhooks.backoff import Backoff

ZERO_TIME = "0001-01-01T00:00:00Z"
SUCCESS, TO_RETRY, FAILED = "success", "to retry", "failed"
MAX_ATTEMPTS_KEPT = 10_000
MAX_PENDING = 10_000


@dataclass(slots=True)
class Delivery:
    webhook_id: str
    config: dict[str, Any]  # the config's view at the first attempt (the release keeps it as JSONB)
    event_type: str
    idempotency_key: str
    body: bytes
    test: bool = False
    next_attempt: int = 0
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def config_id(self) -> str:
        return self.config["id"]


@dataclass(slots=True)
class Outcome:
    """What one HTTP try gave: the status (0: no answer), when it was sent, and why it failed."""

    status: int
    sent_at: datetime
    timestamp: int  # the signature's Unix seconds
    error: str | None = None
    response: str | None = None  # the first bytes the receiver answered
    duration_ms: float = 0.0
    fault: dict[str, Any] | None = None  # {"rule", "kinds"} when a delivery fault rule fired
    body_failed: bool = False


@dataclass(slots=True)
class Attempt:
    id: str
    delivery: Delivery
    number: int
    outcome: Outcome
    status: str
    created_at: datetime
    updated_at: datetime
    next_retry_after: datetime | None = None
    seq: int = 0
    note: str | None = None

    def view(self, *, release: bool = False) -> dict[str, Any]:
        """The release's Attempt (``pkg/attempt.go:24-37``); with ``release=False`` (the control
        API) also what the mock knows: event type, fault, transport error, response, timing."""
        delivery, outcome = self.delivery, self.outcome
        shown: dict[str, Any] = {
            "id": self.id,
            "webhookID": delivery.webhook_id,
            "createdAt": ZERO_TIME if release else rfc3339(self.created_at),
            "updatedAt": ZERO_TIME if release else rfc3339(self.updated_at),
            "config": delivery.config,
            "payload": delivery.body.decode("utf-8", "replace"),
            "statusCode": outcome.status,
            "retryAttempt": self.number,
            "status": self.status,
        }
        if release or self.next_retry_after is not None:
            shown["nextRetryAfter"] = rfc3339(self.next_retry_after) if self.next_retry_after else ZERO_TIME
        if release:
            return shown
        shown.update(seq=self.seq, eventType=delivery.event_type, test=delivery.test, sentAt=rfc3339(outcome.sent_at))
        shown["durationMs"] = round(outcome.duration_ms, 3)
        for key, value in (("fault", outcome.fault), ("error", outcome.error), ("response", outcome.response)):
            if value is not None:
                shown[key] = value
        if self.note:
            shown["note"] = self.note
        return shown


class Schedule:
    """Deliveries waiting for their next attempt, by due instant, and the attempts made."""

    def __init__(self, backoff: Backoff) -> None:
        self.backoff = backoff
        self._waiting: list[tuple[datetime, int, Delivery]] = []
        self._order = itertools.count()
        self._seq = itertools.count(1)
        self.attempts: deque[Attempt] = deque(maxlen=MAX_ATTEMPTS_KEPT)

    def __len__(self) -> int:
        return len(self._waiting)

    def add(self, delivery: Delivery, due: datetime) -> None:
        heapq.heappush(self._waiting, (due, next(self._order), delivery))

    def next_due(self) -> datetime | None:
        return self._waiting[0][0] if self._waiting else None

    def due(self, now: datetime, claimable: Callable[[str], bool | None]) -> list[Delivery]:
        """Deliveries due at ``now`` whose config allows it, oldest due first. ``claimable``
        says True (active), False (inactive: the retry waits) or None (deleted: it never goes)."""
        ready, paused = [], []
        while self._waiting and self._waiting[0][0] <= now:
            item = heapq.heappop(self._waiting)
            allowed = claimable(item[2].config_id)
            if allowed:
                ready.append(item[2])
            elif allowed is False:
                paused.append(item)
        for item in paused:  # due again as soon as the config is active (the claim finds it then)
            heapq.heappush(self._waiting, item)
        return ready

    def settle(
        self, delivery: Delivery, outcome: Outcome, attempt_id: str, now: datetime, *, retry: bool, lost: bool = False
    ) -> Attempt:
        """Record one attempt; schedule the next when it must be retried (``retry`` False: never;
        ``lost``: the attempt failed whatever its status, and is never retried)."""
        number = delivery.next_attempt
        delay = self.backoff.delay(number) if retry and not lost and not 200 <= outcome.status < 300 else None
        if lost:
            status, next_at = FAILED, None
        elif 200 <= outcome.status < 300:
            status, next_at = SUCCESS, None
        elif delay is None:
            status, next_at = FAILED, None
        else:
            status, next_at = TO_RETRY, outcome.sent_at + timedelta(seconds=delay)
        attempt = Attempt(attempt_id, delivery, number, outcome, status, now, now, next_at, next(self._seq))
        for earlier in delivery.attempts:
            if earlier.status == TO_RETRY:
                earlier.status, earlier.updated_at = status, now
        delivery.attempts.append(attempt)
        delivery.next_attempt = number + 1
        self.attempts.append(attempt)
        if next_at is not None:
            self.add(delivery, next_at)
        return attempt

    def record(self, attempt: Attempt) -> Attempt:
        """An attempt that schedules nothing (a duplicate, a refused delivery), kept for the view."""
        attempt.seq = next(self._seq)
        self.attempts.append(attempt)
        return attempt

    def forget_pending(self) -> None:
        self._waiting.clear()

    def clear(self) -> None:
        self._waiting.clear()
        self.attempts.clear()

    def query(
        self,
        *,
        config_id: str | None = None,
        webhook_id: str | None = None,
        status: str | None = None,
        event_type: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        found = [a.view() for a in self._matching(config_id, webhook_id, status, event_type)]
        return found[-limit:] if limit else found

    def _matching(
        self, config_id: str | None, webhook_id: str | None, status: str | None, event_type: str | None
    ) -> Iterator[Attempt]:
        for attempt in self.attempts:
            delivery = attempt.delivery
            if config_id is not None and delivery.config_id != config_id:
                continue
            if webhook_id is not None and delivery.webhook_id != webhook_id:
                continue
            if status is not None and attempt.status != status:
                continue
            if event_type is not None and delivery.event_type != event_type:
                continue
            yield attempt
