"""The proxy's options, in one frozen dataclass (the CLI fills it; tests build it directly)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from contract_tests.core.errors import ConfigError
from contract_tests.core.versions import ORCHESTRATION_CHOICES

__all__ = ["DEFAULT_PORT", "ProxySettings"]

DEFAULT_PORT = 55002


@dataclass(frozen=True)
class ProxySettings:
    """`upstream` is the backend's origin (the proxy forwards paths as they come, `/api/...` included)."""

    upstream: str
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    api: str = "all"
    report: Path | None = None
    junit_xml: Path | None = None
    deviations: Path | None = None
    # Seconds to wait for the upstream's answer before answering 502.
    upstream_timeout: float = 30.0
    # Bodies are read whole (the checks need them); past this a request is refused with 413.
    max_body: int = 32 * 1024 * 1024

    def __post_init__(self) -> None:
        parts = urlsplit(self.upstream)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(f"--upstream must be an http(s) URL, got {self.upstream!r}")
        if not 0 <= self.port <= 65535:
            raise ConfigError(f"--port must be 0..65535, got {self.port}")
        if self.api not in ORCHESTRATION_CHOICES:  # the proxy's model is the orchestration API's
            raise ConfigError(f"--api must be one of {', '.join(ORCHESTRATION_CHOICES)}, got {self.api!r}")
        object.__setattr__(self, "upstream", self.upstream.rstrip("/"))

    @property
    def api_root(self) -> str:
        """Where the upstream serves the orchestration API, for the specs' base URL and the reports."""
        return self.upstream + "/api/orchestration"
