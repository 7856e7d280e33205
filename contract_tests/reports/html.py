"""The HTML rendering of a `Report` (`--report PATH.html`): one self-contained page, no external assets.

Everything that came from the server or from generated data is escaped: a hostile implementation under test
must not be able to script the page a person opens.
"""

from __future__ import annotations

import shlex
from html import escape
from pathlib import Path

from contract_tests.core.results import Failure
from contract_tests.reports.coverage import coverage_html
from contract_tests.reports.report import Report

__all__ = ["HTML_SUFFIXES", "render_html", "write_html", "write_report"]

HTML_SUFFIXES = frozenset({".html", ".htm"})

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: left; vertical-align: top; }
td.n { text-align: right; }
.fail { color: #b00020; font-weight: bold; }
.ok { color: #1b7f3b; }
pre { background: #f5f5f5; padding: 0.5em; white-space: pre-wrap; word-break: break-all; }
section.failure { border-left: 4px solid #b00020; padding-left: 1em; margin-bottom: 1.5em; }
"""


def _request_line(curl: str) -> str:
    """Method, URL and body read back from the curl command, which is the one record of the request."""
    try:
        words = shlex.split(curl.split(" | ")[-1])
    except ValueError:
        return curl
    if "-X" not in words or words.index("-X") + 2 > len(words):
        return curl
    at = words.index("-X")
    line = f"{words[at + 1]} {words[at + 2]}"
    if "--data-raw" in words[:-1]:
        line += "\n\n" + words[words.index("--data-raw") + 1]
    elif " | " in curl:
        line += "\n\n(binary body, see the curl command)"
    return line


def _failure(index: int, failure: Failure) -> str:
    repeats = f" (seen {failure.occurrences} times)" if failure.occurrences > 1 else ""
    accepted = f"<p>accepted deviation: {escape(failure.accepted)}</p>" if failure.accepted is not None else ""
    if failure.curl:
        request = f"<pre class='request'>{escape(_request_line(failure.curl))}</pre>"
        curl = f"<pre class='curl'>{escape(failure.curl)}</pre>"
    else:
        request = "<p>(a sequence of requests; see the phase)</p>"
        curl = ""
    return (
        f"<section class='failure' data-check='{escape(failure.check)}' "
        f"data-operation='{escape(failure.operation)}' data-status='{failure.status or ''}'>\n"
        f"<h3>{index}. [{escape(failure.check)}] {escape(failure.operation)}: {escape(failure.title)}"
        f"{repeats}</h3>\n{accepted}"
        f"<p>phase: {escape(failure.phase)} &middot; expected: {escape(failure.expected)}</p>\n"
        f"<h4>Request</h4>\n{request}\n<h4>Response</h4>\n<pre class='response'>{escape(failure.actual)}</pre>\n"
        f"<h4>Reproduce</h4>\n{curl}\n</section>"
    )


def _operations(report: Report) -> str:
    results = report.results
    parts = []
    for name in sorted(set(results.operations) | set(results.operation_checks)):
        stats = results.operations.get(name)
        requests = stats.requests if stats else 0
        rows = "".join(
            f"<tr><td class='{'fail' if c.failures else 'ok'}'>{'FAIL' if c.failures else 'ok'}</td>"
            f"<td>{escape(check)}</td><td class='n'>{c.runs}</td><td class='n'>{c.failures}</td></tr>"
            for check, c in sorted(results.operation_checks.get(name, {}).items())
        )
        parts.append(
            f"<h3 id='op-{escape(name)}'>{escape(name)} ({requests} requests)</h3>\n"
            f"<table><tr><th></th><th>check</th><th>runs</th><th>failures</th></tr>{rows}</table>"
        )
    return "\n".join(parts)


def render_html(report: Report) -> str:
    results, config = report.results, report.config
    new, accepted = results.new_failures, results.accepted_failures
    verdict = report.verdict
    phases = "".join(
        f"<tr><td>{escape(n)}</td><td>{escape(p.status)}</td><td class='n'>{p.duration:.1f}s</td></tr>"
        for n, p in results.phases.items()
    )
    skipped = "".join(f"<li>{escape(s.name)}: {escape(s.reason)}</li>" for s in results.skipped)
    errors = "".join(f"<li><pre>{escape(e)}</pre></li>" for e in results.errors)
    failures = "\n".join(_failure(i, f) for i, f in enumerate(new, 1))
    accepted_html = "\n".join(_failure(i, f) for i, f in enumerate(accepted, 1))
    title = f"{config.service.name.capitalize()} contract"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}: {escape(config.base_url or "")}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>{title}: {escape(config.base_url or "")}</h1>
<p class='{"ok" if report.exit_code == 0 else "fail"}' id='verdict'>{escape(verdict)} in {report.duration:.1f}s
(exit code {report.exit_code}); seed {config.seed}, max-examples {config.max_examples}</p>
<p>{escape(report.token_hint())}</p>
<h2>Phases</h2>
<table><tr><th>phase</th><th>status</th><th>duration</th></tr>{phases}</table>
<h2>Violations ({len(new)})</h2>
{failures or "<p>None.</p>"}
<h2>Accepted deviations ({len(accepted)})</h2>
{accepted_html or "<p>None.</p>"}
{coverage_html(results.coverage, report.coverage_unmet)}
<h2>Checks per operation</h2>
{_operations(report)}
<h2>Skipped</h2>
<ul>{skipped}</ul>
<h2>Suite errors</h2>
<ul>{errors}</ul>
</body>
</html>
"""


def write_html(report: Report, path: Path) -> None:
    Path(path).write_text(render_html(report), encoding="utf-8")


def write_report(report: Report, path: Path) -> None:
    """`--report`: HTML when the file name ends in .html/.htm, JSON otherwise."""
    if Path(path).suffix.lower() in HTML_SUFFIXES:
        write_html(report, path)
    else:
        report.write_json(path)
