"""Properties of the engine that must hold for any input, checked with Hypothesis."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.orchestration.engine.gotypes import INT64_MAX, INT64_MIN, format_duration, parse_duration
from mockserver.orchestration.engine.resolve import interpolate
from tests.test_engine_harness import Harness, account, send

ADDRESSES = ["users:1", "users:2", "users:3", "world"]


@settings(derandomize=True)
@given(st.integers(min_value=INT64_MIN, max_value=INT64_MAX))
def test_go_durations_round_trip(ns: int) -> None:
    assert parse_duration(format_duration(ns)) == ns


@settings(derandomize=True)
@given(
    st.text(alphabet=st.characters(blacklist_characters="$"), max_size=40),
    st.dictionaries(st.text(), st.text()),
)
def test_text_without_placeholders_is_left_alone(text: str, variables: dict[str, str]) -> None:
    assert interpolate(text, variables) == text


@settings(derandomize=True)
@given(
    st.dictionaries(st.from_regex(r"[a-z]{1,5}", fullmatch=True), st.text(max_size=5), max_size=3),
    st.lists(st.from_regex(r"[a-z]{1,5}", fullmatch=True), max_size=4),
)
def test_placeholders_become_values_or_empty(variables: dict[str, str], names: list[str]) -> None:
    text = "|".join("${" + n + "}" for n in names)
    assert interpolate(text, variables) == "|".join(variables.get(n, "") for n in names)


transfers = st.lists(
    st.tuples(st.sampled_from(ADDRESSES), st.sampled_from(ADDRESSES), st.integers(min_value=0, max_value=300)),
    min_size=1,
    max_size=6,
)


@settings(max_examples=40, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transfers)
def test_money_is_conserved_and_only_world_goes_negative(moves: list[tuple[str, str, int]]) -> None:
    h = Harness()
    h.bank.load({"ledgers": {"default": {"accounts": {"users:1": {"balances": {"EUR/2": 200}}}}}})
    instances = [h.run(send(account(src), account(dst), amount=amount)) for src, dst, amount in moves]
    h.advance(30)
    # Every account the ledger holds, as the ledger API reads it.
    accounts = h.ledger.ledgers.book("default").accounts
    balances = {address: h.balance("default", address, "EUR/2") for address in accounts}
    assert sum(balances.values()) == 0
    assert all(balance >= 0 for address, balance in balances.items() if address != "world")
    booked = [1]  # the fixture's opening transaction
    for instance in instances:
        activity = instance.activities[0][-1]
        # Every instance either finished or is retrying an insufficient-funds failure.
        if instance.terminated:
            assert instance.error is None and activity.output is not None
            booked.append(activity.output["CreateTransaction"]["data"]["id"])
        else:
            assert activity.last_failure and "insufficient funds" in activity.last_failure
        assert activity.attempt >= 1
    # Ids count from 1 without a gap, and each is a finished send's (a retry books nothing).
    transactions = h.bank.transactions("default")
    assert [tx["id"] for tx in transactions] == list(range(1, len(transactions) + 1))
    assert sorted(booked) == [tx["id"] for tx in transactions]
