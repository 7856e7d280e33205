"""The ledger API's handlers by operationId, thin: parse nothing, decide nothing, call the service.

One module per area (core reads and writes, lists, administration); ``LedgerApi.registry()``
merges them, and a test holds it equal to the spec's operation set.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.ledger.handlers.admin import AdminHandlers
from mockserver.ledger.handlers.core import CoreHandlers
from mockserver.ledger.handlers.lists import ListHandlers
from mockserver.ledger.service import LedgerService


class LedgerApi:
    def __init__(self, current: Callable[[], LedgerService]) -> None:
        self._parts = (CoreHandlers(current), ListHandlers(current), AdminHandlers(current))

    def registry(self) -> dict[str, Callable[..., Any]]:
        merged: dict[str, Callable[..., Any]] = {}
        for part in self._parts:
            merged.update(part.registry())
        return merged


__all__ = ["LedgerApi"]
