"""Inputs reach their outputs, and only the addressed resource moves (issue 13, classes 1 and 2).

The predictions come from `oracle/resolution.py`; which input each check answers for is the matrix
(`checks/matrix.yaml`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from contract_tests.checks.fields import raise_if_differ
from contract_tests.checks.registry import check
from contract_tests.core.errors import Violation
from contract_tests.oracle.resolution import contains

if TYPE_CHECKING:
    from contract_tests.transport.client import Exchange

__all__: list[str] = []


def _raise(title: str, problems: list[str], kind: str) -> None:
    if problems:
        shown = "; ".join(problems[:4]) + ("; ..." if len(problems) > 4 else "")
        raise Violation(f"{title}: {shown}", expected="every input at its documented place", actual=shown, kind=kind)


@check(kind="scenario", invariants=(11, 24))
def history_input_resolved(ex: Exchange, *, expected: list[dict[str, Any]]) -> None:
    """Each instance-history entry's `input` is its stage with the run's variables substituted: every value
    the definition and the variables gave is there, at its place, in stage order."""
    entries = ex.data if isinstance(ex.data, list) else []
    problems = []
    for number, stage in enumerate(expected):
        if number >= len(entries):
            problems.append(f"stage {number}: no history entry")
            continue
        entry = entries[number] if isinstance(entries[number], dict) else {}
        problems.extend(f"stage {number}{p}" for p in contains(stage, entry.get("input"), ""))
    _raise("history input differs from the resolved stage", problems, "history")


@check(kind="scenario", invariants=(15,))
def stage_activity_inputs(ex: Exchange, *, expected: list[tuple[str, dict[str, Any]]]) -> None:
    """A stage history's first activities are the ones its stage schedules, in order, each with the input
    its resolved stage gives (`{<name>: request}`)."""
    entries = ex.data if isinstance(ex.data, list) else []
    problems = []
    for position, (name, request) in enumerate(expected):
        entry = entries[position] if position < len(entries) and isinstance(entries[position], dict) else {}
        if entry.get("name") != name:
            problems.append(f"activity {position}: expected {name}, got {entry.get('name')!r}")
            continue
        problems.extend(f"{name}{p}" for p in contains(request, (entry.get("input") or {}).get(name), ""))
    _raise("stage history differs from what the stage schedules", problems, "activities")


@check(kind="scenario", invariants=(3, 19))
def lookalike_unchanged(ex: Exchange, *, before: Any, what: str) -> None:
    """An operation addressed to one resource leaves its look-alikes (same workflow, same event type, same
    shape) exactly as they were: the read after it equals the read before it, field by field."""
    after = ex.data
    if isinstance(before, dict) and isinstance(after, dict):
        raise_if_differ(f"{what} changed in", before, after, sorted(set(before) | set(after)))
    elif before != after:
        raise Violation(f"{what} changed", expected=str(before), actual=str(after), kind="changed")


@check(kind="scenario")
def run_waited(ex: Exchange, *, stages: int) -> None:
    """`runWorkflow?wait=true` answers with the instance's stage records (`status`) as they stand, all of
    them once it reads terminated."""
    data = ex.data if isinstance(ex.data, dict) else {}
    status = data.get("status")
    if not isinstance(status, list):
        raise Violation("wait=true answered without the stage records", expected="a `status` list", actual=str(data))
    if data.get("terminated") is True and len(status) != stages:
        raise Violation(
            "a terminated run answered with some stage records missing",
            expected=f"{stages} stage records",
            actual=f"{len(status)}",
            kind="count",
        )
