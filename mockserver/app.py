"""Build the ASGI application: Connexion from the spec, the gateway in front of it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import orjson
from connexion import AsyncApp
from connexion.exceptions import ProblemException
from connexion.jsonifier import Jsonifier
from connexion.middleware.main import ConnexionMiddleware
from connexion.middleware.security import SecurityMiddleware
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver
from orchestration_spec import CONTROL_SPEC
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware

from mockserver import stack
from mockserver.config import CONTROL_PREFIX, Settings
from mockserver.control.handlers import ControlApi
from mockserver.errors import MockError
from mockserver.http import error_handlers
from mockserver.http.accesslog import AccessLog
from mockserver.http.asgi import json_bytes
from mockserver.http.auth import TokenAuthority, kept_signing_key, load_signing_key
from mockserver.http.control_access import ControlAccess
from mockserver.http.fastpath import FastRoutes
from mockserver.http.forcing import OperationIndex
from mockserver.http.gateway import Gateway
from mockserver.http.latency import hide_deliberate_drops
from mockserver.http.mounts import Mounts
from mockserver.http.paths import route_every_character
from mockserver.http.trustedspec import trusted_specs
from mockserver.http.validation import VALIDATOR_MAP
from mockserver.inspector import create_inspector
from mockserver.state import gcpolicy
from mockserver.state.backend import Backend
from mockserver.state.tenants import Tenants


class _OrjsonModule:
    """The jsonifier interface Connexion expects, backed by orjson for speed."""

    @staticmethod
    def dumps(obj: Any, **_: Any) -> str:
        return json_bytes(obj).decode()

    @staticmethod
    def loads(data: str | bytes, **_: Any) -> Any:
        return orjson.loads(data)


@dataclass
class MockApp:
    asgi: Any
    backend: Backend  # the default tenant's
    authority: TokenAuthority
    tenants: Tenants


def package_version() -> str:
    try:
        return version("formance-orchestration-mock")
    except PackageNotFoundError:
        return "develop"


def create_app(settings: Settings | None = None) -> MockApp:
    """Everything the server needs, wired once; ``uvicorn`` serves ``MockApp.asgi``."""
    settings = settings or Settings()
    tenants = Tenants(settings)  # replays the state file(s) when there are any, else loads the fixtures
    backend = tenants.default
    authority = TokenAuthority(
        issuer=settings.issuer,
        lifetime=settings.token_lifetime,
        clients=settings.clients,
        key=_signing_key(settings),
        services=stack.SERVICES,
    )

    # gateway.py enforces auth the way the real service does (by method scope, before routing
    # errors), so Connexion's own security middleware is left out.
    middlewares = [m for m in ConnexionMiddleware.default_middlewares if m is not SecurityMiddleware]
    route_every_character()
    access_log = AccessLog() if settings.access_log else None
    app = AsyncApp(
        __name__,
        jsonifier=Jsonifier(_OrjsonModule),
        lifespan=_lifespan(tenants, access_log),
        middlewares=middlewares,
        validator_map=VALIDATOR_MAP,
    )
    served = Mounts(stack.mounts(settings, lambda: tenants.current, package_version()))
    control = Resolver(function_resolver=ControlApi(tenants).registry().__getitem__)
    # One registration serves both the root and the gateway prefix for a root-served API: the
    # gateway marks prefixed requests with an ASGI root_path, which routing strips (and Swagger UI
    # writes into servers). Starlette tries mounts in order, and a base path of "" takes every
    # path: the longest base paths go first.
    with trusted_specs():
        for mount in sorted(served, key=lambda m: -len(m.connexion_base)):
            app.add_api(
                mount.spec,
                base_path=mount.connexion_base,
                resolver=Resolver(function_resolver=mount.handlers.__getitem__),
                pythonic_params=True,
                swagger_ui_options=_swagger_ui_options(settings, mount.service),
                name=mount.name,
            )
        app.add_api(
            stack.spec(CONTROL_SPEC),
            base_path=CONTROL_PREFIX,
            resolver=control,
            pythonic_params=True,
            swagger_ui_options=SwaggerUIOptions(swagger_ui=False),
            name="control",
        )
    app.add_error_handler(MockError, error_handlers.mock_error)
    app.add_error_handler(ProblemException, error_handlers.problem)
    allowed = error_handlers.AllowedMethods(served, (CONTROL_PREFIX, stack.spec(CONTROL_SPEC)))
    app.add_error_handler(
        HTTPException, error_handlers.http_exception_handler(allowed, real_quirks=settings.real_quirks)
    )
    app.add_error_handler(UnicodeDecodeError, error_handlers.undecodable)
    app.add_error_handler(RecursionError, error_handlers.undecodable)
    app.add_error_handler(ValueError, error_handlers.value_error)
    app.add_error_handler(Exception, error_handlers.unexpected)
    fast_routes = FastRoutes()
    for mount in served:
        fast_routes.add(mount.spec, mount.handlers, mount.prefix + mount.base)
        if mount.at_root:
            fast_routes.add(mount.spec, mount.handlers, mount.base)
    inspector = create_inspector(tenants, ControlAccess(settings))
    operations = OperationIndex(served)
    tenants.operation_of = operations.operation_id_of
    hide_deliberate_drops()
    asgi: Any = Gateway(app, tenants, authority, fast_routes, inspector, operations, served, access_log)
    if settings.cors_origins:
        # Outside the gateway: a browser's preflight carries no token and must not be refused.
        asgi = CORSMiddleware(
            asgi,
            allow_origins=list(settings.cors_origins),
            allow_methods=["*"],
            allow_headers=["*"],
            allow_credentials=True,
        )
    return MockApp(asgi=asgi, backend=backend, authority=authority, tenants=tenants)


def _signing_key(settings: Settings) -> Any:
    """--signing-key; else, with --state-file, a key kept beside the state; else a fresh one."""
    if settings.signing_key is not None:
        return load_signing_key(settings.signing_key)
    if settings.state_file is not None:
        return kept_signing_key(settings.state_file.with_name(settings.state_file.name + ".key"))
    return None


def _swagger_ui_options(settings: Settings, service: str) -> SwaggerUIOptions:
    """Swagger UI at ``/api/<service>/ui/``, served offline from Connexion's bundle.

    The served spec's ``servers`` is the mount path and its ``tokenUrl`` is origin-relative,
    so "Authorize" and "Try it out" reach this mock on whatever host and port it runs.
    The client fields are pre-filled only when any client is accepted: a configured secret
    must not be shown to whoever opens the page.
    """
    init_oauth: dict[str, Any] = {"scopes": [f"{service}:read", f"{service}:write"]}
    if not settings.clients:
        init_oauth.update(clientId="swagger-ui", clientSecret="any")
    return SwaggerUIOptions(
        swagger_ui=True,
        swagger_ui_path="/ui",
        # validatorUrl None: the default badge would call validator.swagger.io.
        swagger_ui_config={"persistAuthorization": True, "displayRequestDuration": True, "validatorUrl": None},
        swagger_ui_template_arguments={"initOAuth": init_oauth},
    )


def _lifespan(tenants: Tenants, access_log: AccessLog | None = None) -> Any:
    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        settings = tenants.settings
        tasks = [asyncio.create_task(_pump_forever(tenants))] if settings.clock == "real" else []
        if settings.state_file is not None:
            tasks.append(asyncio.create_task(_autosave_forever(tenants)))
        if tenants.enabled:
            tasks.append(asyncio.create_task(_sweep_forever(tenants)))
        if access_log is not None:
            tasks.append(asyncio.create_task(_flush_forever(access_log)))
        gcpolicy.install()
        try:
            yield
        finally:
            gcpolicy.uninstall()
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            for backend in tenants.backends():
                await backend.webhooks.close()  # deliveries in flight end with the server
            for persistence in tenants.persistences():
                persistence.save(force=True)  # after the last request: SIGTERM loses nothing
            if access_log is not None:
                access_log.flush()

    return lifespan


async def _autosave_forever(tenants: Tenants) -> None:
    """Every tenant's state file, saved every --state-interval when it changed (off the loop)."""
    while True:
        await asyncio.sleep(tenants.settings.state_interval)
        for persistence in tenants.persistences():
            await persistence.save_changes()


async def _sweep_forever(tenants: Tenants) -> None:
    while True:
        await asyncio.sleep(min(60.0, tenants.settings.tenant_ttl / 4))
        tenants.sweep()


async def _flush_forever(access_log: AccessLog) -> None:
    while True:
        await asyncio.sleep(0.5)
        access_log.flush()


async def _pump_forever(tenants: Tenants) -> None:
    """With a real clock, delays and retries fire on time even when nobody asks (in every tenant)."""
    while True:
        pause = 0.25
        for backend in tenants.backends():
            backend.pump()
            wake = backend.engine.next_wakeup()
            if wake is not None:
                pause = min(pause, max((wake - backend.clock.now()).total_seconds(), 0.005))
        await asyncio.sleep(pause)
