"""The suite's own model of webhooks configs (formancehq/webhooks v2.3.2, as spec/webhooks.v1.yaml describes
it), and the documented signature recipe. Written from the spec's descriptions, sharing no code with the mock.

What it predicts, each a release behaviour a REST habit would get wrong:
- create answers 200, the config active, its event types lower-cased (not trimmed, duplicates kept) and a
  32-character secret generated when none (or `""`) is given;
- the list is every config, most recently *touched* first: activation, deactivation and a secret change move
  a config to the top, a `PUT` update does not; no pagination;
- update and delete answer 200 with no body; an update without a secret draws a new one (unseen until listed);
- activate, deactivate and secret change answer the config as it was before, with only the changed field
  changed (so the *previous* `updatedAt`), and change nothing when nothing would change.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass, field

__all__ = ["ConfigState", "WebhooksModel", "refusal", "sign", "signature_valid"]

SECRET_BYTES = 24
# What Go's url.Parse refuses that a client may plausibly send: ASCII control characters, a port that is not
# digits, a bad percent escape. Anything else is an endpoint (no scheme or host required).
_BAD_PORT = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*:[^/?#\]]*[^0-9/?#\]][^/?#\]]*(?:[/?#]|$)")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def refusal(endpoint: str, secret: str | None, event_types: list[str] | None) -> str | None:
    """Why the release refuses a config (the 400 message after `invalid config: `), or None when it accepts
    it. Checked in the release's order: endpoint, secret, event types."""
    if endpoint == "" or any(ord(c) < 0x20 or c == "\x7f" for c in endpoint):
        return "endpoint should be a valid url"
    if _BAD_PORT.match(endpoint) or _BAD_ESCAPE.search(endpoint):
        return "endpoint should be a valid url"
    if secret:
        try:
            decoded = base64.b64decode(secret.replace("\r", "").replace("\n", ""), validate=True)
        except (binascii.Error, ValueError):
            return "secret should be base64 encoded"
        if len(decoded) != SECRET_BYTES:
            return "decoded secret should be of size 24"
    if not event_types or any(t == "" for t in event_types):
        return "eventTypes should be filled"
    return None


def sign(webhook_id: str, timestamp: str, body: bytes, secret: str) -> str:
    """The documented signature: `v1,` + base64 of HMAC-SHA256 over `<id>.<timestamp>.<body>`, keyed with
    the secret *string* (its UTF-8 bytes, not base64-decoded)."""
    digest = hmac.new(secret.encode(), f"{webhook_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_valid(header: str, webhook_id: str, timestamp: str, body: bytes, secret: str) -> bool:
    """Whether any space-separated signature of the header is the documented one (compared in constant time)."""
    wanted = sign(webhook_id, timestamp, body, secret)
    return any(hmac.compare_digest(candidate, wanted) for candidate in header.split(" "))


@dataclass
class ConfigState:
    id: str
    endpoint: str
    secret: str | None  # None: drawn by the server and not shown yet (an update without a secret)
    event_types: list[str]
    active: bool = True
    touched: int = 0  # the model's clock of `updatedAt` changes: the list sorts on it
    updated_at: str = ""  # as last answered


@dataclass
class WebhooksModel:
    configs: dict[str, ConfigState] = field(default_factory=dict)
    _clock: int = 0

    def _tick(self) -> int:
        self._clock += 1
        return self._clock

    def created(self, answer: dict[str, object], event_types: list[str]) -> ConfigState:
        """Record a config the server created (its id, secret and timestamps are the server's)."""
        state = ConfigState(
            id=str(answer["id"]),
            endpoint=str(answer.get("endpoint")),
            secret=str(answer.get("secret")),
            event_types=[t.lower() for t in event_types],
            touched=self._tick(),
            updated_at=str(answer.get("updatedAt")),
        )
        self.configs[state.id] = state
        return state

    def updated(self, config_id: str, endpoint: str, secret: str | None, event_types: list[str]) -> None:
        state = self.configs.get(config_id)
        if state is not None:  # an unknown id: 200, nothing changes
            state.endpoint, state.event_types = endpoint, [t.lower() for t in event_types]
            state.secret = secret or None  # no secret: a new, unknown one

    def set_active(self, config_id: str, active: bool) -> bool:
        """Apply (de)activation; True when something changed (the stored `updatedAt` moves)."""
        state = self.configs[config_id]
        if state.active == active:
            return False
        state.active = active
        state.touched = self._tick()
        return True

    def change_secret(self, config_id: str, secret: str | None) -> bool:
        """Apply a secret change; `None` (generated) always changes it. True when something changed."""
        state = self.configs[config_id]
        if secret is not None and state.secret == secret:
            return False
        state.secret = secret
        state.touched = self._tick()
        return True

    def deleted(self, config_id: str) -> None:
        self.configs.pop(config_id, None)

    def order(self, among: set[str]) -> list[str]:
        """The ids of `among` the model knows, as the list must order them: most recently touched first."""
        known = [c for c in self.configs.values() if c.id in among]
        return [c.id for c in sorted(known, key=lambda c: c.touched, reverse=True)]

    def expected_view(self, config_id: str) -> dict[str, object]:
        """The fields of a config the model is sure of."""
        state = self.configs[config_id]
        view: dict[str, object] = {"id": state.id, "endpoint": state.endpoint, "eventTypes": state.event_types}
        view["active"] = state.active
        if state.secret is not None:
            view["secret"] = state.secret
        return view
