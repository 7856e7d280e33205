"""Cursor pages (orchestration v2): each page keeps its promises, and a walk over them is the whole list.

`page_consistent` runs on every answer of a paginated list. The walk checks are applied by
`CheckedApi.list_all`, which follows `next` to the end (and `previous` back once per page).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
