"""Property tests of the expression engine: whatever the input, only ExprError escapes."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.orchestration.expr import ExprError, ExprRuntimeError, ExprSyntaxError, LinkError, compile_expression
from mockserver.orchestration.expr.nodes import quote, to_source

SETTINGS = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=300,
    suppress_health_check=[HealthCheck.too_slow],
)

PAYLOAD: dict[str, Any] = {
    "status": "SUCCEEDED",
    "amount": 1200000.0,
    "ratio": 1.5,
    "asset": "EUR/2",
    "tags": ["a", "b", "c"],
    "numbers": [1.0, 2.0],
    "metadata": {"kind": "topup", "nested": {"deep": True}},
    "links": [{"name": "x", "uri": "u"}],
    "nothing": None,
}


def link(obj: Any, *args: Any) -> Any:
    if len(args) != 1 or not isinstance(obj, dict):
        raise LinkError("wrong number of arguments")
    if args[0] == "boom":
        raise RuntimeError("unexpected status code when reading resource: 500")
    return {"name": "acc", "n": 3}


FUNCTIONS = {"link": link}


def _outcome(source: str, env: dict[str, Any]) -> tuple[str, Any]:
    """Compile and evaluate, turning the only allowed failures into comparable values."""
    try:
        expression = compile_expression(source)
    except ExprSyntaxError as exc:
        assert isinstance(exc.message, str)
        return "syntax", exc.reason
    try:
        return "value", expression.evaluate(env, functions=FUNCTIONS)
    except ExprError as exc:
        assert isinstance(exc, ExprRuntimeError)
        assert isinstance(exc.message, str)
        return "runtime", exc.reason


GRAMMAR_CHARS = "abcdeflnstruvx0123456789_.?:,;()[]{}+-*/%^<>=!&|#'\"` \n\\$@"


@SETTINGS
@given(st.one_of(st.text(max_size=80), st.text(alphabet=GRAMMAR_CHARS, max_size=80)))
def test_arbitrary_text_only_raises_expr_errors(source: str) -> None:
    _outcome(source, {"event": PAYLOAD})


TOKENS = [
    "event", ".", "?.", "status", "amount", "metadata", "tags", "nothing", "kind", "[", "]", "(", ")", "{",
    "}", ",", ":", "?", "??", "..", "+", "-", "*", "/", "%", "**", "^", "==", "!=", "<", "<=", ">", ">=",
    "&&", "||", "!", "and", "or", "not", "in", "contains", "startsWith", "endsWith", "matches", "0", "1",
    "2.5", "1e3", "9223372036854775807", '"a"', "'b'", "`c`", '""', '"[a"', '"(a+)+"', '"^a.*$"', "true",
    "false", "nil", "len", "lower", "upper", "trim", "int", "float", "string", "abs", "split", "join",
    "hasPrefix", "hasSuffix", "link", '"boom"', "|", "#", "let", "=", ";", "x", "1..3", "/*", "*/", "//",
]  # fmt: skip


@SETTINGS
@given(st.lists(st.sampled_from(TOKENS), max_size=25), st.sampled_from([" ", ""]))
def test_token_soup_only_raises_expr_errors(tokens: list[str], glue: str) -> None:
    _outcome(glue.join(tokens), {"event": PAYLOAD})


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.text(max_size=10),
)
KEYS = st.sampled_from(["status", "amount", "tags", "metadata", "kind", "name", "links"])
JSON = st.recursive(
    SCALARS, lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children), max_leaves=12
)

PROBES = [
    'event.status == "SUCCEEDED" && event.amount > 10',
    "event.amount % 2",
    "event.amount + 1",
    "-event.amount",
    "event.tags[0]",
    "event.tags[1:]",
    "event.metadata.kind",
    "event.metadata?.kind ?? 'none'",
    '"kind" in event.metadata',
    "event.status in event.tags",
    "len(event.tags)",
    "string(event.amount)",
    "int(event.amount)",
    "float(event.status)",
    "abs(event.amount)",
    'event.status matches "^S"',
    "event.status startsWith event.kind",
    "join(event.tags, ',')",
    'split(event.status, "")',
    "event.amount ** event.amount",
    "event.amount / event.amount",
    "event.tags == event.metadata",
    "event.amount..3",
    'link(event, "x").name',
    "event.links[0].uri",
    "lower(event.status) + upper(event.kind)",
    "event.status ? 1 : 2",
]


@SETTINGS
@given(JSON, st.sampled_from(PROBES))
def test_random_payloads_only_raise_expr_errors(payload: Any, source: str) -> None:
    _outcome(source, {"event": payload})


REGEX_PIECES = [
    "a", "b", "ab", ".", "*", "+", "?", "{2}", "{1,}", "{,3}", "(", ")", "(?:", "(?i)", "(?P<n>", "|", "[",
    "]", "[^", "-", "^", "$", "\\", "\\d", "\\w", "\\s", "\\b", "\\1", "\\z", "\\Z", "\\Q", "\\E",
    "\\x{41}", "\\pL", "[:alpha:]", "(?=", "(?<=", "(?m)", "(?U)", "\\.", "é",
]  # fmt: skip
SUBJECTS = ["", "a" * 30 + "!", "ab" * 15 + "c", "Ab9\nxy", "\u00e9\u00e9"]


@SETTINGS
@given(st.lists(st.sampled_from(REGEX_PIECES), max_size=12).map("".join), st.sampled_from(SUBJECTS))
def test_regex_patterns_only_raise_expr_errors_and_stay_fast(pattern: str, subject: str) -> None:
    # The subjects are the inputs on which an accepted backtracking-prone pattern would take seconds.
    env = {"event": {"s": subject, "p": pattern}}
    _outcome("event.s matches event.p", env)
    _outcome(f"event.s matches {quote(pattern)}", env)


ATOMS = st.sampled_from(
    [
        "1", "0", "2.5", "1e3", "'s'", '"a,b"', "true", "false", "nil", "event.amount", "event.status",
        "event.tags", "event.metadata", "event.missing", "event.ratio", "[1, 2]", '{"a": 1}', "event.tags[0]",
        "event.metadata?.kind", "event.nothing?.x.y", "(1..3)", "x",
    ]
)  # fmt: skip
BINARY = [
    "+", "-", "*", "/", "%", "**", "==", "!=", "<", "<=", ">", ">=", "&&", "||", "in", "not in",
    "contains", "startsWith", "endsWith", "matches", "??", "..",
]  # fmt: skip
FUNCTIONS_1 = ["len", "lower", "upper", "trim", "int", "float", "string", "abs"]


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(inner, st.sampled_from(BINARY), inner).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
        st.tuples(st.sampled_from(["-", "not ", "!"]), inner).map(lambda t: f"{t[0]}({t[1]})"),
        inner.map(lambda s: f"({s})"),
        st.tuples(st.sampled_from(FUNCTIONS_1), inner).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(inner, inner).map(lambda t: f"split({t[0]}, {t[1]})"),
        st.tuples(inner, inner, inner).map(lambda t: f"{t[0]} ? {t[1]} : {t[2]}"),
        st.tuples(inner, inner).map(lambda t: f"({t[0]})[{t[1]}]"),
        st.tuples(inner, inner).map(lambda t: f"({t[0]})[{t[1]}:]"),
        st.tuples(inner, inner).map(lambda t: f"[{t[0]}, {t[1]}]"),
        st.tuples(inner, inner).map(lambda t: f"{{k: {t[0]}, 'j': {t[1]}}}"),
        inner.map(lambda s: f"({s}).kind"),
        inner.map(lambda s: f"({s})?.kind"),
        inner.map(lambda s: f"{s} | string()"),
    )


EXPRESSIONS = st.recursive(ATOMS, _extend, max_leaves=10)


def _same(a: tuple[str, Any], b: tuple[str, Any]) -> bool:
    if a[0] != b[0]:
        return False
    return _same_value(a[1], b[1])


def _same_value(x: Any, y: Any) -> bool:
    if type(x) is not type(y):
        return False
    if isinstance(x, float):
        return (math.isnan(x) and math.isnan(y)) or x == y
    if isinstance(x, list):
        return len(x) == len(y) and all(map(_same_value, x, y))
    if isinstance(x, dict):
        return x.keys() == y.keys() and all(_same_value(v, y[k]) for k, v in x.items())
    return bool(x == y)


@SETTINGS
@given(EXPRESSIONS)
def test_printed_ast_compiles_to_the_same_result(source: str) -> None:
    env = {"event": PAYLOAD}
    first = _outcome(source, env)
    if first[0] == "syntax":
        return
    printed = to_source(compile_expression(source).node)
    second = _outcome(printed, env)
    assert _same(first, second), (source, printed, first, second)
    # Printing is a fixed point after one round.
    assert to_source(compile_expression(printed).node) == printed
