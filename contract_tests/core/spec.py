"""The contract: the project's OpenAPI description, loaded once for Schemathesis and for our own checks."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import schemathesis
import yaml
from schemathesis.core.result import Ok
from schemathesis.schemas import APIOperation, BaseSchema

from contract_tests.core.versions import APIS, VERSIONS, ApiVersion, canonical_name

__all__ = ["Operation", "Spec", "load_spec", "spec_path"]

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def spec_path(version: str = "v1") -> Path:
    return APIS[version].spec_path()


@dataclass(frozen=True)
class Operation:
    """One operation of the spec, with what our checks need to know about it."""

    operation_id: str
    name: str  # the version-independent name the checks use (`listWorkflows` for `v2ListWorkflows`)
    paginated: bool  # a list answering cursor pages (pageSize, cursor)
    method: str
    path: str
    success: int
    documented: frozenset[int]
    secured: bool
    has_body: bool
    st: APIOperation
    # How a success body is wrapped: "data" ({"data": ...}), "cursor" ({"cursor": {..., "data"}}), "raw" (the
    # object itself), "stream" (bytes), "none" (no body). Read from the spec's success response.
    envelope: str = "data"
    service: str = "orchestration"

    @property
    def is_write(self) -> bool:
        return self.method not in ("GET", "HEAD", "OPTIONS")

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"


class Spec:
    """The raw document, the Schemathesis schema built from it, and the operations by operationId."""

    def __init__(self, path: Path, base_url: str, version: ApiVersion = VERSIONS["v1"]) -> None:
        self.path = path
        self.version = version
        text = path.read_text()
        self.raw: dict[str, Any] = yaml.load(text, Loader=_LOADER)
        # An explicit, empty config: a vendor's own schemathesis.toml must not change what the contract means.
        # Parsed on its own (libyaml when present: the ledger spec takes seconds to read in pure Python).
        self.schema: BaseSchema = schemathesis.openapi.from_dict(
            yaml.load(text, Loader=_LOADER), config=schemathesis.Config()
        )
        self.schema.config.update(base_url=base_url)
        self.operations: dict[str, Operation] = {}
        for result in self.schema.get_all_operations():
            if not isinstance(result, Ok):
                continue
            op = result.ok()
            definition = self.raw["paths"][op.path][op.method.lower()]
            codes = frozenset(int(code) for code in definition["responses"] if code.isdigit())
            success = min(code for code in codes if 200 <= code < 300)
            name = canonical_name(definition["operationId"])
            self.operations[definition["operationId"]] = Operation(
                operation_id=definition["operationId"],
                name=name,
                paginated=version.paginated and name in version.lists,
                method=op.method.upper(),
                path=op.path,
                success=success,
                documented=codes,
                secured=bool(definition.get("security", self.raw.get("security", []))),
                has_body="requestBody" in definition,
                st=op,
                envelope=_envelope(self.raw, definition["responses"][str(success)]),
                service=version.service_name,
            )

        self._by_name = {op.name: op for op in self.operations.values()}

    def __getitem__(self, operation_id: str) -> Operation:
        """An operation by its operationId or by its version-independent name."""
        found = self.operations.get(operation_id) or self._by_name.get(operation_id)
        if found is None:
            raise KeyError(operation_id)
        return found

    def for_label(self, label: str) -> Operation | None:
        return next((op for op in self.operations.values() if op.label == label), None)


def _resolve(doc: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = doc
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _properties(doc: dict[str, Any], schema: Any) -> set[str]:
    """The top-level property names a schema (or any of its combined parts) declares."""
    schema = _resolve(doc, schema)
    found: set[str] = set(schema.get("properties") or {})
    for combinator in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(combinator) or []:
            found |= _properties(doc, part)
    return found


def _envelope(doc: dict[str, Any], response: Any) -> str:
    """The wrapping of a success answer, read from its declared content and schema."""
    content = _resolve(doc, response).get("content") or {}
    if not content:
        return "none"
    if "application/json" not in content:
        return "stream"
    properties = _properties(doc, content["application/json"].get("schema") or {})
    if "cursor" in properties:
        return "cursor"
    return "data" if "data" in properties else "raw"


@cache
def load_spec(base_url: str, path: Path | None = None, version: str = "v1") -> Spec:
    return Spec(path or spec_path(version), base_url, APIS[version])
