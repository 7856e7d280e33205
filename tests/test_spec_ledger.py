"""The ledger v2 spec is valid OpenAPI, keeps upstream's names, declares its errors, and its examples hold.

The expected operations, parameters and schema/property names are copied from the upstream description
(formancehq/ledger v2.4.6 ``openapi/v2.yaml``); the success statuses from the official Python SDK 9.x
(``formance_sdk_python/ledger_v2.py``). They are hard-coded here so that the test depends on nothing
outside the repository but the SDK, which also decodes every success example.

``LEDGER`` is what the checks every service's spec passes (``tests/test_spec.py``) hold this one to;
the checks below are the ledger's alone.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from spec import LEDGER_SPEC
from tests.spec_support import Service

# (method, path, operationId, parameter names) of the 45 upstream operations.
UPSTREAM_OPERATIONS = {
    ("get", "/_/info", "v2GetInfo", frozenset()),
    ("get", "/_/metrics", "getMetrics", frozenset()),
    ("get", "/v2", "v2ListLedgers", frozenset({"pageSize", "cursor", "includeDeleted", "sort"})),
    ("get", "/v2/{ledger}", "v2GetLedger", frozenset({"ledger"})),
    ("post", "/v2/{ledger}", "v2CreateLedger", frozenset({"ledger"})),
    ("post", "/v2/{ledger}/schemas/{version}", "v2InsertSchema", frozenset({"ledger", "version", "Idempotency-Key"})),
    ("get", "/v2/{ledger}/schemas/{version}", "v2GetSchema", frozenset({"ledger", "version"})),
    ("get", "/v2/{ledger}/schemas", "v2ListSchemas", frozenset({"ledger", "cursor", "pageSize", "sort", "order"})),
    ("put", "/v2/{ledger}/metadata", "v2UpdateLedgerMetadata", frozenset({"ledger"})),
    ("delete", "/v2/{ledger}/metadata/{key}", "v2DeleteLedgerMetadata", frozenset({"ledger", "key"})),
    ("get", "/v2/{ledger}/_info", "v2GetLedgerInfo", frozenset({"ledger"})),
    (
        "post",
        "/v2/{ledger}/_bulk",
        "v2CreateBulk",
        frozenset({"ledger", "continueOnFailure", "atomic", "parallel", "schemaVersion"}),
    ),
    ("head", "/v2/{ledger}/accounts", "v2CountAccounts", frozenset({"ledger", "pit"})),
    (
        "get",
        "/v2/{ledger}/accounts",
        "v2ListAccounts",
        frozenset({"ledger", "pageSize", "cursor", "expand", "pit", "sort"}),
    ),
    ("get", "/v2/{ledger}/accounts/{address}", "v2GetAccount", frozenset({"ledger", "address", "expand", "pit"})),
    (
        "post",
        "/v2/{ledger}/accounts/{address}/metadata",
        "v2AddMetadataToAccount",
        frozenset({"ledger", "address", "dryRun", "Idempotency-Key", "schemaVersion"}),
    ),
    (
        "delete",
        "/v2/{ledger}/accounts/{address}/metadata/{key}",
        "v2DeleteAccountMetadata",
        frozenset({"ledger", "address", "key", "Idempotency-Key"}),
    ),
    ("get", "/v2/{ledger}/stats", "v2ReadStats", frozenset({"ledger"})),
    ("head", "/v2/{ledger}/transactions", "v2CountTransactions", frozenset({"ledger", "pit"})),
    (
        "get",
        "/v2/{ledger}/transactions",
        "v2ListTransactions",
        frozenset({"ledger", "pageSize", "cursor", "expand", "pit", "order", "reverse", "sort"}),
    ),
    (
        "post",
        "/v2/{ledger}/transactions",
        "v2CreateTransaction",
        frozenset({"ledger", "dryRun", "Idempotency-Key", "force", "schemaVersion"}),
    ),
    ("get", "/v2/{ledger}/transactions/{id}", "v2GetTransaction", frozenset({"ledger", "id", "expand", "pit"})),
    (
        "post",
        "/v2/{ledger}/transactions/{id}/metadata",
        "v2AddMetadataOnTransaction",
        frozenset({"ledger", "id", "dryRun", "Idempotency-Key", "schemaVersion"}),
    ),
    (
        "delete",
        "/v2/{ledger}/transactions/{id}/metadata/{key}",
        "v2DeleteTransactionMetadata",
        frozenset({"ledger", "id", "key", "Idempotency-Key"}),
    ),
    (
        "post",
        "/v2/{ledger}/transactions/{id}/revert",
        "v2RevertTransaction",
        frozenset({"ledger", "id", "force", "atEffectiveDate", "dryRun", "schemaVersion", "Idempotency-Key"}),
    ),
    (
        "get",
        "/v2/{ledger}/aggregate/balances",
        "v2GetBalancesAggregated",
        frozenset({"ledger", "pit", "useInsertionDate"}),
    ),
    (
        "get",
        "/v2/{ledger}/volumes",
        "v2GetVolumesWithBalances",
        frozenset({"pageSize", "cursor", "ledger", "endTime", "startTime", "insertionDate", "groupBy", "sort"}),
    ),
    ("get", "/v2/{ledger}/logs", "v2ListLogs", frozenset({"ledger", "pageSize", "cursor", "pit", "sort"})),
    ("post", "/v2/{ledger}/logs/import", "v2ImportLogs", frozenset({"ledger"})),
    ("post", "/v2/{ledger}/logs/export", "v2ExportLogs", frozenset({"ledger"})),
    (
        "post",
        "/v2/{ledger}/queries/{id}/run",
        "v2RunQuery",
        frozenset({"ledger", "schemaVersion", "id", "pageSize", "cursor", "expand", "pit", "order", "reverse", "sort"}),
    ),
    ("get", "/v2/_/exporters", "v2ListExporters", frozenset()),
    ("post", "/v2/_/exporters", "v2CreateExporter", frozenset()),
    ("get", "/v2/_/exporters/{exporterID}", "v2GetExporterState", frozenset({"exporterID"})),
    ("put", "/v2/_/exporters/{exporterID}", "v2UpdateExporter", frozenset({"exporterID"})),
    ("delete", "/v2/_/exporters/{exporterID}", "v2DeleteExporter", frozenset({"exporterID"})),
    ("delete", "/v2/_/buckets/{bucket}", "v2DeleteBucket", frozenset({"bucket"})),
    ("post", "/v2/_/buckets/{bucket}/restore", "v2RestoreBucket", frozenset({"bucket"})),
    ("get", "/v2/{ledger}/pipelines", "v2ListPipelines", frozenset({"ledger"})),
    ("post", "/v2/{ledger}/pipelines", "v2CreatePipeline", frozenset({"ledger"})),
    ("get", "/v2/{ledger}/pipelines/{pipelineID}", "v2GetPipelineState", frozenset({"ledger", "pipelineID"})),
    ("delete", "/v2/{ledger}/pipelines/{pipelineID}", "v2DeletePipeline", frozenset({"ledger", "pipelineID"})),
    ("post", "/v2/{ledger}/pipelines/{pipelineID}/reset", "v2ResetPipeline", frozenset({"ledger", "pipelineID"})),
    ("post", "/v2/{ledger}/pipelines/{pipelineID}/start", "v2StartPipeline", frozenset({"ledger", "pipelineID"})),
    ("post", "/v2/{ledger}/pipelines/{pipelineID}/stop", "v2StopPipeline", frozenset({"ledger", "pipelineID"})),
}

# Every upstream components/schemas name, with the property names upstream gives it (directly or through allOf).
UPSTREAM_SCHEMAS: dict[str, set[str]] = {
    "V2ExportersCursorResponse": {"cursor"},
    "V2PipelinesCursorResponse": {"cursor"},
    "V2AccountsCursorResponse": {"cursor", "resource"},
    "V2TransactionsCursorResponse": {"cursor", "resource"},
    "V2LogsCursorResponse": {"cursor", "resource"},
    "V2AccountResponse": {"data"},
    "V2AggregateBalancesResponse": {"data"},
    "V2VolumesWithBalanceCursorResponse": {"cursor", "resource"},
    "V2VolumesWithBalance": {"account", "asset", "balance", "input", "output"},
    "V2Metadata": set(),
    "V2ConfigInfo": {"experimentalFeatures", "server", "version"},
    "V2Account": {"address", "effectiveVolumes", "firstUsage", "insertionDate", "metadata", "updatedAt", "volumes"},
    "V2AssetsBalances": set(),
    "V2Posting": {"amount", "asset", "destination", "source"},
    "V2Transaction": {
        *("id", "insertedAt", "metadata", "postCommitEffectiveVolumes", "postCommitVolumes", "postings"),
        *("preCommitEffectiveVolumes", "preCommitVolumes", "reference", "reverted", "revertedAt", "template"),
        *("timestamp", "updatedAt"),
    },
    "V2PostTransaction": {
        *("accountMetadata", "force", "metadata", "postings", "reference", "runtime", "script", "timestamp")
    },
    "V2Stats": {"accounts", "transactions"},
    "V2Log": {"data", "date", "hash", "id", "schemaVersion", "type"},
    "V2LogTransaction": {
        *("id", "insertedAt", "metadata", "postCommitEffectiveVolumes", "postCommitVolumes", "postings"),
        *("preCommitEffectiveVolumes", "preCommitVolumes", "reference", "reverted", "revertedAt", "template"),
        *("timestamp", "updatedAt"),
    },
    "V2LogDataNewTransaction": {"accountMetadata", "transaction"},
    "V2LogDataSetMetadata": {"metadata", "targetId", "targetType"},
    "V2LogDataRevertedTransaction": {"revertedTransaction", "transaction"},
    "V2LogDataDeleteMetadata": {"key", "targetId", "targetType"},
    "V2LogDataInsertedSchema": {"schema"},
    "V2CreateTransactionResponse": {"data"},
    "V2RevertTransactionResponse": {"data"},
    "V2GetTransactionResponse": {"data"},
    "V2StatsResponse": {"data"},
    "V2ConfigInfoResponse": {"experimentalFeatures", "server", "version"},
    "V2Volume": {"balance", "input", "output"},
    "V2Volumes": set(),
    "V2AggregatedVolumes": set(),
    "V2ErrorResponse": {"details", "errorCode", "errorMessage"},
    "V2ErrorsEnum": set(),
    "V2LedgerInfoResponse": {"data"},
    "V2LedgerInfo": {"name", "storage"},
    "V2MigrationInfo": {"date", "name", "state", "version"},
    "V2Bulk": set(),
    "V2BaseBulkElement": {"action", "ik"},
    "V2BulkElement": set(),
    "V2BulkElementCreateTransaction": {"action", "data", "ik"},
    "V2TargetId": set(),
    "V2TargetType": set(),
    "V2BulkElementAddMetadata": {"action", "data", "ik"},
    "V2BulkElementRevertTransaction": {"action", "data", "ik"},
    "V2BulkElementDeleteMetadata": {"action", "data", "ik"},
    "V2BulkResponse": {"data", "errorCode", "errorMessage"},
    "V2BulkElementResult": set(),
    "V2BaseBulkElementResult": {"logID", "responseType"},
    "V2BulkElementResultCreateTransaction": {"data", "logID", "responseType"},
    "V2BulkElementResultAddMetadata": {"logID", "responseType"},
    "V2BulkElementResultRevertTransaction": {"data", "logID", "responseType"},
    "V2BulkElementResultDeleteMetadata": {"logID", "responseType"},
    "V2BulkElementResultError": {"errorCode", "errorDescription", "logID", "responseType"},
    "V2ChartAccountRules": set(),
    "V2ChartAccountMetadata": {"default"},
    "V2ChartSegment": {".metadata", ".pattern", ".rules", ".self"},
    "V2ChartOfAccounts": set(),
    "Runtime": set(),
    "V2TransactionTemplate": {"description", "runtime", "script"},
    "V2TransactionTemplates": set(),
    "V2QueryTemplateVar": {"default", "type"},
    "V2QueryResource": set(),
    "V2QueryParams": {"expand", "pageSize", "sort", "resource", "insertionDate", "groupBy"},
    "V2QueryTemplate": {"body", "description", "params", "resource", "vars"},
    "V2QueryTemplates": set(),
    "V2SchemaData": {"chart", "queries", "transactions"},
    "V2Schema": {"chart", "createdAt", "queries", "transactions", "version"},
    "V2SchemaResponse": {"data"},
    "V2SchemasCursorResponse": {"cursor"},
    "V2SchemasCursor": {"data", "hasMore", "next", "pageSize", "previous"},
    "V2CreateLedgerRequest": {"bucket", "features", "metadata"},
    "V2Ledger": {"addedAt", "bucket", "deletedAt", "features", "id", "metadata", "name"},
    "V2LedgerListResponse": {"cursor"},
    "V2UpdateLedgerMetadataRequest": set(),
    "V2GetLedgerResponse": {"data"},
    "V2ImportLogsRequest": set(),
    "V2RevertTransactionRequest": {"metadata"},
    "V2CreatePipelineRequest": {"exporterID"},
    "V2CreateExporterRequest": {"config", "driver"},
    "V2UpdateExporterRequest": {"config", "driver"},
    "V2PipelineConfiguration": {"exporterID", "ledger"},
    "V2ExporterConfiguration": {"config", "driver"},
    "V2Exporter": {"config", "createdAt", "driver", "id"},
    "V2Pipeline": {"createdAt", "enabled", "exporterID", "id", "lastLogID", "ledger"},
}

# Upstream properties this document drops on purpose (each is in CHANGES.md): the service never sends or accepts them.
DROPPED_PROPERTIES = {
    "V2BulkElementResultError": {"errorDetails"},  # never sent by v2.4.6
    "V2QueryParams": {"cursor", "pit"},  # refused in a template (400 unknown field); `endTime` is the pit
    "V2ImportLogsRequest": {"file"},  # the body is the raw stream (application/octet-stream), not an object
}

# Every status each operation declares (besides `default`): the success statuses the SDK accepts, plus the errors.
STATUSES = {
    "v2GetInfo": {"200"},
    "getMetrics": {"200"},
    "v2ListLedgers": {"200", "400", "401", "403", "413"},
    "v2GetLedger": {"200", "401", "403", "404"},
    "v2CreateLedger": {"204", "400", "401", "403", "413"},
    "v2InsertSchema": {"204", "400", "401", "403", "404", "409", "413"},
    "v2GetSchema": {"200", "400", "401", "403", "404"},
    "v2ListSchemas": {"200", "400", "401", "403", "404"},
    "v2UpdateLedgerMetadata": {"204", "400", "401", "403", "413"},
    "v2DeleteLedgerMetadata": {"204", "401", "403"},
    "v2GetLedgerInfo": {"200", "401", "403", "404"},
    "v2CreateBulk": {"200", "400", "401", "403", "404", "412", "413"},
    "v2CountAccounts": {"204", "400", "401", "403", "404", "413"},
    "v2ListAccounts": {"200", "400", "401", "403", "404", "413"},
    "v2GetAccount": {"200", "400", "401", "403", "404"},
    "v2AddMetadataToAccount": {"204", "400", "401", "403", "404", "413"},
    "v2DeleteAccountMetadata": {"204", "400", "401", "403", "404"},
    "v2ReadStats": {"200", "400", "401", "403", "404"},
    "v2CountTransactions": {"204", "400", "401", "403", "404", "413"},
    "v2ListTransactions": {"200", "400", "401", "403", "404", "413"},
    "v2CreateTransaction": {"200", "400", "401", "403", "404", "409", "413"},
    "v2GetTransaction": {"200", "400", "401", "403", "404"},
    "v2AddMetadataOnTransaction": {"204", "400", "401", "403", "404", "413"},
    "v2DeleteTransactionMetadata": {"204", "400", "401", "403", "404"},
    "v2RevertTransaction": {"201", "400", "401", "403", "404", "413"},
    "v2GetBalancesAggregated": {"200", "400", "401", "403", "404", "413"},
    "v2GetVolumesWithBalances": {"200", "400", "401", "403", "404", "413"},
    "v2ListLogs": {"200", "400", "401", "403", "404", "413"},
    "v2ImportLogs": {"204", "400", "401", "403", "404", "413"},
    "v2ExportLogs": {"200", "400", "401", "403", "404"},
    "v2RunQuery": {"200", "400", "401", "403", "404", "413"},
    "v2ListExporters": {"200", "401", "403"},
    "v2CreateExporter": {"201", "400", "401", "403", "413"},
    "v2GetExporterState": {"200", "401", "403", "404"},
    "v2UpdateExporter": {"204", "400", "401", "403", "404", "413"},
    "v2DeleteExporter": {"204", "401", "403", "404"},
    "v2DeleteBucket": {"204", "401", "403"},
    "v2RestoreBucket": {"204", "401", "403"},
    "v2ListPipelines": {"200", "400", "401", "403", "404"},
    "v2CreatePipeline": {"201", "400", "401", "403", "404", "413"},
    "v2GetPipelineState": {"200", "400", "401", "403", "404"},
    "v2DeletePipeline": {"204", "400", "401", "403", "404"},
    "v2ResetPipeline": {"202", "400", "401", "403", "404"},
    "v2StartPipeline": {"202", "400", "401", "403", "404"},
    "v2StopPipeline": {"202", "400", "401", "403", "404"},
}

# The statuses the official Python SDK 9.x treats as success (`is_error_status_code`), minus upstream's 5XX and the
# bucket 404 the service never sends.
SDK_SUCCESS = {
    "v2AddMetadataOnTransaction": {"204"},
    "v2AddMetadataToAccount": {"204"},
    "v2CountAccounts": {"204"},
    "v2CountTransactions": {"204"},
    "v2CreateBulk": {"200", "400"},
    "v2CreateExporter": {"201"},
    "v2CreateLedger": {"204"},
    "v2CreatePipeline": {"201"},
    "v2CreateTransaction": {"200"},
    "v2DeleteAccountMetadata": {"204"},
    "v2DeleteBucket": {"204"},
    "v2DeleteExporter": {"204"},
    "v2DeleteLedgerMetadata": {"204"},
    "v2DeletePipeline": {"204"},
    "v2DeleteTransactionMetadata": {"204"},
    "v2ExportLogs": {"200"},
    "v2GetAccount": {"200"},
    "v2GetBalancesAggregated": {"200"},
    "v2GetExporterState": {"200"},
    "v2GetInfo": {"200"},
    "v2GetLedger": {"200"},
    "v2GetLedgerInfo": {"200"},
    "getMetrics": {"200"},
    "v2GetPipelineState": {"200"},
    "v2GetSchema": {"200"},
    "v2GetTransaction": {"200"},
    "v2GetVolumesWithBalances": {"200"},
    "v2ImportLogs": {"204"},
    "v2InsertSchema": {"204"},
    "v2ListAccounts": {"200"},
    "v2ListExporters": {"200"},
    "v2ListLedgers": {"200"},
    "v2ListLogs": {"200"},
    "v2ListPipelines": {"200"},
    "v2ListSchemas": {"200"},
    "v2ListTransactions": {"200"},
    "v2ReadStats": {"200"},
    "v2ResetPipeline": {"202"},
    "v2RestoreBucket": {"204"},
    "v2RevertTransaction": {"201"},
    "v2RunQuery": {"200"},
    "v2StartPipeline": {"202"},
    "v2StopPipeline": {"202"},
    "v2UpdateExporter": {"204"},
    "v2UpdateLedgerMetadata": {"204"},
}

# The SDK model that decodes each success body (formance_sdk_python.models.<module>.<class>).
SDK_MODELS = {
    ("v2GetInfo", "200"): "ledger.V2ConfigInfo",
    ("v2ListLedgers", "200"): "ledger.V2LedgerListResponse",
    ("v2GetLedger", "200"): "ledger.V2GetLedgerResponse",
    ("v2GetLedgerInfo", "200"): "ledger.V2LedgerInfoResponse",
    ("v2ReadStats", "200"): "ledger.V2StatsResponse",
    ("v2GetSchema", "200"): "ledger.V2SchemaResponse",
    ("v2ListSchemas", "200"): "ledger.V2SchemasCursorResponse",
    ("v2CreateBulk", "200"): "ledger.V2BulkResponse",
    ("v2CreateBulk", "400"): "ledger.V2BulkResponse",
    ("v2ListAccounts", "200"): "ledger.V2AccountsCursorResponse",
    ("v2GetAccount", "200"): "ledger.V2AccountResponse",
    ("v2ListTransactions", "200"): "ledger.V2TransactionsCursorResponse",
    ("v2CreateTransaction", "200"): "ledger.V2CreateTransactionResponse",
    ("v2GetTransaction", "200"): "ledger.V2GetTransactionResponse",
    ("v2RevertTransaction", "201"): "ledger.V2CreateTransactionResponse",
    ("v2GetBalancesAggregated", "200"): "ledger.V2AggregateBalancesResponse",
    ("v2GetVolumesWithBalances", "200"): "ledger.V2VolumesWithBalanceCursorResponse",
    ("v2ListLogs", "200"): "ledger.V2LogsCursorResponse",
    ("v2RunQuery", "200"): "operations.V2RunQueryResponseBody",
    ("v2ListExporters", "200"): "ledger.V2ExportersCursorResponse",
    ("v2CreateExporter", "201"): "ledger.V2CreateExporterResponse",
    ("v2GetExporterState", "200"): "ledger.V2GetExporterStateResponse",
    ("v2ListPipelines", "200"): "ledger.V2PipelinesCursorResponse",
    ("v2CreatePipeline", "201"): "ledger.V2CreatePipelineResponse",
    ("v2GetPipelineState", "200"): "ledger.V2GetPipelineStateResponse",
}

# The cursor-paginated lists: response schema, item schema, sort parameter.
LISTS = {
    "v2ListLedgers": ("V2LedgerListResponse", "V2Ledger", "SortLedgers"),
    "v2ListTransactions": ("V2TransactionsCursorResponse", "V2Transaction", "SortTransactions"),
    "v2ListAccounts": ("V2AccountsCursorResponse", "V2Account", "SortAccounts"),
    "v2ListLogs": ("V2LogsCursorResponse", "V2Log", "SortLogs"),
    "v2GetVolumesWithBalances": ("V2VolumesWithBalanceCursorResponse", "V2VolumesWithBalance", "SortVolumes"),
}

# GET/HEAD operations that read a filter body, and its schema.
FILTERS = {
    "v2ListLedgers": "V2LedgersFilter",
    "v2ListTransactions": "V2TransactionsFilter",
    "v2CountTransactions": "V2TransactionsFilter",
    "v2ListAccounts": "V2AccountsFilter",
    "v2CountAccounts": "V2AccountsFilter",
    "v2GetBalancesAggregated": "V2AggregatedBalancesFilter",
    "v2GetVolumesWithBalances": "V2VolumesFilter",
    "v2ListLogs": "V2LogsFilter",
}

# The single-object writes: they take an Idempotency-Key and mark replays with Idempotency-Hit.
IDEMPOTENT_WRITES = {
    "v2CreateTransaction": "200",
    "v2RevertTransaction": "201",
    "v2AddMetadataOnTransaction": "204",
    "v2DeleteTransactionMetadata": "204",
    "v2AddMetadataToAccount": "204",
    "v2DeleteAccountMetadata": "204",
    "v2InsertSchema": "204",
}

# Routes under /v2/{ledger} that the ledger resolver does not guard (no LEDGER_NOT_FOUND).
OUTSIDE_RESOLVER = {"v2GetLedger", "v2CreateLedger", "v2UpdateLedgerMetadata", "v2DeleteLedgerMetadata"}

# The status that goes with each error code (the document's description states the same table).
CODE_STATUS = {
    "VALIDATION": {"400", "412"},
    "NO_POSTINGS": {"400"},
    "INSUFFICIENT_FUND": {"400"},
    "COMPILATION_FAILED": {"400"},
    "METADATA_OVERRIDE": {"400"},
    "ALREADY_REVERT": {"400"},
    "IMPORT": {"400"},
    "INTERPRETER_PARSE": {"400"},
    "INTERPRETER_RUNTIME": {"400"},
    "LEDGER_ALREADY_EXISTS": {"400"},
    "SCHEMA_NOT_SPECIFIED": {"400"},
    "OUTDATED_SCHEMA": {"400"},
    "NOT_FOUND": {"404"},
    "LEDGER_NOT_FOUND": {"404"},
    "CONFLICT": {"409"},
    "SCHEMA_ALREADY_EXISTS": {"409"},
    "BULK_SIZE_EXCEEDED": {"413"},
    "PAYLOAD_TOO_LARGE": {"413"},
    "UNAUTHORIZED": {"401"},
    "FORBIDDEN": {"403"},
}

LEDGER_CODES = [
    *("INTERNAL", "INSUFFICIENT_FUND", "VALIDATION", "CONFLICT", "COMPILATION_FAILED", "METADATA_OVERRIDE"),
    *("NOT_FOUND", "REVERT_OCCURRING", "ALREADY_REVERT", "NO_POSTINGS", "LEDGER_NOT_FOUND", "IMPORT", "TIMEOUT"),
    *("BULK_SIZE_EXCEEDED", "INTERPRETER_PARSE", "INTERPRETER_RUNTIME", "LEDGER_ALREADY_EXISTS"),
    *("SCHEMA_ALREADY_EXISTS", "SCHEMA_NOT_SPECIFIED", "OUTDATED_SCHEMA"),
]
MOCK_CODES = ["UNAUTHORIZED", "FORBIDDEN", "METHOD_NOT_ALLOWED", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE"]

ADDRESS = "^[a-zA-Z0-9_-]+(:[a-zA-Z0-9_-]+)*$"
ASSET = "^[A-Z][A-Z0-9]{0,16}(_[A-Z]{1,16})?(/\\d{1,6})?$"
NAME = "^[0-9a-zA-Z_-]{1,63}$"

LEDGER = Service(
    LEDGER_SPEC,
    name="ledger",
    servers=("http://127.0.0.1:55001/api/ledger", "http://127.0.0.1:55001"),
    paths_under=("/_/", "/v2"),
    upstream_operations=UPSTREAM_OPERATIONS,
    upstream_schemas=UPSTREAM_SCHEMAS,
    dropped_properties=DROPPED_PROPERTIES,
    example_kinds={"param", "request", "200", "201", "400", "401", "403", "404", "409", "412", "413"}
    | {"schema", "header", "default"},
    public_prefix="/_/",
    scope="ledger",
    statuses=STATUSES,
    error_schema="#/components/schemas/V2ErrorResponse",
    code_status=CODE_STATUS,
    non_error_responses={("v2CreateBulk", "400")},  # the bulk's results, as on 200
    upstream_codes=LEDGER_CODES,
    mock_codes=MOCK_CODES,
    error_enum="#/components/schemas/V2ErrorsEnum",
    sdk_models=SDK_MODELS,
    sdk_error_model="ledger.ErrorsV2ErrorResponseData",
    sdk_error_codes={"VALIDATION", "NOT_FOUND", "LEDGER_NOT_FOUND", "CONFLICT", "INSUFFICIENT_FUND"},
    source="(formancehq/ledger v2.4.6 `",
    conventions=(
        *("spec mode", "`Idempotency-Hit: true`", "first of a fresh ledger is 1", "microsecond"),
        *("JSON integers of any size", "LEDGER_NOT_FOUND", "bus events", "--experimental-exporters"),
        "401 with an empty body",
    ),
)
EXAMPLES = list(LEDGER.examples())


# ----------------------------------------------------------------------------- upstream names


def test_speakeasy_names_are_upstreams() -> None:
    for _, _, op in LEDGER.operations():
        operation_id = op["operationId"]
        expected = operation_id.removeprefix("v2")
        assert op["x-speakeasy-name-override"] == expected[0].upper() + expected[1:], operation_id


def test_every_object_schema_declares_its_type() -> None:
    """Upstream left `type: object` out of several schemas (V2SchemaResponse, V2PipelineConfiguration, ...)."""
    for label, schema in LEDGER.all_schemas():
        if {"properties", "additionalProperties", "required", "minProperties", "maxProperties"} & set(schema):
            if "type" not in schema:
                assert label.endswith("/allOf/1") or ("/allOf/" in label and "required" in schema), label
                continue
            assert schema["type"] == "object", label


# ----------------------------------------------------------------------------- statuses and errors


def test_success_statuses_are_the_ones_the_sdk_accepts() -> None:
    for _, _, op in LEDGER.operations():
        success = {s for s in op["responses"] if s.startswith("2")}
        if op["operationId"] == "v2CreateBulk":
            success.add("400")  # the SDK reads bulk 400s as V2BulkResponse, as declared
        assert success == SDK_SUCCESS[op["operationId"]], op["operationId"]


def test_error_examples_carry_a_declared_code() -> None:
    for _, template, op in LEDGER.operations():
        for status, response in op["responses"].items():
            if status.startswith("2") or "content" not in LEDGER.deref(response):
                continue
            codes = LEDGER.fixed_error_codes(response) or LEDGER_CODES + MOCK_CODES
            for name, value in LEDGER.media_examples(LEDGER.deref(response)["content"]["application/json"]):
                if "errorCode" in value:
                    assert value["errorCode"] in codes, f"{template} {status} {name}"


def test_the_sdk_decodes_every_ledger_code_and_only_those() -> None:
    from formance_sdk_python.models.ledger import V2ErrorsEnum

    assert [code.value for code in V2ErrorsEnum] == LEDGER_CODES


@pytest.mark.parametrize(("status", "code"), [("401", "UNAUTHORIZED"), ("403", "FORBIDDEN")])
def test_every_secured_operation_declares_401_and_403(status: str, code: str) -> None:
    for method, template, op in LEDGER.operations():
        if op.get("security") == []:
            assert status not in op["responses"]
            continue
        response = op["responses"][status]
        if method == "head":
            assert "content" not in response
        else:
            assert LEDGER.fixed_error_codes(response) == [code], f"{method} {template}"


def test_every_route_behind_the_ledger_resolver_answers_ledger_not_found() -> None:
    for method, template, op in LEDGER.operations():
        if not template.startswith("/v2/{ledger}") or op["operationId"] in OUTSIDE_RESOLVER:
            continue
        response = op["responses"]["404"]
        if method == "head":
            assert "LEDGER_NOT_FOUND" in response["description"]
        else:
            assert "LEDGER_NOT_FOUND" in LEDGER.fixed_error_codes(response), f"{method} {template}"


def test_ledger_routes_outside_the_resolver() -> None:
    assert LEDGER.fixed_error_codes(LEDGER.operation("v2GetLedger")[2]["responses"]["404"]) == ["NOT_FOUND"]
    for operation_id in ("v2UpdateLedgerMetadata", "v2DeleteLedgerMetadata", "v2CreateLedger"):
        assert "404" not in LEDGER.operation(operation_id)[2]["responses"]


@pytest.mark.parametrize(
    ("operation_id", "status", "codes"),
    [
        (
            "v2CreateTransaction",
            "400",
            {
                *("VALIDATION", "NO_POSTINGS", "INSUFFICIENT_FUND", "COMPILATION_FAILED", "METADATA_OVERRIDE"),
                *("INTERPRETER_PARSE", "INTERPRETER_RUNTIME", "SCHEMA_NOT_SPECIFIED", "OUTDATED_SCHEMA"),
            },
        ),
        ("v2CreateTransaction", "404", {"LEDGER_NOT_FOUND", "NOT_FOUND"}),
        ("v2CreateTransaction", "409", {"CONFLICT"}),
        (
            "v2RevertTransaction",
            "400",
            {"VALIDATION", "ALREADY_REVERT", "INSUFFICIENT_FUND", "SCHEMA_NOT_SPECIFIED", "OUTDATED_SCHEMA"},
        ),
        ("v2RevertTransaction", "404", {"LEDGER_NOT_FOUND", "NOT_FOUND"}),
        ("v2GetTransaction", "404", {"LEDGER_NOT_FOUND", "NOT_FOUND"}),
        ("v2GetAccount", "404", {"LEDGER_NOT_FOUND", "NOT_FOUND"}),
        ("v2DeleteTransactionMetadata", "404", {"LEDGER_NOT_FOUND", "NOT_FOUND"}),
        ("v2DeleteAccountMetadata", "404", {"LEDGER_NOT_FOUND"}),
        ("v2CreateLedger", "400", {"VALIDATION", "LEDGER_ALREADY_EXISTS", "OUTDATED_SCHEMA"}),
        ("v2InsertSchema", "409", {"SCHEMA_ALREADY_EXISTS"}),
        ("v2ImportLogs", "400", {"IMPORT", "OUTDATED_SCHEMA"}),
        ("v2CreateBulk", "412", {"VALIDATION"}),
        ("v2CreateBulk", "413", {"BULK_SIZE_EXCEEDED", "PAYLOAD_TOO_LARGE"}),
        ("v2StopPipeline", "404", {"LEDGER_NOT_FOUND", "NOT_FOUND"}),
    ],
)
def test_operations_answer_their_real_error_codes(operation_id: str, status: str, codes: set[str]) -> None:
    _, _, op = LEDGER.operation(operation_id)
    assert set(LEDGER.fixed_error_codes(op["responses"][status])) == codes


def test_operations_with_a_body_declare_413() -> None:
    for method, template, op in LEDGER.operations():
        if "requestBody" not in op:
            continue
        response = op["responses"]["413"]
        if method == "head":
            assert "PAYLOAD_TOO_LARGE" in response["description"]
        else:
            assert "PAYLOAD_TOO_LARGE" in LEDGER.fixed_error_codes(response), f"{method} {template}"


def test_bulk_answers_results_or_a_whole_body_error_on_400() -> None:
    _, _, op = LEDGER.operation("v2CreateBulk")
    for status in ("200", "400"):
        schema = op["responses"][status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/V2BulkResponse"}
    check = LEDGER.schema_validator("V2BulkResponse")
    assert check.is_valid({"data": []})
    assert check.is_valid({"errorCode": "VALIDATION", "errorMessage": "EOF"})
    assert not check.is_valid({})
    assert not check.is_valid({"data": [{"responseType": "ERROR", "logID": 0, "errorCode": "X"}]})
    error = {"responseType": "ERROR", "logID": 0, "errorCode": "INTERNAL", "errorDescription": "context canceled"}
    assert check.is_valid({"data": [error]})
    result_error = LEDGER.document["components"]["schemas"]["V2BulkElementResultError"]
    assert "errorDetails" not in LEDGER.property_names(result_error)
    ok = {"responseType": "ADD_METADATA", "logID": 7}
    assert check.is_valid({"data": [ok, {**error, "logID": 0}]})
    assert not check.is_valid({"data": [{**ok, "responseType": "CREATE_TRANSACTION"}]})  # no data


def test_idempotent_writes_take_the_key_and_mark_replays() -> None:
    for operation_id, status in IDEMPOTENT_WRITES.items():
        _, template, op = LEDGER.operation(operation_id)
        names = {p["name"]: p for p in LEDGER.parameters(template, op)}
        assert names["Idempotency-Key"]["in"] == "header", operation_id
        assert names["Idempotency-Key"]["schema"]["maxLength"] == 255
        header = LEDGER.deref(op["responses"][status]["headers"]["Idempotency-Hit"])
        assert header["schema"]["enum"] == ["true"], operation_id
    idempotent = {op["operationId"] for _, _, op in LEDGER.operations() if "Idempotency-Hit" in str(op["responses"])}
    assert idempotent == set(IDEMPOTENT_WRITES)


def test_counts_answer_204_with_the_count_header() -> None:
    for operation_id in ("v2CountAccounts", "v2CountTransactions"):
        method, _, op = LEDGER.operation(operation_id)
        assert method == "head"
        response = op["responses"]["204"]
        assert "content" not in response
        count = LEDGER.deref(response["headers"]["Count"])
        assert count["schema"]["type"] == "integer" and count["schema"]["minimum"] == 0


def test_statuses_that_upstream_got_wrong() -> None:
    assert "200" in LEDGER.operation("v2CreateTransaction")[2]["responses"]
    assert "201" in LEDGER.operation("v2RevertTransaction")[2]["responses"]
    assert "204" in LEDGER.operation("v2CreateLedger")[2]["responses"]
    export = LEDGER.operation("v2ExportLogs")[2]["responses"]
    assert set(export["200"]["content"]) == {"application/octet-stream"}
    assert set(LEDGER.deref(export["default"])["content"]) == {"application/json"}
    for operation_id in ("v2DeleteBucket", "v2RestoreBucket"):
        assert "404" not in LEDGER.operation(operation_id)[2]["responses"]
        assert "Always 204" in LEDGER.operation(operation_id)[2]["description"]


# ----------------------------------------------------------------------------- pagination and filters


@pytest.mark.parametrize("operation_id", [*sorted(LISTS), "v2ListSchemas"])
def test_lists_take_cursor_and_page_size(operation_id: str) -> None:
    _, _, op = LEDGER.operation(operation_id)
    refs = {p.get("$ref") for p in op.get("parameters", [])}
    assert {"#/components/parameters/PageSize", "#/components/parameters/Cursor"} <= refs
    page_size = LEDGER.deref({"$ref": "#/components/parameters/PageSize"})
    schema = page_size["schema"]
    assert (schema["minimum"], schema["maximum"], schema["default"]) == (0, 4294967295, 15)
    assert "15" in page_size["description"] and "clamped to 100" in page_size["description"]
    cursor = LEDGER.deref({"$ref": "#/components/parameters/Cursor"})
    assert "ignored, except `pageSize`" in cursor["description"]


@pytest.mark.parametrize("operation_id", sorted(LISTS))
def test_lists_answer_the_cursor_envelope_and_sort_on_real_columns(operation_id: str) -> None:
    _, _, op = LEDGER.operation(operation_id)
    schema_name, item, sort = LISTS[operation_id]
    ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == f"#/components/schemas/{schema_name}"
    cursor = LEDGER.deref({"$ref": ref})["properties"]["cursor"]
    assert set(cursor["required"]) == {"pageSize", "hasMore", "data"}
    assert LEDGER.deref(cursor["properties"]["pageSize"])["maximum"] == 100
    assert cursor["properties"]["data"]["items"] == {"$ref": f"#/components/schemas/{item}"}
    assert {"$ref": f"#/components/parameters/{sort}"} in op["parameters"]
    pages = [value["cursor"] for _, value in LEDGER.response_examples(operation_id, "200")]
    assert pages and all(page["data"] for page in pages)
    for page in pages:
        assert page["hasMore"] == ("next" in page)
        for token in (page.get("next"), page.get("previous")):
            if token:
                decoded = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
                assert decoded["pageSize"] == page["pageSize"] and "filters" in decoded


def test_default_orders_are_stated() -> None:
    assert "ascending `id` order" in LEDGER.operation("v2ListLedgers")[2]["description"]
    assert "descending `id`" in LEDGER.operation("v2ListTransactions")[2]["description"]
    assert "**ascending** `address` order" in LEDGER.operation("v2ListAccounts")[2]["description"]
    assert "newest first (descending `id`" in LEDGER.operation("v2ListLogs")[2]["description"]
    assert "ascending `account` order" in LEDGER.operation("v2GetVolumesWithBalances")[2]["description"]


@pytest.mark.parametrize(("operation_id", "name"), sorted(FILTERS.items()))
def test_lists_and_counts_take_an_optional_filter_body(operation_id: str, name: str) -> None:
    _, _, op = LEDGER.operation(operation_id)
    body = op["requestBody"]
    assert body["required"] is False
    assert body["content"]["application/json"]["schema"] == {"$ref": f"#/components/schemas/{name}"}
    check = LEDGER.schema_validator(name)
    assert check.is_valid({})
    assert check.is_valid(None)
    assert not check.is_valid({"$match": {}})
    assert not check.is_valid({"$and": [{}]})
    assert not check.is_valid({"$nope": {"a": "b"}})
    assert not check.is_valid({"$not": {"$not": {}}})


@pytest.mark.parametrize(
    ("name", "good", "bad"),
    [
        (
            "V2TransactionsFilter",
            [
                {"$match": {"account": "users:"}},
                {"$in": {"source": ["world", "users:001"]}},
                {"$and": [{"$match": {"metadata[order]": "ord-1042"}}, {"$gte": {"id": 1}}]},
                {"$match": {"reverted": True}},
                {"$exists": {"metadata": "order"}},
            ],
            [
                {"$in": {"account": ["users:"]}},
                {"$gt": {"reference": "a"}},
                {"$match": {"reverted": "true"}},
                {"$match": {"id": 1.5}},
                {"$match": {"account": "a", "source": "b"}},
            ],
        ),
        (
            "V2AccountsFilter",
            [{"$gt": {"balance[USD/2]": 0}}, {"$not": {"$match": {"address": "world"}}}],
            [{"$exists": {"balance": 1}}, {"$gt": {"balance[USD/2]": "0"}}, {"$lt": {"address": "a"}}],
        ),
        ("V2LogsFilter", [{"$match": {"type": "NEW_TRANSACTION"}}], [{"$in": {"type": ["SET_METADATA"]}}]),
        ("V2LedgersFilter", [{"$like": {"name": "ledger%"}}], [{"$in": {"name": ["a"]}}, {"$match": {"id": 1}}]),
        ("V2AggregatedBalancesFilter", [{"$match": {"address": "users:"}}], [{"$gt": {"balance[USD]": 0}}]),
        ("V2VolumesFilter", [{"$match": {"account": "users::main"}}], [{"$match": {"account": "a b"}}]),
    ],
)
def test_filter_schemas_follow_the_resource_fields(name: str, good: list[Any], bad: list[Any]) -> None:
    check = LEDGER.schema_validator(name)
    for value in good:
        assert check.is_valid(value), value
    for value in bad:
        assert not check.is_valid(value), value


# ----------------------------------------------------------------------------- values


def test_amounts_and_volumes_are_integers_of_any_size() -> None:
    schemas = LEDGER.document["components"]["schemas"]
    amounts = [
        schemas["V2Posting"]["properties"]["amount"],
        *schemas["V2Volume"]["properties"].values(),
        *(schemas["V2VolumesWithBalance"]["properties"][k] for k in ("input", "output", "balance")),
        schemas["V2AssetsBalances"]["additionalProperties"],
    ]
    for amount in amounts:
        assert amount["type"] == "integer" and "format" not in amount and "maximum" not in amount
    huge = 10**40
    assert LEDGER.schema_validator("V2Volume").is_valid({"input": huge, "output": 0, "balance": huge})


def test_addresses_assets_and_names_are_constrained() -> None:
    schemas = LEDGER.document["components"]["schemas"]
    posting = schemas["V2Posting"]["properties"]
    assert posting["source"]["pattern"] == posting["destination"]["pattern"] == ADDRESS
    assert posting["asset"]["pattern"] == ASSET == schemas["V2VolumesWithBalance"]["properties"]["asset"]["pattern"]
    assert schemas["V2Ledger"]["properties"]["name"]["pattern"] == NAME
    assert LEDGER.deref({"$ref": "#/components/parameters/LedgerName"})["schema"]["pattern"] == NAME
    check = LEDGER.schema_validator("V2Posting")
    base = {"source": "world", "destination": "users:001", "amount": 0, "asset": "USD/2"}
    assert check.is_valid(base)
    for key, value in [("source", "a:"), ("destination", "bob;x"), ("asset", "usd"), ("asset", "USD/"), ("amount", -1)]:
        assert not check.is_valid({**base, key: value}), (key, value)
    for asset in ("USD", "EUR_COL/12", "USD123", "EUR/00"):
        assert check.is_valid({**base, "asset": asset})


def test_requests_refused_with_a_specific_code_stay_schema_valid() -> None:
    """An empty postings list is NO_POSTINGS, not VALIDATION; bulk elements fail one by one, not the whole bulk."""
    post = LEDGER.schema_validator("V2PostTransaction")
    assert post.is_valid({"postings": []})
    assert post.is_valid({"postings": [{"source": "world", "destination": "a", "amount": 1, "asset": "USD"}]})
    assert "metadata" not in LEDGER.document["components"]["schemas"]["V2PostTransaction"].get("required", [])
    bulk = LEDGER.schema_validator("V2Bulk")
    loose = {"postings": [{"source": "a:", "destination": "", "amount": -5, "asset": "usd"}]}
    assert bulk.is_valid([{"action": "CREATE_TRANSACTION", "data": loose}])
    assert bulk.is_valid([{"action": "REVERT_TRANSACTION", "data": {}}])
    assert bulk.is_valid([{"action": "ADD_METADATA", "data": {"targetType": "NOPE", "targetId": {}}}])
    assert not bulk.is_valid([{"action": "TELEPORT", "data": {}}])
    assert not bulk.is_valid([{"action": "CREATE_TRANSACTION"}])
    assert not bulk.is_valid([{"action": "CREATE_TRANSACTION", "data": {"postings": [{"amount": "1"}]}}])
    assert "maxItems" not in LEDGER.document["components"]["schemas"]["V2Bulk"]


def test_log_hashes_are_base64_and_the_example_chain_recomputes() -> None:
    log = LEDGER.document["components"]["schemas"]["V2Log"]
    assert log["properties"]["hash"]["pattern"] == "^[A-Za-z0-9+/]{43}=$"
    assert "base64" in log["properties"]["hash"]["description"]
    [(_, page)] = [e for e in LEDGER.response_examples("v2ListLogs", "200") if e[0] == "allLogs"]
    logs = sorted(page["cursor"]["data"], key=lambda entry: entry["id"])
    assert [entry["id"] for entry in logs] == [1, 2, 3, 4, 5]
    previous = None
    for entry in logs:
        assert len(entry["hash"]) == 44
        assert entry["hash"] == _log_hash(previous, entry), f"log {entry['id']}"
        previous = entry["hash"]
    example = log["example"]
    assert example["hash"] == _log_hash(logs[-1]["hash"], example)


def _go_json(value: Any) -> str:
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _memento(entry: dict[str, Any]) -> dict[str, Any]:
    def resume(tx: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"postings": tx["postings"], "metadata": dict(sorted(tx["metadata"].items()))}
        out["timestamp"] = tx["timestamp"]
        if tx.get("reference"):
            out["reference"] = tx["reference"]
        return {**out, "id": tx["id"], "reverted": False}

    data = entry["data"]
    if entry["type"] == "NEW_TRANSACTION":
        return {"transaction": resume(data["transaction"]), "accountMetadata": data["accountMetadata"]}
    if entry["type"] == "REVERTED_TRANSACTION":
        return {"revertedTransactionID": data["revertedTransaction"]["id"], "transaction": resume(data["transaction"])}
    return data


def _log_hash(previous: str | None, entry: dict[str, Any]) -> str:
    body = (
        f'{{"type":"{entry["type"]}","data":{_go_json(_memento(entry))},"date":"{entry["date"]}",'
        f'"idempotencyKey":"{entry["idempotencyKey"]}","id":0,"hash":null}}'
    )
    payload = (f'"{previous}"\n' if previous else "") + body + "\n"
    return base64.b64encode(hashlib.sha256(payload.encode()).digest()).decode()


def test_the_revert_marks_the_original_id_and_ids_start_at_one() -> None:
    [(_, created), *_] = LEDGER.response_examples("v2CreateTransaction", "200")
    assert created["data"]["id"] == 1
    [(_, revert)] = LEDGER.response_examples("v2RevertTransaction", "201")
    assert revert["data"]["metadata"]["com.formance.spec/state/reverts"] == "2"
    assert "com.formance.spec/state/reverts" in LEDGER.operation("v2RevertTransaction")[2]["description"]


def test_examples_volumes_add_up() -> None:
    for label, _, value in EXAMPLES:
        for volume in _volumes(value):
            assert volume["balance"] == volume["input"] - volume["output"], label


def _volumes(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if {"input", "output", "balance"} <= set(node):
            yield node
        for value in node.values():
            yield from _volumes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _volumes(value)


def test_time_fields_are_date_times() -> None:
    for label, schema in LEDGER.all_schemas():
        for name, prop in schema.get("properties", {}).items():
            if name.endswith(("At", "Date", "Usage")) or name in {"date", "timestamp", "endTime", "startTime"}:
                if LEDGER.deref(prop).get("type") == "boolean":  # atEffectiveDate, insertionDate (flags)
                    continue
                assert LEDGER.deref(prop).get("format") == "date-time", f"{label}/properties/{name}"


def test_example_dates_are_utc_microsecond_rfc3339() -> None:
    pattern = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{0,5}[1-9])?Z$")

    def dates(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, str) and (key.endswith(("At", "Date", "Usage")) or key in {"date", "timestamp"}):
                    yield value
                yield from dates(value)
        elif isinstance(node, list):
            for value in node:
                yield from dates(value)

    for label, _, value in EXAMPLES:
        for date in dates(value):
            assert pattern.match(date), f"{label}: {date}"


# ----------------------------------------------------------------------------- links and tools


def test_links_target_existing_operations_and_parameters() -> None:
    links = list(LEDGER.links())
    assert {source for source, *_ in links} == {
        *("v2CreateTransaction", "v2RevertTransaction", "v2CreateExporter", "v2CreatePipeline")
    }
    for source, status, name, link, response in links:
        _, template, target = LEDGER.operation(link["operationId"])
        names = {p["name"] for p in LEDGER.parameters(template, target)}
        path_names = {p["name"] for p in LEDGER.parameters(template, target) if p["in"] == "path"}
        assert path_names <= set(link["parameters"]), f"{source}.{name} misses a path parameter"
        for key, expression in link["parameters"].items():
            assert key in names, f"{source}.{name}: {key}"
            if expression.startswith("$request.path."):
                _, source_template, _ = LEDGER.operation(source)
                assert "{" + expression.removeprefix("$request.path.") + "}" in source_template
            else:
                pointer = expression.removeprefix("$response.body#")
                for label, value in LEDGER.media_examples(response["content"]["application/json"]):
                    node: Any = value
                    for part in pointer.strip("/").split("/"):
                        node = node[part]
                    assert node is not None, f"{source} {status} {label}"


def test_optional_bodies_default_to_an_empty_object() -> None:
    """Connexion refuses an absent body unless the schema has a default (as for orchestration's runWorkflow)."""
    for method, template, op in LEDGER.operations():
        body = op.get("requestBody")
        if body and not body.get("required", False):
            schema = LEDGER.deref(body["content"]["application/json"]["schema"])
            assert schema.get("default") == {}, f"{method} {template}"


def test_schemathesis_generates_a_request_for_every_operation() -> None:
    import schemathesis
    from hypothesis import HealthCheck, given, settings

    generated = []
    for result in schemathesis.openapi.from_dict(yaml.safe_load(LEDGER_SPEC.read_text())).get_all_operations():
        op = result.ok()

        @given(op.as_strategy())
        @settings(
            max_examples=1, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
        )
        def generate(case: Any) -> None:
            generated.append(case.operation.label)

        generate()
    assert len(set(generated)) == 45
