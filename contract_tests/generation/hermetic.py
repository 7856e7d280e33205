"""Generation that depends on the seed alone, not on what else the host process has imported.

Hypothesis (6.131 and later) mixes literals from every *local* module in `sys.modules` into what it draws:
five draws in a hundred pick one of them. Which modules are local and loaded differs from one process to
the next: a pytest session that imported other code first, a vendor's own test modules next to the
plugin, an editable install of this package. So the same `--seed` against the same server sent different
requests and could give a different report. `hermetic_generation()` empties that pool for the length of a
run; Hypothesis' own built-in constants (boundary numbers, odd strings) still apply, as they are the same
everywhere.

Hypothesis offers no setting for this, so the context manager replaces its private lookup. If a future
Hypothesis moves it, the run still works and only loses the guard;
`tests/contract/test_against_mock.py::test_the_seed_alone_decides_the_findings` then fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from hypothesis.internal.conjecture import providers


@contextmanager
def hermetic_generation() -> Iterator[None]:
    """Within the block, Hypothesis draws no constants from the process's local modules."""
    original: Any = getattr(providers, "_get_local_constants", None)
    constants_type: Any = getattr(providers, "Constants", None)
    cache: Any = getattr(providers, "CONSTANTS_CACHE", None)
    if original is None or constants_type is None or cache is None:
        yield
        return
    empty = constants_type()
    providers._get_local_constants = lambda: empty
    cache.cache.clear()  # filtered views of the pool built before the block
    try:
        yield
    finally:
        providers._get_local_constants = original
        cache.cache.clear()
