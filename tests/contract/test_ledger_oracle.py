"""The suite's ledger model replays the spec's rules: funds, reverts, ids, filters, and the log hash recipe."""

from __future__ import annotations

from typing import Any

import yaml

from contract_tests.core.spec import spec_path
from contract_tests.oracle.ledger_lists import account_matches, expected_transactions, in_order
from contract_tests.oracle.ledger_logs import chain_problems, go_json, log_hash
from contract_tests.oracle.ledger_model import LedgerModel, TxRecord, reversed_postings


def move(source: str, destination: str, amount: int, asset: str = "USD") -> dict[str, Any]:
    return {"source": source, "destination": destination, "amount": amount, "asset": asset}


def booked(m: LedgerModel, *postings: dict[str, Any], force: bool = False) -> TxRecord:
    tx_id = m.id_range()[0]
    m.book(tx_id, list(postings), force=force)
    record = TxRecord(tx_id, list(postings), {}, {})
    m.transactions[tx_id] = record
    return record


def test_world_is_unbounded_and_others_need_funds_at_their_point_of_the_transaction() -> None:
    m = LedgerModel("l")
    assert m.short_of_funds([move("world", "a", 10**30)], force=False) is None
    assert m.short_of_funds([move("a", "b", 1)], force=False) == "a"
    assert m.short_of_funds([move("a", "b", 1)], force=True) is None
    assert m.short_of_funds([move("world", "a", 5), move("a", "b", 5)], force=False) is None  # funded earlier
    assert m.short_of_funds([move("world", "a", 5), move("a", "b", 6)], force=False) == "a"


def test_a_negative_account_contributes_nothing() -> None:
    m = LedgerModel("l")
    booked(m, move("a", "b", 5), force=True)
    assert m.balance("a", "USD") == -5
    assert m.short_of_funds([move("world", "a", 3), move("a", "c", 1)], force=False) == "a"
    assert m.floor_ok("a", "USD", -5) and not m.floor_ok("b", "USD", -1) and m.floor_ok("world", "USD", -9)


def test_a_revert_needs_the_destinations_to_give_back_and_happens_once() -> None:
    m = LedgerModel("l")
    credit = booked(m, move("world", "a", 100))
    booked(m, move("a", "b", 60))
    assert m.revert_short(credit) == "a"
    assert reversed_postings([move("x", "y", 1), move("y", "z", 2)]) == [move("z", "y", 2), move("y", "x", 1)]


def test_ids_start_at_one_and_gaps_are_allowed_only_after_burning_writes() -> None:
    m = LedgerModel("l")
    assert m.id_range() == (1, 1)
    m.burn()
    m.burn()
    assert m.id_range() == (1, 3)
    booked(m, move("world", "a", 1))
    assert m.id_range() == (2, 2) and m.burnt_any


def test_filters_mean_what_the_spec_says() -> None:
    m = LedgerModel("l")
    first = booked(m, move("world", "users:a", 1))
    booked(m, move("users:a", "users:b", 1))
    first.metadata["order"] = "o-1"
    assert expected_transactions(m, {"$match": {"account": "users:a"}}) == {1, 2}
    assert expected_transactions(m, {"$match": {"source": "users:a"}}) == {2}
    assert expected_transactions(m, {"$match": {"metadata[order]": "o-1"}}) == {1}
    assert expected_transactions(m, {"$match": {"reverted": True}}) == set()
    m.accounts |= {"users:a:b"}
    assert account_matches(m, "users:a:b", {"$match": {"address": "users:"}})  # accounts: any length
    assert not account_matches(m, "world", {"$match": {"address": "users:"}})
    assert not account_matches(m, "users:a:b", {"$match": {"address": "users:a"}})
    assert in_order([3, 2, 1], descending=True) and not in_order([1, 1], descending=False)


def test_go_json_escapes_what_go_escapes() -> None:
    assert go_json({"k": "a<b&c>é"}) == '{"k":"a\\u003cb\\u0026c\\u003eé"}'


def test_the_spec_examples_chain_and_a_changed_log_does_not() -> None:
    doc = yaml.safe_load(spec_path("ledger").read_text())
    listed = doc["paths"]["/v2/{ledger}/logs"]["get"]["responses"]["200"]["content"]["application/json"]
    logs = sorted(listed["examples"]["allLogs"]["value"]["cursor"]["data"], key=lambda log: log["id"])
    assert chain_problems(logs) == []
    assert chain_problems([*logs, doc["components"]["schemas"]["V2Log"]["example"]]) == []
    assert log_hash(None, logs[0]) == logs[0]["hash"]
    logs[0]["idempotencyKey"] = "another"
    assert [p.split(":")[0] for p in chain_problems(logs)] == ["log 1"]
    assert any(p.startswith("log id 4 after 5") for p in chain_problems(list(reversed(logs))))
