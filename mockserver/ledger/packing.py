"""A log's payload as it is kept in memory: deflated against a dictionary of the ledger's JSON.

A log keeps the exact bytes of its payload (``internal/log.go``), and a transaction's payload
(the transaction with its four sets of volumes) is most of what a stored transaction weighs:
about 1.2 KB of JSON whose keys and structure repeat from one log to the next. Deflated with a
preset dictionary made of that structure it keeps about 15% of its size, and inflating gives the
same bytes back. Compression state is primed once and copied per payload (a small window and
memory level keep the copy cheap; the fastest level: about 10 us to pack, 2 us to unpack).

A packed payload starts with a NUL byte, which no JSON text does; a payload that deflating
would not shrink is kept as it is (unless it starts with NUL itself).
"""

from __future__ import annotations

import zlib

# The structure of a transaction's log payload (the presenter's field order), the keys of the
# other payloads, and the usual values: deflate finds them here instead of spelling them out.
DICTIONARY = (
    b'{"targetType":"ACCOUNT","targetId":"","metadata":{},"key":""}'
    b'{"revertedTransaction":{"postings":[],"metadata":{"com.formance.spec/state/reverts":""},'
    b'"revertedAt":"","reverted":true}'
    b'{"transaction":{"postings":[{"source":"world","destination":"users:","amount":100,"asset":"USD/2"},'
    b'{"source":"users:","destination":"merchants:","amount":100,"asset":"USD/2"}],"metadata":{},'
    b'"timestamp":"2026-01-01T00:00:00.000000Z","reference":"","id":1,"insertedAt":"2026-01-01T00:00:00.000000Z",'
    b'"updatedAt":"2026-01-01T00:00:00.000000Z","postCommitVolumes":{"world":{"USD/2":{"input":0,"output":100,'
    b'"balance":-100}},"users:":{"USD/2":{"input":100,"output":100,"balance":0}},"merchants:":{"USD/2":'
    b'{"input":100,"output":0,"balance":100}}},"postCommitEffectiveVolumes":{"world":{"USD/2":{"input":0,'
    b'"output":100,"balance":-100}},"users:":{"USD/2":{"input":100,"output":100,"balance":0}}},"template":"",'
    b'"reverted":false,"preCommitVolumes":{"world":{"USD/2":{"input":0,"output":0,"balance":0}},"users:":'
    b'{"USD/2":{"input":0,"output":0,"balance":0}}},"preCommitEffectiveVolumes":{"world":{"USD/2":{"input":0,'
    b'"output":0,"balance":0}},"users:":{"USD/2":{"input":0,"output":0,"balance":0}}}},"accountMetadata":{}}'
)
_WBITS = -12  # a raw deflate stream, 4 KiB window: the dictionary and a payload fit in it
_MEM_LEVEL = 2
_PRIMED = zlib.compressobj(1, zlib.DEFLATED, _WBITS, _MEM_LEVEL, zlib.Z_DEFAULT_STRATEGY, DICTIONARY)
_MARK = b"\x00"


def pack(data: bytes) -> bytes:
    """``data`` as kept: deflated behind a NUL when that is shorter, else as it is."""
    compressor = _PRIMED.copy()
    packed = _MARK + compressor.compress(data) + compressor.flush()
    if len(packed) < len(data) or data.startswith(_MARK):
        return packed
    return bytes(memoryview(data))  # a copy of its own size (orjson's buffer is larger)


def unpack(packed: bytes) -> bytes:
    """The payload's bytes, exactly as given to ``pack``."""
    if not packed.startswith(_MARK):
        return packed
    inflater = zlib.decompressobj(_WBITS, zdict=DICTIONARY)
    return inflater.decompress(packed[1:]) + inflater.flush()
