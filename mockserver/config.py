"""Every option of the mock in one frozen dataclass; the CLI only fills it in."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_PORT = 55001
GATEWAY_PREFIX = "/api/orchestration"
V2_PREFIX = "/v2"  # orchestration v2 beside v1, at the root and under GATEWAY_PREFIX
CONTROL_PREFIX = "/_mock"
UI_PREFIX = CONTROL_PREFIX + "/ui"
TOKEN_PATH = "/api/auth/oauth/token"


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    fixtures: tuple[Path, ...] = ()
    quirks: str = "spec"
    seed: int | None = None
    clock: str = "real"
    auth: bool = True
    token_lifetime: int = 3600
    clients: dict[str, str] = field(default_factory=dict)
    issuer: str = "http://127.0.0.1:55001/api/auth"
    max_body_bytes: int = 1024 * 1024
    wait_timeout: float = 10.0
    journal_size: int = 1000
    access_log: bool = True
    control: bool = True
    control_token: str | None = None
    cors_origins: tuple[str, ...] = ()
    state_file: Path | None = None
    state_interval: float = 5.0
    signing_key: Path | None = None
    # Delay of every API answer, drawn in [min, max] milliseconds (seeded by `seed`); None: no delay.
    latency_ms: tuple[int, int] | None = None
    # "client": one isolated state per OAuth client id (see state/tenants.py); "off": one state.
    tenancy: str = "off"
    tenant_ttl: float = 3600.0
    # The ledger's default Numscript engine: "machine" (ledger v2.4.6's default) or "interpreter".
    numscript_engine: str = "machine"
    # The ledger's --schema-enforcement-mode: "audit" (v2.4.6's default: chart violations and a
    # missing schemaVersion are not errors) or "strict" (they are, as in the release's e2e tests).
    schema_enforcement: str = "audit"
    # Webhooks: the hosts deliveries may go to besides loopback (host name patterns or IP
    # networks), the delivery timeout, and the release's retry delays (1 min, 1 h, 30 days).
    webhook_hosts: tuple[str, ...] = ()
    webhook_timeout: float = 30.0
    webhook_min_backoff: float = 60.0
    webhook_max_backoff: float = 3600.0
    webhook_abort_after: float = 30 * 24 * 3600.0
    # The ledger the wallets service keeps its wallets in (formancehq/wallets' --ledger flag).
    wallets_ledger: str = "wallets-002"

    def __post_init__(self) -> None:
        if self.quirks not in ("spec", "real"):
            raise ValueError(f"unknown quirks mode {self.quirks!r}: expected 'spec' or 'real'")
        if self.clock not in ("real", "manual"):
            raise ValueError(f"unknown clock {self.clock!r}: expected 'real' or 'manual'")
        if self.state_interval <= 0:
            raise ValueError("the state interval must be a positive number of seconds")
        if self.token_lifetime <= 0:
            raise ValueError("the token lifetime must be a positive number of seconds")
        if self.tenancy not in ("off", "client"):
            raise ValueError(f"unknown tenancy {self.tenancy!r}: expected 'off' or 'client'")
        if self.tenant_ttl <= 0:
            raise ValueError("the tenant TTL must be a positive number of seconds")
        if self.numscript_engine not in ("machine", "interpreter"):
            raise ValueError(f"unknown Numscript engine {self.numscript_engine!r}: expected 'machine' or 'interpreter'")
        if self.schema_enforcement not in ("audit", "strict"):
            raise ValueError(f"unknown schema enforcement mode {self.schema_enforcement!r}: expected audit or strict")
        if not 0 < self.webhook_timeout <= 3600:
            raise ValueError("--webhook-timeout must be a number of seconds in (0, 3600]")
        if not 0 < self.webhook_min_backoff <= self.webhook_max_backoff or self.webhook_abort_after < 0:
            raise ValueError(
                "webhook backoff: 0 < --webhook-min-backoff <= --webhook-max-backoff, --webhook-abort-after >= 0"
            )
        if self.latency_ms is not None and not 0 <= self.latency_ms[0] <= self.latency_ms[1] <= 60_000:
            raise ValueError("--latency must be MS or MIN..MAX with 0 <= MIN <= MAX <= 60000")

    @property
    def real_quirks(self) -> bool:
        return self.quirks == "real"


def parse_latency(text: str) -> tuple[int, int]:
    """``--latency 200`` -> (200, 200); ``--latency 100..400`` -> (100, 400)."""
    low, _, high = text.partition("..")
    try:
        bounds = (int(low), int(high or low))
    except ValueError:
        raise ValueError(f"--latency must be MS or MIN..MAX in milliseconds, got {text!r}") from None
    if not 0 <= bounds[0] <= bounds[1] <= 60_000:
        raise ValueError("--latency must be MS or MIN..MAX with 0 <= MIN <= MAX <= 60000")
    return bounds
