"""The collector policy: survivors are frozen (full collections stay short), and a reset
lets the next full collection free the cycles of the state it dropped."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from mockserver.state import gcpolicy


class Node:
    def __init__(self) -> None:
        self.me = self


@pytest.fixture(autouse=True)
def alone() -> Iterator[None]:
    """The policy is the process's: mocks other tests of this worker left running hold it too.
    Each test here starts as a process with no mock, and theirs is given back afterwards."""
    saved = (gcpolicy._users, gcpolicy._thawed, gcpolicy._walked, gcpolicy._young)
    if saved[0]:
        gc.callbacks.remove(gcpolicy._freeze_survivors)
    gcpolicy._users, gcpolicy._thawed = 0, False
    gc.unfreeze()
    yield
    while gcpolicy._users:
        gcpolicy.uninstall()
    gcpolicy._users, gcpolicy._thawed, gcpolicy._walked, gcpolicy._young = saved
    if saved[0]:
        gc.callbacks.append(gcpolicy._freeze_survivors)
        if not saved[1]:  # a thawed heap awaits its full walk: freezing it would keep its garbage
            gc.freeze()


@pytest.fixture
def policy() -> Iterator[None]:
    gcpolicy.install()
    yield
    gcpolicy.uninstall()


def survivors_get_frozen() -> bool:
    before = gc.get_freeze_count()
    survivors = [Node() for _ in range(100)]
    gc.collect(1)
    return gc.get_freeze_count() >= before + len(survivors)


def test_objects_that_survive_a_young_collection_are_frozen(policy: None) -> None:
    assert survivors_get_frozen()
    frozen = gc.get_freeze_count()
    gc.collect()
    assert gc.get_freeze_count() >= frozen  # a full collection did not walk them back


def test_survivors_of_the_first_generation_are_frozen_at_once(policy: None) -> None:
    """Not aged into the second generation first: the collector would walk each twice."""
    gc.collect()
    before = gc.get_freeze_count()
    survivors = [Node() for _ in range(100)]
    gc.collect(0)
    assert gc.get_freeze_count() >= before + len(survivors)


def a_frozen_cycle_dropped() -> weakref.ref[Node]:
    """A cycle frozen while in use, then dropped: only a walk of the frozen heap frees it."""
    node = Node()
    ref = weakref.ref(node)
    gc.collect(1)
    del node
    gc.collect()
    assert ref() is not None  # frozen: invisible to the collector
    return ref


def test_frozen_cycles_wait_for_a_thaw_then_one_full_collection_frees_them(policy: None) -> None:
    ref = a_frozen_cycle_dropped()
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


def test_a_thaw_left_by_a_stopped_mock_does_not_outlive_it() -> None:
    """mockserver.testing runs mocks in threads of the test process: a reset then a stop must
    leave the next mock's policy as a fresh one."""
    gcpolicy.install()
    gcpolicy.thaw()
    gcpolicy.uninstall()
    gcpolicy.install()
    try:
        assert survivors_get_frozen()
    finally:
        gcpolicy.uninstall()


def test_the_policy_stays_until_the_last_mock_in_the_process_stops() -> None:
    gcpolicy.install()
    gcpolicy.install()
    gcpolicy.uninstall()
    assert survivors_get_frozen()
    gcpolicy.uninstall()
    assert gc.get_freeze_count() == 0
    gcpolicy.uninstall()  # one too many is harmless


def test_a_frozen_heap_that_doubled_is_walked_again_and_its_leaked_cycles_freed(policy: None) -> None:
    """A cycle frozen while in use and dropped later waits at most until the heap doubles."""
    ref = a_frozen_cycle_dropped()
    # Young collections on the way freeze them; the frozen heap is counted (not at each one: that
    # walks it) once it may have doubled, and found doubled it is thawed ...
    grown = [Node() for _ in range(3 * gc.get_freeze_count())]
    gc.collect()  # ... for the next full collection to walk all of it
    assert ref() is None
    assert gc.get_freeze_count() >= len(grown)  # then freezing resumed, the survivors with it
