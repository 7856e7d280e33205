"""The spec files are valid OpenAPI, the server resolves exactly the spec's operations, and every
service's spec (ledger, wallets, webhooks, orchestration v2) passes the same checks: upstream's names,
its statuses and error shape, its security, its examples, what the official SDK decodes.

What each service's spec is held to is its ``Service`` in its own ``test_spec_*.py``, beside the
checks that are its alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from connexion.spec import Specification
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from mockserver.config import Settings
from mockserver.control.handlers import ControlApi
from mockserver.orchestration.api.v1 import OrchestrationApi
from mockserver.state.backend import Backend
from tests.spec_support import Service, sdk_model
from tests.support import CONTROL_SPEC_PATH, ROOT, SPEC_PATH, load_spec
from tests.test_spec_ledger import LEDGER
from tests.test_spec_v2 import V2
from tests.wallets.test_spec_wallets import WALLETS
from tests.webhooks.test_spec_webhooks import WEBHOOKS

UPSTREAM = sorted((ROOT.parent / "shared" / "reference" / "upstream-workflow-examples").glob("*.yaml"))
DEMO = yaml.safe_load((ROOT / "fixtures" / "demo.yaml").read_text())["workflows"]
# The demo workflows are always here; the upstream examples too when shared/ sits beside the checkout (CI).
EXAMPLES = [(w["name"], {"name": w["name"], "stages": w["stages"]}) for w in DEMO] + [
    (p.name, yaml.safe_load(p.read_text())) for p in UPSTREAM
]
METHODS = {"get", "post", "put", "delete", "patch"}

SERVICES = [LEDGER, WALLETS, WEBHOOKS, V2]
# The package's name for each spec file.
EXPORTS = {
    "ORCHESTRATION_SPEC": "orchestration.v1.yaml",
    "ORCHESTRATION_V2_SPEC": "orchestration.v2.yaml",
    "CONTROL_SPEC": "control.v1.yaml",
    "LEDGER_SPEC": "ledger.v2.yaml",
    "WALLETS_SPEC": "wallets.v1.yaml",
    "WEBHOOKS_SPEC": "webhooks.v1.yaml",
}
SPEC_FILES = [SPEC_PATH, CONTROL_SPEC_PATH, *(service.path for service in SERVICES)]


def having(name: str) -> pytest.MarkDecorator:
    """Parametrize ``service`` over the services that set the field ``name``."""
    return pytest.mark.parametrize("service", [s for s in SERVICES if getattr(s, name)], ids=str)


def each(name: str) -> list[Any]:
    """(service, item) for every item of every service's field ``name``, with ids ``service-item``."""
    return [
        pytest.param(service, item, id=f"{service}-{item}") for service in SERVICES for item in getattr(service, name)
    ]


def operation_ids(path: Path) -> set[str]:
    spec = load_spec(path)
    return {op["operationId"] for item in spec["paths"].values() for m, op in item.items() if m in METHODS}


# ----------------------------------------------------------------------------- validity


@pytest.mark.parametrize("path", SPEC_FILES, ids=lambda p: p.name)
def test_spec_file_is_valid_openapi(path: Path) -> None:
    validate(yaml.safe_load(path.read_text()))


@pytest.mark.parametrize("path", SPEC_FILES, ids=lambda p: p.name)
def test_connexion_accepts_the_spec_it_registers_unchecked_at_start(path: Path) -> None:
    """The mock skips Connexion's own spec validation at start-up (http/trustedspec.py): run it here."""
    Specification.from_dict(yaml.safe_load(path.read_text()))


@pytest.mark.parametrize(("name", "file"), sorted(EXPORTS.items()))
def test_the_package_exports_every_spec_path(name: str, file: str) -> None:
    import orchestration_spec

    import spec as package

    assert name in package.__all__
    assert getattr(package, name).is_file()
    assert getattr(package, name).name == getattr(orchestration_spec, name).name == file


@having("servers")
def test_servers_are_the_gateway_prefix_and_paths_are_the_services(service: Service) -> None:
    assert [s["url"] for s in service.document["servers"]] == list(service.servers)
    assert all(template.startswith(service.paths_under) for _, template, _ in service.operations())


# ----------------------------------------------------------------------------- orchestration v1, control


def test_orchestration_spec_has_the_17_operations_and_the_registry_serves_them() -> None:
    backend = Backend(Settings(clock="manual"))
    assert operation_ids(SPEC_PATH) == set(OrchestrationApi(lambda: backend.orchestration, "test").registry())
    assert len(operation_ids(SPEC_PATH)) == 17


def test_control_spec_operations_equal_the_control_registry() -> None:
    backend = Backend(Settings(clock="manual"))
    assert operation_ids(CONTROL_SPEC_PATH) == set(ControlApi(backend).registry())


def test_every_operation_but_info_requires_a_token() -> None:
    spec = load_spec(SPEC_PATH)
    for template, item in spec["paths"].items():
        for method, op in item.items():
            if method not in METHODS:
                continue
            if op["operationId"] == "getServerInfo":
                assert op.get("security") == []
            else:
                assert op.get("security", spec.get("security")), f"{method} {template} has no security"
                assert "401" in op["responses"], f"{method} {template} does not declare 401"


@pytest.mark.parametrize(("name", "definition"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_real_workflow_definitions_are_valid_create_requests(name: str, definition: dict) -> None:
    spec = dict(load_spec(SPEC_PATH))
    spec["$ref"] = "#/components/schemas/CreateWorkflowRequest"
    errors = list(OAS30Validator(spec).iter_errors(definition))
    assert not errors, errors[0].message


# ----------------------------------------------------------------------------- upstream names


@having("upstream_operations")
def test_operations_methods_paths_and_parameters_are_upstreams(service: Service) -> None:
    found = set()
    for method, template, op in service.operations():
        names = {p["name"] for p in service.parameters(template, op)}
        names -= service.added_parameters.get(op["operationId"], set())
        found.add((method, template, op["operationId"], frozenset(names)))
    assert found - service.added_operations == service.upstream_operations
    assert service.added_operations <= found


@pytest.mark.parametrize(("service", "name"), each("upstream_schemas"))
def test_upstream_schema_names_and_properties_are_kept(service: Service, name: str) -> None:
    schemas = service.document["components"]["schemas"]
    assert name in schemas, f"upstream schema {name} is missing"
    names = service.property_names(schemas[name])
    missing = service.upstream_schemas[name] - names
    assert not missing, f"{name} lost the upstream properties {sorted(missing)}"
    assert not service.dropped_properties.get(name, set()) & names


# ----------------------------------------------------------------------------- statuses and errors


@having("statuses")
def test_every_operation_declares_exactly_its_statuses(service: Service) -> None:
    found = {op["operationId"]: set(op["responses"]) - {"default"} for _, _, op in service.operations()}
    assert found == service.statuses
    assert all("default" in op["responses"] for _, _, op in service.operations())


@having("code_status")
def test_every_error_response_is_the_error_schema_with_its_codes(service: Service) -> None:
    for method, template, op in service.operations():
        for status, response in op["responses"].items():
            if status.startswith("2") or (op["operationId"], status) in service.non_error_responses:
                continue
            if method == "head":
                assert "content" not in service.deref(response), f"HEAD {template} {status} has a body"
                continue
            assert service.error_schema in service.error_schema_refs(response), f"{method} {template} {status}"
            codes = service.fixed_error_codes(response)
            if status == "default":
                assert codes is None
                continue
            assert codes, f"{method} {template} {status} does not fix errorCode"
            for code in codes:
                assert status in service.code_status[code], f"{method} {template} {status} lists {code}"


@having("error_enum")
def test_error_codes_are_upstreams_then_the_mocks(service: Service) -> None:
    enum = service.deref({"$ref": service.error_enum})["enum"]
    assert enum == [*service.upstream_codes, *service.mock_codes]


# ----------------------------------------------------------------------------- security


@having("scope")
def test_info_is_public_and_everything_else_needs_a_scope_by_method(service: Service) -> None:
    for method, template, op in service.operations():
        if template.startswith(service.public_prefix):
            assert op.get("security") == [], template
            continue
        scope = f"{service.scope}:read" if method in {"get", "head"} else f"{service.scope}:write"
        assert op["security"] == [{"Authorization": [scope]}, {"BearerAuth": []}], f"{method} {template}"


@having("scope")
def test_oauth2_uses_the_gateway_token_url_and_the_two_scopes(service: Service) -> None:
    flow = service.document["components"]["securitySchemes"]["Authorization"]["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == "/api/auth/oauth/token"
    assert set(flow["scopes"]) == {f"{service.scope}:read", f"{service.scope}:write"}


# ----------------------------------------------------------------------------- examples


@pytest.mark.parametrize("service", SERVICES, ids=str)
def test_every_request_body_parameter_and_response_with_content_has_an_example(service: Service) -> None:
    for method, template, op in service.operations():
        for param in service.parameters(template, op):
            assert list(service.media_examples(param)), f"{method} {template} parameter {param['name']} has no example"
        for media in op.get("requestBody", {}).get("content", {}).values():
            assert list(service.media_examples(media)), f"{method} {template} request has no example"
        for status, response in op["responses"].items():
            if status in service.unexampled:
                continue
            for media in service.deref(response).get("content", {}).values():
                assert list(service.media_examples(media)), f"{method} {template} {status} has no example"


DECLARED = [
    pytest.param(service, label, pointer, value, id=f"{service}-{label}")
    for service in SERVICES
    for label, pointer, value in service.examples()
]


@pytest.mark.parametrize(("service", "label", "pointer", "value"), DECLARED)
def test_every_declared_example_validates_against_its_schema(
    service: Service, label: str, pointer: str, value: Any
) -> None:
    errors = list(service.validator(pointer).iter_errors(value))
    assert not errors, f"{label}: {errors[0].message} at {list(errors[0].absolute_path)}"


@having("example_kinds")
def test_examples_are_collected_from_every_place(service: Service) -> None:
    kinds = {
        label.split()[0] if label.startswith(("schema", "header")) else label.split()[1]
        for label, *_ in service.examples()
    }
    assert service.example_kinds <= kinds


SDK_MODELS = [
    pytest.param(service, key, model, id=f"{service}-{key[0]}-{key[1]}")
    for service in SERVICES
    for key, model in service.sdk_models.items()
]


@pytest.mark.parametrize(("service", "key", "model"), SDK_MODELS)
def test_the_sdk_decodes_every_success_example(service: Service, key: tuple[str, str], model: str) -> None:
    from formance_sdk_python.utils import unmarshal_json

    examples = service.response_examples(*key)
    assert examples
    for _, value in examples:
        unmarshal_json(json.dumps(value), sdk_model(model))


@having("sdk_error_model")
def test_the_sdk_decodes_every_error_example_with_an_upstream_code(service: Service) -> None:
    from formance_sdk_python.utils import unmarshal_json

    seen = set()
    for _, _, op in service.operations():
        for status, response in op["responses"].items():
            if status.startswith("2") or "content" not in service.deref(response):
                continue
            for name, value in service.media_examples(service.deref(response)["content"]["application/json"]):
                if "data" in value:
                    continue  # the ledger's bulk: a failed element's answer holds every element's result
                assert "errorCode" in value, f"{op['operationId']} {status} {name}"
                if value["errorCode"] in service.upstream_codes:
                    seen.add(unmarshal_json(json.dumps(value), sdk_model(service.sdk_error_model)).error_code.value)
    assert service.sdk_error_codes <= seen


# ----------------------------------------------------------------------------- descriptions


@having("source")
def test_every_operation_says_where_its_behaviour_comes_from(service: Service) -> None:
    for method, template, op in service.operations():
        assert service.source in op["description"], f"{method} {template}"
        assert len(op["description"]) > 200, f"{method} {template}"


@pytest.mark.parametrize(("service", "fact"), each("conventions"))
def test_the_document_states_the_service_conventions(service: Service, fact: str) -> None:
    assert fact in service.document["info"]["description"]
