"""The configs of one tenant and the writes on them, as ``pkg/storage/postgres/postgres.go`` makes them.

These are the state-changing commands ``--state-file`` journals (``webhooks.configs.*``): their
arguments are already validated, plain JSON values, and what they draw (ids, generated
secrets) comes from the recorded id source, so a replay rebuilds the same configs.

Release behaviours kept, each surprising to REST habits:
- ``update`` writes endpoint, secret and event types and nothing else: ``updatedAt``,
  ``active`` and ``name`` stay, and an unknown id changes nothing (no existence check,
  ``postgres.go:61-73``);
- ``set_active`` and ``rotate`` answer the config as read *before* the write, with only the
  changed field changed: its ``updatedAt`` is the old one, while the stored one becomes now;
  asking for the state or secret it already has changes nothing (``postgres.go:93-141``);
- lists are newest-``updatedAt`` first (``postgres.go:44``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from mockserver.core.clock import Clock
from mockserver.errors import ValidationError
from mockserver.webhooks.errors import config_not_found
from mockserver.webhooks.model import Config
from mockserver.webhooks.rules import ConfigUser, new_secret, validate_config_user

MAX_CONFIGS = 10_000


class Configs:
    def __init__(self, *, clock: Clock, draw: Callable[[], str], host_refusal: Callable[[str], str | None]) -> None:
        self.clock = clock
        self._draw = draw
        self._host_refusal = host_refusal
        self._by_id: dict[str, Config] = {}
        self._touches = 0

    def __len__(self) -> int:
        return len(self._by_id)

    def clear(self) -> None:
        self._by_id.clear()

    # --- reads ------------------------------------------------------------------------------
    def get(self, config_id: str) -> Config | None:
        return self._by_id.get(config_id)

    def listed(self, filters: dict[str, str] | None = None) -> list[Config]:
        """Newest ``updatedAt`` first, filtered by exact ``id`` and/or ``endpoint``."""
        found = [
            c
            for c in self._by_id.values()
            if all(getattr(c, "id" if key == "id" else "endpoint") == value for key, value in (filters or {}).items())
        ]
        return sorted(found, key=lambda c: (c.updated_at, c.touched), reverse=True)

    def matching(self, event_type: str) -> list[Config]:
        """The active configs listening to ``event_type``, in the release's order."""
        return [c for c in self.listed() if c.active and event_type in c.event_types]

    def claimable(self, config_id: str) -> bool | None:
        """True when a retry of this config may go, False while it is inactive, None once deleted."""
        config = self._by_id.get(config_id)
        return None if config is None else config.active

    # --- writes (recorded) ------------------------------------------------------------------
    def create(
        self, endpoint: str, secret: str, event_types: list[str], config_id: str | None = None
    ) -> dict[str, Any]:
        if len(self._by_id) >= MAX_CONFIGS:
            raise ValidationError(f"the mock keeps at most {MAX_CONFIGS} webhooks configs")
        now = self.clock.now()
        config = Config(
            id=config_id or self._draw(),
            endpoint=endpoint,
            secret=secret or new_secret(self._draw),
            event_types=list(event_types),
            created_at=now,
            updated_at=now,
            touched=self._touch(),
        )
        self._by_id[config.id] = config
        return config.view()

    def update(self, config_id: str, endpoint: str, secret: str, event_types: list[str]) -> None:
        secret = secret or new_secret(self._draw)  # a missing secret is a new one, even here
        config = self._by_id.get(config_id)
        if config is not None:
            config.endpoint, config.secret, config.event_types = endpoint, secret, list(event_types)

    def delete(self, config_id: str) -> None:
        if self._by_id.pop(config_id, None) is None:
            raise config_not_found()

    def set_active(self, config_id: str, active: bool) -> dict[str, Any]:
        config = self._found(config_id)
        if config.active == active:
            return config.view()
        shown = {**config.view(), "active": active}
        config.active = active
        self._bump(config)
        return shown

    def rotate(self, config_id: str, secret: str) -> dict[str, Any]:
        config = self._found(config_id)
        secret = secret or new_secret(self._draw)
        if config.secret == secret:
            return config.view()
        shown = {**config.view(), "secret": secret}
        config.secret = secret
        self._bump(config)
        return shown

    def load(self, entries: Iterable[dict[str, Any]]) -> int:
        """Fixture configs (``webhooks:`` in a fixture document), checked as the API checks them."""
        checked = []
        for number, entry in enumerate(entries):
            user = ConfigUser(entry["endpoint"], entry.get("secret") or "", list(entry["eventTypes"]))
            try:
                validate_config_user(user)
                refusal = self.host_refusal(user.endpoint)
                if refusal is not None:
                    raise ValidationError(f"invalid config: {refusal}")
            except ValidationError as exc:
                raise ValidationError(f"webhooks/{number}: {exc.message}") from None
            if entry.get("id") in self._by_id:
                raise ValidationError(f"webhooks/{number}/id: config {entry['id']!r} exists already")
            checked.append((user, entry))
        for user, entry in checked:
            shown = self.create(user.endpoint, user.secret, user.event_types or [], entry.get("id"))
            if entry.get("active") is False:
                self.set_active(shown["id"], False)
        return len(checked)

    def host_refusal(self, endpoint: str) -> str | None:
        return self._host_refusal(endpoint)

    def _found(self, config_id: str) -> Config:
        config = self._by_id.get(config_id)
        if config is None:
            raise config_not_found()
        return config

    def _bump(self, config: Config) -> None:
        config.updated_at = self.clock.now()
        config.touched = self._touch()

    def _touch(self) -> int:
        self._touches += 1
        return self._touches
