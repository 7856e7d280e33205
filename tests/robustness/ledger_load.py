"""Many clients booking on the same few accounts of one ledger at once, then the ledger's own reads judged.

Each client (an asyncio task with its own connection) loops for a bounded time: fund an account from
`world`, move money between the shared accounts (never forced, so an overdraft must be refused), revert
one of its own bookings, read. Every answer goes in a shared `LedgerBook`; `ledger_problems` then reads the
ledger back (every booking by id, every account's volumes walked page by page, the stats) and compares
it with the book: nothing lost, nothing doubled, no account but `world` below zero, money conserved.
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

ACCOUNTS = ("users:a", "users:b", "users:c", "users:d")
ASSET = "USD/2"


@dataclass
class LedgerBook:
    """What the clients were told: every booking answered 200 or 201, by id, and every status."""

    booked: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    reverted: set[int] = field(default_factory=set)
    statuses: Counter[int] = field(default_factory=Counter)
    violations: list[str] = field(default_factory=list)
    requests: int = 0

    def keep(self, answer: dict[str, Any], where: str) -> None:
        tx_id = answer.get("id")
        if tx_id in self.booked:
            self.violations.append(f"{where}: id {tx_id} given twice")
        self.booked[tx_id] = answer.get("postings") or []


class Booker:
    """One client: its own connection, its own random stream, the bookings it may revert."""

    def __init__(self, number: int, http: httpx.AsyncClient, book: LedgerBook, ledger: str) -> None:
        self.rng = random.Random(number)
        self.http = http
        self.book = book
        self.base = f"/v2/{ledger}"
        self.mine: list[int] = []

    async def call(self, method: str, path: str, *, expect: tuple[int, ...], **kwargs: Any) -> httpx.Response | None:
        self.book.requests += 1
        try:
            reply = await self.http.request(method, self.base + path, **kwargs)
        except httpx.TimeoutException:
            self.book.violations.append(f"{method} {path}: no answer in time")
            return None
        self.book.statuses[reply.status_code] += 1
        if reply.status_code not in expect:
            self.book.violations.append(f"{method} {path}: unexpected {reply.status_code} {reply.text[:200]}")
        return reply

    async def step(self) -> None:
        action = self.rng.choices(["fund", "move", "revert", "read"], weights=[3, 10, 2, 3])[0]
        await getattr(self, "do_" + action)()

    async def book_postings(self, postings: list[dict[str, Any]], expect: tuple[int, ...]) -> None:
        reply = await self.call("POST", "/transactions", json={"postings": postings}, expect=expect)
        if reply is not None and reply.status_code == 200:
            self.book.keep(reply.json()["data"], "booking")
            self.mine.append(reply.json()["data"]["id"])
        elif reply is not None and reply.status_code == 400 and reply.json().get("errorCode") != "INSUFFICIENT_FUND":
            self.book.violations.append(f"a refusal that is not for funds: {reply.text[:200]}")

    async def do_fund(self) -> None:
        amount = self.rng.randint(1, 50)
        await self.book_postings([_move("world", self.rng.choice(ACCOUNTS), amount)], (200,))

    async def do_move(self) -> None:
        source, destination = self.rng.sample(ACCOUNTS, 2)
        postings = [_move(source, destination, self.rng.randint(1, 40))]
        if self.rng.random() < 0.3:  # a chain through the destination, in one transaction
            postings.append(_move(destination, self.rng.choice(ACCOUNTS), self.rng.randint(1, 40)))
        await self.book_postings(postings, (200, 400))

    async def do_revert(self) -> None:
        if not self.mine:
            return
        original = self.mine.pop(self.rng.randrange(len(self.mine)))
        reply = await self.call("POST", f"/transactions/{original}/revert", json={}, expect=(201, 400))
        if reply is not None and reply.status_code == 201:
            self.book.keep(reply.json()["data"], "revert")
            self.book.reverted.add(original)

    async def do_read(self) -> None:
        await self.call("GET", f"/accounts/{self.rng.choice(ACCOUNTS)}", expect=(200, 404))

    async def run(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            await self.step()


def _move(source: str, destination: str, amount: int) -> dict[str, Any]:
    return {"source": source, "destination": destination, "amount": amount, "asset": ASSET}


async def _drive(url: str, token: str, ledger: str, *, clients: int, seconds: float) -> LedgerBook:
    book = LedgerBook()
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=1)
    async with contextlib.AsyncExitStack() as stack:
        https = [
            await stack.enter_async_context(httpx.AsyncClient(base_url=url, headers=headers, timeout=10, limits=limits))
            for _ in range(clients)
        ]
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(Booker(n, http, book, ledger).run(deadline) for n, http in enumerate(https)))
    return book


def run_bookings(url: str, token: str, ledger: str, *, clients: int, seconds: float) -> LedgerBook:
    """`clients` concurrent bookers for `seconds` against `<url>/v2/<ledger>` (url: the ledger API root)."""
    return asyncio.run(_drive(url, token, ledger, clients=clients, seconds=seconds))


def _walk(http: httpx.Client, path: str, params: dict[str, str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    page = http.get(path, params={**params, "pageSize": "100"}).json()["cursor"]
    items += page["data"]
    while page.get("next"):
        page = http.get(path, params={"cursor": page["next"]}).json()["cursor"]
        items += page["data"]
    return items


def ledger_problems(url: str, token: str, ledger: str, book: LedgerBook) -> list[str]:
    """What the ledger's own reads show wrong after the load: a booking lost or changed, a count that is off,
    an account overdrawn, a balance that is not the sum of the bookings, money created."""
    problems: list[str] = []
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"{url}/v2/{ledger}", headers=headers, timeout=10) as http:
        for tx_id, postings in sorted(book.booked.items()):
            read = http.get(f"/transactions/{tx_id}")
            data = read.json().get("data") or {} if read.status_code == 200 else {}
            if data.get("postings") != postings or data.get("reverted") is not (tx_id in book.reverted):
                problems.append(f"transaction {tx_id}: read {read.status_code} {read.text[:200]}")
        stats = http.get("/stats").json()["data"]
        if stats["transactions"] != len(book.booked):
            problems.append(f"stats count {stats['transactions']} transactions, {len(book.booked)} were booked")
        expected: Counter[str] = Counter()
        for postings in book.booked.values():
            for posting in postings:
                expected[posting["source"]] -= posting["amount"]
                expected[posting["destination"]] += posting["amount"]
        shown = {
            a["address"]: (a.get("volumes") or {}).get(ASSET, {}).get("balance", 0)
            for a in _walk(http, "/accounts", {"expand": "volumes"})
        }
        for address in sorted(set(shown) | set(expected)):
            if shown.get(address, 0) != expected[address]:
                problems.append(f"{address}: balance {shown.get(address)}, the bookings make {expected[address]}")
            if address != "world" and shown.get(address, 0) < 0:
                problems.append(f"{address} overdrawn: {shown[address]}")
        if sum(shown.values()) != 0:
            problems.append(f"the balances sum to {sum(shown.values())}, not 0")
    return problems
