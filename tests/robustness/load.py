"""Many clients at once against one mock, then invariants over what they left behind.

Each client (an asyncio task with its own connection) loops over random actions for a
bounded time: create workflows (wait_event, delay, send, noop stages) and triggers, run
instances, send events, abort, delete its own resources, publish bus events, read. Every
answer is recorded in a shared ``Book``; ``check_invariants`` then compares the mock's
state with the book. Clients delete only what they created, so what must exist is known
exactly; running another client's workflow may race with its deletion (404 is fine).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

STAGES = {
    "wait": [{"wait_event": {"event": "go"}}, {"noop": {}}],
    "delay": [{"delay": {"duration": "150ms"}}, {"noop": {}}],
    "send": [
        {
            "send": {
                "source": {"account": {"id": "world", "ledger": "default"}},
                "destination": {"account": {"id": "users:load", "ledger": "default"}},
                "amount": {"amount": 1, "asset": "USD/2"},
            }
        }
    ],
    "overdraft": [
        {
            "send": {
                "source": {"account": {"id": "users:empty", "ledger": "default"}},
                "destination": {"account": {"id": "users:load", "ledger": "default"}},
                "amount": {"amount": 1, "asset": "USD/2"},
            }
        }
    ],
    "mixed": [{"noop": {}}, {"wait_event": {"event": "go"}}, {"delay": {"duration": "100ms"}}],
}
BUS_EVENTS = ("LOAD_A", "LOAD_B", "LOAD_C")


@dataclass
class Book:
    """What the clients were told: the expected state, and every answer's status."""

    workflows: set[str] = field(default_factory=set)
    deleted_workflows: set[str] = field(default_factory=set)
    triggers: dict[str, str] = field(default_factory=dict)  # trigger -> workflow
    deleted_triggers: set[str] = field(default_factory=set)
    instances: dict[str, str] = field(default_factory=dict)  # instance -> workflow
    occurrences: dict[str, set[str]] = field(default_factory=dict)  # trigger -> occurrence ids
    statuses: Counter[int] = field(default_factory=Counter)
    violations: list[str] = field(default_factory=list)
    requests: int = 0
    resets: int = 0

    def live_workflows(self) -> set[str]:
        return self.workflows - self.deleted_workflows


class Client:
    """One simulated user: its own connection, its own random stream, its own resources."""

    def __init__(self, number: int, http: httpx.AsyncClient, book: Book, *, resets: bool) -> None:
        self.rng = random.Random(number)
        self.http = http
        self.book = book
        self.resets = resets
        self.mine: list[str] = []  # live workflows this client created
        self.my_triggers: list[str] = []

    async def call(self, method: str, path: str, *, expect: tuple[int, ...], **kwargs: Any) -> httpx.Response | None:
        self.book.requests += 1
        try:
            reply = await self.http.request(method, path, **kwargs)
        except httpx.TimeoutException:
            self.book.violations.append(f"{method} {path}: no answer in time")
            return None
        self.book.statuses[reply.status_code] += 1
        if reply.status_code >= 500:
            self.book.violations.append(f"{method} {path}: {reply.status_code} {reply.text[:200]}")
        elif reply.status_code not in expect and not self.resets:
            # With resets racing, anything may vanish between two calls: only 5xx are violations then.
            self.book.violations.append(f"{method} {path}: unexpected {reply.status_code} {reply.text[:200]}")
        return reply

    def _any_instance(self) -> str | None:
        return self.rng.choice(list(self.book.instances)) if self.book.instances else None

    async def step(self) -> None:
        action = self.rng.choices(
            ["create", "run", "event", "abort", "delete", "trigger", "untrigger", "publish", "read", "reset"],
            weights=[10, 20, 12, 4, 3, 2, 2, 6, 12, 1 if self.resets else 0],
        )[0]
        await getattr(self, "do_" + action)()

    async def do_create(self) -> None:
        kind = self.rng.choice(sorted(STAGES))
        reply = await self.call(
            "POST", "/workflows", json={"name": f"load-{kind}", "stages": STAGES[kind]}, expect=(201,)
        )
        if reply is not None and reply.status_code == 201:
            workflow = reply.json()["data"]["id"]
            self.book.workflows.add(workflow)
            self.mine.append(workflow)

    async def do_run(self) -> None:
        own = self.mine and self.rng.random() < 0.7
        pool = self.mine if own else sorted(self.book.live_workflows())
        if not pool:
            return await self.do_create()
        workflow = self.rng.choice(pool)
        reply = await self.call(
            "POST", f"/workflows/{workflow}/instances", json={}, expect=(201,) if own else (201, 404)
        )
        if reply is not None and reply.status_code == 201:
            self.book.instances[reply.json()["data"]["id"]] = workflow
        return None

    async def do_event(self) -> None:
        instance = self._any_instance()
        if instance:
            await self.call("POST", f"/instances/{instance}/events", json={"name": "go"}, expect=(204, 400))

    async def do_abort(self) -> None:
        instance = self._any_instance()
        if instance:
            await self.call("PUT", f"/instances/{instance}/abort", expect=(204,))

    async def do_delete(self) -> None:
        if not self.mine:
            return
        workflow = self.mine.pop(self.rng.randrange(len(self.mine)))
        reply = await self.call("DELETE", f"/workflows/{workflow}", expect=(204,))
        if reply is not None and reply.status_code == 204:
            self.book.deleted_workflows.add(workflow)

    async def do_trigger(self) -> None:
        if not self.mine:
            return
        workflow = self.rng.choice(self.mine)
        body = {"event": self.rng.choice(BUS_EVENTS), "workflowID": workflow, "name": "load"}
        reply = await self.call("POST", "/triggers", json=body, expect=(201,))
        if reply is not None and reply.status_code == 201:
            trigger = reply.json()["data"]["id"]
            self.book.triggers[trigger] = workflow
            self.my_triggers.append(trigger)

    async def do_untrigger(self) -> None:
        if not self.my_triggers:
            return
        trigger = self.my_triggers.pop(self.rng.randrange(len(self.my_triggers)))
        reply = await self.call("DELETE", f"/triggers/{trigger}", expect=(204,))
        if reply is not None and reply.status_code == 204:
            self.book.deleted_triggers.add(trigger)

    async def do_publish(self) -> None:
        body = {"type": self.rng.choice(BUS_EVENTS), "payload": {"n": self.rng.randrange(1000)}}
        reply = await self.call("POST", "/_mock/events", json=body, expect=(202,))
        if reply is None or reply.status_code != 202:
            return
        for occurrence in reply.json()["data"]["occurrences"]:
            self.book.occurrences.setdefault(occurrence["triggerID"], set()).add(occurrence["id"])
            started = occurrence.get("workflowInstanceID")
            if started:
                # From the occurrence itself: the trigger may be another client's, whose
                # creation this client's book has not heard of yet.
                self.book.instances[started] = occurrence.get("workflowInstance", {}).get("workflowID", "?")

    async def do_read(self) -> None:
        instance = self._any_instance()
        if instance and self.rng.random() < 0.5:
            await self.call("GET", f"/instances/{instance}", expect=(200,))
        else:
            await self.call("GET", self.rng.choice(["/workflows", "/instances", "/triggers"]), expect=(200,))

    async def do_reset(self) -> None:
        await self.call("POST", "/_mock/reset", expect=(204,))
        self.book.resets += 1


async def _drive(url: str, token: str, *, clients: int, seconds: float, resets: bool, tenant: str | None) -> Book:
    book = Book()
    headers = _headers(token, tenant)
    limits = httpx.Limits(max_connections=1)
    async with contextlib.AsyncExitStack() as stack:
        # Every connection pool is built before the clock starts: on a loaded machine, building
        # 32 of them (each loads a TLS context) could otherwise eat the whole time budget.
        https = [
            await stack.enter_async_context(httpx.AsyncClient(base_url=url, headers=headers, timeout=10, limits=limits))
            for _ in range(clients)
        ]
        deadline = time.monotonic() + seconds

        async def one(number: int) -> None:
            client = Client(number, https[number], book, resets=resets)
            if resets and number == 0:
                await client.do_reset()  # at least one reset races with the others
            while time.monotonic() < deadline:
                await client.step()

        await asyncio.gather(*(one(n) for n in range(clients)))
    return book


def run_load(
    url: str, token: str, *, clients: int = 32, seconds: float = 5.0, resets: bool = False, tenant: str | None = None
) -> Book:
    """Drive ``clients`` concurrent clients for ``seconds`` (plus the answers still in flight); with
    ``tenant``, their control calls (bus events, resets) go to that tenant."""
    return asyncio.run(_drive(url, token, clients=clients, seconds=seconds, resets=resets, tenant=tenant))


# --- invariants ---------------------------------------------------------------------------
def instance_problems(instance: dict[str, Any]) -> list[str]:
    """A consistent instance: terminated iff terminatedAt; stages 0..k gapless, each but the
    last terminated; an error only on the last stage, and only on a terminated instance."""
    ident = instance["id"]
    problems = []
    if instance["terminated"] != ("terminatedAt" in instance):
        problems.append(
            f"instance {ident}: terminated={instance['terminated']} but terminatedAt is {'terminatedAt' in instance}"
        )
    if instance.get("error") and not instance["terminated"]:
        problems.append(f"instance {ident}: an error on a running instance")
    status = instance.get("status", [])
    if [s["stage"] for s in status] != list(range(len(status))):
        problems.append(f"instance {ident}: stages {[s['stage'] for s in status]} are not 0..k")
    for record in status[:-1]:
        if "terminatedAt" not in record or record.get("error"):
            problems.append(f"instance {ident}: stage {record['stage']} is not the last yet is open or failed")
    if instance["terminated"] and status and "terminatedAt" not in status[-1]:
        problems.append(f"instance {ident}: terminated with its last stage still open")
    return problems


def _ids(reply: httpx.Response) -> set[str]:
    return {item["id"] for item in reply.json()["data"]}


def _headers(token: str, tenant: str | None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    if tenant:
        headers["X-Mock-Tenant"] = tenant  # control calls act on the token's tenant too
    return headers


def check_invariants(url: str, token: str, book: Book, *, tenant: str | None = None) -> list[str]:
    """Compare the mock with the book: nothing lost, nothing duplicated, everything consistent."""
    problems: list[str] = []
    with httpx.Client(base_url=url, headers=_headers(token, tenant), timeout=30) as http:
        live = book.live_workflows()
        listed = http.get("/workflows").json()["data"]
        if len(listed) != len({w["id"] for w in listed}):
            problems.append("GET /workflows lists a workflow twice")
        if {w["id"] for w in listed} != live:
            problems.append(f"GET /workflows: {len(listed)} listed, {len(live)} created and not deleted")
        for workflow in sorted(book.workflows):
            status = http.get(f"/workflows/{workflow}").status_code
            expected = 404 if workflow in book.deleted_workflows else 200
            if status != expected:
                problems.append(f"GET /workflows/{workflow}: {status}, expected {expected}")
        live_triggers = set(book.triggers) - book.deleted_triggers
        if _ids(http.get("/triggers")) != live_triggers:
            problems.append(f"GET /triggers does not list the {len(live_triggers)} live triggers exactly")
        for trigger in sorted(book.triggers):
            status = http.get(f"/triggers/{trigger}").status_code
            expected = 404 if trigger in book.deleted_triggers else 200
            if status != expected:
                problems.append(f"GET /triggers/{trigger}: {status}, expected {expected}")
            seen = _ids(http.get(f"/triggers/{trigger}/occurrences"))
            if seen != book.occurrences.get(trigger, set()):
                problems.append(f"trigger {trigger}: occurrences differ from those the publishes reported")
        listed_instances = [i["id"] for i in http.get("/instances").json()["data"]]
        expected_instances = {i for i, w in book.instances.items() if w in live}
        if len(listed_instances) != len(set(listed_instances)) or set(listed_instances) != expected_instances:
            problems.append(f"GET /instances: {len(listed_instances)} listed, {len(expected_instances)} expected")
        for instance in sorted(book.instances):
            reply = http.get(f"/instances/{instance}")
            if reply.status_code != 200:
                problems.append(f"GET /instances/{instance}: {reply.status_code}")
                continue
            problems += instance_problems(reply.json()["data"])
        counts = http.get("/_mock/state").json()["data"]
        wanted = {"workflows": len(live), "triggers": len(live_triggers), "instances": len(book.instances)}
        for key, value in wanted.items():
            if counts[key] != value:
                problems.append(f"/_mock/state {key} = {counts[key]}, expected {value}")
    return problems


def check_empty(url: str, token: str) -> list[str]:
    """After a final reset (no fixtures): nothing left anywhere."""
    problems = []
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
        counts = http.get("/_mock/state").json()["data"]
        if any(counts.values()):
            problems.append(f"/_mock/state after the final reset: {counts}")
        for path in ("/workflows", "/instances", "/triggers", "/_mock/events"):
            reply = http.get(path)
            if reply.status_code != 200 or reply.json()["data"]:
                problems.append(f"GET {path} after the final reset: {reply.status_code} {reply.text[:200]}")
    return problems
