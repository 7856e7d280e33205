"""The input -> output matrix covers the specs, names real checks and scenarios, is what README shows, and
every check it names runs against the mock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from contract_tests.checks import load_all
from contract_tests.checks.matrix import gaps, load_matrix, render_table, spec_inputs, stale
from contract_tests.core.config import PHASES
from contract_tests.phases.invariants import SCENARIOS
from contract_tests.phases.invariants_inputs import witness_stages
from tests.contract.conftest import reset, run_suite
from tests.support import RunningMock

README = Path(__file__).parents[2] / "contract_tests" / "README.md"


def test_every_input_of_both_specs_has_a_row() -> None:
    assert gaps(load_matrix(), spec_inputs()) == []


def test_an_input_added_to_the_spec_is_reported_as_a_gap() -> None:
    inputs = spec_inputs()
    inputs["createTrigger"].add("body.priority")
    assert gaps(load_matrix(), inputs) == ["createTrigger body.priority"]


def test_no_row_names_an_input_the_specs_do_not_have() -> None:
    assert stale(load_matrix(), spec_inputs()) == []


def test_rows_name_registered_checks_and_existing_scenarios() -> None:
    registry, known = load_all(), {s.name for s in SCENARIOS} | set(PHASES)
    for row in load_matrix():
        assert [c for c in row.checks if c not in registry] == [], row
        assert [b for b in row.by if b not in known] == [], row


def test_the_readme_table_is_the_matrix_rendered() -> None:
    assert render_table(load_matrix()) in README.read_text()


def test_the_witness_runs_set_every_stage_field_the_spec_has() -> None:
    """The values that show whether an input arrived must exist for each input: every field of a stage
    definition appears in at least one witness stage."""
    declared = {name for name in spec_inputs()["createWorkflow"] if name.startswith("body.stages[].")}
    exercised = {name for stage in witness_stages() for name in _paths(stage, "body.stages[]")}
    assert declared - exercised == set()


def test_every_check_of_the_matrix_runs_against_the_mock(mock_server: RunningMock) -> None:
    reset(mock_server)
    report = run_suite(mock_server.api, api="orchestration", phases=("invariants", "model"))
    assert report.exit_code == 0, report.summary()
    named = {check for row in load_matrix() for check in row.checks}
    ran = {name for name, stats in report.results.checks.items() if stats.runs > 0}
    assert named - ran == set()


def _paths(value: Any, prefix: str) -> set[str]:
    """The field paths a stage sets, spelled as spec_inputs spells them."""
    if not isinstance(value, dict):
        return set()
    if prefix.endswith(".metadata"):  # a map whose keys are the client's: the spec calls its values `.*`
        return {f"{prefix}.*"} if value else set()
    found: set[str] = set()
    for key, sub in value.items():
        found |= {f"{prefix}.{key}"} | _paths(sub, f"{prefix}.{key}")
    return found
