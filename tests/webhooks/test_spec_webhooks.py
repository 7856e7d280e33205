"""The webhooks v1 spec is valid OpenAPI, keeps upstream's names, declares its errors, and its examples hold.

The expected operations, parameters and schema/property names are copied from the upstream description
(formancehq/webhooks v2.3.2 ``openapi.yaml``, /work/shared/reference/upstream-webhooks-v1.openapi.yaml);
the success statuses from the official Python SDK 9.x (``formance_sdk_python/webhooks_v1.py``). They are
hard-coded here so that the test depends on nothing outside the repository but the SDK, which also
decodes every example.

``WEBHOOKS`` is what the checks every service's spec passes (``tests/test_spec.py``) hold this one to;
the checks below are the webhooks' alone.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from connexion.spec import Specification

from spec import WEBHOOKS_SPEC
from tests.spec_support import Service

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
CODE_STATUS = {
    "VALIDATION": {"400"},
    "NOT_FOUND": {"404"},
    "UNAUTHORIZED": {"401"},
    "FORBIDDEN": {"403"},
    "PAYLOAD_TOO_LARGE": {"413"},
}


WEBHOOKS = Service(
    WEBHOOKS_SPEC,
    name="webhooks",
    servers=("http://127.0.0.1:55001/api/webhooks",),
    upstream_operations=UPSTREAM_OPERATIONS,
    # Served by the release's router (pkg/server/handler.go:61) though upstream's description leaves it out.
    added_operations={("get", "/_info", "getWebhooksServerInfo", frozenset())},
    upstream_schemas=UPSTREAM_SCHEMAS,
    # Upstream offers `name` in the request, v2.3.2 refuses it (400 unknown field): it is left out.
    dropped_properties={"ConfigUser": {"name"}},
    example_kinds={"param", "request", "200", "400", "401", "403", "404", "413", "default", "schema"},
    public_prefix="/_info",
    scope="webhooks",
    statuses=STATUSES,
    error_schema="#/components/schemas/ErrorResponse",
    code_status=CODE_STATUS,
    upstream_codes=UPSTREAM_CODES,
    mock_codes=["UNAUTHORIZED", "FORBIDDEN", "METHOD_NOT_ALLOWED", "PAYLOAD_TOO_LARGE"],
    error_enum="#/components/schemas/ErrorsEnum",
    sdk_models=SDK_MODELS,
    sdk_error_model="webhooks.ErrorResponseData",
    sdk_error_codes=set(UPSTREAM_CODES),
    source="(formancehq/webhooks v2.3.2 `",
    conventions=(
        *("spec mode", "200, not 201", "--quirks real", "--webhook-hosts", "HMAC-SHA256", "the base64 text is *not*"),
        *("Formance-Webhook-Id", "30 days", "4xx is retried like 5xx", "microsecond"),
        "Content-Type header should be application/json",
    ),
)
EXAMPLES = list(WEBHOOKS.examples())


def test_connexion_accepts_the_mounted_copy() -> None:
    from mockserver import stack

    mounted = stack.webhooks_mount(lambda: None)  # type: ignore[arg-type,return-value]
    Specification.from_dict(mounted.spec)
    assert {op["operationId"] for _, _, op in WEBHOOKS.operations()} == set(mounted.handlers)


def test_every_tag_is_upstreams() -> None:
    assert {tag for _, _, op in WEBHOOKS.operations() for tag in op["tags"]} == {"webhooks.v1"}


def test_success_statuses_are_the_ones_the_sdk_accepts() -> None:
    source = importlib.import_module("formance_sdk_python.webhooks_v1").__file__
    assert source is not None
    text = Path(source).read_text()
    for _, _, op in WEBHOOKS.operations():
        if op["operationId"] == "getWebhooksServerInfo":
            continue
        assert {s for s in op["responses"] if s.startswith("2")} == {"200"}
        assert f'operation_id="{op["operationId"]}"' in text


def test_the_sdk_decodes_every_upstream_code() -> None:
    from formance_sdk_python.models.webhooks import ErrorsEnum

    assert set(UPSTREAM_CODES) <= {code.value for code in ErrorsEnum}


def test_the_change_secret_body_and_its_secret_are_optional() -> None:
    _, _, op = WEBHOOKS.operation("changeConfigSecret")
    assert op["requestBody"]["required"] is False
    assert "required" not in WEBHOOKS.document["components"]["schemas"]["ConfigChangeSecret"]


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
