"""The input -> output matrix (`matrix.yaml`): which check verifies that each input reaches where it should.

The spec says what a client controls; the matrix says where each of those inputs is documented to reach and
which named checks fail when it does not. `spec_inputs` walks the spec, so a new operation, parameter or body
field that nobody decided how to verify shows up as a gap (tests/contract/test_matrix.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from contract_tests.core.versions import VERSIONS, canonical_name

__all__ = ["ANY_OPERATION", "MATRIX_PATH", "Row", "gaps", "load_matrix", "render_table", "spec_inputs", "stale"]

MATRIX_PATH = Path(__file__).with_name("matrix.yaml")
ANY_OPERATION = "*"  # a row for an input every operation that has it treats alike (v2's cursor, pageSize)
_METHODS = ("get", "put", "post", "delete", "patch")


@dataclass(frozen=True)
class Row:
    operation: str
    inputs: tuple[str, ...]
    reaches: str
    checks: tuple[str, ...]
    by: tuple[str, ...]

    def covers(self, operation: str, name: str) -> bool:
        return self.operation in (operation, ANY_OPERATION) and name in self.inputs


@cache
def load_matrix(path: Path = MATRIX_PATH) -> tuple[Row, ...]:
    """The rows, in file order; a row without inputs, checks or a place reached is a mistake in the file."""
    rows = []
    for number, raw in enumerate(yaml.safe_load(path.read_text()) or [], start=1):
        missing = [key for key in ("operation", "inputs", "reaches", "checks", "by") if not raw.get(key)]
        if missing:
            raise ValueError(f"{path.name} row {number}: {', '.join(missing)} missing or empty")
        rows.append(
            Row(
                operation=str(raw["operation"]),
                inputs=tuple(str(name) for name in raw["inputs"]),
                reaches=str(raw["reaches"]),
                checks=tuple(raw["checks"]),
                by=tuple(raw["by"]),
            )
        )
    return tuple(rows)


def spec_inputs(versions: tuple[str, ...] = tuple(VERSIONS)) -> dict[str, set[str]]:
    """Every input of every operation of the given specs, by v1 operation name: `path.X`, `query.X`, `body`
    and each field nested in it (`[]` for array items, `.*` for the values of a map)."""
    found: dict[str, set[str]] = {}
    for version in versions:
        doc = yaml.safe_load(VERSIONS[version].spec_path().read_text())
        for item in doc["paths"].values():
            for method in _METHODS:
                if method in item:
                    operation = item[method]
                    names = found.setdefault(canonical_name(operation["operationId"]), set())
                    names.update(_operation_inputs(doc, item, operation))
    return found


def gaps(rows: tuple[Row, ...], inputs: dict[str, set[str]]) -> list[str]:
    """`operation input` for each input of the spec that no row covers."""
    return [
        f"{operation} {name}"
        for operation, names in sorted(inputs.items())
        for name in sorted(names)
        if not any(row.covers(operation, name) for row in rows)
    ]


def stale(rows: tuple[Row, ...], inputs: dict[str, set[str]]) -> list[str]:
    """`operation input` for each input a row names that no operation of the spec has any more."""
    return [
        f"{row.operation} {name}"
        for row in rows
        for name in row.inputs
        if not any(name in names for operation, names in inputs.items() if row.operation in (operation, ANY_OPERATION))
    ]


def render_table(rows: tuple[Row, ...]) -> str:
    """The Markdown table contract_tests/README.md carries: one line per row."""
    lines = ["| Operation | Inputs | Reaches | Checks |", "|---|---|---|---|"]
    for row in rows:
        operation = "any v2 list" if row.operation == ANY_OPERATION else f"`{row.operation}`"
        inputs = ", ".join(f"`{name}`" for name in row.inputs)
        checks = ", ".join(f"`{name}`" for name in row.checks)
        lines.append(f"| {operation} | {inputs} | {row.reaches} | {checks} |")
    return "\n".join(lines) + "\n"


def _operation_inputs(doc: dict[str, Any], item: dict[str, Any], operation: dict[str, Any]) -> Iterator[str]:
    for parameter in item.get("parameters", []) + operation.get("parameters", []):
        parameter = _resolve(doc, parameter)
        yield f"{parameter['in']}.{parameter['name']}"
    if "requestBody" in operation:
        body = _resolve(doc, operation["requestBody"])
        yield "body"
        for media in body.get("content", {}).values():
            yield from _fields(doc, media.get("schema", {}), "body", set())


def _fields(doc: dict[str, Any], schema: Any, prefix: str, seen: set[str]) -> Iterator[str]:
    """Field paths under `prefix`; `seen` holds the $refs being expanded, so a recursive schema ends."""
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    if ref in seen:
        return
    schema = _resolve(doc, schema)
    if not isinstance(schema, dict):
        return
    inner = seen | {ref} if ref else seen
    for combinator in ("allOf", "oneOf", "anyOf"):
        for alternative in schema.get(combinator, []):
            yield from _fields(doc, alternative, prefix, inner)
    for name, sub in schema.get("properties", {}).items():
        yield f"{prefix}.{name}"
        yield from _fields(doc, sub, f"{prefix}.{name}", inner)
    if "items" in schema:
        yield from _fields(doc, schema["items"], f"{prefix}[]", inner)
    values = schema.get("additionalProperties")
    if isinstance(values, dict):
        yield f"{prefix}.*"
        yield from _fields(doc, values, f"{prefix}.*", inner)


def _resolve(doc: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = doc
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node
