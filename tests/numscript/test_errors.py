"""Refusals and failures: the errorCode the ledger's v2 API answers, and the release's message."""

from __future__ import annotations

import pytest

from mockserver.numscript import ScriptError, compile_script
from tests.numscript.support import error_of

SEND = "send [COIN 10] (\n  source = @a\n  destination = @b\n)"


def compile_error(script: str) -> ScriptError:
    with pytest.raises(ScriptError) as caught:
        compile_script(script)
    return caught.value


def test_syntax_error_quotes_the_source_with_line_and_column():
    error = compile_error("print fail")
    assert error.code == "COMPILATION_FAILED"
    assert error.details["line"] == 1 and error.details["column"] == 6
    assert error.message.startswith("compilation error: \x1b[31m-->\x1b[0m error:1:6\n")
    assert "mismatched input 'fail'" in error.message
    assert error.api_message.startswith(
        "unexpected error while forging log: failed to compile script: compilation error"
    )


def test_type_error_spans_the_offending_node():
    error = compile_error("send [EUR/2 200] (\n\t\t\tsource = 200\n\t\t\tdestination = @bob\n\t\t)")
    assert error.details == {
        "line": 2,
        "column": 12,
        "error": "wrong type: expected account or allocation as destination",
    }
    assert "\x1b[31m^^^\x1b[0m wrong type" in error.message


def test_allotment_error_position_matches_the_release():
    # internal/machine/script/compiler/error_test.go TestEndCharacter: starts at line 5, column 3
    script = (
        "\n\tsend [CREDIT 200] (\n\t\tsource = @a\n\t\tdestination = {\n"
        "\t\t\t500% to @b\n\t\t\t50% to @c\n\t\t}\n\t)\n\t"
    )
    error = compile_error(script)
    assert (error.details["line"], error.details["column"]) == (5, 3)
    assert error.details["error"] == "portion must be between 0% and 100% inclusive"


@pytest.mark.parametrize(
    ("script", "message"),
    [
        ("print $nope", "variable not declared"),
        ("send @a (\n source = @world\n destination = @b\n)", "should be of type 'monetary' instead of 'account'"),
        ("send [GEM *] (\n source = @world\n destination = @b\n)", "cannot take all balance of an unbounded source"),
        ("send [GEM 1] (\n source = {\n  @a\n  @world\n  @c\n }\n destination = @b\n)", "only be in last position"),
        ("send [GEM 1] (\n source = {\n  @a\n  @a\n }\n destination = @b\n)", "@a is already empty at this stage"),
        ("send [GEM 1] (\n source = @world allowing unbounded overdraft\n destination = @b\n)", "already set to an"),
        ("send [GEM 1] (\n source = @a\n destination = {\n  50% to @b\n }\n)", "might be less than 100%"),
        ("send [GEM 1] (\n source = @a\n destination = {\n  100% to @b\n  remaining to @c\n }\n)", "already equal"),
        ("send [GEM 1] (\n source = @a\n destination = {\n  remaining to @b\n  remaining to @c\n }\n)", "two uses"),
        ("vars {\n  account $a\n  account $a\n}\nprint $a", "duplicate variable $a"),
        ("vars {\n  account $b = balance(@a, COIN)\n}\nprint $b", "type should be 'monetary' to pull account balance"),
        ('set_tx_meta("k\\q", 1)', "invalid syntax"),
        ("save 10 from @a", "the first expression should be of type 'monetary' instead of 'number'"),
        ("send [GEM *] (\n source = {\n  50% from @a\n  remaining from @b\n }\n destination = @c\n)", "allotment"),
    ],
)
def test_compile_errors(script, message):
    error = compile_error(script)
    assert error.code == "COMPILATION_FAILED"
    assert message in error.details["error"]


def test_whitespace_only_line_between_statements_is_refused_as_the_release_does():
    error = compile_error(SEND + "\n  \n" + SEND)
    assert error.code == "COMPILATION_FAILED"


def test_variable_errors_are_compilation_failed():
    script = "vars {\n  monetary $m\n}\nsend $m (\n source = @world\n destination = @b\n)"
    assert error_of(script).message == "missing variable $m"
    assert error_of(script, {"m": "COIN 1", "x": "1"}).message == "extraneous variable $x"
    error = error_of(script, {"m": "coin 1"})
    assert error.code == "COMPILATION_FAILED"
    assert error.message.startswith("invalid JSON value for variable $m of type monetary: value [coin 1]: asset 'coin'")
    assert error.api_message.startswith("unexpected error while forging log: failed to execute program: failed to set")


def test_insufficient_funds_message_names_every_account():
    script = "send [COIN 10] (\n source = {\n  @a\n  @b\n }\n destination = @c\n)"
    error = error_of(script, balances={"a": {"COIN": 3}})
    assert (error.code, error.message) == ("INSUFFICIENT_FUND", "account(s) @a|@b had/have insufficient funds")
    assert error.v1_code == "INSUFFICIENT_FUND"


def test_unmapped_failures_are_internal_500s():
    error = error_of("fail")
    assert (error.code, error.http_status) == ("INTERNAL", 500)
    assert error.api_message == "Internal error. Consult logs/traces to have more details."
    mixed = "send [COIN 1] + [USD 1] (\n source = @world\n destination = @b\n)"
    assert error_of(mixed).message == "cannot add different assets: COIN and USD"
    meta = 'vars {\n  account $x = meta(@a, "k")\n}\nsend [COIN 1] (\n source = @world\n destination = $x\n)'
    assert error_of(meta).message == "missing key k in metadata for account a"


def test_no_postings_and_metadata_override_are_the_controllers():
    assert error_of('set_tx_meta("k", 1)').code == "NO_POSTINGS"
    script = 'send [COIN 1] (\n source = @world\n destination = @b\n)\nset_tx_meta("k", "v")'
    error = error_of(script, metadata={"k": "other"})
    assert (error.code, error.message, error.v1_code) == (
        "METADATA_OVERRIDE",
        "cannot override metadata 'k'",
        "VALIDATION",
    )


def test_interpreter_errors():
    assert error_of("send [COIN 1] (", engine="interpreter").code == "INTERPRETER_PARSE"
    missing = error_of("send [COIN 10] (source = @a destination = @b)", engine="interpreter")
    assert (missing.code, missing.message) == (
        "INSUFFICIENT_FUND",
        "Not enough funds. Needed [COIN 10] (only [COIN 0] available)",
    )
    flagged = error_of("send [COIN 1] (source = oneof { @a @world } destination = @b)", engine="interpreter")
    assert flagged.code == "INTERPRETER_RUNTIME"
    assert (
        flagged.message == "this feature is experimental. You need the 'experimental-oneof' feature flag to enable it"
    )
    unbound = error_of('set_tx_meta("k", $x) send [C 1] (source = @world destination = @a)', engine="interpreter")
    assert unbound.message == "Unbound variable: $x"
