"""The mock's control API (`<origin>/_mock`), used only when it answers: publish bus events, move the clock.

The contract suite works without it; checks that need it are skipped and reported as skipped.
"""

from __future__ import annotations

from typing import Any

import httpx

__all__ = ["Control", "detect_control"]


class Control:
    # The mock applies a published event (trigger matching, occurrences, the runs it starts) before it answers
    # the publish, so a read after `publish` returns already shows its effects.
    synchronous = True

    def __init__(self, url: str, timeout: float) -> None:
        self.url = url
        self.client = httpx.Client(base_url=url, timeout=timeout)

    def publish(
        self, event_type: str, payload: dict[str, Any], app: str = "payments", version: str | None = None
    ) -> dict[str, Any]:
        """Publish a bus event; ``version`` is its envelope's (the mock's default: the app's release)."""
        body: dict[str, Any] = {"type": event_type, "payload": payload, "app": app}
        if version is not None:
            body["version"] = version
        reply = self.client.post("/events", json=body)
        reply.raise_for_status()
        return reply.json().get("data", {})

    def advance(self, seconds: float) -> None:
        self.client.post("/clock/advance", json={"seconds": seconds}).raise_for_status()

    def close(self) -> None:
        self.client.close()


def detect_control(url: str, timeout: float) -> Control | None:
    """A `Control` when `<url>/clock` answers like the mock's control API, else None."""
    try:
        reply = httpx.get(f"{url}/clock", timeout=timeout)
        body = reply.json() if reply.status_code == 200 else None
    except (httpx.HTTPError, ValueError):
        return None
    if isinstance(body, dict) and isinstance(body.get("data"), dict) and "now" in body["data"]:
        return Control(url, timeout)
    return None
