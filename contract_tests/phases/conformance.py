"""The conformance phase: Schemathesis generates requests for every operation, valid (positive) and invalid
(negative: wrong types, missing required fields, malformed bodies), plus the spec's own examples; every
answer goes through the response checks (documented status, content type, schema, no 5xx, Error shape,
invalid data rejected with a 4xx).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from hypothesis import HealthCheck, Phase, Verbosity, given, reject, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.errors import Flaky, Unsatisfiable
from hypothesis.strategies import SearchStrategy
from schemathesis import GenerationMode
from schemathesis.generation.case import Case

from contract_tests.core.spec import Operation
from contract_tests.phases.checking import PHASE, CheckedApi
from contract_tests.phases.pipeline import UNSENDABLE, Pipeline

__all__ = ["run_conformance"]

# GETs with an effect: the webhooks' test call sends a delivery (and records its attempt); its cases go one by one.
_GETS_THAT_ACT = frozenset({"testConfig"})


def _settings(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples,
        phases=[Phase.explicit, Phase.generate],
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=False,
        print_blob=False,
        verbosity=Verbosity.quiet,
    )


def _exercise(sender: Pipeline, strategy: SearchStrategy[Case], max_examples: int, seed: int) -> None:
    @_settings(max_examples)
    @given(case=strategy)
    def exercise(case: Case) -> None:
        try:
            sender.send(case)
        except UNSENDABLE:
            reject()  # no client could send it (e.g. a header value outside latin-1): try another case

    hypothesis_seed(seed)(exercise)
    # Unsatisfiable: nothing of this kind can be generated for this operation (e.g. no parameters to break).
    # Flaky: generation learned from answers that changed; what ran was checked.
    with contextlib.suppress(Unsatisfiable, Flaky):
        exercise()
    sender.drain()


def _examples(sender: Pipeline, operation: Operation, seed: int) -> None:
    """The spec's own examples (the happy paths its authors wrote down), all in one generated run."""
    examples = operation.st.get_strategies_from_examples()
    if not examples:
        return

    @_settings(1)
    @given(data=st.data())
    def exercise(data: st.DataObject) -> None:
        for example in examples:
            sender.send(data.draw(example))

    hypothesis_seed(seed)(exercise)
    exercise()
    sender.drain()


def check_operation(api: CheckedApi, operation: Operation, max_examples: int, seed: int) -> None:
    """The spec's examples, then positive and negative generated cases, each drawn while those before it are on the
    wire: in the order drawn and one at a time for an operation that writes, several at once for one that only
    reads (`phases/pipeline.py`)."""
    reads_only = not operation.is_write and operation.name not in _GETS_THAT_ACT
    with Pipeline(api, reads_only=reads_only) as sender:
        _examples(sender, operation, seed)
        _exercise(sender, operation.st.as_strategy(generation_mode=GenerationMode.POSITIVE), max_examples, seed)
        _exercise(sender, operation.st.as_strategy(generation_mode=GenerationMode.NEGATIVE), max_examples, seed)


def run_conformance(
    api: CheckedApi, *, max_examples: int, seed: int, workers: int, on_operation: Callable[[str], None] | None = None
) -> None:
    """Exercise every operation; with `workers` > 1 operations run in parallel threads."""
    phase = PHASE.get()
    operations = list(api.spec.operations.values())

    def one(operation: Operation) -> None:
        PHASE.set(phase)
        try:
            check_operation(api, operation, max_examples, seed)
        except Exception as exc:
            api.results.error(f"conformance of {operation.operation_id} stopped: {exc!r}")
        if on_operation is not None:
            on_operation(operation.operation_id)

    if workers <= 1:
        for operation in operations:
            one(operation)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, operations))
