"""Sending generated cases without waiting for each answer before drawing the next one.

The conformance phase spends as long drawing a case (Hypothesis, Schemathesis) as the server takes to answer it,
and each answer used to be awaited before the next case was drawn: on a network that adds 20 ms to every answer,
the phase took three times as long. `Pipeline` sends the cases from a thread of its own while the next ones are
drawn, and checks each answer on the caller's thread, in the order the cases were drawn.

For an operation that writes, what the server sees does not change: the same requests, in the order drawn, one at a
time (each sent once the answer to the one before has come). The cases of an operation that only reads (GET,
HEAD) go out several at once (`CONCURRENT_READS`): no request of the suite changes anything meanwhile, so their
order cannot matter.

A case the transport would refuse (a header outside Latin-1, say) must be known while the test that drew it runs,
so that Hypothesis draws another in its place (`reject()`): each case first goes through a dry run
(`Client.sendable`). A case that is not certainly sendable waits for the pipeline to empty, then is sent as it
always was, where it meets its error.
"""

from __future__ import annotations

import contextvars
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor

import requests
from schemathesis.core.errors import SerializationError
from schemathesis.generation.case import Case

from contract_tests.phases.checking import CheckedApi
from contract_tests.transport.client import CONCURRENT_READS, Exchange

__all__ = ["UNSENDABLE", "Pipeline"]

# What the transport refuses to send: no client could send such a case (e.g. a header value outside Latin-1).
UNSENDABLE = (SerializationError, requests.exceptions.InvalidHeader, requests.exceptions.InvalidURL, UnicodeError)

# Cases drawn ahead of the answers checked: a couple keep the drawing busy while an answer is awaited.
AHEAD = 2


class Pipeline:
    """Sends cases from worker threads (one, in order, unless `reads_only`); checks the answers in order."""

    def __init__(self, api: CheckedApi, *, reads_only: bool = False) -> None:
        self.api = api
        workers = CONCURRENT_READS if reads_only else 1
        self._ahead = max(AHEAD, workers)
        self._workers = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="contract-pipeline")
        self._pending: deque[Future[Exchange]] = deque()

    def send(self, case: Case) -> None:
        """`CheckedApi.send`, its answer checked later (at the latest by `drain`); raises what the sends before
        it met (a lost server), and at once what the transport refuses of this case."""
        self._settle(wait=False)
        if self.api.prepare is not None:
            self.api.prepare(case)
        # An API whose sending is its own (`CheckedApi.pipelines`: the differential run's pair) sends each case
        # as drawn, once those before it are checked; so does a case the transport might refuse.
        if not self.api.pipelines or not self.api.client.sendable(case):
            self.drain()
            self.api.send(case, aimed=True)  # raises what the transport refuses, for the caller to reject
            return
        if case.method.upper() not in ("GET", "HEAD", "OPTIONS"):
            self.api.writes += 1
        # The worker runs in a copy of the caller's context (the phase the requests are counted under).
        context = contextvars.copy_context()
        self._pending.append(self._workers.submit(context.run, self.api.client.send, case))
        while len(self._pending) > self._ahead:
            self._settle_first()

    def drain(self) -> None:
        """Wait for every case sent and check its answer."""
        self._settle(wait=True)

    def close(self) -> None:
        for future in self._pending:
            future.cancel()
        self._workers.shutdown(wait=True)

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _settle(self, *, wait: bool) -> None:
        while self._pending and (wait or self._pending[0].done()):
            self._settle_first()

    def _settle_first(self) -> None:
        future = self._pending.popleft()
        try:
            exchange = future.result()
        except UNSENDABLE as exc:  # the dry run is meant to make this impossible: say so if it happens
            self.api.results.error(f"a case its dry run found sendable was refused: {exc!r}")
            return
        except Exception:
            for later in self._pending:  # as a plain loop would stop at the error: what has not gone stays
                later.cancel()
            self._pending.clear()
            raise
        self.api.check_response(exchange)
