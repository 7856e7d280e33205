"""Reproducers of 5xx the fuzzer found in the mock, kept so they stay fixed.

Each entry is the request that failed, and the reads that it used to break for everyone
afterwards (a stored value that could not be serialised made every later list a 500).
"""

from __future__ import annotations

from dataclasses import dataclass

DEEP = b'{"a":' * 300 + b"1" + b"}" * 300


@dataclass(frozen=True, slots=True)
class Reproducer:
    name: str
    method: str
    path: str  # {api} is the gateway prefix
    body: bytes
    content_type: str = "application/json"
    then: tuple[str, ...] = ()  # reads that must still answer below 500 afterwards
    fixed_by: str = ""


CORPUS = (
    Reproducer(
        "upper-case JSON media type reached the handler as bytes",
        "POST",
        "/_mock/clock/advance",
        b'{"seconds": 1}',
        content_type="APPLICATION/JSON",
        fixed_by="gateway: media types are matched case-insensitively and passed on in lower case",
    ),
    Reproducer(
        "upper-case JSON media type on an API operation",
        "POST",
        "{api}/triggers",
        b'{"event": "E", "workflowID": "x"}',
        content_type="Application/Json; charset=utf-8",
        fixed_by="gateway",
    ),
    Reproducer(
        "a stage nested 300 levels deep was stored, then every workflow list failed",
        "POST",
        "{api}/workflows",
        b'{"stages": [{"noop": ' + DEEP + b"}]}",
        then=("{api}/workflows",),
        fixed_by="gateway + limits: bodies nested deeper than 128 levels are refused with 400",
    ),
    Reproducer(
        "a bus event payload nested 300 levels deep (kept by occurrences and events)",
        "POST",
        "/_mock/events",
        b'{"type": "SAVED_PAYMENT", "payload": {"id": "deep", "status": "SUCCEEDED", "type": "PAY-IN", "x": '
        + DEEP
        + b"}}",
        then=("/_mock/events",),
        fixed_by="gateway + limits",
    ),
    Reproducer(
        "a YAML fixture nested 300 levels deep",
        "POST",
        "/_mock/fixtures",
        b"ledgers:\n  default:\n    accounts:\n      users:deep:\n        metadata: " + b"[" * 300 + b"]" * 300 + b"\n",
        content_type="application/yaml",
        then=("/_mock/ledgers/default/accounts/users:deep",),
        fixed_by="yamlsafe + limits",
    ),
    Reproducer(
        "an amount beyond 64 bits was booked, then the account and its ledger could not be read",
        "POST",
        "/_mock/ledgers/default/accounts/users:rich/fund",
        b'{"asset": "USD/2", "amount": 99999999999999999999999999999}',
        then=("/_mock/ledgers/default/accounts/users:rich", "/_mock/ledgers/default/transactions"),
        fixed_by="app: responses orjson cannot write (integers past 64 bits) fall back to the standard library",
    ),
    Reproducer(
        "a number of 5,000 digits (Python's int parser refuses more than 4,300)",
        "POST",
        "{api}/workflows",
        b'{"stages": [], "name": ' + b"9" * 5000 + b"}",
        fixed_by="http_errors: that ValueError is the client's fault, 400",
    ),
)
