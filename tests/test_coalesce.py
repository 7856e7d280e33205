"""The server's transport gathers the writes of one loop turn: an answer leaves in one write."""

from __future__ import annotations

import asyncio
from typing import Any

from mockserver.http.coalesce import FLUSH_BYTES, GatheringTransport


class Recording(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = self.aborted = False

    def write(self, data: Any) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed or self.aborted

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.aborted = True

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return ("127.0.0.1", 1) if name == "peername" else default


def gathered(scenario: Any) -> Recording:
    async def run() -> Recording:
        real = Recording()
        await scenario(GatheringTransport(real, asyncio.get_running_loop()), real)
        return real

    return asyncio.run(run())


def test_the_headers_and_body_of_one_answer_leave_in_one_write() -> None:
    async def answer(transport: GatheringTransport, real: Recording) -> None:
        transport.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
        transport.write(b"{}")
        assert real.writes == []  # nothing before the turn ends
        await asyncio.sleep(0)

    assert gathered(answer).writes == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"]


def test_a_large_stream_is_written_as_it_grows_not_piled_up() -> None:
    async def stream(transport: GatheringTransport, real: Recording) -> None:
        for _ in range(3):
            transport.write(b"x" * (FLUSH_BYTES // 2))
        assert [len(w) for w in real.writes] == [FLUSH_BYTES]
        await asyncio.sleep(0)

    assert [len(w) for w in gathered(stream).writes] == [FLUSH_BYTES, FLUSH_BYTES // 2]


def test_close_sends_what_was_gathered_and_abort_drops_it() -> None:
    async def closing(transport: GatheringTransport, real: Recording) -> None:
        transport.write(b"garbage")
        transport.close()
        await asyncio.sleep(0)

    closed = gathered(closing)
    assert closed.writes == [b"garbage"] and closed.closed

    async def aborting(transport: GatheringTransport, real: Recording) -> None:
        transport.write(b"half an answer")
        transport.abort()
        await asyncio.sleep(0)

    aborted = gathered(aborting)
    assert aborted.writes == [] and aborted.aborted


def test_other_calls_reach_the_real_transport() -> None:
    async def ask(transport: GatheringTransport, real: Recording) -> None:
        assert transport.get_extra_info("peername") == ("127.0.0.1", 1)
        assert not transport.is_closing()

    gathered(ask)
