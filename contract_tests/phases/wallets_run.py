"""The wallets' phases, as the runner calls them (`--api wallets`).

Generated requests (conformance, the links state machine) name wallet and hold ids at random, so nearly all
of them would stop at 404. `WalletTargets` aims them instead: a positive case's wallet `id` becomes a wallet
this run made and funded, its `holdID` / `hold_id` a hold of it, its `balanceName` one of its balances. A
case whose path parameters are the negative part keeps them, or it would stop being invalid. The ledger
beside the wallets (read only) is where the model checks find the accounts the wallets are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import requests
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.case import Case

from contract_tests.core.config import Config
from contract_tests.phases.checking import CheckedApi
from contract_tests.phases.wallets_actions import LedgerReader, WalletActions
from contract_tests.phases.wallets_invariants import WALLETS_SCENARIOS
from contract_tests.phases.wallets_machine import run_wallets_model

__all__ = ["WalletTargets", "ledger_reader", "run_invariants", "run_model", "targets_for"]


@dataclass
class WalletTargets:
    wallet: str
    hold: str
    balance: str

    def prepare(self, case: Case) -> None:
        """Aim a generated case at the run's wallet and hold (see the module docstring)."""
        params = case.path_parameters
        if not params:
            return
        component = case.meta.components.get(ParameterLocation.PATH) if case.meta is not None else None
        if component is not None and component.mode.is_negative:
            return
        for name, value in (("id", self.wallet), ("holdID", self.hold), ("hold_id", self.hold)):
            if name in params:
                params[name] = value
        if "balanceName" in params:
            params["balanceName"] = self.balance


def ledger_reader(config: Config, token: str | None) -> LedgerReader | None:
    """The ledger beside the wallets, when its `/_/info` answers (None: the ledger checks are skipped)."""
    url = config.effective_ledger_url
    if not url:
        return None
    reader = LedgerReader(url, token, config.request_timeout)
    if not reader.reachable():
        reader.close()
        return None
    return reader


def targets_for(api: CheckedApi, ledger: LedgerReader | None) -> WalletTargets | None:
    """A funded wallet with a balance and a hold, for generated requests."""
    a = WalletActions(api, ledger)
    wallet_id = a.new_wallet()
    if wallet_id is None:
        return None
    a.new_balance(wallet_id, "coupons")
    a.credit(wallet_id, 100_000, "USD/2")
    hold = a.debit(wallet_id, 10, "USD/2", pending=True)
    return WalletTargets(wallet_id, hold or wallet_id, "coupons")


def run_invariants(api: CheckedApi, ledger: LedgerReader | None, on_scenario: Callable[[str], None]) -> None:
    for scenario in WALLETS_SCENARIOS:
        try:
            scenario.run(WalletActions(api, ledger))
        except requests.ConnectionError:
            raise
        except Exception as exc:
            api.results.error(f"wallets scenario {scenario.name} stopped: {exc!r}")
        on_scenario(scenario.name)


def run_model(api: CheckedApi, ledger: LedgerReader | None, *, scenarios: int, steps: int, seed: int) -> None:
    run_wallets_model(lambda: WalletActions(api, ledger), scenarios=scenarios, steps=steps, seed=seed)
