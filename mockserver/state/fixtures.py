"""Fixture documents: YAML or JSON that seed workflows, triggers, instances and the bank.

A document is checked whole before anything is stored, so a bad fixture changes nothing.
See ``fixtures/README.md`` for the format.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema

from mockserver.core.yamlsafe import load_yaml
from mockserver.errors import MockError, ValidationError

if TYPE_CHECKING:
    from mockserver.state.backend import Backend

_STRING_MAP = {"type": "object", "additionalProperties": {"type": "string"}}

FIXTURE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "workflows": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["stages"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "minLength": 1},
                    "name": {"type": "string"},
                    "stages": {"type": "array", "items": {"type": "object"}},
                },
            },
        },
        "triggers": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["event", "workflow"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "minLength": 1},
                    "name": {"type": "string"},
                    "event": {"type": "string", "minLength": 1},
                    "workflow": {"type": "string", "minLength": 1},
                    "filter": {"type": "string"},
                    "vars": _STRING_MAP,
                },
            },
        },
        "instances": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["workflow"],
                "additionalProperties": False,
                "properties": {
                    "workflow": {"type": "string", "minLength": 1},
                    "variables": _STRING_MAP,
                    "events": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
        "ledgers": {"type": "object"},
        "wallets": {"type": "array", "items": {"type": "object"}},
        "payments": {"type": "array", "items": {"type": "object"}},
        "links": {"type": "object", "additionalProperties": {"type": "object"}},
    },
}

_VALIDATOR = jsonschema.Draft202012Validator(FIXTURE_SCHEMA)


def parse_fixture(text: str | bytes) -> dict[str, Any]:
    """Parse YAML (a superset of JSON) into a fixture document, or raise ValidationError."""
    doc = load_yaml(text, what="fixture")
    return doc if doc is not None else {}


def check_fixture(doc: Any) -> None:
    errors = sorted(_VALIDATOR.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(document)"
        raise ValidationError(f"invalid fixture at {where}: {first.message}")


def load_fixture(backend: Backend, doc: Any) -> dict[str, int]:
    """Validate then apply one document. Workflows are referred to by id or by name."""
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

    try:
        backend.engine.bank.load({key: doc[key] for key in ("ledgers", "wallets", "payments") if key in doc})
        for uri, data in doc.get("links", {}).items():
            backend.engine.triggers.register_link_document(uri, data)
        for spec in doc.get("workflows", []):
            created = backend.workflows.create(spec, workflow_id=spec.get("id"))
            if created.config["name"]:
                names[created.config["name"]] = created.id
        for spec in doc.get("triggers", []):
            body = {**spec, "workflowID": names.get(spec["workflow"], spec["workflow"])}
            backend.triggers.create(body, trigger_id=spec.get("id"))
        for spec in doc.get("instances", []):
            workflow_id = names.get(spec["workflow"], spec["workflow"])
            instance = backend.instances.run(workflow_id, spec.get("variables", {}))
            backend.engine.pump()
            for name in spec.get("events", []):
                backend.engine.send_event(instance, name)
                backend.engine.pump()
    except MockError as exc:
        raise ValidationError(f"invalid fixture: {exc.message}") from exc
    return {
        "workflows": len(doc.get("workflows", [])),
        "triggers": len(doc.get("triggers", [])),
        "instances": len(doc.get("instances", [])),
    }


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
