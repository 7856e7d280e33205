"""The webhooks v1 spec is valid OpenAPI, keeps upstream's names, declares its errors, and its examples hold.

The expected operations, parameters and schema/property names are copied from the upstream description
(formancehq/webhooks v2.3.2 ``openapi.yaml``, /work/shared/reference/upstream-webhooks-v1.openapi.yaml);
the success statuses from the official Python SDK 9.x (``formance_sdk_python/webhooks_v1.py``). They are
hard-coded here so that the test depends on nothing outside the repository but the SDK, which also
decodes every example.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from connexion.spec import Specification
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from spec import WEBHOOKS_SPEC
from tests.support import load_spec

METHODS = {"get", "put", "post", "delete", "patch", "head"}

# (method, path, operationId, parameter names) of the 8 upstream operations.
UPSTREAM_OPERATIONS = {
    ("get", "/configs", "getManyConfigs", frozenset({"id", "endpoint"})),
    ("post", "/configs", "insertConfig", frozenset()),
    ("delete", "/configs/{id}", "deleteConfig", frozenset({"id"})),
    ("put", "/configs/{id}", "updateConfig", frozenset({"id"})),
    ("get", "/configs/{id}/test", "testConfig", frozenset({"id"})),
    ("put", "/configs/{id}/activate", "activateConfig", frozenset({"id"})),
    ("put", "/configs/{id}/deactivate", "deactivateConfig", frozenset({"id"})),
    ("put", "/configs/{id}/secret/change", "changeConfigSecret", frozenset({"id"})),
}
# Served by the release's router (pkg/server/handler.go:61) though upstream's description leaves it out.
ADDED_OPERATIONS = {("get", "/_info", "getWebhooksServerInfo", frozenset())}

# Every upstream components/schemas name, with the property names upstream gives it directly.
UPSTREAM_SCHEMAS: dict[str, set[str]] = {
    "ConfigUser": {"endpoint", "secret", "eventTypes"},
    "ConfigsResponse": {"cursor"},
    "Cursor": {"hasMore", "data"},
    "ConfigResponse": {"data"},
    "WebhooksConfig": {"id", "endpoint", "secret", "eventTypes", "active", "createdAt", "updatedAt"},
    "ConfigChangeSecret": {"secret"},
    "AttemptResponse": {"data"},
    "Attempt": {
        *("id", "webhookID", "createdAt", "updatedAt", "config", "payload", "statusCode", "retryAttempt"),
        *("status", "nextRetryAfter"),
    },
    "ErrorResponse": {"errorCode", "errorMessage", "details"},
    "ErrorsEnum": set(),
}
# Upstream offers `name` in the request, v2.3.2 refuses it (400 unknown field): it is left out.
DROPPED_PROPERTIES = {"ConfigUser": {"name"}}

# What each operation answers besides `default`.
STATUSES = {
    "getWebhooksServerInfo": {"200"},
    "getManyConfigs": {"200", "400", "401", "403"},
    "insertConfig": {"200", "400", "401", "403", "413"},
    "updateConfig": {"200", "400", "401", "403", "404", "413"},
    "deleteConfig": {"200", "401", "403", "404"},
    "testConfig": {"200", "401", "403", "404"},
    "activateConfig": {"200", "401", "403", "404"},
    "deactivateConfig": {"200", "401", "403", "404"},
    "changeConfigSecret": {"200", "400", "401", "403", "404", "413"},
}
# The success response each SDK method accepts (``match_response(http_res, "200", ...)``), and its model.
SDK_MODELS = {
    ("getManyConfigs", "200"): "webhooks.ConfigsResponse",
    ("insertConfig", "200"): "webhooks.ConfigResponse",
    ("testConfig", "200"): "webhooks.AttemptResponse",
    ("activateConfig", "200"): "webhooks.ConfigResponse",
    ("deactivateConfig", "200"): "webhooks.ConfigResponse",
    ("changeConfigSecret", "200"): "webhooks.ConfigResponse",
}
UPSTREAM_CODES = ["INTERNAL", "VALIDATION", "NOT_FOUND"]
MOCK_CODES = ["UNAUTHORIZED", "FORBIDDEN", "METHOD_NOT_ALLOWED", "PAYLOAD_TOO_LARGE"]
CODE_STATUS = {
    "VALIDATION": {"400"},
    "NOT_FOUND": {"404"},
    "UNAUTHORIZED": {"401"},
    "FORBIDDEN": {"403"},
    "PAYLOAD_TOO_LARGE": {"413"},
}


def spec() -> dict[str, Any]:
    return load_spec(WEBHOOKS_SPEC)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def deref(node: dict[str, Any]) -> dict[str, Any]:
    root = spec()
    while "$ref" in node:
        target: Any = root
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for template, item in spec()["paths"].items():
        for method, op in item.items():
            if method in METHODS:
                yield method, template, op


def operation(operation_id: str) -> tuple[str, str, dict[str, Any]]:
    return next(o for o in operations() if o[2]["operationId"] == operation_id)


def parameters(template: str, op: dict[str, Any]) -> list[dict[str, Any]]:
    shared = spec()["paths"][template].get("parameters", [])
    return [deref(p) for p in [*shared, *op.get("parameters", [])]]


def validator(pointer: str) -> OAS30Validator:
    root = dict(spec())
    root["$ref"] = pointer
    return OAS30Validator(root, format_checker=OAS30Validator.FORMAT_CHECKER)


def _media_examples(media: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    if "example" in media:
        yield "example", media["example"]
    for name, example in media.get("examples", {}).items():
        yield name, deref(example)["value"]


def declared_examples() -> Iterator[tuple[str, str, Any]]:
    """(label, JSON pointer of the schema, example) for every example the spec declares."""
    root = spec()
    for method, template, op in operations():
        where = op["operationId"]
        base = f"#/paths/{_escape(template)}"
        shared = root["paths"][template].get("parameters", [])
        for scope, params in (("", shared), (f"/{method}", op.get("parameters", []))):
            for i, param in enumerate(params):
                pointer = param.get("$ref", f"{base}{scope}/parameters/{i}")
                resolved = deref(param)
                for name, value in _media_examples(resolved):
                    yield f"{where} param {resolved['name']} {name}", f"{pointer}/schema", value
        for mime, media in op.get("requestBody", {}).get("content", {}).items():
            for name, value in _media_examples(media):
                yield f"{where} request {name}", f"{base}/{method}/requestBody/content/{_escape(mime)}/schema", value
        for status, response in op["responses"].items():
            pointer = response.get("$ref", f"{base}/{method}/responses/{status}")
            for mime, media in deref(response).get("content", {}).items():
                for name, value in _media_examples(media):
                    yield f"{where} {status} {name}", f"{pointer}/content/{_escape(mime)}/schema", value
    for name, schema in root["components"]["schemas"].items():
        if "example" in schema:
            yield f"schema {name}", f"#/components/schemas/{name}", schema["example"]


EXAMPLES = list(declared_examples())


def property_names(schema: dict[str, Any]) -> set[str]:
    schema = deref(schema)
    names = set(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        names |= property_names(part)
    return names


def _error_shape(response: dict[str, Any]) -> tuple[bool, list[str] | None]:
    """(whether the response's schema is ErrorResponse, the errorCode values it fixes)."""
    schema = deref(response)["content"]["application/json"]["schema"]
    seen_refs, codes = set(), None
    stack = [schema]
    while stack:
        node = stack.pop()
        if "$ref" in node:
            seen_refs.add(node["$ref"])
            stack.append(deref(node))
            continue
        stack.extend(node.get("allOf", []))
        code = node.get("properties", {}).get("errorCode", {})
        if "enum" in code:
            codes = code["enum"]
    return "#/components/schemas/ErrorResponse" in seen_refs, codes


def _sdk_model(path: str) -> Any:
    module, _, name = path.partition(".")
    return getattr(importlib.import_module(f"formance_sdk_python.models.{module}"), name)


# ----------------------------------------------------------------------------- validity


def test_spec_file_is_valid_openapi() -> None:
    validate(yaml.safe_load(WEBHOOKS_SPEC.read_text()))


def test_connexion_accepts_the_spec_and_the_mounted_copy() -> None:
    from mockserver import stack

    Specification.from_dict(yaml.safe_load(WEBHOOKS_SPEC.read_text()))
    mounted = stack.webhooks_mount(lambda: None)  # type: ignore[arg-type,return-value]
    Specification.from_dict(mounted.spec)
    assert {op for _, _, op in ((m, t, o["operationId"]) for m, t, o in operations())} == set(mounted.handlers)


def test_the_package_exports_the_webhooks_spec_path() -> None:
    import spec as package

    assert "WEBHOOKS_SPEC" in package.__all__
    assert package.WEBHOOKS_SPEC.name == "webhooks.v1.yaml"


def test_the_server_is_the_gateway_prefix() -> None:
    assert [s["url"] for s in spec()["servers"]] == ["http://127.0.0.1:55001/api/webhooks"]


# ----------------------------------------------------------------------------- upstream names


def test_operations_methods_paths_and_parameters_are_upstreams() -> None:
    found = {
        (method, template, op["operationId"], frozenset(p["name"] for p in parameters(template, op)))
        for method, template, op in operations()
    }
    assert found - ADDED_OPERATIONS == UPSTREAM_OPERATIONS
    assert found & ADDED_OPERATIONS == ADDED_OPERATIONS


@pytest.mark.parametrize("name", sorted(UPSTREAM_SCHEMAS))
def test_upstream_schema_names_and_properties_are_kept(name: str) -> None:
    schemas = spec()["components"]["schemas"]
    assert name in schemas, f"upstream schema {name} is missing"
    missing = UPSTREAM_SCHEMAS[name] - property_names(schemas[name])
    assert not missing, f"{name} lost the upstream properties {sorted(missing)}"
    assert not DROPPED_PROPERTIES.get(name, set()) & property_names(schemas[name])


def test_every_tag_is_upstreams() -> None:
    assert {tag for _, _, op in operations() for tag in op["tags"]} == {"webhooks.v1"}


# ----------------------------------------------------------------------------- statuses and errors


def test_every_operation_declares_exactly_its_statuses() -> None:
    found = {op["operationId"]: set(op["responses"]) - {"default"} for _, _, op in operations()}
    assert found == STATUSES
    assert all("default" in op["responses"] for _, _, op in operations())


def test_success_statuses_are_the_ones_the_sdk_accepts() -> None:
    source = importlib.import_module("formance_sdk_python.webhooks_v1").__file__
    assert source is not None
    text = Path(source).read_text()
    for _, _, op in operations():
        if op["operationId"] == "getWebhooksServerInfo":
            continue
        assert {s for s in op["responses"] if s.startswith("2")} == {"200"}
        assert f'operation_id="{op["operationId"]}"' in text


def test_every_error_response_is_the_error_schema_with_its_codes() -> None:
    for method, template, op in operations():
        for status, response in op["responses"].items():
            if status.startswith("2"):
                continue
            is_error, codes = _error_shape(response)
            assert is_error, f"{method} {template} {status}"
            if status == "default":
                assert codes is None
                continue
            assert codes, f"{method} {template} {status} does not fix errorCode"
            for code in codes:
                assert status in CODE_STATUS[code], f"{method} {template} {status} lists {code}"


def test_error_codes_are_upstreams_then_the_mocks() -> None:
    assert spec()["components"]["schemas"]["ErrorsEnum"]["enum"] == UPSTREAM_CODES + MOCK_CODES


def test_the_sdk_decodes_every_upstream_code() -> None:
    from formance_sdk_python.models.webhooks import ErrorsEnum

    assert set(UPSTREAM_CODES) <= {code.value for code in ErrorsEnum}


def test_info_is_public_and_everything_else_needs_a_scope_by_method() -> None:
    for method, template, op in operations():
        if template == "/_info":
            assert op.get("security") == []
            continue
        scopes = {scope for requirement in op["security"] for scope in requirement.get("Authorization", [])}
        assert scopes == {"webhooks:read" if method == "get" else "webhooks:write"}, f"{method} {template}"
        assert {"BearerAuth": []} in op["security"]


def test_oauth2_uses_the_gateway_token_url_and_the_two_webhooks_scopes() -> None:
    flow = spec()["components"]["securitySchemes"]["Authorization"]["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == "/api/auth/oauth/token"
    assert set(flow["scopes"]) == {"webhooks:read", "webhooks:write"}


def test_the_change_secret_body_and_its_secret_are_optional() -> None:
    _, _, op = operation("changeConfigSecret")
    assert op["requestBody"]["required"] is False
    assert "required" not in spec()["components"]["schemas"]["ConfigChangeSecret"]


# ----------------------------------------------------------------------------- examples


def test_every_request_body_parameter_and_response_with_content_has_an_example() -> None:
    for method, template, op in operations():
        for param in parameters(template, op):
            assert list(_media_examples(param)), f"{method} {template} parameter {param['name']} has no example"
        for media in op.get("requestBody", {}).get("content", {}).values():
            assert list(_media_examples(media)), f"{method} {template} request has no example"
        for status, response in op["responses"].items():
            for media in deref(response).get("content", {}).values():
                assert list(_media_examples(media)), f"{method} {template} {status} has no example"


@pytest.mark.parametrize(("label", "pointer", "value"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_every_declared_example_validates_against_its_schema(label: str, pointer: str, value: Any) -> None:
    errors = list(validator(pointer).iter_errors(value))
    assert not errors, f"{label}: {errors[0].message} at {list(errors[0].absolute_path)}"


def test_examples_are_collected_from_every_place() -> None:
    kinds = {label.split()[0] if label.startswith("schema") else label.split()[1] for label, *_ in EXAMPLES}
    assert {"param", "request", "200", "400", "401", "403", "404", "413", "default", "schema"} <= kinds


@pytest.mark.parametrize(("key", "model"), sorted(SDK_MODELS.items()))
def test_the_sdk_decodes_every_success_example(key: tuple[str, str], model: str) -> None:
    from formance_sdk_python.utils import unmarshal_json

    _, _, op = operation(key[0])
    examples = list(_media_examples(deref(op["responses"][key[1]])["content"]["application/json"]))
    assert examples
    for _, value in examples:
        unmarshal_json(json.dumps(value), _sdk_model(model))


def test_the_sdk_decodes_every_error_example_with_an_upstream_code() -> None:
    from formance_sdk_python.models.webhooks import ErrorResponseData
    from formance_sdk_python.utils import unmarshal_json

    seen = set()
    for _, _, op in operations():
        for status, response in op["responses"].items():
            if status.startswith("2") or "content" not in deref(response):
                continue
            for _, value in _media_examples(deref(response)["content"]["application/json"]):
                if value["errorCode"] in UPSTREAM_CODES:
                    seen.add(unmarshal_json(json.dumps(value), ErrorResponseData).error_code.value)
    assert seen == set(UPSTREAM_CODES)


def test_examples_only_name_endpoints_the_mock_delivers_to() -> None:
    for label, _, value in EXAMPLES:
        for endpoint in _endpoints(value):
            assert endpoint.startswith(("http://localhost:", "http://127.0.0.1:")), label


def _endpoints(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "endpoint" and isinstance(item, str):
                yield item
            else:
                yield from _endpoints(item)
    elif isinstance(value, list):
        for item in value:
            yield from _endpoints(item)


# ----------------------------------------------------------------------------- descriptions


def test_every_operation_says_where_its_behaviour_comes_from() -> None:
    for method, template, op in operations():
        assert "(formancehq/webhooks v2.3.2 `" in op["description"], f"{method} {template}"
        assert len(op["description"]) > 200, f"{method} {template}"


def test_the_document_states_the_service_conventions() -> None:
    text = spec()["info"]["description"]
    for fact in (
        "spec mode",
        "200, not 201",
        "--quirks real",
        "--webhook-hosts",
        "HMAC-SHA256",
        "the base64 text is *not*",
        "Formance-Webhook-Id",
        "30 days",
        "4xx is retried like 5xx",
        "Content-Type header should be application/json",
        "microsecond",
    ):
        assert fact in text, fact
