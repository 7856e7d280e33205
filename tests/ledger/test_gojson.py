"""``gojson.dumps_records`` writes exactly the bytes ``gojson.dumps`` writes, for any value without floats."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.ledger import gojson

# Go's escapes, the JSON escapes, non-ASCII, astral characters and lone surrogates among the text.
_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from('<>&\u2028\u2029"\\\b\f\n\r\t\x00\x1f\x7f/é漢\U0001f600\ud800\udfff'),
        st.characters(),
    ),
    max_size=12,
)
_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**64 - 1),
    st.integers(),  # beyond 64 bits too
    _TEXT,
)
_VALUES = st.recursive(
    _LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(_TEXT, inner, max_size=4),
        st.dictionaries(st.integers(), inner, max_size=2),  # keys json.dumps turns into text
    ),
    max_leaves=20,
)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(_VALUES)
def test_records_are_written_as_dumps_writes_them(value: Any) -> None:
    assert gojson.dumps_records(value) == gojson.dumps(value)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(
    st.recursive(
        st.one_of(_LEAVES, st.floats(allow_nan=False)),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
        max_leaves=12,
    )
)
def test_any_value_floats_included_is_written_as_dumps_writes_it(value: Any) -> None:
    """A cursor's query may hold a filter's float: ``dumps_any`` sends it the slow way."""
    assert gojson.dumps_any(value) == gojson.dumps(value)


def test_go_escapes_and_big_integers() -> None:
    value = {"a<b>&c": ["\u2028\u2029", 2**70, -(2**63), "\ud800"], "t": (1, True, None)}
    assert gojson.dumps_records(value) == gojson.dumps(value)
    assert b"\\u003c" in gojson.dumps_records(value)


def test_what_json_refuses_is_refused_alike() -> None:
    from datetime import datetime

    for value in (datetime(2020, 1, 1), {1j: 1}, object()):
        with pytest.raises(TypeError):
            gojson.dumps(value)
        with pytest.raises(TypeError):
            gojson.dumps_records(value)
