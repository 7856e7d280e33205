"""The v2 spec is valid OpenAPI, keeps upstream's names, declares its errors, and its examples hold.

The expected operations, parameters and schema/property names are copied from the upstream v2
description (Formance ``openapi/v2.yaml``); they are hard-coded here so that the test does not
depend on anything outside the repository. SDKs generated from upstream rely on exactly these.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from connexion.spec import Specification
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from spec import ORCHESTRATION_V2_SPEC
from tests.support import ROOT, load_spec

METHODS = {"get", "post", "put", "delete", "patch"}

# (method, path, operationId, parameter names) of the 18 upstream v2 operations.
UPSTREAM_OPERATIONS = {
    ("get", "/v2/_info", "v2GetServerInfo", frozenset()),
    ("get", "/v2/triggers", "v2ListTriggers", frozenset({"cursor", "pageSize", "name"})),
    ("post", "/v2/triggers", "v2CreateTrigger", frozenset()),
    ("get", "/v2/triggers/{triggerID}", "v2ReadTrigger", frozenset({"triggerID"})),
    ("delete", "/v2/triggers/{triggerID}", "v2DeleteTrigger", frozenset({"triggerID"})),
    ("post", "/v2/triggers/{triggerID}/test", "testTrigger", frozenset({"triggerID"})),
    (
        "get",
        "/v2/triggers/{triggerID}/occurrences",
        "v2ListTriggersOccurrences",
        frozenset({"triggerID", "cursor", "pageSize"}),
    ),
    ("get", "/v2/workflows", "v2ListWorkflows", frozenset({"cursor", "pageSize"})),
    ("post", "/v2/workflows", "v2CreateWorkflow", frozenset()),
    ("get", "/v2/workflows/{flowId}", "v2GetWorkflow", frozenset({"flowId"})),
    ("delete", "/v2/workflows/{flowId}", "v2DeleteWorkflow", frozenset({"flowId"})),
    ("post", "/v2/workflows/{workflowID}/instances", "v2RunWorkflow", frozenset({"workflowID", "wait"})),
    ("get", "/v2/instances", "v2ListInstances", frozenset({"cursor", "pageSize", "workflowID", "running"})),
    ("get", "/v2/instances/{instanceID}", "v2GetInstance", frozenset({"instanceID"})),
    ("post", "/v2/instances/{instanceID}/events", "v2SendEvent", frozenset({"instanceID"})),
    ("put", "/v2/instances/{instanceID}/abort", "v2CancelEvent", frozenset({"instanceID"})),
    ("get", "/v2/instances/{instanceID}/history", "v2GetInstanceHistory", frozenset({"instanceID"})),
    (
        "get",
        "/v2/instances/{instanceID}/stages/{number}/history",
        "v2GetInstanceStageHistory",
        frozenset({"instanceID", "number"}),
    ),
}

# The four cursor-paginated lists and the upstream name of their response schema.
LISTS = {
    "v2ListWorkflows": ("V2ListWorkflowsResponse", "V2Workflow"),
    "v2ListInstances": ("V2ListRunsResponse", "V2WorkflowInstance"),
    "v2ListTriggers": ("V2ListTriggersResponse", "V2Trigger"),
    "v2ListTriggersOccurrences": ("V2ListTriggersOccurrencesResponse", "V2TriggerOccurrence"),
}

# Operations with a path id that cannot answer 404: an unknown trigger has no occurrences (200, empty page).
NO_404 = {"v2ListTriggersOccurrences"}

# Every upstream components/schemas name, with the property names upstream gives it directly (at
# flows v2.6.0, the release the stack pins).
UPSTREAM_SCHEMAS: dict[str, set[str]] = {
    "V2ServerInfo": {"version"},
    "V2Error": {"errorCode", "errorMessage"},
    "V2WorkflowConfig": {"name", "stages"},
    "V2Workflow": {"config", "createdAt", "id", "updatedAt"},
    "V2StageStatus": {"error", "instanceID", "stage", "startedAt", "terminatedAt"},
    "V2WorkflowInstance": {
        *("createdAt", "error", "id", "status", "terminated", "terminatedAt", "updatedAt", "workflow", "workflowID")
    },
    "V2WorkflowInstanceHistoryStage": {
        *("attempt", "error", "input", "lastFailure", "name", "nextExecution", "output", "startedAt"),
        *("terminated", "terminatedAt"),
    },
    "V2WorkflowInstanceHistory": {"error", "input", "name", "startedAt", "terminated", "terminatedAt"},
    "V2WorkflowInstanceHistoryList": set(),
    "V2WorkflowInstanceHistoryStageList": set(),
    "V2ListWorkflowsResponse": {"cursor"},
    "V2TriggerData": {"event", "filter", "name", "vars", "version", "workflowID"},
    "V2Trigger": {"createdAt", "id"},
    "V2TriggerOccurrence": {"date", "error", "event", "triggerID", "workflowInstance", "workflowInstanceID"},
    "V2ListTriggersOccurrencesResponse": {"cursor"},
    "V2ListTriggersResponse": {"cursor"},
    "V2CreateWorkflowRequest": set(),
    "V2CreateWorkflowResponse": {"data"},
    "V2CreateTriggerResponse": {"data"},
    "V2RunWorkflowRequest": set(),
    "V2RunWorkflowResponse": {"data"},
    "V2ListRunsResponse": {"cursor"},
    "V2GetWorkflowResponse": {"data"},
    "V2GetWorkflowInstanceResponse": {"data"},
    "V2GetWorkflowInstanceHistoryResponse": {"data"},
    "V2GetWorkflowInstanceHistoryStageResponse": {"data"},
    "V2StageSendSourceWallet": {"balance", "id"},
    "V2StageSendDestinationWallet": set(),
    "V2StageSendSourceAccount": {"allowOverdraft", "id", "ledger", "throughAccount"},
    "V2StageSendDestinationAccount": set(),
    "V2StageSendSourcePayment": {"allowOverdraft", "holdingAccount", "id", "ledger", "throughAccount"},
    "V2StageSendDestinationPayment": {"psp", "sourceAccount", "type"},
    "V2StageSendSource": {"account", "payment", "wallet"},
    "V2StageSendDestination": {"account", "payment", "wallet"},
    "V2StageSend": {"amount", "destination", "metadata", "source", "timestamp"},
    "V2StageDelay": {"duration", "until"},
    "V2StageWaitEvent": {"event"},
    "V2UpdateAccount": {"id", "ledger", "metadata"},
    "V2Update": {"account"},
    "V2Stage": set(),
    "V2StripeTransferRequest": {"amount", "asset", "connectorID", "destination", "metadata", "waitingValidation"},
    "V2ActivityStripeTransfer": set(),
    "V2CreateTransferInitiationRequest": {
        *("amount", "asset", "connectorID", "description", "destination", "metadata", "provider", "source"),
        *("type", "waitingValidation"),
    },
    "V2ActivityCreateTransferInitiation": set(),
    "V2ActivityListWallets": {"name"},
    "V2ListWalletsResponse": {"cursor"},
    "V2Wallet": {"createdAt", "id", "ledger", "metadata", "name"},
    "V2Cursor": {"hasMore", "next", "pageSize", "previous"},
    "V2ActivityGetAccount": {"id", "ledger"},
    "V2ActivityAddAccountMetadata": {"id", "ledger", "metadata"},
    "V2ActivityCreateTransaction": {"data", "ledger"},
    "V2ActivityGetPayment": {"id"},
    "V2ActivityConfirmHold": {"id"},
    "V2ActivityCreditWallet": {"data", "id"},
    "V2CreditWalletRequest": {"amount", "balance", "metadata", "reference", "sources", "timestamp"},
    "V2LedgerAccountSubject": {"identifier", "type"},
    "V2WalletSubject": {"balance", "identifier", "type"},
    "V2Subject": set(),
    "V2ActivityDebitWallet": {"data", "id"},
    "V2DebitWalletRequest": {*("amount", "balances", "description", "destination", "metadata", "pending", "timestamp")},
    "V2ActivityGetWallet": {"id"},
    "V2ActivityVoidHold": {"id"},
    "V2ActivityGetAccountOutput": set(),
    "V2ActivityCreateTransactionOutput": set(),
    "V2CreateTransactionResponse": {"data"},
    "V2Transaction": {"metadata", "postings", "reference", "timestamp", "txid"},
    "V2ActivityGetPaymentOutput": set(),
    "V2PaymentResponse": {"data"},
    "V2Payment": {
        *("adjustments", "asset", "connectorID", "createdAt", "destinationAccountID", "id", "initialAmount"),
        *("metadata", "provider", "raw", "reference", "scheme", "sourceAccountID", "status", "type"),
    },
    "V2Connector": set(),
    "V2PaymentAdjustment": {"absolute", "amount", "date", "raw", "status"},
    "V2PaymentStatus": set(),
    "V2PaymentMetadata": {"key"},
    "V2ActivityDebitWalletOutput": set(),
    "V2DebitWalletResponse": {"data"},
    "V2Hold": {"description", "destination", "id", "metadata", "walletID"},
    "V2ActivityGetWalletOutput": set(),
    "V2GetWalletResponse": {"data"},
    "V2WalletWithBalances": {"balances", "createdAt", "id", "ledger", "metadata", "name"},
    "V2AssetHolder": {"assets"},
    "V2WorkflowInstanceHistoryStageInput": {
        *("AddAccountMetadata", "ConfirmHold", "CreateTransaction", "CreateTransferInitiation", "CreditWallet"),
        "DebitWallet",
        *("GetAccount", "GetPayment", "GetWallet", "ListWallets", "StripeTransfer", "VoidHold"),
    },
    "V2WorkflowInstanceHistoryStageOutput": {
        *("CreateTransaction", "DebitWallet", "GetAccount", "GetPayment", "GetWallet", "ListWallets")
    },
    "V2Monetary": {"amount", "asset"},
    "V2PostTransaction": {"metadata", "postings", "reference", "script", "timestamp"},
    "V2Metadata": set(),
    "V2Posting": {"amount", "asset", "destination", "source"},
    "V2AccountResponse": {"data"},
    "V2ReadTriggerResponse": {"data"},
    "V2Account": {"address", "effectiveVolumes", "metadata", "volumes"},
    "V2Volume": {"balance", "input", "output"},
    "V2Volumes": set(),
    "V2TestTriggerResponse": {"data"},
    "V2TriggerTest": {"filter", "variables"},
}

DEMO = yaml.safe_load((ROOT / "fixtures" / "demo.yaml").read_text())["workflows"]
DEFINITIONS = [(w["name"], {"name": w["name"], "stages": w["stages"]}) for w in DEMO]


def spec() -> dict[str, Any]:
    return load_spec(ORCHESTRATION_V2_SPEC)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def deref(node: dict[str, Any]) -> dict[str, Any]:
    """Follow local ``$ref``s until a node without one."""
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
    """Path-level and operation-level parameters, resolved."""
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
        where = f"{op['operationId']}"
        base = f"#/paths/{_escape(template)}"
        shared = root["paths"][template].get("parameters", [])
        for scope, params in (("", shared), (f"/{method}", op.get("parameters", []))):
            for i, param in enumerate(params):
                pointer = f"{base}{scope}/parameters/{i}"
                if "$ref" in param:
                    pointer = param["$ref"]
                resolved = deref(param)
                for name, value in _media_examples(resolved):
                    yield f"{where} param {resolved['name']} {name}", f"{pointer}/schema", value
        body = op.get("requestBody")
        if body:
            for mime, media in body["content"].items():
                pointer = f"{base}/{method}/requestBody/content/{_escape(mime)}/schema"
                for name, value in _media_examples(media):
                    yield f"{where} request {name}", pointer, value
        for status, response in op["responses"].items():
            pointer = f"{base}/{method}/responses/{status}"
            if "$ref" in response:
                pointer = response["$ref"]
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


def all_schemas() -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema object of the document (components and inline), with a label."""

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

    yield from walk(spec()["paths"], "#/paths")
    yield from walk(spec()["components"]["schemas"], "#/components/schemas")


# ----------------------------------------------------------------------------- validity


def test_spec_file_is_valid_openapi() -> None:
    validate(yaml.safe_load(ORCHESTRATION_V2_SPEC.read_text()))


def test_connexion_accepts_the_spec() -> None:
    Specification.from_dict(yaml.safe_load(ORCHESTRATION_V2_SPEC.read_text()))


def test_the_package_exports_the_v2_spec_path() -> None:
    import spec as package

    assert "ORCHESTRATION_V2_SPEC" in package.__all__
    assert package.ORCHESTRATION_V2_SPEC.is_file()
    assert package.ORCHESTRATION_SPEC.name == "orchestration.v1.yaml"


def test_servers_are_the_gateway_prefix_and_the_root() -> None:
    urls = [s["url"] for s in spec()["servers"]]
    assert urls[0].endswith("/api/orchestration")
    assert len(urls) == 2
    assert not urls[1].endswith("/api/orchestration")
    assert all(template.startswith("/v2/") for template in spec()["paths"])


# ----------------------------------------------------------------------------- upstream names


def test_operations_methods_paths_and_parameters_are_upstreams() -> None:
    found = {
        (method, template, op["operationId"], frozenset(p["name"] for p in parameters(template, op)))
        for method, template, op in operations()
    }
    assert found == UPSTREAM_OPERATIONS
    assert len(found) == 18


@pytest.mark.parametrize("name", sorted(UPSTREAM_SCHEMAS))
def test_upstream_schema_names_and_properties_are_kept(name: str) -> None:
    schemas = spec()["components"]["schemas"]
    assert name in schemas, f"upstream schema {name} is missing"
    missing = UPSTREAM_SCHEMAS[name] - property_names(schemas[name])
    assert not missing, f"{name} lost the upstream properties {sorted(missing)}"


def test_every_component_schema_name_has_the_v2_prefix() -> None:
    assert all(name.startswith("V2") for name in spec()["components"]["schemas"])


# ----------------------------------------------------------------------------- errors


def _error_schema_refs(response: dict[str, Any]) -> set[str]:
    schema = deref(response)["content"]["application/json"]["schema"]
    parts = [schema, *schema.get("allOf", [])]
    return {p["$ref"] for p in parts if "$ref" in p}


def _fixed_error_code(response: dict[str, Any]) -> list[str] | None:
    schema = deref(response)["content"]["application/json"]["schema"]
    for part in schema.get("allOf", []):
        code = part.get("properties", {}).get("errorCode")
        if code:
            return code["enum"]
    return None


def test_info_is_served_without_a_token_and_everything_else_requires_one() -> None:
    for method, template, op in operations():
        if op["operationId"] == "v2GetServerInfo":
            assert op.get("security") == []
            assert "401" not in op["responses"]
            continue
        security = op.get("security", spec().get("security"))
        assert security, f"{method} {template} has no security"
        scopes = {scope for requirement in security for scope in requirement.get("Authorization", [])}
        assert scopes == {"orchestration:read" if method == "get" else "orchestration:write"}, template


@pytest.mark.parametrize(("status", "code"), [("401", "UNAUTHORIZED"), ("403", "FORBIDDEN")])
def test_every_secured_operation_declares_401_and_403_with_the_error_schema(status: str, code: str) -> None:
    for method, template, op in operations():
        if op.get("security") == []:
            continue
        response = op["responses"].get(status)
        assert response, f"{method} {template} does not declare {status}"
        assert "#/components/schemas/V2Error" in _error_schema_refs(response)
        assert _fixed_error_code(response) == [code]


def test_every_operation_with_a_path_id_declares_404_not_found() -> None:
    for method, template, op in operations():
        if "{" not in template:
            continue
        if op["operationId"] in NO_404:
            assert "404" not in op["responses"]
            assert "empty page" in op["description"]
            continue
        response = op["responses"].get("404")
        assert response, f"{method} {template} does not declare 404"
        assert _fixed_error_code(response) == ["NOT_FOUND"]


@pytest.mark.parametrize(
    "operation_id",
    ["v2CreateWorkflow", "v2RunWorkflow", "v2DeleteWorkflow", "v2SendEvent", "v2CreateTrigger", "testTrigger"],
)
def test_operations_that_validate_input_declare_400(operation_id: str) -> None:
    _, _, op = operation(operation_id)
    assert _fixed_error_code(op["responses"]["400"]) == ["VALIDATION"]


def test_operations_with_a_body_declare_413() -> None:
    for method, template, op in operations():
        if "requestBody" in op:
            assert _fixed_error_code(op["responses"]["413"]) == ["PAYLOAD_TOO_LARGE"], f"{method} {template}"


def test_every_operation_has_a_default_error_response() -> None:
    for _, _, op in operations():
        assert "#/components/schemas/V2Error" in _error_schema_refs(op["responses"]["default"])


def test_error_codes_cover_every_status_the_mock_uses() -> None:
    codes = set(spec()["components"]["schemas"]["V2Error"]["properties"]["errorCode"]["enum"])
    assert codes >= {"VALIDATION", "NOT_FOUND", "INTERNAL", "UNAUTHORIZED", "FORBIDDEN", "PAYLOAD_TOO_LARGE"}


# ----------------------------------------------------------------------------- pagination


@pytest.mark.parametrize("operation_id", sorted(LISTS))
def test_lists_take_cursor_and_page_size(operation_id: str) -> None:
    _, template, op = operation(operation_id)
    params = {p["name"]: p for p in parameters(template, op)}
    page_size = params["pageSize"]["schema"]
    assert params["pageSize"]["in"] == "query"
    assert page_size["type"] == "integer"
    assert (page_size["minimum"], page_size["maximum"], page_size["default"]) == (0, 1000, 15)
    assert "0" in params["pageSize"]["description"] and "100" in params["pageSize"]["description"]
    assert params["cursor"]["in"] == "query"
    assert params["cursor"]["schema"]["type"] == "string"
    assert "ignored" in params["cursor"]["description"]
    assert _fixed_error_code(op["responses"]["400"]) == ["VALIDATION"]


@pytest.mark.parametrize("operation_id", sorted(LISTS))
def test_lists_answer_the_cursor_envelope(operation_id: str) -> None:
    _, _, op = operation(operation_id)
    schema_name, item = LISTS[operation_id]
    ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == f"#/components/schemas/{schema_name}"
    envelope = deref({"$ref": ref})
    assert envelope["required"] == ["cursor"]
    cursor = deref(envelope["properties"]["cursor"])
    assert set(cursor["required"]) == {"pageSize", "hasMore", "data"}
    props = cursor["properties"]
    assert props["pageSize"]["type"] == "integer"
    assert props["hasMore"]["type"] == "boolean"
    assert props["previous"]["type"] == props["next"]["type"] == "string"
    assert props["data"]["type"] == "array"
    assert props["data"]["items"] == {"$ref": f"#/components/schemas/{item}"}


@pytest.mark.parametrize("operation_id", sorted(LISTS))
def test_list_examples_show_a_cursor_page(operation_id: str) -> None:
    _, _, op = operation(operation_id)
    media = op["responses"]["200"]["content"]["application/json"]
    pages = [value["cursor"] for _, value in _media_examples(media)]
    assert pages
    assert all(page["data"] for page in pages)


# ----------------------------------------------------------------------------- testTrigger


def test_test_trigger_takes_a_json_object_and_leaves_out_what_it_did_not_evaluate() -> None:
    _, template, op = operation("testTrigger")
    assert template == "/v2/triggers/{triggerID}/test"
    body = op["requestBody"]["content"]["application/json"]["schema"]
    assert body["type"] == "object"
    ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/V2TestTriggerResponse"
    result = deref(deref({"$ref": ref})["properties"]["data"])
    filter_, variables = result["properties"]["filter"], result["properties"]["variables"]
    # Absent, never null: SDKs generated from upstream (TypeScript 7.x) reject null there.
    assert not filter_.get("nullable") and not variables.get("nullable") and "required" not in result
    assert filter_["required"] == ["match"]
    assert set(variables["additionalProperties"]["properties"]) == {"value", "error"}
    assert "500" in op["description"]
    check = validator(f"#/paths/{_escape(template)}/post/responses/200/content/application~1json/schema")
    assert check.is_valid({"data": {}})
    assert check.is_valid({"data": {"filter": {"match": True}, "variables": {"a": {"value": "1"}}}})
    assert not check.is_valid({"data": {"filter": None}})
    assert not check.is_valid({"data": {"filter": {"error": "x"}}})
    assert not check.is_valid({"data": {"variables": {"a": {"value": 1}}}})


# ----------------------------------------------------------------------------- examples


def test_every_request_body_and_every_response_with_content_has_an_example() -> None:
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
    kinds = {label.split()[1] if not label.startswith("schema") else "schema" for label, _, _ in EXAMPLES}
    assert {"param", "request", "200", "201", "400", "401", "403", "404", "schema"} <= kinds


def test_time_fields_are_date_times() -> None:
    for label, schema in all_schemas():
        for name, prop in schema.get("properties", {}).items():
            if name.endswith("At") or name in {"date", "nextExecution"}:
                assert deref(prop).get("format") == "date-time", f"{label}/properties/{name}"


# ----------------------------------------------------------------------------- links


def _links() -> Iterator[tuple[str, str, str, dict[str, Any], dict[str, Any]]]:
    for _, _, op in operations():
        for status, response in op["responses"].items():
            for name, link in deref(response).get("links", {}).items():
                yield op["operationId"], status, name, link, deref(response)


def _pointer_exists(document: Any, pointer: str) -> bool:
    for part in pointer.removeprefix("/").split("/"):
        if isinstance(document, dict) and part in document:
            document = document[part]
        elif isinstance(document, list) and part.isdigit() and int(part) < len(document):
            document = document[int(part)]
        else:
            return False
    return True


def test_links_target_existing_operations_and_parameters() -> None:
    links = list(_links())
    assert links
    for source, status, name, link, response in links:
        _, template, target = operation(link["operationId"])
        names = {(p["in"], p["name"]) for p in parameters(template, target)}
        for key, expression in link["parameters"].items():
            where, _, param = key.rpartition(".")
            assert any(n == param and (not where or i == where) for i, n in names), f"{source}.{name}: {key}"
            if isinstance(expression, str) and expression.startswith("$response.body#"):
                pointer = expression.removeprefix("$response.body#")
                for label, value in _media_examples(response["content"]["application/json"]):
                    assert _pointer_exists(value, pointer), f"{source} {status} {label} has no {pointer}"


@pytest.mark.parametrize(
    ("source", "targets"),
    [
        ("v2CreateWorkflow", {"v2GetWorkflow", "v2RunWorkflow", "v2DeleteWorkflow"}),
        ("v2RunWorkflow", {"v2GetInstance", "v2CancelEvent", "v2SendEvent", "v2GetInstanceHistory"}),
        ("v2CreateTrigger", {"v2ReadTrigger", "v2DeleteTrigger", "testTrigger", "v2ListTriggersOccurrences"}),
    ],
)
def test_stateful_links_chain_the_created_resources(source: str, targets: set[str]) -> None:
    found = {link["operationId"] for op, _, _, link, _ in _links() if op == source}
    assert targets <= found


# ----------------------------------------------------------------------------- definitions


@pytest.mark.parametrize(("name", "definition"), DEFINITIONS, ids=[d[0] for d in DEFINITIONS])
def test_fixture_workflow_definitions_are_valid_create_requests(name: str, definition: dict) -> None:
    errors = list(validator("#/components/schemas/V2CreateWorkflowRequest").iter_errors(definition))
    assert not errors, errors[0].message


@pytest.mark.parametrize(
    "definition",
    [
        {},
        {"stages": {"delay": {"duration": "5s"}}},
        {"stages": [{}]},
        {"stages": [{"delay": {"duration": "5s"}, "noop": {}}]},
        {"stages": [{"teleport": {}}]},
        {"stages": [{"send": {"source": {"account": {"id": "a"}}}}]},
        {"stages": [{"wait_event": {}}]},
    ],
    ids=["no-stages", "stages-not-array", "empty-stage", "two-kinds", "unknown-kind", "no-destination", "no-event"],
)
def test_malformed_definitions_are_rejected(definition: dict) -> None:
    assert not validator("#/components/schemas/V2CreateWorkflowRequest").is_valid(definition)


def test_create_transaction_output_is_an_array_of_transactions_with_txid() -> None:
    check = validator("#/components/schemas/V2ActivityCreateTransactionOutput")
    tx = {"txid": 0, "postings": [], "timestamp": "2024-05-02T10:00:00Z", "metadata": {}}
    assert check.is_valid({"data": [tx]})
    assert not check.is_valid({"data": tx})
    assert not check.is_valid({"data": [{k: v for k, v in tx.items() if k != "txid"}]})
