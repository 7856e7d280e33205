"""What the suite sends at once: independent reads go out together and are judged in order."""

from __future__ import annotations

import time

import pytest

from contract_tests.transport.client import CONCURRENT_READS, concurrently


def test_concurrent_calls_overlap_and_keep_their_order() -> None:
    def slow(n: int) -> int:
        time.sleep(0.2)
        return n

    began = time.monotonic()
    assert concurrently(*(lambda n=n: slow(n) for n in range(CONCURRENT_READS))) == list(range(CONCURRENT_READS))
    assert time.monotonic() - began < 0.2 * CONCURRENT_READS / 2


def test_the_first_error_is_raised_once_every_call_has_ended() -> None:
    ended: list[int] = []

    def call(n: int) -> int:
        time.sleep(0.05 * n)
        ended.append(n)
        if n in (1, 2):
            raise ValueError(n)
        return n

    with pytest.raises(ValueError, match="1"):
        concurrently(*(lambda n=n: call(n) for n in range(4)))
    assert sorted(ended) == [0, 1, 2, 3]
