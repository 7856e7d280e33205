"""Properties of every script the engines accept, over generated sources, destinations and balances."""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.numscript import ScriptError, StaticLedger, compile_script
from mockserver.numscript.funding import allocate

ACCOUNTS = ["a", "b", "c", "d"]
PROFILE = settings(derandomize=True, max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


@st.composite
def sources(draw, depth=0):
    """(text, floors): floors maps each source account to the lowest balance it may be taken to."""
    choices = ["account", "account", "overdraft", "unbounded", "max", "block"]
    kind = draw(st.sampled_from(choices[: 6 if depth < 2 else 4]))
    account = draw(st.sampled_from(ACCOUNTS))
    if kind == "account":
        return f"@{account}", {account: 0}
    if kind == "overdraft":
        bound = draw(st.integers(0, 50))
        return f"@{account} allowing overdraft up to [COIN {bound}]", {account: -bound}
    if kind == "unbounded":
        return f"@{account} allowing unbounded overdraft", {account: None}
    if kind == "max":
        inner, floors = draw(sources(depth + 1))
        return f"max [COIN {draw(st.integers(0, 80))}] from {inner}", floors
    items = draw(st.lists(sources(depth + 1), min_size=1, max_size=3))
    floors: dict[str, int | None] = {}
    for _, more in items:
        _merge(floors, more)
    return "{\n" + "".join(f"{text}\n" for text, _ in items) + "}", floors


def _merge(floors, more):
    for account, floor in more.items():
        if account in floors and (floors[account] is None or floor is None):
            floors[account] = None
        elif account in floors:
            floors[account] = min(floors[account], floor)
        else:
            floors[account] = floor


@st.composite
def destinations(draw, depth=0):
    kind = draw(st.sampled_from(["account", "account", "allotment", "in_order"][: 4 if depth < 2 else 2]))
    if kind == "account":
        return "@" + draw(st.sampled_from(["x", "y", "z", *ACCOUNTS]))
    if kind == "allotment":
        count = draw(st.integers(1, 4))
        parts = [f"{draw(st.integers(0, 30))}%" for _ in range(count - 1)]
        lines = [f"{part} {draw(targets(depth + 1))}" for part in parts]
        lines.insert(draw(st.integers(0, len(lines))), f"remaining {draw(targets(depth + 1))}")
        return "{\n" + "".join(line + "\n" for line in lines) + "}"
    caps = draw(st.lists(st.integers(0, 60), min_size=1, max_size=3))
    lines = [f"max [COIN {cap}] {draw(targets(depth + 1))}" for cap in caps]
    return "{\n" + "".join(line + "\n" for line in lines) + f"remaining {draw(targets(depth + 1))}\n}}"


@st.composite
def targets(draw, depth):
    if draw(st.integers(0, 4)) == 0:
        return "kept"
    return "to " + draw(destinations(depth))


@st.composite
def cases(draw):
    source, floors = draw(sources())
    amount = draw(st.integers(0, 120))
    sent = "[COIN *]" if draw(st.integers(0, 3)) == 0 else f"[COIN {amount}]"
    script = f"send {sent} (\n source = {source}\n destination = {draw(destinations())}\n)"
    balances = {account: {"COIN": draw(st.integers(-20, 100))} for account in ACCOUNTS}
    return script, balances, floors


def _outcome(script, balances, engine):
    try:
        program = compile_script(script, engine=engine)
        return program.execute({}, StaticLedger(balances)), None
    except ScriptError as error:
        return None, error


def _check(script, balances, floors, engine):
    result, error = _outcome(script, balances, engine)
    again, error_again = _outcome(script, balances, engine)
    assert (result, getattr(error, "code", None)) == (again, getattr(error_again, "code", None))
    if result is None:
        assert error.code in {"COMPILATION_FAILED", "INSUFFICIENT_FUND", "NO_POSTINGS", "INTERPRETER_RUNTIME"}
        return
    delta: dict[str, int] = defaultdict(int)
    for posting in result.postings:
        assert posting.amount >= 0 and posting.asset == "COIN"
        delta[posting.source] -= posting.amount
        delta[posting.destination] += posting.amount
    assert sum(delta.values()) == 0  # money is conserved
    for account, floor in floors.items():
        initial = balances[account]["COIN"]
        if floor is not None:
            assert initial + delta[account] >= min(floor, initial), (account, delta)


@PROFILE
@given(cases())
def test_machine_keeps_money_and_floors(case):
    _check(*case, "machine")


@PROFILE
@given(cases())
def test_interpreter_keeps_money_and_floors(case):
    _check(*case, "interpreter")


@PROFILE
@given(st.integers(0, 120), st.sampled_from(ACCOUNTS), st.integers(0, 200))
def test_exact_sends_move_exactly_their_amount(amount, account, balance):
    script = f"send [COIN {amount}] (\n source = {{\n  @{account}\n  @world\n }}\n destination = @x\n)"
    for engine in ("machine", "interpreter"):
        result, error = _outcome(script, {account: {"COIN": balance}}, engine)
        if result is None:  # the interpreter books no zero posting, so sending nothing is NO_POSTINGS
            assert (engine, amount, error.code) == ("interpreter", 0, "NO_POSTINGS")
            continue
        assert sum(p.amount for p in result.postings if p.destination == "x") == amount


@settings(derandomize=True, max_examples=300, deadline=None)
@given(
    st.integers(-(10**12), 10**12),
    st.lists(st.fractions(min_value=0, max_value=1, max_denominator=1000), min_size=1, max_size=6),
)
def test_allotments_of_an_amount_sum_to_the_amount(amount, ratios):
    known = sum(ratios, Fraction(0))
    if known > 1:
        return
    ratios = [*ratios, 1 - known]
    parts = allocate(amount, ratios)
    assert sum(parts) == amount
    for part, ratio in zip(parts, ratios, strict=True):
        # a floor, or a floor plus one leftover unit (which goes to the first parts, even a 0% one)
        assert -1 < part - amount * ratio <= 1


def test_leftover_units_go_to_the_first_parts_even_at_zero_percent():
    # allotment.go Allocate: one unit more to each part in order while the sum falls short
    assert allocate(1, [Fraction(0), Fraction(1, 2), Fraction(1, 2)]) == [1, 0, 0]
