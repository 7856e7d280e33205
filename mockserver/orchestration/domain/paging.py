"""Cursor pages of the v2 lists: ``{"pageSize", "hasMore", "previous"?, "next"?, "data"}``.

Decisions (the spec leaves them open):

* A cursor is a keyset position, not an offset: it names the creation sequence number of the
  record a page ended (``next``) or started (``previous``) at, with the list's filters and
  page size. A walk therefore stays correct while records are created and deleted between
  pages: a record that lives through the whole walk is listed exactly once, and a page costs
  O(page size + log n) whatever the store holds (``views.OrderedView``).
* ``hasMore`` is true exactly when ``next`` is given; ``previous`` is given when a member
  exists before the page's first record (never on the first page).
* ``pageSize`` 0 means the default, 15; a page holds at most ``MAX_PAGE_SIZE`` (100) items in
  both modes, as flows clamps (the spec's ``pageSize`` is a maximum, so a server may send fewer;
  the answer's ``pageSize`` says how many). Spec mode refuses a size above the spec's
  ``maximum`` (``SPEC_LARGEST_PAGE_SIZE``, 1000) with 400; real mode clamps any size.
* A cursor is opaque base64url JSON; a cursor that does not decode, or belongs to another
  list, is 400 VALIDATION. When one is given, the other query parameters come from it.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import orjson

from mockserver.errors import ValidationError
from mockserver.orchestration.domain.views import OrderedView, Sequenced

DEFAULT_PAGE_SIZE = 15
SPEC_LARGEST_PAGE_SIZE = 1000
MAX_PAGE_SIZE = 100

R = TypeVar("R", bound=Sequenced)


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Where a page starts: at the beginning, after ``after`` or (walking back) before ``before``."""

    list_name: str
    size: int
    filters: dict[str, Any] = field(default_factory=dict)
    after: int | None = None
    before: int | None = None

    def token(self, *, after: int | None = None, before: int | None = None) -> str:
        document = {"l": self.list_name, "s": self.size, "f": self.filters}
        document.update({"a": after} if after is not None else {"b": before})
        return base64.urlsafe_b64encode(orjson.dumps(document)).rstrip(b"=").decode()


@dataclass(slots=True)
class Page(Generic[R]):
    size: int
    items: list[R]
    next: str | None = None
    previous: str | None = None

    @property
    def has_more(self) -> bool:
        return self.next is not None


class Paging:
    """Reads ``pageSize`` and ``cursor`` the way the mode says, and cuts pages out of views."""

    def __init__(self, *, real_quirks: bool) -> None:
        self._cap = MAX_PAGE_SIZE
        # Spec mode refuses a size above the spec's bound; the real service clamps any size.
        self._largest = 2**63 - 1 if real_quirks else SPEC_LARGEST_PAGE_SIZE

    def request(
        self, list_name: str, cursor: str | None, page_size: int | None, filters: dict[str, Any]
    ) -> PageRequest:
        if cursor:
            return self._decode(list_name, cursor)
        if page_size is not None and not 0 <= page_size <= self._largest:
            raise ValidationError(f"pageSize must be between 0 and {self._largest}")
        size = min(page_size or DEFAULT_PAGE_SIZE, self._cap)
        return PageRequest(list_name, size, filters)

    def _decode(self, list_name: str, cursor: str) -> PageRequest:
        try:
            document = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        except (binascii.Error, ValueError):
            raise ValidationError("invalid cursor") from None
        if not isinstance(document, dict) or document.get("l") != list_name:
            raise ValidationError("invalid cursor")
        size, filters = document.get("s"), document.get("f")
        after, before = document.get("a"), document.get("b")
        positions = [p for p in (after, before) if p is not None]
        if (
            not _is_int(size)
            or not 1 <= size <= self._cap
            or not isinstance(filters, dict)
            or len(positions) != 1
            or not _is_int(positions[0])
            or positions[0] < 0
        ):
            raise ValidationError("invalid cursor")
        return PageRequest(list_name, size, filters, after, before)


def cut(view: OrderedView[R], request: PageRequest, keep: Callable[[R], bool] | None = None) -> Page[R]:
    """The page of ``view`` that ``request`` asks for, keeping only records ``keep`` accepts."""
    wanted = request.size

    def kept(records: Iterator[R]) -> Iterator[R]:
        return records if keep is None else (r for r in records if keep(r))

    if request.before is not None:
        backwards = kept(view.before(request.before))
        items = [r for _, r in zip(range(wanted), backwards, strict=False)]
        items.reverse()
        earlier = next(backwards, None) is not None
        last = items[-1].seq if items else request.before - 1
        later = next(kept(view.after(last)), None) is not None
    else:
        start = -1 if request.after is None else request.after
        forwards = kept(view.after(start))
        items = [r for _, r in zip(range(wanted), forwards, strict=False)]
        later = next(forwards, None) is not None
        first = items[0].seq if items else start + 1
        earlier = request.after is not None and next(kept(view.before(first)), None) is not None
    page: Page[R] = Page(wanted, items)
    if later:
        page.next = request.token(after=items[-1].seq if items else last)
    if earlier:
        page.previous = request.token(before=items[0].seq if items else first)
    return page


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
