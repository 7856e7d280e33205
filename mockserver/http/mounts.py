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
from urllib.parse import unquote

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
    # What a path parameter of integer type that is not one answers: the 400 message for (name, value, schema),
    # and whether ``--quirks real`` answers the service's bare 404 instead (its router never matches it).
    integer_message: Callable[[str, str, dict[str, Any]], str] | None = None
    integer_bare_404_in_real: bool = False
    # Media types the service reads itself (not JSON): their bodies reach the handlers as sent
    # (the ledger's log import stream, its bulk streams). Every other body is read as JSON.
    raw_media: frozenset[str] = frozenset()
    _patterns: list[tuple[re.Pattern[str], str, str]] = field(default_factory=list, compare=False, repr=False)
    _integers: list[tuple[re.Pattern[str], dict[str, dict[str, Any]]]] = field(
        default_factory=list, compare=False, repr=False
    )
    # Every operation's path in one alternation: ``serves`` runs once per request, one C-level match
    # instead of a Python loop over dozens of patterns.
    _any_path: re.Pattern[str] = field(default=re.compile("(?!)"), compare=False, repr=False)

    def __post_init__(self) -> None:
        for template, item in self.spec["paths"].items():
            for method in _METHODS:
                operation = item.get(method)
                if operation is None:
                    continue
                integers = _integer_path_params(self.spec, item.get("parameters", []) + operation.get("parameters", []))
                if integers:
                    self._integers.append((_capturing_pattern(self.base + template), integers))
                if operation is not None:
                    self._patterns.append(
                        (_path_pattern(self.base + template), method.upper(), operation["operationId"])
                    )
        if self._patterns:
            alternatives = dict.fromkeys(pattern.pattern for pattern, _, _ in self._patterns)
            object.__setattr__(self, "_any_path", re.compile("|".join(f"(?:{a})" for a in alternatives)))

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

    def bad_integer(self, path: str) -> tuple[str, str, dict[str, Any]] | None:
        """(name, value, schema) of an integer path parameter of ``path`` (below the prefix) whose value is
        not a decimal integer its schema allows; None when every one parses (or none is there)."""
        for pattern, integers in self._integers:
            found = pattern.match(path)
            if found is None:
                continue
            for name, schema in integers.items():
                value = unquote(found.group(_group(name)))
                if not _fits(value, schema):
                    return name, value, schema
            return None
        return None

    def serves(self, path: str) -> bool:
        """True when some operation of this mount has ``path`` (below the prefix)."""
        return self._any_path.match(path) is not None

    def methods_at(self, path: str) -> list[str]:
        found = sorted({method for pattern, method, _ in self._patterns if pattern.match(path)})
        if "GET" in found and "HEAD" not in found:
            found.append("HEAD")
        return found


def _path_pattern(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)) + "$")


def _group(name: str) -> str:
    return "p_" + re.sub(r"\W", "_", name)


def _capturing_pattern(template: str) -> re.Pattern[str]:
    """The template's path, each parameter captured by a group named after it."""
    escaped = re.escape(template)
    return re.compile("^" + re.sub(r"\\{([^}]+)\\}", lambda m: f"(?P<{_group(m.group(1))}>[^/]+)", escaped) + "$")


def _integer_path_params(spec: dict[str, Any], parameters: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out = {}
    for parameter in parameters:
        while "$ref" in parameter:
            target: Any = spec
            for key in parameter["$ref"].removeprefix("#/").split("/"):
                target = target[key]
            parameter = target
        schema = parameter.get("schema") or {}
        if parameter.get("in") == "path" and schema.get("type") == "integer":
            out[parameter["name"]] = schema
    return out


def _fits(value: str, schema: dict[str, Any]) -> bool:
    """Whether Connexion would route and accept ``value``: a decimal integer within the schema's bounds
    (an int64 unless the schema says otherwise)."""
    if not _DECIMAL.match(value):
        return False
    number = int(value)
    low = schema.get("minimum", -(2**63))
    high = schema.get("maximum", 2**63 - 1)
    return low <= number <= high


_DECIMAL = re.compile(r"^[+-]?\d{1,20}$")


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
