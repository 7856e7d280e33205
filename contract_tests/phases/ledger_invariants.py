"""The ledger's invariants phase: fixed, deterministic scenarios, each on a ledger of its own.

Each scenario drives `LedgerActions` (which predicts every answer with the suite's model and applies the
named checks) through one family of the ledger's promises: ledgers, bookings and the funds rule,
reverts, idempotency, refused writes, metadata, and pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from contract_tests.oracle.ledger_model import WORLD, LedgerModel
from contract_tests.phases.ledger_actions import LedgerActions

__all__ = ["LEDGER_SCENARIOS", "LedgerScenario"]

USD, EUR = "USD/2", "EUR"
ALICE, BOB, CAROL, BANK = "users:alice", "users:bob", "users:carol", "bank:main"


def move(source: str, destination: str, amount: int, asset: str = USD) -> dict[str, object]:
    return {"source": source, "destination": destination, "amount": amount, "asset": asset}


@dataclass(frozen=True)
class LedgerScenario:
    name: str
    run: Callable[[LedgerActions], None]


LEDGER_SCENARIOS: list[LedgerScenario] = []


def scenario(fn: Callable[[LedgerActions], None]) -> Callable[[LedgerActions], None]:
    LEDGER_SCENARIOS.append(LedgerScenario(fn.__name__, fn))
    return fn


def _fresh(a: LedgerActions, purpose: str) -> LedgerModel:
    m = a.new_ledger(purpose)
    if m is None:
        raise RuntimeError("the ledger the scenario needs could not be created")
    return m


@scenario
def server_info(a: LedgerActions) -> None:
    ex = a.api.call("getInfo", identity=None)
    if a.api.apply("valid_request_accepted", ex, expected=200, why="read /_/info without a token"):
        a.api.apply("read_matches_created", ex, created={"server": "ledger"}, fields=("server",))


@scenario
def ledgers(a: LedgerActions) -> None:
    m = _fresh(a, "l")
    again = a.api.call("createLedger", path={"ledger": m.name}, body={})
    a.api.apply("ledger_already_exists", again, status=400, code="LEDGER_ALREADY_EXISTS", why="create it twice")
    read = a.api.call("getLedger", path={"ledger": m.name})
    if a.api.apply("valid_request_accepted", read, expected=200, why="read a ledger"):
        created = {"name": m.name, "bucket": "_default", "metadata": {}}
        a.api.apply("read_matches_created", read, created=created, fields=("name", "bucket", "metadata"))
        ledger_id = (read.data or {}).get("id")
        listed = a.api.list_all("listLedgers", body={})
        if a.api.apply("valid_request_accepted", listed, expected=200, why="list ledgers"):
            a.api.apply("ledger_list_complete", listed, expected={ledger_id})
            a.api.apply("ledger_list_ordered", listed, descending=False)
    ex = a.api.call("updateLedgerMetadata", path={"ledger": m.name}, body={"team": "contract", "tier": "x"})
    a.api.apply("valid_request_accepted", ex, expected=204, why="merge a ledger's metadata")
    ex = a.api.call("deleteLedgerMetadata", path={"ledger": m.name, "key": "tier"})
    a.api.apply("valid_request_accepted", ex, expected=204, why="delete a ledger's metadata key")
    read = a.api.call("getLedger", path={"ledger": m.name})
    if a.api.apply("valid_request_accepted", read, expected=200, why="read a ledger"):
        a.api.apply("read_matches_created", read, created={"metadata": {"team": "contract"}}, fields=("metadata",))
    unknown = a.names.fresh("never")
    ex = a.api.call("getLedger", path={"ledger": unknown})
    a.api.apply("unknown_resource_not_found", ex, expected=404, why="read a ledger never created")
    for operation, extra in (
        ("readStats", {}),
        ("getTransaction", {"id": 1}),
        ("getAccount", {"address": ALICE}),
    ):
        ex = a.api.call(operation, path={"ledger": unknown, **extra})
        a.api.apply("ledger_not_found", ex, status=404, code="LEDGER_NOT_FOUND", why=f"{operation} on no ledger")
    ex = a.api.call("createTransaction", path={"ledger": unknown}, body={"postings": [move(WORLD, ALICE, 1)]})
    a.api.apply("ledger_not_found", ex, status=404, code="LEDGER_NOT_FOUND", why="book on no ledger")


@scenario
def bookings(a: LedgerActions) -> None:
    m = _fresh(a, "b")
    first = a.create(m, [move(WORLD, ALICE, 100)], metadata={"order": "ord-1"}, reference="ref-1")
    a.create(m, [move(ALICE, BOB, 30)])
    a.create(m, [move(BOB, CAROL, 31)])  # 30 is all bob has
    a.create(m, [move(BOB, CAROL, 31)], force=True)  # bob at -1 now
    a.create(m, [move(BOB, CAROL, 1)])  # a negative account contributes nothing
    a.create(m, [move(WORLD, BANK, 10, EUR), move(BANK, ALICE, 10, EUR)])  # funded by the earlier posting
    a.create(m, [move(CAROL, ALICE, 20), move(CAROL, BANK, 12)])  # 31 for 32: the second posting fails
    a.create(m, [move(ALICE, ALICE, 5)])  # to itself: allowed, changes nothing
    if first is not None:
        a.read_transaction(m, first, expand=True)
    for address in (ALICE, BOB, CAROL, BANK, WORLD, "users:nobody"):
        a.read_account(m, address)
    a.list_volumes(m)
    a.audit(m)


@scenario
def reverts(a: LedgerActions) -> None:
    m = _fresh(a, "r")
    credit = a.create(m, [move(WORLD, ALICE, 100)])
    spend = a.create(m, [move(ALICE, BOB, 60)])
    a.create(m, [move(ALICE, CAROL, 30)])
    if credit is None or spend is None:
        return
    a.revert(m, credit)  # alice holds 10 of the 100 she would give back: refused
    a.revert(m, spend, dry_run=True)
    undo = a.revert(m, spend, metadata={"reason": "duplicate"})
    a.revert(m, spend)  # a second time: refused
    a.revert(m, credit, force=True)  # alice goes below zero, forced
    if undo is not None:
        a.revert(m, undo, at_effective_date=True, force=True)  # a revert can itself be reverted
        a.read_transaction(m, undo)
    a.read_transaction(m, spend)
    ex = a.api.call("revertTransaction", path={"ledger": m.name, "id": 999}, body={})
    a.api.apply("unknown_resource_not_found", ex, expected=404, why="revert a transaction that does not exist")
    a.audit(m)


@scenario
def idempotency(a: LedgerActions) -> None:
    m = _fresh(a, "i")
    booked = a.create(m, [move(WORLD, ALICE, 50)], key="ik-book")
    a.create(m, [move(WORLD, ALICE, 50)], key="ik-book")  # the same input: a replay
    a.create(m, [move(WORLD, ALICE, 51)], key="ik-book")  # another input: refused
    a.create(m, [move(BOB, ALICE, 5)], key="ik-failed")  # refused for funds: the key is not kept
    a.create(m, [move(WORLD, BOB, 5)], key="ik-failed")  # so it books now
    if booked is not None:
        a.revert(m, booked, key="ik-revert")
        a.revert(m, booked, key="ik-revert")  # replayed, not refused as reverted twice
        a.add_tx_metadata(m, booked, {"order": "ord-2"}, key="ik-meta")
        a.add_tx_metadata(m, booked, {"order": "ord-2"}, key="ik-meta")
        a.add_tx_metadata(m, booked, {"order": "ord-3"}, key="ik-meta")
    a.add_account_metadata(m, CAROL, {"tier": "gold"}, key="ik-book")  # one key space for every write
    a.add_account_metadata(m, CAROL, {"tier": "gold"}, key="ik-account")
    a.add_account_metadata(m, CAROL, {"tier": "gold"}, key="ik-account")
    a.delete_account_metadata(m, CAROL, "tier", key="ik-delete")
    a.delete_account_metadata(m, CAROL, "tier", key="ik-delete")
    a.audit(m)


@scenario
def refused_writes(a: LedgerActions) -> None:
    m = _fresh(a, "f")
    a.create(m, [move(WORLD, ALICE, 10)], reference="ref-once")
    a.create(m, [move(WORLD, BOB, 10)], reference="ref-once")  # the reference is taken
    a.create(m, [move(WORLD, CAROL, 7)], dry_run=True)
    a.create(m, [move(ALICE, CAROL, 70)], dry_run=True)  # refused even as a dry run
    a.create(m, [move(WORLD, BOB, 3)])  # the next id: dense again after the burns, or later by at most two
    before = a.newest_log(m)
    ex = a.api.call("createTransaction", path={"ledger": m.name}, body={"postings": [move(WORLD, ALICE, -5)]})
    a.api.apply("malformed_body_rejected", ex, expected=400, why="a negative amount")
    ex = a.api.call("createTransaction", path={"ledger": m.name}, body={"postings": []})
    a.api.apply("malformed_body_rejected", ex, expected=400, why="no postings")
    a.unchanged(m, {ALICE}, before)
    for operation, path, body in (
        ("getTransaction", {"id": 999}, None),
        ("addMetadataOnTransaction", {"id": 999}, {"k": "v"}),
        ("deleteTransactionMetadata", {"id": 999, "key": "k"}, None),
    ):
        ex = a.api.call(operation, path={"ledger": m.name, **path}, **({"body": body} if body else {}))
        a.api.apply("unknown_resource_not_found", ex, expected=404, why=f"{operation} of an unknown transaction")
    a.audit(m)


@scenario
def metadata(a: LedgerActions) -> None:
    m = _fresh(a, "d")
    tx = a.create(m, [move(WORLD, ALICE, 10)], metadata={"order": "ord-1", "channel": "web"})
    if tx is not None:
        a.add_tx_metadata(m, tx, {"channel": "batch", "note": "a<b&c>"})
        a.delete_tx_metadata(m, tx, "order")
        a.delete_tx_metadata(m, tx, "order")  # absent now: 404
        a.read_transaction(m, tx)
    a.add_account_metadata(m, BANK, {})  # creates the account, with no volumes
    a.add_account_metadata(m, ALICE, {"tier": "gold", "region": "eu"})
    a.delete_account_metadata(m, ALICE, "region")
    a.delete_account_metadata(m, "users:nobody", "tier")  # always 204, creates nothing
    for address in (ALICE, BANK, "users:nobody"):
        a.read_account(m, address)
    a.list_accounts(m, {"$match": {"metadata[tier]": "gold"}})
    a.audit(m)


@scenario
def pages(a: LedgerActions) -> None:
    m = _fresh(a, "p")
    for n in range(1, 10):
        a.create(m, [move(WORLD, (ALICE, BOB, CAROL)[n % 3], n)], metadata={"order": f"ord-{n % 2}"})
    txs = sorted(m.transactions.values(), key=lambda t: t.id)
    if txs:
        a.revert(m, txs[0])
    a.list_transactions(m)
    a.list_transactions(m, reverse=True)
    a.list_transactions(m, {"$match": {"account": BOB}})
    a.list_transactions(m, {"$match": {"metadata[order]": "ord-1"}})
    a.list_transactions(m, {"$match": {"reverted": True}})
    a.list_accounts(m)
    a.list_accounts(m, {"$match": {"address": "users:"}})
    a.list_volumes(m)
    a.read_logs(m)
