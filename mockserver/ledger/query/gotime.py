"""Go's ``time.Parse(time.RFC3339Nano, value)``, its errors word for word.

The release reads ``pit``, ``oot``, ``startTime``/``endTime`` and every date in a filter with
go-libs ``time.ParseTime`` (``time/time.go``: ``time.Parse(RFC3339Nano)``, rounded to the
microsecond, in UTC) and answers the parse error as is, so a client sees Go's message. This is
Go's general parser (``src/time/format.go``, ``parse``) walked over the one layout it is given:
the chunks ``2006 - 01 - 02 T 15 : 04 : 05 .999999999 Z07:00``. Go is lenient where RFC 3339 is
not: a one-digit hour, a comma before the fraction, any number of fraction digits (truncated to
nanoseconds), an offset up to 24:60.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

LAYOUT = "2006-01-02T15:04:05.999999999Z07:00"
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MIN = datetime.min.replace(tzinfo=UTC)
_MAX = datetime.max.replace(tzinfo=UTC)


class GoTimeError(ValueError):
    """A parse error carrying Go's message."""


def _quote(text: str) -> str:
    """``time.quote``: Go's own quoting, ``\\xNN`` for every byte of a non-ASCII or control rune."""
    out = ['"']
    for char in text:
        if char >= "\x80" or char < " ":
            out.extend(f"\\x{byte:02x}" for byte in char.encode("utf-8", "surrogatepass"))
        else:
            out.append("\\" + char if char in '"\\' else char)
    out.append('"')
    return "".join(out)


def _fail(value: str, layout_elem: str, value_elem: str, message: str = "") -> GoTimeError:
    if message:
        return GoTimeError(f"parsing time {_quote(value)}{message}")
    return GoTimeError(
        f"parsing time {_quote(value)} as {_quote(LAYOUT)}: cannot parse {_quote(value_elem)} as {_quote(layout_elem)}"
    )


def _digit(text: str, index: int) -> bool:
    return index < len(text) and "0" <= text[index] <= "9"


def _getnum(text: str, fixed: bool) -> tuple[int, str] | None:
    """``getnum``: one or two digits (two when ``fixed``); None when there are none."""
    if not _digit(text, 0):
        return None
    if not _digit(text, 1):
        return None if fixed else (int(text[0]), text[1:])
    return int(text[:2]), text[2:]


def _days_in(month: int, year: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS[month - 1]


def parse(value: str) -> datetime:
    """The instant ``value`` names, in UTC, rounded to the microsecond as go-libs rounds it."""
    wall, offset = parse_wall(value)
    return _shift(wall, timedelta(seconds=-offset))


def parse_wall(value: str) -> tuple[datetime, int]:
    """The wall clock ``value`` writes (as a UTC datetime, rounded to the microsecond) and its
    offset in seconds; raises GoTimeError with Go's message when Go would refuse it."""
    rest = value
    fields: list[int] = []
    # (literal before the chunk, chunk): one step of Go's loop per chunk of the layout.
    for prefix, chunk in (("", "2006"), ("-", "01"), ("-", "02"), ("T", "15"), (":", "04"), (":", "05")):
        if prefix:
            if not rest or rest[0] != prefix:
                raise _fail(value, prefix, rest)
            rest = rest[1:]
        hold = rest
        if chunk == "2006":
            if len(rest) < 4 or not _digit(rest, 0) or not rest[:4].isdigit() or not rest[:4].isascii():
                raise _fail(value, chunk, hold)
            number, rest = int(rest[:4]), rest[4:]
        else:
            got = _getnum(rest, chunk != "15")
            if got is None:
                raise _fail(value, chunk, hold)
            number, rest = got
            limit, what = {"01": (12, "month"), "15": (23, "hour"), "04": (59, "minute"), "05": (59, "second")}.get(
                chunk, (99, "")
            )
            if (chunk == "01" and number == 0) or number > limit:
                raise _fail(value, chunk, rest, f": {what} out of range")
        fields.append(number)
    nanos = 0
    if len(rest) >= 2 and rest[0] in ".," and _digit(rest, 1):
        count = 1
        while _digit(rest, count + 1):
            count += 1
        nanos = int(rest[1 : 1 + min(count, 9)].ljust(9, "0"))  # Go keeps nine digits, truncating
        rest = rest[1 + count :]
    offset = _zone(value, rest)
    rest = rest[1:] if rest[:1] == "Z" else rest[6:]
    if rest:
        raise _fail(value, "", rest, f": extra text: {_quote(rest)}")
    year, month, day, hour, minute, second = fields
    if day < 1 or day > _days_in(month, year):
        raise _fail(value, "", rest, ": day out of range")
    micros = (nanos + 500) // 1000  # go-libs rounds to the microsecond, half up
    if year == 0:  # Go's year 0 exists; Python's calendar starts at year 1
        return _MIN, offset
    base = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    return _shift(base, timedelta(microseconds=micros)), offset


def _zone(value: str, rest: str) -> int:
    """The ``Z07:00`` chunk: ``Z``, or a sign, two digits, a colon and two digits."""
    if rest[:1] == "Z":
        return 0
    if len(rest) < 6 or rest[3] != ":":
        raise _fail(value, "Z07:00", rest)
    hours, minutes = _getnum(rest[1:3], True), _getnum(rest[4:6], True)
    if hours is None:
        raise _fail(value, "Z07:00", rest)
    # Go checks the ranges before the digits of the minutes and the sign, the minutes last.
    if minutes is not None and minutes[0] > 60:
        raise _fail(value, "Z07:00", rest[6:], ": time zone offset minute out of range")
    if hours[0] > 24:
        raise _fail(value, "Z07:00", rest[6:], ": time zone offset hour out of range")
    if minutes is None:
        raise _fail(value, "Z07:00", rest)
    if rest[0] not in "+-":
        raise _fail(value, "Z07:00", rest)
    seconds = hours[0] * 3600 + minutes[0] * 60
    return seconds if rest[0] == "+" else -seconds


def _shift(moment: datetime, delta: timedelta) -> datetime:
    """``moment`` moved by ``delta``, held within Python's calendar."""
    try:
        return moment + delta
    except OverflowError:
        return _MIN if delta < timedelta(0) else _MAX
