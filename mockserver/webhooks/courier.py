"""The async side of deliveries: sends what the service hands over, never blocking the API.

One lane per config, first in first out, one request in flight per lane (the release sends
a message's deliveries one after the other, and its messages in order: ``module.go:127``), and
at most ``MAX_CONCURRENT`` lanes sending at once. Every request is bounded in time and in what
it reads (``http1``), so a receiver that hangs or floods costs its own lane only. Delivery
fault rules act here: a dropped attempt is never sent, a duplicate is sent twice, a delay
holds the lane, a reordered one lets the next delivery of its lane go first.

Tasks are created on the running loop the first time there is work; outside a loop (a
state-file replay at start) work waits for the next ``kick``. ``close`` cancels everything.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mockserver.core.clock import Clock
from mockserver.webhooks import http1
from mockserver.webhooks.deliveries import Delivery, Outcome
from mockserver.webhooks.faults import REORDER_WAIT, DeliveryFault
from mockserver.webhooks.hosts import HostPolicy
from mockserver.webhooks.signing import sign, spoiled

MAX_CONCURRENT = 16
USER_AGENT = "formance-webhooks/v0"
log = logging.getLogger("mockserver.webhooks")


@dataclass(slots=True)
class Job:
    delivery: Delivery
    fault: DeliveryFault | None
    generation: int
    reordered: bool = False
    notes: list[str] = field(default_factory=list)


Settle = Callable[[Job, Outcome], None]
Duplicate = Callable[[Job, Outcome], None]


class Courier:
    def __init__(
        self, *, clock: Clock, hosts: HostPolicy, timeout: float, settle: Settle, duplicate: Duplicate
    ) -> None:
        self.clock = clock
        self.hosts = hosts
        self.timeout = timeout
        self._settle = settle
        self._duplicate = duplicate
        self._lanes: dict[str, deque[Job]] = {}
        self._running: dict[str, asyncio.Task[None]] = {}
        self._arrivals: dict[str, asyncio.Event] = {}
        self._slots: asyncio.Semaphore | None = None

    def queued(self) -> int:
        return sum(len(lane) for lane in self._lanes.values())

    def submit(self, job: Job) -> None:
        lane = job.delivery.config_id
        self._lanes.setdefault(lane, deque()).append(job)
        arrived = self._arrivals.get(lane)
        if arrived is not None:
            arrived.set()

    def kick(self) -> None:
        """Start a task for every lane with work and none running (on the running loop only)."""
        if not self._lanes:
            return  # every request pumps: most find no delivery ever queued
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        if self._slots is None:
            self._slots = asyncio.Semaphore(MAX_CONCURRENT)
        for lane, queue in self._lanes.items():
            if queue and lane not in self._running:
                self._running[lane] = loop.create_task(self._drain(lane), name=f"webhooks-lane-{lane}")

    async def call(self, delivery: Delivery) -> Outcome:
        """One attempt now, outside the lanes and the fault rules (``testConfig``)."""
        return await self._attempt(delivery, None)

    def clear(self) -> None:
        """Forget every queued job and cancel what is in flight (a reset)."""
        for task in self._running.values():
            task.cancel()
        self._running.clear()
        self._lanes.clear()
        self._arrivals.clear()

    async def close(self) -> None:
        tasks = list(self._running.values())
        self.clear()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _drain(self, lane: str) -> None:
        queue = self._lanes[lane]
        try:
            while queue:
                job = queue.popleft()
                if job.fault is not None and job.fault.reorder and not job.reordered:
                    job = await self._overtaken(lane, queue, job)
                assert self._slots is not None
                async with self._slots:
                    await self._send(job)
        finally:
            if self._running.get(lane) is asyncio.current_task():
                del self._running[lane]
                if not queue:
                    self._lanes.pop(lane, None)

    async def _overtaken(self, lane: str, queue: deque[Job], job: Job) -> Job:
        """The ``reorder`` fault: the next job of the lane goes first, this one right after."""
        job.reordered = True
        if not queue:
            arrived = self._arrivals.setdefault(lane, asyncio.Event())
            arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(arrived.wait(), REORDER_WAIT)
            self._arrivals.pop(lane, None)
        if not queue:
            job.notes.append(f"reorder: no later delivery to this config within {REORDER_WAIT:g} s, sent late")
            return job
        later = queue.popleft()
        queue.appendleft(job)
        job.notes.append(f"reorder: sent after the later delivery {later.delivery.webhook_id}")
        later.notes.append(f"reorder: sent before the earlier delivery {job.delivery.webhook_id}")
        return later

    async def _send(self, job: Job) -> None:
        try:
            outcome = await self._attempt(job.delivery, job)
        except Exception as exc:  # a bug must not end the lane: the attempt fails and is retried
            log.exception("webhook delivery failed unexpectedly")
            outcome = Outcome(0, self.clock.now(), 0, error=f"internal error: {type(exc).__name__}")
        self._settle(job, outcome)

    async def _attempt(self, delivery: Delivery, job: Job | None) -> Outcome:
        fault = job.fault if job is not None else None
        sent_at = self.clock.now()
        timestamp = int(sent_at.timestamp())
        signature = sign(delivery.webhook_id, timestamp, delivery.config["secret"], delivery.body)
        if fault is not None and fault.bad_signature:
            signature = spoiled(signature)
        headers = [
            ("User-Agent", USER_AGENT),
            ("Content-Type", "application/json"),
            ("Formance-Webhook-Id", delivery.webhook_id),
            ("Formance-Webhook-Timestamp", str(timestamp)),
            ("Formance-Webhook-Signature", signature),
            ("Formance-Webhook-Test", "true" if delivery.test else "false"),
        ]
        if delivery.idempotency_key:
            headers.append(("Formance-Webhook-Idempotency-Key", delivery.idempotency_key))
        shown = {"rule": fault.id, "kinds": fault.kinds()} if fault is not None else None
        if fault is not None and fault.delay_ms:
            await asyncio.sleep(fault.delay_ms / 1000)
        if fault is not None and fault.drop:
            return Outcome(0, sent_at, timestamp, error=f"dropped by delivery fault rule {fault.id}", fault=shown)
        endpoint = delivery.config["endpoint"]
        response = await http1.post(endpoint, headers, delivery.body, timeout=self.timeout, hosts=self.hosts)
        outcome = _outcome(response, sent_at, timestamp, shown)
        if job is not None and fault is not None and fault.duplicate:
            again = await http1.post(endpoint, headers, delivery.body, timeout=self.timeout, hosts=self.hosts)
            self._duplicate(job, _outcome(again, sent_at, timestamp, shown))
        return outcome


def _outcome(response: http1.Response, sent_at: datetime, timestamp: int, fault: dict[str, Any] | None) -> Outcome:
    preview = response.preview.decode("utf-8", "replace") if response.preview else None
    return Outcome(
        status=response.status,
        sent_at=sent_at,
        timestamp=timestamp,
        error=response.error,
        response=preview,
        duration_ms=response.duration_ms,
        fault=fault,
        body_failed=response.body_failed,
    )
