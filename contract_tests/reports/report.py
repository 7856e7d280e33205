"""The `Report` of a run and its three renderings: the console summary, JSON (`--report`) and JUnit XML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contract_tests.checks import load_all
from contract_tests.core.config import Config
from contract_tests.core.curl import TOKEN_VARIABLES
from contract_tests.core.results import Failure, Results
from contract_tests.reports.coverage import coverage_junit, coverage_lines
from contract_tests.reports.deviations import Deviations

__all__ = ["Report", "render_failure"]


@dataclass
class Report:
    config: Config
    results: Results
    duration: float
    control: bool
    # The allow-list the run used (--allow-deviations), to name entries that matched nothing.
    deviations: Deviations | None = None

    @property
    def unused_deviations(self) -> list[str]:
        """Reasons of allow-list entries no failure of this run matched (stale, or not reached by this run)."""
        if self.deviations is None:
            return []
        return [d.reason for d in self.deviations.unused(list(self.results.failures.values()))]

    @property
    def coverage_unmet(self) -> list[str]:
        """The status-coverage gate's findings (--require-status, --min-status-coverage): each fails the run."""
        return self.results.coverage.gate(self.config.require_status, self.config.min_status_coverage)

    @property
    def exit_code(self) -> int:
        """0 conforming, 1 new violations or an unmet coverage gate, 2 the run was incomplete (suite errors)."""
        if self.results.new_failures or self.coverage_unmet:
            return 1
        return 2 if self.results.errors else 0

    @property
    def verdict(self) -> str:
        """CONFORMS, FAILED (violations, unmet coverage requirements) or INCOMPLETE, for every rendering."""
        if self.exit_code == 0:
            return "CONFORMS"
        if self.exit_code == 2:
            return "INCOMPLETE (suite errors)"
        violations, unmet = len(self.results.new_failures), len(self.coverage_unmet)
        parts = [f"{violations} violation(s)"] if violations else []
        parts += [f"{unmet} unmet status-coverage requirement(s)"] if unmet else []
        return "FAILED: " + ", ".join(parts)

    @property
    def passed(self) -> bool:
        return self.exit_code == 0

    def token_hint(self) -> str:
        if self.config.reveal_token:
            return "curl commands embed the real token (--reveal-token)."
        grant = (
            f"grant_type=client_credentials&client_id={self.config.client_id or '<id>'}&client_secret=$CLIENT_SECRET"
        )
        scopes = f"{self.config.service.read_scope} {self.config.service.write_scope}"
        return (
            f"curl commands read tokens from ${TOKEN_VARIABLES['write']} (write scope) and ${TOKEN_VARIABLES['read']} "
            f"(read-only), e.g.: export TOKEN=$(curl -s -X POST {self.config.effective_token_url} "
            f"-d '{grant}&scope={scopes}' | python3 -c "
            "'import json,sys; print(json.load(sys.stdin)[\"access_token\"])')"
        )

    def as_dict(self) -> dict[str, Any]:
        results = self.results
        return {
            "base_url": self.config.base_url,
            "seed": self.config.seed,
            "max_examples": self.config.max_examples,
            "duration": round(self.duration, 3),
            "exit_code": self.exit_code,
            "control_api": self.control,
            "token_hint": self.token_hint(),
            "phases": {n: {"status": p.status, "duration": round(p.duration, 3)} for n, p in results.phases.items()},
            "operations": {n: vars(s) for n, s in sorted(results.operations.items())},
            "checks": {n: vars(s) for n, s in sorted(results.checks.items())},
            "failures": [f.as_dict() for f in results.new_failures],
            "accepted": [f.as_dict() for f in results.accepted_failures],
            "unused_deviations": self.unused_deviations,
            "skipped": [{"name": s.name, "reason": s.reason} for s in results.skipped],
            "errors": list(results.errors),
            "status_coverage": {
                **results.coverage.as_dict(),
                "required": [str(pair) for pair in self.config.require_status],
                "min_percent": self.config.min_status_coverage,
                "unmet": self.coverage_unmet,
            },
        }

    def write_json(self, path: Path) -> None:
        Path(path).write_text(json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n")

    def write_junit(self, path: Path) -> None:
        """One test case per check; a failure element per distinct violation; skipped checks say why."""
        suite = ET.Element("testsuite", name="orchestration-contract", time=f"{self.duration:.3f}")
        by_check: dict[str, list[Failure]] = {}
        for failure in self.results.failures.values():
            by_check.setdefault(failure.check, []).append(failure)
        skipped = {s.name: s.reason for s in self.results.skipped}
        registry = load_all()
        names = sorted(set(self.results.checks) | set(by_check) | (set(skipped) & set(registry)))
        counts = {"tests": 0, "failures": 0, "skipped": 0}
        for name in names:
            kind = registry[name].kind if name in registry else "check"
            case = ET.SubElement(suite, "testcase", classname=f"contract.{kind}", name=name)
            counts["tests"] += 1
            for failure in by_check.get(name, []):
                if failure.accepted is not None:
                    ET.SubElement(case, "system-out").text = f"accepted deviation: {failure.key}: {failure.accepted}"
                    continue
                counts["failures"] += 1
                element = ET.SubElement(case, "failure", message=f"{failure.operation}: {failure.title}")
                element.text = render_failure(failure)
            if name in skipped and name not in self.results.checks:
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=skipped[name])
        counts["tests"] += 1
        counts["failures"] += coverage_junit(suite, self.results.coverage, self.coverage_unmet)
        for key, value in counts.items():
            suite.set(key, str(value))
        suite.set("errors", str(len(self.results.errors)))
        for error in self.results.errors:
            ET.SubElement(suite, "system-err").text = error
        ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)

    def summary(self) -> str:
        results, lines = self.results, []
        config = self.config
        lines.append(
            f"{config.service.name.capitalize()} contract: {config.base_url}  "
            f"(seed {config.seed}, max-examples {config.max_examples})"
        )
        lines.append("Phases: " + " | ".join(f"{n} {p.status} {p.duration:.1f}s" for n, p in results.phases.items()))
        lines.append("\nOperations:")
        for name, stats in sorted(results.operations.items()):
            lines.append(f"  {name:<26} {stats.requests:>6} requests  {stats.failures:>4} failures")
        lines.append("\nChecks:")
        for name, stats in sorted(results.checks.items()):
            mark = "FAIL" if any(f.check == name for f in results.new_failures) else "ok"
            lines.append(f"  {mark:<5}{name:<32} {stats.runs:>6} runs  {stats.failures:>4} failures")
        for skip in results.skipped:
            lines.append(f"  skip {skip.name:<32} {skip.reason}")
        new, accepted = results.new_failures, results.accepted_failures
        if new:
            lines.append(f"\nViolations ({len(new)}), each printed once. {self.token_hint()}")
            lines.extend(f"\n{index}. {render_failure(failure)}" for index, failure in enumerate(new, 1))
        if accepted:
            lines.append(f"\nAccepted deviations ({len(accepted)}):")
            lines.extend(f"  accepted [{f.check}] {f.operation} {f.status or ''}: {f.accepted}" for f in accepted)
        unused = self.unused_deviations
        if unused:
            lines.append(f"\nAllow-list entries this run did not need ({len(unused)}):")
            lines.extend(f"  unused: {reason}" for reason in unused)
        unmet = self.coverage_unmet
        lines.extend(coverage_lines(results.coverage, unmet))
        for error in results.errors:
            lines.append(f"\nsuite error: {error}")
        lines.append(f"\n{self.verdict} in {self.duration:.1f}s (exit code {self.exit_code})")
        return "\n".join(lines)


def render_failure(failure: Failure) -> str:
    repeats = f" (seen {failure.occurrences} times)" if failure.occurrences > 1 else ""
    return (
        f"[{failure.check}] {failure.operation}: {failure.title}{repeats}\n"
        f"   phase:     {failure.phase}\n"
        f"   expected:  {failure.expected}\n"
        f"   actual:    {failure.actual.strip()[:600]}\n"
        f"   reproduce: {failure.curl or '(a sequence of requests; see the phase)'}"
    )
