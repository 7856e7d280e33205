"""Every operation a client can reach: the 17 of v1, the 18 of v2, the 17 of the control API, the token endpoint.

Each one names its path parameters, query parameters and the kind of body it takes, which
is all the hostile-input generator needs to aim at it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

API = "/api/orchestration"
CONTROL = "/_mock"


@dataclass(frozen=True, slots=True)
class Operation:
    name: str
    method: str
    path: str  # a template: {param} per path parameter
    body: str | None = None  # the body kind (see hostile.valid_bodies), None when it takes none
    query: tuple[str, ...] = ()

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(re.findall(r"{(\w+)}", self.path))

    @property
    def api(self) -> str:
        if self.path.startswith(CONTROL):
            return "control"
        if self.path.startswith("/api/ledger"):
            return "ledger"  # see ledger_operations.py
        return "auth" if self.path.startswith("/api/auth") else "orchestration"


ORCHESTRATION = (
    Operation("getServerInfo", "GET", "/_info"),
    Operation("listWorkflows", "GET", "/workflows"),
    Operation("createWorkflow", "POST", "/workflows", body="workflow"),
    Operation("getWorkflow", "GET", "/workflows/{flowId}"),
    Operation("deleteWorkflow", "DELETE", "/workflows/{flowId}"),
    Operation("runWorkflow", "POST", "/workflows/{workflowID}/instances", body="variables", query=("wait",)),
    Operation("listInstances", "GET", "/instances", query=("workflowID", "running")),
    Operation("getInstance", "GET", "/instances/{instanceID}"),
    Operation("sendEvent", "POST", "/instances/{instanceID}/events", body="event"),
    Operation("cancelEvent", "PUT", "/instances/{instanceID}/abort"),
    Operation("getInstanceHistory", "GET", "/instances/{instanceID}/history"),
    Operation("getInstanceStageHistory", "GET", "/instances/{instanceID}/stages/{number}/history"),
    Operation("listTriggers", "GET", "/triggers", query=("name",)),
    Operation("createTrigger", "POST", "/triggers", body="trigger"),
    Operation("readTrigger", "GET", "/triggers/{triggerID}"),
    Operation("deleteTrigger", "DELETE", "/triggers/{triggerID}"),
    Operation("listTriggersOccurrences", "GET", "/triggers/{triggerID}/occurrences"),
)


def _v2(op: Operation) -> Operation:
    """v2 has every v1 operation under /v2 (operationId prefixed), its lists taking cursor pages."""
    name = "v2" + op.name[0].upper() + op.name[1:]
    query = (*op.query, "pageSize", "cursor") if op.name.startswith("list") else op.query
    return Operation(name, op.method, "/v2" + op.path, op.body, query)


V2 = (
    *(_v2(op) for op in ORCHESTRATION),
    Operation("testTrigger", "POST", "/v2/triggers/{triggerID}/test", body="payload"),
)

REQUEST_FILTERS = ("limit", "operationId", "method", "path", "status", "since")
CONTROL_OPERATIONS = (
    Operation("reset", "POST", CONTROL + "/reset"),
    Operation("get_state", "GET", CONTROL + "/state"),
    Operation("publish_event", "POST", CONTROL + "/events", body="bus_event"),
    Operation("list_events", "GET", CONTROL + "/events", query=("type", "instanceID")),
    Operation("get_clock", "GET", CONTROL + "/clock"),
    Operation("advance_clock", "POST", CONTROL + "/clock/advance", body="advance"),
    Operation(
        "list_requests",
        "GET",
        CONTROL + "/requests",
        query=("limit", "operationId", "method", "path", "status", "since"),
    ),
    Operation("list_faults", "GET", CONTROL + "/faults"),
    Operation("add_fault", "POST", CONTROL + "/faults", body="fault_rule"),
    Operation("clear_faults", "DELETE", CONTROL + "/faults"),
    Operation("remove_fault", "DELETE", CONTROL + "/faults/{id}"),
    Operation("load_fixtures", "POST", CONTROL + "/fixtures", body="fixture"),
    Operation("get_account", "GET", CONTROL + "/ledgers/{ledger}/accounts/{address}"),
    Operation("fund_account", "POST", CONTROL + "/ledgers/{ledger}/accounts/{address}/fund", body="fund"),
    Operation("list_transactions", "GET", CONTROL + "/ledgers/{ledger}/transactions"),
    Operation("list_wallets", "GET", CONTROL + "/wallets"),
    Operation("list_payments", "GET", CONTROL + "/payments"),
)

TOKEN = Operation("issueToken", "POST", "/api/auth/oauth/token", body="token_form")

ALL = (*ORCHESTRATION, *V2, *CONTROL_OPERATIONS, TOKEN)
BY_NAME = {op.name: op for op in ALL}
