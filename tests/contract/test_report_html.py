"""`--report PATH.html`: a self-contained page whose curl commands reproduce what the real quirks answer."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from contract_tests.core.config import Config
from contract_tests.core.results import Failure, Results
from contract_tests.reports.html import render_html, write_report
from contract_tests.reports.report import Report
from tests.contract.test_cli import cli
from tests.support import running_mock


@dataclass
class FailureSection:
    attrs: dict[str, str]
    blocks: dict[str, str] = field(default_factory=dict)


class ReportParser(HTMLParser):
    """Collects each failure section and the text of its <pre> blocks (entities already unescaped)."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[FailureSection] = []
        self.external: list[str] = []
        self._pre: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag in {"script", "link", "img", "iframe"} or (tag != "a" and "src" in values):
            self.external.append(tag)
        if tag == "section" and values.get("class") == "failure":
            self.sections.append(FailureSection(values))
        elif tag == "pre" and self.sections and values.get("class"):
            self._pre = values["class"]
            self.sections[-1].blocks[self._pre] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._pre = None

    def handle_data(self, data: str) -> None:
        if self._pre is not None:
            self.sections[-1].blocks[self._pre] += data


def parse(html: str) -> ReportParser:
    parser = ReportParser()
    parser.feed(html)
    parser.close()
    return parser


@pytest.mark.slow
def test_the_html_report_lists_deviations_whose_curl_reproduces_them(tmp_path: Path) -> None:
    report = tmp_path / "contract.html"
    with running_mock("--quirks", "real", "--clock", "manual", "--seed", "1") as mock:
        done = cli(
            "--base-url", mock.api, "--client-id", "contract-tests", "--client-secret", "secret",
            "--profile", "quick", "--poll-timeout", "0.05", "--reveal-token", "--report", str(report),
            env={"CI": "1"},
        )  # fmt: skip
        assert done.returncode == 1, done.stderr[-3000:]
        page = parse(report.read_text(encoding="utf-8"))
        assert not page.external  # self-contained: no scripts, stylesheets or images to fetch
        with_curl = [s for s in page.sections if s.blocks.get("curl", "").startswith("curl ")]
        assert len(with_curl) >= 3, [s.attrs for s in page.sections]
        assert all("request" in s.blocks and "response" in s.blocks for s in with_curl)
        # The spec promises 404 for an unknown instance; the real service answers 500.
        unknown = next(
            s for s in with_curl if s.attrs["data-status"] == "500" and s.attrs["data-operation"] == "getInstance"
        )
        replay = subprocess.run(
            ["bash", "-c", unknown.blocks["curl"]], capture_output=True, timeout=30, env=dict(os.environ)
        )
    assert replay.returncode == 0, replay.stderr
    status_line = replay.stdout.split(b"\r\n", 1)[0].decode()
    assert status_line.split()[1] == "500", status_line
    assert unknown.blocks["response"].startswith("500")


def test_server_text_is_escaped() -> None:
    results = Results()
    hostile = "<script>alert(1)</script>"
    results.add_failure(
        Failure(
            check="error_body", operation="getWorkflow", title=hostile, expected="404", actual=f"500 {hostile}",
            curl=f"curl -sS -i -X GET 'http://127.0.0.1:1/x' --data-raw '{hostile}'", phase="invariants",
            status=500, kind="k",
        )
    )  # fmt: skip
    html = render_html(Report(Config(base_url="http://127.0.0.1:1"), results, 0.1, control=False))
    assert hostile not in html and "&lt;script&gt;" in html
    section = parse(html).sections[0]
    assert section.blocks["curl"].endswith(f"'{hostile}'")  # unescaped back, the command is intact
    assert section.blocks["request"] == f"GET http://127.0.0.1:1/x\n\n{hostile}"


def test_a_json_report_path_still_writes_json(tmp_path: Path) -> None:
    # The format follows the extension, case-insensitively; anything else stays JSON.
    report = Report(Config(base_url="http://127.0.0.1:1"), Results(), 0.1, control=False)
    write_report(report, tmp_path / "r.json")
    write_report(report, tmp_path / "r.HTML")
    assert (tmp_path / "r.json").read_text().startswith("{")
    assert (tmp_path / "r.HTML").read_text().startswith("<!DOCTYPE html>")
