"""Keyset cursor pages (mockserver.orchestration.domain.paging): complete, stable under change, O(page)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.errors import ValidationError
from mockserver.orchestration.domain.model import Workflow
from mockserver.orchestration.domain.paging import DEFAULT_PAGE_SIZE, Paging, cut
from mockserver.orchestration.domain.store import Store

NOW = datetime(2026, 12, 4, tzinfo=UTC)


def _store(count: int) -> Store:
    store = Store()
    for n in range(count):
        store.add_workflow(Workflow(id=f"w{n}", config={}, created_at=NOW))
    return store


def _walk(store: Store, size: int, between=lambda page_number: None) -> list[str]:
    paging = Paging(real_quirks=False)
    request = paging.request("workflows", None, size, {})
    seen: list[str] = []
    for number in range(10_000):
        page = cut(store.workflow_order, request)
        assert len(page.items) <= size and page.has_more == (page.next is not None)
        seen += [w.id for w in page.items]
        if page.next is None:
            return seen
        between(number)
        request = paging.request("workflows", page.next, None, {})
    raise AssertionError("the walk did not end")


@pytest.mark.parametrize(("count", "size"), [(0, 15), (1, 1), (15, 15), (16, 15), (100, 7)])
def test_walking_next_lists_every_item_once(count: int, size: int) -> None:
    assert _walk(_store(count), size) == [f"w{n}" for n in range(count)]


def test_previous_walks_back_page_by_page() -> None:
    store = _store(40)
    paging = Paging(real_quirks=False)
    pages = [cut(store.workflow_order, paging.request("workflows", None, 10, {}))]
    while pages[-1].next:
        pages.append(cut(store.workflow_order, paging.request("workflows", pages[-1].next, None, {})))
    assert pages[0].previous is None and pages[-1].next is None and len(pages) == 4
    for earlier, later in itertools.pairwise(pages):
        back = cut(store.workflow_order, paging.request("workflows", later.previous, None, {}))
        assert [w.id for w in back.items] == [w.id for w in earlier.items]
        assert back.next is not None and back.has_more


@settings(max_examples=60, derandomize=True, deadline=None)
@given(
    count=st.integers(0, 60),
    size=st.integers(1, 20),
    changes=st.lists(st.tuples(st.integers(0, 80), st.booleans()), max_size=30),
)
def test_a_walk_stays_correct_while_items_come_and_go(count: int, size: int, changes: list[tuple[int, bool]]) -> None:
    """Between pages, create and delete workflows: every one that lived through the whole walk
    is listed exactly once, and no id is listed twice."""
    store = _store(count)
    touched: set[str] = set()
    created = iter(range(count, 10_000))

    def between(number: int) -> None:
        for target, create in changes[number::5]:
            if create:
                new = f"w{next(created)}"
                store.add_workflow(Workflow(id=new, config={}, created_at=NOW))
                touched.add(new)
            elif (item := store.live_workflows.get(f"w{target}")) is not None:
                item.deleted_at = NOW
                store.soft_delete_workflow(item)
                touched.add(item.id)

    seen = _walk(store, size, between)
    assert len(seen) == len(set(seen))
    survivors = {f"w{n}" for n in range(count)} - touched
    assert survivors <= set(seen)


def test_page_size_zero_means_the_default_and_both_modes_cap_at_100() -> None:
    # flows clamps to 100, which the spec's pageSize (a maximum) allows: spec mode does it too.
    assert Paging(real_quirks=False).request("workflows", None, 0, {}).size == DEFAULT_PAGE_SIZE
    assert Paging(real_quirks=False).request("workflows", None, 100, {}).size == 100
    assert Paging(real_quirks=False).request("workflows", None, 1000, {}).size == 100
    assert Paging(real_quirks=True).request("workflows", None, 500, {}).size == 100
    with pytest.raises(ValidationError):  # above the spec's maximum: spec mode only refuses it
        Paging(real_quirks=False).request("workflows", None, 1001, {})
    assert Paging(real_quirks=True).request("workflows", None, 1001, {}).size == 100


@pytest.mark.parametrize("cursor", ["%%%", "bm90IGpzb24", "e30", "eyJsIjoid29ya2Zsb3dzIn0"])
def test_a_bad_cursor_is_a_validation_error(cursor: str) -> None:
    with pytest.raises(ValidationError):
        Paging(real_quirks=False).request("workflows", cursor, None, {})


def test_a_cursor_of_another_list_is_refused() -> None:
    store = _store(20)
    paging = Paging(real_quirks=False)
    page = cut(store.workflow_order, paging.request("workflows", None, 5, {}))
    with pytest.raises(ValidationError):
        paging.request("triggers", page.next, None, {})


def test_deleted_items_are_compacted_out_of_the_view() -> None:
    store = _store(1000)
    for n in range(990):
        item = store.live_workflows[f"w{n}"]
        item.deleted_at = NOW
        store.soft_delete_workflow(item)
    page = cut(store.workflow_order, Paging(real_quirks=False).request("workflows", None, 15, {}))
    assert [w.id for w in page.items] == [f"w{n}" for n in range(990, 1000)]
    assert len(store.workflow_order._records) < 100  # rebuilt: a page no longer skips the dead
