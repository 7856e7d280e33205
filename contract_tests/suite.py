"""The contract suite as pytest items: one test per named check, plus one for the run's completeness.

Collected only when asked for (`pytest --orchestration-base-url URL --pyargs contract_tests.suite`); the
suite runs once per session (fixture `orchestration_report`) and each item reports its check's findings.
"""

from __future__ import annotations

import pytest

from contract_tests.checks import load_all
from contract_tests.reports.report import Report, render_failure

CHECKS = sorted(load_all())


@pytest.mark.parametrize("check", CHECKS)
def test_check(check: str, orchestration_report: Report) -> None:
    results = orchestration_report.results
    failures = [f for f in results.new_failures if f.check == check]
    if not failures and check not in results.checks:
        reason = next((s.reason for s in results.skipped if s.name == check), "not exercised by this run")
        pytest.skip(reason)
    assert not failures, "\n\n".join(render_failure(f) for f in failures) + "\n\n" + orchestration_report.token_hint()


def test_run_complete(orchestration_report: Report) -> None:
    assert not orchestration_report.results.errors, "\n".join(orchestration_report.results.errors)
