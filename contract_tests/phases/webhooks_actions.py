"""The webhooks vocabulary: calls on the configs API, each predicted by the suite's model and judged, and the
deliveries they set off, received by the suite's own receiver.

Shared by the webhooks invariants (fixed scenarios) and the webhooks state machine. Every config the suite
makes points at `<receiver>/hooks/<name>`, a path of its own, so what arrives there is that config's.
"""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

import httpx

from contract_tests.oracle.webhooks_model import WebhooksModel, refusal
from contract_tests.phases.checking import CheckedApi
from contract_tests.transport.client import Exchange
from contract_tests.transport.control import Control
from contract_tests.transport.receiver import Receiver

__all__ = ["WebhooksActions"]

# How long the suite waits for a delivery that must come, and listens for one that must not.
ARRIVAL_TIMEOUT = 5.0
SILENCE = 0.3


class WebhooksActions:
    def __init__(
        self, api: CheckedApi, receiver: Receiver, control: Control | None, model: WebhooksModel | None = None
    ) -> None:
        self.api = api
        self.receiver = receiver
        self.control = control
        self.m = model or WebhooksModel()
        self.nonce = uuid.uuid4().hex[:8]
        self._names = 0
        self.hooks: dict[str, str] = {}  # config id -> its receiver path name
        self.created: dict[str, Exchange] = {}  # config id -> the exchange that made it (a curl for deliveries)
        # The configs as the last list showed them, and the count of the suite's writes then (`shown`).
        self._listed: tuple[int, list[Any]] | None = None

    def _ok(self, ex: Exchange, expected: int, why: str) -> bool:
        return self.api.apply("valid_request_accepted", ex, expected=expected, why=why)

    def hook_name(self) -> str:
        self._names += 1
        return f"{self.nonce}-{self._names}"

    # --- configs ---------------------------------------------------------------------------------
    def create(self, event_types: list[str], *, secret: str | None = None, endpoint: str | None = None) -> str | None:
        """Create a config (on a receiver path of its own unless `endpoint` is given); its id, or None."""
        name = self.hook_name()
        endpoint = self.receiver.endpoint(name) if endpoint is None else endpoint
        body: dict[str, Any] = {"endpoint": endpoint, "eventTypes": event_types}
        if secret is not None:
            body["secret"] = secret
        ex = self.api.call("insertConfig", body=body)
        problem = refusal(endpoint, secret, event_types)
        if problem is not None:
            self.api.apply("invalid_config_refused", ex, why=f"create with {problem}")
            return None
        if not self._ok(ex, 200, "create a config") or not isinstance(ex.data, dict) or "id" not in ex.data:
            return None
        state = self.m.created(ex.data, event_types)
        if secret:
            state.secret = secret
        self.hooks[state.id], self.created[state.id] = name, ex
        self.api.apply("config_matches_model", ex, expected=self.m.expected_view(state.id))
        self.lists()
        return state.id

    def refused(self, body: dict[str, Any], why: str, *, config_id: str | None = None) -> None:
        """A create (or update, with `config_id`) the release refuses: 400, and nothing changes."""
        if config_id is None:
            ex = self.api.call("insertConfig", body=body)
        else:
            ex = self.api.call("updateConfig", path={"id": config_id}, body=body)
        self.api.apply("invalid_config_refused", ex, why=why)
        self.lists()

    def update(self, config_id: str, event_types: list[str], *, secret: str | None = None) -> None:
        endpoint = self.receiver.endpoint(self.hooks.get(config_id, self.hook_name()))
        body: dict[str, Any] = {"endpoint": endpoint, "eventTypes": event_types}
        if secret is not None:
            body["secret"] = secret
        ex = self.api.call("updateConfig", path={"id": config_id}, body=body)
        if self.api.apply("config_write_without_body", ex, why="update a config"):
            self.m.updated(config_id, endpoint, secret, event_types)
        self.lists()

    def delete(self, config_id: str) -> None:
        ex = self.api.call("deleteConfig", path={"id": config_id})
        if self.api.apply("config_write_without_body", ex, why="delete a config"):
            self.m.deleted(config_id)
        listed = self.lists()
        if listed is not None:
            self.api.apply("list_excludes_deleted", listed, absent=[config_id])
        again = self.api.call("deleteConfig", path={"id": config_id})
        self.api.apply("unknown_resource_not_found", again, expected=404, why="delete a deleted config")

    def set_active(self, config_id: str, active: bool) -> None:
        previous = self.shown(config_id)
        operation = "activateConfig" if active else "deactivateConfig"
        ex = self.api.call(operation, path={"id": config_id})
        if not self._ok(ex, 200, f"{operation} a config"):
            return
        self.m.set_active(config_id, active)
        if previous is not None:
            self.api.apply("activation_answers_previous", ex, previous=previous, changed={"active": active})
        self.lists()

    def change_secret(self, config_id: str, secret: str | None) -> None:
        previous = self.shown(config_id)
        body = {} if secret is None else {"secret": secret}
        ex = self.api.call("changeConfigSecret", path={"id": config_id}, body=body)
        if not self._ok(ex, 200, "change a config's secret"):
            return
        self.m.change_secret(config_id, secret)
        if secret is None and isinstance(ex.data, dict):
            self.m.configs[config_id].secret = ex.data.get("secret")  # generated: the answer shows it
        if previous is not None:
            changed = {"secret": self.m.configs[config_id].secret}
            self.api.apply("activation_answers_previous", ex, previous=previous, changed=changed)
        self.lists()

    def tick(self) -> None:
        """Move a manual clock a second (control API only), so a new `updatedAt` differs from the previous one
        and an answer that shows the new one instead is seen. A clock that will not move is left alone."""
        if self.control is not None:
            self._listed = None
            with contextlib.suppress(httpx.HTTPError):
                self.control.advance(1)

    # --- reads -----------------------------------------------------------------------------------
    def lists(self) -> Exchange | None:
        """The whole list, held to the model: each config's fields, and the order of the run's configs."""
        ex = self.api.call("getManyConfigs")
        if not self._ok(ex, 200, "list the configs") or not isinstance(ex.data, list):
            self._listed = None
            return None
        self._listed = (self.api.writes, ex.data)
        for item in ex.data:  # a secret the server drew is learnt from the list, as a client would
            state = self.m.configs.get(str(item.get("id"))) if isinstance(item, dict) else None
            if state is not None and state.secret is None:
                state.secret = item.get("secret")
        for config_id in self.m.configs:
            self.api.apply("config_matches_model", ex, expected=self.m.expected_view(config_id))
        self.api.apply("configs_newest_first", ex, order=self.m.order({str(c.get("id")) for c in ex.data}))
        return ex

    def shown(self, config_id: str) -> dict[str, Any] | None:
        """The config as the list shows it now (`updatedAt` included), without judging the list: as the last
        list showed it when the suite has written nothing since (every write is followed by a list), else read."""
        if self._listed is not None and self._listed[0] == self.api.writes:
            data = self._listed[1]
        else:
            ex = self.api.call("getManyConfigs", query={"id": config_id})
            data = ex.data if ex.status == 200 and isinstance(ex.data, list) else []
        return next((c for c in data if isinstance(c, dict) and c.get("id") == config_id), None)

    # --- deliveries ------------------------------------------------------------------------------
    def test_call(self, config_id: str) -> None:
        """`GET /configs/{id}/test`: one delivery arrives, well formed and signed with the current secret."""
        name = self.hooks[config_id]
        before = len(self.receiver.received(name))
        ex = self.api.call("testConfig", path={"id": config_id})
        if not self._ok(ex, 200, "test a config"):
            return
        arrived = self.receiver.wait_for(name, before + 1, ARRIVAL_TIMEOUT)[before:]
        if self.api.apply("delivery_arrives", ex, deliveries=arrived, why="the test call of a config"):
            self.judge(ex, arrived[0], config_id, test=True)

    def judge(self, ex: Exchange, delivery: Any, config_id: str, *, test: bool, event_type: str | None = None) -> None:
        self.api.apply("delivery_well_formed", ex, delivery=delivery, test=test, event_type=event_type)
        secret = self.m.configs[config_id].secret
        if secret is not None:
            self.api.apply("delivery_signed", ex, delivery=delivery, secret=secret)

    def probe_type(self) -> str:
        """An event type of this run's own (as configs name it), so configs other runs left never match it."""
        return f"contract.probe_{self.nonce}"

    def publish(self, listening: list[str], silent: list[str]) -> None:
        """Publish an event of `probe_type()` through the control API: each config of `listening` receives it
        once, well formed and signed; none of `silent` (inactive, or other event types) receives anything."""
        assert self.control is not None
        matched = self.probe_type()
        app, event = matched.split(".", 1)
        before = {c: len(self.receiver.received(self.hooks[c])) for c in [*listening, *silent]}
        self._listed = None
        self.control.publish(event.upper(), {"probe": self.nonce}, app=app)
        for config_id in listening:
            name = self.hooks[config_id]
            arrived = self.receiver.wait_for(name, before[config_id] + 1, ARRIVAL_TIMEOUT)[before[config_id] :]
            ex = self.created[config_id]
            why = f"an event of type {matched} to a config listening to it"
            if self.api.apply("delivery_arrives", ex, deliveries=arrived, why=why):
                self.judge(ex, arrived[0], config_id, test=False, event_type=matched)
        for config_id in silent:
            arrived = self.receiver.quiet(self.hooks[config_id], SILENCE)[before[config_id] :]
            state = self.m.configs[config_id]
            why = "the config is inactive" if not state.active else f"the config does not listen to {matched}"
            self.api.apply("inactive_not_delivered", self.created[config_id], deliveries=arrived, why=why)
