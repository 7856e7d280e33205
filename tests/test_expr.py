"""Table-driven tests of the expr-lang subset used by triggers (BEHAVIOR sections 7 and 8)."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from mockserver.orchestration.expr import (
    ExprError,
    Expression,
    ExprRuntimeError,
    ExprSyntaxError,
    LinkError,
    compile_expression,
    to_var_string,
)

# Decoded the default way (ints stay ints) on purpose: evaluation must see JSON numbers as floats.
PAYLOAD: dict[str, Any] = json.loads(
    """
    {
      "id": "pay_1", "status": "SUCCEEDED", "type": "PAY-IN", "amount": 1200000, "ratio": 1.5,
      "asset": "EUR/2", "reference": "ord_42", "scheme": "visa", "n": 7, "neg": -3.5,
      "metadata": {"kind": "topup", "userID": "u-17", "empty": "", "nested": {"deep": true}},
      "tags": ["a", "b", "c"], "numbers": [1, 2, 3],
      "links": [
        {"name": "destination_account", "uri": "https://ledger/accounts/1"},
        {"name": "source", "uri": "https://ledger/s1"},
        {"name": "source", "uri": "https://ledger/s2"}
      ],
      "nothing": null, "flag": true, "text": "  Hello World  ", "unicode": "h\u00e9llo",
      "badpattern": "["
    }
    """
)
ENV = {"event": PAYLOAD}
RESOURCES = {"https://ledger/accounts/1": {"name": "acc1", "balance": 100}}


def link(obj: Any, *args: Any) -> Any:
    """A stand-in for the service's link helper (BEHAVIOR 7.4), resolving URIs from RESOURCES."""
    if len(args) != 1:
        raise LinkError(f"wrong number of arguments: expected 2, got {len(args) + 1}")
    rel = args[0]
    found = [item for item in obj.get("links") or [] if item.get("name") == rel]
    if not found:
        raise LinkError(f"link '{rel}' not defined for object")
    if len(found) > 1:
        raise LinkError(f"multiple link '{rel}' found for object")
    uri = found[0]["uri"]
    if uri not in RESOURCES:
        raise RuntimeError("unexpected status code when reading resource: 404")
    return RESOURCES[uri]


FUNCTIONS = {"link": link}


def run(source: str, env: dict[str, Any] | None = None) -> Any:
    return compile_expression(source).evaluate(ENV if env is None else env, functions=FUNCTIONS)


VALID: list[tuple[str, Any]] = [
    # literals
    ("42", 42),
    ("3.14", 3.14),
    ("1_000", 1000),
    ("0x1F", 31),
    ("0o17", 15),
    ("0b101", 5),
    ("1e3", 1000.0),
    (".5", 0.5),
    ('"s"', "s"),
    ("'s'", "s"),
    ("`raw\\n`", "raw\\n"),
    ('"a\\tb"', "a\tb"),
    ('"\\u00e9\\x41"', "\u00e9A"),
    ("'it\\'s'", "it's"),
    ("true", True),
    ("false", False),
    ("nil", None),
    ("[1, 2]", [1, 2]),
    ("[]", []),
    ("[1, 'a', nil, 2.5]", [1, "a", None, 2.5]),
    ("[1, 2,]", [1, 2]),
    ('{"a": 1}', {"a": 1}),
    ("{a: 1, 'b': 2, 3: 4}", {"a": 1, "b": 2, "3": 4}),
    ("{}", {}),
    ('{"a": 1}.a', 1),
    ('{("a" + "b"): true}', {"ab": True}),
    # member and index access
    ("event.status", "SUCCEEDED"),
    ("event.amount", 1200000.0),
    ('event.metadata["kind"]', "topup"),
    ("event.metadata.kind", "topup"),
    ("event.links[0].uri", "https://ledger/accounts/1"),
    ("event.links[-1].uri", "https://ledger/s2"),
    ("event.tags[1]", "b"),
    ("event.tags[1.0]", "b"),
    ("event.numbers[0]", 1.0),
    ("event.missing", None),
    ("event.metadata.missing", None),
    ("unknown", None),
    ("event.metadata.nested.deep", True),
    ('"abc"[0]', 97),
    # optional chaining
    ("event?.status", "SUCCEEDED"),
    ("event.missing?.x", None),
    ("event.missing?.x.y.z", None),
    ('event.missing?.["k"]', None),
    ("event.metadata?.nested?.deep", True),
    ("(event.missing?.x).y", None),
    # comparisons
    ("1 == 1.0", True),
    ("1 != 1.0", False),
    ("event.amount == 1200000", True),
    ("event.n == 7", True),
    ('"a" == "a"', True),
    ('"a" < "b"', True),
    ("2 > 1", True),
    ("2 >= 2", True),
    ("1 <= 0", False),
    ("1.5 < 2", True),
    ("nil == nil", True),
    ("event.nothing == nil", True),
    ("event.missing != nil", False),
    ("event.status == 1", False),
    ("[1, 2] == [1, 2]", True),
    ('{"a": 1} == {"a": 1}', True),
    ("[1] == [1.0]", False),
    ("1 < 2 < 3", True),
    ("3 > 2 > 2", False),
    ("1 < 2 == true", True),
    # logic, short-circuit
    ("true && false", False),
    ("true and true", True),
    ("false || true", True),
    ("false or false", False),
    ("not false", True),
    ("!true", False),
    ("false && event.missing.x", False),
    ("true || event.missing.x", True),
    ("true and event.n", 7.0),
    ("not (1 > 2)", True),
    ("!event.flag", False),
    ("not event.flag == false", True),
    ("true || false && false", True),
    # arithmetic
    ("1 + 2", 3),
    ("1 + 2.5", 3.5),
    ("7 / 2", 3.5),
    ("6 / 3", 2.0),
    ("7 % 3", 1),
    ("-7 % 3", -1),
    ("2 ** 3", 8.0),
    ("2 ^ 3", 8.0),
    ("2 ** 3 ** 2", 512.0),
    ("-2 ** 2", -4.0),
    ("(-2) ** 2", 4.0),
    ("1 + 2 * 3", 7),
    ("(1 + 2) * 3", 9),
    ("10 - 2 - 3", 5),
    ("-event.amount", -1200000.0),
    ("event.amount / 100", 12000.0),
    ("event.amount * 2", 2400000.0),
    ("event.ratio + 1", 2.5),
    ("9223372036854775807 + 1", -9223372036854775808),
    ("1 / 0", math.inf),
    ("-1 / 0", -math.inf),
    ("2 ** 10000", math.inf),
    ('"a" + "b"', "ab"),
    ('"user:" + event.metadata.userID', "user:u-17"),
    ("+3", 3),
    ("- -3", 3),
    # membership
    ('event.metadata["kind"] in ["topup", "refund"]', True),
    ('"k" in {"k": 1}', True),
    ('"kind" in event.metadata', True),
    ('"nope" in event.metadata', False),
    ('"nope" not in event.metadata', True),
    ("2 in event.numbers", True),
    ("5 not in [1, 2]", True),
    ('"b" in event.tags', True),
    ("1 in event.missing", False),
    # string operators
    ('event.asset startsWith "EUR"', True),
    ('event.asset endsWith "/2"', True),
    ('event.reference contains "_4"', True),
    ('event.reference not contains "x"', True),
    ('event.reference matches "^ord_[0-9]+$"', True),
    ('event.reference not matches "^x"', True),
    ('"ABC" matches "(?i)abc"', True),
    ('"abc\\n" matches "abc$"', False),
    ('"a1" matches "\\\\d"', True),
    ('"x{,3}" matches "x{,3}"', True),
    ("event.scheme matches event.scheme", True),
    ('"foobarfoo" matches "^(foo|bar)+$"', True),
    ('"a.b" matches "^a\\\\.b$"', True),
    ('"axb" matches "^a\\\\.b$"', False),
    ('"Ab9" matches "^[[:alpha:]]+[[:digit:]]$"', True),
    ('"a+b" matches "\\\\Qa+b\\\\E"', True),
    ('"xAB" matches "x(?i)ab"', True),
    ('"l1\\nl2" matches "(?m)^l1$"', True),
    ('"l1\\nl2" matches "^l1$"', False),
    ('"\u00e9" matches "^.$"', True),
    # conditional and nil-coalescing
    ("true ? 1 : 2", 1),
    ("event.amount > 100 ? 'big' : 'small'", "big"),
    ("false ? 1 : true ? 2 : 3", 2),
    ("nil ?? 'x'", "x"),
    ("event.nothing ?? event.status", "SUCCEEDED"),
    ("event.status ?? 'x'", "SUCCEEDED"),
    ("false ?? true", False),
    ("event.nothing?.x ?? 'dflt'", "dflt"),
    ("1 + (event.missing ?? 2)", 3),
    # ranges and slices
    ("1..3", [1, 2, 3]),
    ("3..1", []),
    ("len(1..1000)", 1000),
    ("2 in 1..3", True),
    ("event.tags[1:3]", ["b", "c"]),
    ("event.tags[:2]", ["a", "b"]),
    ("event.tags[1:]", ["b", "c"]),
    ("event.tags[:]", ["a", "b", "c"]),
    ("event.tags[-2:]", ["b", "c"]),
    ('"hello"[1:3]', "el"),
    ("event.tags[5:9]", []),
    # builtins
    ('len("abc")', 3),
    ("len(event.tags)", 3),
    ("len(event.metadata)", 4),
    ("len(event.unicode)", 6),
    ('lower("ABC")', "abc"),
    ('upper("abc")', "ABC"),
    ('upper("stra\u00dfe")', "STRA\u00dfE"),
    ("trim(event.text)", "Hello World"),
    ('trim("xxhixx", "x")', "hi"),
    ("int(event.amount)", 1200000),
    ('int("42")', 42),
    ("int(3.9)", 3),
    ("int(-3.9)", -3),
    ('float("1.5")', 1.5),
    ("float(2)", 2.0),
    ("string(event.amount)", "1.2e+06"),
    ("string(42)", "42"),
    ("string(true)", "true"),
    ("string(nil)", "<nil>"),
    ("string([1, 'a'])", "[1 a]"),
    ("abs(-3)", 3),
    ("abs(event.neg)", 3.5),
    ('split("a,b,c", ",")', ["a", "b", "c"]),
    ('split("a,b,c", ",", 2)', ["a", "b,c"]),
    ('split("abc", "")', ["a", "b", "c"]),
    ('join(["a", "b"], "-")', "a-b"),
    ("join(event.tags)", "abc"),
    ('hasPrefix("foobar", "foo")', True),
    ('hasSuffix("foobar", "bar")', True),
    ("event.text | trim() | lower()", "hello world"),
    # layout
    ("1 + /* comment */ 2 // tail", 3),
    ("\n event.n\n  > 1\t", True),
    # realistic filters and vars (BEHAVIOR 8)
    ('event.status == "SUCCEEDED" && event.type == "PAY-IN"', True),
    ('event.amount > 10000 and event.asset startsWith "EUR"', True),
    ('event.status == "FAILED" || event.amount < 10', False),
    ('link(event, "destination_account").name', "acc1"),
    ('link(event, "destination_account").balance', 100.0),
]


def _same(actual: Any, expected: Any) -> bool:
    if type(actual) is not type(expected):
        return False
    if isinstance(expected, list):
        return len(actual) == len(expected) and all(map(_same, actual, expected))
    if isinstance(expected, dict):
        return actual.keys() == expected.keys() and all(_same(actual[k], v) for k, v in expected.items())
    return actual == expected


@pytest.mark.parametrize(("source", "expected"), VALID, ids=[case[0] for case in VALID])
def test_valid_expression(source: str, expected: Any) -> None:
    result = run(source)
    assert _same(result, expected), f"{source!r} gave {result!r}, expected {expected!r}"


COMPILE_ERRORS: list[tuple[str, str, int]] = [
    ("", "unexpected token EOF", 0),
    ("   ", "unexpected token EOF", 2),
    ("1 +", "unexpected token EOF", 2),
    ("1 + * 2", 'unexpected token Operator("*")', 4),
    ("(1 + 2", "unexpected token EOF", 5),
    ("1 + 2)", 'unexpected token Bracket(")")', 5),
    ("foo(1,", "unexpected token EOF", 5),
    ("[1, 2", "unexpected token EOF", 4),
    ('"abc', "literal not terminated", 4),
    ('"a\\qb"', "invalid char escape", 3),
    ("1 @ 2", "unrecognized character: U+0040 '@'", 2),
    ("1a", 'bad number syntax: "1a"', 1),
    ("9223372036854775808", "invalid integer literal", 0),
    ("1e400", "invalid float literal", 0),
    ("a.1", 'unexpected token Number(".1")', 1),
    ("a.", "unexpected end of expression", 1),
    ("a b", 'unexpected token Identifier("b")', 2),
    ("x = 1", 'unexpected token Operator("=")', 2),
    ("a not b", 'unexpected token Identifier("b")', 6),
    ("1 ? 2", "unexpected token EOF", 4),
    ('1 + "a"', "invalid operation: + (mismatched types int and string)", 2),
    ('"a" > 1', "invalid operation: > (mismatched types string and int)", 4),
    ("1 == 'a'", "invalid operation: == (mismatched types int and string)", 2),
    ("1 && true", "invalid operation: && (mismatched types int and bool)", 2),
    ("not 1", "invalid operation: not (mismatched type int)", 0),
    ('-"a"', "invalid operation: - (mismatched type string)", 0),
    ("1 ? 2 : 3", "non-bool expression (type int) used as condition", 2),
    ("1.5 % 2", "invalid operation: % (mismatched types float64 and int)", 4),
    ("1 % 0", "integer divide by zero", 2),
    ('"a" in "abc"', "invalid operation: in (mismatched types string and string)", 4),
    ("1 in {a: 1}", "cannot use int as type string in map key", 2),
    ("1 .. 2.5", "invalid operation: .. (mismatched types int and float64)", 2),
    ('"a" contains 1', "invalid operation: contains (mismatched types string and int)", 4),
    ('[1, 2]["a"]', "array elements can only be selected using an integer (got string)", 7),
    ("len(1)", "invalid argument for len (type int)", 0),
    ("len()", "invalid number of arguments (expected 1, got 0)", 0),
    ("lower(1)", "cannot use int as argument (type string) to call lower", 0),
    ('upper("a", "b")', "too many arguments to call upper", 0),
    ('split("a")', "not enough arguments to call split", 0),
    ('event.x matches "[a"', "error parsing regexp: missing closing ]: `[a`", 16),
    ('event.x matches "(a+)+"', "not supported by this mock", 16),
    ('event.x matches "(?=a)"', "invalid or unsupported Perl syntax", 16),
    ('event.x matches "(a)\\\\1"', "invalid escape sequence", 16),
    ('event.x matches "a**"', "invalid nested repetition operator", 16),
    ('event.x matches "(a|ab)*c"', "not supported by this mock", 16),
    ('event.x matches "x{1001}"', "invalid repeat count", 16),
    ('event.x matches "\\\\pL"', "Unicode classes are not supported", 16),
    ("event.a ?? 1 + 2", "Operator (+) and coalesce expressions (??) cannot be mixed", 13),
    ("let x = 1; x", "let declarations are not supported", 0),
    ("#", "cannot use pointer accessor outside predicate", 0),
    ("(" * 150 + "1" + ")" * 150, "nested too deeply", 100),
    ("1" + " + 1" * 150, "nested too deeply", 0),
]


@pytest.mark.parametrize(
    ("source", "reason", "position"), COMPILE_ERRORS, ids=[case[0][:40] for case in COMPILE_ERRORS]
)
def test_compile_error(source: str, reason: str, position: int) -> None:
    with pytest.raises(ExprSyntaxError) as info:
        compile_expression(source)
    error = info.value
    assert reason in error.reason
    assert error.position is not None
    if position:
        assert error.position == position, error.message


def test_compile_error_message_shows_position_like_expr() -> None:
    with pytest.raises(ExprSyntaxError) as info:
        compile_expression("1 +")
    assert info.value.message == "unexpected token EOF (1:3)\n | 1 +\n | ..^"
    assert str(info.value) == info.value.message
    assert isinstance(info.value, ExprError)


def test_compile_error_on_second_line() -> None:
    with pytest.raises(ExprSyntaxError) as info:
        compile_expression("event.a == 1 &&\n  * 2")
    assert info.value.message.startswith('unexpected token Operator("*") (2:3)\n |   * 2\n | ..^')


def test_source_too_long_is_rejected() -> None:
    with pytest.raises(ExprSyntaxError, match="longer than"):
        compile_expression("1" + " " * 10_000)


@pytest.mark.parametrize(
    "source",
    [
        'link(event, "destination_account").name',
        "foo + 1",
        "unknown.field > 3",
        "event.x matches event.y",
        "event.n % 2",
        "nil + 1",
        "event.a?.b?.c ?? 'x'",
        "a.b()",
    ],
)
def test_compile_accepts_unknown_names_and_functions(source: str) -> None:
    expression = compile_expression(source)
    assert isinstance(expression, Expression)
    assert expression.source == source


RUNTIME_ERRORS: list[tuple[str, str, int]] = [
    ("event.nothing.x", "cannot fetch x from <nil>", 14),
    ("event.a.b", "cannot fetch b from <nil>", 8),
    ("a + b", "invalid operation: <nil> + <nil>", 2),
    ('"a" + event.n', "invalid operation: string + float64", 4),
    ("event.status + 1", "invalid operation: string + int", 13),
    ("event.n % 2", "invalid operation: float64 % int", 8),
    ("event.ratio % 2", "invalid operation: float64 % int", 12),
    ("int(event.n) % 0", "integer divide by zero", 13),
    ("event.n > nil", "invalid operation: float64 > <nil>", 8),
    ("event.missing < 1", "invalid operation: <nil> < int", 14),
    ("event.status > 1", "invalid operation: string > int", 13),
    ("event.tags[5]", "index out of range: 5 (array length is 3)", 10),
    ("event.tags['x']", "invalid operation: int(string)", 10),
    ("event.n in event.metadata", "is not assignable to type string", 8),
    ("event.n in event.status", 'operator "in" not defined on string', 8),
    ("event.missing and true", "interface conversion: interface {} is nil, not bool", 14),
    ("not event.status", "interface conversion: interface {} is string, not bool", 0),
    ("event.missing ? 1 : 2", "interface conversion: interface {} is nil, not bool", 14),
    ("event.n startsWith '7'", "interface conversion: interface {} is float64, not string", 8),
    ("event.n..3", "interface conversion: interface {} is float64, not int", 7),
    ("1..2000000", "memory budget exceeded", 1),
    ("len(event.n)", "invalid argument for len (type float64)", 0),
    ("lower(event.n)", "interface conversion: interface {} is float64, not string", 0),
    ('int("abc")', "invalid operation: int(abc)", 0),
    ('float("x1")', "invalid operation: float(x1)", 0),
    ("join(event.numbers)", "interface conversion: interface {} is float64, not string", 0),
    ("event.reference matches event.badpattern", "error parsing regexp: missing closing ]", 16),
    ("foo(1)", "unknown func foo", 0),
    ("event.status()", "cannot call method status", 6),
    ("-event.status", "invalid operation: - string", 0),
    ("event.status[1:2:3]", 'unexpected token Operator(":")', 16),
]


@pytest.mark.parametrize(("source", "reason", "position"), RUNTIME_ERRORS, ids=[c[0] for c in RUNTIME_ERRORS])
def test_runtime_error(source: str, reason: str, position: int) -> None:
    try:
        expression = compile_expression(source)
    except ExprSyntaxError as exc:
        assert reason in exc.reason
        assert exc.position == position
        return
    with pytest.raises(ExprRuntimeError) as info:
        expression.evaluate(ENV, functions=FUNCTIONS)
    error = info.value
    assert not isinstance(error, LinkError)
    assert reason in error.reason, error.message
    assert error.position == position, error.message


def test_runtime_error_message_matches_trigger_test_example() -> None:
    # BEHAVIOR 7.7 quotes this exact text from the real service.
    with pytest.raises(ExprRuntimeError) as info:
        compile_expression("a + b").evaluate({"event": {}})
    assert info.value.message == "invalid operation: <nil> + <nil> (1:3)\n | a + b\n | ..^"


def test_missing_nested_field_message() -> None:
    with pytest.raises(ExprRuntimeError, match=r"cannot fetch b from <nil> \(1:9\)"):
        compile_expression("event.a.b").evaluate(ENV)


@pytest.mark.parametrize(
    ("source", "core"),
    [
        ('link(event, "unknown")', "link 'unknown' not defined for object"),
        ('link(event, "source")', "multiple link 'source' found for object"),
        ("link(event)", "wrong number of arguments"),
        ('link(event, "a", "b")', "wrong number of arguments"),
    ],
)
def test_link_errors_are_non_retryable(source: str, core: str) -> None:
    with pytest.raises(LinkError) as info:
        run(source)
    assert isinstance(info.value, ExprRuntimeError)
    assert core in info.value.message
    assert info.value.position == 0


def test_other_failures_inside_link_are_retryable() -> None:
    payload = {"links": [{"name": "gone", "uri": "https://ledger/404"}]}
    with pytest.raises(ExprRuntimeError) as info:
        run('link(event, "gone").name', {"event": payload})
    assert not isinstance(info.value, LinkError)
    assert "unexpected status code when reading resource: 404" in info.value.message


def test_link_without_injected_function_is_a_runtime_error() -> None:
    expression = compile_expression('link(event, "destination_account").name')
    with pytest.raises(ExprRuntimeError, match="unknown func link"):
        expression.evaluate(ENV)


def test_link_result_numbers_become_floats() -> None:
    assert run('link(event, "destination_account").balance') == 100.0
    with pytest.raises(ExprRuntimeError, match="float64 % int"):
        run('link(event, "destination_account").balance % 2')


def test_payload_ints_are_seen_as_floats_and_not_mutated() -> None:
    assert run("event.amount") == 1200000.0
    assert type(run("event.numbers[0]")) is float
    assert type(PAYLOAD["amount"]) is int
    assert type(PAYLOAD["numbers"][0]) is int


def test_float_payload_is_used_without_copy() -> None:
    payload = json.loads('{"metadata": {"a": 1, "b": [2, {"c": 3}]}}', parse_int=float)
    assert compile_expression("event.metadata").evaluate({"event": payload}) is payload["metadata"]


def test_env_mapping_with_non_json_values() -> None:
    env = {"event": {"t": (1, 2), "obj": object()}}
    assert run("event.t[1]", env) == 2.0
    with pytest.raises(ExprRuntimeError, match="cannot fetch x"):
        run("event.obj.x", env)
    # Go's JSON decoder refuses such a number outright; here the payload cannot be read at all.
    with pytest.raises(ExprRuntimeError, match="out of range"):
        run("event.small", {"event": {"small": 1, "big": 10**400}})


def test_evaluate_wraps_unexpected_exceptions() -> None:
    class Broken(dict):  # type: ignore[type-arg]
        def get(self, *args: Any) -> Any:
            raise KeyError("boom")

    with pytest.raises(ExprRuntimeError, match="evaluation failed"):
        compile_expression("event").evaluate(Broken())


def test_deeply_nested_payload_is_an_expr_error() -> None:
    deep: Any = 1
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(ExprRuntimeError):
        compile_expression("event").evaluate({"event": deep})


def test_compiled_expression_is_reusable() -> None:
    expression = compile_expression('event.status == "SUCCEEDED"')
    assert expression.evaluate({"event": {"status": "SUCCEEDED"}}) is True
    assert expression.evaluate({"event": {"status": "FAILED"}}) is False
    with pytest.raises(ExprRuntimeError, match="cannot fetch status from <nil>"):
        expression.evaluate({})


VAR_STRINGS: list[tuple[Any, str]] = [
    (1200000.0, "1200000"),
    (1.5, "1.5"),
    (1e21, "1e+21"),
    (1e-7, "1e-7"),
    (1.5e-7, "1.5e-7"),
    (1e20, "100000000000000000000"),
    (0.000001, "0.000001"),
    (-0.0, "-0"),
    (0.1, "0.1"),
    (-2.5, "-2.5"),
    (123456789.125, "123456789.125"),
    (42, "42"),
    (-7, "-7"),
    ("s", "s"),
    ("", ""),
    (True, "true"),
    (False, "false"),
    (None, "<nil>"),
    ([1, "a"], "[1 a]"),
    ({"k": "v"}, "map[k:v]"),
    ([1.5, 1200000.0, 1e-5], "[1.5 1.2e+06 1e-05]"),
    ({"b": 1, "a": [True, None]}, "map[a:[true <nil>] b:1]"),
]


@pytest.mark.parametrize(("value", "text"), VAR_STRINGS, ids=[repr(v[0]) for v in VAR_STRINGS])
def test_to_var_string(value: Any, text: str) -> None:
    assert to_var_string(value) == text


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_to_var_string_rejects_nan_and_infinities(value: float) -> None:
    with pytest.raises(ExprRuntimeError, match="unsupported value"):
        to_var_string(value)


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("event.amount", "1200000"),
        ("event.ratio", "1.5"),
        ("len(event.tags)", "3"),
        ("event.missing", "<nil>"),
        ('"user:" + event.metadata.userID', "user:u-17"),
        ("event.amount / 1000", "1200"),
        ("event.flag", "true"),
        ('link(event, "destination_account").name', "acc1"),
    ],
)
def test_vars_end_to_end(source: str, text: str) -> None:
    assert to_var_string(run(source)) == text
