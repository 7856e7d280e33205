"""`--api all`: the whole stack, one service after the other, then the cross-service `stack` phase.

The base URL is the stack's root (`http://host`) or a gateway's `.../api/orchestration`; each service is found
beside it (`/api/orchestration`, `/api/ledger`, `/api/wallets`, `/api/webhooks`), the ledger at `--ledger-url`
when given. Each service runs as its own run would (its tokens, its phases, its budgets), and its results are
merged into the stack's, phase labels prefixed with the service (`ledger auth`); the runner then calls
`run_stack_phase`. Every service's phases run before the stack phase, so a finding there is one that no single
service's run could see.
"""

from __future__ import annotations

import time
import uuid

import httpx

from contract_tests.core.config import Config, examples_for
from contract_tests.core.results import PhaseStats, Results
from contract_tests.core.spec import load_spec
from contract_tests.phases.checking import PHASE, CheckedApi
from contract_tests.phases.stack_invariants import Caused, StackApis, money_moved, trigger_fires
from contract_tests.phases.stack_webhooks import Webhooks
from contract_tests.transport.client import Client
from contract_tests.transport.preflight import preflight

__all__ = ["STACK_PHASE", "merge", "run_stack_phase", "service_configs", "stack_root"]

STACK_PHASE = "stack"
_SUFFIX = "/api/orchestration"


def stack_root(config: Config) -> str:
    base = config.base_url
    return base[: -len(_SUFFIX)] if base.endswith(_SUFFIX) else base


def _service(config: Config, api: str, path: str) -> Config:
    ledger = config.ledger_url or f"{stack_root(config)}/api/ledger"
    # The stack run's own reports and gate are the merged ones: a service's run writes nothing and gates nothing.
    phases = tuple(p for p in config.phases if p != STACK_PHASE)
    # A named profile means each service's own budget (the ledger's are smaller); --max-examples is for all.
    examples = examples_for(api, config.profile_name) if config.profile_name else config.max_examples
    base = ledger if api == "ledger" else f"{stack_root(config)}{path}"
    cleared = {"junit_xml": None, "report_path": None, "require_status": (), "min_status_coverage": None}
    changes = {"api": api, "base_url": base, "ledger_url": ledger, "phases": phases, "max_examples": examples}
    return config.with_changes(**changes, **cleared)


def service_configs(config: Config) -> list[tuple[str, Config]]:
    """(label prefix, config) for each service's run, in order: orchestration (v1, v2), the ledger, the wallets,
    the webhooks."""
    return [
        ("", _service(config, "orchestration", _SUFFIX)),
        ("ledger ", _service(config, "ledger", "/api/ledger")),
        ("wallets ", _service(config, "wallets", "/api/wallets")),
        ("webhooks ", _service(config, "webhooks", "/api/webhooks")),
    ]


def merge(into: Results, part: Results, prefix: str) -> None:
    """Add one service's results to the stack's (deduplicated failures, counters summed, labels prefixed)."""
    for key, failure in part.failures.items():
        if key in into.failures:
            into.failures[key].occurrences += failure.occurrences
        else:
            into.failures[key] = failure
    for name, stats in part.operations.items():
        mine = into.operations.setdefault(name, type(stats)())
        mine.requests += stats.requests
        mine.failures += stats.failures
    for name, stats in part.checks.items():
        check = into.checks.setdefault(name, type(stats)())
        check.runs, check.failures = check.runs + stats.runs, check.failures + stats.failures
    for operation, checks in part.operation_checks.items():
        for name, stats in checks.items():
            check = into.operation_checks.setdefault(operation, {}).setdefault(name, type(stats)())
            check.runs, check.failures = check.runs + stats.runs, check.failures + stats.failures
    for label, phase in part.phases.items():
        into.phases[f"{prefix}{label}"] = phase
    for operation, statuses in part.coverage.declared.items():
        into.coverage.declare(operation, statuses, default=operation in part.coverage.defaults)
    for operation, counts in part.coverage.answered.items():
        for status, times in counts.items():
            for _ in range(times):
                into.coverage.count(operation, status)
    for skip in part.skipped:
        into.skip(f"{prefix}{skip.name}".strip(), skip.reason)
    into.errors.extend(f"{prefix}{error}".strip() for error in part.errors)


def _webhooks_token(config: Config) -> str | None:
    if config.token or not config.client_id:
        return config.token
    form = {"grant_type": "client_credentials", "client_id": config.client_id,
            "client_secret": config.client_secret or "", "scope": "webhooks:read webhooks:write"}  # fmt: skip
    try:
        reply = httpx.post(config.effective_token_url, data=form, timeout=config.request_timeout)
        return str(reply.json()["access_token"]) if reply.status_code == 200 else None
    except (httpx.HTTPError, ValueError, KeyError, TypeError):
        return None


def _api(config: Config, api: str, results: Results) -> CheckedApi:
    tokens, _ = preflight(config)
    return CheckedApi(Client(load_spec(config.base_url, version=api), config, tokens, results))


def run_stack_phase(config: Config, results: Results) -> PhaseStats:
    """The cross-service invariants (`phases/stack_invariants.py`, `stack_webhooks.py`) on the merged results."""
    stats = results.phases.setdefault(STACK_PHASE, PhaseStats())
    PHASE.set(STACK_PHASE)
    began, before = time.monotonic(), len(results.failures)
    configs = {cfg.api: cfg for _, cfg in service_configs(config)}
    s = StackApis(
        orchestration=_api(configs["orchestration"], "v2", results),
        ledger=_api(configs["ledger"], "ledger", results),
        wallets=_api(configs["wallets"], "wallets", results),
        nonce=uuid.uuid4().hex[:10],
        poll_timeout=config.poll_timeout,
    )
    hooks = Webhooks(f"{stack_root(config)}/api/webhooks", _webhooks_token(config), config.request_timeout)
    if not hooks.available:
        results.skip("events_reach_webhook", f"no webhook config could be registered: {hooks.problem}")
    try:
        caused = Caused()
        money_moved(s, caused)
        trigger_fires(s, caused)
        if hooks.available:
            hooks.judge(s, caused)
        stats.status = "failed" if len(results.failures) > before else "passed"
    except Exception as exc:  # a bug or a lost server: reported as the phase's error, never hidden
        stats.status = "error"
        results.error(f"phase stack stopped: {exc!r}")
    finally:
        hooks.close()
    stats.duration = time.monotonic() - began
    return stats
