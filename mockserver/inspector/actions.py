"""The inspector's buttons: each one is a call into the same rules the APIs use.

Instance actions go through the domain (``backend.instances``) exactly as the orchestration
handlers do; clock, bus events, reset and fixtures go through the control API's handlers,
so the page can do nothing that ``/_mock`` or ``/api/orchestration`` would refuse. Fields
arrive as the page's form values (strings); parsing them is the only thing done here.
Every failure is a ``MockError``, which the router answers as ``{errorCode, errorMessage}``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import orjson

from mockserver.control.handlers import ControlApi
from mockserver.errors import ValidationError
from mockserver.state.backend import Backend
from mockserver.state.tenants import Tenants

Fields = dict[str, Any]
Action = Callable[[Fields], Awaitable[dict[str, Any]]]


class Actions:
    def __init__(self, tenants: Tenants) -> None:
        self._tenants = tenants
        self._control = ControlApi(tenants)

    @property
    def _b(self) -> Backend:
        return self._tenants.current

    def registry(self) -> dict[str, Action]:
        """Action name (the last segment of ``/_mock/ui/api/<name>``) -> handler."""
        return {
            "send-event": self.send_event,
            "abort": self.abort,
            "advance": self.advance,
            "publish": self.publish,
            "reset": self.reset,
            "fixtures": self.load_fixtures,
        }

    async def send_event(self, fields: Fields) -> dict[str, Any]:
        instance_id = _text(fields, "instanceId")
        name = _text(fields, "name")
        self._b.instances.send_event(instance_id, name)
        self._b.pump()
        return {"message": f"sent event {name} to instance {instance_id}"}

    async def abort(self, fields: Fields) -> dict[str, Any]:
        instance_id = _text(fields, "instanceId")
        self._b.instances.abort(instance_id)
        self._b.pump()
        return {"message": f"aborted instance {instance_id}"}

    async def advance(self, fields: Fields) -> dict[str, Any]:
        raw = fields.get("seconds")
        try:
            seconds = float(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValidationError(f"seconds: expected a number, got {raw!r}") from None
        if seconds != seconds:  # NaN passes every range check
            raise ValidationError("seconds: expected a number, got NaN")
        body, _ = await self._control.advance_clock({"seconds": seconds})
        return {"message": f"clock advanced by {seconds:g} s", "clock": body["data"]}

    async def publish(self, fields: Fields) -> dict[str, Any]:
        event_type = _text(fields, "type")
        payload = fields.get("payload") or "{}"
        if isinstance(payload, str):
            try:
                payload = orjson.loads(payload)
            except orjson.JSONDecodeError as exc:
                raise ValidationError(f"payload: invalid JSON: {exc}") from None
        if not isinstance(payload, dict):
            raise ValidationError("payload: expected a JSON object")
        app = fields.get("app") or None
        if app is not None and not isinstance(app, str):
            raise ValidationError("app: expected a string")
        body, _ = await self._control.publish_event({"type": event_type, "payload": payload, "app": app})
        occurrences = body["data"]["occurrences"]
        return {"message": f"published {event_type}: {len(occurrences)} occurrence(s)", **body["data"]}

    async def reset(self, fields: Fields) -> dict[str, Any]:
        await self._control.reset()
        return {"message": "state reset"}

    async def load_fixtures(self, fields: Fields) -> dict[str, Any]:
        document = fields.get("document")
        if not isinstance(document, str) or not document.strip():
            raise ValidationError("document: paste a fixture in YAML or JSON")
        body, _ = await self._control.load_fixtures(document)
        counts = body["data"]
        loaded = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        return {"message": f"fixture loaded: {loaded}", "counts": counts}


def _text(fields: Fields, key: str) -> str:
    value = fields.get(key)
    if not isinstance(value, str) or not value:
        raise ValidationError(f"{key}: a non-empty string is required")
    return value
