"""Hypothesis strategies for hostile requests, aimed at one operation at a time.

A request is built in layers, each drawn independently so that Hypothesis can shrink
any of them: the method (the operation's own or one the path does not allow), the path
parameters (real ids or traversal, NUL, overlong, undecodable), the query (repeated,
unknown, garbage), the headers (Content-Type missing, wrong, doubled; chunked framing),
and the body: a valid body for the operation, then damaged structurally (wrong types,
unknown or missing fields) and at the byte level (truncated, invalid UTF-8, NUL,
duplicate keys, numbers past 2^63, 1,000 levels of nesting, huge strings and arrays).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from hypothesis import strategies as st

from tests.robustness.ledger_operations import example_bodies
from tests.robustness.operations import API, Operation
from tests.robustness.rawhttp import chunked, encode_request

OTHER_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE")
BEYOND_INT64 = (
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "1" + "0" * 400,
    "9" * 5_000,  # past Python's 4,300-digit guard
    "1e400",
    "-1e-400",
    "NaN",  # not JSON, but Python's parser takes it
    "-Infinity",
)
HOSTILE_SEGMENTS = (
    "..",
    "../..",
    "..%2F..%2Fetc%2Fpasswd",
    "%2e%2e%2f%2e%2e",
    "%00",
    "a%00b",
    "%ff%fe",
    "%ED%A0%80",  # an encoded lone surrogate: not UTF-8 once decoded
    "%C3%A9t%C3%A9",
    "%F0%9F%92%A9",
    "%",
    "%zz",
    "%2F",
    "%20",
    "-1",
    "99999999999999999999999",
    "1e3",
    "0x10",
    "%2B1",
    "null",
    "%27%3B%20DROP%20TABLE%20workflows%3B--",
    "x" * 10_000,
    "0" * 4_000,
)
CONTENT_TYPES = (
    None,
    "application/json",
    "application/json; charset=utf-8",
    "APPLICATION/JSON",
    "application/json;;;",
    "application/json; charset=utf-16",
    "text/plain",
    "text/vnd.yaml",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=zzz",
    "application/xml",
    "",
    "*/*",
)
EXTRA_HEADERS = (
    ("Content-Encoding", "gzip"),
    ("Accept", "application/xml"),
    ("Accept-Charset", "utf-16"),
    ("X-Forwarded-For", "10.0.0.1, ::1"),
    ("X-Custom", "é" * 200),
    ("X-Long", "v" * 8_000),
    ("Expect", "100-continue"),
)


@dataclass(frozen=True, slots=True)
class Targets:
    """Real resource ids, so hostile requests also reach the handlers behind the lookups."""

    workflow: str
    instance: str
    trigger: str
    ledger: str = "default"
    address: str = "users:alice"
    transaction: str = "1"

    def valid(self, param: str) -> str:
        return {
            "flowId": self.workflow,
            "workflowID": self.workflow,
            "instanceID": self.instance,
            "triggerID": self.trigger,
            "number": "0",
            "ledger": self.ledger,
            "address": self.address,
            "id": "fault-1",
            # The ledger's (see ledger_operations.py): a booked transaction, a metadata key it has, a schema
            # version and a query template no one inserted, ids of nothing, and a bucket no ledger lives in.
            "txid": self.transaction,
            "key": "order",
            "version": "v1.0.0",
            "template": "USER_TRANSACTIONS",
            "exporterID": "5b2f1c84-3d7e-4a9b-8f60-2c1d0e9a7b35",
            "pipelineID": "0e7d1a6c-94b2-4f3e-a5d8-7c61b2e0f4a9",
            "bucket": "fuzz-scratch",
        }[param]


@dataclass(frozen=True, slots=True)
class HostileRequest:
    op: str
    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    chunks: int = 0  # > 0: sent with Transfer-Encoding: chunked, in this many chunks

    def raw(self, host: str) -> bytes:
        if not self.chunks or self.body is None:
            return encode_request(self.method, self.target, host=host, headers=self.headers, body=self.body)
        size = max(1, len(self.body) // self.chunks)
        parts = [self.body[i : i + size] for i in range(0, len(self.body), size)]
        headers = (*self.headers, ("Transfer-Encoding", "chunked"))
        head = encode_request(self.method, self.target, host=host, headers=headers, body=None)
        return head + chunked(parts)

    def describe(self, limit: int = 300) -> str:
        body = repr(self.body[:limit]) + ("..." if self.body and len(self.body) > limit else "")
        framing = f" chunked x{self.chunks}" if self.chunks else ""
        return f"{self.method} {self.target[:limit]} headers={list(self.headers)!r:.{limit}}{framing} body={body}"


# --- JSON values -----------------------------------------------------------------------
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
names = st.sampled_from(["", "a", "go", "reviewed", "\x00", "é", "名前", " ", "x" * 300])
expressions = st.sampled_from(
    ['event.status == "SUCCEEDED"', "event.amount > 10", "(((", "link(event, 'x')", "1 +", '"\\x00"', "a" * 500]
)
stage_bodies = st.sampled_from(
    [
        {"noop": {}},
        {"wait_event": {"event": "go"}},
        {"delay": {"duration": "1s"}},
        {"delay": {"until": "2030-01-01T00:00:00Z"}},
        {
            "send": {
                "source": {"account": {"id": "world", "ledger": "default"}},
                "destination": {"account": {"id": "users:x", "ledger": "default"}},
                "amount": {"amount": 100, "asset": "USD/2"},
            }
        },
        {"update": {"account": {"id": "users:x", "ledger": "default", "metadata": {"k": "v"}}}},
        {"teleport": {}},
    ]
)


def valid_bodies(kind: str, targets: Targets) -> st.SearchStrategy[Any]:
    """A body the operation accepts, or nearly: the starting point of every mutation."""
    if kind.startswith("ledger:"):  # the ledger spec's own examples for the operation
        return st.sampled_from(example_bodies(kind.removeprefix("ledger:")))
    if kind == "workflow":
        return st.fixed_dictionaries({"stages": st.lists(stage_bodies, max_size=3)}, optional={"name": names})
    if kind == "variables":
        return st.dictionaries(names, names, max_size=3)
    if kind == "event":
        return st.fixed_dictionaries({"name": names})
    if kind == "trigger":
        return st.fixed_dictionaries(
            {
                "event": st.sampled_from(["SAVED_PAYMENT", "COMMITTED_TRANSACTIONS", ""]),
                "workflowID": st.just(targets.workflow),
            },
            optional={"name": names, "filter": expressions, "vars": st.dictionaries(names, expressions, max_size=2)},
        )
    if kind == "bus_event":
        return st.fixed_dictionaries(
            {"type": st.sampled_from(["SAVED_PAYMENT", "COMMITTED_TRANSACTIONS", "x"]), "payload": json_values},
            optional={"app": names, "date": st.sampled_from(["2024-01-01T00:00:00Z", "yesterday", "9999-99-99"])},
        )
    if kind == "advance":
        return st.fixed_dictionaries({"seconds": st.one_of(st.integers(-10, 10**12), st.floats(allow_nan=False))})
    if kind == "fixture":
        return st.fixed_dictionaries(
            {},
            optional={
                "workflows": st.lists(
                    st.fixed_dictionaries({"stages": st.lists(stage_bodies, max_size=2)}), max_size=2
                ),
                "ledgers": st.just({"default": {"accounts": {"users:z": {"balances": {"USD/2": 5}}}}}),
                "instances": st.just([{"workflow": targets.workflow}]),
            },
        )
    if kind == "fund":
        return st.fixed_dictionaries(
            {"asset": st.sampled_from(["USD/2", "usd", "", "EUR/99"]), "amount": st.integers()}
        )
    if kind == "payload":
        return json_values
    if kind == "fault_rule":
        # Rules that answer 4xx or delay a little: a 5xx or a drop asked for by a rule is no bug,
        # but would hide the ones this fuzzer looks for.
        return st.fixed_dictionaries(
            {"status": st.integers(400, 499)},
            optional={
                "operationId": names,
                "method": st.sampled_from(["GET", "POST", "get", "TRACE"]),
                "path": st.sampled_from(["/workflows", "(", "^/_info$", ""]),
                "delayMs": st.integers(0, 5),
                "times": st.integers(-1, 3),
                "probability": st.floats(0, 1.5, allow_nan=False),
            },
        )
    if kind == "token_form":
        return st.fixed_dictionaries(
            {"grant_type": st.sampled_from(["client_credentials", "password", ""])},
            optional={
                "client_id": names,
                "client_secret": names,
                "scope": st.sampled_from(["orchestration:read", "x"]),
            },
        )
    raise ValueError(f"unknown body kind {kind!r}")


@st.composite
def damaged(draw: st.DrawFn, value: Any) -> Any:
    """Structural damage: a field of the wrong type, an unknown field, a missing one, another shape."""
    how = draw(st.sampled_from(["keep", "retype", "unknown", "drop", "reshape", "wrap"]))
    if how == "reshape" or not isinstance(value, dict):
        return draw(json_values) if how != "keep" else value
    out = dict(value)
    if how == "retype" and out:
        out[draw(st.sampled_from(sorted(out)))] = draw(json_values)
    elif how == "unknown":
        out[draw(st.text(min_size=1, max_size=12))] = draw(json_values)
    elif how == "drop" and out:
        out.pop(draw(st.sampled_from(sorted(out))))
    elif how == "wrap":
        return [out]
    return out


_NUMBER = re.compile(rb":\s*-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


def _nest(depth: int, inner: bytes = b"1") -> bytes:
    return b'{"a":' * depth + inner + b"}" * depth


@st.composite
def serialized(draw: st.DrawFn, value: Any, *, form: bool = False) -> bytes:
    """Bytes on the wire: the value's JSON (or form), then damaged at the byte level or replaced."""
    text = urlencode(value).encode() if form and isinstance(value, dict) else json.dumps(value).encode()
    how = draw(
        st.sampled_from(
            [
                "plain",
                "plain",
                "truncate",
                "insert",
                "duplicate_key",
                "int64",
                "deep_object",
                "deep_array",
                "deep_inside",
                "huge_string",
                "huge_array",
                "garbage",
                "empty",
                "bom",
                "utf16",
                "nul",
            ]
        )
    )
    if how == "plain":
        return text
    if how == "truncate":
        return text[: draw(st.integers(0, max(0, len(text) - 1)))]
    if how == "insert":
        at = draw(st.integers(0, len(text)))
        junk = draw(st.sampled_from([b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\x00", b"\\", b'"', b"\\u0000", b"}"]))
        return text[:at] + junk + text[at:]
    if how == "duplicate_key" and text.startswith(b"{") and len(text) > 2:
        return b'{"' + b"name" + b'": 1, "name": [], ' + text[1:]
    if how == "int64":
        number = draw(st.sampled_from(BEYOND_INT64)).encode()
        if _NUMBER.search(text):
            return _NUMBER.sub(b": " + number, text, count=1)
        return b'{"amount": ' + number + b', "seconds": ' + number + b"}"
    if how == "deep_object":
        return _nest(draw(st.sampled_from([1_000, 5_000])))
    if how == "deep_inside":  # valid JSON, nested deep where a value is kept (a stage, a payload)
        depth = draw(st.sampled_from([127, 200, 300, 1_000]))
        return text.replace(b"{}", _nest(depth), 1) if b"{}" in text else _nest(depth)
    if how == "deep_array":
        depth = draw(st.sampled_from([1_000, 5_000]))
        return b"[" * depth + b"]" * depth
    if how == "huge_string":
        size = draw(st.sampled_from([70_000, 300_000, 1_000_000]))
        return b'{"name": "' + b"x" * size + b'", "stages": [], "type": "' + b"y" * 10 + b'"}'
    if how == "huge_array":
        count = draw(st.sampled_from([10_000, 30_000]))
        return b'{"stages": [' + b",".join([b'{"noop": {}}'] * count) + b'], "payload": {}}'
    if how == "garbage":
        return draw(st.binary(max_size=64))
    if how == "empty":
        return draw(st.sampled_from([b"", b" ", b"\r\n", b"null", b"[]", b"0"]))
    if how == "bom":
        return b"\xef\xbb\xbf" + text
    if how == "utf16":
        return text.decode().encode("utf-16")
    if how == "nul":
        return text.replace(b'"', b'"\x00', 1)
    return text


# --- request parts ---------------------------------------------------------------------
def path_values(param: str, targets: Targets) -> st.SearchStrategy[str]:
    return st.one_of(
        st.just(targets.valid(param)),
        st.sampled_from(HOSTILE_SEGMENTS),
        st.text(st.characters(codec="utf-8"), max_size=12).map(lambda s: quote(s, safe="")),
    )


def query_strings(op: Operation, targets: Targets) -> st.SearchStrategy[str]:
    known = st.sampled_from(op.query or ("wait",))
    values = st.sampled_from(
        ["true", "false", "maybe", "", "1", "-1", "%00", "%ff", "9" * 5000, targets.workflow, "x" * 5000]
    )
    pair = st.tuples(st.one_of(known, st.sampled_from(["unknown", "%zz", "a[]", ""])), values)
    built = st.lists(pair, max_size=4).map(lambda pairs: "&".join(f"{k}={v}" for k, v in pairs))
    return st.one_of(st.just(""), built, st.sampled_from(["&&&", "=", "wait", "%", "a=%zz&a=%ff"]))


@st.composite
def header_sets(draw: st.DrawFn, op: Operation, tokens: dict[str, str]) -> tuple[tuple[str, str], ...]:
    headers: list[tuple[str, str]] = []
    if op.api in ("orchestration", "ledger"):
        who = draw(st.sampled_from(["write", "write", "write", "write", "read", "none"]))
        if who != "none":
            headers.append(("Authorization", f"Bearer {tokens[who]}"))
    ctype = draw(st.sampled_from(CONTENT_TYPES))
    if ctype is not None:
        headers.append(("Content-Type", ctype))
        if draw(st.integers(0, 9)) == 0:
            headers.append(("Content-Type", "text/plain"))  # a second, contradicting one
    if draw(st.integers(0, 4)) == 0:
        headers.append(draw(st.sampled_from(EXTRA_HEADERS)))
    return tuple(headers)


@st.composite
def hostile_requests(draw: st.DrawFn, op: Operation, targets: Targets, tokens: dict[str, str]) -> HostileRequest:
    """One hostile request aimed at ``op``; see the module docstring for the layers."""
    method = op.method if draw(st.integers(0, 5)) else draw(st.sampled_from(OTHER_METHODS))
    path = op.path
    for param in op.params:
        path = path.replace("{" + param + "}", draw(path_values(param, targets)))
    if op.api == "orchestration" and draw(st.booleans()):
        path = API + path
    query = draw(query_strings(op, targets))
    target = path + ("?" + query if query else "")
    headers = draw(header_sets(op, tokens))
    body: bytes | None = None
    if op.body is not None or draw(st.integers(0, 4)) == 0:  # sometimes a body where none belongs
        value = draw(damaged(draw(valid_bodies(op.body or "variables", targets))))
        body = draw(serialized(value, form=op.body == "token_form"))
    chunks = draw(st.sampled_from([0, 0, 0, 1, 3])) if body else 0
    return HostileRequest(op.name, method, target, headers, body, chunks)
