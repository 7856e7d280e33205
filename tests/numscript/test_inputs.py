"""Variables as the ledger's APIs turn JSON into the strings its engine receives."""

from __future__ import annotations

import pytest

from mockserver.numscript import ScriptError, normalize_vars
from mockserver.numscript.inputs import go_float
from tests.numscript.support import postings


def test_v2_keeps_strings_and_joins_monetary_objects():
    given = {"acc": "users:1", "mon": {"asset": "USD/2", "amount": 100}, "str": {"asset": "EUR", "amount": "7"}}
    assert normalize_vars(given) == {"acc": "users:1", "mon": "USD/2 100", "str": "EUR 7"}


def test_v2_truncates_float_amounts_and_drops_other_amount_types():
    assert normalize_vars({"m": {"asset": "USD", "amount": 10.9}, "gone": {"asset": "USD"}}) == {"m": "USD 10"}


def test_v2_prints_other_json_values_as_go_does():
    given = {"n": 42, "f": 1.5, "big": 1e21, "huge": 12345678901234567890, "t": True, "nil": None}
    assert normalize_vars(given) == {
        "n": "42",
        "f": "1.5",
        "big": "1e+21",
        "huge": "12345678901234567000",
        "t": "true",
        "nil": "<nil>",
    }


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.0001, "0.0001"), (0.00001, "1e-05"), (100.0, "100"), (-2.5, "-2.5"), (1e20, "100000000000000000000")],
)
def test_go_float(value, text):
    assert go_float(value) == text


def test_v1_accepts_strings_and_monetary_objects_only():
    assert normalize_vars({"m": {"asset": "USD", "amount": 5}, "s": "x"}, api="v1") == {"m": "USD 5", "s": "x"}
    with pytest.raises(ScriptError) as caught:
        normalize_vars({"n": 42}, api="v1")
    assert caught.value.code == "INTERNAL"


def test_a_typed_monetary_variable_runs():
    script = "vars {\n  monetary $m\n}\nsend $m (\n source = @world\n destination = @a\n)"
    assert postings(script, normalize_vars({"m": {"asset": "USD/2", "amount": 250}})) == [("world", "a", 250, "USD/2")]


@pytest.mark.parametrize(
    ("type_name", "raw", "ok"),
    [
        ("account", "valid--acc-", True),
        ("account", "bad acc", False),
        ("asset", "USD/2", True),
        ("asset", "USD-2", False),
        ("number", "100", True),
        ("number", "string", False),
        ("number", "1.5", False),
        ("monetary", "EUR/2 null", False),
        ("monetary", "EUR/2", False),
        ("portion", "50%", True),
        ("portion", "3/2", False),
        ("portion", "", False),
    ],
)
def test_variable_parsing_matches_the_machine(type_name, raw, ok):
    # internal/machine/vm/machine_test.go TestVariablesParsing
    script = (
        f'vars {{\n  {type_name} $v\n}}\nsend [COIN 1] (\n source = @world\n destination = @a\n)\nset_tx_meta("v", $v)'
    )
    try:
        postings(script, {"v": raw})
    except ScriptError as error:
        assert not ok and error.code == "COMPILATION_FAILED"
    else:
        assert ok
