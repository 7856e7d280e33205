"""``record``: read a live service whole, then hand back one fixture document.

Nothing is written until every read succeeded: ``record`` only returns a document, and
``write_document`` replaces the output file in one atomic step, so a failed or interrupted
recording never leaves a partial fixture behind (nor truncates an older one).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

import httpx

from mockserver.core.atomicfile import write_atomically
from mockserver.recorder import state
from mockserver.recorder.config import RecordConfig
from mockserver.recorder.errors import NonConforming
from mockserver.recorder.ledgers import default_ledger_root, record_ledgers
from mockserver.recorder.upstream import Upstream


def record(config: RecordConfig, *, transport: httpx.BaseTransport | None = None) -> dict[str, Any]:
    """Read workflows, triggers and (``config.instances``) their occurrences and the terminated
    instances with their histories; raise a ``RecordError`` on the first thing that goes wrong."""
    with Upstream(config, transport=transport) as upstream:
        upstream.authenticate()
        workflows = upstream.items("/workflows")
        triggers, left_out = _loadable(upstream.items("/triggers"), {w["id"] for w in workflows})
        occurrences: dict[str, list[dict[str, Any]]] = {}
        instances: list[dict[str, Any]] = []
        if config.instances:
            for trigger in triggers:
                path = "/triggers/{triggerID}/occurrences"
                occurrences[trigger["id"]] = upstream.items(path, triggerID=trigger["id"])
            instances = _terminated_instances(upstream)
        ledgers = None
        if config.ledgers:
            root = config.ledger_root or default_ledger_root(config.api_root)
            ledgers = record_ledgers(upstream.client, upstream.token, root.rstrip("/"), config.page_size)
    doc = state.document(config, workflows, triggers, instances, occurrences=occurrences, left_out=left_out)
    if ledgers is not None:
        doc["ledgers"] = ledgers
    return doc


def _loadable(triggers: list[dict[str, Any]], workflow_ids: set[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """The triggers the mock can load, and a note for each other: the mock creates no trigger
    without its workflow, and a deleted workflow is in no list to record."""
    kept, notes = [], []
    for trigger in triggers:
        if trigger["workflowID"] in workflow_ids:
            kept.append(trigger)
        else:
            notes.append(f"trigger {trigger['id']}: its workflow {trigger['workflowID']} is not listed")
    return kept, notes


def _terminated_instances(upstream: Upstream) -> list[dict[str, Any]]:
    # Only terminated ones: a running instance cannot be put back mid-stage (the mock's
    # engine resumes nothing it did not start), and its histories would still change.
    entries = []
    for listed in upstream.items("/instances"):
        if not listed["terminated"]:
            continue
        instance_id = listed["id"]
        view = upstream.read("/instances/{instanceID}", instanceID=instance_id)["data"]
        if view["terminated"] is not True:
            raise NonConforming(f"instance {instance_id} is listed as terminated but reads as running")
        history = upstream.read("/instances/{instanceID}/history", instanceID=instance_id)["data"]
        stages = [_stage_history(upstream, instance_id, number) for number in range(len(history))]
        entries.append(state.instance_entry(view, history, stages))
    return entries


def _stage_history(upstream: Upstream, instance_id: str, number: int) -> list[dict[str, Any]]:
    path = "/instances/{instanceID}/stages/{number}/history"
    return upstream.read(path, instanceID=instance_id, number=str(number))["data"]


def write_document(document: dict[str, Any], output: Path | None, *, stream: TextIO | None = None) -> None:
    """JSON (which the fixture loader reads exactly, and YAML readers too), to ``output``
    atomically, or to ``stream`` (default stdout) in one write."""
    text = json.dumps(document, indent=2) + "\n"
    if output is None:
        (stream or sys.stdout).write(text)
    else:
        write_atomically(output, text.encode())
