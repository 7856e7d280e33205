"""Cursor pages (orchestration v2): each page keeps its promises, and a walk over them is the whole list.

`page_consistent` runs on every answer of a paginated list. The walk checks are applied by
`CheckedApi.list_all`, which follows `next` to the end (and `previous` back once per page): `page_holds_walk` on
every page, against the request that started the walk (`page_rules.py` says what each list's parameters mean).
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING, Any

from contract_tests.checks.page_rules import PAGE_RULES, PageRules, body_filter_holds
from contract_tests.checks.registry import check
from contract_tests.core.errors import Violation

if TYPE_CHECKING:
    from contract_tests.transport.client import Exchange

__all__ = ["DEFAULT_PAGE_SIZE", "item_key", "page_ids"]

DEFAULT_PAGE_SIZE = 15
# The real service clamps larger sizes to this; a server may, the spec allows up to 1000.
SMALLEST_CAP = 100


def item_key(item: Any) -> Any:
    """What identifies a listed item: its `id`; a ledger account its `address`, a volume row its account and
    asset, a schema its `version`."""
    if not isinstance(item, dict):
        return None
    if "id" in item:
        return item["id"]
    if "address" in item:
        return item["address"]
    if "account" in item and "asset" in item:
        return f"{item['account']} {item['asset']}"
    return item.get("version")


def page_ids(ex: Exchange) -> list[Any]:
    page = ex.cursor or {}
    return [item_key(item) for item in page.get("data") or [] if isinstance(item, dict)]


@check(kind="response")
def page_consistent(ex: Exchange) -> None:
    """A v2 page holds at most `pageSize` items, `hasMore` is true exactly when `next` is given, and
    `pageSize` is the one asked for (0 or none: 15)."""
    if not ex.operation.paginated or ex.status != 200 or ex.cursor is None:
        return
    page = ex.cursor
    size, items, has_more = page.get("pageSize"), page.get("data"), page.get("hasMore")
    if not isinstance(size, int) or not isinstance(items, list):
        return  # the schema check reports the shape
    if len(items) > size:
        raise Violation(
            "page larger than its pageSize", expected=f"at most {size} items", actual=f"{len(items)} items", kind="size"
        )
    if bool(has_more) != bool(page.get("next")):
        raise Violation(
            "hasMore disagrees with next",
            expected="hasMore true exactly when next is given",
            actual=f"hasMore={has_more!r}, next={page.get('next')!r}",
            kind="hasMore",
        )
    query = ex.case.query or {}
    asked = query.get("pageSize")
    if query.get("cursor") or not (asked is None or (isinstance(asked, int) and 0 <= asked <= SMALLEST_CAP)):
        return  # a cursor brings its own size; above the smallest cap a server may clamp
    wanted = asked or DEFAULT_PAGE_SIZE
    if size != wanted:
        raise Violation(
            "pageSize ignored", expected=f"pageSize {wanted}", actual=f"pageSize {size} for {asked!r}", kind="pageSize"
        )


@check(kind="model")
def page_walk_complete(ex: Exchange, *, pages: list[list[Any]], ended: bool) -> None:
    """Following `next` from the first page ends, and lists no item twice."""
    if not ended:
        raise Violation(
            "the page walk does not end", expected="a last page without next", actual=f"{len(pages)} pages", kind="end"
        )
    seen: dict[Any, int] = {}
    for number, ids in enumerate(pages):
        for ident in ids:
            if ident in seen:
                raise Violation(
                    "an item is listed on two pages",
                    expected="each item on one page of the walk",
                    actual=f"{ident} on pages {seen[ident]} and {number}",
                    kind="repeat",
                )
            seen[ident] = number


@check(kind="model")
def previous_returns_earlier_page(ex: Exchange, *, earlier: list[Any]) -> None:
    """`previous` of a page answers the page before it, item for item."""
    if ex.status != 200:
        raise Violation("previous page refused", expected="200", actual=ex.describe(), kind="status")
    if page_ids(ex) != earlier:
        raise Violation(
            "previous does not return the earlier page",
            expected=f"ids {earlier}",
            actual=f"ids {page_ids(ex)}",
            kind="previous",
        )


def _walk_rules_broken(ex: Exchange, items: list[dict[str, Any]], query: dict[str, Any], body: Any) -> str | None:
    """The first item that the walk's filters, body filter or expansions exclude, described; None if none."""
    rules = PAGE_RULES.get(ex.operation.name) or PageRules()
    for item in items:
        for name, keep in rules.filters.items():
            if query.get(name) is not None and not keep(item, query[name]):
                return f"{item_key(item)} does not match {name}={query[name]!r}"
        if not body_filter_holds(rules, item, body):
            return f"{item_key(item)} does not match the body filter {body!r}"
        for value in str(query.get("expand") or "").split(","):
            wanted = rules.expansions.get(value.strip())
            if wanted and wanted not in item:
                return f"{item_key(item)} lacks `{wanted}` (expand={value.strip()})"
    return None


def _out_of_order(ex: Exchange, keys: list[Any], query: dict[str, Any]) -> bool:
    rules = PAGE_RULES.get(ex.operation.name) or PageRules()
    if rules.order is None or query.get("order") or query.get("sort"):
        return False  # no documented order, or one the request chose
    _, descending, flag = rules.order
    descending = descending != (bool(flag) and str(query.get(flag)).lower() == "true")
    pairs = list(pairwise(keys))
    return not all((a > b) if descending else (a < b) for a, b in pairs if a is not None and b is not None)


@check(kind="model")
def page_holds_walk(
    ex: Exchange, *, size: int, query: dict[str, Any], body: Any = None, before: Any = None, which: str = "next"
) -> None:
    """Every page of a walk (first, next, previous, any depth) keeps the request that started it: its page
    size (a page with `next` holds exactly that many), its filters and expansions on every item, its order
    (within the page and from the page before)."""
    page = ex.cursor
    if ex.status != 200 or page is None or not isinstance(page.get("data"), list):
        return  # the response checks report the answer
    items = [item for item in page["data"] if isinstance(item, dict)]
    shown = page.get("pageSize")
    rules = PAGE_RULES.get(ex.operation.name) or PageRules()
    size_shown = shown == size or (rules.size_echoes_request and which != "first")
    if size <= SMALLEST_CAP and (not size_shown or len(items) > size or (page.get("next") and len(items) != size)):
        raise Violation(
            f"a {which} page does not keep the walk's pageSize",
            expected=f"pageSize {size}, {size} items on a page with next (at most {size} on the last)",
            actual=f"pageSize {shown!r}, {len(items)} items, next {'given' if page.get('next') else 'absent'}",
            kind="pageSize",
        )
    wrong = _walk_rules_broken(ex, items, query, body)
    if wrong:
        raise Violation(
            f"a {which} page does not keep the walk's filters",
            expected=f"every item as the first request asked: {query or body}",
            actual=wrong,
            kind="filter",
        )
    keys = ([before] if before is not None else []) + [item_key(item) for item in items]
    if _out_of_order(ex, keys, query):
        raise Violation(
            f"a {which} page breaks the list's order",
            expected=f"{(PAGE_RULES[ex.operation.name].order or ('',))[0]} in the documented order across pages",
            actual=f"{keys[:12]}",
            kind="order",
        )


@check(kind="model")
def pages_agree_with_whole(ex: Exchange, *, walked: list[Any], whole: list[Any], size: int) -> None:
    """A list walked in small pages lists what it lists in one page, in the same order: no item twice, none
    missing, none added."""
    if walked != whole:
        missing = [k for k in whole if k not in walked]
        extra = [k for k in walked if k not in whole]
        raise Violation(
            f"the list walked in pages of {size} differs from the list in one page",
            expected=f"{whole}",
            actual=f"{walked}" + (f" (missing {missing})" if missing else "") + (f" (extra {extra})" if extra else ""),
            kind="missing" if missing else "extra" if extra else "order",
        )
