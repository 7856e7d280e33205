"""The status-coverage table in each rendering of a report: console text, JUnit test case, HTML section.

One table everywhere: every declared (operation, status) pair with how often it was answered, 0 included,
then the gate's findings (`core/coverage.py`), which fail the run.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html import escape

from contract_tests.core.coverage import StatusCoverage

__all__ = ["coverage_html", "coverage_junit", "coverage_lines"]


def _headline(coverage: StatusCoverage) -> str:
    pairs = coverage.pairs
    answered = len(pairs) - len(coverage.missing)
    return f"{answered}/{len(pairs)} declared (operation, status) pairs answered ({coverage.percent:.1f}%)"


def coverage_lines(coverage: StatusCoverage, unmet: list[str]) -> list[str]:
    """Per operation one line: each declared status with its count (`404=0` stands out as never answered)."""
    lines = [f"\nStatus coverage: {_headline(coverage)}"]
    for operation, statuses in sorted(coverage.declared.items()):
        cells = " ".join(f"{status}={coverage.times(operation, status)}" for status in sorted(statuses))
        lines.append(f"  {operation:<32} {cells}")
    undeclared = coverage.undeclared()
    if undeclared:
        listed = "; ".join(
            f"{op} {', '.join(f'{status}={n}' for status, n in sorted(found.items()))}"
            f"{' (its default response)' if op in coverage.defaults else ' (not declared)'}"
            for op, found in sorted(undeclared.items())
        )
        lines.append(f"  other statuses answered: {listed}")
    lines.extend(f"  UNMET {finding}" for finding in unmet)
    return lines


def coverage_junit(suite: ET.Element, coverage: StatusCoverage, unmet: list[str]) -> bool:
    """A `status_coverage` test case: the table as its output, a failure when the gate is unmet. True if failed."""
    case = ET.SubElement(suite, "testcase", classname="contract.coverage", name="status_coverage")
    ET.SubElement(case, "system-out").text = "\n".join(coverage_lines(coverage, []))
    if unmet:
        failure = ET.SubElement(case, "failure", message=f"status coverage gate: {len(unmet)} unmet")
        failure.text = "\n".join(unmet)
    return bool(unmet)


def coverage_html(coverage: StatusCoverage, unmet: list[str]) -> str:
    rows = "".join(
        f"<tr><td>{escape(operation)}</td><td class='n'>{status}</td>"
        f"<td class='n {'ok' if times else 'fail'}'>{times}</td></tr>"
        for operation, status, times in coverage.rows()
    )
    findings = "".join(f"<li class='fail'>{escape(finding)}</li>" for finding in unmet)
    others = [line.strip() for line in coverage_lines(coverage, [])[1:] if "other statuses answered" in line]
    return (
        f"<h2>Status coverage</h2>\n<p id='status-coverage'>{escape(_headline(coverage))}</p>\n"
        f"{f'<ul>{findings}</ul>' if findings else ''}"
        f"{''.join(f'<p>{escape(other)}</p>' for other in others)}"
        f"<table class='coverage'><tr><th>operation</th><th>status</th><th>answered</th></tr>{rows}</table>"
    )
