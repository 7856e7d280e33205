"""Properties of the release's decoders on any input: Go's scanner agrees with a strict JSON parser,
body decoding only ever refuses with the release's 400, and what it accepts it reads back."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.errors import ValidationError
from mockserver.webhooks import gourl
from mockserver.webhooks.envelope import go_float
from mockserver.webhooks.gobody import STRING, STRINGS, decode_body
from mockserver.webhooks.goscan import first_value
from mockserver.webhooks.rules import endpoint_error

CONFIG = {"endpoint": STRING, "secret": STRING, "eventTypes": STRINGS}
FAST = settings(derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck))
# Bytes JSON is made of, plus a few that break it.
JSONISH = st.text(alphabet=' \t\r\n{}[]:,"\\/-+.0123456789eEtrufalsnbx\x01é', max_size=40)


def _strict_json(text: str) -> bool:
    def refuse(name: str) -> Any:
        raise ValueError(name)

    try:
        json.loads(text, parse_constant=refuse)
    except (ValueError, RecursionError):
        return False
    return True


@settings(FAST, max_examples=150)
@given(JSONISH)
def test_gos_scanner_accepts_exactly_one_strict_json_value(text: str) -> None:
    data = text.encode()
    scanned = first_value(data)
    single = scanned.error_at is None and not scanned.truncated and not scanned.empty
    single = single and first_value(data, scanned.end).empty
    assert single == _strict_json(text)


@settings(FAST, max_examples=100)
@given(st.binary(max_size=120) | JSONISH.map(str.encode))
def test_body_decoding_refuses_only_with_the_releases_messages(raw: bytes) -> None:
    try:
        decoded = decode_body(raw, CONFIG, "application/json")
    except ValidationError as exc:
        assert exc.message.startswith(("Request body ", "Content-Type header"))
    else:
        assert decoded is not None and set(decoded) == set(CONFIG)


@settings(FAST, max_examples=40)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "endpoint": st.text(max_size=20),
            "secret": st.text(max_size=20) | st.none(),
            "eventTypes": st.lists(st.text(max_size=10), max_size=4) | st.none(),
        },
    )
)
def test_a_well_typed_body_reads_back(body: dict[str, Any]) -> None:
    decoded = decode_body(json.dumps(body).encode(), CONFIG, "application/json")
    assert decoded == {
        "endpoint": body.get("endpoint", ""),
        "secret": body.get("secret") or "",
        "eventTypes": body.get("eventTypes"),
    }


@settings(FAST, max_examples=60)
@given(st.text(max_size=30))
def test_url_parsing_never_fails_otherwise(text: str) -> None:
    try:
        gourl.parse(text).string()
    except gourl.URLError:
        assert endpoint_error(text) is not None


@settings(FAST, max_examples=60)
@given(st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(2**70), 2**70))
def test_go_numbers_round_trip_through_float64(number: float) -> None:
    assert float(go_float(number)) == float(number)
