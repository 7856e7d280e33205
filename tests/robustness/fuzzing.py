"""Send hostile requests to a running mock and judge every answer.

The oracle: never a 5xx, never a hang (the client gives each request a few seconds),
never a dropped connection, and every 4xx in the Error shape, ``{"errorCode",
"errorMessage"}`` as JSON (the token endpoint answers OAuth2's ``{"error"}`` instead).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.robustness.hostile import HostileRequest, Targets, hostile_requests
from tests.robustness.operations import ALL, Operation
from tests.robustness.rawhttp import Hang, RawClient, Reply

RESEED_EVERY = 150  # requests between resets, so deleted or changed targets come back


def judge(request: HostileRequest, reply: Reply, *, oauth: bool = False) -> str | None:
    """None when the answer is acceptable, else what is wrong with it."""
    if reply.status >= 500:
        return f"{reply.status} {reply.body[:200]!r}"
    if reply.status < 400 or request.method == "HEAD":
        return None
    if not reply.header("content-type").startswith("application/json"):
        return f"{reply.status} with content-type {reply.header('content-type')!r}"
    try:
        body = json.loads(reply.body)
    except ValueError:
        return f"{reply.status} with a body that is not JSON: {reply.body[:200]!r}"
    wanted = ("error",) if oauth else ("errorCode", "errorMessage")
    if not isinstance(body, dict) or not all(isinstance(body.get(key), str) for key in wanted):
        return f"{reply.status} not in the Error shape: {reply.body[:200]!r}"
    return None


@dataclass
class FuzzReport:
    tried: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    server_errors: int = 0
    hangs: int = 0
    dropped: int = 0
    skipped: int = 0  # generated after the time budget ran out, never sent
    failures: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.tried.values())


class Fuzzer:
    """One mock, one connection, the seeded targets, and a report that every request adds to."""

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 5.0,
        raise_on_failure: bool = True,
        budget: float | None = None,
        reseed_every: int = RESEED_EVERY,
        fault_rules: tuple[dict[str, Any], ...] = (),
        tenant: str | None = None,
        scopes: tuple[str | None, str] = (None, "orchestration:read"),
    ) -> None:
        parts = urlsplit(url)
        self.url = url
        self.fault_rules = fault_rules  # loaded again after every reset
        # With --tenancy client: the fuzzer's tokens are the tenant's (client id "fuzz"), and its
        # resets and rules go to that tenant.
        self.control_headers = {"X-Mock-Tenant": tenant} if tenant else {}
        self.host = f"{parts.hostname}:{parts.port}"
        self.client = RawClient(parts.hostname or "127.0.0.1", parts.port or 80, timeout=timeout)
        self.raise_on_failure = raise_on_failure
        self.reseed_every = reseed_every
        self.deadline = time.monotonic() + budget if budget is not None else None
        self.report = FuzzReport()
        self.tokens = {
            "write": _token(url, scopes[0]),
            "read": _token(url, scopes[1]),
        }
        # What makes an answer acceptable (a subclass may be more lenient where a mode documents more).
        self.judge = judge
        self.targets = self.reseed()

    def close(self) -> None:
        self.client.close()

    def reseed(self) -> Targets:
        """Reset the mock (it reloads its fixtures) and find an instance still waiting for an event."""
        httpx.post(self.url + "/_mock/reset", headers=self.control_headers, timeout=10).raise_for_status()
        for rule in self.fault_rules:
            httpx.post(
                self.url + "/_mock/faults", json=rule, headers=self.control_headers, timeout=10
            ).raise_for_status()
        headers = {"Authorization": f"Bearer {self.tokens['write']}"}
        instances = httpx.get(self.url + "/instances", headers=headers, timeout=10).json()["data"]
        workflows = httpx.get(self.url + "/workflows", headers=headers, timeout=10).json()["data"]
        triggers = httpx.get(self.url + "/triggers", headers=headers, timeout=10).json()["data"]
        waiting = [i for i in instances if not i["terminated"]] or instances
        return Targets(workflow=workflows[0]["id"], instance=waiting[0]["id"], trigger=triggers[0]["id"])

    def send(self, request: HostileRequest) -> None:
        """Send one request, judge the answer, and record it; raise at once if asked to."""
        report = self.report
        if self.deadline is not None and time.monotonic() > self.deadline:
            report.skipped += 1
            return
        report.tried[request.op] += 1
        problem: str | None
        try:
            reply = self.client.send(request.raw(self.host), head_only=request.method == "HEAD")
        except Hang:
            report.hangs += 1
            problem = "hang: no answer in time"
        except ConnectionError as exc:
            report.dropped += 1
            problem = f"connection dropped without an answer: {exc}"
        else:
            report.statuses[reply.status] += 1
            report.server_errors += reply.status >= 500
            problem = self.judge(request, reply, oauth=request.op == "issueToken")
        if problem is not None:
            message = f"{request.op}: {problem}\n  request: {request.describe()}"
            report.failures.append(message)
            if self.raise_on_failure:
                raise AssertionError(message)
        if report.total % self.reseed_every == 0:
            self.targets = self.reseed()

    def run(self, op: Operation, *, examples: int, shrink: bool = True) -> None:
        """Up to ``examples`` derandomized hostile requests aimed at ``op``."""
        phases = [Phase.explicit, Phase.generate, Phase.shrink] if shrink else [Phase.explicit, Phase.generate]

        @settings(
            max_examples=examples,
            derandomize=True,
            database=None,
            deadline=None,
            phases=phases,
            suppress_health_check=list(HealthCheck),
        )
        @given(data=st.data())
        def attack(data: st.DataObject) -> None:
            self.send(data.draw(hostile_requests(op, self.targets, self.tokens)))

        attack()


def fuzz_all(
    url: str,
    *,
    per_operation: int,
    operations: tuple[Operation, ...] = ALL,
    budget: float | None = None,
    reseed_every: int = RESEED_EVERY,
) -> FuzzReport:
    """The report's run: every operation, failures collected instead of raised, within ``budget`` seconds."""
    fuzzer = Fuzzer(url, raise_on_failure=False, budget=budget, reseed_every=reseed_every)
    try:
        for op in operations:
            fuzzer.run(op, examples=per_operation, shrink=False)
    finally:
        fuzzer.close()
    return fuzzer.report


def _token(url: str, scope: str | None) -> str:
    data = {"grant_type": "client_credentials", "client_id": "fuzz", "client_secret": "fuzz"}
    if scope:
        data["scope"] = scope
    reply = httpx.post(url + "/api/auth/oauth/token", data=data, timeout=10)
    reply.raise_for_status()
    return str(reply.json()["access_token"])
