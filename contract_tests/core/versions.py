"""The API versions the suite checks, and the one naming rule that lets one vocabulary speak both.

The phases, checks and model name operations as v1 does (`listWorkflows`); v2's operationIds are the
same names with a `v2` prefix (`v2ListWorkflows`), `testTrigger` aside. `canonical_name` maps any of
them back, so a check written once applies to every version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from contract_tests.core.errors import ConfigError

__all__ = ["API_CHOICES", "LIST_OPERATIONS", "VERSIONS", "ApiVersion", "canonical_name", "versions_for"]

LIST_OPERATIONS = frozenset({"listWorkflows", "listInstances", "listTriggers", "listTriggersOccurrences"})
_VERSION_PREFIX = re.compile(r"^v\d+(?=[A-Z])")


@dataclass(frozen=True)
class ApiVersion:
    name: str
    spec_file: str
    # v2 lists answer one cursor page at a time: {"cursor": {"pageSize", "hasMore", "next"?, "data"}}.
    paginated: bool

    def spec_path(self) -> Path:
        """The installed spec, or the checkout's copy when the package is not installed yet."""
        try:
            from orchestration_spec import SPEC_DIR
        except ImportError:
            return Path(__file__).resolve().parent.parent.parent / "spec" / self.spec_file
        return Path(SPEC_DIR) / self.spec_file


VERSIONS: dict[str, ApiVersion] = {
    "v1": ApiVersion("v1", "orchestration.v1.yaml", paginated=False),
    "v2": ApiVersion("v2", "orchestration.v2.yaml", paginated=True),
}
API_CHOICES = ("v1", "v2", "all")


def versions_for(choice: str) -> tuple[ApiVersion, ...]:
    if choice == "all":
        return tuple(VERSIONS.values())
    if choice not in VERSIONS:
        raise ConfigError(f"--api must be one of {', '.join(API_CHOICES)}, got {choice!r}")
    return (VERSIONS[choice],)


def canonical_name(operation_id: str) -> str:
    """`v2ListWorkflows` -> `listWorkflows`; a v1 id is its own name."""
    stripped = _VERSION_PREFIX.sub("", operation_id)
    return stripped[:1].lower() + stripped[1:] if stripped != operation_id else operation_id
