"""Handlers bound to one service of the tenant serving the request.

Each service's handler classes take a `current()` that returns the tenant's instance of the service (tenants
each have their own), and read it on every call as `self._s`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["ServiceHandlers"]

S = TypeVar("S")


class ServiceHandlers(Generic[S]):
    def __init__(self, current: Callable[[], S]) -> None:
        self._current = current

    @property
    def _s(self) -> S:
        return self._current()
