"""Keep credentials out of the access log and the request journal.

Credentials do not belong in a query string, but clients put them there anyway
(``?access_token=``, ``?client_secret=``), and a log is copied around far more freely
than a request. Values of parameters whose names say "secret" are replaced before a
line is written; headers are never logged.
"""

from __future__ import annotations

import re

import orjson

SENSITIVE = re.compile(
    r"(?i)([?&](?:[^=&]*(?:token|secret|password|passwd|api[_-]?key|assertion|authorization|code)[^=&]*)=)[^&\s]*"
)
REDACTED = "***"


def redact(text: str) -> str:
    """``text`` (a path with its query, or ``?`` and a query) with every sensitive value replaced."""
    return SENSITIVE.sub(r"\g<1>" + REDACTED, text)


SENSITIVE_KEY = re.compile(r"(?i)token|secret|password|passwd|api[_-]?key|assertion|authorization")
# The same words in the raw bytes: a body that never spells one has no key to mask. A backslash
# (a JSON escape) or a non-ASCII byte (Unicode case folding: the Kelvin sign is a "k") sends the
# body through ``_masked`` too.
_SENSITIVE_BYTES = re.compile(rb"(?i)token|secret|password|passwd|api[_-]?key|assertion|authorization|[\\\x80-\xff]")
MAX_JOURNALLED_BODY = 8 * 1024


def journal_body(raw: bytes) -> object:
    """A request body as the journal keeps it: the JSON value with secret-named keys masked, or a
    note of its size when it is larger than ``MAX_JOURNALLED_BODY`` (the journal stays small)."""
    if len(raw) > MAX_JOURNALLED_BODY:
        return {"truncated": True, "bytes": len(raw)}
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return {"truncated": True, "bytes": len(raw)}
    return _masked(value) if _SENSITIVE_BYTES.search(raw) else value


def _masked(value: object) -> object:
    if isinstance(value, dict):
        return {k: REDACTED if SENSITIVE_KEY.search(k) else _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value
