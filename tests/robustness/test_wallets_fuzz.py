"""Hostile input against every wallets operation, in spec mode and with ``--quirks real``: never a 5xx (in real
mode a 500 only where the spec says v2.1.5 answers one), never a hang, errors in the Error shape or bodiless 404s."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.robustness import servers
from tests.robustness.wallets_fuzzing import WalletOperation, WalletsFuzzer, operations

EXAMPLES = 12


@pytest.fixture(scope="module", params=["spec", "real"])
def wallets_fuzzer(request: pytest.FixtureRequest) -> Iterator[WalletsFuzzer]:
    real = request.param == "real"
    args = ("--clock", "manual", "--seed", "1", *(("--quirks", "real") if real else ()))
    with servers.serving(*args) as mock:
        fuzzer = WalletsFuzzer(mock.url, real=real)
        yield fuzzer
        fuzzer.close()


def test_every_wallets_operation_is_a_target() -> None:
    assert len(operations()) == 16 and len({op.name for op in operations()}) == 16
    real_500 = {op.name for op in operations() if op.real_500}
    assert {"getWallet", "debitWallet", "creditWallet", "voidHold", "listWallets"} <= real_500
    assert not {"getServerInfo", "createWallet", "getWalletSummary", "createBalance"} & real_500


@pytest.mark.parametrize("op", operations(), ids=lambda op: op.name)
def test_hostile_requests_never_get_a_server_error(wallets_fuzzer: WalletsFuzzer, op: WalletOperation) -> None:
    wallets_fuzzer.run(op, examples=EXAMPLES)
    assert [f for f in wallets_fuzzer.report.failures if f.startswith(f"{op.name}: ")] == []
