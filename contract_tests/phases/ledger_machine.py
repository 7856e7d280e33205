"""The ledger's model phase: a Hypothesis `RuleBasedStateMachine` over one fresh ledger per sequence.

Rules book postings (forced or not, keyed or not, with references, as dry runs), overdraw on purpose,
revert, replay and clash idempotency keys, set and delete metadata, and read everything back; every answer
is predicted by the suite's ledger model (`LedgerActions`). Each sequence ends with an audit of the whole
ledger: stats, every account's volumes and floor, money conserved per asset, the log one entry per write
and hash-chained. Runs are seeded (`run_seeded`): the same seed sends the same sequences.

Failures are recorded, never raised (a raise would make Hypothesis replay sequences against a server whose
state has moved on).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import requests
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, multiple, precondition, rule

from contract_tests.generation.ledger_strategies import (
    ACCOUNTS,
    ASSETS,
    METADATA_KEYS,
    account_filters,
    metadata_maps,
    postings,
    transaction_filters,
)
from contract_tests.oracle.ledger_model import TxRecord
from contract_tests.phases.ledger_actions import LedgerActions
from contract_tests.phases.stateful import run_seeded

__all__ = ["ledger_machine_for", "run_ledger_model"]

F = TypeVar("F", bound=Callable[..., Any])
_KEYS = st.none() | st.sampled_from(("ik-1", "ik-2", "ik-3"))
_REFERENCES = st.none() | st.sampled_from(("ref-1", "ref-2"))


def guarded(step: F) -> F:
    """Record an unexpected exception of a step as a suite error instead of failing the Hypothesis run."""

    @functools.wraps(step)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return step(self, *args, **kwargs)
        except (requests.ConnectionError, HypothesisException):
            raise
        except Exception as exc:
            self.a.api.results.error(f"ledger model step {step.__name__} stopped: {exc!r}")
            return multiple() if step.__name__ in ("book", "revert") else None

    return wrapper  # type: ignore[return-value]


def _kept(record: TxRecord | None) -> Any:
    return multiple() if record is None else record


def ledger_machine_for(make_actions: Callable[[], LedgerActions]) -> type[RuleBasedStateMachine]:
    class LedgerMachine(RuleBasedStateMachine):
        transactions = Bundle("transactions")

        def __init__(self) -> None:
            super().__init__()
            self.a = make_actions()
            self.m = None

        @initialize()
        def ledger(self) -> None:
            self.m = self.a.new_ledger()

        def ready(self) -> bool:
            return self.m is not None

        @precondition(ready)
        @rule(target=transactions, moves=postings(), force=st.sampled_from((False, False, False, True)),
              metadata=metadata_maps(), reference=_REFERENCES, key=_KEYS)  # fmt: skip
        @guarded
        def book(self, moves: list[dict[str, Any]], force: bool, metadata: dict[str, str],
                 reference: str | None, key: str | None) -> Any:  # fmt: skip
            return _kept(self.a.create(self.m, moves, force=force, metadata=metadata, reference=reference, key=key))

        @precondition(ready)
        @rule(moves=postings())
        @guarded
        def dry_run(self, moves: list[dict[str, Any]]) -> None:
            self.a.create(self.m, moves, dry_run=True)

        @precondition(ready)
        @rule(account=st.sampled_from(ACCOUNTS), asset=st.sampled_from(ASSETS), more=st.integers(1, 50))
        @guarded
        def overdraw(self, account: str, asset: str, more: int) -> None:
            """Spend more than the account holds: refused, whatever it holds."""
            amount = max(self.m.balance(account, asset), 0) + more
            target = next(a for a in ACCOUNTS if a != account)
            self.a.create(self.m, [{"source": account, "destination": target, "amount": amount, "asset": asset}])

        @precondition(ready)
        @rule(tx=transactions)
        @guarded
        def replay(self, tx: TxRecord) -> None:
            """Send a booking again as it was sent: a replay when it had a key, a new booking otherwise."""
            sent = tx.request
            if sent:
                self.a.create(self.m, sent["postings"], force=sent["force"], metadata=sent["metadata"],
                              reference=sent["reference"], key=sent["key"])  # fmt: skip

        @precondition(ready)
        @rule(target=transactions, tx=transactions, force=st.booleans(), effective=st.booleans(),
              dry=st.sampled_from((False, False, True)), key=_KEYS)  # fmt: skip
        @guarded
        def revert(self, tx: TxRecord, force: bool, effective: bool, dry: bool, key: str | None) -> Any:
            record = self.a.revert(self.m, tx, force=force, at_effective_date=effective, dry_run=dry, key=key)
            return _kept(record)

        @precondition(ready)
        @rule(tx=transactions, metadata=metadata_maps(min_size=1), key=_KEYS)
        @guarded
        def add_tx_metadata(self, tx: TxRecord, metadata: dict[str, str], key: str | None) -> None:
            self.a.add_tx_metadata(self.m, tx, metadata, key=key)

        @precondition(ready)
        @rule(tx=transactions, name=st.sampled_from(METADATA_KEYS))
        @guarded
        def delete_tx_metadata(self, tx: TxRecord, name: str) -> None:
            self.a.delete_tx_metadata(self.m, tx, name)

        @precondition(ready)
        @rule(address=st.sampled_from(ACCOUNTS), metadata=metadata_maps(), key=_KEYS)
        @guarded
        def add_account_metadata(self, address: str, metadata: dict[str, str], key: str | None) -> None:
            self.a.add_account_metadata(self.m, address, metadata, key=key)

        @precondition(ready)
        @rule(address=st.sampled_from(ACCOUNTS), name=st.sampled_from(METADATA_KEYS))
        @guarded
        def delete_account_metadata(self, address: str, name: str) -> None:
            self.a.delete_account_metadata(self.m, address, name)

        @precondition(ready)
        @rule(tx=transactions, expand=st.booleans())
        @guarded
        def read_transaction(self, tx: TxRecord, expand: bool) -> None:
            self.a.read_transaction(self.m, tx, expand=expand)

        @precondition(ready)
        @rule(address=st.sampled_from((*ACCOUNTS, "world")))
        @guarded
        def read_account(self, address: str) -> None:
            self.a.read_account(self.m, address)

        @precondition(ready)
        @rule(filter_=transaction_filters(), reverse=st.booleans())
        @guarded
        def list_transactions(self, filter_: dict[str, Any] | None, reverse: bool) -> None:
            self.a.list_transactions(self.m, filter_, reverse=reverse)

        @precondition(ready)
        @rule(filter_=account_filters())
        @guarded
        def list_accounts(self, filter_: dict[str, Any] | None) -> None:
            self.a.list_accounts(self.m, filter_)

        @precondition(ready)
        @rule(what=st.sampled_from(("volumes", "aggregate", "logs", "stats")))
        @guarded
        def read_ledger(self, what: str) -> None:
            {"volumes": self.a.list_volumes, "aggregate": self.a.aggregate, "logs": self.a.read_logs,
             "stats": self.a.read_stats}[what](self.m)  # fmt: skip

        def teardown(self) -> None:
            if self.m is not None:
                try:
                    self.a.audit(self.m)
                except requests.ConnectionError:
                    raise
                except Exception as exc:
                    self.a.api.results.error(f"ledger model audit stopped: {exc!r}")

    return LedgerMachine


def run_ledger_model(make_actions: Callable[[], LedgerActions], *, scenarios: int, steps: int, seed: int) -> None:
    """`scenarios` sequences of up to `steps` rules, each on a ledger of its own, seeded."""
    run_seeded(ledger_machine_for(make_actions), scenarios=scenarios, steps=steps, seed=seed)
