"""The suite's options in one frozen dataclass, plus the named Hypothesis profiles.

The CLI and the pytest plugin both build a `Config` and hand it to `runner.run`; nothing else reads flags.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from contract_tests.core.coverage import StatusPair
from contract_tests.core.errors import ConfigError
from contract_tests.core.versions import ApiVersion, Service, versions_for

__all__ = ["DEFAULT_MAX_EXAMPLES", "LEDGER_EXAMPLES", "PHASES", "PROFILES", "Config", "Profile", "examples_for"]

# Every phase, in the order the runner executes them: the semantic phases first, on a server that fuzzing has
# not yet filled with odd data.
# `coverage` comes last: it probes only the declared statuses the others left unanswered.
PHASES: tuple[str, ...] = ("auth", "invariants", "model", "stateful", "conformance", "coverage")

# Measured against the project's mock on 2 cores: the default run takes about 15 s (see README).
DEFAULT_MAX_EXAMPLES = 20


@dataclass(frozen=True)
class Profile:
    """How much generation each phase does, derived from one `max_examples` knob."""

    max_examples: int
    # The links state machine and the model state machine run whole scenarios, so fewer of them.
    scenarios: int
    steps: int


def _profile(max_examples: int) -> Profile:
    return Profile(
        max_examples=max_examples, scenarios=max(2, max_examples // 2), steps=max(8, min(30, 2 * max_examples))
    )


PROFILES: dict[str, Profile] = {
    "quick": _profile(3),
    "default": _profile(DEFAULT_MAX_EXAMPLES),
    "thorough": _profile(100),
}

# The ledger spec has 45 operations, several with large bodies (filters, bulks, schemas) that take Schemathesis
# long to draw, so its named budgets are smaller per operation (README: timings); its model phase, where the
# ledger's invariants are checked, gets more sequences than the knob alone would give.
LEDGER_EXAMPLES: dict[str, int] = {"quick": 3, "default": 8, "thorough": 40}


def _ledger_profile(max_examples: int) -> Profile:
    return Profile(max_examples=max_examples, scenarios=max(3, max_examples), steps=max(15, min(40, 4 * max_examples)))


def examples_for(api: str, profile: str) -> int:
    """The `max_examples` a named profile means for an API."""
    return LEDGER_EXAMPLES[profile] if api == "ledger" else PROFILES[profile].max_examples


@dataclass(frozen=True)
class Config:
    """Everything one contract run needs. `base_url` is the API root, e.g. `http://host/api/orchestration`."""

    base_url: str
    token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    token_url: str | None = None
    max_examples: int = DEFAULT_MAX_EXAMPLES
    seed: int = 0
    workers: int = 1
    junit_xml: Path | None = None
    report_path: Path | None = None
    deviations_path: Path | None = None
    phases: tuple[str, ...] = PHASES
    # The real service is asynchronous: reads that should show progress are retried until this timeout.
    poll_timeout: float = 5.0
    poll_interval: float = 0.05
    # Seconds the polls of one phase may wait in vain (polls that time out) before the rest read once and do
    # not wait: a broken server then costs this much per phase, not a timeout per read. None: one poll timeout,
    # so the first expectation that times out ends the waiting of its phase (its check fails either way).
    poll_budget: float | None = None
    request_timeout: float = 10.0
    # Curl commands carry `$TOKEN` unless this is set; then they embed the real token (do not print it in CI logs).
    reveal_token: bool = False
    # Use `<origin>/_mock` when it answers (publishing bus events, moving the clock); never required.
    use_control_api: bool = True
    extra_headers: dict[str, str] = field(default_factory=dict)
    # Which API to check: orchestration "v1", "v2" (paths under <base_url>/v2) or "orchestration" (both, in
    # turn), "all" (the whole stack at its root, then the cross-service phase), or
    # "ledger" (the ledger v2 API, `base_url` its root: `http://host/api/ledger`), or "wallets" (the wallets
    # v1 API, `http://host/api/wallets`; the ledger beside it is read to check the wallets' accounts).
    api: str = "v1"
    # The stack's ledger API, where the runs' ledgers are created (default: beside a gateway's /api/orchestration).
    ledger_url: str | None = None
    # The status-coverage gate: pairs that must be answered at least once, and the share of declared pairs
    # (in %) that must be (None: no minimum). Unmet, the run fails with exit 1 (core/coverage.py).
    require_status: tuple[StatusPair, ...] = ()
    min_status_coverage: float | None = None
    # The named profile `max_examples` came from (None: --max-examples): with `--api all` each service takes
    # that profile's own budget.
    profile_name: str | None = None

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(f"--base-url must be an http(s) URL, got {self.base_url!r}")
        if self.max_examples < 1:
            raise ConfigError("--max-examples must be at least 1")
        if self.workers < 1:
            raise ConfigError("--workers must be at least 1")
        if bool(self.client_id) != bool(self.client_secret):
            raise ConfigError("--client-id and --client-secret go together")
        if self.token and self.client_id:
            raise ConfigError("give either --token or --client-id/--client-secret, not both")
        # `stack` is the cross-service phase of `--api all` (`phases/stack_run.py`).
        known = (*PHASES, "stack") if self.api == "all" else PHASES
        unknown = [phase for phase in self.phases if phase not in known]
        if unknown:
            raise ConfigError(f"unknown phase(s) {', '.join(unknown)}; known: {', '.join(known)}")
        if self.poll_budget is not None and self.poll_budget < 0:
            raise ConfigError("--poll-budget must not be negative")
        if self.min_status_coverage is not None and not 0 <= self.min_status_coverage <= 100:
            raise ConfigError("--min-status-coverage is a percentage, from 0 to 100")
        versions_for(self.api)  # refuses an unknown choice
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def effective_token_url(self) -> str:
        return self.token_url or f"{self.origin}/api/auth/oauth/token"

    @property
    def effective_poll_budget(self) -> float:
        return self.poll_timeout if self.poll_budget is None else self.poll_budget

    @property
    def service(self) -> Service:
        """The API family under test: its scopes and first probes."""
        return self.versions[0].service

    @property
    def effective_ledger_url(self) -> str | None:
        if self.service.name == "ledger":
            return self.base_url
        if self.ledger_url:
            return self.ledger_url.rstrip("/")
        path = urlsplit(self.base_url).path
        if path.endswith(("/api/orchestration", "/api/wallets")):
            return self.base_url.rsplit("/", 1)[0] + "/ledger"
        return None

    @property
    def control_url(self) -> str:
        return f"{self.origin}/_mock"

    @property
    def versions(self) -> tuple[ApiVersion, ...]:
        return versions_for(self.api)

    @property
    def profile(self) -> Profile:
        return _ledger_profile(self.max_examples) if self.service.name == "ledger" else _profile(self.max_examples)

    def with_changes(self, **changes: object) -> Config:
        return replace(self, **changes)  # type: ignore[arg-type]
