"""Request bodies nested deeper than the mock can present back are refused at the door."""

from __future__ import annotations

import pytest

from mockserver.core.limits import MAX_DEPTH, check_json_depth
from mockserver.errors import ValidationError


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def test_the_limit_itself_passes_and_one_more_level_is_refused() -> None:
    check_json_depth(nested(MAX_DEPTH))
    with pytest.raises(ValidationError, match="nested deeper than 128 levels"):
        check_json_depth(nested(MAX_DEPTH + 1))


def test_many_shallow_containers_are_not_deep() -> None:
    check_json_depth(b"[" + b",".join([b'{"a":[1]}'] * 1000) + b"]")


def test_brackets_inside_strings_do_not_count() -> None:
    check_json_depth(b'{"s": "' + b"[" * 500 + b'"}')
    with pytest.raises(ValidationError):
        check_json_depth(b'{"s": "\\"' + b"[" * 10 + b'", "t": ' + nested(MAX_DEPTH) + b"}")
