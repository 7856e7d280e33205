"""Which Numscript engine runs a transaction's script, through the official Python SDK: the server's
default (`--numscript-engine`, `machine` unless told) and a request's `runtime`, which wins.

The two engines differ visibly on a source that has nothing to give: the machine writes a zero
posting for it, the interpreter leaves it out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from formance_sdk_python import SDK

from tests.ledger_sdk import LEDGER, book, ledger_sdk, moves
from tests.support import LEDGERS, RunningMock, running_mock

TOP_UP = """send [EUR/2 100] (
  source = {
    @users:dave
    @world
  }
  destination = @users:bob
)
"""
MACHINE = [("users:dave", "users:bob", 0, "EUR/2"), ("world", "users:bob", 100, "EUR/2")]
INTERPRETER = [("world", "users:bob", 100, "EUR/2")]


def run(sdk: SDK, **runtime: Any) -> list[tuple[str, str, int, str]]:
    body = {"script": {"plain": TOP_UP, "vars": {}}, "metadata": {}, **runtime}
    reply = sdk.ledger.v2.create_transaction(request={"ledger": LEDGER, "v2_post_transaction": body})
    return moves(reply.v2_create_transaction_response.data)


@pytest.fixture(scope="module")
def interpreter_mock() -> Iterator[RunningMock]:
    args = ("--numscript-engine", "interpreter", "--clock", "manual", "--fixtures", str(LEDGERS))
    with running_mock(*args) as server:
        yield server


def test_machine_by_default_and_a_request_picks_the_interpreter(mock_server: RunningMock) -> None:
    with ledger_sdk(mock_server, "sdk-ledger") as sdk:
        assert run(sdk) == MACHINE
        assert run(sdk, runtime="experimental-interpreter") == INTERPRETER
        assert run(sdk, runtime="machine") == MACHINE
        assert book(sdk, ("users:bob", "users:dave", 1, "EUR/2")).id == 4  # every run booked


def test_numscript_engine_interpreter_and_a_request_picks_the_machine(interpreter_mock: RunningMock) -> None:
    with ledger_sdk(interpreter_mock, "sdk-ledger-interpreter") as sdk:
        assert run(sdk) == INTERPRETER
        assert run(sdk, runtime="machine") == MACHINE
        assert run(sdk, runtime="experimental-interpreter") == INTERPRETER
