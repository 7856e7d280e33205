"""Bugs a webhooks implementation could have, each injected by the proxy in front of the mock's correct webhooks.

Every fault names the checks expected to catch it; `test_fault_detection_webhooks` proves the suite does, with a
finding the fault-free baseline does not have. Most keep every answer valid against the schema: only a suite
with a model of the configs, or one that receives and verifies the deliveries, can see them. Delivery bugs
are made with the mock's own delivery faults (`POST /_mock/webhooks/faults`), with answers that lie about
what was done, or with a relay (`webhooks_relay.py`) that alters what reaches the suite's receiver.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from tests.contract.faults_ledger_reads import _scopes
from tests.contract.proxy import Fault, Request, Response, Send
from tests.contract.webhooks_relay import Alter, Relay

__all__ = ["WEBHOOKS_FAULTS", "webhooks_operation"]

_ROUTES = {
    ("GET", ("configs",)): "getManyConfigs",
    ("POST", ("configs",)): "insertConfig",
    ("PUT", ("configs", "*")): "updateConfig",
    ("DELETE", ("configs", "*")): "deleteConfig",
    ("GET", ("configs", "*", "test")): "testConfig",
    ("PUT", ("configs", "*", "activate")): "activateConfig",
    ("PUT", ("configs", "*", "deactivate")): "deactivateConfig",
    ("PUT", ("configs", "*", "secret", "change")): "changeConfigSecret",
}
PREFIX = "/api/webhooks"
WEBHOOKS_FAULTS: list[Fault] = []


def parts(request: Request) -> list[str]:
    path = request.path
    return [p for p in path[len(PREFIX) :].split("/") if p] if path.startswith(PREFIX + "/") else []


def webhooks_operation(request: Request) -> str | None:
    found = parts(request)
    for (method, pattern), name in _ROUTES.items():
        same_shape = method == request.method and len(pattern) == len(found)
        if same_shape and all(p == "*" or p == q for p, q in zip(pattern, found, strict=True)):
            return name
    return None


def fault(name: str, description: str, caught_by: set[str], *, on: str = "response"):  # type: ignore[no-untyped-def]
    """Register a hook as a fault: a response hook, or with `on="request"` a request hook."""

    def register(hook):  # type: ignore[no-untyped-def]
        request_hook, response_hook = (hook, None) if on == "request" else (None, hook)
        WEBHOOKS_FAULTS.append(Fault(name, description, frozenset(caught_by), request_hook, response_hook))
        return hook

    return register


async def _current(request: Request, send: Send) -> dict[str, Any] | None:
    """The config the request names, as the list shows it."""
    auth = {"authorization": request.headers.get("authorization", "")}
    listed = (await send(Request("GET", PREFIX + "/configs", (("id", parts(request)[1]),), auth, b""))).json()
    data = ((listed or {}).get("cursor") or {}).get("data") or []
    return data[0] if data else None


def _answer(value: Any) -> Response:
    return Response(200, {"content-type": "application/json"}, json.dumps({"data": value}).encode())


# ------------------------------------------------------------------ the configs' answers
@fault("webhooks_list_oldest_first", "the list is oldest-updated first", {"configs_newest_first"})
async def _oldest_first(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    body = response.json()
    if webhooks_operation(request) != "getManyConfigs" or response.status != 200:
        return response
    body["cursor"]["data"].reverse()
    return response.with_json(body)


@fault("webhooks_delete_answers_204", "a delete answers 204 (REST habit), not the release's 200",
       {"config_write_without_body", "documented_success_status", "status_code_conformance"})  # fmt: skip
async def _delete_204(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    if webhooks_operation(request) == "deleteConfig" and response.status == 200:
        return Response(204, {k: v for k, v in response.headers.items() if k != "content-type"}, b"")
    return response


@fault("webhooks_create_without_secret", "a created config is answered without its secret",
       {"config_matches_model", "response_schema_conformance"})  # fmt: skip
async def _no_secret(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    body = response.json()
    if webhooks_operation(request) != "insertConfig" or response.status != 200:
        return response
    del body["data"]["secret"]
    return response.with_json(body)


@fault("webhooks_event_types_as_sent", "event types are answered as sent, not lower-cased", {"config_matches_model"})
async def _not_lowered(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    body, sent = response.json(), request.json()
    if webhooks_operation(request) != "insertConfig" or response.status != 200 or not isinstance(sent, dict):
        return response
    body["data"]["eventTypes"] = sent.get("eventTypes")
    return response.with_json(body)


@fault("webhooks_activation_answers_now", "activate and deactivate answer the new updatedAt",
       {"activation_answers_previous"})  # fmt: skip
async def _answers_now(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    changing = webhooks_operation(request) in {"activateConfig", "deactivateConfig"} and response.status == 200
    current = await _current(request, send) if changing else None
    if current is None:
        return response
    body = response.json()
    body["data"]["updatedAt"] = current["updatedAt"]
    return response.with_json(body)


@fault("webhooks_short_secret_accepted", "a secret that does not decode to 24 bytes is accepted",
       {"invalid_config_refused"}, on="request")  # fmt: skip
async def _short_secret(fault: Fault, request: Request, send: Send) -> Request:
    body = request.json()
    if webhooks_operation(request) != "insertConfig" or not isinstance(body, dict) or body.get("secret") != "c2hvcnQ=":
        return request
    return replace(request, body=json.dumps({**body, "secret": None}).encode())  # stored with a drawn secret


# ------------------------------------------------------------------ answers that lie about what was done
@fault("webhooks_secret_change_ignored", "a secret change is answered but the old secret still signs",
       {"delivery_signed", "config_matches_model"}, on="request")  # fmt: skip
async def _secret_kept(fault: Fault, request: Request, send: Send) -> Request | Response:
    body = request.json()
    if webhooks_operation(request) != "changeConfigSecret" or not isinstance(body, dict) or not body.get("secret"):
        return request
    current = await _current(request, send)
    return request if current is None else _answer({**current, "secret": body["secret"]})


async def _deactivate_nothing(fault: Fault, request: Request, send: Send) -> Request | Response:
    operation = webhooks_operation(request)
    if operation == "activateConfig":
        fault.state.setdefault("inactive", set()).discard(parts(request)[1])
    if operation != "deactivateConfig":
        return request
    current = await _current(request, send)
    if current is None or not current["active"]:
        return request
    fault.state.setdefault("inactive", set()).add(current["id"])
    return _answer({**current, "active": False})


async def _listed_inactive(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    body = response.json()
    if webhooks_operation(request) != "getManyConfigs" or response.status != 200:
        return response
    for config in body["cursor"]["data"]:
        if config["id"] in fault.state.get("inactive", set()):
            config["active"] = False
    return response.with_json(body)


WEBHOOKS_FAULTS.append(
    Fault(
        "webhooks_deactivated_still_delivered",
        "a deactivated config reads as inactive but still receives events",
        frozenset({"inactive_not_delivered"}),
        _deactivate_nothing,
        _listed_inactive,
    )
)


@fault("webhooks_bad_signature", "event deliveries carry a signature no receiver accepts", {"delivery_signed"},
       on="request")  # fmt: skip
async def _bad_signature(fault: Fault, request: Request, send: Send) -> Request:
    if not fault.state.get("armed"):  # the mock's own delivery fault, set once per run (reset clears it)
        rule = json.dumps({"badSignature": True}).encode()
        await send(Request("POST", "/_mock/webhooks/faults", (), {"content-type": "application/json"}, rule))
        fault.state["armed"] = True
    return request


@fault("webhooks_read_token_writes", "a `webhooks:read` token is allowed to write", {"write_scope_required"},
       on="request")  # fmt: skip
async def _read_writes(fault: Fault, request: Request, send: Send) -> Request:
    scopes = _scopes(request.headers.get("authorization", ""))
    if not parts(request) or request.method == "GET" or scopes != {"webhooks:read"}:
        return request
    form = b"grant_type=client_credentials&client_id=fault&client_secret=x&scope=webhooks%3Aread+webhooks%3Awrite"
    headers = {"content-type": "application/x-www-form-urlencoded"}
    token = (await send(Request("POST", "/api/auth/oauth/token", (), headers, form))).json()["access_token"]
    return replace(request, headers={**request.headers, "authorization": f"Bearer {token}"})


# ------------------------------------------------------------------ deliveries altered on their way
RELAY = Relay()


def _relayed(name: str, description: str, caught_by: set[str], alter: Alter) -> None:
    """A fault whose deliveries pass through the relay, which alters them with `alter`."""

    async def endpoint_in(fault: Fault, request: Request, send: Send) -> Request:
        RELAY.alter = alter  # the relay serves one fault at a time, as the proxy does
        body = request.json()
        writes = webhooks_operation(request) in {"insertConfig", "updateConfig"}
        if not writes or not isinstance(body, dict) or not isinstance(body.get("endpoint"), str):
            return request
        return replace(request, body=json.dumps({**body, "endpoint": RELAY.wrap(body["endpoint"])}).encode())

    async def endpoint_out(fault: Fault, request: Request, response: Response, send: Send) -> Response:
        text = RELAY.unwrap_text(response.body.decode("utf-8", "replace"))
        return replace(response, body=text.encode()) if webhooks_operation(request) else response

    WEBHOOKS_FAULTS.append(Fault(name, description, frozenset(caught_by), endpoint_in, endpoint_out))


def _without(header: str) -> Alter:
    return lambda headers, body: ({k: v for k, v in headers.items() if k != header}, body)


_relayed("webhooks_delivery_without_timestamp", "deliveries lack Formance-Webhook-Timestamp",
         {"delivery_well_formed", "delivery_signed"}, _without("formance-webhook-timestamp"))  # fmt: skip
_relayed("webhooks_delivery_without_test_header", "deliveries lack Formance-Webhook-Test", {"delivery_well_formed"},
         _without("formance-webhook-test"))  # fmt: skip
_relayed("webhooks_body_reencoded", "the body is re-encoded after signing (the signature no longer matches)",
         {"delivery_signed"}, lambda headers, body: (headers, body + b"\n"))  # fmt: skip
