"""The filter language's syntax and its errors, word for word as v2.4.6 words them.

The JSON and date messages were produced by Go's own ``encoding/json`` and ``time`` packages
(go-libs ``query.ParseJSON`` reads a filter with a ``json.Decoder``; a cursor goes through
``json.Unmarshal``); the few date cases where Go 1.20 changed the wording follow the newer
``src/time/format.go`` the release is built with.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mockserver.ledger.query import expression, godecode, gotime
from mockserver.ledger.query.errors import Invalid
from mockserver.ledger.query.expression import Group, Leaf, Not

LAYOUT = '"2006-01-02T15:04:05.999999999Z07:00"'


def cannot(value: str, elem: str, layout_elem: str) -> str:
    return f'parsing time "{value}" as {LAYOUT}: cannot parse "{elem}" as "{layout_elem}"'


@pytest.mark.parametrize(
    ("text", "stream", "unmarshal"),
    [
        ("", "EOF", "unexpected end of JSON input"),
        ("  ", "EOF", "unexpected end of JSON input"),
        ("abc", "invalid character 'a' looking for beginning of value", None),
        ("{", "unexpected EOF", "unexpected end of JSON input"),
        ('{"a":1', "unexpected EOF", "unexpected end of JSON input"),
        ('{"a" 1}', "invalid character '1' after object key", None),
        ('{"a":1 "b":2}', "invalid character '\"' after object key:value pair", None),
        ("{,}", "invalid character ',' looking for beginning of object key string", None),
        ('{"a":}', "invalid character '}' looking for beginning of value", None),
        ("[1,]", "invalid character ']' looking for beginning of value", None),
        ("[01]", "invalid character '1' after array element", None),
        ("1.x", "invalid character 'x' after decimal point in numeric literal", None),
        ("1ex", "invalid character 'x' in exponent of numeric literal", None),
        ("-x", "invalid character 'x' in numeric literal", None),
        ("trux", "invalid character 'x' in literal true (expecting 'e')", None),
        ("nulx", "invalid character 'x' in literal null (expecting 'l')", None),
        ("tru", "unexpected EOF", "invalid character ' ' in literal true (expecting 'e')"),
        ('"a\\x"', "invalid character 'x' in string escape code", None),
        ('"\\u12x4"', "invalid character 'x' in \\u hexadecimal character escape", None),
        ('"a\nb"', "invalid character '\\n' in string literal", None),
        ("'a'", "invalid character '\\'' looking for beginning of value", None),
        ("NaN", "invalid character 'N' looking for beginning of value", None),
        ('{"a":NaN}', "invalid character 'N' looking for beginning of value", None),
        ("\u00e9", "invalid character 'Ã' looking for beginning of value", None),
        ("\u00a0", "invalid character 'Â' looking for beginning of value", None),  # its first byte, 0xC2
        ("\x00", "invalid character '\\x00' looking for beginning of value", None),
        ("1.", "unexpected EOF", "invalid character ' ' after decimal point in numeric literal"),
    ],
)
def test_json_errors_are_gos(text: str, stream: str, unmarshal: str | None) -> None:
    with pytest.raises(godecode.GoJSONError) as first:
        godecode.decode_first(text)
    assert str(first.value) == stream
    with pytest.raises(godecode.GoJSONError) as whole:
        godecode.decode_all(text)
    assert str(whole.value) == (unmarshal or stream)


@pytest.mark.parametrize(("raw", "shown"), [(b"\x80", "'\\u0080'"), (b"\xa0", "'\\u00a0'"), (b"\xff", "'ÿ'")])
def test_a_byte_is_named_as_strconv_quotes_it(raw: bytes, shown: str) -> None:
    with pytest.raises(godecode.GoJSONError) as caught:
        godecode.decode_first(raw)
    assert str(caught.value) == f"invalid character {shown} looking for beginning of value"


def test_a_decoder_reads_the_first_value_and_ignores_the_rest() -> None:
    assert godecode.decode_first('{"a":1} garbage') == {"a": 1}
    assert godecode.decode_first("5x") == 5
    with pytest.raises(godecode.GoJSONError, match="after top-level value"):
        godecode.decode_all('{"a":1} garbage')


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", cannot("abc", "abc", "2006")),
        ("", cannot("", "", "2006")),
        ("2023-01-01", cannot("2023-01-01", "", "T")),
        ("2023-01-01T10:00:00", cannot("2023-01-01T10:00:00", "", "Z07:00")),
        ("2023-01-01 10:00:00Z", cannot("2023-01-01 10:00:00Z", " 10:00:00Z", "T")),
        ("2023-1-01T10:00:00Z", cannot("2023-1-01T10:00:00Z", "1-01T10:00:00Z", "01")),
        ("2023-01-01T10:00:00.Z", cannot("2023-01-01T10:00:00.Z", ".Z", "Z07:00")),
        ("2023-01-01T10:00:00+0200", cannot("2023-01-01T10:00:00+0200", "+0200", "Z07:00")),
        ("2023-01-01T10:00:00z", cannot("2023-01-01T10:00:00z", "z", "Z07:00")),
        ("2023-13-01T10:00:00Z", 'parsing time "2023-13-01T10:00:00Z": month out of range'),
        ("2023-02-29T10:00:00Z", 'parsing time "2023-02-29T10:00:00Z": day out of range'),
        ("2023-01-01T24:00:00Z", 'parsing time "2023-01-01T24:00:00Z": hour out of range'),
        ("2023-01-01T10:00:60Z", 'parsing time "2023-01-01T10:00:60Z": second out of range'),
        ("2023-01-01T10:00:00Zabc", 'parsing time "2023-01-01T10:00:00Zabc": extra text: "abc"'),
        ("h\u00e9llo", f'parsing time "h\\xc3\\xa9llo" as {LAYOUT}: cannot parse "h\\xc3\\xa9llo" as "2006"'),
        # Go >= 1.20: the element that failed is the one the chunk started at, offsets are range-checked
        ("20a3-01-01T10:00:00Z", cannot("20a3-01-01T10:00:00Z", "20a3-01-01T10:00:00Z", "2006")),
        ("2023-01-01T10:00:00x02:00", cannot("2023-01-01T10:00:00x02:00", "x02:00", "Z07:00")),
        ("2023-01-01T10:00:00+25:00", 'parsing time "2023-01-01T10:00:00+25:00": time zone offset hour out of range'),
    ],
)
def test_date_errors_are_gos(value: str, message: str) -> None:
    with pytest.raises(gotime.GoTimeError) as caught:
        gotime.parse(value)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("value", "instant"),
    [
        ("2023-01-01T10:00:00Z", datetime(2023, 1, 1, 10, tzinfo=UTC)),
        ("2023-01-01T10:00:00.1234565Z", datetime(2023, 1, 1, 10, 0, 0, 123457, tzinfo=UTC)),
        ("2023-01-01T10:00:00.9999995Z", datetime(2023, 1, 1, 10, 0, 1, tzinfo=UTC)),
        ("2023-01-01T10:00:00,5Z", datetime(2023, 1, 1, 10, 0, 0, 500000, tzinfo=UTC)),
        ("2023-01-01T10:00:00-02:30", datetime(2023, 1, 1, 12, 30, tzinfo=UTC)),
        ("2023-01-01T1:00:00Z", datetime(2023, 1, 1, 1, tzinfo=UTC)),
        ("2023-01-01T10:00:00.1234567891Z", datetime(2023, 1, 1, 10, 0, 0, 123457, tzinfo=UTC)),
    ],
)
def test_dates_go_accepts(value: str, instant: datetime) -> None:
    assert gotime.parse(value) == instant


def test_a_filter_date_keeps_its_wall_clock() -> None:
    """PostgreSQL ignores the zone of a literal compared with a ``timestamp`` column."""
    assert gotime.parse_wall("2023-01-01T10:00:00+02:00") == (datetime(2023, 1, 1, 10, tzinfo=UTC), 7200)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "unexpected type []interface {}"),
        ("x", "unexpected type string"),
        (5, "unexpected type *big.Int"),
        ({"$match": {"id": godecode.Fraction("1.5")}}, "provided json number was not an integer"),
        ({"$match": {}}, "parsing $match: expected single key, found none"),
        ({"$match": {"a": 1, "b": 2}}, "parsing $match: expected single key, found more then one"),
        ({"$match": 1, "$lt": 2}, "expected single key, found more then one"),
        ({"$match": []}, "parsing $match: unexpected type []interface {}"),
        ({"$or": {}}, "parsing $and: unexpected type map[string]interface {}"),
        ({"$and": None}, "parsing $and: unexpected type <nil>"),
        ({"$or": [1]}, "parsing $and: unexpected type []interface {} when decoding $or clause at index 0"),
        ({"$and": [{"$match": {}}]}, "parsing $and: parsing $match: expected single key, found none"),
        ({"$not": []}, "parsing $not: unexpected type []interface {}"),
        ({"$not": {"$eq": {"a": 1}}}, "parsing $not: unexpected operator $eq"),
        ({"$eq": {"a": 1}}, "unexpected operator $eq"),
    ],
)
def test_syntax_errors(document: object, message: str) -> None:
    with pytest.raises(Invalid) as caught:
        expression.parse(document)
    assert caught.value.message == message


def test_no_filter_and_a_tree() -> None:
    assert expression.parse(None) is None
    assert expression.parse({}) is None
    tree = expression.parse({"$and": [{"$match": {"a": 1}}, {"$not": {"$like": {"b": "x%"}}}, {"$or": []}]})
    assert tree == Group("$and", (Leaf("$match", "a", 1), Not(Leaf("$like", "b", "x%")), Group("$or", ())))


def test_a_tree_is_written_back_as_go_marshals_it() -> None:
    """An empty set is a nil slice in Go: ``null`` in the cursor."""
    tree = expression.parse({"$or": [{"$match": {"account": "a"}}, {"$not": {"$and": []}}]})
    assert expression.to_go(tree) == {"$or": [{"$match": {"account": "a"}}, {"$not": {"$and": None}}]}
