"""A log keeps its payload compressed (packing.py) and gives back exactly the bytes it was given."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.ledger import packing
from mockserver.ledger.model import Log


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.binary(max_size=3000) | st.text(max_size=500).map(str.encode))
def test_any_payload_comes_back_as_given(data: bytes) -> None:
    packed = packing.pack(data)
    assert packing.unpack(packed) == data
    assert len(packed) <= len(data) + 1 + 8 or data.startswith(b"\x00")


def test_a_transactions_payload_keeps_a_fraction_of_its_size() -> None:
    payload = packing.DICTIONARY[packing.DICTIONARY.index(b'{"transaction"') :].replace(b"users:", b"users:42")
    packed = packing.pack(payload)
    assert packing.unpack(packed) == payload and len(packed) < len(payload) / 4


def test_small_payloads_and_nul_are_kept_apart() -> None:
    for data in (b"", b"{}", b"null", b"\x00", b"\x00{}"):
        assert packing.unpack(packing.pack(data)) == data
    assert packing.pack(b"{}") == b"{}"  # deflating would not shrink it


def test_a_log_reads_its_data_back() -> None:
    log = Log(1, "NEW_TRANSACTION", b'{"transaction":{}}', datetime(2026, 1, 1, tzinfo=UTC), "", "", None)
    assert log.data == b'{"transaction":{}}'


def test_threads_pack_and_unpack_at_once() -> None:
    """mockserver.testing runs mocks in threads: each needs a compressor of its own (a shared one raises
    ZstdError in some thread: each thread's outcome is collected, errors included)."""
    from concurrent.futures import ThreadPoolExecutor

    payloads = [b'{"transaction":{"id":%d,"metadata":{"k":"%s"}}}' % (n, b"v" * (n % 50)) for n in range(2000)]

    def work() -> list[int]:
        return [n for n, data in enumerate(payloads) if packing.unpack(packing.pack(data)) != data]

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = [pool.submit(work) for _ in range(4)]
    assert [future.result() for future in outcomes] == [[]] * 4  # result() re-raises a thread's error
