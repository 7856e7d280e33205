"""The webhooks service of one tenant: its configs, and the deliveries of the stack's events.

Moto's layout, as for the ledger: one method per operation, taking what the request carried
(the raw body and ``Content-Type``, since the release decodes bodies itself:
``pkg/server/helpers.go``) and answering JSON; the state-changing part of each is a recorded
command of ``configs``. It listens to the stack's bus as the release's worker listens to its
topics (``pkg/worker/module.go:77-157``): every event whose matched type an active config lists
becomes a delivery per config, due now; ``pump`` hands what is due to the courier, which sends
it and reports back to ``_settled``. Deliveries are not part of ``--state-file``: after a
restart, the configs are back, the attempts view is empty and no old event is sent again.

Spec mode and ``--quirks real`` differ only where the release answers 500 to a client's
mistake (a NUL character the database refuses, a test call whose response body breaks off):
spec mode answers the 4xx, or the attempt, the request deserves; real mode the empty 500.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from mockserver.core.clock import Clock
from mockserver.core.ids import IdSource
from mockserver.core.timefmt import rfc3339
from mockserver.errors import ValidationError
from mockserver.webhooks import gourl
from mockserver.webhooks.backoff import Backoff
from mockserver.webhooks.configs import Configs
from mockserver.webhooks.courier import Courier, Job
from mockserver.webhooks.deliveries import FAILED, MAX_PENDING, SUCCESS, Attempt, Delivery, Outcome, Schedule
from mockserver.webhooks.envelope import Undeliverable, envelope
from mockserver.webhooks.errors import Unanswered, config_not_found
from mockserver.webhooks.faults import DeliveryFaults
from mockserver.webhooks.gobody import STRING, STRINGS, decode_body
from mockserver.webhooks.hosts import HostPolicy
from mockserver.webhooks.rules import ConfigUser, event_type, query_filter, secret_error, validate_config_user

RELEASE = "v2.3.2"
TEST_BODY = b'{"data":"test"}'  # pkg/server/test.go:28-30
CONFIG_FIELDS = {"endpoint": STRING, "secret": STRING, "eventTypes": STRINGS}
log = logging.getLogger("mockserver.webhooks")
Journal = Callable[[dict[str, Any]], None]


class WebhooksService:
    def __init__(
        self,
        *,
        clock: Clock,
        ids: IdSource,
        seed: int | None = None,
        real_quirks: bool = False,
        hosts: tuple[str, ...] = (),
        backoff: Backoff | None = None,
        timeout: float = 30.0,
        journal: Journal | None = None,
    ) -> None:
        self.clock = clock
        self.real = real_quirks
        self.hosts = HostPolicy(hosts)
        # Delivery and attempt ids are not state (nothing replays them): their own sequence, so
        # drawing them never shifts the ids the recorded commands draw.
        self._ids = IdSource(None if seed is None else seed + 1)
        self._seed = seed
        self._journal = journal
        self._generation = 0
        self.configs = Configs(clock=clock, draw=ids.uuid, host_refusal=self._host_refusal)
        self.schedule = Schedule(backoff or Backoff())
        self.faults = DeliveryFaults(seed)
        self.courier = Courier(
            clock=clock, hosts=self.hosts, timeout=timeout, settle=self._settled, duplicate=self._duplicated
        )

    # --- the API ---------------------------------------------------------------------------
    def server_info(self) -> dict[str, Any]:
        """``GET /_info`` (``pkg/server/handler.go:61``)."""
        return {"version": RELEASE}

    def list_configs(self, raw_query: bytes) -> dict[str, Any]:
        filters = query_filter(raw_query)
        if "\x00" in filters.get("id", ""):
            self._refuse_nul("invalid params: id must not contain a NUL character")
        configs = self.configs.listed(filters)
        return {"cursor": {"hasMore": False, "data": [c.view() for c in configs]}}

    def insert_config(self, raw: bytes, content_type: str | None) -> dict[str, Any]:
        user = self._config_user(raw, content_type)
        return {"data": self.configs.create(user.endpoint, user.secret, user.event_types or [])}

    def update_config(self, config_id: str, raw: bytes, content_type: str | None) -> None:
        user = self._config_user(raw, content_type)
        self._check_id(config_id)
        self.configs.update(config_id, user.endpoint, user.secret, user.event_types or [])

    def delete_config(self, config_id: str) -> None:
        self._check_id(config_id)
        self.configs.delete(config_id)

    def set_active(self, config_id: str, active: bool) -> dict[str, Any]:
        self._check_id(config_id)
        return {"data": self.configs.set_active(config_id, active)}

    def change_secret(self, config_id: str, raw: bytes, content_type: str | None) -> dict[str, Any]:
        decoded = decode_body(raw, {"secret": STRING}, content_type, allow_empty=True)
        secret = (decoded or {}).get("secret") or ""
        if secret and (problem := secret_error(secret)) is not None:
            raise ValidationError(problem)
        self._check_id(config_id)
        return {"data": self.configs.rotate(config_id, secret)}

    async def test_config(self, config_id: str) -> dict[str, Any]:
        """``GET /configs/{id}/test`` (``pkg/server/test.go``): one signed POST of ``{"data":"test"}``
        now, inactive configs included, never retried; answered 200 whatever the endpoint said."""
        self._check_id(config_id)
        config = self.configs.get(config_id)
        if config is None:
            raise config_not_found()
        delivery = Delivery(self._ids.uuid(), config.view(), "", "ik", TEST_BODY, test=True)
        outcome = await self.courier.call(delivery)
        if outcome.body_failed and self.real:
            raise Unanswered("reading the test call's response body failed")
        attempt = self.schedule.settle(delivery, outcome, self._ids.uuid(), self.clock.now(), retry=False)
        self._journal_attempt(attempt)
        return {"data": attempt.view(release=True)}

    # --- the bus ---------------------------------------------------------------------------
    def hear(self, event: dict[str, Any]) -> None:
        """An event of the stack: one delivery per active config that lists its type."""
        if not len(self.configs):
            return
        app, type_ = event.get("app"), event.get("type")
        if not isinstance(app, str | None) or not isinstance(type_, str | None):
            return  # the release's decoder refuses it: nothing is delivered
        configs = self.configs.matching(event_type(app or "", type_ or ""))
        if not configs:
            return
        try:
            built = envelope(event)
        except Undeliverable as exc:
            log.info("event %s not delivered: the release's decoder would refuse it (%s)", type_, exc)
            return
        now = self.clock.now()
        for config in configs:
            delivery = Delivery(self._ids.uuid(), config.view(), built.type, built.idempotency_key, built.body)
            if len(self.schedule) + self.courier.queued() >= MAX_PENDING:
                self._refused(delivery, f"the mock's delivery queue is full ({MAX_PENDING} pending)")
                continue
            self.schedule.add(delivery, now)

    def pump(self) -> None:
        """Hand every delivery due on the mock's clock to the courier."""
        if len(self.schedule):
            for delivery in self.schedule.due(self.clock.now(), self.configs.claimable):
                fault = self.faults.pick(delivery.config_id, delivery.event_type)
                self.courier.submit(Job(delivery, fault, self._generation))
        self.courier.kick()

    def forget_pending(self) -> None:
        """Deliveries set off while a state file was replayed: they were sent before the restart."""
        self.schedule.forget_pending()

    def clear(self) -> None:
        self._generation += 1
        self._ids.reset()
        self.courier.clear()
        self.configs.clear()
        self.schedule.clear()
        self.faults.clear()

    async def close(self) -> None:
        await self.courier.close()

    # --- what the courier reports ------------------------------------------------------------
    def _settled(self, job: Job, outcome: Outcome) -> None:
        if job.generation != self._generation:
            return  # sent before a reset
        # The release stores no attempt and never retries when it cannot read the response
        # body (MakeAttempt fails: pkg/worker/module.go:132-136); spec mode goes by the status.
        lost = self.real and outcome.body_failed
        attempt = self.schedule.settle(job.delivery, outcome, self._ids.uuid(), self.clock.now(), retry=True, lost=lost)
        notes = list(job.notes)
        if lost:
            notes.append("the response body broke off: the release keeps no attempt and never retries")
        attempt.note = "; ".join(notes) or None
        self._journal_attempt(attempt)

    def _duplicated(self, job: Job, outcome: Outcome) -> None:
        if job.generation != self._generation:
            return
        delivery = job.delivery
        status = SUCCESS if 200 <= outcome.status < 300 else FAILED
        sent = outcome.sent_at
        attempt = Attempt(self._ids.uuid(), delivery, delivery.next_attempt, outcome, status, sent, sent)
        attempt.note = "duplicate: the same request sent again (delivery fault); retries follow the first send"
        self._journal_attempt(self.schedule.record(attempt))

    def _refused(self, delivery: Delivery, why: str) -> None:
        now = self.clock.now()
        outcome = Outcome(0, now, int(now.timestamp()), error=why)
        self._journal_attempt(self.schedule.record(Attempt(self._ids.uuid(), delivery, 0, outcome, FAILED, now, now)))

    def _journal_attempt(self, attempt: Attempt) -> None:
        if self._journal is None:
            return
        outcome, delivery = attempt.outcome, attempt.delivery
        entry: dict[str, Any] = {
            "method": "POST",
            "path": delivery.config["endpoint"],
            "query": "",
            "status": outcome.status,
            "date": rfc3339(outcome.sent_at),
            "durationMs": round(outcome.duration_ms, 3),
            "direction": "outbound",
            "webhookID": delivery.webhook_id,
            "attemptID": attempt.id,
            "eventType": delivery.event_type,
        }
        if outcome.fault is not None:
            entry["fault"] = outcome.fault["rule"]
            entry["faultKinds"] = outcome.fault["kinds"]
            if "drop" in outcome.fault["kinds"]:
                entry["dropped"] = True
        self._journal(entry)

    # --- checks ----------------------------------------------------------------------------
    def _config_user(self, raw: bytes, content_type: str | None) -> ConfigUser:
        values = decode_body(raw, CONFIG_FIELDS, content_type) or {}
        user = ConfigUser(values["endpoint"], values["secret"], values["eventTypes"])
        validate_config_user(user)
        if any("\x00" in t for t in user.event_types or []):
            self._refuse_nul("invalid config: eventTypes should not contain a NUL character")
        refusal = self._host_refusal(user.endpoint)
        if refusal is not None:
            raise ValidationError(f"invalid config: {refusal}")
        return user

    def _check_id(self, config_id: str) -> None:
        """A path id the release's database refuses (a NUL character) is its 500; spec mode
        answers 404, since no config can have it (even on update, which answers 200 for an
        unknown id: the release never gets that far)."""
        if "\x00" in config_id:
            if self.real:
                raise Unanswered("the database refuses a NUL character")
            raise config_not_found()

    def _refuse_nul(self, message: str) -> None:
        if self.real:
            raise Unanswered("the database refuses a NUL character")
        raise ValidationError(message)

    def _host_refusal(self, endpoint: str) -> str | None:
        try:
            url = gourl.parse(endpoint)
        except gourl.URLError:
            return None
        if url.scheme in ("http", "https") and url.hostname:
            return self.hosts.refusal(url.hostname)
        return None
