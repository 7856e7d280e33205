"""The webhooks' invariants phase: fixed, deterministic scenarios, each on configs of its own.

Each drives `WebhooksActions` (which predicts every answer with the suite's model and judges every delivery
the suite's receiver gets) through one family of the release's promises: a config's life (create, list,
update, delete), activation and its answers, secrets, validation, the test call's signed delivery, and, when
the run has the mock's control API, events delivered to the configs that listen to them and to no other.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from contract_tests.phases.webhooks_actions import WebhooksActions

__all__ = ["WEBHOOKS_SCENARIOS", "WebhooksScenario"]

SECRET = "V0bivxRWveaoz08afqjU6Ko/jwO0Cb+3"  # 24 bytes in base64, the spec's own example
OTHER_SECRET = "9Gb8S/p0WnDqnbo2pDm/lStn4tj28Jpv"
TYPES = ["ledger.committed_transactions"]


@dataclass(frozen=True)
class WebhooksScenario:
    name: str
    run: Callable[[WebhooksActions], None]
    needs_control: bool = False


WEBHOOKS_SCENARIOS: list[WebhooksScenario] = []


def scenario(*, needs_control: bool = False) -> Callable[[Callable[[WebhooksActions], None]], object]:
    def register(fn: Callable[[WebhooksActions], None]) -> Callable[[WebhooksActions], None]:
        WEBHOOKS_SCENARIOS.append(WebhooksScenario(fn.__name__, fn, needs_control))
        return fn

    return register


def _config(a: WebhooksActions, event_types: list[str] = TYPES, secret: str | None = None) -> str:
    config_id = a.create(event_types, secret=secret)
    if config_id is None:
        raise RuntimeError("the config the scenario needs could not be created")
    return config_id


@scenario()
def server_info(a: WebhooksActions) -> None:
    ex = a.api.call("getWebhooksServerInfo", identity=None)
    a.api.apply("valid_request_accepted", ex, expected=200, why="read /_info without a token")


@scenario()
def config_lifecycle(a: WebhooksActions) -> None:
    first = _config(a, ["LEDGER.Committed_Transactions", "orchestration.succeeded_workflow"])  # lower-cased
    second = _config(a, TYPES, secret=SECRET)
    a.update(first, ["ledger.saved_metadata"], secret=SECRET)  # no move in the list
    a.update(second, TYPES)  # no secret: a new one is drawn, learnt from the list
    a.update(str(uuid.uuid4()), TYPES, secret=SECRET)  # an unknown id: 200, nothing changes
    a.delete(first)


@scenario()
def activation_answers_the_previous_config(a: WebhooksActions) -> None:
    older, newer = _config(a), _config(a)
    a.tick()
    a.set_active(older, False)  # moves to the top, answered with its previous updatedAt
    a.set_active(older, False)  # nothing changes: the config as it is
    a.set_active(newer, True)  # already active: unchanged
    a.tick()
    a.set_active(older, True)
    for operation in ("activateConfig", "deactivateConfig"):
        ex = a.api.call(operation, path={"id": str(uuid.uuid4())})
        a.api.apply("unknown_resource_not_found", ex, expected=404, why=f"{operation} of an unknown config")


@scenario()
def secrets_change_and_sign(a: WebhooksActions) -> None:
    config_id = _config(a, secret=SECRET)
    a.test_call(config_id)
    a.change_secret(config_id, OTHER_SECRET)
    a.test_call(config_id)  # the new secret signs
    a.change_secret(config_id, OTHER_SECRET)  # the same secret: unchanged
    a.change_secret(config_id, None)  # generated, answered
    a.test_call(config_id)


@scenario()
def the_test_call_delivers_even_when_inactive(a: WebhooksActions) -> None:
    config_id = _config(a)
    a.test_call(config_id)
    a.set_active(config_id, False)
    a.test_call(config_id)
    ex = a.api.call("testConfig", path={"id": str(uuid.uuid4())})
    a.api.apply("unknown_resource_not_found", ex, expected=404, why="test an unknown config")


@scenario()
def invalid_configs_are_refused(a: WebhooksActions) -> None:
    endpoint = a.receiver.endpoint(a.hook_name())
    a.create([], endpoint=endpoint)  # eventTypes should be filled
    a.create(["ledger.committed_transactions", ""], endpoint=endpoint)
    a.create(TYPES, endpoint="")
    a.create(TYPES, endpoint="http://127.0.0.1:abc/hook")
    a.create(TYPES, secret="c2hvcnQ=", endpoint=endpoint)  # base64, but not 24 bytes
    a.create(TYPES, secret="%%%%", endpoint=endpoint)
    config_id = _config(a)
    a.refused({"endpoint": endpoint, "eventTypes": []}, "an update without event types", config_id=config_id)


@scenario(needs_control=True)
def events_reach_the_configs_that_listen(a: WebhooksActions) -> None:
    listening = _config(a, [a.probe_type().upper()])  # matched lower-cased
    other = _config(a, ["ledger.committed_transactions"])
    inactive = _config(a, [a.probe_type()])
    a.set_active(inactive, False)
    a.publish([listening], [other, inactive])
    a.change_secret(listening, OTHER_SECRET)
    a.publish([listening], [other, inactive])  # the new secret signs
