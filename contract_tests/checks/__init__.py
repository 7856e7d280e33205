"""The named checks and their one registry (response, shape, model, pagination, links). Imports transport, oracle, core.

Importing the package registers every check: `load_all()` is the complete registry.
"""

from __future__ import annotations

from contract_tests.checks import links, model, pagination, response, shapes
from contract_tests.checks.registry import REGISTRY, Check

__all__ = ["REGISTRY", "Check", "load_all"]

_MODULES = (links, model, pagination, response, shapes)  # imported for the checks they register


def load_all() -> dict[str, Check]:
    """The full registry, every check module imported."""
    return REGISTRY
