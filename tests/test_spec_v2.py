"""The v2 spec is valid OpenAPI, keeps upstream's names, declares its errors, and its examples hold.

The expected operations, parameters and schema/property names are copied from the upstream v2
description (Formance ``openapi/v2.yaml``); they are hard-coded here so that the test does not
depend on anything outside the repository. SDKs generated from upstream rely on exactly these.

``V2`` is what the checks every service's spec passes (``tests/test_spec.py``) hold this one to;
the checks below are orchestration v2's alone.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from spec import ORCHESTRATION_V2_SPEC
from tests.spec_support import Service, escape
from tests.support import ROOT

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

V2 = Service(
    ORCHESTRATION_V2_SPEC,
    name="orchestration-v2",
    servers=("http://127.0.0.1:55001/api/orchestration", "http://127.0.0.1:55001"),
    paths_under=("/v2/",),
    upstream_operations=UPSTREAM_OPERATIONS,
    upstream_schemas=UPSTREAM_SCHEMAS,
    example_kinds={"param", "request", "200", "201", "400", "401", "403", "404", "schema"},
    public_prefix="/v2/_info",
    scope="orchestration",
)


# ----------------------------------------------------------------------------- upstream names


def test_every_component_schema_name_has_the_v2_prefix() -> None:
    assert all(name.startswith("V2") for name in V2.document["components"]["schemas"])


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize(("status", "code"), [("401", "UNAUTHORIZED"), ("403", "FORBIDDEN")])
def test_every_secured_operation_declares_401_and_403_with_the_error_schema(status: str, code: str) -> None:
    for method, template, op in V2.operations():
        if op.get("security") == []:
            assert status not in op["responses"], f"{method} {template}"
            continue
        response = op["responses"].get(status)
        assert response, f"{method} {template} does not declare {status}"
        assert "#/components/schemas/V2Error" in V2.error_schema_refs(response)
        assert V2.fixed_error_codes(response) == [code]


def test_every_operation_with_a_path_id_declares_404_not_found() -> None:
    for method, template, op in V2.operations():
        if "{" not in template:
            continue
        if op["operationId"] in NO_404:
            assert "404" not in op["responses"]
            assert "empty page" in op["description"]
            continue
        response = op["responses"].get("404")
        assert response, f"{method} {template} does not declare 404"
        assert V2.fixed_error_codes(response) == ["NOT_FOUND"]


@pytest.mark.parametrize(
    "operation_id",
    ["v2CreateWorkflow", "v2RunWorkflow", "v2DeleteWorkflow", "v2SendEvent", "v2CreateTrigger", "testTrigger"],
)
def test_operations_that_validate_input_declare_400(operation_id: str) -> None:
    _, _, op = V2.operation(operation_id)
    assert V2.fixed_error_codes(op["responses"]["400"]) == ["VALIDATION"]


def test_operations_with_a_body_declare_413() -> None:
    for method, template, op in V2.operations():
        if "requestBody" in op:
            assert V2.fixed_error_codes(op["responses"]["413"]) == ["PAYLOAD_TOO_LARGE"], f"{method} {template}"


def test_every_operation_has_a_default_error_response() -> None:
    for _, _, op in V2.operations():
        assert "#/components/schemas/V2Error" in V2.error_schema_refs(op["responses"]["default"])


def test_error_codes_cover_every_status_the_mock_uses() -> None:
    codes = set(V2.document["components"]["schemas"]["V2Error"]["properties"]["errorCode"]["enum"])
    assert codes >= {"VALIDATION", "NOT_FOUND", "INTERNAL", "UNAUTHORIZED", "FORBIDDEN", "PAYLOAD_TOO_LARGE"}


# ----------------------------------------------------------------------------- pagination


@pytest.mark.parametrize("operation_id", sorted(LISTS))
def test_lists_take_cursor_and_page_size(operation_id: str) -> None:
    _, template, op = V2.operation(operation_id)
    params = {p["name"]: p for p in V2.parameters(template, op)}
    page_size = params["pageSize"]["schema"]
    assert params["pageSize"]["in"] == "query"
    assert page_size["type"] == "integer"
    assert (page_size["minimum"], page_size["maximum"], page_size["default"]) == (0, 1000, 15)
    assert "0" in params["pageSize"]["description"] and "100" in params["pageSize"]["description"]
    assert params["cursor"]["in"] == "query"
    assert params["cursor"]["schema"]["type"] == "string"
    assert "ignored" in params["cursor"]["description"]
    assert V2.fixed_error_codes(op["responses"]["400"]) == ["VALIDATION"]


@pytest.mark.parametrize("operation_id", sorted(LISTS))
def test_lists_answer_the_cursor_envelope(operation_id: str) -> None:
    _, _, op = V2.operation(operation_id)
    schema_name, item = LISTS[operation_id]
    ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == f"#/components/schemas/{schema_name}"
    envelope = V2.deref({"$ref": ref})
    assert envelope["required"] == ["cursor"]
    cursor = V2.deref(envelope["properties"]["cursor"])
    assert set(cursor["required"]) == {"pageSize", "hasMore", "data"}
    props = cursor["properties"]
    assert props["pageSize"]["type"] == "integer"
    assert props["hasMore"]["type"] == "boolean"
    assert props["previous"]["type"] == props["next"]["type"] == "string"
    assert props["data"]["type"] == "array"
    assert props["data"]["items"] == {"$ref": f"#/components/schemas/{item}"}


@pytest.mark.parametrize("operation_id", sorted(LISTS))
def test_list_examples_show_a_cursor_page(operation_id: str) -> None:
    _, _, op = V2.operation(operation_id)
    media = op["responses"]["200"]["content"]["application/json"]
    pages = [value["cursor"] for _, value in V2.media_examples(media)]
    assert pages
    assert all(page["data"] for page in pages)


# ----------------------------------------------------------------------------- testTrigger


def test_test_trigger_takes_a_json_object_and_leaves_out_what_it_did_not_evaluate() -> None:
    _, template, op = V2.operation("testTrigger")
    assert template == "/v2/triggers/{triggerID}/test"
    body = op["requestBody"]["content"]["application/json"]["schema"]
    assert body["type"] == "object"
    ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/V2TestTriggerResponse"
    result = V2.deref(V2.deref({"$ref": ref})["properties"]["data"])
    filter_, variables = result["properties"]["filter"], result["properties"]["variables"]
    # Absent, never null: SDKs generated from upstream (TypeScript 7.x) reject null there.
    assert not filter_.get("nullable") and not variables.get("nullable") and "required" not in result
    assert filter_["required"] == ["match"]
    assert set(variables["additionalProperties"]["properties"]) == {"value", "error"}
    assert "500" in op["description"]
    check = V2.validator(f"#/paths/{escape(template)}/post/responses/200/content/application~1json/schema")
    assert check.is_valid({"data": {}})
    assert check.is_valid({"data": {"filter": {"match": True}, "variables": {"a": {"value": "1"}}}})
    assert not check.is_valid({"data": {"filter": None}})
    assert not check.is_valid({"data": {"filter": {"error": "x"}}})
    assert not check.is_valid({"data": {"variables": {"a": {"value": 1}}}})


# ----------------------------------------------------------------------------- examples


def test_time_fields_are_date_times() -> None:
    for label, schema in V2.all_schemas("schemas"):
        for name, prop in schema.get("properties", {}).items():
            if name.endswith("At") or name in {"date", "nextExecution"}:
                assert V2.deref(prop).get("format") == "date-time", f"{label}/properties/{name}"


# ----------------------------------------------------------------------------- links


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
    links = list(V2.links())
    assert links
    for source, status, name, link, response in links:
        _, template, target = V2.operation(link["operationId"])
        names = {(p["in"], p["name"]) for p in V2.parameters(template, target)}
        for key, expression in link["parameters"].items():
            where, _, param = key.rpartition(".")
            assert any(n == param and (not where or i == where) for i, n in names), f"{source}.{name}: {key}"
            if isinstance(expression, str) and expression.startswith("$response.body#"):
                pointer = expression.removeprefix("$response.body#")
                for label, value in V2.media_examples(response["content"]["application/json"]):
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
    found = {link["operationId"] for op, _, _, link, _ in V2.links() if op == source}
    assert targets <= found


# ----------------------------------------------------------------------------- definitions


@pytest.mark.parametrize(("name", "definition"), DEFINITIONS, ids=[d[0] for d in DEFINITIONS])
def test_fixture_workflow_definitions_are_valid_create_requests(name: str, definition: dict) -> None:
    errors = list(V2.validator("#/components/schemas/V2CreateWorkflowRequest").iter_errors(definition))
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
    assert not V2.validator("#/components/schemas/V2CreateWorkflowRequest").is_valid(definition)


def test_create_transaction_output_is_an_array_of_transactions_with_txid() -> None:
    check = V2.validator("#/components/schemas/V2ActivityCreateTransactionOutput")
    tx = {"txid": 0, "postings": [], "timestamp": "2024-05-02T10:00:00Z", "metadata": {}}
    assert check.is_valid({"data": [tx]})
    assert not check.is_valid({"data": tx})
    assert not check.is_valid({"data": [{k: v for k, v in tx.items() if k != "txid"}]})
