"""Hostile input against every operation: never a 5xx, never a hang, errors in the Error shape.

CI runs a few hundred derandomized inputs (``EXAMPLES`` per operation);
``benchmarks/robustness_report.py`` runs the same generator at more than 10,000.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.robustness import servers
from tests.robustness.corpus import CORPUS, Reproducer
from tests.robustness.fuzzing import Fuzzer
from tests.robustness.operations import ALL, API, Operation
from tests.support import RunningMock

EXAMPLES = 12


@pytest.fixture(scope="module")
def fuzzer(demo_mock: RunningMock) -> Iterator[Fuzzer]:
    fuzzer = Fuzzer(demo_mock.url)
    yield fuzzer
    fuzzer.close()


def test_every_operation_is_a_target() -> None:
    assert len([op for op in ALL if op.api == "orchestration"]) == 17 + 18
    assert len([op for op in ALL if op.api == "control"]) == 17


@pytest.mark.parametrize("op", ALL, ids=lambda op: op.name)
def test_hostile_requests_get_client_errors(fuzzer: Fuzzer, op: Operation) -> None:
    fuzzer.run(op, examples=EXAMPLES)
    assert fuzzer.report.failures == []


# Rules that are live but ask for nothing this fuzzer would call a bug: one that never matches, one
# that delays the reads of /_info. Every answer still goes through the rule matching.
QUIET_RULES = (
    {"operationId": "noSuchOperation", "status": 500},
    {"method": "GET", "path": "/_info$", "delayMs": 1},
)


@pytest.fixture(scope="module", params=["fault rules", "tenancy and fault rules"])
def loaded_fuzzer(request: pytest.FixtureRequest) -> Iterator[Fuzzer]:
    """The fuzzer against a mock with live fault rules; the second time also with --tenancy client
    (the fuzzer's tokens then name its tenant, and its resets and rules go to that tenant)."""
    if request.param == "fault rules":
        fuzzer = Fuzzer(request.getfixturevalue("demo_mock").url, fault_rules=QUIET_RULES)
        yield fuzzer
        fuzzer.close()
        return
    args = ("--clock", "manual", "--seed", "1", "--fixtures", "fixtures/demo.yaml", "--tenancy", "client")
    with servers.serving(*args) as mock:
        fuzzer = Fuzzer(mock.url, fault_rules=QUIET_RULES, tenant="fuzz")
        yield fuzzer
        fuzzer.close()


@pytest.mark.parametrize("op", [op for op in ALL if op.api == "orchestration"], ids=lambda op: op.name)
def test_hostile_requests_with_rules_and_tenancy(loaded_fuzzer: Fuzzer, op: Operation) -> None:
    loaded_fuzzer.run(op, examples=EXAMPLES // 2)
    assert loaded_fuzzer.report.failures == []


@pytest.mark.parametrize("case", CORPUS, ids=lambda case: case.name)
def test_corpus_of_past_5xx(demo_mock: RunningMock, case: Reproducer) -> None:
    headers = {"Authorization": f"Bearer {_token(demo_mock.url)}", "Content-Type": case.content_type}
    with httpx.Client(base_url=demo_mock.url, headers=headers, timeout=10) as http:
        http.post("/_mock/reset").raise_for_status()
        reply = http.request(case.method, case.path.format(api=API), content=case.body)
        assert reply.status_code < 500, reply.text
        if reply.status_code >= 400:
            assert set(reply.json()) == {"errorCode", "errorMessage"}
        for path in case.then:
            later = http.get(path.format(api=API))
            assert later.status_code < 500, f"{path} after {case.name}: {later.text[:200]}"


def _token(url: str) -> str:
    data = {"grant_type": "client_credentials", "client_id": "corpus", "client_secret": "x"}
    return str(httpx.post(url + "/api/auth/oauth/token", data=data).json()["access_token"])
