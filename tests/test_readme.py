"""The README's code blocks, run as written (only the port changes) against a real mock.

Every fenced block of README.md is either run here or listed in `NOT_RUN` with the reason, so a new block
without a test fails `test_every_block_is_covered`.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support import ROOT, RunningMock, running_mock, token_for

README = ROOT / "README.md"
README_PORT = "55001"


@dataclass(frozen=True)
class Block:
    language: str
    code: str


def readme_blocks() -> list[Block]:
    pattern = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
    return [Block(m.group(1), m.group(2)) for m in pattern.finditer(README.read_text())]


def with_port(code: str, mock: RunningMock) -> str:
    port = mock.url.rsplit(":", 1)[1]
    return code.replace(f"127.0.0.1:{README_PORT}", f"127.0.0.1:{port}")


# Blocks that start long-lived processes or talk to servers outside this machine; a substring identifies each.
NOT_RUN = {
    # `make run` and `make test` share one block.
    "make run": "`make run` serves until interrupted and `make test` is the whole suite, this file included",
    "orchestration-contract --base-url https://staging": "needs an external staging server and credentials",
    "st --config-file docs/schemathesis.toml run": "tests/contract/test_plain_schemathesis.py runs it, bounded",
    "st --config-file docs/schemathesis-ledger.toml run": "tests/ledger/test_plain_schemathesis.py, "
    "tests/wallets/test_plain_schemathesis.py and tests/webhooks/test_plain_schemathesis.py run them, bounded",
    "orchestration-mock record --from https://STACK": "needs a live stack; tests/test_record.py records a mock",
    "orchestration-contract proxy --upstream": "serves until signalled (test_validating_proxy.py drives it)",
    "orchestration-mock webhooks listen --port 4000": "serves until interrupted; tests/webhooks drive it",
    "orchestration-contract diff --base-url": "needs a staging server; tests/contract/test_diff.py diffs two mocks",
    # Outputs shown under the commands that print them.
    "Status coverage: 33/70 declared": "the status-coverage block's output, which its test checks",
    "5. getWorkflow: status 404 on A, 500 on B": "diff output; tests/contract/test_diff.py checks these lines",
}

# Blocks run by the tests below, identified the same way.
RUN = {
    "TOKEN=$(curl -s -d grant_type=client_credentials": "test_the_curl_block",
    "sdk.orchestration.v1.list_workflows()": "test_the_sdk_block",
    "LEDGER=http://127.0.0.1:55001/api/ledger/v2/default": "test_the_ledger_curl_block",
    "ledger = sdk.ledger.v2": "test_the_ledger_sdk_block",
    "# A split payout on the demo's ledger": "test_the_numscript_block",
    "WALLETS=http://127.0.0.1:55001/api/wallets": "test_the_wallets_curl_block",
    "wallets = sdk.wallets.v1": "test_the_wallets_sdk_block",
    'pytest_plugins = ["mockserver.testing"]': "test_the_pytest_fixture_block",
    "-H 'Prefer: code=404'": "test_the_faults_block",
    "http://127.0.0.1:55001/api/webhooks/configs": "test_the_webhooks_curl_block",
    "def verify(headers: dict[str, str], body: bytes, secret: str)": "test_the_signature_block",
    "def test_payment_webhook(orchestration_mock, webhook_receiver)": "test_the_webhook_receiver_block",
    "/_mock/webhooks/faults": "test_the_delivery_faults_block",
    "--require-status getWorkflow:200": "test_the_status_coverage_block",
}


def find_block(marker: str) -> Block:
    matches = [b for b in readme_blocks() if marker in b.code]
    assert len(matches) == 1, f"expected one README block containing {marker!r}, found {len(matches)}"
    return matches[0]


def test_every_block_is_covered() -> None:
    markers = [*NOT_RUN, *RUN]
    for block in readme_blocks():
        owners = [m for m in markers if m in block.code]
        assert len(owners) == 1, f"README block without exactly one test or NOT_RUN entry:\n{block.code}"
    assert all(callable(globals().get(name)) for name in RUN.values())


@pytest.fixture(scope="module")
def mock() -> Iterator[RunningMock]:
    """The mock as `make run` serves it, with the demo fixtures."""
    with running_mock("--fixtures", str(ROOT / "fixtures" / "demo.yaml")) as running:
        yield running


def run_sh(block: Block, mock: RunningMock) -> list[str]:
    """A shell block, run from a fresh demo state with $TOKEN set as the README's first block sets it;
    its output lines."""
    assert block.language == "sh"
    httpx.post(mock.url + "/_mock/reset").raise_for_status()
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", with_port(block.code, mock)],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "TOKEN": token_for(mock.url)},
    )
    assert done.returncode == 0, done.stderr
    return [line for line in done.stdout.splitlines() if line.strip()]


def test_the_curl_block(mock: RunningMock) -> None:
    block = find_block("TOKEN=$(curl -s -d grant_type=client_credentials")
    assert block.language == "sh"
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", with_port(block.code, mock)],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"},
    )
    assert done.returncode == 0, done.stderr
    v1, v2 = (json.loads(line) for line in done.stdout.splitlines())  # the v1 list, then a v2 page
    assert "data" in v1 and v2["cursor"]["pageSize"] == 2


def test_the_status_coverage_block(mock: RunningMock) -> None:
    """The gate example: exit 1, naming the required pair never answered and the coverage below 90 %."""
    block = find_block("--require-status getWorkflow:200")
    code = with_port(block.code, mock).replace("orchestration-contract", f"{sys.executable} -m contract_tests")
    httpx.post(mock.url + "/_mock/reset").raise_for_status()
    done = subprocess.run(["bash", "-uc", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 1, done.stderr
    assert "UNMET required status never answered: getWorkflow:200" in done.stdout
    unmet = done.stdout.split("UNMET", 1)[1]
    assert "is below --min-status-coverage 90%" in unmet and "getWorkflow:401" not in unmet


def test_the_faults_block(mock: RunningMock) -> None:
    block = find_block("-H 'Prefer: code=404'")
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", with_port(block.code, mock)],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "TOKEN": token_for(mock.url)},
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines() if line]
    forced, first_rule, second_rule, third_rule, listed = lines
    assert forced["errorCode"] == "NOT_FOUND"
    assert first_rule["data"]["status"] == 503 and second_rule["data"]["delayMs"] == 1500
    assert third_rule["data"]["reset"] is True
    rules = [first_rule, second_rule, third_rule]
    assert [r["id"] for r in listed["data"]] == [r["data"]["id"] for r in rules]
    assert httpx.get(mock.url + "/_mock/faults").json() == {"data": []}  # the block ends by removing them


def test_the_sdk_block(mock: RunningMock) -> None:
    block = find_block("sdk.orchestration.v1.list_workflows()")
    assert block.language == "python"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(with_port(block.code, mock), "README.md", "exec"), {"__name__": "readme"})
    v1, v2 = out.getvalue().strip().splitlines()  # the v1 list, then the first v2 page
    assert v1.startswith("[") and v2.startswith("["), out.getvalue()


def split_files(code: str) -> dict[str, str]:
    """The block shows several files, each introduced by a `# name.py` comment line."""
    files: dict[str, str] = {}
    name: str | None = None
    for line in code.splitlines(keepends=True):
        header = re.fullmatch(r"# (\w+\.py)\n?", line)
        if header:
            name = header.group(1)
            files[name] = ""
        elif name is not None:
            files[name] += line
    return files


@pytest.mark.slow
def test_the_pytest_fixture_block(tmp_path: Path) -> None:
    block = find_block('pytest_plugins = ["mockserver.testing"]')
    files = split_files(block.code)
    assert set(files) == {"conftest.py", "test_checkout.py"}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "1 passed" in done.stdout


def test_the_ledger_curl_block(mock: RunningMock) -> None:
    page, alice, paid, hit, revert = run_sh(find_block("LEDGER=http://127.0.0.1:55001/api/ledger/v2/default"), mock)
    cursor = json.loads(page)["cursor"]
    assert [tx["id"] for tx in cursor["data"]] == [5, 4] and cursor["hasMore"] is True and cursor["next"]
    assert json.loads(alice)["data"]["volumes"] == {"EUR/2": {"input": 50800, "output": 1750, "balance": 49050}}
    assert json.loads(paid)["data"]["id"] == 6 and json.loads(paid)["data"]["metadata"] == {"order": "1002"}
    assert hit.strip().lower() == "idempotency-hit: true"
    reverted = json.loads(revert)["data"]
    assert reverted["id"] == 7 and reverted["metadata"] == {"com.formance.spec/state/reverts": "2"}
    assert reverted["postings"] == [
        {"source": "platform:fees", "destination": "users:alice", "amount": 250, "asset": "EUR/2"}
    ]
    transactions = httpx.get(mock.url + "/_mock/ledgers/default/transactions").json()["data"]
    assert [tx["id"] for tx in transactions] == [1, 2, 3, 4, 5, 6, 7]  # the repeated transfer booked nothing


def test_the_ledger_sdk_block(mock: RunningMock) -> None:
    block = find_block("ledger = sdk.ledger.v2")
    assert block.language == "python"
    httpx.post(mock.url + "/_mock/reset").raise_for_status()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(with_port(block.code, mock), "README.md", "exec"), {"__name__": "readme"})
    assert out.getvalue().splitlines() == ["49050", "6 48950", "[6]"]


def test_the_numscript_block(mock: RunningMock) -> None:
    split, machine, interpreter = (json.loads(line)["data"] for line in run_sh(find_block("# A split payout"), mock))
    assert [(p["source"], p["destination"], p["amount"]) for p in split["postings"]] == [
        ("users:alice", "merchants:42", 800),
        ("users:alice", "platform:fees", 200),
    ]
    assert split["metadata"] == {"order": "1004", "kind": "payout"}
    assert [(p["source"], p["amount"]) for p in machine["postings"]] == [("users:dave", 0), ("world", 100)]
    assert [(p["source"], p["amount"]) for p in interpreter["postings"]] == [("world", 100)]
    transactions = httpx.get(mock.url + "/_mock/ledgers/default/transactions").json()["data"]
    assert [tx["id"] for tx in transactions][-1] == split["id"] == 6  # the dry runs booked nothing


def test_the_webhooks_curl_block(mock: RunningMock) -> None:
    created, attempts = (json.loads(line) for line in run_sh(find_block("/api/webhooks/configs"), mock))
    config = created["data"]
    assert config["endpoint"] == "http://127.0.0.1:4000/webhooks" and config["active"] is True and config["secret"]
    assert config["eventTypes"] == ["ledger.committed_transactions"]
    assert attempts["data"] == []  # nothing published yet, nothing delivered


def test_the_signature_block() -> None:
    namespace: dict[str, object] = {}
    exec(compile(find_block("def verify(headers").code, "README.md", "exec"), namespace)
    verify = namespace["verify"]
    headers = {  # the release's own test vector (formancehq/webhooks pkg/security tests)
        "formance-webhook-id": "msg_1",
        "formance-webhook-timestamp": "1700000000",
        "formance-webhook-signature": "v1,HjH/yID4QAfs43xBlRyhWP+ohE2Zd5x/Vqtls4QpYsw=",
    }
    secret = "V0bivxRWveaoz08afqjU6Ko/jwO0Cb+3"
    assert verify(headers, b'{"data":"test"}', secret) is True  # type: ignore[operator]
    assert verify(headers, b'{"data":"tost"}', secret) is False  # type: ignore[operator]


def test_the_webhook_receiver_block(tmp_path: Path) -> None:
    code = find_block("def test_payment_webhook(").code
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["mockserver.testing"]\n')
    (tmp_path / "test_webhook.py").write_text(code)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "1 passed" in done.stdout


def test_the_delivery_faults_block(mock: RunningMock) -> None:
    created, listed = (json.loads(line) for line in run_sh(find_block("/_mock/webhooks/faults"), mock))
    rule = created["data"]
    assert rule["eventType"] == "ledger.committed_transactions" and rule["drop"] is True and rule["times"] == 1
    assert [r["id"] for r in listed["data"]] == [rule["id"]]
    assert httpx.get(mock.url + "/_mock/webhooks/faults").json() == {"data": []}  # the block ends by removing them


def test_the_wallets_curl_block(mock: RunningMock) -> None:
    hold, summary, account = (json.loads(line)["data"] for line in run_sh(find_block("WALLETS=http://"), mock))
    assert (hold["originalAmount"], hold["remaining"], hold["destination"]["identifier"]) == (3000, 2000, "shops:42")
    assert summary["availableFunds"] == {"EUR/2": 29000} and summary["holdFunds"] == {"EUR/2": 0}
    assert account["volumes"] == {"EUR/2": {"input": 32000, "output": 3000, "balance": 29000}}  # one top-up
    assert account["metadata"]["wallets/spec/type"] == "wallets.primary"
    shop = httpx.get(mock.url + "/_mock/ledgers/wallets-002/transactions").json()["data"]
    assert [p["destination"] for tx in shop for p in tx["postings"]].count("shops:42") == 1  # the confirmation


def test_the_wallets_sdk_block(mock: RunningMock) -> None:
    block = find_block("wallets = sdk.wallets.v1")
    assert block.language == "python"
    httpx.post(mock.url + "/_mock/reset").raise_for_status()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(with_port(block.code, mock), "README.md", "exec"), {"__name__": "readme"})
    assert out.getvalue().splitlines() == ["24700 {'coupons': 0, 'main': 24700}"]
