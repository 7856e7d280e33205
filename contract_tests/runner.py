"""`run(config)`: the one library call behind the CLI and the pytest plugin.

Preflight (reachability, tokens, control API), then the phases in `config.phases` order (by default auth,
invariants, model, stateful, conformance, coverage). Returns a `Report`; raises `CouldNotRun` only when
nothing could be checked.
With `--api ledger` the same phases run with the ledger's vocabulary (`phases/ledger_run.py`): its scenarios,
its state machine, and generated requests aimed at a ledger the run created; with `--api wallets`, with the
wallets' (`phases/wallets_run.py`), reading the ledger beside them; with `--api webhooks`, with the webhooks'
(`phases/webhooks_run.py`), deliveries received by a receiver the run starts; `--api all` runs each service
so, merges their results, then the cross-service `stack` phase (`phases/stack_run.py`).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass

import requests
from hypothesis.errors import Flaky

from contract_tests.core.config import PHASES, Config
from contract_tests.core.results import PhaseStats, Results
from contract_tests.core.spec import load_spec
from contract_tests.core.versions import STACK
from contract_tests.generation.hermetic import hermetic_generation
from contract_tests.oracle.model import World
from contract_tests.phases import (  # noqa: F401  (register their scenarios)
    invariants_inputs,
    invariants_lookalikes,
    invariants_send,
    invariants_triggers,
    invariants_v2,
    ledger_run,
    stack_run,
    wallets_run,
    webhooks_run,
)
from contract_tests.phases.actions import Actions
from contract_tests.phases.auth import run_auth
from contract_tests.phases.checking import PHASE, CheckedApi
from contract_tests.phases.conformance import run_conformance
from contract_tests.phases.coverage import run_coverage
from contract_tests.phases.invariants import SCENARIOS
from contract_tests.phases.ledger_writes import LedgerNames
from contract_tests.phases.links import run_links
from contract_tests.phases.stateful import fresh_world, run_model
from contract_tests.phases.versions import run_versions
from contract_tests.reports.deviations import load_deviations
from contract_tests.reports.progress import Listener, NullListener
from contract_tests.reports.report import Report
from contract_tests.transport.auth import Tokens
from contract_tests.transport.client import Client, PollBudget
from contract_tests.transport.control import Control, detect_control
from contract_tests.transport.ledgers import STANDARD_LEDGERS, Ledgers, detect_ledgers
from contract_tests.transport.preflight import preflight

__all__ = ["run"]


@dataclass
class _Context:
    config: Config
    api: CheckedApi
    control: Control | None
    listener: Listener
    other: CheckedApi | None = None  # the second version's, for the versions phase
    ledgers: Ledgers | None = None  # the stack's ledger API, to create the ledgers runs book on
    names: LedgerNames | None = None  # --api ledger: the names of the ledgers this run creates
    wallets: wallets_run.LedgerReader | None = None  # --api wallets: the ledger beside them, read only
    checks_wallets: bool = False
    webhooks: webhooks_run.WebhooksSession | None = None  # --api webhooks: the receiver, the control API

    @property
    def ledger(self) -> bool:
        return self.names is not None


def _provision_ledgers(config: Config, tokens: Tokens, results: Results) -> Ledgers | None:
    """The stack's ledger API with the ledgers the generated runs name created, or None (and a skip
    saying why: sends on a ledger nobody created retry forever, so their runs are not judged)."""
    ledgers = detect_ledgers(config, tokens.ledger)
    if ledgers is None:
        where = config.effective_ledger_url or "(no --ledger-url, and the base URL is not a gateway's)"
        results.skip("ledger provisioning", f"no ledger API at {where}: runs that need their own ledger are skipped")
        return None
    missing = [name for name in STANDARD_LEDGERS if not ledgers.ensure(name)]
    if missing:
        results.skip("ledger provisioning", f"the ledger API at {ledgers.url} refused to create {', '.join(missing)}")
    return ledgers


def _phase_auth(ctx: _Context) -> None:
    run_auth(ctx.api)


def _aim_generated_cases(ctx: _Context) -> bool:
    """For the ledger: aim generated cases at a ledger of the run (False, and a skip, when none could be made);
    for the wallets, at a wallet and a hold of the run; for the webhooks, at a config of the run."""
    if ctx.webhooks is not None:
        target = webhooks_run.targets_for(ctx.api, ctx.webhooks)
        if target is None:
            ctx.api.results.skip("generated requests on a config", "the run could not create a config to aim them at")
        ctx.api.prepare = target.prepare if target is not None else None
        return True
    if ctx.checks_wallets:
        found = wallets_run.targets_for(ctx.api, ctx.wallets)
        if found is None:
            ctx.api.results.skip("generated requests on a wallet", "the run could not create a wallet to aim them at")
        ctx.api.prepare = found.prepare if found is not None else None
        return True
    if not ctx.ledger:
        return True
    assert ctx.names is not None
    targets = ledger_run.targets_for(ctx.api, ctx.names)
    if targets is None:
        ctx.api.results.skip("generated requests on a ledger", "the run could not create a ledger to aim them at")
    ctx.api.prepare = targets.prepare if targets is not None else None
    return True


def _phase_conformance(ctx: _Context) -> None:
    profile = ctx.config.profile
    _aim_generated_cases(ctx)
    run_conformance(
        ctx.api,
        max_examples=profile.max_examples,
        seed=ctx.config.seed,
        workers=ctx.config.workers,
        on_operation=ctx.listener.operation_done,
    )


def _stopped_early(ctx: _Context, phase: str, exc: Exception) -> None:
    # The server's answers decide what a stateful rule can draw next; when a replayed prefix meets a changed
    # server, Hypothesis refuses to go on. What ran was checked; the rest of the phase is reported as skipped.
    reason = f"stopped early ({type(exc).__name__}): the server state moved"
    ctx.api.results.skip(f"{phase}: remaining scenarios", reason)


def _phase_stateful(ctx: _Context) -> None:
    profile = ctx.config.profile
    _aim_generated_cases(ctx)
    try:
        run_links(ctx.api, scenarios=profile.scenarios, steps=profile.steps, seed=ctx.config.seed)
    except Flaky as exc:
        _stopped_early(ctx, "stateful", exc)


def _phase_invariants(ctx: _Context) -> None:
    if ctx.webhooks is not None:
        webhooks_run.run_invariants(ctx.api, ctx.webhooks, ctx.listener.operation_done)
        return
    if ctx.checks_wallets:
        wallets_run.run_invariants(ctx.api, ctx.wallets, ctx.listener.operation_done)
        return
    if ctx.names is not None:
        ledger_run.run_invariants(ctx.api, ctx.names, ctx.listener.operation_done)
        return
    world = World()
    paginated = ctx.api.spec.version.paginated
    for scenario in SCENARIOS:
        if scenario.paginated_only and not paginated:
            continue
        if scenario.needs_control and ctx.control is None:
            ctx.api.results.skip(scenario.name, f"needs the control API ({ctx.config.control_url} did not answer)")
            continue
        try:
            scenario.run(Actions(ctx.api, ctx.control, world, ctx.ledgers))
        except requests.ConnectionError:
            raise
        except Exception as exc:
            ctx.api.results.error(f"scenario {scenario.name} stopped: {exc!r}")
        ctx.listener.operation_done(scenario.name)


def _phase_model(ctx: _Context) -> None:
    profile = ctx.config.profile
    if ctx.webhooks is not None:
        try:
            seed = ctx.config.seed
            webhooks_run.run_model(ctx.api, ctx.webhooks, scenarios=profile.scenarios, steps=profile.steps, seed=seed)
        except Flaky as exc:
            _stopped_early(ctx, "model", exc)
        return
    if ctx.checks_wallets:
        try:
            seed = ctx.config.seed
            wallets_run.run_model(ctx.api, ctx.wallets, scenarios=profile.scenarios, steps=profile.steps, seed=seed)
        except Flaky as exc:
            _stopped_early(ctx, "model", exc)
        return
    if ctx.names is not None:
        try:
            seed = ctx.config.seed
            ledger_run.run_model(ctx.api, ctx.names, scenarios=profile.scenarios, steps=profile.steps, seed=seed)
        except Flaky as exc:
            _stopped_early(ctx, "model", exc)
        return
    if ctx.control is None:
        ctx.api.results.skip("model: publish, advance_clock", "needs the control API (bus events, clock)")
    shared = World()
    try:
        run_model(
            lambda: Actions(ctx.api, ctx.control, fresh_world(shared), ctx.ledgers),
            scenarios=profile.scenarios,
            steps=profile.steps,
            seed=ctx.config.seed,
        )
    except Flaky as exc:
        _stopped_early(ctx, "model", exc)


def _phase_coverage(ctx: _Context) -> None:
    run_coverage(ctx.api)


def _phase_versions(ctx: _Context) -> None:
    assert ctx.other is not None
    run_versions(ctx.api, ctx.other)


PHASE_RUNNERS: dict[str, Callable[[_Context], None]] = {
    "versions": _phase_versions,
    "auth": _phase_auth,
    "conformance": _phase_conformance,
    "stateful": _phase_stateful,
    "invariants": _phase_invariants,
    "model": _phase_model,
    "coverage": _phase_coverage,
}


def _run_phase(ctx: _Context, phase: str, label: str) -> None:
    results, listener = ctx.api.results, ctx.listener
    stats = results.phases.setdefault(label, PhaseStats())
    listener.phase_started(label)
    PHASE.set(label)
    ctx.api.poll_budget = PollBudget(ctx.config.effective_poll_budget)
    began = time.monotonic()
    failures_before = len(results.failures)
    try:
        PHASE_RUNNERS[phase](ctx)
        stats.status = "failed" if len(results.failures) > failures_before else "passed"
    except requests.ConnectionError as exc:
        stats.status = "error"
        results.error(f"phase {label}: lost the server: {exc}")
    except Exception as exc:
        stats.status = "error"
        results.error(f"phase {label} stopped: {exc!r}")
    stats.duration = time.monotonic() - began
    listener.phase_finished(label, stats)


def _run_stack(config: Config, listener: Listener) -> Report:
    """`--api all`: each service's run in turn, merged into one report, then the cross-service phase."""
    started = time.monotonic()
    deviations = load_deviations(config.deviations_path) if config.deviations_path else None
    results = Results(on_failure=listener.failure, acceptor=deviations.reason_for if deviations else None)
    control = False
    for prefix, service in stack_run.service_configs(config):
        if service.phases:
            part = run(service, listener=listener)
            stack_run.merge(results, part.results, prefix)
            control = control or part.control
    if stack_run.STACK_PHASE in config.phases or config.phases == PHASES:
        listener.phase_started(stack_run.STACK_PHASE)
        listener.phase_finished(stack_run.STACK_PHASE, stack_run.run_stack_phase(config, results))
    results.coverage.validate(config.require_status)
    duration = time.monotonic() - started
    return Report(config=config, results=results, duration=duration, control=control, deviations=deviations)


def run(config: Config, *, listener: Listener | None = None) -> Report:
    """Check the implementation at `config.base_url` against the contract and return what was found."""
    listener = listener or NullListener()
    if config.api == STACK:
        return _run_stack(config, listener)
    started = time.monotonic()
    deviations = load_deviations(config.deviations_path) if config.deviations_path else None
    tokens, info_status = preflight(config)
    results = Results(on_failure=listener.failure, acceptor=deviations.reason_for if deviations else None)
    versions = config.versions
    # Built before anything is sent: each declares its operations' statuses, so a required pair the specs
    # cannot produce is refused (exit 2) before the run spends its time.
    clients = [Client(load_spec(config.base_url, version=v.name), config, tokens, results) for v in versions]
    results.coverage.validate(config.require_status)
    info = clients[0].spec.for_label(f"GET {config.service.info_path}")
    if info is not None:
        results.count_request(info.operation_id, info_status)
    # The ledger and the wallets are checked without the mock's control API (no events to publish, no clock to
    # move); the ledger creates its own ledgers through the API under test, the wallets read the ledger beside.
    checks_ledger = config.service.name == "ledger"
    checks_wallets = config.service.name == "wallets"
    checks_webhooks = config.service.name == "webhooks"
    on_its_own = checks_ledger or checks_wallets or checks_webhooks
    control = None
    # The webhooks use the control API when there is one (to publish events), and say what they skip without.
    if config.use_control_api and (not on_its_own or checks_webhooks):
        control = detect_control(config.control_url, config.request_timeout)
    if control is None and not on_its_own:
        reason = f"no control API at {config.control_url}: bus events and clock moves are not possible"
        results.skip("control API", reason)
        results.skip("vars_reach_run", reason)
    ledgers = None if on_its_own else _provision_ledgers(config, tokens, results)
    names = LedgerNames() if checks_ledger else None
    beside = wallets_run.ledger_reader(config, tokens.ledger) if checks_wallets else None
    if checks_wallets and (beside is None or tokens.ledger is None):
        results.skip("wallet_matches_ledger", "no ledger API beside the wallets (or no ledger:read token)")
    session = webhooks_run.WebhooksSession(control) if checks_webhooks else None
    apis = []
    try:
        with hermetic_generation():  # the seed alone decides what is sent
            for version, client in zip(versions, clients, strict=True):
                api = CheckedApi(client)
                apis.append(api)
                if session is not None:
                    session.note_found(api)
                ctx = _Context(config, api, control, listener, ledgers=ledgers, names=names, wallets=beside)
                ctx.checks_wallets, ctx.webhooks = checks_wallets, session
                for phase in config.phases:
                    # One version: the phase's own name; both: "v1 auth", "v2 auth", ...
                    label = phase if len(versions) == 1 else f"{version.name} {phase}"
                    _run_phase(ctx, phase, label)
            if len(apis) == 2:
                _run_phase(_Context(config, apis[0], control, listener, apis[1]), "versions", "versions")
    finally:
        if control is not None:
            control.close()
        if ledgers is not None:
            ledgers.close()
        if beside is not None:
            beside.close()
        if session is not None:
            with contextlib.suppress(requests.RequestException):  # a server gone: nothing left to tidy
                for api in apis:
                    session.tidy(api)
            session.close()
    duration = time.monotonic() - started
    return Report(config=config, results=results, duration=duration, control=control is not None, deviations=deviations)
