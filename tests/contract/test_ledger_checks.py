"""Each ledger check against tables of good and bad fabricated answers."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from contract_tests.checks import load_all
from contract_tests.core.errors import Violation
from contract_tests.core.spec import spec_path
from contract_tests.oracle.ledger_model import REVERTS_KEY, Remembered
from tests.contract.fabricate_ledger import account, ledger_exchange, page, transaction, volume

USD = "USD"
WORLD_TO_A = [{"source": "world", "destination": "users:a", "amount": 100, "asset": USD}]
POST = {"world": {USD: volume(0, 100)}, "users:a": {USD: volume(100, 0)}}
PRE = {"world": {USD: volume(0, 0)}, "users:a": {USD: volume(0, 0)}}
INSUFFICIENT = {"errorCode": "INSUFFICIENT_FUND", "errorMessage": "account(s) @users:a had/have insufficient funds"}
REVERT_OF_1 = transaction(2, [{"source": "users:a", "destination": "world", "amount": 100, "asset": USD}],
                          metadata={REVERTS_KEY: "1"})  # fmt: skip
FIRST = Remembered("sig", 200, b'{"data": {"id": 1}}')


def _logs() -> list[dict[str, Any]]:
    doc = yaml.safe_load(spec_path("ledger").read_text())
    example = doc["paths"]["/v2/{ledger}/logs"]["get"]["responses"]["200"]["content"]["application/json"]
    return example["examples"]["allLogs"]["value"]["cursor"]["data"]


def _tampered() -> list[dict[str, Any]]:
    logs = _logs()
    logs[2]["data"] = {**logs[2]["data"], "metadata": {"tier": "platinum"}}  # log 3: a SET_METADATA
    return logs


# (check, operation, status, body, expectation keywords, extra headers, holds)
TABLE: list[tuple[str, str, int, Any, dict[str, Any], dict[str, str], bool]] = [
    ("volumes_add_up", "getAccount", 200, {"data": account("users:a", {USD: volume(5, 2)})}, {}, {}, True),
    ("volumes_add_up", "getAccount", 200,
     {"data": account("users:a", {USD: {"input": 5, "output": 2, "balance": 5}})}, {}, {}, False),
    ("commit_volumes_consistent", "createTransaction", 200,
     {"data": transaction(postCommitVolumes=POST, preCommitVolumes=PRE)}, {}, {}, True),
    ("commit_volumes_consistent", "createTransaction", 200,
     {"data": transaction(postCommitVolumes=POST, preCommitVolumes=POST)}, {}, {}, False),
    ("commit_volumes_consistent", "createTransaction", 200,
     {"data": transaction(postCommitVolumes={**POST, "users:b": {USD: volume(0, 0)}},
                          preCommitVolumes={**PRE, "users:b": {USD: volume(0, 0)}})}, {}, {}, False),
    ("error_body", "createTransaction", 400, INSUFFICIENT, {}, {}, True),
    ("error_body", "readStats", 404, {"errorCode": "LEDGER_NOT_FOUND", "errorMessage": "not found"}, {}, {}, True),
    ("error_body", "readStats", 404, {"errorCode": "VALIDATION", "errorMessage": "not found"}, {}, {}, False),
    ("error_body", "countTransactions", 401, None, {}, {}, True),
    ("error_body", "createBulk", 400, {"data": [{"responseType": "ERROR", "logID": 0}]}, {}, {}, True),
    ("envelope", "getInfo", 200, {"server": "ledger", "version": "v2.4.6"}, {}, {}, True),
    ("envelope", "getInfo", 200, {"data": {"server": "ledger", "version": "v2.4.6"}}, {}, {}, False),
    ("envelope", "listTransactions", 200, page([transaction()]), {}, {}, True),
    ("envelope", "listTransactions", 200, {"data": [transaction()]}, {}, {}, False),
    ("unique_ids", "listAccounts", 200, page([account("users:a"), account("users:a")]), {}, {}, False),
    ("ledger_ids_dense", "createTransaction", 200, {"data": transaction(1)}, {"low": 1, "high": 1}, {}, True),
    ("ledger_ids_dense", "createTransaction", 200, {"data": transaction(0)}, {"low": 1, "high": 1}, {}, False),
    ("ledger_ids_dense", "createTransaction", 200, {"data": transaction(4)}, {"low": 3, "high": 5}, {}, True),
    ("ledger_ids_dense", "createTransaction", 200, {"data": transaction(6)}, {"low": 3, "high": 5}, {}, False),
    ("overdraft_refused", "createTransaction", 400, INSUFFICIENT, {"status": 400, "code": "INSUFFICIENT_FUND"}, {},
     True),
    ("overdraft_refused", "createTransaction", 200, {"data": transaction()},
     {"status": 400, "code": "INSUFFICIENT_FUND"}, {}, False),
    ("volumes_match_postings", "getAccount", 200, {"data": account("users:a", {USD: volume(100, 0)})},
     {"expected": {"users:a": {USD: volume(100, 0)}}}, {}, True),
    ("volumes_match_postings", "getAccount", 200, {"data": account("users:a", {USD: volume(100, 0)})},
     {"expected": {"users:a": {USD: volume(100, 30)}}}, {}, False),
    ("revert_restores_balances", "createTransaction", 200, {"data": transaction(postCommitVolumes=POST)},
     {"expected": {"users:a": {USD: volume(100, 100)}}}, {}, False),
    ("balance_within_postings", "listAccounts", 200, page([account("world", {USD: volume(0, 9)})]),
     {"may_go_negative": set()}, {}, True),
    ("balance_within_postings", "listAccounts", 200, page([account("users:a", {USD: volume(0, 9)})]),
     {"may_go_negative": set()}, {}, False),
    ("balance_within_postings", "listAccounts", 200, page([account("users:a", {USD: volume(0, 9)})]),
     {"may_go_negative": {("users:a", USD)}}, {}, True),
    ("revert_marks_original", "revertTransaction", 201, {"data": REVERT_OF_1},
     {"original": 1, "postings": WORLD_TO_A}, {}, True),
    ("revert_marks_original", "revertTransaction", 201, {"data": {**REVERT_OF_1, "metadata": {}}},
     {"original": 1, "postings": WORLD_TO_A}, {}, False),
    ("revert_marks_original", "revertTransaction", 201,
     {"data": transaction(2, WORLD_TO_A, metadata={REVERTS_KEY: "1"})},
     {"original": 1, "postings": WORLD_TO_A}, {}, False),
    ("revert_marks_original", "getTransaction", 200,
     {"data": transaction(reverted=True, revertedAt="2024-05-02T11:00:00Z")},
     {"original": 1, "postings": WORLD_TO_A}, {}, True),
    ("revert_marks_original", "getTransaction", 200, {"data": transaction()},
     {"original": 1, "postings": WORLD_TO_A}, {}, False),
    ("idempotent_replay", "createTransaction", 200, {"data": {"id": 1}}, {"first": None}, {}, True),
    ("idempotent_replay", "createTransaction", 200, {"data": {"id": 1}}, {"first": None}, {"Idempotency-Hit": "true"},
     False),
    ("idempotent_replay", "createTransaction", 200, {"data": {"id": 1}}, {"first": FIRST}, {"Idempotency-Hit": "true"},
     True),
    ("idempotent_replay", "createTransaction", 200, {"data": {"id": 1}}, {"first": FIRST}, {}, False),
    ("idempotent_replay", "createTransaction", 200, {"data": {"id": 2}}, {"first": FIRST}, {"Idempotency-Hit": "true"},
     False),
    ("failed_write_changes_nothing", "readStats", 200, None, {"what": "stats", "expected": 1, "actual": 1}, {}, True),
    ("failed_write_changes_nothing", "readStats", 200, None, {"what": "stats", "expected": 1, "actual": 2}, {}, False),
    ("stats_match_model", "readStats", 200, {"data": {"transactions": 2, "accounts": 3}},
     {"expected": {"transactions": 2, "accounts": 3}}, {}, True),
    ("stats_match_model", "readStats", 200, {"data": {"transactions": 1, "accounts": 3}},
     {"expected": {"transactions": 2, "accounts": 3}}, {}, False),
    ("ledger_list_complete", "listTransactions", 200, page([transaction(2), transaction(1)]), {"expected": {1, 2}}, {},
     True),
    ("ledger_list_complete", "listTransactions", 200, page([transaction(2)]), {"expected": {1, 2}}, {}, False),
    ("ledger_filter_applied", "listTransactions", 200, page([transaction(2), transaction(1)]),
     {"expected": {2}, "filter_": {"$match": {"reverted": True}}}, {}, False),
    ("ledger_list_ordered", "listTransactions", 200, page([transaction(2), transaction(1)]), {"descending": True}, {},
     True),
    ("ledger_list_ordered", "listTransactions", 200, page([transaction(1), transaction(2)]), {"descending": True}, {},
     False),
    ("ledger_list_ordered", "listAccounts", 200, page([account("users:b"), account("users:a")]),
     {"descending": False}, {}, False),
    ("money_conserved", "listAccounts", 200,
     page([account("world", {USD: volume(0, 9)}), account("users:a", {USD: volume(9, 0)})]), {"assets": {USD}}, {},
     True),
    ("money_conserved", "listAccounts", 200, page([account("users:a", {USD: volume(9, 0)})]), {"assets": {USD}}, {},
     False),
    ("money_conserved", "getBalancesAggregated", 200, {"data": {USD: 0}}, {"assets": {USD}}, {}, True),
    ("money_conserved", "getBalancesAggregated", 200, {"data": {USD: 100}}, {"assets": {USD}}, {}, False),
    ("log_chain_valid", "listLogs", 200, page(_logs()), {}, {}, True),
    ("log_chain_valid", "listLogs", 200, page(_tampered()), {}, {}, False),
    ("logs_match_writes", "listLogs", 200, page(_logs()),
     {"types": ["NEW_TRANSACTION", "NEW_TRANSACTION", "SET_METADATA", "REVERTED_TRANSACTION", "SET_METADATA"],
      "dense": True}, {}, True),
    ("logs_match_writes", "listLogs", 200, page(_logs()),
     {"types": ["NEW_TRANSACTION", "SET_METADATA", "REVERTED_TRANSACTION", "SET_METADATA"], "dense": True}, {}, False),
    ("ledger_already_exists", "createLedger", 204, None, {"status": 400, "code": "LEDGER_ALREADY_EXISTS"}, {}, False),
    ("ledger_not_found", "readStats", 404, {"errorCode": "NOT_FOUND", "errorMessage": "x"},
     {"status": 404, "code": "LEDGER_NOT_FOUND"}, {}, False),
]  # fmt: skip


@pytest.mark.parametrize(
    ("check", "operation", "status", "body", "expectation", "headers", "holds"),
    TABLE,
    ids=[f"{row[0]}-{n}" for n, row in enumerate(TABLE)],
)
def test_ledger_check(
    check: str,
    operation: str,
    status: int,
    body: Any,
    expectation: dict[str, Any],
    headers: dict[str, str],
    holds: bool,
) -> None:
    ex = ledger_exchange(operation, status, body, headers=headers)
    entry = load_all()[check]
    if holds:
        entry.fn(ex, **expectation)
    else:
        with pytest.raises(Violation):
            entry.fn(ex, **expectation)


def test_every_ledger_check_is_in_the_table() -> None:
    ledger = {name for name, c in load_all().items() if c.fn.__module__.startswith("contract_tests.checks.ledger_")}
    assert ledger - {row[0] for row in TABLE} == {
        "already_reverted_rejected",
        "idempotency_conflict_rejected",
        "reference_conflict_rejected",
    }  # the same function as overdraft_refused, with another status and code


def test_response_checks_run_only_on_their_service_answers() -> None:
    """The orchestration's shape checks never judge a ledger answer, nor the ledger's an orchestration one."""
    registry = load_all()
    assert registry["history_consistent"].service == "orchestration"
    assert registry["volumes_add_up"].service == "ledger"
    assert registry["error_body"].service is None
