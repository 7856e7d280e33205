"""The stack's ledger API beside the orchestration under test: it creates the ledgers runs book on.

A workflow's send books on a ledger that must exist (the real orchestration retries forever on
LEDGER_NOT_FOUND, and never creates one), so the suite creates the ledgers its runs name before
running them, as a stack's operator would. It finds the ledger API at ``--ledger-url`` or, when the
base URL is a gateway's ``.../api/orchestration``, beside it at ``.../api/ledger``; an existing
ledger is fine. Without a ledger API the runs that need a fresh ledger are skipped and reported.
"""

from __future__ import annotations

import httpx

from contract_tests.core.config import Config

__all__ = ["STANDARD_LEDGERS", "Ledgers", "detect_ledgers"]

# The ledgers the generated workflows and the scenarios name, and orchestration's internal one (where a send
# from a payment books it).
STANDARD_LEDGERS = ("default", "main", "payments", "orchestration-000-internal")


class Ledgers:
    def __init__(self, url: str, token: str | None, timeout: float) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.url = url
        self.client = httpx.Client(base_url=url, headers=headers, timeout=timeout)

    def ensure(self, name: str) -> bool:
        """Create ledger ``name`` unless it exists; False when the ledger API refused both."""
        try:
            reply = self.client.post(f"/v2/{name}", json={})
        except httpx.HTTPError:
            return False
        if reply.status_code == 204:
            return True
        try:
            code = reply.json().get("errorCode")
        except (ValueError, AttributeError):
            code = None
        return reply.status_code == 400 and code == "LEDGER_ALREADY_EXISTS"

    def close(self) -> None:
        self.client.close()


def detect_ledgers(config: Config, token: str | None) -> Ledgers | None:
    """A `Ledgers` when the ledger API answers its info route as a ledger, else None."""
    url = config.effective_ledger_url
    if url is None:
        return None
    try:
        reply = httpx.get(f"{url}/_/info", timeout=config.request_timeout)
        server = reply.json().get("server") if reply.status_code == 200 else None
    except (httpx.HTTPError, ValueError, AttributeError):
        return None
    return Ledgers(url, token, config.request_timeout) if server == "ledger" else None
