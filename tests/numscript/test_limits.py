"""Hostile scripts fail with a ScriptError, whatever their shape; none hangs or recurses out."""

from __future__ import annotations

import pytest

from mockserver.numscript import Limits, ScriptError, StaticLedger, compile_script

SEND_HEAD = "send [COIN 1] (\n source = @world\n destination = "


def refused(script: str, engine: str = "machine", limits: Limits | None = None) -> ScriptError:
    with pytest.raises(ScriptError) as caught:
        compile_script(script, engine=engine, **({"limits": limits} if limits else {}))
    return caught.value


@pytest.mark.parametrize("engine", ["machine", "interpreter"])
def test_ten_thousand_deep_nesting_is_refused(engine):
    deep = "{\n" * 10_000
    error = refused("send [COIN 1] (\n source = " + deep, engine)
    assert error.code == ("COMPILATION_FAILED" if engine == "machine" else "INTERPRETER_PARSE")
    assert error.details["limit"] == "block nesting depth"


@pytest.mark.parametrize("engine", ["machine", "interpreter"])
def test_deep_parentheses_and_brackets_are_refused(engine):
    assert refused('set_tx_meta("k", ' + "[" * 5000, engine).details["limit"] == "block nesting depth"


def test_long_arithmetic_chain_neither_recurses_nor_is_refused():
    script = (
        'set_tx_meta("k", ' + " + ".join(["1"] * 20_000) + ")\nsend [COIN 1] (\n source = @world\n destination = @a\n)"
    )
    result = compile_script(script).execute({}, StaticLedger())
    assert result.transaction_metadata == {"k": "20000"}


@pytest.mark.parametrize("operators", ["- " * 20_000 + "1", "/".join(["1"] * 20_000), "1 + " + "- " * 5000 + "1"])
def test_unbracketed_operator_chains_are_bounded_in_the_interpreter(operators):
    assert refused(f'set_tx_meta("k", {operators})', "interpreter").details["limit"] == "block nesting depth"


def test_huge_numbers_are_refused():
    error = refused("send [COIN " + "9" * 5000 + "] (\n source = @world\n destination = @a\n)")
    assert error.details["limit"] == "digits of a number"


def test_long_strings_are_refused():
    assert refused('set_tx_meta("' + "x" * 20_000 + '", 1)').details["limit"] == "length of a string"


def test_oversized_script_is_refused():
    assert refused("print 1\n" * 40_000).details["limit"] == "script size in bytes"


def test_endless_allotments_are_refused():
    parts = "".join(f"  1/100000 to @a{i}\n" for i in range(1500))
    script = SEND_HEAD + "{\n" + parts + "  remaining to @z\n }\n)"
    assert refused(script).details["limit"] == "allotment parts"


def test_too_many_statements_are_refused():
    limits = Limits(statements=10)
    assert refused("print 1\n" * 11, limits=limits).details["limit"] == "statements"


def test_postings_limit_holds_at_run_time():
    limits = Limits(postings=3)
    script = "\n".join(["send [COIN 1] (\n source = @world\n destination = @a\n)"] * 4)
    with pytest.raises(ScriptError) as caught:
        compile_script(script, limits=limits).execute({}, StaticLedger())
    assert caught.value.details["limit"] == "postings"


@pytest.mark.parametrize(
    "garbage",
    ["\x00", "send", "}}}}", "@@@@", "send [COIN 1] (" * 500, "/* unterminated", '"\\', "vars {", "$" * 1000],
)
@pytest.mark.parametrize("engine", ["machine", "interpreter"])
def test_garbage_is_a_script_error(garbage, engine):
    refused(garbage, engine)


def test_an_empty_script():
    refused("")  # the machine's grammar needs a statement
    with pytest.raises(ScriptError) as caught:
        compile_script("", engine="interpreter").execute({}, StaticLedger())
    assert caught.value.code == "NO_POSTINGS"
