"""Where each API of the stack is served, and what the edge needs to know about it.

One ``Mount`` per Connexion API: a service's spec (one version of it), its handlers by
operationId, the gateway prefix the service lives under (``/api/ledger``), the base path of
the spec's paths below that prefix, and which of its paths need a token. Orchestration
is also served at the root, as the service itself is, with a ``root_path`` the gateway sets
for the prefixed form; every other service is mounted with its prefix in Connexion's base
path. The edge (auth, routing quirks, forced answers, fast path, 405 ``Allow``) reads the
mounts; it never names a service.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

Handler = Callable[..., Awaitable[tuple[Any, int]]]
_METHODS = ("get", "put", "post", "delete", "patch", "head")


@dataclass(frozen=True)
class Mount:
    name: str  # Connexion's name of the API, e.g. "ledger"
    service: str  # the service whose scopes open it: "<service>:read" / "<service>:write"
    prefix: str  # the gateway prefix: "/api/ledger"
    base: str  # the spec's paths start here below the prefix ("" or "/v2")
    spec: dict[str, Any]  # as requests are validated, paths relative to ``base``
    handlers: dict[str, Handler]
    # The paths (below the prefix) that need a token, whether or not an operation has them:
    # a service's auth middleware runs before its router, so an unknown route there is a 401 too.
    protected: re.Pattern[str] = re.compile("")
    at_root: bool = False  # also served without the prefix (orchestration, as the service itself)
    # Paths (below the prefix) whose trailing slash the service's router accepts (chi's collection
    # and resource roots); any other protected path ending in a slash is an unknown route.
    slash_roots: re.Pattern[str] | None = None
    # Media types the service reads itself (not JSON): their bodies reach the handlers as sent
    # (the ledger's log import stream, its bulk streams). Every other body is read as JSON.
    raw_media: frozenset[str] = frozenset()
    _patterns: list[tuple[re.Pattern[str], str, str]] = field(default_factory=list, compare=False, repr=False)

    def __post_init__(self) -> None:
        for template, item in self.spec["paths"].items():
            for method in _METHODS:
                operation = item.get(method)
                if operation is not None:
                    self._patterns.append(
                        (_path_pattern(self.base + template), method.upper(), operation["operationId"])
                    )

    @property
    def connexion_base(self) -> str:
        """Connexion's base path: the prefix is left to the gateway's ``root_path`` for an API
        also served at the root."""
        return self.base if self.at_root else self.prefix + self.base

    def relative(self, path: str) -> str | None:
        """``path`` below the gateway prefix when this mount's service serves it (None otherwise).
        A root-served API also claims paths without the prefix."""
        if path == self.prefix or path.startswith(self.prefix + "/"):
            return path[len(self.prefix) :] or "/"
        if self.at_root and not path.startswith("/api/"):
            return path
        return None

    def operation_at(self, method: str, path: str) -> str | None:
        """The operationId of ``method path`` (path below the prefix, no trailing slash)."""
        for pattern, routed, operation_id in self._patterns:
            if routed == method and pattern.match(path):
                return operation_id
        return None

    def serves(self, path: str) -> bool:
        """True when some operation of this mount has ``path`` (below the prefix)."""
        return any(pattern.match(path) for pattern, _, _ in self._patterns)

    def methods_at(self, path: str) -> list[str]:
        found = sorted({method for pattern, method, _ in self._patterns if pattern.match(path)})
        if "GET" in found and "HEAD" not in found:
            found.append("HEAD")
        return found


def _path_pattern(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)) + "$")


class Mounts:
    """Every mount, most specific prefix first."""

    def __init__(self, mounts: list[Mount]) -> None:
        self._mounts = sorted(mounts, key=lambda m: (m.at_root, -len(m.prefix + m.base)))

    def __iter__(self) -> Iterator[Mount]:
        return iter(self._mounts)

    def services(self) -> list[str]:
        """The services served, in mount order, each once."""
        return list(dict.fromkeys(m.service for m in self._mounts))

    def of(self, path: str) -> tuple[Mount, str] | None:
        """The mount serving ``path`` and the path below its prefix. Within a service, the mount
        whose operations have that path (v2 beside v1), else the one with the longest base."""
        candidates = [(m, rel) for m in self._mounts if (rel := m.relative(path)) is not None]
        if not candidates:
            return None
        bare = candidates[0][1].rstrip("/") or "/"
        for mount, rel in candidates:
            if mount.serves(bare):
                return mount, rel
        for mount, rel in candidates:
            if mount.base and (rel == mount.base or rel.startswith(mount.base + "/")):
                return mount, rel
        return candidates[-1]
