"""Isolated tenants on one server (``--tenancy client``): one backend per OAuth client id.

Each tenant has all its own state: workflows, instances, triggers, occurrences, clock, bank,
journal and fault rules. API calls act on the tenant of their token's client id; control calls
choose theirs with ``X-Mock-Tenant`` (none: the default tenant). A tenant is created on first
use, with the start-up fixtures, and dropped after ``--tenant-ttl`` seconds without a request
(so memory stays bounded). With ``--state-file`` every tenant keeps its own file beside it.

The gateway picks the tenant per request and sets it as the current one (a context variable,
so concurrent requests of different tenants never see each other's); handlers read
``tenants.current``. With tenancy off there is only the default tenant.
"""

from __future__ import annotations

import contextvars
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote, unquote

from mockserver.config import Settings
from mockserver.errors import ValidationError
from mockserver.state.backend import Backend
from mockserver.state.fixtures import load_fixture_files
from mockserver.state.journal import OperationOf
from mockserver.state.persistence import Persistence

DEFAULT = ""  # the default tenant's id: requests without a tenant
MAX_TENANT_ID = 64  # quoted, it names a file: 64 * 3 + suffix stays under 255 bytes
_VALID_ID = re.compile(r"^[\x21-\x7e]+$")  # printable ASCII without spaces, as OAuth client ids are
_CURRENT: contextvars.ContextVar[Backend | None] = contextvars.ContextVar("mock_tenant", default=None)


class Tenants:
    def __init__(self, settings: Settings, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self.enabled = settings.tenancy == "client"
        self._now = clock
        self._backends: dict[str, Backend] = {}
        self._persistence: dict[str, Persistence] = {}
        self._last_used: dict[str, float] = {}
        self._operation_of: OperationOf | None = None
        self.default = self._open(DEFAULT)
        if self.enabled and settings.state_file is not None:
            for path in sorted(self._tenant_dir().glob("*.state")):
                self._open(unquote(path.name.removesuffix(".state")))

    @property
    def operation_of(self) -> OperationOf | None:
        return self._operation_of

    @operation_of.setter
    def operation_of(self, resolve: OperationOf) -> None:
        """How every tenant's journal names the operation of a request (wired by the app)."""
        self._operation_of = resolve
        for backend in self._backends.values():
            backend.journal.operation_of = resolve

    @property
    def current(self) -> Backend:
        return _CURRENT.get() or self.default

    def use(self, backend: Backend) -> contextvars.Token[Backend | None]:
        return _CURRENT.set(backend)

    def release(self, token: contextvars.Token[Backend | None]) -> None:
        _CURRENT.reset(token)

    def get(self, tenant: str) -> Backend:
        """The tenant's backend, created on first use (the default tenant when tenancy is off)."""
        if not self.enabled or tenant == DEFAULT:
            return self.default
        found = self._backends.get(tenant)
        if found is None:
            if len(tenant) > MAX_TENANT_ID or not _VALID_ID.match(tenant):
                raise ValidationError(f"a tenant id is 1 to {MAX_TENANT_ID} printable ASCII characters")
            self.sweep()
            found = self._open(tenant)
        self._last_used[tenant] = self._now()
        return found

    def ids(self) -> list[str]:
        return sorted(t for t in self._backends if t != DEFAULT)

    def backends(self) -> Iterator[Backend]:
        return iter(list(self._backends.values()))

    def persistences(self) -> Iterator[Persistence]:
        return iter(list(self._persistence.values()))

    def sweep(self) -> list[str]:
        """Drop the tenants idle for longer than ``--tenant-ttl`` (their state files too)."""
        limit = self._now() - self.settings.tenant_ttl
        idle = [t for t, used in self._last_used.items() if used < limit and t != DEFAULT]
        for tenant in idle:
            self._backends.pop(tenant).clear()
            self._last_used.pop(tenant)
            kept = self._persistence.pop(tenant, None)
            if kept is not None:
                kept.file.path.unlink(missing_ok=True)
        return idle

    def _open(self, tenant: str) -> Backend:
        if self.settings.state_file is None:
            backend = Backend(self.settings)
            load_fixture_files(backend, self.settings.fixtures)
        else:
            path = self.settings.state_file
            if tenant != DEFAULT:
                path = self._tenant_dir() / (quote(tenant, "") + ".state")
            persistence = Persistence.open(replace(self.settings, state_file=path))
            self._persistence[tenant] = persistence
            backend = persistence.backend
        if self._operation_of is not None:
            backend.journal.operation_of = self._operation_of
        self._backends[tenant] = backend
        self._last_used[tenant] = self._now()
        return backend

    def _tenant_dir(self) -> Path:
        assert self.settings.state_file is not None
        directory = self.settings.state_file.with_name(self.settings.state_file.name + ".tenants")
        directory.mkdir(parents=True, exist_ok=True)
        return directory
