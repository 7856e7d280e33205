"""The wallets service's interface: one method per operation, JSON in, JSON out.

The HTTP handlers call it, and so does the orchestration engine's wallet activities (as the real
activities call the wallets API through the SDK). It is a client of the ledger service, as the
real service is a client of the ledger's API: it keeps nothing of its own but its ledger's name
and its chart (``--ledger``, default ``wallets-002``; ``--account-prefix``), and reads every
wallet, balance and hold back from that ledger. Its parts are mixed in: wallets.py (wallets and
summaries), balances.py, movements.py (credit, debit), holds.py, transactions.py, fixtures.py.
"""

from __future__ import annotations

from typing import Any

from mockserver.core.bus import EventBus
from mockserver.core.clock import Clock
from mockserver.core.ids import IdSource
from mockserver.ledger.service import LedgerService
from mockserver.wallets.balances import BalanceOps
from mockserver.wallets.chart import Chart
from mockserver.wallets.fixtures import WalletFixtures
from mockserver.wallets.holds import HoldOps
from mockserver.wallets.ledgerside import LedgerSide
from mockserver.wallets.movements import MoveOps
from mockserver.wallets.transactions import TransactionOps
from mockserver.wallets.wallets import WalletOps

RELEASE = "v2.1.5"
DEFAULT_LEDGER = "wallets-002"  # cmd/serve.go: the --ledger flag's default


class WalletsService(WalletOps, BalanceOps, MoveOps, HoldOps, TransactionOps, WalletFixtures):
    def __init__(
        self,
        *,
        ledger: LedgerService,
        clock: Clock,
        ids: IdSource,
        bus: EventBus | None = None,
        real_quirks: bool = False,
        ledger_name: str = DEFAULT_LEDGER,
        account_prefix: str = "",
    ) -> None:
        self.books = LedgerSide(ledger, ledger_name)
        self.chart = Chart(account_prefix)
        self.clock = clock
        self.ids = ids
        self.bus = bus or ledger.bus
        self.real = real_quirks

    def server_info(self) -> dict[str, Any]:
        """``GET /_info``: the build's version and debug flag, not wrapped in ``data``."""
        return {"version": RELEASE, "debug": False}


__all__ = ["DEFAULT_LEDGER", "RELEASE", "WalletsService"]
