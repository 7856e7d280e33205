"""Keep credentials out of the access log and the request journal.

Credentials do not belong in a query string, but clients put them there anyway
(``?access_token=``, ``?client_secret=``), and a log is copied around far more freely
than a request. Values of parameters whose names say "secret" are replaced before a
line is written; headers are never logged.
"""

from __future__ import annotations

import re

SENSITIVE = re.compile(
    r"(?i)([?&](?:[^=&]*(?:token|secret|password|passwd|api[_-]?key|assertion|authorization|code)[^=&]*)=)[^&\s]*"
)
REDACTED = "***"


def redact(text: str) -> str:
    """``text`` (a path with its query, or ``?`` and a query) with every sensitive value replaced."""
    return SENSITIVE.sub(r"\g<1>" + REDACTED, text)
