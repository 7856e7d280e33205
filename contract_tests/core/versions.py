"""The APIs the suite checks, and the one naming rule that lets one vocabulary speak every version.

Orchestration comes in two versions: the phases, checks and model name operations as v1 does
(`listWorkflows`); v2's operationIds are the same names with a `v2` prefix (`v2ListWorkflows`),
`testTrigger` aside. `canonical_name` maps any of them back, so a check written once applies to every
version. The ledger is a service of its own (`--api ledger`): its spec's operationIds carry the same
`v2` prefix (`v2CreateTransaction` -> `createTransaction`), its tokens other scopes, and its phases
their own vocabulary. So are the wallets (`--api wallets`), a client of the ledger, and the webhooks
(`--api webhooks`), whose deliveries the suite receives itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from contract_tests.core.errors import ConfigError

__all__ = [
    "APIS",
    "API_CHOICES",
    "LEDGER",
    "LIST_OPERATIONS",
    "ORCHESTRATION_CHOICES",
    "SERVICES",
    "STACK",
    "VERSIONS",
    "WALLETS",
    "WEBHOOKS",
    "ApiVersion",
    "Service",
    "canonical_name",
    "versions_for",
]

LIST_OPERATIONS = frozenset({"listWorkflows", "listInstances", "listTriggers", "listTriggersOccurrences"})
# The ledger's lists that honour `pageSize` and `cursor` (exporters and pipelines answer one page of
# everything, and a query run ignores the query string: their bodies are cursor-shaped, not paged).
LEDGER_LISTS = frozenset(
    {"listLedgers", "listTransactions", "listAccounts", "getVolumesWithBalances", "listLogs", "listSchemas"}
)
# The wallets' lists: every one takes `pageSize` and `cursor` (the ledger's cursors, passed through).
WALLETS_LISTS = frozenset({"listWallets", "listBalances", "getHolds", "getTransactions"})
_VERSION_PREFIX = re.compile(r"^v\d+(?=[A-Z])")


@dataclass(frozen=True)
class Service:
    """What differs between the stack's APIs before any operation is sent: scopes and the first probes."""

    name: str
    read_scope: str
    write_scope: str
    # Read without a token to see that the server answers (preflight).
    info_path: str
    # A secured read: 401 there without a token means the run needs one.
    probe_path: str


SERVICES: dict[str, Service] = {
    "orchestration": Service("orchestration", "orchestration:read", "orchestration:write", "/_info", "/workflows"),
    "ledger": Service("ledger", "ledger:read", "ledger:write", "/_/info", "/v2"),
    "wallets": Service("wallets", "wallets:read", "wallets:write", "/_info", "/wallets"),
    "webhooks": Service("webhooks", "webhooks:read", "webhooks:write", "/_info", "/configs"),
}


@dataclass(frozen=True)
class ApiVersion:
    name: str
    spec_file: str
    # Lists answer one cursor page at a time: {"cursor": {"pageSize", "hasMore", "next"?, "data"}}.
    paginated: bool
    service_name: str = "orchestration"
    lists: frozenset[str] = LIST_OPERATIONS

    @property
    def service(self) -> Service:
        return SERVICES[self.service_name]

    def spec_path(self) -> Path:
        """The installed spec, or the checkout's copy when the package is not installed yet."""
        try:
            from orchestration_spec import SPEC_DIR
        except ImportError:
            return Path(__file__).resolve().parent.parent.parent / "spec" / self.spec_file
        return Path(SPEC_DIR) / self.spec_file


# The orchestration versions (the input matrix and the validating proxy cover these).
VERSIONS: dict[str, ApiVersion] = {
    "v1": ApiVersion("v1", "orchestration.v1.yaml", paginated=False),
    "v2": ApiVersion("v2", "orchestration.v2.yaml", paginated=True),
}
LEDGER = ApiVersion("ledger", "ledger.v2.yaml", paginated=True, service_name="ledger", lists=LEDGER_LISTS)
WALLETS = ApiVersion("wallets", "wallets.v1.yaml", paginated=True, service_name="wallets", lists=WALLETS_LISTS)
# The webhooks' one list answers every config at once (no pagination).
WEBHOOKS = ApiVersion("webhooks", "webhooks.v1.yaml", paginated=False, service_name="webhooks", lists=frozenset())
APIS: dict[str, ApiVersion] = {**VERSIONS, "ledger": LEDGER, "wallets": WALLETS, "webhooks": WEBHOOKS}
ORCHESTRATION_CHOICES = ("v1", "v2", "all")
# `orchestration` is that API in both versions; `all` is the whole stack (`phases/stack_run.py`): orchestration
# in both versions, the ledger, the wallets, then the cross-service phase. Its versions are orchestration's.
# The ledger, the wallets and the webhooks each run on their own too.
STACK = "all"
API_CHOICES = ("v1", "v2", "orchestration", "ledger", "wallets", "webhooks", STACK)


def versions_for(choice: str) -> tuple[ApiVersion, ...]:
    if choice in ("orchestration", STACK):
        return tuple(VERSIONS.values())
    if choice not in APIS:
        raise ConfigError(f"--api must be one of {', '.join(API_CHOICES)}, got {choice!r}")
    return (APIS[choice],)


def canonical_name(operation_id: str) -> str:
    """`v2ListWorkflows` -> `listWorkflows`; a v1 id is its own name."""
    stripped = _VERSION_PREFIX.sub("", operation_id)
    return stripped[:1].lower() + stripped[1:] if stripped != operation_id else operation_id
