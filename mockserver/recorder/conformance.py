"""Upstream answers held to the spec: each GET's 200 body must be the operation's schema.

The recorder writes what the live service shows, so an answer outside the spec would make
a fixture the mock cannot load, or one that answers differently: it is refused instead,
naming the field. Instants are checked too (``date-time``): the mock parses them.

One relaxation: an activity's ``input`` and ``output`` (stage histories) only need to be
objects. They are kept verbatim, never read, and the real service's differ from the spec's
in known places (capitalised ``Ledger``/``Data``, ``CreateTransaction`` as an array: see
``contract_tests/deviations/real-service.yaml``), which must not stop a recording of it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from openapi_schema_validator import OAS30Validator
from orchestration_spec import ORCHESTRATION_SPEC, ORCHESTRATION_V2_SPEC

from mockserver.recorder.errors import NonConforming

_SPECS = {"v1": (ORCHESTRATION_SPEC, ""), "v2": (ORCHESTRATION_V2_SPEC, "/v2")}
_PAYLOADS = {
    "v1": ("WorkflowInstanceHistoryStageInput", "WorkflowInstanceHistoryStageOutput"),
    "v2": ("V2WorkflowInstanceHistoryStageInput", "V2WorkflowInstanceHistoryStageOutput"),
}
_INSTANTS = jsonschema.FormatChecker(formats=("date-time",))


@cache
def _spec(path: Path) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: the spec parses 10x faster
    return yaml.load(path.read_text(), Loader=loader)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


class Conformance:
    """Checks answers of one API version; ``template`` is the path as v1 names it."""

    def __init__(self, api: str) -> None:
        path, self._prefix = _SPECS[api]
        doc = _spec(path)
        schemas = {**doc["components"]["schemas"], **{name: {"type": "object"} for name in _PAYLOADS[api]}}
        self._doc = {**doc, "components": {**doc["components"], "schemas": schemas}}  # the cached spec stays whole
        self._validators: dict[str, Any] = {}

    def check(self, template: str, url: str, body: Any) -> None:
        errors = sorted(self._validator(template).iter_errors(body), key=lambda e: list(e.absolute_path))
        if errors:
            first = errors[0]
            where = "/".join(str(p) for p in first.absolute_path) or "(body)"
            raise NonConforming(f"GET {url}: the answer is not the spec's: {first.message} at {where}")

    def _validator(self, template: str) -> Any:
        validator = self._validators.get(template)
        if validator is None:
            key = self._prefix + template
            declared = self._doc["paths"][key]["get"]["responses"]["200"]
            pointer = f"#/paths/{_escape(key)}/get/responses/200"
            if "$ref" in declared:
                pointer = declared["$ref"]
                declared = self._doc["components"]["responses"][pointer.rsplit("/", 1)[1]]
            # The whole spec is the root, so the schema's $refs resolve against it.
            root = {**self._doc, "$ref": pointer + "/content/application~1json/schema"}
            validator = OAS30Validator(root, format_checker=_INSTANTS)
            self._validators[template] = validator
        return validator
