"""Hostile input against every ledger operation, in spec mode and with `--quirks real`: never a 5xx (in real
mode, a 500 only where the spec says v2.4.6 answers one), never a hang, spec-mode errors in the Error shape."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.robustness import servers
from tests.robustness.ledger_fuzzing import LedgerFuzzer
from tests.robustness.ledger_operations import LEDGER, REAL_500
from tests.robustness.operations import Operation

EXAMPLES = 12


@pytest.fixture(scope="module", params=["spec", "real"])
def ledger_fuzzer(request: pytest.FixtureRequest) -> Iterator[LedgerFuzzer]:
    real = request.param == "real"
    args = ("--clock", "manual", "--seed", "1", *(("--quirks", "real") if real else ()))
    with servers.serving(*args) as mock:
        fuzzer = LedgerFuzzer(mock.url, real=real)
        yield fuzzer
        fuzzer.close()


def test_every_ledger_operation_is_a_target() -> None:
    assert len(LEDGER) == 45 and {op.api for op in LEDGER} == {"ledger"}
    assert len({op.name for op in LEDGER}) == 45


def test_real_mode_may_answer_500_only_where_the_spec_says_the_release_does() -> None:
    assert {"v2CreateTransaction", "v2RevertTransaction", "v2ImportLogs", "v2ListLogs"} <= REAL_500
    assert not {"v2GetTransaction", "v2ReadStats", "v2CreateLedger", "v2GetLedger"} & REAL_500


@pytest.mark.parametrize("op", LEDGER, ids=lambda op: op.name)
def test_hostile_requests_never_get_a_server_error(ledger_fuzzer: LedgerFuzzer, op: Operation) -> None:
    ledger_fuzzer.run(op, examples=EXAMPLES)
    assert [f for f in ledger_fuzzer.report.failures if f.startswith(f"{op.name}: ")] == []
