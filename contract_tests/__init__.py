"""A contract-test suite for the Formance orchestration API (v1, v2) and the ledger v2 API: checks ANY
implementation at a base URL against the project's OpenAPI specs (Schemathesis generation, OpenAPI links,
and model-based state machines of its own).

from contract_tests import Config
from contract_tests import run
    report = run(Config(base_url="http://127.0.0.1:55001/api/orchestration", client_id="id", client_secret="s"))
    print(report.summary()); raise SystemExit(report.exit_code)

Exceptions (see `contract_tests.core.errors`):

    ContractError
     ├── CouldNotRun (ConfigError, ServerUnreachable, AuthError)   exit code 2
     └── Violation                                                  a check's finding, recorded as a Failure

Names are imported lazily: the pytest plugin imports this package in every pytest run of anyone who
installs it, and must stay cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = [
    "REGISTRY",
    "AuthError",
    "Check",
    "Config",
    "ConfigError",
    "ContractError",
    "CouldNotRun",
    "Failure",
    "Report",
    "ServerUnreachable",
    "Violation",
    "run",
]

_WHERE = {
    "Config": "contract_tests.core.config",
    "Report": "contract_tests.reports.report",
    "Failure": "contract_tests.core.results",
    "run": "contract_tests.runner",
    "Check": "contract_tests.checks.registry",
    "REGISTRY": "contract_tests.checks.registry",
    "AuthError": "contract_tests.core.errors",
    "ConfigError": "contract_tests.core.errors",
    "ContractError": "contract_tests.core.errors",
    "CouldNotRun": "contract_tests.core.errors",
    "ServerUnreachable": "contract_tests.core.errors",
    "Violation": "contract_tests.core.errors",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'contract_tests' has no attribute {name!r}")
    if name == "REGISTRY":
        return import_module("contract_tests.checks").load_all()
    return getattr(import_module(_WHERE[name]), name)
