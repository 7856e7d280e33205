"""The wallets v1 spec is valid OpenAPI, keeps upstream's names, declares its errors, and its examples hold.

The expected operations, parameters and schema/property names are copied from the upstream description
(formancehq/wallets v2.1.5 ``openapi.yaml``); the success statuses from the official Python SDK 9.x
(``formance_sdk_python/wallets_v1.py``). They are hard-coded here so that the test depends on nothing
outside the repository but the SDK, which also decodes every success example.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from connexion.spec import Specification
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from spec import WALLETS_SPEC
from tests.support import load_spec

METHODS = {"get", "put", "post", "delete", "patch", "head"}

# (method, path, operationId, parameter names) of the 16 upstream operations.
UPSTREAM_OPERATIONS = {
    ("get", "/_info", "getServerInfo", frozenset()),
    ("get", "/transactions", "getTransactions", frozenset({"pageSize", "walletID", "cursor"})),
    ("get", "/wallets", "listWallets", frozenset({"name", "metadata", "pageSize", "cursor", "expand"})),
    ("post", "/wallets", "createWallet", frozenset({"Idempotency-Key"})),
    ("get", "/wallets/{id}", "getWallet", frozenset({"id"})),
    ("patch", "/wallets/{id}", "updateWallet", frozenset({"id", "Idempotency-Key"})),
    ("get", "/wallets/{id}/summary", "getWalletSummary", frozenset({"id"})),
    ("get", "/wallets/{id}/balances", "listBalances", frozenset({"id"})),
    ("post", "/wallets/{id}/balances", "createBalance", frozenset({"id", "Idempotency-Key"})),
    ("get", "/wallets/{id}/balances/{balanceName}", "getBalance", frozenset({"id", "balanceName"})),
    ("post", "/wallets/{id}/debit", "debitWallet", frozenset({"id", "Idempotency-Key"})),
    ("post", "/wallets/{id}/credit", "creditWallet", frozenset({"id", "Idempotency-Key"})),
    ("get", "/holds", "getHolds", frozenset({"pageSize", "walletID", "metadata", "cursor"})),
    ("get", "/holds/{holdID}", "getHold", frozenset({"holdID"})),
    ("post", "/holds/{hold_id}/confirm", "confirmHold", frozenset({"hold_id", "Idempotency-Key"})),
    ("post", "/holds/{hold_id}/void", "voidHold", frozenset({"hold_id", "Idempotency-Key"})),
}
# Parameters the release reads that upstream leaves out (CHANGES.md).
ADDED_PARAMETERS = {"listBalances": {"pageSize", "cursor", "metadata"}}

# Every upstream components/schemas name, with the property names upstream gives it (directly or through allOf).
UPSTREAM_SCHEMAS: dict[str, set[str]] = {
    "Monetary": {"amount", "asset"},
    "Wallet": {"balances", "createdAt", "id", "ledger", "metadata", "name"},
    "WalletWithBalances": {"balances", "createdAt", "id", "ledger", "metadata", "name"},
    "Hold": {"asset", "description", "destination", "id", "metadata", "walletID"},
    "ExpandedDebitHold": {"asset", "description", "destination", "id", "metadata", "originalAmount", "remaining"}
    | {"walletID"},
    "ListWalletsResponse": {"cursor"},
    "CreateWalletResponse": {"data"},
    "GetWalletResponse": {"data"},
    "GetWalletSummaryResponse": {"data"},
    "DebitWalletResponse": {"data"},
    "AggregatedVolumes": set(),
    "Posting": {"amount", "asset", "destination", "source"},
    "Transaction": {"id", "ledger", "metadata", "postCommitVolumes", "postings", "preCommitVolumes", "reference"}
    | {"timestamp"},
    "Cursor": {"hasMore", "next", "pageSize", "previous"},
    "GetTransactionsResponse": {"cursor"},
    "GetHoldsResponse": {"cursor"},
    "GetHoldResponse": {"data"},
    "CreateWalletRequest": {"metadata", "name"},
    "Volume": {"balance", "input", "output"},
    "Volumes": set(),
    "ConfirmHoldRequest": {"amount", "final"},
    "LedgerAccountSubject": {"identifier", "type"},
    "WalletSubject": {"balance", "identifier", "type"},
    "Subject": {"balance", "identifier", "type"},
    "CreditWalletRequest": {"amount", "balance", "metadata", "reference", "sources", "timestamp"},
    "DebitWalletRequest": {"amount", "balances", "description", "destination", "metadata", "pending", "timestamp"},
    "ServerInfo": {"version"},
    "AssetHolder": {"assets"},
    "Balance": {"expiresAt", "name", "priority"},
    "BalanceWithAssets": {"assets", "expiresAt", "name", "priority"},
    "WalletSummary": {"availableFunds", "balances", "expirableFunds", "expiredFunds", "holdFunds"},
    "ListBalancesResponse": {"cursor"},
    "GetBalanceResponse": {"data"},
    "CreateBalanceRequest": {"expiresAt", "name", "priority"},
    "CreateBalanceResponse": {"data"},
    "ErrorResponse": {"errorCode", "errorMessage"},
}

# Every status each operation declares (besides `default`).
STATUSES = {
    "getServerInfo": {"200"},
    "getTransactions": {"200", "400", "401", "403", "500"},
    "listWallets": {"200", "400", "401", "403", "500"},
    "createWallet": {"201", "400", "401", "403", "413"},
    "getWallet": {"200", "401", "403", "404", "500"},
    "updateWallet": {"204", "400", "401", "403", "404", "413", "500"},
    "getWalletSummary": {"200", "401", "403", "404"},
    "listBalances": {"200", "400", "401", "403", "500"},
    "createBalance": {"201", "400", "401", "403", "413"},
    "getBalance": {"200", "401", "403", "404", "500"},
    "debitWallet": {"201", "204", "400", "401", "403", "413", "500"},
    "creditWallet": {"204", "400", "401", "403", "413", "500"},
    "getHolds": {"200", "400", "401", "403", "500"},
    "getHold": {"200", "401", "403", "404", "500"},
    "confirmHold": {"204", "400", "401", "403", "404", "413", "500"},
    "voidHold": {"204", "400", "401", "403", "404", "500"},
}

# The statuses the official Python SDK 9.x treats as success (`is_error_status_code`).
SDK_SUCCESS = {
    "getServerInfo": {"200"},
    "getTransactions": {"200"},
    "listWallets": {"200"},
    "createWallet": {"201"},
    "getWallet": {"200", "404"},
    "updateWallet": {"204"},
    "getWalletSummary": {"200", "404"},
    "listBalances": {"200"},
    "createBalance": {"201"},
    "getBalance": {"200"},
    "debitWallet": {"201", "204"},
    "creditWallet": {"204"},
    "getHolds": {"200"},
    "getHold": {"200"},
    "confirmHold": {"204"},
    "voidHold": {"204"},
}

# The SDK model that decodes each success body (formance_sdk_python.models.wallets.<class>).
SDK_MODELS = {
    ("getServerInfo", "200"): "ServerInfo",
    ("getTransactions", "200"): "GetTransactionsResponse",
    ("listWallets", "200"): "ListWalletsResponse",
    ("createWallet", "201"): "CreateWalletResponse",
    ("getWallet", "200"): "GetWalletResponse",
    ("getWalletSummary", "200"): "GetWalletSummaryResponse",
    ("listBalances", "200"): "ListBalancesResponse",
    ("createBalance", "201"): "CreateBalanceResponse",
    ("getBalance", "200"): "GetBalanceResponse",
    ("debitWallet", "201"): "DebitWalletResponse",
    ("getHolds", "200"): "GetHoldsResponse",
    ("getHold", "200"): "GetHoldResponse",
}

# The status that goes with each error code.
CODE_STATUS = {
    "VALIDATION": {"400"},
    "INSUFFICIENT_FUND": {"400"},
    "HOLD_CLOSED": {"400"},
    "INTERNAL_ERROR": {"500"},
    "UNAUTHORIZED": {"401"},
    "FORBIDDEN": {"403"},
    "PAYLOAD_TOO_LARGE": {"413"},
}
UPSTREAM_CODES = ["VALIDATION", "INTERNAL_ERROR", "INSUFFICIENT_FUND", "HOLD_CLOSED"]
MOCK_CODES = ["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "METHOD_NOT_ALLOWED", "PAYLOAD_TOO_LARGE"]
# The operations whose 404 has no body: every 404 of the release.
BODILESS_404 = {"getWallet", "updateWallet", "getWalletSummary", "getBalance", "getHold", "confirmHold", "voidHold"}
# The operations that forward the request's Idempotency-Key to the ledger (and those that ignore it).
KEYED = {"updateWallet", "debitWallet", "creditWallet", "confirmHold", "voidHold"}
KEY_IGNORED = {"createWallet", "createBalance"}


def spec() -> dict[str, Any]:
    return load_spec(WALLETS_SPEC)


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
        if template.startswith("x-"):
            continue
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
                if "example" in resolved:
                    yield f"{where} param {resolved['name']}", f"{pointer}/schema", resolved["example"]
        for mime, media in op.get("requestBody", {}).get("content", {}).items():
            pointer = f"{base}/{method}/requestBody/content/{_escape(mime)}/schema"
            for name, value in _media_examples(media):
                yield f"{where} request {name}", pointer, value
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
    found = set(schema.get("properties", {}))
    for key in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(key, []):
            found |= property_names(part)
    return found


def test_spec_file_is_valid_openapi() -> None:
    validate(spec())


def test_connexion_accepts_the_spec() -> None:
    Specification.load(WALLETS_SPEC)


def test_the_package_exports_the_wallets_spec_path() -> None:
    import orchestration_spec

    assert orchestration_spec.WALLETS_SPEC.name == "wallets.v1.yaml"


def test_the_server_is_the_gateway_prefix() -> None:
    assert [s["url"] for s in spec()["servers"]] == ["http://127.0.0.1:55001/api/wallets"]


def test_operations_methods_paths_and_parameters_are_upstreams() -> None:
    found = set()
    for method, template, op in operations():
        names = {p["name"] for p in parameters(template, op)} - ADDED_PARAMETERS.get(op["operationId"], set())
        found.add((method, template, op["operationId"], frozenset(names)))
    assert found == UPSTREAM_OPERATIONS
    assert spec()["paths"]["x-speakeasy-errors"] == {"statusCodes": ["default"]}


@pytest.mark.parametrize("name", sorted(UPSTREAM_SCHEMAS))
def test_upstream_schema_names_and_properties_are_kept(name: str) -> None:
    schema = spec()["components"]["schemas"][name]
    assert UPSTREAM_SCHEMAS[name] <= property_names(schema)


def test_every_operation_declares_exactly_its_statuses() -> None:
    declared = {op["operationId"]: set(op["responses"]) - {"default"} for _, _, op in operations()}
    assert declared == STATUSES
    assert all("default" in op["responses"] for _, _, op in operations())


def test_success_statuses_are_the_ones_the_sdk_accepts() -> None:
    for _, _, op in operations():
        success = {s for s in op["responses"] if s.startswith("2")}
        operation_id = op["operationId"]
        assert success | ({"404"} & SDK_SUCCESS[operation_id]) == SDK_SUCCESS[operation_id], operation_id


def test_every_error_response_is_the_error_shape_or_has_no_body() -> None:
    for _, _, op in operations():
        for status, response in op["responses"].items():
            if status.startswith("2"):
                continue
            content = deref(response).get("content")
            if status == "404":
                assert content is None, f"{op['operationId']} 404 has a body"
                continue
            assert content is not None, f"{op['operationId']} {status}"
            schema = content["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorResponse"}, f"{op['operationId']} {status}"


def test_every_404_is_bodiless_as_the_release_writes_it() -> None:
    with_404 = {op["operationId"] for _, _, op in operations() if "404" in op["responses"]}
    assert with_404 == BODILESS_404


def test_error_examples_carry_a_code_of_their_status() -> None:
    for label, _pointer, value in EXAMPLES:
        status = label.split()[1]
        if isinstance(value, dict) and "errorCode" in value and status.isdigit():
            assert status in CODE_STATUS[value["errorCode"]], label


def test_error_codes_are_upstreams_then_the_mocks() -> None:
    enum = spec()["components"]["schemas"]["ErrorResponse"]["properties"]["errorCode"]["enum"]
    assert enum == UPSTREAM_CODES + MOCK_CODES


def test_the_sdk_decodes_every_upstream_code() -> None:
    from formance_sdk_python.models.wallets.errorresponse import ErrorCode

    assert {c.value for c in ErrorCode} == set(UPSTREAM_CODES)


def test_info_is_public_and_everything_else_needs_a_scope_by_method() -> None:
    for method, template, op in operations():
        if template == "/_info":
            assert op["security"] == []
            continue
        scope = "wallets:read" if method == "get" else "wallets:write"
        assert op["security"] == [{"Authorization": [scope]}, {"BearerAuth": []}], op["operationId"]


def test_oauth2_uses_the_gateway_token_url_and_the_two_wallets_scopes() -> None:
    flow = spec()["components"]["securitySchemes"]["Authorization"]["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == "/api/auth/oauth/token"
    assert set(flow["scopes"]) == {"wallets:read", "wallets:write"}


def test_writes_with_a_body_declare_413() -> None:
    for _, _, op in operations():
        assert ("requestBody" in op) == ("413" in op["responses"]), op["operationId"]


def test_idempotency_keys_say_whether_they_are_forwarded() -> None:
    for _, template, op in operations():
        keys = [p for p in parameters(template, op) if p["name"] == "Idempotency-Key"]
        operation_id = op["operationId"]
        if operation_id in KEYED:
            assert keys and all("Forwarded to the ledger" in p["description"] for p in keys), operation_id
        elif operation_id in KEY_IGNORED:
            assert keys and all("ignored" in p["description"] for p in keys), operation_id
        else:
            assert not keys, operation_id


def test_lists_take_page_size_and_cursor_and_answer_the_cursor_envelope() -> None:
    for _, template, op in operations():
        names = {p["name"] for p in parameters(template, op)}
        if "cursor" not in names:
            continue
        assert "pageSize" in names, op["operationId"]
        schema = deref(deref(op["responses"]["200"])["content"]["application/json"]["schema"])
        assert schema["required"] == ["cursor"], op["operationId"]


def test_amounts_are_integers_of_any_size() -> None:
    schemas = spec()["components"]["schemas"]
    for name, field in (("Monetary", "amount"), ("Posting", "amount"), ("Volume", "balance")):
        prop = schemas[name]["properties"][field]
        assert prop["type"] == "integer" and prop["format"] == "bigint" and "maximum" not in prop, name


def test_subjects_are_discriminated_by_type() -> None:
    schemas = spec()["components"]["schemas"]
    assert schemas["Subject"]["discriminator"]["propertyName"] == "type"
    assert schemas["LedgerAccountSubject"]["properties"]["type"]["enum"] == ["ACCOUNT"]
    assert schemas["WalletSubject"]["properties"]["type"]["enum"] == ["WALLET"]
    account = validator("#/components/schemas/Subject")
    assert account.is_valid({"type": "ACCOUNT", "identifier": "shop:42"})
    assert account.is_valid({"type": "WALLET", "identifier": "w", "balance": "main"})
    assert not account.is_valid({"type": "ACCOUNT", "identifier": "@shop"})
    assert not account.is_valid({"type": "BANK", "identifier": "x"})


def test_request_rules_the_release_checks_are_stated() -> None:
    debit = validator("#/components/schemas/DebitWalletRequest")
    money = {"asset": "USD/2", "amount": 1}
    assert debit.is_valid({"amount": money, "balances": ["*"]})
    assert not debit.is_valid({"amount": money, "balances": ["*", "main"]})
    assert not debit.is_valid({"amount": money, "pending": True, "timestamp": "2024-05-02T10:00:00Z"})
    assert debit.is_valid({"amount": money, "pending": False, "timestamp": "2024-05-02T10:00:00Z"})
    assert not debit.is_valid({"amount": {"asset": "usd", "amount": 1}})
    assert not debit.is_valid({"amount": {"asset": "USD/2", "amount": -1}})
    balance = validator("#/components/schemas/CreateBalanceRequest")
    assert balance.is_valid({"name": "a b"})  # the release's rule is not anchored
    assert not balance.is_valid({"name": "!!!"}) and not balance.is_valid({"name": "main"})


def test_every_request_body_and_response_with_content_has_an_example() -> None:
    for _method, _template, op in operations():
        for media in op.get("requestBody", {}).get("content", {}).values():
            assert "example" in media or media.get("examples"), f"{op['operationId']} request"
        for status, response in op["responses"].items():
            for media in deref(response).get("content", {}).values():
                if status != "default":
                    assert "example" in media or media.get("examples"), f"{op['operationId']} {status}"


@pytest.mark.parametrize(("label", "pointer", "value"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_every_declared_example_validates_against_its_schema(label: str, pointer: str, value: Any) -> None:
    errors = list(validator(pointer).iter_errors(value))
    assert not errors, f"{label}: {errors[0].message}"


@pytest.mark.parametrize(("key", "model"), sorted(SDK_MODELS.items()))
def test_the_sdk_decodes_every_success_example(key: tuple[str, str], model: str) -> None:
    operation_id, status = key
    module = importlib.import_module("formance_sdk_python.models.wallets")
    kind = getattr(module, model)
    _, _, op = operation(operation_id)
    media = deref(op["responses"][status])["content"]["application/json"]
    for _, value in _media_examples(media):
        kind.model_validate(value)


def test_the_sdk_decodes_every_error_example() -> None:
    from formance_sdk_python.models.wallets.errorresponse import ErrorResponseData

    for label, _, value in EXAMPLES:
        if isinstance(value, dict) and value.get("errorCode") in UPSTREAM_CODES:
            assert ErrorResponseData.model_validate(value).error_code.value == value["errorCode"], label


def test_every_operation_says_where_its_behaviour_comes_from() -> None:
    for _, _, op in operations():
        assert "formancehq/wallets v2.1.5 `pkg/" in op["description"], op["operationId"]


def test_the_document_states_the_service_conventions() -> None:
    text = spec()["info"]["description"]
    for needle in (
        "wallets:W:main",
        "wallets:holds:H",
        "wallets/custom_data_",
        "wallets/transaction",
        "--quirks real",
        "Idempotency-Key",
        "404 with no body",
    ):
        assert needle in text, needle
