"""The named checks and their one registry. Imports transport, oracle, core.

Modules: request (what a client sent), response, shapes, model, pagination, links, related (views of one
resource that must agree).

Importing the package registers every check: `load_all()` is the complete registry.
"""

from __future__ import annotations

from contract_tests.checks import links, model, pagination, related, request, response, shapes
from contract_tests.checks.registry import REGISTRY, Check

__all__ = ["REGISTRY", "Check", "load_all"]

_MODULES = (links, model, pagination, related, request, response, shapes)  # imported for the checks they register


def load_all() -> dict[str, Check]:
    """The full registry, every check module imported."""
    return REGISTRY
