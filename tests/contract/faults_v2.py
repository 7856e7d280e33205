"""Pagination bugs a v2 implementation could have, injected by the proxy in front of a correct mock.

Each keeps every answer schema-valid: only a suite that walks pages and compares them can see it.
`test_fault_detection_v2` proves each is caught by the checks it names.
"""

from __future__ import annotations

from dataclasses import replace

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


# ------------------------------------------------------------------ issue 29: later pages keep the walk
async def _default_size_later(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    """A cursor page is served at the default size: the pages after it are pulled in, up to 15 items."""
    page = _page(response) if _is_list(request) and request.param("cursor") else None
    if page is None:
        return response
    merged, last = list(page.get("data") or []), page
    while len(merged) < 15 and last.get("next"):
        more = _page(await send(replace(request, query=(("cursor", last["next"]),))))
        if more is None:
            break
        merged, last = merged + list(more.get("data") or []), more
    shown = {**page, "data": merged[:15], "pageSize": 15, "hasMore": bool(last.get("next"))}
    shown.pop("next", None)
    if last.get("next"):
        shown["next"] = last["next"]
    return response.with_json({"cursor": shown})


_fault(
    "later_pages_default_size",
    "pages reached through a cursor forget pageSize: they hold up to 15 items",
    {"page_holds_walk"},
    on_response=_default_size_later,
)


async def _drop_filter_later(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    """A cursor page of a filtered instance list shows an instance of another workflow in its last place."""
    parts = tuple(request.parts())
    if parts != ("v2", "instances") or request.method != "GET":
        return response
    if not request.param("cursor"):
        fault.state["filter"] = request.param("workflowID")
        return response
    page, wanted = _page(response), fault.state.get("filter")
    if page is None or not page.get("data") or not wanted:
        return response
    everything = _page(await send(replace(request, query=(("pageSize", "100"),))))
    other = next((i for i in (everything or {}).get("data") or [] if i.get("workflowID") != wanted), None)
    if other is None:
        return response
    return response.with_json({"cursor": {**page, "data": [*page["data"][:-1], other]}})


_fault(
    "later_pages_drop_the_filter",
    "pages reached through a cursor forget workflowID: another workflow's instance shows",
    {"page_holds_walk", "workflow_filter_applied"},
    on_response=_drop_filter_later,
)


async def _previous_reversed(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    page = _page(response) if _is_list(request) else None
    if page is None:
        return response
    backs = fault.state.setdefault("previous", set())
    if request.param("cursor") in backs and len(page.get("data") or []) > 1:
        page = {**page, "data": list(reversed(page["data"]))}
    if page.get("previous"):
        backs.add(page["previous"])
    return response.with_json({"cursor": page})


_fault(
    "previous_page_reversed",
    "a previous page lists its items in reverse order",
    {"previous_returns_earlier_page"},
    on_response=_previous_reversed,
)


async def _repeat_last(fault: Fault, request: Request, response: Response, send: Send) -> Response:
    """A cursor page starts with the last item of the page before it (a keyset bound taken inclusively)."""
    page = _page(response) if _is_list(request) else None
    if page is None or not page.get("data"):
        return response
    last = fault.state.get(request.path)
    fault.state[request.path] = page["data"][-1]
    if request.param("cursor") and last is not None and last not in page["data"]:
        page = {**page, "data": [last, *page["data"][:-1]]}
    return response.with_json({"cursor": page})


_fault(
    "page_repeats_an_item",
    "a next page repeats the previous page's last item (in place of its own last)",
    {"page_walk_complete", "pages_agree_with_whole"},
    on_response=_repeat_last,
)
