"""Walking a cursor list, every page held to the request that started the walk.

`CheckedApi.list_all` walks along `next` in small pages (reading `previous` of each back), then, when the list is
longer, in pages of 100 (beside the small pages, when the list was longer the last time too). Every page (first,
next, previous) goes through `page_holds_walk`: the walk's page size, filters, body filter, expansions and order.
A list that fits in one small page is walked again in two halves and compared with that page
(`pages_agree_with_whole`), so even short filtered lists get a `next`.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any, Protocol
from weakref import WeakKeyDictionary

from contract_tests.checks.pagination import item_key

if TYPE_CHECKING:
    from contract_tests.core.spec import Spec
    from contract_tests.transport.client import Exchange

__all__ = ["SMALL_PAGE", "CheckedApi", "Walk", "keys", "walk"]


class CheckedApi(Protocol):
    """What walks and views need of phases.checking's CheckedApi (which uses them: a Protocol keeps the
    import one way)."""

    @property
    def spec(self) -> Spec: ...

    def call(self, operation_id: str, **request: Any) -> Exchange: ...

    def call_all(self, *calls: tuple[str, dict[str, Any]]) -> list[Exchange]: ...

    def apply(self, check: str, exchange: Exchange, **expected: Any) -> bool: ...


# Small pages make even a handful of items a walk of several pages, with `previous` checked on each;
# a longer list is then walked in pages of 100 (the real service's cap), so a server holding thousands
# of items costs tens of requests. The bound stops a `next` that never ends (page_walk_complete).
SMALL_PAGE = 4
SMALL_PAGES_WALKED = 4
LARGE_PAGE = 100
MAX_WALK_PAGES = 1000

Walk = tuple["Exchange", list[list[Any]], bool]  # the first page, the items of each page, whether it ended


def keys(items: list[Any]) -> list[Any]:
    return [item_key(item) for item in items if isinstance(item, dict)]


Reads = list[tuple[str, dict[str, Any]]]  # what `CheckedApi.call_all` takes


def walk(
    api: CheckedApi, operation_id: str, query: dict[str, Any], request: dict[str, Any], size: int, most: int,
    *, back: bool,
) -> Walk:  # fmt: skip
    """Follow `next` from a first page of `size` for at most `most` pages, each held to the walk; with `back`,
    read `previous` of every later page and compare it with the page before."""
    return _together(api, _walking(api, operation_id, query, request, size, most, back=back))[0]


def _walking(
    api: CheckedApi, operation_id: str, query: dict[str, Any], request: dict[str, Any], size: int, most: int,
    *, back: bool,
) -> Generator[Reads, list[Exchange], Walk]:  # fmt: skip
    """`walk` as a generator: it yields the reads it needs next (never none) and is sent their answers. A page's
    `previous` and the page after it are asked together (both read what that page's cursors name)."""
    held = {"size": size, "query": query, "body": request.get("body")}
    (first,) = yield [(operation_id, {**request, "query": {**query, "pageSize": size}})]
    page = first
    pages: list[list[Any]] = []
    seen: set[Any] = set()
    which = "first"
    while True:
        listed = page.status == 200 and isinstance(page.data, list)
        previous = (page.cursor or {}).get("previous") if back and which == "next" and page.status == 200 else None
        following, going_on, ids = None, False, set()
        if listed:
            before = keys(pages[-1])[-1] if pages and pages[-1] else None
            api.apply("page_holds_walk", page, before=before, which=which, **held)
            pages.append(page.data)
            ids = set(keys(page.data))
            following = (page.cursor or {}).get("next")
            # A page of nothing new: the walk cannot progress (page_walk_complete reports it).
            going_on = bool(following) and len(pages) < most and not (ids and ids <= seen)
        cursors = [c for c in (previous, following if going_on else None) if c]
        read = (yield [(operation_id, {**request, "query": {"cursor": c}}) for c in cursors]) if cursors else []
        if previous:
            earlier = read[0]
            api.apply("page_holds_walk", earlier, which="previous", **held)
            api.apply("previous_returns_earlier_page", earlier, earlier=keys(pages[-2] if listed else pages[-1]))
        if not listed or not going_on:
            return first, pages, listed and not following
        seen |= ids
        page, which = read[-1], "next"


def _together(api: CheckedApi, *walkers: Generator[Reads, list[Exchange], Walk]) -> list[Walk]:
    """Run walks side by side: each round, the reads every unfinished walk asks for go out together."""
    done: dict[int, Walk] = {}
    asked = {n: next(walker) for n, walker in enumerate(walkers)}
    while asked:
        rounds = list(asked.items())
        answers = api.call_all(*(read for _, reads in rounds for read in reads))
        asked, at = {}, 0
        for n, reads in rounds:
            mine, at = answers[at : at + len(reads)], at + len(reads)
            try:
                asked[n] = walkers[n].send(mine)
            except StopIteration as finished:
                done[n] = finished.value
    return [done[n] for n in range(len(walkers))]


# Lists (per API and request) whose last walk outgrew the small pages: the next walk of one reads its pages of 100
# beside the small ones instead of after them.
_LONG: WeakKeyDictionary[Any, set[str]] = WeakKeyDictionary()


def walk_whole(api: CheckedApi, operation_id: str, query: dict[str, Any], request: dict[str, Any]) -> Walk:
    """The whole list: small pages first, pages of 100 when it is longer; a one-page list walked in halves too.
    A list that was longer than the small pages the last time it was walked is walked in both sizes side by
    side (a list that has shrunk since costs one read of 100, held to the walk like any page)."""
    known = _LONG.setdefault(api, set())
    which = repr((operation_id, sorted(query.items()), sorted(request.items())))
    small = _walking(api, operation_id, query, request, SMALL_PAGE, SMALL_PAGES_WALKED, back=True)
    if which in known:
        large = _walking(api, operation_id, query, request, LARGE_PAGE, MAX_WALK_PAGES, back=False)
        (first, pages, ended), whole = _together(api, small, large)
    else:
        (first, pages, ended), whole = _together(api, small)[0], None
    if pages and not ended:
        known.add(which)
        return whole or walk(api, operation_id, query, request, LARGE_PAGE, MAX_WALK_PAGES, back=False)
    known.discard(which)
    if ended and len(pages) == 1 and len(pages[0]) >= 2:
        _in_halves(api, operation_id, query, request, keys(pages[0]))
    return first, pages, ended


def _in_halves(
    api: CheckedApi, operation_id: str, query: dict[str, Any], request: dict[str, Any], whole: list[Any]
) -> None:
    """Walk a list that fits in one page again in two pages and compare; a list that changed between the reads
    (an asynchronous run finishing) is read once more, and a difference is reported only when it is stable."""
    size = (len(whole) + 1) // 2
    first, pages, _ = walk(api, operation_id, query, request, size, len(whole) + 1, back=True)
    walked = [key for page in pages for key in keys(page)]
    if walked != whole:
        again = api.call(operation_id, query={**query, "pageSize": SMALL_PAGE}, **request)
        if again.status != 200 or not isinstance(again.data, list) or keys(again.data) != whole:
            return  # the list moved between the reads: nothing to conclude
    api.apply("pages_agree_with_whole", first, walked=walked, whole=whole, size=size)
