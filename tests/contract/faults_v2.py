"""Pagination bugs a v2 implementation could have, injected by the proxy in front of a correct mock.

Each keeps every answer schema-valid: only a suite that walks pages and compares them can see it.
`test_fault_detection_v2` proves each is caught by the checks it names.
"""

from __future__ import annotations

from tests.contract.proxy import Fault, Request, Response, Send

__all__ = ["V2_FAULTS", "VIEWS_FAULT"]

_LISTS = {("v2", "workflows"), ("v2", "instances"), ("v2", "triggers")}
V2_FAULTS: list[Fault] = []


def _is_list(request: Request) -> bool:
    parts = tuple(request.parts())
    is_occurrences = len(parts) == 4 and parts[:2] == ("v2", "triggers") and parts[3] == "occurrences"
    return request.method == "GET" and (parts in _LISTS or is_occurrences)


def _page(response: Response) -> dict | None:
    body = response.json()
    page = body.get("cursor") if isinstance(body, dict) else None
    return page if response.status == 200 and isinstance(page, dict) else None


def _fault(name: str, description: str, caught_by: set[str], *, on_request=None, on_response=None) -> None:
    V2_FAULTS.append(Fault(name, description, frozenset(caught_by), on_request, on_response))


async def _has_more_false(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    page = _page(response) if _is_list(request) else None
    if page is None or not page.get("next"):
        return response
    return response.with_json({"cursor": {**page, "hasMore": False}})


_fault("has_more_wrong", "hasMore is false on pages that have a next", {"page_consistent"}, on_response=_has_more_false)


async def _ignore_cursor(fault: Fault, request: Request, send: Send) -> Request:
    return request.without_param("cursor") if _is_list(request) and request.param("cursor") else request


_fault(
    "cursor_repeats_first_page",
    "a cursor is ignored: every next page is the first page again",
    {"page_walk_complete", "previous_returns_earlier_page"},
    on_request=_ignore_cursor,
)


async def _ignore_page_size(fault: Fault, request: Request, send: Send) -> Request:
    return request.without_param("pageSize") if _is_list(request) else request


_fault(
    "page_size_ignored",
    "pageSize is ignored: pages always hold up to 15 items",
    {"page_consistent"},
    on_request=_ignore_page_size,
)


async def _drop_last_item(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    page = _page(response) if _is_list(request) and request.param("cursor") else None
    if page is None or not page.get("data"):
        return response
    return response.with_json({"cursor": {**page, "data": page["data"][:-1]}})


_fault(
    "later_pages_lose_an_item",
    "every page reached through a cursor loses its last item",
    {"list_contains_created", "previous_returns_earlier_page"},
    on_response=_drop_last_item,
)


async def _previous_is_self(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    page = _page(response) if _is_list(request) else None
    cursor = request.param("cursor")
    if page is None or not cursor or not page.get("previous"):
        return response
    return response.with_json({"cursor": {**page, "previous": cursor}})


_fault(
    "previous_returns_same_page",
    "previous points at the page itself, not at the one before it",
    {"previous_returns_earlier_page"},
    on_response=_previous_is_self,
)


async def _v2_renames_workflows(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    parts = request.parts()
    body = response.json()
    if request.method != "GET" or parts[:2] != ["v2", "workflows"] or len(parts) != 3 or response.status != 200:
        return response
    body["data"]["config"]["name"] = body["data"]["config"].get("name", "") + " (v2)"
    return response.with_json(body)


# Caught only when both versions are checked against one server (--api all).
VIEWS_FAULT = Fault(
    "v2_view_differs",
    "v2 shows a workflow's name differently from v1",
    frozenset({"versions_agree"}),
    None,
    _v2_renames_workflows,
)
