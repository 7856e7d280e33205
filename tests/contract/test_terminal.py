"""What a person sees: the CLI under a pseudo-terminal shows a live progress line, then the summary tables;
with CI set the same run writes plain lines, with no carriage-return redraws to garble a CI log."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import sys
import time

import pytest

from tests.contract.conftest import reset
from tests.support import ROOT, RunningMock

# A carriage return not ending a line (the pty turns "\n" into "\r\n") or an erase-line escape: a redraw.
REDRAW = re.compile(r"\r(?!\n)|\x1b\[2K")


def run_in_pty(args: list[str], env: dict[str, str], timeout: float = 120.0) -> tuple[int, str]:
    """Run the CLI with stdin, stdout and stderr on one pseudo-terminal; return its exit code and output."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: never return into pytest, whatever happens
        try:
            os.chdir(ROOT)
            os.execve(sys.executable, [sys.executable, "-m", "contract_tests", *args], env)
        finally:
            os._exit(127)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    timed_out = False
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        else:
            timed_out = True
            os.kill(pid, signal.SIGKILL)
    finally:
        os.close(fd)
    _, status = os.waitpid(pid, 0)  # reaped on every path, a timeout included
    output = b"".join(chunks).decode(errors="replace")
    if timed_out:
        pytest.fail(f"the CLI did not finish in {timeout}s:\n{output[-3000:]}")
    return os.waitstatus_to_exitcode(status), output


@pytest.mark.slow
@pytest.mark.parametrize("ci", [False, True], ids=["terminal", "ci"])
def test_progress_and_summary_on_a_terminal(ci: bool, mock_server: RunningMock) -> None:
    reset(mock_server)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update({"TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"})
    if ci:
        env["CI"] = "true"
    args = ["--base-url", mock_server.api, "--client-id", "contract-tests", "--client-secret", "secret"]
    code, out = run_in_pty([*args, "--profile", "quick", "--poll-timeout", "0.05"], env)
    assert code == 0, out[-3000:]
    # The summary: the per-operation and per-check tables, and the verdict.
    assert "Operations:" in out and "Checks:" in out and "CONFORMS" in out
    assert re.search(r"getWorkflow\s+\d+ requests", out) and re.search(r"ok\s+envelope\s+\d+ runs", out)
    if ci:
        assert "[auth] started" in out and "[conformance] passed" in out
        assert not REDRAW.search(out), repr(REDRAW.search(out))
    else:
        assert "violation(s) so far" in out  # the live status line
        assert REDRAW.search(out)  # redrawn in place, not scrolled
        assert "[auth] started" not in out
