"""Hostile input against the 16 wallets operations (``spec/wallets.v1.yaml``), judged as the wallets API answers.

The layers are ``hostile.py``'s (another method, hostile path segments and query strings, bodies grown
from the spec's own examples then damaged in structure and on the wire, contradicting headers, chunked
framing); the targets are a wallet, a balance and a hold made after each reset. The oracle: never a
5xx (with ``--quirks real``, a 500 only from an operation whose spec text names a 500 of v2.1.5), never a
hang nor a dropped connection, and every 4xx in the Error shape, but the release's 404s, which have no
body at all.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.robustness.hostile import (
    CONTENT_TYPES,
    EXTRA_HEADERS,
    HOSTILE_SEGMENTS,
    OTHER_METHODS,
    HostileRequest,
    damaged,
    serialized,
)
from tests.robustness.rawhttp import Hang, RawClient, Reply
from tests.support import ROOT

PREFIX = "/api/wallets"
SPEC = ROOT / "spec" / "wallets.v1.yaml"
_METHODS = ("get", "post", "patch")
_RELEASE_500 = re.compile(r"v2\.1\.5[^.]*\b500\b|\b500\b[^.]*v2\.1\.5|`--quirks real`", re.S)


@dataclass(frozen=True, slots=True)
class WalletOperation:
    name: str
    method: str
    path: str  # below the prefix, with {id}, {balanceName}, {holdID} / {hold_id}
    query: tuple[str, ...]
    bodies: tuple[Any, ...]  # the spec's request examples; empty when the operation takes no body
    real_500: bool  # the spec says v2.1.5 answers 500 somewhere on this operation


@cache
def _spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC.read_text())


def _resolve(node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = _spec()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


@cache
def operations() -> tuple[WalletOperation, ...]:
    found = []
    for template, item in _spec()["paths"].items():
        if template.startswith("x-"):
            continue
        for method in _METHODS:
            definition = item.get(method)
            if definition is None:
                continue
            params = [_resolve(p) for p in (*item.get("parameters", []), *definition.get("parameters", []))]
            query = tuple(p["name"] for p in params if p["in"] == "query")
            media = (definition.get("requestBody") or {}).get("content", {}).get("application/json", {})
            bodies = tuple(e["value"] for e in (media.get("examples") or {}).values())
            if "requestBody" in definition and not bodies:
                bodies = ({},)
            responses = " ".join(str(_resolve(r).get("description", "")) for r in definition["responses"].values())
            text = definition.get("description", "") + " " + responses
            real_500 = "500" in definition["responses"] and bool(_RELEASE_500.search(text))
            found.append(WalletOperation(definition["operationId"], method.upper(), template, query, bodies, real_500))
    return tuple(found)


@dataclass(frozen=True, slots=True)
class Targets:
    wallet: str
    balance: str
    hold: str

    def valid(self, param: str) -> str:
        return {"id": self.wallet, "balanceName": self.balance}.get(param, self.hold)


def judge(reply: Reply, *, real: bool, op: WalletOperation, head: bool = False) -> str | None:
    if reply.status >= 500:
        if real and op.real_500 and reply.status == 500:
            return None
        return f"{reply.status} {reply.body[:200]!r}"
    if reply.status < 400 or head:
        return None
    if reply.status == 404 and reply.body == b"":
        return None  # every 404 of the release has no body
    if real and reply.status in (401, 404, 405) and not reply.body.startswith(b"{"):
        return None  # the release's empty 401s, chi's text 404 and empty 405
    if not reply.header("content-type").startswith("application/json"):
        return f"{reply.status} with content-type {reply.header('content-type')!r}"
    try:
        body = json.loads(reply.body)
    except ValueError:
        return f"{reply.status} with a body that is not JSON: {reply.body[:200]!r}"
    if not isinstance(body, dict) or not all(isinstance(body.get(k), str) for k in ("errorCode", "errorMessage")):
        return f"{reply.status} not in the Error shape: {reply.body[:200]!r}"
    return None


@st.composite
def hostile_requests(draw: st.DrawFn, op: WalletOperation, targets: Targets, token: str) -> HostileRequest:
    method = op.method if draw(st.integers(0, 5)) else draw(st.sampled_from(OTHER_METHODS))
    path = op.path
    for param in re.findall(r"{(\w+)}", op.path):
        value = draw(
            st.one_of(
                st.just(targets.valid(param)),
                st.sampled_from(HOSTILE_SEGMENTS),
                st.text(st.characters(codec="utf-8"), max_size=12).map(lambda s: quote(s, safe="")),
            )
        )
        path = path.replace("{" + param + "}", value)
    names = st.one_of(st.sampled_from(op.query or ("pageSize",)), st.sampled_from(["metadata[a]", "metadata[", "%zz"]))
    values = st.sampled_from(["", "1", "0", "-1", "abc", "9" * 40, "*", "%00", "%ff", targets.wallet, "x" * 3000])
    pairs = st.lists(st.tuples(names, values), max_size=4).map(lambda ps: "&".join(f"{k}={v}" for k, v in ps))
    query = draw(st.one_of(st.just(""), pairs))
    headers: list[tuple[str, str]] = []
    if draw(st.integers(0, 5)):
        headers.append(("Authorization", f"Bearer {token}"))
    ctype = draw(st.sampled_from(CONTENT_TYPES))
    if ctype is not None:
        headers.append(("Content-Type", ctype))
    if draw(st.integers(0, 3)) == 0:
        headers.append(
            draw(st.sampled_from([*EXTRA_HEADERS, ("Idempotency-Key", "k"), ("Idempotency-Key", "x" * 600)]))
        )
    body: bytes | None = None
    if op.bodies or draw(st.integers(0, 4)) == 0:
        value = draw(damaged(draw(st.sampled_from(op.bodies or ({},)))))
        body = draw(serialized(value))
    chunks = draw(st.sampled_from([0, 0, 0, 1, 3])) if body else 0
    target = PREFIX + path + ("?" + query if query else "")
    return HostileRequest(op.name, method, target, tuple(headers), body, chunks)


@dataclass
class Report:
    tried: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)


class WalletsFuzzer:
    """One mock, one raw connection, targets made after each reset, every answer judged."""

    def __init__(self, url: str, *, real: bool = False, reseed_every: int = 150) -> None:
        parts = urlsplit(url)
        self.url, self.real, self.reseed_every = url, real, reseed_every
        self.host = f"{parts.hostname}:{parts.port}"
        self.client = RawClient(parts.hostname or "127.0.0.1", parts.port or 80, timeout=5.0)
        data = {"grant_type": "client_credentials", "client_id": "fuzz", "client_secret": "fuzz"}
        self.token = str(httpx.post(url + "/api/auth/oauth/token", data=data, timeout=10).json()["access_token"])
        self.report = Report()
        self.targets = self.reseed()

    def close(self) -> None:
        self.client.close()

    def reseed(self) -> Targets:
        httpx.post(self.url + "/_mock/reset", timeout=10).raise_for_status()
        with httpx.Client(
            base_url=self.url + PREFIX, headers={"Authorization": f"Bearer {self.token}"}, timeout=10
        ) as api:
            wallet = api.post("/wallets", json={"name": "fuzz"}).json()["data"]["id"]
            api.post(f"/wallets/{wallet}/balances", json={"name": "coupons"}).raise_for_status()
            api.post(f"/wallets/{wallet}/credit", json={"amount": {"asset": "USD/2", "amount": 10**6}})
            hold = api.post(
                f"/wallets/{wallet}/debit", json={"amount": {"asset": "USD/2", "amount": 10}, "pending": True}
            )
            return Targets(wallet, "coupons", hold.json()["data"]["id"])

    def send(self, request: HostileRequest, op: WalletOperation) -> None:
        self.report.tried[op.name] += 1
        problem: str | None
        started = time.monotonic()
        try:
            reply = self.client.send(request.raw(self.host), head_only=request.method == "HEAD")
        except Hang:
            problem = "hang: no answer in time"
        except ConnectionError as exc:
            problem = f"connection dropped without an answer: {exc}"
        else:
            self.report.statuses[reply.status] += 1
            problem = judge(reply, real=self.real, op=op, head=request.method == "HEAD")
        if problem is not None:
            took = time.monotonic() - started
            shown = request.describe() if request.body is not None else f"{request.method} {request.target[:300]}"
            message = f"{op.name}: {problem} ({took:.1f} s)\n  request: {shown}"
            self.report.failures.append(message)
            raise AssertionError(message)
        if sum(self.report.tried.values()) % self.reseed_every == 0:
            self.targets = self.reseed()

    def run(self, op: WalletOperation, *, examples: int) -> None:
        @settings(
            max_examples=examples,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        )
        @given(data=st.data())
        def attack(data: st.DataObject) -> None:
            self.send(data.draw(hostile_requests(op, self.targets, self.token)), op)

        attack()
