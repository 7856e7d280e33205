"""Handlers of the control API under ``/_mock``: state, clock, events, journal, bank.

The control API is the mock's own (``spec/control.v1.yaml``), never part of the
Formance contract; the contract suite uses it only when it is present.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from mockserver.control.webhooks import WebhooksControl, announce
from mockserver.core.timefmt import timestamp
from mockserver.errors import ValidationError
from mockserver.orchestration.api import presenter as present
from mockserver.state.backend import Backend
from mockserver.state.fixtures import load_fixture, parse_fixture, reset
from mockserver.state.tenants import Tenants

Reply = tuple[Any, int]
MAX_ADVANCE_SECONDS = 100 * 365 * 24 * 3600


class ControlApi:
    def __init__(self, tenants: Tenants) -> None:
        self._tenants = tenants
        self._webhooks = WebhooksControl(tenants)

    @property
    def _b(self) -> Backend:
        """The tenant ``X-Mock-Tenant`` chose (the gateway sets it), else the default one."""
        return self._tenants.current

    def registry(self) -> dict[str, Callable[..., Any]]:
        return {
            "reset": self.reset,
            "publish_event": self.publish_event,
            "list_events": self.list_events,
            "get_clock": self.get_clock,
            "advance_clock": self.advance_clock,
            "list_requests": self.list_requests,
            "load_fixtures": self.load_fixtures,
            "get_account": self.get_account,
            "fund_account": self.fund_account,
            "list_transactions": self.list_transactions,
            "list_wallets": self.list_wallets,
            "list_payments": self.list_payments,
            "list_transfer_initiations": self.list_transfer_initiations,
            "get_state": self.get_state,
            "list_faults": self.list_faults,
            "add_fault": self.add_fault,
            "clear_faults": self.clear_faults,
            "remove_fault": self.remove_fault,
            **self._webhooks.registry(),
        }

    async def list_faults(self) -> Reply:
        return present.envelope([rule.view() for rule in self._b.faults.list()]), 200

    async def add_fault(self, body: Any) -> Reply:
        return present.envelope(self._b.faults.add(body).view()), 201

    async def clear_faults(self) -> Reply:
        self._b.faults.remove_all()
        return None, 204

    async def remove_fault(self, id_: str) -> Reply:
        self._b.faults.remove(id_)  # Connexion names the `id` parameter id_
        return None, 204

    async def reset(self) -> Reply:
        reset(self._b)
        return None, 204

    async def publish_event(self, body: dict[str, Any]) -> Reply:
        date = body.get("date")
        when = datetime.fromisoformat(date.replace("Z", "+00:00")) if date else None
        version = body.get("version")
        # The webhooks hear it first
        announce(self._b, body["type"], body["payload"], body.get("app"), when, version=version)
        occurrences = self._b.engine.publish_bus_event(
            body["type"], body["payload"], app=body.get("app"), date=when, version=version
        )
        self._b.pump()
        shown = [present.occurrence(o, self._b.store.instances) for o in occurrences]
        return present.envelope({"accepted": True, "occurrences": shown}), 202

    async def list_events(self, type: str | None = None, instance_id: str | None = None) -> Reply:  # noqa: A002
        return present.envelope(self._b.engine.events.list(type=type, instance_id=instance_id)), 200

    def _clock(self) -> dict[str, Any]:
        return {"now": timestamp(self._b.clock.now()), "mode": self._b.settings.clock}

    async def get_clock(self) -> Reply:
        return present.envelope(self._clock()), 200

    async def advance_clock(self, body: dict[str, Any]) -> Reply:
        seconds = float(body["seconds"])
        if not 0 <= seconds <= MAX_ADVANCE_SECONDS:
            raise ValidationError(f"seconds must be between 0 and {MAX_ADVANCE_SECONDS} (100 years)")
        self._b.clock.advance(seconds)
        self._b.pump()
        return present.envelope(self._clock()), 200

    async def list_requests(
        self,
        limit: int | None = None,
        operation_id: str | None = None,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        since: int | None = None,
    ) -> Reply:
        found = self._b.journal.query(
            operation_id=operation_id, method=method, path=path, status=status, since=since, limit=limit
        )
        return present.envelope(found), 200

    async def load_fixtures(self, body: Any) -> Reply:
        doc = parse_fixture(body) if isinstance(body, str | bytes) else body
        counts = load_fixture(self._b, doc)
        return present.envelope(counts), 201

    async def get_account(self, ledger: str, address: str) -> Reply:
        return present.envelope(self._b.engine.bank.account(ledger, address)), 200

    async def fund_account(self, ledger: str, address: str, body: dict[str, Any]) -> Reply:
        self._b.engine.bank.fund(ledger, address, body["asset"], int(body["amount"]))
        self._b.pump()
        return present.envelope(self._b.engine.bank.account(ledger, address)), 200

    async def list_transactions(self, ledger: str) -> Reply:
        return present.envelope(self._b.engine.bank.transactions(ledger)), 200

    async def list_wallets(self) -> Reply:
        return present.envelope(self._b.engine.bank.wallets()), 200

    async def list_payments(self) -> Reply:
        return present.envelope(self._b.engine.bank.payments()), 200

    async def list_transfer_initiations(self) -> Reply:
        return present.envelope(list(self._b.engine.bank.payment_book.transfer_initiations.items)), 200

    async def get_state(self) -> Reply:
        return present.envelope(self._b.store.counts()), 200
