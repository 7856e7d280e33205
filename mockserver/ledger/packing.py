"""A log's payload as it is kept in memory: compressed against a dictionary of the ledger's JSON.

A log keeps the exact bytes of its payload (``internal/log.go``), and a transaction's payload
(the transaction with its four sets of volumes) is most of what a stored transaction weighs:
about 1.2 KB of JSON whose keys and structure repeat from one log to the next. Compressed by
Zstandard with a dictionary made of that structure it keeps under 10% of its size, and
decompressing gives the same bytes back. Deflate with the same preset dictionary kept 14% and
took 8 us a payload, a thirtieth of a whole write; Zstandard takes 3 us.

A packed payload starts with a NUL byte, which no JSON text does; a payload that compressing
would not shrink is kept as it is (unless it starts with NUL itself).
"""

from __future__ import annotations

import threading

import zstandard

# The structure of a transaction's log payload (the presenter's field order), the keys of the
# other payloads, and the usual values: the compressor finds them here instead of spelling them out.
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
# A raw-content dictionary (no trained tables): the frames name no dictionary id and carry no
# checksum, only the content size, so that decompressing knows how much to give back.
_DICTIONARY = zstandard.ZstdCompressionDict(DICTIONARY, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
_MARK = b"\x00"
# A compressor is not safe to share between threads, and mockserver.testing runs mocks in threads.
_local = threading.local()


def _codec() -> tuple[zstandard.ZstdCompressor, zstandard.ZstdDecompressor]:
    found = getattr(_local, "codec", None)
    if found is None:
        compressor = zstandard.ZstdCompressor(
            level=3, dict_data=_DICTIONARY, write_checksum=False, write_content_size=True, write_dict_id=False
        )
        found = _local.codec = (compressor, zstandard.ZstdDecompressor(dict_data=_DICTIONARY))
    return found


def pack(data: bytes) -> bytes:
    """``data`` as kept: compressed behind a NUL when that is shorter, else as it is."""
    packed = _MARK + _codec()[0].compress(data)
    if len(packed) < len(data) or data.startswith(_MARK):
        return packed
    return bytes(memoryview(data))  # a copy of its own size (orjson's buffer is larger)


def unpack(packed: bytes) -> bytes:
    """The payload's bytes, exactly as given to ``pack``."""
    if not packed.startswith(_MARK):
        return packed
    return _codec()[1].decompress(packed[1:])
