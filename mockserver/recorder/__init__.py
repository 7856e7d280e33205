"""The recorder: reads a live service into a fixture document. Imports core only (and httpx).

``orchestration-mock record`` is a client of the API, not a part of the mock: it knows the
service only through HTTP and the spec, so it records any implementation, this mock included.

    config.py   RecordConfig: what to read, from where, with which credentials
    errors.py   RecordError and why a recording could not be made
    upstream.py the HTTP side: tokens, GETs, v2 cursor walks, answers checked against the spec
    state.py    API views -> fixture entries (the document ``--fixtures`` loads)
    core.py     record(): read everything, then write the document once, atomically
"""

from mockserver.recorder.config import RecordConfig
from mockserver.recorder.core import record, write_document
from mockserver.recorder.errors import AuthFailed, NonConforming, RecordError, Unreachable

__all__ = ["AuthFailed", "NonConforming", "RecordConfig", "RecordError", "Unreachable", "record", "write_document"]
