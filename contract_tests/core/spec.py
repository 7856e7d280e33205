"""The contract: the project's OpenAPI description, loaded once for Schemathesis and for our own checks."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import schemathesis
import yaml
from schemathesis.core.result import Ok
from schemathesis.schemas import APIOperation, BaseSchema

__all__ = ["Operation", "Spec", "load_spec", "spec_path"]


def spec_path() -> Path:
    """The installed spec, or the checkout's copy when the package is not installed yet."""
    try:
        from orchestration_spec import ORCHESTRATION_SPEC
    except ImportError:
        return Path(__file__).resolve().parent.parent / "spec" / "orchestration.v1.yaml"
    return Path(ORCHESTRATION_SPEC)


@dataclass(frozen=True)
class Operation:
    """One operation of the spec, with what our checks need to know about it."""

    operation_id: str
    method: str
    path: str
    success: int
    documented: frozenset[int]
    secured: bool
    has_body: bool
    st: APIOperation

    @property
    def is_write(self) -> bool:
        return self.method not in ("GET", "HEAD", "OPTIONS")

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"


class Spec:
    """The raw document, the Schemathesis schema built from it, and the operations by operationId."""

    def __init__(self, path: Path, base_url: str) -> None:
        self.path = path
        self.raw: dict[str, Any] = yaml.safe_load(path.read_text())
        # An explicit, empty config: a vendor's own schemathesis.toml must not change what the contract means.
        self.schema: BaseSchema = schemathesis.openapi.from_path(path, config=schemathesis.Config())
        self.schema.config.update(base_url=base_url)
        self.operations: dict[str, Operation] = {}
        for result in self.schema.get_all_operations():
            if not isinstance(result, Ok):
                continue
            op = result.ok()
            definition = self.raw["paths"][op.path][op.method.lower()]
            codes = frozenset(int(code) for code in definition["responses"] if code.isdigit())
            success = min(code for code in codes if 200 <= code < 300)
            self.operations[definition["operationId"]] = Operation(
                operation_id=definition["operationId"],
                method=op.method.upper(),
                path=op.path,
                success=success,
                documented=codes,
                secured=bool(definition.get("security", self.raw.get("security", []))),
                has_body="requestBody" in definition,
                st=op,
            )

    def __getitem__(self, operation_id: str) -> Operation:
        return self.operations[operation_id]

    def for_label(self, label: str) -> Operation | None:
        return next((op for op in self.operations.values() if op.label == label), None)


@cache
def load_spec(base_url: str, path: Path | None = None) -> Spec:
    return Spec(path or spec_path(), base_url)
