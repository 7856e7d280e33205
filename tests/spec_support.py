"""One OpenAPI document read the way the spec tests read it: operations, `$ref`s, validators, examples.

``SpecFile`` is bound to one file of ``spec/``; ``Service`` adds what a service's spec is held to
(upstream's names, its statuses, its SDK models...), for the checks ``tests/test_spec.py`` runs on
every service alike. Each service's own checks stay in its ``test_spec_*.py``.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openapi_schema_validator import OAS30Validator

from tests.support import load_spec

METHODS = {"get", "put", "post", "delete", "patch", "head"}
Operation = tuple[str, str, dict[str, Any]]


def escape(token: str) -> str:
    """A JSON pointer token: ``~`` and ``/`` escaped."""
    return token.replace("~", "~0").replace("/", "~1")


@dataclass(frozen=True)
class SpecFile:
    """One spec file's document, read through its ``$ref``s."""

    path: Path

    @property
    def document(self) -> dict[str, Any]:
        return load_spec(self.path)

    def deref(self, node: dict[str, Any]) -> dict[str, Any]:
        """Follow local ``$ref``s until a node without one."""
        while "$ref" in node:
            target: Any = self.document
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def operations(self) -> Iterator[Operation]:
        """(method, path template, operation) of every operation (``x-`` path entries passed over)."""
        for template, item in self.document["paths"].items():
            if template.startswith("x-"):
                continue
            for method, op in item.items():
                if method in METHODS:
                    yield method, template, op

    def operation(self, operation_id: str) -> Operation:
        return next(o for o in self.operations() if o[2]["operationId"] == operation_id)

    def parameters(self, template: str, op: dict[str, Any]) -> list[dict[str, Any]]:
        """Path-level and operation-level parameters, resolved."""
        shared = self.document["paths"][template].get("parameters", [])
        return [self.deref(p) for p in [*shared, *op.get("parameters", [])]]

    def validator(self, pointer: str) -> OAS30Validator:
        root = dict(self.document)
        root["$ref"] = pointer
        return OAS30Validator(root, format_checker=OAS30Validator.FORMAT_CHECKER)

    def schema_validator(self, name: str) -> OAS30Validator:
        return self.validator(f"#/components/schemas/{name}")

    def media_examples(self, media: dict[str, Any]) -> Iterator[tuple[str, Any]]:
        """(name, value) of a media type's (or parameter's) ``example`` and ``examples``."""
        if "example" in media:
            yield "example", media["example"]
        for name, example in media.get("examples", {}).items():
            yield name, self.deref(example)["value"]

    def response_examples(self, operation_id: str, status: str) -> list[tuple[str, Any]]:
        _, _, op = self.operation(operation_id)
        return list(self.media_examples(self.deref(op["responses"][status])["content"]["application/json"]))

    def examples(self) -> Iterator[tuple[str, str, Any]]:
        """(label, JSON pointer of the schema, example) for every example the document declares."""
        root = self.document
        for method, template, op in self.operations():
            where = op["operationId"]
            base = f"#/paths/{escape(template)}"
            shared = root["paths"][template].get("parameters", [])
            for scope, params in (("", shared), (f"/{method}", op.get("parameters", []))):
                for i, param in enumerate(params):
                    pointer = param.get("$ref", f"{base}{scope}/parameters/{i}")
                    resolved = self.deref(param)
                    for name, value in self.media_examples(resolved):
                        yield f"{where} param {resolved['name']} {name}", f"{pointer}/schema", value
            for mime, media in op.get("requestBody", {}).get("content", {}).items():
                pointer = f"{base}/{method}/requestBody/content/{escape(mime)}/schema"
                for name, value in self.media_examples(media):
                    yield f"{where} request {name}", pointer, value
            for status, response in op["responses"].items():
                pointer = response.get("$ref", f"{base}/{method}/responses/{status}")
                for mime, media in self.deref(response).get("content", {}).items():
                    for name, value in self.media_examples(media):
                        yield f"{where} {status} {name}", f"{pointer}/content/{escape(mime)}/schema", value
        for name, schema in root["components"]["schemas"].items():
            if "example" in schema:
                yield f"schema {name}", f"#/components/schemas/{name}", schema["example"]
            for prop, sub in schema.get("properties", {}).items():
                if "example" in sub and "$ref" not in sub:
                    pointer = f"#/components/schemas/{name}/properties/{escape(prop)}"
                    yield f"schema {name}.{prop}", pointer, sub["example"]
        for name, header in root["components"].get("headers", {}).items():
            yield f"header {name}", f"#/components/headers/{name}/schema", header["example"]

    def property_names(self, schema: dict[str, Any]) -> set[str]:
        """The property names a schema gives, directly or through ``allOf``, ``oneOf`` and ``anyOf``."""
        schema = self.deref(schema)
        names = set(schema.get("properties", {}))
        for key in ("allOf", "oneOf", "anyOf"):
            for part in schema.get(key, []):
                names |= self.property_names(part)
        return names

    def all_schemas(self, *under: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every schema object below ``#/paths`` and ``#/components/<under>`` (all components if none), labelled."""

        def walk(node: Any, label: str) -> Iterator[tuple[str, dict[str, Any]]]:
            if isinstance(node, dict):
                if "type" in node or "properties" in node or "$ref" in node:
                    yield label, node
                for key, value in node.items():
                    if key not in {"example", "examples"}:
                        yield from walk(value, f"{label}/{key}")
            elif isinstance(node, list):
                for i, value in enumerate(node):
                    yield from walk(value, f"{label}/{i}")

        yield from walk(self.document["paths"], "#/paths")
        components = self.document["components"]
        if not under:
            yield from walk(components, "#/components")
        for name in under:
            yield from walk(components[name], f"#/components/{name}")

    def error_schema_refs(self, response: dict[str, Any]) -> set[str]:
        """The ``$ref`` of a response's JSON schema and those of its ``allOf`` parts (through that ``$ref``)."""
        schema = self.deref(response)["content"]["application/json"]["schema"]
        parts = [schema, *self.deref(schema).get("allOf", [])]
        return {p["$ref"] for p in parts if "$ref" in p}

    def fixed_error_codes(self, response: dict[str, Any]) -> list[str] | None:
        """The ``errorCode`` enum an ``allOf`` part of the response's JSON schema fixes, if any."""
        schema = self.deref(self.deref(response)["content"]["application/json"]["schema"])
        for part in schema.get("allOf", []):
            code = part.get("properties", {}).get("errorCode")
            if code:
                return code["enum"]
        return None

    def links(self) -> Iterator[tuple[str, str, str, dict[str, Any], dict[str, Any]]]:
        """(source operationId, status, link name, link, resolved response) of every response link."""
        for _, _, op in self.operations():
            for status, response in op["responses"].items():
                for name, link in self.deref(response).get("links", {}).items():
                    yield op["operationId"], status, name, link, self.deref(response)


@dataclass(frozen=True, eq=False)
class Service(SpecFile):
    """A service's spec and what ``tests/test_spec.py`` holds it to; a check whose field is left empty is not run."""

    name: str
    servers: Sequence[str]
    # The upstream description's (method, path, operationId, parameter names), and what the spec adds to it.
    upstream_operations: AbstractSet[tuple[str, str, str, frozenset[str]]]
    upstream_schemas: Mapping[str, set[str]]
    paths_under: tuple[str, ...] = ("/",)
    added_operations: AbstractSet[tuple[str, str, str, frozenset[str]]] = frozenset()
    added_parameters: Mapping[str, set[str]] = field(default_factory=dict)
    dropped_properties: Mapping[str, set[str]] = field(default_factory=dict)
    # Where examples must be found (a label's kind: param, request, a status, schema, header), and the
    # statuses whose responses may go without one.
    example_kinds: AbstractSet[str] = frozenset()
    unexampled: AbstractSet[str] = frozenset()
    # Security: the path prefix of the public operations, the OAuth2 scope prefix (``<scope>:read``).
    public_prefix: str = ""
    scope: str = ""
    # Every status each operation declares besides `default`.
    statuses: Mapping[str, set[str]] = field(default_factory=dict)
    # Errors: the error schema, the status each errorCode goes with, (operationId, status) pairs that are
    # not errors though not 2xx; the codes upstream and the mock add, and where their enum is.
    error_schema: str = ""
    code_status: Mapping[str, set[str]] = field(default_factory=dict)
    non_error_responses: AbstractSet[tuple[str, str]] = frozenset()
    upstream_codes: Sequence[str] = ()
    mock_codes: Sequence[str] = ()
    error_enum: str = ""
    # The official SDK: the model decoding each success, the error model and the codes its examples must show.
    sdk_models: Mapping[tuple[str, str], str] = field(default_factory=dict)
    sdk_error_model: str = ""
    sdk_error_codes: AbstractSet[str] = frozenset()
    # What every operation's description names as its source, and what the document's description states.
    source: str = ""
    conventions: Sequence[str] = ()

    def __str__(self) -> str:
        return self.name


def sdk_model(path: str) -> Any:
    """``module.Class`` of ``formance_sdk_python.models``."""
    module, _, name = path.partition(".")
    return getattr(importlib.import_module(f"formance_sdk_python.models.{module}"), name)
