"""The fast path answers v2 exactly as Connexion does, cursor pages and integer pageSize included.

As in test_fast_path.py: an ignored query parameter sends the same request through Connexion,
and a reset replays ids and dates, so the two runs of one scenario must match byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.test_fast_path import both_ways

Answer = tuple[int, list[tuple[str, str]], bytes]


def scenario(send: Callable[..., httpx.Response]) -> list[Answer]:
    answers: list[httpx.Response] = []

    def call(method: str, path: str, **kwargs: Any) -> httpx.Response:
        answers.append(send(method, path, **kwargs))
        return answers[-1]

    flows = [
        call("POST", "/v2/workflows", json={"name": f"f{n}", "stages": [{"wait_event": {"event": "go"}}]}).json()[
            "data"
        ]["id"]
        for n in range(4)
    ]
    instances = [call("POST", f"/v2/workflows/{f}/instances", json={}).json()["data"]["id"] for f in flows * 3]
    trigger = call("POST", "/v2/triggers", json={"name": "t", "event": "E", "workflowID": flows[0]}).json()["data"]
    for params in ({}, {"pageSize": "2"}, {"pageSize": "0"}, {"pageSize": "1000"}, {"pageSize": "01"}):
        for path in ("/v2/workflows", "/v2/instances", "/v2/triggers", f"/v2/triggers/{trigger['id']}/occurrences"):
            call("GET", path, params=params)
    page = call("GET", "/v2/instances", params={"pageSize": "5", "running": "true"}).json()["cursor"]
    while "next" in page:
        page = call("GET", "/v2/instances", params={"cursor": page["next"]}).json()["cursor"]
    call("GET", "/v2/instances", params={"cursor": page["previous"]})
    call("GET", "/v2/instances", params={"workflowID": flows[1], "pageSize": "2"})
    call("GET", "/v2/instances", params={"cursor": "garbage"})
    call("GET", "/v2/workflows", params={"pageSize": "-1"})
    call("POST", f"/v2/triggers/{trigger['id']}/test", json={"amount": 1})
    call("POST", "/v2/triggers/nope/test", json={})
    for instance in instances[:3]:
        call("GET", f"/v2/instances/{instance}")
        call("POST", f"/v2/instances/{instance}/events", json={"name": "go"})
        call("GET", f"/v2/instances/{instance}/history")
        call("PUT", f"/v2/instances/{instance}/abort")
    call("GET", f"/v2/triggers/{trigger['id']}")
    call("DELETE", f"/v2/triggers/{trigger['id']}")
    call("GET", f"/v2/workflows/{flows[0]}")
    call("DELETE", f"/v2/workflows/{flows[0]}")
    call("GET", "/v2/_info")
    return [(a.status_code, sorted((k, v) for k, v in a.headers.items() if k != "date"), a.content) for a in answers]


@pytest.mark.parametrize("mode", ["spec", "real"])
def test_every_v2_answer_is_the_one_connexion_gives(request: pytest.FixtureRequest, mode: str) -> None:
    fast, slow = both_ways(request, mode, scenario)
    assert {status for status, _, _ in fast} >= {200, 201, 204, 400, 404}
    for step, (quick, connexion) in enumerate(zip(fast, slow, strict=True)):
        assert quick == connexion, f"step {step}"
