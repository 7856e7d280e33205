"""Who may call the control API under ``/_mock``: nobody with ``--control off``; with
``--control-token``, whoever sends that token as a bearer; otherwise anyone on the port."""

from __future__ import annotations

import hmac

from mockserver.config import Settings
from mockserver.errors import MockError, NotFound, Unauthorized
from mockserver.http.asgi import Scope, header


class ControlAccess:
    def __init__(self, settings: Settings) -> None:
        self.enabled = settings.control
        self.token = settings.control_token

    def allows(self, scope: Scope) -> bool:
        if not self.enabled:
            return False
        if self.token is None:
            return True
        offered = header(scope, b"authorization") or ""
        return hmac.compare_digest(offered.encode(), f"Bearer {self.token}".encode())

    def refusal(self) -> MockError:
        if not self.enabled:
            return NotFound("the control API is disabled (--control off)")
        return Unauthorized("the control API needs its own token (--control-token)")
