"""API views -> fixture entries: the document ``orchestration-mock --fixtures`` loads.

Each entry keeps what the mock shows back (ids, instants, histories) under the names the
fixture format gives them (``fixtures/README.md``): a workflow's ``config`` is spread into
``name`` and ``stages``, a reference to a workflow is ``workflow``, a recorded instance
carries ``status``, ``history`` and one ``stageHistories`` entry per history entry.
Fields are copied by name, so an upstream's extra fields never make an unloadable fixture.
"""

from __future__ import annotations

from typing import Any

from mockserver.recorder.config import RecordConfig
from mockserver.recorder.errors import NonConforming

_OCCURRENCE_FIELDS = ("id", "date", "event", "workflowInstanceID", "error")
_STATUS_FIELDS = ("stage", "instanceID", "startedAt", "terminatedAt", "error")
_RUN_FIELDS = ("name", "input", "terminated", "startedAt", "terminatedAt", "error")
_ACTIVITY_FIELDS = (
    "name",
    "input",
    "output",
    "terminated",
    "startedAt",
    "terminatedAt",
    "attempt",
    "error",
    "lastFailure",
    "nextExecution",
)


def _pick(view: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """The named fields that are there; a ``null`` is what the mock shows as absent."""
    return {name: view[name] for name in names if view.get(name) is not None}


def workflow_entry(view: dict[str, Any]) -> dict[str, Any]:
    config = view["config"]
    entry: dict[str, Any] = {"id": view["id"]}
    if config.get("name") is not None:
        entry["name"] = config["name"]
    entry["stages"] = config.get("stages") or []
    return entry | _pick(view, ("createdAt", "updatedAt"))


def trigger_entry(view: dict[str, Any], occurrences: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """``occurrences`` as listTriggersOccurrences showed them; each shows its instance again
    once loaded only if that instance is recorded too (``workflowInstanceID`` is all it keeps)."""
    entry = _pick(view, ("id", "name", "event"))
    entry["workflow"] = view["workflowID"]
    entry |= _pick(view, ("filter", "vars", "version", "createdAt"))
    if occurrences:
        entry["occurrences"] = [_pick(o, _OCCURRENCE_FIELDS) for o in occurrences]
    return entry


def instance_entry(
    view: dict[str, Any], history: list[dict[str, Any]], stages: list[list[dict[str, Any]]]
) -> dict[str, Any]:
    """A terminated instance as getInstance, getInstanceHistory and getInstanceStageHistory
    (``stages[n]`` for stage n) showed it. The workflow it embeds (flows v2.6.0) is the one its
    ``workflowID`` names, recorded on its own: the entry keeps the reference, and the mock shows
    the stored workflow there again."""
    embedded = view.get("workflow")
    if isinstance(embedded, dict) and embedded.get("id") != view["workflowID"]:
        named = f"workflow {embedded.get('id')!r}, not its workflowID {view['workflowID']!r}"
        raise NonConforming(f"instance {view['id']}: it embeds {named}")
    entry: dict[str, Any] = {"id": view["id"], "workflow": view["workflowID"]}
    entry |= _pick(view, ("createdAt", "updatedAt", "terminated", "terminatedAt", "error"))
    entry["status"] = [_pick(s, _STATUS_FIELDS) for s in view.get("status") or []]
    entry["history"] = [_pick(h, _RUN_FIELDS) for h in history]
    entry["stageHistories"] = [[_pick(a, _ACTIVITY_FIELDS) for a in stage] for stage in stages]
    return entry


def document(
    config: RecordConfig,
    workflows: list[dict[str, Any]],
    triggers: list[dict[str, Any]],
    instances: list[dict[str, Any]],
    *,
    occurrences: dict[str, list[dict[str, Any]]],
    left_out: list[str],
) -> dict[str, Any]:
    """The fixture document, in list order (the mock lists in the order it loads).

    ``recorded.leftOut`` says what was read but could not be loaded (a trigger of a deleted
    workflow: the mock creates no trigger without its workflow)."""
    recorded: dict[str, Any] = {"from": config.api_root, "api": config.api, "instances": config.instances}
    if left_out:
        recorded["leftOut"] = left_out
    doc: dict[str, Any] = {
        "recorded": recorded,
        "workflows": [workflow_entry(w) for w in workflows],
        "triggers": [trigger_entry(t, occurrences.get(t["id"])) for t in triggers],
    }
    if config.instances:
        doc["instances"] = instances
    return doc
