"""Keep credentials out of the access log.

uvicorn logs each request's path *with* its query string. Credentials do not belong in
a query, but clients put them there anyway (``?access_token=``, ``?client_secret=``),
and a log is copied around far more freely than a request. Values of parameters whose
names say "secret" are replaced before the line is written; headers are never logged.
"""

from __future__ import annotations

import logging
import re

SENSITIVE = re.compile(
    r"(?i)([?&](?:[^=&]*(?:token|secret|password|passwd|api[_-]?key|assertion|authorization|code)[^=&]*)=)[^&\s]*"
)
REDACTED = "***"


def redact(text: str) -> str:
    """``text`` with the value of every sensitive query parameter replaced."""
    return SENSITIVE.sub(r"\g<1>" + REDACTED, text)


class RedactingFilter(logging.Filter):
    """Rewrites the arguments of a log record (uvicorn passes the path as one of them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def redact_access_log() -> None:
    """Install the filter on uvicorn's access logger (idempotent)."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())
