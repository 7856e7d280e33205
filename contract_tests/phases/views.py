"""The view tracker: every copy of a resource the suite sees inside another answer (by the table of
`checks/views.yaml`) is remembered with the request that showed it, compared with the resource's own read, and
re-read after every change of that resource the suite knows of (a write, a clock step), so a stale copy shows.

Bounded: a few host requests remembered per resource, a few views re-read per change, each copy verified once
per change of its resource. Only the vocabulary's own calls are tracked (generated cases are not).

A verification reads the resource, then the host, then the resource again when they differ: a resource that
moved on its own in between (an asynchronous run) proves nothing, and is not reported.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from contract_tests.checks.fields import differing
from contract_tests.checks.related import items_of
from contract_tests.checks.views import View, fill, load_changes, load_views

if TYPE_CHECKING:
    from contract_tests.phases.walks import CheckedApi
    from contract_tests.transport.client import Exchange

__all__ = ["ViewTracker"]

# Host requests remembered per resource, views re-read per change, copies verified per answer.
HOSTS_PER_RESOURCE = 2
REFRESHED_PER_CHANGE = 6
VERIFIED_PER_ANSWER = 2
REREAD_PAGE = 100

Key = tuple[str, str, str]  # resource, scope (the ledger, or ""), id


Request = tuple[str, tuple[tuple[str, Any], ...], tuple[tuple[str, Any], ...]]  # operation, path, query


@dataclass(frozen=True)
class Host:
    """A request whose answer carried a copy: sent again to see the copy as it is now."""

    view: View
    operation: str
    path: tuple[tuple[str, Any], ...]
    query: tuple[tuple[str, Any], ...]

    def request(self, api: CheckedApi) -> Request:
        query = dict(self.query)
        if api.spec[self.operation].paginated:
            query["pageSize"] = REREAD_PAGE  # one page that holds the copy, wherever the walk met it
        return self.operation, self.path, _frozen(query, keep_cursor=True)


def _own_read(host: Host, key: Key) -> Request:
    operation, path, query = host.view.read_request(key[2], dict(host.path))
    return operation, _frozen(path, keep_cursor=True), _frozen(query, keep_cursor=True)


def _read_all(api: CheckedApi, requests: list[Request]) -> dict[Request, Exchange]:
    """Each distinct request once, all at once (they are reads: their order cannot matter)."""
    distinct = list(dict.fromkeys(requests))
    calls = [(op, {"path": dict(path) or None, "query": dict(query) or None}) for op, path, query in distinct]
    return dict(zip(distinct, api.call_all(*calls), strict=True))


class ViewTracker:
    def __init__(self, api: CheckedApi) -> None:
        self.api = api
        service = api.spec.version.service_name
        self.views = [v for v in load_views() if v.service == service]
        self.hosts: dict[Key, list[Host]] = defaultdict(list)
        self.reads: dict[Key, tuple[int, Any]] = {}  # the latest own read, with the generation it was made in
        self.generation: dict[Key, int] = defaultdict(int)
        self.verified: set[tuple[str, Key, int]] = set()
        self._busy = False

    # ---------------------------------------------------------------- seeing answers
    def observe(self, ex: Exchange, query: dict[str, Any] | None = None) -> None:
        """Remember own reads and hosted copies of one answer; verify new copies (bounded)."""
        if not 200 <= ex.status < 300:
            return
        name, path = ex.operation.name, _path(ex)
        for view in self.views:
            if name == view.read["operation"] or name in view.created_by:
                self._remember_read(view, ex, path)
        if self._busy:
            return
        budget = VERIFIED_PER_ANSWER
        for view in self.views:
            if name not in view.hosts:
                continue
            host = Host(view, name, _frozen(path), _frozen(query if query is not None else _query(ex)))
            for item in items_of(ex):
                ident = view.ident(item) if view.applies(item) else None
                copy = view.copy_in(item) if ident is not None else None
                if ident is None or not isinstance(copy, dict):
                    continue  # embed_present reports a required copy missing
                key = (view.resource, _scope(path), ident)
                if view.live:
                    self._remember_host(key, host)
                # A listed resource is compared at once by the list's own checks; an embed is compared here.
                if budget and view.at and self._needs_verifying(view, key, item, copy):
                    budget -= 1
                    self.verify([(host, key)])

    def _remember_read(self, view: View, ex: Exchange, path: dict[str, Any]) -> None:
        data = ex.data if isinstance(ex.data, dict) else {}
        ident = data.get("id", data.get("address"))  # a resource's own key: its id, an account's address
        if ident is not None:
            key = (view.resource, _scope(path), str(ident))
            self.reads[key] = (self.generation[key], data)

    def _remember_host(self, key: Key, host: Host) -> None:
        known = self.hosts[key]
        if host in known:
            known.remove(host)
        known.append(host)
        del known[:-HOSTS_PER_RESOURCE]

    def _needs_verifying(self, view: View, key: Key, item: dict[str, Any], copy: dict[str, Any]) -> bool:
        """A copy needs a verification (requests) unless a read made since the resource last changed agrees."""
        if (view.name, key, self.generation[key]) in self.verified or key not in self.reads:
            return False  # verified since its last change, or a resource this run never read (not its own)
        generation, read = self.reads[key]
        if generation == self.generation[key] and read is not None:
            current = view.counterpart(read, item)
            if isinstance(current, dict) and not differing(current, copy, _shared(view, copy, current)):
                return False
        return True

    # ---------------------------------------------------------------- changes
    def after_write(self, ex: Exchange) -> None:
        """A successful write of the vocabulary: re-read the views of what the table says it changes."""
        if not 200 <= ex.status < 300:
            return
        path = _path(ex)
        for resource, template in (load_changes().get(ex.operation.name) or {}).items():
            ident = None if template == "*" else fill(template, path=path)
            self.changed(resource, None if ident is None else {ident}, scope=_scope(path))

    def changed(
        self,
        resource: str,
        idents: set[str] | None = None,
        *,
        scope: str | None = None,
        unmoved: set[str] = frozenset(),
    ) -> None:
        """`resource` (these ids, or every one but the `unmoved`) changed: bump their generation, re-read their
        stored views."""
        keys = [
            k
            for k in dict.fromkeys([*self.hosts, *self.reads])  # in the order first seen: a seeded run replays
            if k[0] == resource
            and (idents is None or k[2] in idents)
            and (scope is None or k[1] == scope)
            and k[2] not in unmoved
        ]
        for key in keys:
            self.generation[key] += 1
        stale = [(host, key) for key in keys for host in self.hosts.get(key, ())]
        self.verify(stale[-REFRESHED_PER_CHANGE:])

    # ---------------------------------------------------------------- verifying copies
    def verify(self, pairs: list[tuple[Host, Key]]) -> None:
        """For each (host, resource): read the resource and the host, and the resource once more if they differ;
        report a stable resource whose copy in the host differs. Every distinct read is sent once, the first
        reads all at once and the second ones at once too: a resource read the same before and after its host's
        read was stable while the host was read, whichever of the first two came back first."""
        if not pairs:
            return
        for host, key in pairs:
            self.verified.add((host.view.name, key, self.generation[key]))
        self._busy = True
        try:
            wanted = [(_own_read(host, key), host.request(self.api)) for host, key in pairs]
            first = _read_all(self.api, [request for both in wanted for request in both])
            judged: list[tuple[View, Request, Exchange, dict[str, Any], dict[str, Any], Any, list[str]]] = []
            for (host, key), (own, hosted) in zip(pairs, wanted, strict=True):
                view, again = host.view, first[hosted]
                if first[own].status != 200 or again.status != 200:
                    continue  # a deleted resource, a refused read: other checks judge those answers
                item = next((i for i in items_of(again) if view.applies(i) and view.ident(i) == key[2]), None)
                copy = view.copy_in(item) if item is not None else None
                if item is None or not isinstance(copy, dict):
                    if item is None:
                        self._forget(key, host)
                    continue
                current = view.counterpart(first[own].data, item)
                judged.append((view, own, again, item, copy, current, _shared(view, copy, current)))
            differ = [own for view, own, _, _, copy, current, fields in judged if _differs(current, copy, fields)]
            second = _read_all(self.api, differ)
            for view, own, again, item, copy, current, fields in judged:
                if _differs(current, copy, fields):
                    moved = view.counterpart(second[own].data, item)
                    if not isinstance(moved, dict) or differing(current, moved, fields):
                        continue  # the resource moved while it was read: nothing to conclude
                self.api.apply(
                    "embedded_matches_endpoint", again, embedded=copy, current=current, fields=fields, view=view.name
                )
        finally:
            self._busy = False

    def _forget(self, key: Key, host: Host) -> None:
        if host in self.hosts.get(key, ()):
            self.hosts[key].remove(host)


def _differs(current: Any, copy: dict[str, Any], fields: list[str]) -> bool:
    return isinstance(current, dict) and bool(differing(current, copy, fields))


def _shared(view: View, copy: dict[str, Any], current: Any) -> list[str]:
    current = current if isinstance(current, dict) else {}
    return [f for f in view.compared(copy) if f in copy or f in current]


def _path(ex: Exchange) -> dict[str, Any]:
    return dict(ex.case.path_parameters or {})


def _query(ex: Exchange) -> dict[str, Any]:
    return dict(ex.case.query or {}) if isinstance(ex.case.query, dict) else {}


def _scope(path: dict[str, Any]) -> str:
    return str(path.get("ledger", ""))


def _frozen(values: dict[str, Any], *, keep_cursor: bool = False) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((k, v) for k, v in values.items() if keep_cursor or k != "cursor"))
