"""Why a recording could not be made. Each is one line for stderr; the CLI exits 2 on any.

RecordError
 +-- AuthFailed      the token endpoint or the API refused the credentials (401 / 403)
 +-- Unreachable     no answer: connection refused, DNS, TLS, timeout
 +-- NonConforming   an answer the spec does not allow: not JSON, wrong shape, other status
"""

from __future__ import annotations


class RecordError(Exception):
    """A recording that could not be made; ``str()`` is the one line to show."""


class AuthFailed(RecordError):
    pass


class Unreachable(RecordError):
    pass


class NonConforming(RecordError):
    pass
