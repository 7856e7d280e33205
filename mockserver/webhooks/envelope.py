"""The body of a delivery: the bus message as formancehq/webhooks v2.3.2 re-encodes it.

The worker decodes each message into go-libs' ``publish.EventMessage`` (``publish/messages.go``:
``idempotency_key``, ``date``, ``app``, ``version``, ``type``, ``payload any``), overwrites
``type`` with the matched type (``app.type`` lower-cased, ``pkg/worker/module.go:103-110``), and
sends ``json.Marshal`` of that struct (``module.go:122``), not the bytes it received. So: fixed
key order, every key present (``""``, ``"0001-01-01T00:00:00Z"`` or ``null`` when absent),
unknown top-level keys dropped, the payload's object keys sorted at every level, its numbers
through float64, ``<``, ``>``, ``&``, U+2028 and U+2029 escaped, no trailing newline.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from mockserver.core.timefmt import parse_rfc3339, rfc3339
from mockserver.webhooks.rules import event_type

ZERO_TIME = "0001-01-01T00:00:00Z"
_HTML = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_ESCAPED = re.compile("[<>&\u2028\u2029]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class Undeliverable(ValueError):
    """A message the release's decoder refuses (it nacks it; nothing is delivered)."""


@dataclass(frozen=True, slots=True)
class Envelope:
    type: str  # the matched type, ``ledger.committed_transactions``
    idempotency_key: str
    body: bytes  # exactly what each matching endpoint receives


def envelope(event: dict[str, Any]) -> Envelope:
    """The delivery of one bus event, as the release builds it from the message."""
    strings = {}
    for key in ("idempotency_key", "app", "version", "type"):
        value = event.get(key)
        if value is not None and not isinstance(value, str):
            raise Undeliverable(f"{key} is not a string")
        strings[key] = value or ""
    matched = event_type(strings["app"], strings["type"])
    body = (
        '{"idempotency_key":'
        + _string(strings["idempotency_key"])
        + ',"date":'
        + _string(_date(event.get("date")))
        + ',"app":'
        + _string(strings["app"])
        + ',"version":'
        + _string(strings["version"])
        + ',"type":'
        + _string(matched)
        + ',"payload":'
        + _value(event.get("payload"))
        + "}"
    )
    return Envelope(type=matched, idempotency_key=strings["idempotency_key"], body=body.encode("utf-8"))


def _date(value: Any) -> str:
    """``time.Time`` through JSON: RFC 3339 with nanoseconds, zeros trimmed, UTC as ``Z``."""
    if value is None:
        return ZERO_TIME
    if isinstance(value, datetime):
        return rfc3339(value)
    try:
        return rfc3339(parse_rfc3339(str(value)))
    except ValueError:
        raise Undeliverable(f"date {value!r} is not RFC 3339") from None


def _value(value: Any) -> str:
    """A payload value decoded into ``any`` and encoded again."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, int | float):
        return go_float(value)
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: str(k).encode("utf-8", "surrogatepass"))
        return "{" + ",".join(_string(str(k)) + ":" + _value(value[k]) for k in keys) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_value(item) for item in value) + "]"
    raise Undeliverable(f"a {type(value).__name__} is not JSON")


def go_float(number: float | int) -> str:
    """A JSON number as Go decodes it into float64 and writes it (``encoding/json``,
    ``floatEncoder``): shortest digits, plain notation between 1e-6 and 1e21, else exponent
    form with at least two exponent digits (``1e+21``, ``1e-07`` written ``1e-7``)."""
    try:
        value = float(number)
    except OverflowError:
        raise Undeliverable("a number beyond float64") from None
    if math.isinf(value) or math.isnan(value):
        raise Undeliverable("a number beyond float64")
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    shortest = repr(value)
    if 1e-6 <= abs(value) < 1e21:
        text = format(Decimal(shortest), "f")
        return text[:-2] if text.endswith(".0") else text
    # Outside that range Python's repr is in exponent form too, with the same shortest digits.
    mantissa, _, exponent = shortest.partition("e")
    mantissa = mantissa.removesuffix(".0")
    sign = "-" if exponent.startswith("-") else "+"
    digits = exponent.lstrip("+-").lstrip("0") or "0"
    return f"{mantissa}e{sign}{digits.zfill(2) if sign == '+' else digits}"


def _string(text: str) -> str:
    encoded = json.dumps(text, ensure_ascii=False)
    encoded = _ESCAPED.sub(lambda m: _HTML[m.group()], encoded)
    return _SURROGATE.sub("\ufffd", encoded)  # Go writes invalid UTF-8 as the replacement character
