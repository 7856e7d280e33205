"""Control handlers of the webhooks service: delivery attempts and delivery fault rules.

``GET /_mock/webhooks/attempts`` lists every attempt the tenant's webhooks service made (the
release keeps them in a table no API reads), oldest first; ``/_mock/webhooks/faults`` manages
the delivery fault rules (``webhooks/faults.py``) as ``/_mock/faults`` manages the API's.
``announce`` hands an event published through ``POST /_mock/events`` to the webhooks service,
as the stack's bus would have carried it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from mockserver.core.timefmt import rfc3339
from mockserver.orchestration.engine.triggers import APP_VERSIONS, infer_app
from mockserver.state.backend import Backend
from mockserver.state.tenants import Tenants

Reply = tuple[Any, int]


def announce(
    backend: Backend,
    event_type: str,
    payload: Any,
    app: str | None,
    date: datetime | None,
    *,
    version: str | None = None,
) -> None:
    """The envelope the publishing service would have put on the bus: its app named, or the
    one the type belongs to (ledger, payments), else none (``{"type": "foo"}`` as the release's
    e2e suite publishes it matches a config listening to ``foo``); ``version`` when the event
    names one, else that service's release version."""
    inferred = infer_app(event_type)
    app = app or (inferred if inferred != "mock" else "")
    envelope = {
        "idempotency_key": "",
        "date": rfc3339(date or backend.clock.now()),
        "app": app,
        "version": APP_VERSIONS.get(app, "") if version is None else version,
        "type": event_type,
        "payload": payload,
    }
    backend.webhooks.hear(envelope)


class WebhooksControl:
    def __init__(self, tenants: Tenants) -> None:
        self._tenants = tenants

    @property
    def _b(self) -> Backend:
        return self._tenants.current

    def registry(self) -> dict[str, Callable[..., Any]]:
        return {
            "list_webhook_attempts": self.list_attempts,
            "list_webhook_faults": self.list_faults,
            "add_webhook_fault": self.add_fault,
            "clear_webhook_faults": self.clear_faults,
            "remove_webhook_fault": self.remove_fault,
        }

    async def list_attempts(
        self,
        config_id: str | None = None,
        webhook_id: str | None = None,
        status: str | None = None,
        event_type: str | None = None,
        limit: int | None = None,
    ) -> Reply:
        found = self._b.webhooks.schedule.query(
            config_id=config_id, webhook_id=webhook_id, status=status, event_type=event_type, limit=limit
        )
        return {"data": found}, 200

    async def list_faults(self) -> Reply:
        return {"data": [rule.view() for rule in self._b.webhooks.faults.list()]}, 200

    async def add_fault(self, body: Any) -> Reply:
        return {"data": self._b.webhooks.faults.add(body).view()}, 201

    async def clear_faults(self) -> Reply:
        self._b.webhooks.faults.remove_all()
        return None, 204

    async def remove_fault(self, id_: str) -> Reply:
        self._b.webhooks.faults.remove(id_)
        return None, 204
