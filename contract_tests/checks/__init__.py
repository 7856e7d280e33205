"""The named checks and their one registry. Imports transport, oracle, core.

Modules: request (what a client sent), inputs (inputs reach outputs, look-alikes stay put), response, shapes,
model, pagination, links, related (views of one resource that must agree); the ledger's: ledger_response (one
answer), ledger_model (an answer against the ledger model), ledger_lists (walked lists, the log, the money);
the wallets': wallets_model (an answer against the wallets model and the ledger behind it); the webhooks':
webhooks_model (an answer against the configs model), webhooks_deliveries (what reached the run's receiver);
stack: what one service did, as another shows it (`--api all`).

Importing the package registers every check: `load_all()` is the complete registry.
"""

from __future__ import annotations

from contract_tests.checks import (
    inputs,
    ledger_lists,
    ledger_model,
    ledger_response,
    links,
    model,
    pagination,
    related,
    request,
    response,
    shapes,
    stack,
    wallets_model,
    webhooks_deliveries,
    webhooks_model,
)
from contract_tests.checks.registry import REGISTRY, Check

__all__ = ["REGISTRY", "Check", "load_all"]

# Imported for the checks they register.
_MODULES = (
    inputs,
    ledger_lists,
    ledger_model,
    ledger_response,
    links,
    model,
    pagination,
    related,
    request,
    response,
    shapes,
    stack,
    wallets_model,
    webhooks_deliveries,
    webhooks_model,
)


def load_all() -> dict[str, Check]:
    """The full registry, every check module imported."""
    return REGISTRY
