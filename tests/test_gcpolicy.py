"""The collector policy: survivors are frozen (full collections stay short), and a reset
lets the next full collection free the cycles of the state it dropped."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from mockserver import gcpolicy


class Node:
    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def policy() -> Iterator[None]:
    gcpolicy.install()
    yield
    gcpolicy.uninstall()


def test_objects_that_survive_a_young_collection_are_frozen(policy: None) -> None:
    survivor = Node()
    gc.collect(1)
    assert gc.is_tracked(survivor)
    assert gc.get_freeze_count() > 0
    frozen = gc.get_freeze_count()
    gc.collect()
    assert gc.get_freeze_count() >= frozen  # a full collection did not walk them back


def test_frozen_cycles_wait_for_a_thaw_then_one_full_collection_frees_them(policy: None) -> None:
    node = Node()
    ref = weakref.ref(node)
    gc.collect(1)
    del node
    gc.collect()
    assert ref() is not None  # frozen: invisible to the collector
    gcpolicy.thaw()
    gc.collect(1)  # a young collection while thawed must not freeze the heap again
    assert ref() is not None
    gc.collect()
    assert ref() is None
    assert gc.get_freeze_count() > 0  # and freezing resumed


def test_uninstall_gives_the_heap_back_to_the_collector() -> None:
    gcpolicy.install()
    node = Node()
    ref = weakref.ref(node)
    gc.collect(1)
    del node
    gcpolicy.uninstall()
    gc.collect()
    assert ref() is None and gc.get_freeze_count() == 0
