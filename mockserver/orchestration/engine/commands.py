"""The commands stage code yields to the driver, and the two ways a stage body fails.

A stage body ``yield``s a ``Call`` (run an activity, get its response back), a ``Sleep``
(resume at a given instant) or an ``AwaitSignal`` (resume when a matching event is sent).
A non-retryable activity failure is thrown into the body as ``ActivityFailed``; the body
may catch it (the send stage tolerates a CONFLICT) or let it end the stage.
``StageFailure`` is an error of the stage code itself (``amount must be specified``).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Call:
    """Run the activity ``name`` with ``request``; the body receives its response."""

    name: str
    request: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Sleep:
    """Resume the body at ``until``."""

    until: datetime


@dataclass(frozen=True, slots=True)
class AwaitSignal:
    """Resume the body when an event called ``name`` is sent to the instance."""

    name: str


Command = Call | Sleep | AwaitSignal
StageBody = Generator[Command, Any, None]


class StageFailure(Exception):
    """An error raised by stage code; the history entry shows this message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ActivityFailed(Exception):
    """A non-retryable activity failure; the history entry shows ``activity error``."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
