"""Hostile input against the ledger API: `Fuzzer` with ledger tokens, a ledger worth aiming at, and the
judge of `--quirks real`.

Spec mode is judged as everywhere else (never a 5xx; every 4xx in the Error shape), but for the bulk
endpoint's documented 400 that lists each element's result instead of one Error. The real service
answers some errors without a body or in plain text (401, 405, an unknown route's 404), and answers 500
where its spec text says v2.4.6 does: in real mode only a 5xx counts, and a 500 only on an operation of
`REAL_500`.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.robustness.fuzzing import Fuzzer, judge
from tests.robustness.hostile import HostileRequest, Targets
from tests.robustness.ledger_operations import LEDGER_API, REAL_500, routed
from tests.robustness.rawhttp import Reply

__all__ = ["LedgerFuzzer", "judge_real", "judge_spec"]

LEDGER = "fuzz"
SCOPES = ("ledger:read ledger:write", "ledger:read")


def judge_spec(request: HostileRequest, reply: Reply, *, oauth: bool = False) -> str | None:
    """`fuzzing.judge`, with the bulk's per-element 400 (`{"data": [...]}`) accepted."""
    if request.op == "v2CreateBulk" and reply.status == 400:
        try:
            if isinstance(json.loads(reply.body).get("data"), list):
                return None
        except (ValueError, AttributeError):
            pass
    return judge(request, reply, oauth=oauth)


def judge_real(request: HostileRequest, reply: Reply, *, oauth: bool = False) -> str | None:
    """None when `--quirks real` may answer this, else what is wrong with it. A request sent with
    another method than its operation's (a 405 probe) is judged as the operation it reaches."""
    reached = routed(request.method, request.target) or request.op
    if reply.status == 500 and reached in REAL_500:
        return None  # a 500 the spec says the release answers here
    if reply.status >= 500:
        return f"{reply.status} {reply.body[:200]!r} (the spec names no 500 of v2.4.6 for {reached})"
    return None


class LedgerFuzzer(Fuzzer):
    """One mock, one connection, a ledger with bookings in it (rebuilt at each reseed)."""

    def __init__(self, url: str, *, real: bool = False, **options: Any) -> None:
        super().__init__(url, scopes=SCOPES, **options)
        self.judge = judge_real if real else judge_spec

    def reseed(self) -> Targets:
        """Reset the mock, then create the ledger the requests aim at: two bookings, an account with metadata."""
        httpx.post(self.url + "/_mock/reset", timeout=10).raise_for_status()
        headers = {"Authorization": f"Bearer {self.tokens['write']}"}
        root = f"{self.url}{LEDGER_API}/v2/{LEDGER}"
        with httpx.Client(headers=headers, timeout=10) as http:
            http.post(root, json={}).raise_for_status()
            for amount in (100, 250):
                posting = {"source": "world", "destination": "users:alice", "amount": amount, "asset": "USD/2"}
                body = {"postings": [posting], "metadata": {"order": "o-1"}}
                http.post(f"{root}/transactions", json=body).raise_for_status()
            http.post(f"{root}/accounts/users:alice/metadata", json={"tier": "gold"}).raise_for_status()
        return Targets(workflow="", instance="", trigger="", ledger=LEDGER, address="users:alice", transaction="1")
