"""A webhooks config as formancehq/webhooks v2.3.2 stores and shows it (``pkg/config.go:15-41``).

Shown with Go's key order (``endpoint``, ``secret``, ``eventTypes``, ``id``, ``active``, ``name``,
``createdAt``, ``updatedAt``): the secret in clear everywhere, ``name`` always ``""`` (the API
cannot set it, the column exists: ``pkg/storage/migrations.go:50-58``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mockserver.core.timefmt import rfc3339


@dataclass(slots=True)
class Config:
    id: str
    endpoint: str
    secret: str
    event_types: list[str]
    created_at: datetime
    updated_at: datetime
    active: bool = True
    name: str = ""
    # Breaks ties of ``updated_at`` (a manual clock gives many configs the same instant): the
    # release orders by ``updated_at DESC`` alone, which Postgres leaves unordered on a tie.
    touched: int = field(default=0, compare=False)

    def view(self) -> dict[str, Any]:
        return {
            "endpoint": self.endpoint,
            "secret": self.secret,
            "eventTypes": list(self.event_types),
            "id": self.id,
            "active": self.active,
            "name": self.name,
            "createdAt": rfc3339(self.created_at),
            "updatedAt": rfc3339(self.updated_at),
        }
