"""The 45 operations of the ledger spec as hostile-input targets, read from `spec/ledger.v2.yaml` itself.

Path parameters are renamed where another API already uses the name for something else (`{id}` is a
transaction id here, a fault rule's id on the control API): the renamed placeholders name what
`hostile.Targets` fills them with. A body's starting point is one of the spec's own examples for it.
`REAL_500` holds the operations whose text (or a parameter's) names a 500 the v2.4.6 release answers:
the only place `--quirks real` may answer one.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import yaml

from tests.robustness.operations import Operation
from tests.support import ROOT

__all__ = ["LEDGER", "LEDGER_API", "REAL_500", "example_bodies", "routed"]

LEDGER_API = "/api/ledger"
SPEC = ROOT / "spec" / "ledger.v2.yaml"
_METHODS = ("get", "head", "post", "put", "delete")
# Placeholders renamed by operation path: what each one is.
_RENAMES = {"/transactions/{id}": "/transactions/{txid}", "/queries/{id}/": "/queries/{template}/"}
_V2_500 = re.compile(r"(v2\.4\.6|the real service|the release)[^.]*\b500\b|\b500\b[^.]*v2\.4\.6", re.S)


@cache
def _spec() -> dict[str, Any]:
    return yaml.load(SPEC.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _resolve(node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = _spec()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _operations() -> tuple[tuple[Operation, str], ...]:
    found = []
    for template, item in _spec()["paths"].items():
        path = template
        for old, new in _RENAMES.items():
            path = path.replace(old, new)
        for method in _METHODS:
            if method not in item:
                continue
            definition = item[method]
            parameters = [_resolve(p) for p in (*item.get("parameters", []), *definition.get("parameters", []))]
            query = tuple(p["name"] for p in parameters if p["in"] == "query")
            body = f"ledger:{definition['operationId']}" if "requestBody" in definition else None
            text = " ".join([definition.get("description", ""), *(p.get("description", "") for p in parameters)])
            op = Operation(definition["operationId"], method.upper(), LEDGER_API + path, body, query)
            found.append((op, text))
    return tuple(found)


LEDGER = tuple(op for op, _ in _operations())
REAL_500 = frozenset(op.name for op, text in _operations() if _V2_500.search(text))


def example_bodies(operation_id: str) -> list[Any]:
    """The request bodies the spec gives as examples for an operation (`{}` when it gives none)."""
    for item in _spec()["paths"].values():
        for method in _METHODS:
            definition = item.get(method)
            if isinstance(definition, dict) and definition.get("operationId") == operation_id:
                content = (_resolve(definition.get("requestBody")) or {}).get("content") or {}
                media = next(iter(content.values()), {})
                examples = [e.get("value") for e in (media.get("examples") or {}).values() if isinstance(e, dict)]
                return examples or ([media["example"]] if "example" in media else [{}])
    raise KeyError(operation_id)


def routed(method: str, target: str) -> str | None:
    """The ledger operation ``method target`` reaches (None: none of the spec's)."""
    path = target.split("?", 1)[0].removeprefix(LEDGER_API)
    for op in LEDGER:
        template = op.path.removeprefix(LEDGER_API)
        pattern = "^" + "[^/]+".join(re.escape(part) for part in re.split(r"{\w+}", template)) + "/?$"
        if op.method == method and re.match(pattern, path):
            return op.name
    return None
