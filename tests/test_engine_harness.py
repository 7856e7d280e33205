"""Shared set-up for the engine's domain-level tests (no HTTP, manual clock, seeded ids).

The ``Harness`` wraps one engine over a fresh store and ledger service (with ``LEDGERS``
created) and offers the few verbs the tests use; ``check_schema`` validates engine output
against the project's spec, so spec-mode records are proven to be what SDKs decode. The
module also holds the harness's own tests.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from openapi_schema_validator import OAS30Validator

from mockserver.core.bus import EventBus
from mockserver.core.clock import ManualClock
from mockserver.core.ids import IdSource
from mockserver.ledger.service import LedgerService
from mockserver.orchestration.api import presenter
from mockserver.orchestration.domain.model import Instance, Trigger, Workflow
from mockserver.orchestration.domain.store import Store
from mockserver.orchestration.engine import Engine
from mockserver.wallets.service import DEFAULT_LEDGER, WalletsService

ROOT = Path(__file__).resolve().parent.parent
SPEC_PATH = ROOT / "spec" / "orchestration.v1.yaml"


@cache
def _spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC_PATH.read_text())


def check_schema(name: str, value: Any) -> None:
    """Assert ``value`` validates against ``components.schemas[name]`` of the project's spec."""
    schema = dict(_spec())
    schema["$ref"] = f"#/components/schemas/{name}"
    errors = list(OAS30Validator(schema).iter_errors(value))
    assert not errors, f"{name}: {errors[0].message} at {list(errors[0].absolute_path)}\n{value}"


# The ledgers the engine tests send on, created up front as a stack's operator would: a send to
# a ledger that does not exist retries forever (LEDGER_NOT_FOUND), as on the real stack.
LEDGERS = ("default", "main", "books", "other", "l", "orchestration-000-internal")


class Harness:
    def __init__(
        self,
        quirks: str = "spec",
        seed: int = 7,
        ledgers: tuple[str, ...] = LEDGERS,
        wallets_ledger: str = DEFAULT_LEDGER,
    ) -> None:
        self.clock = ManualClock()
        self.ids = IdSource(seed)
        self.store = Store()
        self.bus = EventBus()
        self.ledger = LedgerService(clock=self.clock, bus=self.bus, real_quirks=quirks == "real")
        for name in ledgers:
            self.ledger.create_ledger(name)
        # The stack's wallets service keeps its wallets in one ledger (the release's --ledger).
        self.wallets = WalletsService(
            ledger=self.ledger, clock=self.clock, ids=self.ids, real_quirks=quirks == "real", ledger_name=wallets_ledger
        )
        self.engine = Engine(
            store=self.store, clock=self.clock, ids=self.ids, quirks=quirks, ledger=self.ledger, wallets=self.wallets
        )
        self.bank = self.engine.bank
        self.real = quirks == "real"

    def balance(self, ledger: str, address: str, asset: str) -> int:
        """An account's balance, as the ledger API shows it (0 for an account never used)."""
        return int(self.bank.account(ledger, address)["balances"].get(asset, 0))

    def workflow(self, *stages: dict[str, Any], name: str = "") -> Workflow:
        config = {"name": name, "stages": list(stages)}
        self.engine.validate_definition(config)
        workflow = Workflow(id=self.ids.uuid(), config=config, created_at=self.clock.now())
        self.store.add_workflow(workflow)
        return workflow

    def run(self, *stages: dict[str, Any], variables: dict[str, str] | None = None) -> Instance:
        """Create a workflow of ``stages``, run it and pump."""
        return self.start(self.workflow(*stages), variables)

    def start(self, workflow: Workflow, variables: dict[str, str] | None = None) -> Instance:
        instance = self.engine.run(workflow, variables or {})
        self.engine.pump()
        return instance

    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)
        self.engine.pump()

    def trigger(
        self,
        event: str,
        workflow: Workflow,
        *,
        filter: str | None = None,  # noqa: A002
        vars: dict[str, str] | None = None,  # noqa: A002
        version: str | None = None,
    ) -> Trigger:
        trigger = Trigger(
            id=self.ids.uuid(),
            event=event,
            workflow_id=workflow.id,
            created_at=self.clock.now(),
            filter=filter,
            vars=vars,
            version=version,
        )
        self.store.add_trigger(trigger)
        return trigger

    # --- presented records, validated against the spec in spec mode ---------------------
    def instance(self, instance: Instance) -> dict[str, Any]:
        shown = presenter.instance(instance)
        if not self.real:
            check_schema("WorkflowInstance", shown)
        return shown

    def history(self, instance: Instance) -> list[dict[str, Any]]:
        shown = [presenter.stage_run(entry) for entry in instance.history]
        if not self.real:
            check_schema("WorkflowInstanceHistoryList", shown)
        return shown

    def activities(self, instance: Instance, number: int) -> list[dict[str, Any]]:
        shown = [presenter.activity(a) for a in instance.activities.get(number, [])]
        if not self.real:
            check_schema("WorkflowInstanceHistoryStageList", shown)
        return shown

    def names(self, instance: Instance, number: int = 0) -> list[str]:
        return [a.name for a in instance.activities.get(number, [])]

    def types(self, instance: Instance | None = None) -> list[str]:
        events = self.engine.events.list(instance_id=instance.id if instance else None)
        return [e["type"] for e in events]


def send(
    source: dict[str, Any], destination: dict[str, Any], amount: Any = 100, asset: str = "EUR/2", **extra: Any
) -> dict[str, Any]:
    """A send stage; ``amount=None`` leaves the amount out."""
    body: dict[str, Any] = {"source": source, "destination": destination, **extra}
    if amount is not None:
        body["amount"] = {"amount": amount, "asset": asset}
    return {"send": body}


def account(address: str, ledger: str | None = None) -> dict[str, Any]:
    return {"account": {"id": address, **({"ledger": ledger} if ledger else {})}}


def wallet(wallet_id: str = "", *, name: str = "", balance: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if wallet_id:
        body["id"] = wallet_id
    if name:
        body["name"] = name
    if balance:
        body["balance"] = balance
    return {"wallet": body}


def test_harness_runs_a_noop_workflow() -> None:
    h = Harness()
    instance = h.run({"noop": {}})
    assert instance.terminated and instance.error is None
    assert h.history(instance)[0]["name"] == "RunNoop"


def test_check_schema_rejects_a_bad_record() -> None:
    try:
        check_schema("Transaction", {"id": -1})
    except AssertionError:
        return
    raise AssertionError("check_schema accepted an invalid transaction")


def test_harness_creates_its_ledgers_up_front() -> None:
    h = Harness()
    assert [h.ledger.get_ledger(name)["name"] for name in LEDGERS] == list(LEDGERS)
    assert h.balance("default", "nobody", "EUR/2") == 0
    h.bank.fund("default", "a", "EUR/2", 7)
    assert (h.balance("default", "a", "EUR/2"), h.balance("default", "world", "EUR/2")) == (7, -7)
    assert Harness(ledgers=()).ledger.ledgers.visible() == []
