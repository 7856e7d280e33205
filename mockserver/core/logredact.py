"""Keep credentials out of the access log and the request journal.

Credentials do not belong in a query string, but clients put them there anyway
(``?access_token=``, ``?client_secret=``), and a log is copied around far more freely
than a request. Values of parameters whose names say "secret" are replaced before a
line is written, and so are the values of such keys in a JSON body the journal shows;
headers are never logged.
"""

from __future__ import annotations

import re

_WORDS = r"token|secret|password|passwd|api[_-]?key|assertion|authorization"
# A query parameter also hides an OAuth ``code``; a body key of that name is usually something else.
SENSITIVE = re.compile(rf"(?i)([?&](?:[^=&]*(?:{_WORDS}|code)[^=&]*)=)[^&\s]*")
SENSITIVE_KEY = re.compile(rf"(?i){_WORDS}")
REDACTED = "***"


def redact(text: str) -> str:
    """``text`` (a path with its query, or ``?`` and a query) with every sensitive value replaced."""
    return SENSITIVE.sub(r"\g<1>" + REDACTED, text)


def redact_query(raw: bytes) -> str:
    """A request's raw query string (ASGI's ``query_string``) as a log shows it."""
    return redact("?" + raw.decode("latin-1"))[1:] if raw else ""


def masked(value: object) -> object:
    """A JSON value with the value of every secret-named key replaced, at any depth."""
    if isinstance(value, dict):
        return {k: REDACTED if SENSITIVE_KEY.search(k) else masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v) for v in value]
    return value
