"""`run_diff(a, b)`: the library call behind `orchestration-contract diff`.

The same seeded sequences the contract run generates go to both implementations, through `PairedApi`:
requests without a token (and with the read-only token, when both sides issue one), Schemathesis' links
state machine, then the spec's examples and positive and negative cases for every operation. For the ledger,
generated cases are first aimed at a ledger the run creates on both sides.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from hypothesis.errors import Flaky

from contract_tests.core.config import Config
from contract_tests.core.results import Results
from contract_tests.core.spec import load_spec
from contract_tests.diff.correspondence import Correspondence
from contract_tests.diff.differences import Differences
from contract_tests.diff.pair import PairedApi
from contract_tests.generation.hermetic import hermetic_generation
from contract_tests.phases.auth import request_for
from contract_tests.phases.checking import PHASE
from contract_tests.phases.conformance import run_conformance
from contract_tests.phases.ledger_run import targets_for
from contract_tests.phases.ledger_writes import LedgerNames
from contract_tests.phases.links import run_links
from contract_tests.transport.client import Client
from contract_tests.transport.preflight import preflight

__all__ = ["DiffResult", "run_diff"]


@dataclass
class DiffResult:
    differences: Differences
    duration: float
    errors: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 the same, 1 differences, 2 the run could not complete (and found none)."""
        if self.differences.found:
            return 1
        return 2 if self.errors else 0


def _tokens(pair: PairedApi, config: Config) -> None:
    unknown = str(uuid.UUID(int=random.Random(config.seed).getrandbits(128), version=4))  # the seed's, as all else
    both_read = pair.tokens.read is not None and pair.b.tokens.read is not None
    for operation in (op for op in pair.spec.operations.values() if op.secured):
        pair.call(operation.operation_id, identity=None, **request_for(operation, unknown))
        if both_read:
            pair.call(operation.operation_id, identity="read", **request_for(operation, unknown))


def _links(pair: PairedApi, config: Config) -> None:
    profile = config.profile
    run_links(pair, scenarios=profile.scenarios, steps=profile.steps, seed=config.seed)


def _generated(pair: PairedApi, config: Config) -> None:
    run_conformance(pair, max_examples=config.profile.max_examples, seed=config.seed, workers=1)


SEQUENCES: dict[str, Callable[[PairedApi, Config], None]] = {
    "tokens": _tokens,
    "links": _links,
    "generated": _generated,
}


def _aim_at_a_ledger(pair: PairedApi, results: Results) -> None:
    targets = targets_for(pair, LedgerNames())
    if targets is None:
        results.error("could not create a ledger on A to aim generated requests at")
        return
    pair.prepare = targets.prepare


def run_diff(a: Config, b: Config, *, ignore: frozenset[str] = frozenset()) -> DiffResult:
    """Send the same sequences to `a.base_url` and `b.base_url`; return every difference in their answers."""
    started = time.monotonic()
    tokens_a, _ = preflight(a)
    tokens_b, _ = preflight(b)
    results_a, results_b = Results(), Results()
    differences, correspondence = Differences(), Correspondence()
    with hermetic_generation():
        for version in a.versions:
            # One spec for both: each client sends to its own base URL (Client.send names it).
            spec = load_spec(a.base_url, version=version.name)
            client_a, client_b = Client(spec, a, tokens_a, results_a), Client(spec, b, tokens_b, results_b)
            pair = PairedApi(client_a, client_b, differences, correspondence, ignore)
            for name, sequence in SEQUENCES.items():
                PHASE.set(f"{version.name} {name}")
                if name != "tokens" and version.service_name == "ledger" and pair.prepare is None:
                    _aim_at_a_ledger(pair, results_a)
                try:
                    sequence(pair, a)
                except Flaky:
                    pass  # the answers changed what could be drawn next; what ran was compared
                except Exception as exc:
                    results_a.error(f"{version.name} {name} stopped: {exc!r}")
    errors = [*results_a.errors, *(f"B: {e}" for e in results_b.errors)]
    return DiffResult(differences, time.monotonic() - started, errors)
