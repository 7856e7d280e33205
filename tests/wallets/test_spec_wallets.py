"""The wallets v1 spec is valid OpenAPI, keeps upstream's names, declares its errors, and its examples hold.

The expected operations, parameters and schema/property names are copied from the upstream description
(formancehq/wallets v2.1.5 ``openapi.yaml``); the success statuses from the official Python SDK 9.x
(``formance_sdk_python/wallets_v1.py``). They are hard-coded here so that the test depends on nothing
outside the repository but the SDK, which also decodes every success example.

``WALLETS`` is what the checks every service's spec passes (``tests/test_spec.py``) hold this one to;
the checks below are the wallets' alone.
"""

from __future__ import annotations

from spec import WALLETS_SPEC
from tests.spec_support import Service

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

# The SDK model that decodes each success body (formance_sdk_python.models.<module>.<class>).
SDK_MODELS = {
    ("getServerInfo", "200"): "wallets.ServerInfo",
    ("getTransactions", "200"): "wallets.GetTransactionsResponse",
    ("listWallets", "200"): "wallets.ListWalletsResponse",
    ("createWallet", "201"): "wallets.CreateWalletResponse",
    ("getWallet", "200"): "wallets.GetWalletResponse",
    ("getWalletSummary", "200"): "wallets.GetWalletSummaryResponse",
    ("listBalances", "200"): "wallets.ListBalancesResponse",
    ("createBalance", "201"): "wallets.CreateBalanceResponse",
    ("getBalance", "200"): "wallets.GetBalanceResponse",
    ("debitWallet", "201"): "wallets.DebitWalletResponse",
    ("getHolds", "200"): "wallets.GetHoldsResponse",
    ("getHold", "200"): "wallets.GetHoldResponse",
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
# The operations whose 404 has no body: every 404 of the release.
BODILESS_404 = {"getWallet", "updateWallet", "getWalletSummary", "getBalance", "getHold", "confirmHold", "voidHold"}
# The operations that forward the request's Idempotency-Key to the ledger (and those that ignore it).
KEYED = {"updateWallet", "debitWallet", "creditWallet", "confirmHold", "voidHold"}
KEY_IGNORED = {"createWallet", "createBalance"}

WALLETS = Service(
    WALLETS_SPEC,
    name="wallets",
    servers=("http://127.0.0.1:55001/api/wallets",),
    upstream_operations=UPSTREAM_OPERATIONS,
    # Parameters the release reads that upstream leaves out (CHANGES.md).
    added_parameters={"listBalances": {"pageSize", "cursor", "metadata"}},
    upstream_schemas=UPSTREAM_SCHEMAS,
    unexampled={"default"},
    public_prefix="/_info",
    scope="wallets",
    statuses=STATUSES,
    upstream_codes=UPSTREAM_CODES,
    mock_codes=["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "METHOD_NOT_ALLOWED", "PAYLOAD_TOO_LARGE"],
    error_enum="#/components/schemas/ErrorResponse/properties/errorCode",
    sdk_models=SDK_MODELS,
    source="formancehq/wallets v2.1.5 `pkg/",
    conventions=(
        *("wallets:W:main", "wallets:holds:H", "wallets/custom_data_", "wallets/transaction", "--quirks real"),
        *("Idempotency-Key", "404 with no body"),
    ),
)
EXAMPLES = list(WALLETS.examples())


def test_paths_declare_that_errors_are_the_default_response() -> None:
    assert WALLETS.document["paths"]["x-speakeasy-errors"] == {"statusCodes": ["default"]}


def test_success_statuses_are_the_ones_the_sdk_accepts() -> None:
    for _, _, op in WALLETS.operations():
        success = {s for s in op["responses"] if s.startswith("2")}
        operation_id = op["operationId"]
        assert success | ({"404"} & SDK_SUCCESS[operation_id]) == SDK_SUCCESS[operation_id], operation_id


def test_every_error_response_is_the_error_shape_or_has_no_body() -> None:
    for _, _, op in WALLETS.operations():
        for status, response in op["responses"].items():
            if status.startswith("2"):
                continue
            content = WALLETS.deref(response).get("content")
            if status == "404":
                assert content is None, f"{op['operationId']} 404 has a body"
                continue
            assert content is not None, f"{op['operationId']} {status}"
            schema = content["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorResponse"}, f"{op['operationId']} {status}"


def test_every_404_is_bodiless_as_the_release_writes_it() -> None:
    with_404 = {op["operationId"] for _, _, op in WALLETS.operations() if "404" in op["responses"]}
    assert with_404 == BODILESS_404


def test_error_examples_carry_a_code_of_their_status() -> None:
    for label, _pointer, value in EXAMPLES:
        status = label.split()[1]
        if isinstance(value, dict) and "errorCode" in value and status.isdigit():
            assert status in CODE_STATUS[value["errorCode"]], label


def test_the_sdk_decodes_every_upstream_code() -> None:
    from formance_sdk_python.models.wallets.errorresponse import ErrorCode

    assert {c.value for c in ErrorCode} == set(UPSTREAM_CODES)


def test_writes_with_a_body_declare_413() -> None:
    for _, _, op in WALLETS.operations():
        assert ("requestBody" in op) == ("413" in op["responses"]), op["operationId"]


def test_idempotency_keys_say_whether_they_are_forwarded() -> None:
    for _, template, op in WALLETS.operations():
        keys = [p for p in WALLETS.parameters(template, op) if p["name"] == "Idempotency-Key"]
        operation_id = op["operationId"]
        if operation_id in KEYED:
            assert keys and all("Forwarded to the ledger" in p["description"] for p in keys), operation_id
        elif operation_id in KEY_IGNORED:
            assert keys and all("ignored" in p["description"] for p in keys), operation_id
        else:
            assert not keys, operation_id


def test_lists_take_page_size_and_cursor_and_answer_the_cursor_envelope() -> None:
    for _, template, op in WALLETS.operations():
        names = {p["name"] for p in WALLETS.parameters(template, op)}
        if "cursor" not in names:
            continue
        assert "pageSize" in names, op["operationId"]
        schema = WALLETS.deref(WALLETS.deref(op["responses"]["200"])["content"]["application/json"]["schema"])
        assert schema["required"] == ["cursor"], op["operationId"]


def test_amounts_are_integers_of_any_size() -> None:
    schemas = WALLETS.document["components"]["schemas"]
    for name, field in (("Monetary", "amount"), ("Posting", "amount"), ("Volume", "balance")):
        prop = schemas[name]["properties"][field]
        assert prop["type"] == "integer" and prop["format"] == "bigint" and "maximum" not in prop, name


def test_subjects_are_discriminated_by_type() -> None:
    schemas = WALLETS.document["components"]["schemas"]
    assert schemas["Subject"]["discriminator"]["propertyName"] == "type"
    assert schemas["LedgerAccountSubject"]["properties"]["type"]["enum"] == ["ACCOUNT"]
    assert schemas["WalletSubject"]["properties"]["type"]["enum"] == ["WALLET"]
    account = WALLETS.validator("#/components/schemas/Subject")
    assert account.is_valid({"type": "ACCOUNT", "identifier": "shop:42"})
    assert account.is_valid({"type": "WALLET", "identifier": "w", "balance": "main"})
    assert account.is_valid({"type": "WALLET", "identifier": "w", "balance": None})  # main, as Go reads null
    assert not account.is_valid({"type": "ACCOUNT", "identifier": "@shop"})
    assert not account.is_valid({"type": "BANK", "identifier": "x"})


def test_request_rules_the_release_checks_are_stated() -> None:
    debit = WALLETS.validator("#/components/schemas/DebitWalletRequest")
    money = {"asset": "USD/2", "amount": 1}
    assert debit.is_valid({"amount": money, "balances": ["*"]})
    assert not debit.is_valid({"amount": money, "balances": ["*", "main"]})
    assert not debit.is_valid({"amount": money, "pending": True, "timestamp": "2024-05-02T10:00:00Z"})
    assert debit.is_valid({"amount": money, "pending": False, "timestamp": "2024-05-02T10:00:00Z"})
    assert not debit.is_valid({"amount": {"asset": "usd", "amount": 1}})
    assert not debit.is_valid({"amount": {"asset": "USD/2", "amount": -1}})
    balance = WALLETS.validator("#/components/schemas/CreateBalanceRequest")
    assert balance.is_valid({"name": "a b"})  # the release's rule is not anchored
    assert not balance.is_valid({"name": "!!!"}) and not balance.is_valid({"name": "main"})


def test_the_sdk_decodes_every_error_example() -> None:
    from formance_sdk_python.models.wallets.errorresponse import ErrorResponseData

    for label, _, value in EXAMPLES:
        if isinstance(value, dict) and value.get("errorCode") in UPSTREAM_CODES:
            assert ErrorResponseData.model_validate(value).error_code.value == value["errorCode"], label
