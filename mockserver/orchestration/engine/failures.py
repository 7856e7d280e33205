"""Failures raised by the simulated services behind activities, with their retry class.

The real activities turn each service's error response into a Temporal application error
whose *type* is the service's error code. Stage activities run with an infinite retry
policy that stops only on a few types; everything else is retried forever (§5.3).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.errors import MockError

# The ledger's refusal of a negative posting amount (formancehq/ledger v2.4.6 internal/posting.go).
NEGATIVE_AMOUNT = "negative amount"

# Error types the retry policy does not retry: the stage fails at once.
NON_RETRYABLE = frozenset({"VALIDATION", "CONFLICT", "NO_SCRIPT", "COMPILATION_FAILED"})


class ActivityError(Exception):
    """A service error seen by an activity: ``code`` decides whether it is retried."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    @property
    def retryable(self) -> bool:
        """Whether the stage activities' retry policy tries again."""
        return self.code not in NON_RETRYABLE


def validation(message: str) -> ActivityError:
    return ActivityError(message, "VALIDATION")


def not_found(message: str) -> ActivityError:
    return ActivityError(message, "NOT_FOUND")


def conflict(message: str) -> ActivityError:
    return ActivityError(message, "CONFLICT")


def insufficient_funds(address: str) -> ActivityError:
    return ActivityError(
        f"running numscript: script execution failed: account(s) @{address} had/have insufficient funds",
        "INSUFFICIENT_FUND",
    )


MAX_BACKOFF_SECONDS = 100


def backoff_seconds(failures: int) -> int:
    """Delay before the next attempt after ``failures`` failures: 1, 2, 4 ... capped at 100
    (flows ``internal/workflow/stages/internal/context.go``, ``InfiniteRetryContext``)."""
    return MAX_BACKOFF_SECONDS if failures > 7 else min(2 ** (failures - 1), MAX_BACKOFF_SECONDS)


def as_activity_error(execute: Callable[[Any, Any], Any], context: Any, request: Any) -> Any:
    """Run an activity; a service's error answer becomes the ActivityError the real activity
    raises, whose type is the service's errorCode (what the retry policy reads)."""
    try:
        return execute(context, request)
    except MockError as exc:
        raise ActivityError(exc.message, exc.code) from None
