"""When a poll may stop: a read already shows what the model predicts, or proves it never will.

The real service is asynchronous, so the suite re-reads where the spec promises progress. Waiting only makes
sense while the answer could still turn into the prediction: a field that is missing or of the wrong type, a
terminal state other than the predicted one, more stages or history entries than predicted, or an entry that
differs from the prediction cannot be repaired by later progress (instances only move forward), so the poll
stops at once and the checks judge that answer.
"""

from __future__ import annotations

from typing import Any

from contract_tests.oracle.model import Prediction

__all__ = ["history_never_matches", "instance_never_matches", "instance_shows", "list_never_grows"]


def instance_shows(data: Any, expected: Prediction) -> bool:
    """Whether an instance read already shows what the model predicts."""
    if not isinstance(data, dict):
        return False
    if expected.terminated is not None and data.get("terminated") != expected.terminated:
        return False
    return expected.started is None or _started(data) == expected.started


def _started(data: dict[str, Any]) -> int | None:
    status = data.get("status")
    if status is None:
        return 0
    return len(status) if isinstance(status, list) else None


def instance_never_matches(data: Any, expected: Prediction) -> bool:
    """Whether an instance read proves the prediction can no longer hold, however long one waits."""
    if not isinstance(data, dict) or not isinstance(data.get("terminated"), bool):
        return True  # no instance object, or `terminated` missing or not a boolean
    started = _started(data)
    if started is None:
        return True  # `status` is not a list
    if expected.started is not None and started > expected.started:
        return True  # stages never un-start
    # A terminated instance never changes again: any difference from the prediction is final.
    return data["terminated"] and not instance_shows(data, expected)


def history_never_matches(data: Any, names: list[str] | None) -> bool:
    """Whether a history read proves it will never list `names` (entries are only ever appended)."""
    if not isinstance(data, list):
        return True
    if names is None:
        return False
    if len(data) > len(names):
        return True
    pairs = zip(data, names, strict=False)  # data is not longer than names here
    return any(not isinstance(entry, dict) or entry.get("name") != name for entry, name in pairs)


def list_never_grows(data: Any) -> bool:
    """A list read that is no list (a wrong type) will not become one."""
    return not isinstance(data, list)
