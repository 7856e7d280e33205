"""The release's own cases, restated in conformance*.yaml, run against the engine."""

from __future__ import annotations

import pytest

from tests.numscript.conformance import load, mismatch

MACHINE = load("conformance.yaml")


@pytest.mark.parametrize("entry", MACHINE, ids=[entry["name"] for entry in MACHINE])
def test_machine_conformance(entry):
    assert mismatch(entry) is None


def test_the_machine_table_covers_enough_cases():
    assert len(MACHINE) >= 40
    assert len({entry["name"] for entry in MACHINE}) == len(MACHINE)


INTERPRETER = load("conformance_interpreter.yaml")


@pytest.mark.parametrize("entry", INTERPRETER, ids=[entry["name"] for entry in INTERPRETER])
def test_interpreter_conformance(entry):
    assert mismatch(entry) is None
