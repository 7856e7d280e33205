"""The one registry of named checks.

Several kinds, one shape (a small function that raises `Violation`):

* ``request`` checks take an `Exchange` and judge what a client sent (the validating proxy applies them);
* ``response`` checks take an `Exchange` and run on every answer the suite receives;
* ``scenario`` and ``model`` checks take keyword data (what the suite's own model expects and what the server
  said) and are applied by the invariants phase and the model state machine.

Each check may name the BEHAVIOR.md §10 invariant it enforces.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["REGISTRY", "Check", "check"]

Kind = Literal["request", "response", "scenario", "model", "auth", "stateful"]


@dataclass(frozen=True)
class Check:
    name: str
    kind: Kind
    description: str
    fn: Callable[..., None]
    invariants: tuple[int, ...] = ()
    # The API a check speaks of ("orchestration", "ledger"), or None for every API: a response check runs on the
    # answers of its API only.
    service: str | None = None


REGISTRY: dict[str, Check] = {}


def check(
    *, kind: Kind, invariants: tuple[int, ...] = (), name: str | None = None, service: str | None = None
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register a check under its function name; the docstring's first line is what it promises."""

    def register(fn: Callable[..., None]) -> Callable[..., None]:
        check_name = name or fn.__name__
        if check_name in REGISTRY:
            raise ValueError(f"check {check_name!r} registered twice")
        description = (fn.__doc__ or check_name).strip().splitlines()[0]
        REGISTRY[check_name] = Check(check_name, kind, description, fn, invariants, service)
        return fn

    return register


def describe(name: str) -> dict[str, Any]:
    entry = REGISTRY[name]
    return {"name": entry.name, "kind": entry.kind, "description": entry.description, "invariants": entry.invariants}
