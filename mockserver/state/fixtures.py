"""Fixture documents: YAML or JSON that seed workflows, triggers, instances and the bank.

A document is checked whole before anything is stored, so a bad fixture changes nothing.
See ``fixtures/README.md`` for the format.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema

from mockserver.core.limits import check_depth
from mockserver.core.yamlsafe import load_yaml
from mockserver.errors import MockError, ValidationError
from mockserver.state.restore import instant

if TYPE_CHECKING:
    from mockserver.state.backend import Backend

_STRING_MAP = {"type": "object", "additionalProperties": {"type": "string"}}
# What ``orchestration-mock record`` writes: instants as the API shows them (RFC 3339, zone
# required), checked by ``_FORMATS`` so a bad one is refused before anything is stored.
_INSTANT = {"type": "string", "format": "date-time"}
_TEXT = {"type": "string"}
_NON_EMPTY = {"type": "string", "minLength": 1}  # ids, names of workflows and events
_OBJECT = {"type": "object"}


def _strict(required: list[str], **properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "additionalProperties": False, "properties": properties}


# A recorded instance, as the API read it: its own fields, ``status`` as getInstance shows it,
# ``history`` as getInstanceHistory does and ``stageHistories[n]`` as getInstanceStageHistory
# does for stage n.
_RECORDED_INSTANCE = _strict(
    ["id", "workflow", "createdAt", "terminated"],
    id=_NON_EMPTY,
    workflow=_NON_EMPTY,
    createdAt=_INSTANT,
    updatedAt=_INSTANT,
    terminated={"const": True},
    terminatedAt=_INSTANT,
    error=_TEXT,
    status={
        "type": "array",
        "items": _strict(
            ["stage", "instanceID", "startedAt"],
            stage={"type": "integer", "minimum": 0},
            instanceID=_TEXT,
            startedAt=_INSTANT,
            terminatedAt=_INSTANT,
            error=_TEXT,
        ),
    },
    history={
        "type": "array",
        "items": _strict(
            ["name", "input", "terminated", "startedAt"],
            name=_TEXT,
            input=_OBJECT,
            terminated={"type": "boolean"},
            startedAt=_INSTANT,
            terminatedAt=_INSTANT,
            error=_TEXT,
        ),
    },
    stageHistories={
        "type": "array",
        "items": {
            "type": "array",
            "items": _strict(
                ["name", "input", "terminated", "startedAt", "attempt"],
                name=_TEXT,
                input=_OBJECT,
                output=_OBJECT,
                terminated={"type": "boolean"},
                startedAt=_INSTANT,
                terminatedAt=_INSTANT,
                attempt={"type": "integer", "minimum": 1},
                error=_TEXT,
                lastFailure=_TEXT,
                nextExecution=_INSTANT,
            ),
        },
    },
)
_RUN_INSTANCE = _strict(
    ["workflow"],
    workflow=_NON_EMPTY,
    variables=_STRING_MAP,
    events={"type": "array", "items": {"type": "string"}},
)

FIXTURE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "workflows": {
            "type": "array",
            "items": {
                **_strict(
                    ["stages"],
                    id=_NON_EMPTY,
                    name=_TEXT,
                    stages={"type": "array", "items": _OBJECT},
                    createdAt=_INSTANT,
                    updatedAt=_INSTANT,
                ),
                # A recorded workflow is one with ``createdAt``: an ``updatedAt`` alone would be ignored.
                "dependentRequired": {"updatedAt": ["createdAt"]},
            },
        },
        "triggers": {
            "type": "array",
            "items": _strict(
                ["event", "workflow"],
                id=_NON_EMPTY,
                name=_TEXT,
                event=_NON_EMPTY,
                workflow=_NON_EMPTY,
                filter=_TEXT,
                vars=_STRING_MAP,
                # The bus envelope version it fires on (flows v2.6.0); absent or null: every version.
                version={"type": ["string", "null"]},
                createdAt=_INSTANT,
                # As listTriggersOccurrences shows them, in its order; ``triggerID`` is this trigger.
                occurrences={
                    "type": "array",
                    "items": _strict(
                        ["id", "date", "event"],
                        id=_NON_EMPTY,
                        date=_INSTANT,
                        event={},
                        workflowInstanceID=_TEXT,
                        error=_TEXT,
                    ),
                },
            ),
        },
        # An entry with an ``id`` is a recorded instance, put back as it was; without one it
        # is a run started at load time.
        "instances": {
            "type": "array",
            "items": {"if": {"type": "object", "required": ["id"]}, "then": _RECORDED_INSTANCE, "else": _RUN_INSTANCE},
        },
        "ledgers": _OBJECT,
        "wallets": {"type": "array", "items": _OBJECT},
        "payments": {"type": "array", "items": _OBJECT},
        "links": {"type": "object", "additionalProperties": _OBJECT},
        # Webhooks configs, as insertConfig takes them (plus an optional id and ``active``).
        "webhooks": {
            "type": "array",
            "items": _strict(
                ["endpoint", "eventTypes"],
                id=_NON_EMPTY,
                endpoint={"type": "string"},
                secret={"type": "string"},
                eventTypes={"type": "array", "items": {"type": "string"}},
                active={"type": "boolean"},
            ),
        },
        # Where a recording came from (``orchestration-mock record``): kept for people, unused.
        "recorded": _OBJECT,
    },
}

_FORMATS = jsonschema.FormatChecker(formats=())


@_FORMATS.checks("date-time", raises=ValueError)
def _is_instant(value: object) -> bool:
    if isinstance(value, str):
        instant(value)
    return True


_VALIDATOR = jsonschema.Draft202012Validator(FIXTURE_SCHEMA, format_checker=_FORMATS)


def parse_fixture(text: str | bytes) -> dict[str, Any]:
    """Parse YAML (a superset of JSON) into a fixture document, or raise ValidationError.

    A JSON object is read as JSON first: YAML 1.1 reads some JSON numbers (``1e+100``) as
    strings, and a recording must give back the very values it was made of.
    """
    if text.lstrip()[:1] in (b"{", "{"):
        try:
            doc = json.loads(text)
        except (ValueError, RecursionError):
            pass  # not JSON after all: the YAML parser says why, or reads it
        else:
            check_depth(doc, what="fixture")
            return doc
    doc = load_yaml(text, what="fixture")
    return doc if doc is not None else {}


def check_fixture(doc: Any) -> None:
    errors = sorted(_VALIDATOR.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(document)"
        raise ValidationError(f"invalid fixture at {where}: {first.message}")


def load_fixture(backend: Backend, doc: Any) -> dict[str, int]:
    """Validate then apply one document. Workflows are referred to by id or by name.

    Workflows and triggers with ``createdAt`` and instances with an ``id`` are recorded ones
    (``orchestration-mock record``), put back with their own instants by ``backend.restore``.
    """
    check_fixture(doc)
    for spec in doc.get("workflows", []):
        backend.engine.validate_definition({"name": spec.get("name", ""), "stages": spec["stages"]})
    names = {w.config["name"]: w.id for w in backend.store.live_workflows.values() if w.config["name"]}
    # A trigger or instance may name a workflow by name or id, stored already or in this document.
    known = set(names) | set(backend.store.live_workflows)
    known |= {ref for spec in doc.get("workflows", []) for ref in (spec.get("name"), spec.get("id")) if ref}
    for ref in [t["workflow"] for t in doc.get("triggers", [])] + [i["workflow"] for i in doc.get("instances", [])]:
        if ref not in known:
            raise ValidationError(f"invalid fixture: unknown workflow {ref!r}")
    _check_recorded_instances(backend, doc.get("instances", []))

    try:
        backend.engine.bank.load({key: doc[key] for key in ("ledgers", "wallets", "payments") if key in doc})
        for uri, data in doc.get("links", {}).items():
            backend.engine.triggers.register_link_document(uri, data)
        for spec in doc.get("workflows", []):
            if "createdAt" in spec:
                created = backend.restore.workflow(spec)
            else:
                created = backend.workflows.create(spec, workflow_id=spec.get("id"))
            if created.config["name"]:
                names[created.config["name"]] = created.id
        for spec in doc.get("triggers", []):
            body = {**spec, "workflowID": names.get(spec["workflow"], spec["workflow"])}
            body.pop("occurrences", None)
            if "createdAt" in spec:
                trigger = backend.restore.trigger(body)
            else:
                trigger = backend.triggers.create(body, trigger_id=spec.get("id"))
            if spec.get("occurrences"):
                backend.restore.occurrences(trigger.id, spec["occurrences"])
        for spec in doc.get("instances", []):
            workflow_id = names.get(spec["workflow"], spec["workflow"])
            if "id" in spec:
                backend.restore.instance({**spec, "workflow": workflow_id})
                continue
            instance = backend.instances.run(workflow_id, spec.get("variables", {}))
            backend.engine.pump()
            for name in spec.get("events", []):
                backend.engine.send_event(instance, name)
                backend.engine.pump()
        if doc.get("webhooks"):  # last: the runs above deliver nothing to the configs seeded here
            backend.webhooks.configs.load(doc["webhooks"])
    except MockError as exc:
        raise ValidationError(f"invalid fixture: {exc.message}") from exc
    return {
        "workflows": len(doc.get("workflows", [])),
        "triggers": len(doc.get("triggers", [])),
        "instances": len(doc.get("instances", [])),
    }


def _check_recorded_instances(backend: Backend, entries: list[dict[str, Any]]) -> None:
    """What the schema cannot say: a recorded id is new, and a stage history belongs to a
    stage the history shows (``stageHistories[n]`` for ``history[n]``)."""
    seen = set(backend.store.instances)
    for number, entry in enumerate(entries):
        if "id" not in entry:
            continue
        if entry["id"] in seen:
            raise ValidationError(f"invalid fixture at instances/{number}/id: instance {entry['id']!r} exists already")
        seen.add(entry["id"])
        if len(entry.get("stageHistories", [])) > len(entry.get("history", [])):
            raise ValidationError(
                f"invalid fixture at instances/{number}/stageHistories: more stages than history entries"
            )


def load_fixture_files(backend: Backend, paths: Iterable[Path]) -> None:
    for path in paths:
        try:
            load_fixture(backend, parse_fixture(Path(path).read_bytes()))
        except ValidationError as exc:
            raise ValueError(f"{path}: {exc.message}") from exc


def reset(backend: Backend) -> None:
    """Forget everything, rewind the clock, restart the id sequence, reload the start-up fixtures."""
    backend.clear()
    load_fixture_files(backend, backend.settings.fixtures)
