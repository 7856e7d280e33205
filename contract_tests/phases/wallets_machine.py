"""The wallets' model phase: a Hypothesis `RuleBasedStateMachine` over fresh wallets per sequence.

Rules make wallets and balances (expiring, expired, prioritised), credit them, debit them (from main, from
named balances, from every balance, overdrawing on purpose), put money on hold and confirm (in part, in full,
final, too much) or void it; every answer is predicted by the suite's model (`WalletActions`) and every write
is followed by reads of the wallet, its balances, its holds, and the ledger accounts they are. Runs are
seeded (`run_seeded`). Failures are recorded, never raised.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import requests
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule

from contract_tests.oracle.wallets_model import MAIN
from contract_tests.phases.stateful import run_seeded
from contract_tests.phases.wallets_actions import WalletActions

__all__ = ["run_wallets_model", "wallets_machine_for"]

F = TypeVar("F", bound=Callable[..., Any])
ASSETS = ("USD/2", "EUR/2")
NAMES = ("coupons", "promo", "gifts", "side")
EXPIRIES = (
    None,
    None,
    datetime(2999, 1, 1, tzinfo=UTC),
    datetime(2998, 6, 1, tzinfo=UTC),
    datetime(2000, 1, 1, tzinfo=UTC),
)


def guarded(step: F) -> F:
    @functools.wraps(step)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return step(self, *args, **kwargs)
        except (requests.ConnectionError, HypothesisException):
            raise
        except Exception as exc:
            self.a.api.results.error(f"wallets model step {step.__name__} stopped: {exc!r}")
            return None

    return wrapper  # type: ignore[return-value]


def wallets_machine_for(make_actions: Callable[[], WalletActions]) -> type[RuleBasedStateMachine]:
    class WalletsMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.a = make_actions()
            self.wallets: list[str] = []

        @initialize()
        @guarded
        def wallet(self) -> None:
            made = self.a.new_wallet()
            if made is not None:
                self.wallets.append(made)

        def ready(self) -> bool:
            return bool(self.wallets)

        def _pick(self, n: int) -> str:
            return self.wallets[n % len(self.wallets)]

        def _balances(self, wallet_id: str) -> list[str]:
            return sorted(self.a.m.wallets[wallet_id].balances)

        @precondition(lambda self: len(self.wallets) < 3)
        @rule()
        @guarded
        def another_wallet(self) -> None:
            made = self.a.new_wallet()
            if made is not None:
                self.wallets.append(made)

        @precondition(ready)
        @rule(n=st.integers(0, 9), name=st.sampled_from(NAMES), expiry=st.sampled_from(EXPIRIES),
              priority=st.integers(0, 3))  # fmt: skip
        @guarded
        def balance(self, n: int, name: str, expiry: datetime | None, priority: int) -> None:
            self.a.new_balance(self._pick(n), name, expires_at=expiry, priority=priority)

        @precondition(ready)
        @rule(n=st.integers(0, 9), k=st.integers(0, 9), amount=st.integers(0, 400), asset=st.sampled_from(ASSETS))
        @guarded
        def credit(self, n: int, k: int, amount: int, asset: str) -> None:
            wallet_id = self._pick(n)
            names = self._balances(wallet_id)
            self.a.credit(wallet_id, amount, asset, balance=names[k % len(names)])

        @precondition(ready)
        @rule(n=st.integers(0, 9), amount=st.integers(0, 300), asset=st.sampled_from(ASSETS),
              how=st.sampled_from(("main", "star", "named", "two", "bad")), k=st.integers(0, 9),
              pending=st.booleans())  # fmt: skip
        @guarded
        def debit(self, n: int, amount: int, asset: str, how: str, k: int, pending: bool) -> None:
            wallet_id = self._pick(n)
            names = self._balances(wallet_id)
            chosen = {
                "main": [],
                "star": ["*"],
                "named": [names[k % len(names)]],
                "two": [names[k % len(names)], MAIN],
                "bad": ["*", MAIN],
            }[how]
            self.a.debit(wallet_id, amount, asset, balances=chosen, pending=pending)

        @precondition(lambda self: bool(self.a.m.holds))
        @rule(k=st.integers(0, 99), amount=st.integers(0, 350), final=st.booleans())
        @guarded
        def confirm(self, k: int, amount: int, final: bool) -> None:
            holds = sorted(self.a.m.holds)
            self.a.confirm(holds[k % len(holds)], amount, final=final)

        @precondition(lambda self: bool(self.a.m.holds))
        @rule(k=st.integers(0, 99))
        @guarded
        def void(self, k: int) -> None:
            holds = sorted(self.a.m.holds)
            self.a.void(holds[k % len(holds)])

        def teardown(self) -> None:
            for wallet_id in self.wallets:
                try:
                    self.a.audit(wallet_id)
                    self.a.lists(wallet_id)
                except requests.ConnectionError:
                    raise
                except Exception as exc:
                    self.a.api.results.error(f"wallets model audit stopped: {exc!r}")

    return WalletsMachine


def run_wallets_model(make_actions: Callable[[], WalletActions], *, scenarios: int, steps: int, seed: int) -> None:
    """`scenarios` sequences of up to `steps` rules, each on wallets of its own, seeded."""
    run_seeded(wallets_machine_for(make_actions), scenarios=scenarios, steps=steps, seed=seed)
