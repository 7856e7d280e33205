"""The input -> output checks and their oracle against fabricated answers: every value the client chose must
show at its place, while defaults, extra fields and equivalent spellings must not count as bugs."""

from __future__ import annotations

from typing import Any

import pytest

from contract_tests.checks import load_all
from contract_tests.core.errors import Violation
from contract_tests.oracle.resolution import activity_inputs, contains, resolved_stage
from tests.contract.fabricate import exchange, instance, stage

VARIABLES = {"ledger": "books", "user": "u7", "asset": "COIN/3", "amount": "1234567", "note": "n-1"}
SEND = {
    "send": {
        "source": {"account": {"id": "world", "ledger": "${ledger}"}},
        "destination": {"account": {"id": "users:${user}", "ledger": "${ledger}"}},
        "amount": {"amount": "${amount}", "asset": "${asset}"},
        "metadata": {"note": "${note}", "order": "ord-31"},
    }
}
RESOLVED_INPUT = {
    "source": {"account": {"id": "world", "ledger": "books"}},
    "destination": {"account": {"id": "users:u7", "ledger": "books"}},
    "amount": {"amount": 1234567, "asset": "COIN/3"},
    "metadata": {"note": "n-1", "order": "ord-31"},
    "timestamp": None,  # a field the server fills in: not predicted, not judged
}


def holds(name: str, ex: Any, **data: Any) -> bool:
    try:
        load_all()[name].fn(ex, **data)
    except Violation:
        return False
    return True


def history(input_: dict[str, Any]) -> Any:
    return exchange("getInstanceHistory", 200, {"data": [{"name": "RunSend", "input": input_, "terminated": True}]})


def test_a_resolved_stage_substitutes_variables_and_types_amounts() -> None:
    assert resolved_stage(SEND, VARIABLES) == {k: v for k, v in RESOLVED_INPUT.items() if k != "timestamp"}


def test_an_empty_placeholder_is_left_to_the_server() -> None:
    stage_ = {"send": {"source": {"wallet": {"id": "w", "balance": "${missing}"}}}}
    assert resolved_stage(stage_, {}) == {"source": {"wallet": {"id": "w"}}}


@pytest.mark.parametrize(
    ("change", "shows"),
    [
        (lambda i: i, False),
        (lambda i: i["metadata"].pop("order"), True),  # dropped
        (lambda i: i["amount"].update(amount=123456), True),  # truncated
        (lambda i: i.update(source=i["destination"], destination=i["source"]), True),  # swapped
        (lambda i: i["destination"]["account"].update(id="users:"), True),  # a variable not substituted
        (lambda i: i["metadata"].update(extra="x"), False),  # more than predicted is not a bug
    ],
)
def test_history_input_resolved_sees_each_lost_input(change: Any, shows: bool) -> None:
    input_ = {k: (dict(v) if isinstance(v, dict) else v) for k, v in RESOLVED_INPUT.items()}
    input_["destination"] = {"account": dict(RESOLVED_INPUT["destination"]["account"])}
    input_["metadata"] = dict(RESOLVED_INPUT["metadata"])
    input_["amount"] = dict(RESOLVED_INPUT["amount"])
    change(input_)
    expected = [resolved_stage(SEND, VARIABLES)]
    assert holds("history_input_resolved", history(input_), expected=expected) is not shows


def test_a_missing_history_entry_is_a_violation() -> None:
    ex = exchange("getInstanceHistory", 200, {"data": []})
    assert not holds("history_input_resolved", ex, expected=[resolved_stage(SEND, VARIABLES)])


def test_keys_match_in_any_case_and_durations_and_instants_by_meaning() -> None:
    assert contains({"ledger": "books"}, {"Ledger": "books"}) == []
    assert contains({"duration": "90s"}, {"duration": "1m30s"}, "") == []
    assert contains({"until": "2020-01-02T03:04:05Z"}, {"until": "2020-01-02T03:04:05.000Z"}) == []
    assert contains({"id|account": "a"}, {"account": "a"}) == []
    assert contains({"order": ["a", "b"]}, {"order": ["b", "a"]}) != []  # reordered


def test_a_same_ledger_send_schedules_its_transaction() -> None:
    [(name, request)] = activity_inputs(SEND, VARIABLES)
    assert name == "CreateTransaction"
    posting = {"amount": 1234567, "asset": "COIN/3", "source": "world", "destination": "users:u7"}
    assert request == {"ledger": "books", "data": {"postings": [posting], "metadata": RESOLVED_INPUT["metadata"]}}
    good = {"name": "CreateTransaction", "input": {"CreateTransaction": {"Ledger": "books", "Data": request["data"]}}}
    swapped_posting = {**posting, "source": "users:u7", "destination": "world"}
    bad = {"name": "CreateTransaction", "input": {"CreateTransaction": {"ledger": "books", "data": {
        "postings": [swapped_posting], "metadata": RESOLVED_INPUT["metadata"]}}}}  # fmt: skip
    expected = activity_inputs(SEND, VARIABLES)
    assert holds("stage_activity_inputs", exchange("getInstanceStageHistory", 200, {"data": [good]}), expected=expected)
    assert not holds(
        "stage_activity_inputs", exchange("getInstanceStageHistory", 200, {"data": [bad]}), expected=expected
    )


def test_lookups_are_predicted_for_wallets_and_payments() -> None:
    by_id = {"send": {"source": {"wallet": {"id": "w-1"}}, "destination": {"wallet": {"name": "w"}}}}
    by_name = {"send": {"source": {"account": {"id": "a"}}, "destination": {"wallet": {"name": "w-2"}}}}
    payment = {"send": {"source": {"payment": {"id": "p-1"}}}}
    assert activity_inputs(by_id, {}) == [("GetWallet", {"id": "w-1"})]
    assert activity_inputs(by_name, {}) == [("ListWallets", {"name": "w-2"})]
    assert activity_inputs(payment, {}) == [("GetPayment", {"id": "p-1"})]


def test_lookalike_unchanged_names_the_field_that_moved() -> None:
    before = instance(terminated=False)
    assert holds("lookalike_unchanged", exchange("getInstance", 200, {"data": before}), before=before, what="x")
    moved = instance(terminated=True, terminatedAt="2024-05-02T10:00:02Z")
    with pytest.raises(Violation, match="terminated"):
        load_all()["lookalike_unchanged"].fn(exchange("getInstance", 200, {"data": moved}), before=before, what="x")


@pytest.mark.parametrize(
    ("answer", "ok"),
    [
        (instance(terminated=True, terminatedAt="2024-05-02T10:00:02Z", status=[stage(0), stage(1)]), True),
        (instance(terminated=False, status=[stage(0)]), True),  # the real service answers once the run started
        (instance(terminated=True, terminatedAt="2024-05-02T10:00:02Z", status=[stage(0)]), False),
        ({k: v for k, v in instance().items() if k != "status"}, False),
    ],
)
def test_run_waited(answer: dict[str, Any], ok: bool) -> None:
    assert holds("run_waited", exchange("runWorkflow", 201, {"data": answer}), stages=2) is ok
