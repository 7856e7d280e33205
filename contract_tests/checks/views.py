"""The table of related views (`views.yaml`), loaded once: where one resource shows inside another answer.

The table is data; this module only reads it and answers the questions the checks and the view tracker ask:
which rows an answer hosts, where a copy and its id sit in an item, how to read the resource it shows.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = ["VIEWS_PATH", "View", "dig", "fill", "load_changes", "load_views", "view_named", "views_hosted_by"]

VIEWS_PATH = Path(__file__).with_name("views.yaml")
_PLACEHOLDER = re.compile(r"\{([a-z]+)(?:\.([A-Za-z0-9_]+))?\}")
_MISSING = object()


@dataclass(frozen=True)
class View:
    """One row of the table (see the header of `views.yaml` for each field)."""

    name: str
    service: str
    hosts: tuple[str, ...]
    at: str
    id: str
    resource: str
    read: dict[str, Any]
    fields: tuple[str, ...]
    if_shown: tuple[str, ...] = ()
    when: dict[str, Any] = field(default_factory=dict)
    current_at: str = ""
    required: bool | dict[str, Any] = False
    live: bool = True
    # Operations whose answer is the resource itself, as its read would show it (a create's answer).
    created_by: tuple[str, ...] = ()

    def applies(self, item: Any) -> bool:
        return isinstance(item, dict) and all(dig(item, k) == v for k, v in self.when.items())

    def copy_in(self, item: dict[str, Any]) -> Any:
        """The copy an item carries (the item itself for a listed resource); `None` when absent."""
        found = dig(item, self.at) if self.at else item
        return None if found is _MISSING else found

    def ident(self, item: dict[str, Any]) -> str | None:
        value = dig(item, self.id)
        return None if value in (_MISSING, None, "") else str(value)

    def required_for(self, query: dict[str, Any] | None) -> bool:
        """Whether the host request promises the copy: always, never, or when its query says so."""
        if isinstance(self.required, bool):
            return self.required
        query = query or {}
        return all(str(query.get(k)).lower() == str(v).lower() for k, v in self.required.items())

    def read_request(self, ident: str, host_path: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any]]:
        """The resource's own read: operation, path and query, placeholders filled."""
        path = {k: fill(str(v), ident=ident, path=host_path) for k, v in (self.read.get("path") or {}).items()}
        return str(self.read["operation"]), path, dict(self.read.get("query") or {})

    def counterpart(self, read: Any, item: dict[str, Any]) -> Any:
        """What, in the resource's read, the copy must equal (the read itself unless `current_at` says)."""
        if not self.current_at:
            return read
        found = dig(read, fill(self.current_at, item=item))
        return None if found is _MISSING else found

    def compared(self, copy: dict[str, Any]) -> tuple[str, ...]:
        return (*self.fields, *(f for f in self.if_shown if f in copy))


def dig(value: Any, dotted: str) -> Any:
    """`a.b.c` of nested objects; `_MISSING` when a step is absent."""
    for step in dotted.split(".") if dotted else ():
        if not isinstance(value, dict) or step not in value:
            return _MISSING
        value = value[step]
    return value


def fill(template: str, *, ident: str = "", path: dict[str, Any] | None = None, item: Any = None) -> str:
    """Fill `{id}`, `{path.X}` and `{item.X}` in a template of the table."""

    def one(match: re.Match[str]) -> str:
        kind, key = match.group(1), match.group(2)
        if kind == "id":
            return ident
        source = (path or {}) if kind == "path" else (item or {})
        return str(source.get(key, ""))

    return _PLACEHOLDER.sub(one, template)


_TUPLES = ("hosts", "fields", "if_shown", "created_by")


@functools.cache
def load_views(path: Path = VIEWS_PATH) -> tuple[View, ...]:
    rows = (yaml.safe_load(path.read_text()) or {}).get("views") or []
    views = tuple(View(**{**row, **{k: tuple(row.get(k) or ()) for k in _TUPLES}}) for row in rows)
    names = [v.name for v in views]
    if len(names) != len(set(names)):
        raise ValueError(f"{path}: a view name is used twice")
    return views


@functools.cache
def load_changes(path: Path = VIEWS_PATH) -> dict[str, dict[str, str]]:
    """What each write changes: operation -> {resource: id template or "*"}."""
    return dict((yaml.safe_load(path.read_text()) or {}).get("changes") or {})


def view_named(name: str) -> View:
    return next(v for v in load_views() if v.name == name)


def views_hosted_by(service: str, operation: str) -> tuple[View, ...]:
    """The rows whose copies an answer of `operation` (named as the checks name it) carries."""
    return tuple(v for v in load_views() if v.service == service and operation in v.hosts)
