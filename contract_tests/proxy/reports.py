"""What the proxy found, as people and CI read it: one stderr line per finding as it happens, the
deduplicated list `GET /_proxy/violations` answers, and on exit a JSON report and a JUnit file.

The records are the suite's `Failure`s in one `Results` (dedup by check + operation + kind of answer,
accepted deviations marked by the `--allow-deviations` list), so the JUnit file is the suite's own.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from contract_tests.core.config import Config
from contract_tests.core.results import Failure, Results
from contract_tests.reports.deviations import Deviations, load_deviations
from contract_tests.reports.report import Report

__all__ = ["Findings"]


def _message(failure: Failure) -> str:
    return f"{failure.title}; expected {failure.expected}; got {failure.actual.strip()[:400]}"


class Findings:
    """The run's `Results`, with the allow-list applied and the renderings the proxy needs."""

    def __init__(self, deviations_path: Path | None = None, *, stream: TextIO | None = None) -> None:
        self.deviations: Deviations | None = load_deviations(deviations_path) if deviations_path else None
        self.stream = stream
        self.started = time.monotonic()
        self.results = self._fresh()

    def _fresh(self) -> Results:
        return Results(acceptor=self.deviations.reason_for if self.deviations else None)

    def reset(self) -> None:
        self.results = self._fresh()

    def announce(self, failure: Failure) -> None:
        """One line per finding, as it happens, so a tail of the log shows the live state."""
        reason = (self.deviations.reason_for(failure) if self.deviations else None) or ""
        accepted = f" (accepted: {reason})" if reason else ""
        line = (
            f"contract violation [{failure.check}] {failure.operation} {failure.status}: {failure.title}{accepted}"
            f" | reproduce: {failure.curl}"
        )
        print(line.replace("\n", " "), file=self.stream or sys.stderr, flush=True)

    def listing(self) -> list[dict[str, Any]]:
        """`GET /_proxy/violations`: each distinct finding once, with how often it was seen."""
        return [
            {
                "check": f.check,
                "operationId": f.operation,
                "status": f.status,
                "message": _message(f),
                "curl": f.curl,
                "count": f.occurrences,
                "accepted": f.accepted,
            }
            for f in self.results.failures.values()
        ]

    @property
    def exit_code(self) -> int:
        """1 when a finding the allow-list does not accept was seen, else 0."""
        return 1 if self.results.new_failures else 0

    def write(self, *, api_root: str, api: str, report: Path | None, junit_xml: Path | None) -> None:
        duration = time.monotonic() - self.started
        if report is not None:
            document = {
                "upstream": api_root,
                "duration": round(duration, 3),
                "exit_code": self.exit_code,
                "violations": [v for v in self.listing() if v["accepted"] is None],
                "accepted": [v for v in self.listing() if v["accepted"] is not None],
                "failures": [f.as_dict() for f in self.results.failures.values()],
                "operations": {n: vars(s) for n, s in sorted(self.results.operations.items())},
                "checks": {n: vars(s) for n, s in sorted(self.results.checks.items())},
                "errors": list(self.results.errors),
            }
            Path(report).write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        if junit_xml is not None:
            config = Config(base_url=api_root, api=api)
            Report(config, self.results, duration, control=False, deviations=self.deviations).write_junit(junit_xml)
