"""The package's surface: engines, the compile cache, what it imports, and its speed."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import pytest

import mockserver.numscript as numscript
from mockserver.numscript import Posting, Result, StaticLedger, compile_script
from tests.layering import import_graph
from tests.numscript.test_machine_constructs import SPLIT

ROOT = Path(__file__).resolve().parents[2]
SPLIT_VARS = {"buyer": "users:1", "price": "USD/2 1000", "fee": "2.5%"}


def test_public_names_are_exported():
    for name in numscript.__all__:
        assert hasattr(numscript, name), name


def test_compiled_programs_are_cached_per_engine():
    assert compile_script(SPLIT) is compile_script(SPLIT)
    assert compile_script(SPLIT, engine="interpreter") is not compile_script(SPLIT)
    assert compile_script(SPLIT).engine == "machine"


def test_unknown_engine_is_a_caller_error():
    with pytest.raises(ValueError):
        compile_script(SPLIT, engine="vm")


def test_result_shape():
    result = compile_script(SPLIT).execute(SPLIT_VARS, StaticLedger({"users:1": {"USD/2": 5000}}))
    assert isinstance(result, Result)
    assert result.postings[0] == Posting("users:1", "platform:fees", 25, "USD/2")
    assert result.postings[0].as_dict() == {
        "source": "users:1",
        "destination": "platform:fees",
        "amount": 25,
        "asset": "USD/2",
    }
    with pytest.raises(AttributeError):
        result.postings[0].amount = 1  # type: ignore[misc]


def test_both_engines_agree_on_a_split_payment():
    ledger = StaticLedger({"users:1": {"USD/2": 5000}})
    machine = compile_script(SPLIT).execute(SPLIT_VARS, ledger)
    assert compile_script(SPLIT, engine="interpreter").execute(SPLIT_VARS, ledger) == machine


def test_imports_only_the_standard_library_and_lark():
    outside = {
        edge.imported.split(".")[0]
        for edge in import_graph(ROOT, "mockserver")
        if edge.importer.startswith("mockserver.numscript")
    }
    assert outside - {"mockserver"} <= set(sys.stdlib_module_names) | {"lark"}
    inside = {
        edge.imported
        for edge in import_graph(ROOT, "mockserver")
        if edge.importer.startswith("mockserver.numscript") and edge.imported.startswith("mockserver")
    }
    assert all(name.startswith("mockserver.numscript") for name in inside)


@pytest.mark.parametrize("engine", ["machine", "interpreter"])
def test_a_split_payment_runs_well_under_a_millisecond(engine):
    program = compile_script(SPLIT, engine=engine)
    ledger = StaticLedger({"users:1": {"USD/2": 5000}})
    samples = []
    for _ in range(200):
        start = time.perf_counter()
        program.execute(SPLIT_VARS, ledger)
        samples.append(time.perf_counter() - start)
    assert statistics.median(samples) < 0.001
