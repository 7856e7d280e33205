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
from orchestration_spec import CONTROL_SPEC, ORCHESTRATION_SPEC
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware

from mockserver import http_errors
from mockserver.api import OrchestrationApi
from mockserver.auth import TokenAuthority
from mockserver.backend import Backend
from mockserver.clock import SystemClock
from mockserver.config import CONTROL_PREFIX, GATEWAY_PREFIX, Settings
from mockserver.control import ControlApi
from mockserver.errors import MockError
from mockserver.fixtures import load_fixture_files
from mockserver.gateway import Gateway


class _OrjsonModule:
    """The jsonifier interface Connexion expects, backed by orjson for speed."""

    @staticmethod
    def dumps(obj: Any, **_: Any) -> str:
        return orjson.dumps(obj).decode()

    @staticmethod
    def loads(data: str | bytes, **_: Any) -> Any:
        return orjson.loads(data)


@dataclass
class MockApp:
    asgi: Any
    backend: Backend
    authority: TokenAuthority


def package_version() -> str:
    try:
        return version("formance-orchestration-mock")
    except PackageNotFoundError:
        return "develop"


def create_app(settings: Settings | None = None) -> MockApp:
    """Everything the server needs, wired once; ``uvicorn`` serves ``MockApp.asgi``."""
    settings = settings or Settings()
    backend = Backend(settings)
    load_fixture_files(backend, settings.fixtures)
    authority = TokenAuthority(issuer=settings.issuer, lifetime=settings.token_lifetime, clients=settings.clients)

    # gateway.py enforces auth the way the real service does (by method scope, before routing
    # errors), so Connexion's own security middleware is left out.
    middlewares = [m for m in ConnexionMiddleware.default_middlewares if m is not SecurityMiddleware]
    app = AsyncApp(__name__, jsonifier=Jsonifier(_OrjsonModule), lifespan=_lifespan(backend), middlewares=middlewares)
    api = Resolver(function_resolver=OrchestrationApi(backend, package_version()).registry().__getitem__)
    control = Resolver(function_resolver=ControlApi(backend).registry().__getitem__)
    no_ui = SwaggerUIOptions(swagger_ui=False)
    # Connexion sorts APIs by base path, so the root mount catches only what the others do not.
    app.add_api(
        ORCHESTRATION_SPEC,
        base_path=GATEWAY_PREFIX,
        resolver=api,
        pythonic_params=True,
        swagger_ui_options=SwaggerUIOptions(swagger_ui=True, swagger_ui_path="/ui"),
        name="gateway",
    )
    app.add_api(
        CONTROL_SPEC,
        base_path=CONTROL_PREFIX,
        resolver=control,
        pythonic_params=True,
        swagger_ui_options=no_ui,
        name="control",
    )
    app.add_api(
        ORCHESTRATION_SPEC, base_path="", resolver=api, pythonic_params=True, swagger_ui_options=no_ui, name="root"
    )
    app.add_error_handler(MockError, http_errors.mock_error)
    app.add_error_handler(ProblemException, http_errors.problem)
    app.add_error_handler(HTTPException, http_errors.http_exception)
    app.add_error_handler(UnicodeDecodeError, http_errors.undecodable)
    app.add_error_handler(RecursionError, http_errors.undecodable)
    app.add_error_handler(Exception, http_errors.unexpected)
    asgi: Any = Gateway(app, backend, authority)
    if settings.cors_origins:
        # Outside the gateway: a browser's preflight carries no token and must not be refused.
        asgi = CORSMiddleware(
            asgi,
            allow_origins=list(settings.cors_origins),
            allow_methods=["*"],
            allow_headers=["*"],
            allow_credentials=True,
        )
    return MockApp(asgi=asgi, backend=backend, authority=authority)


def _lifespan(backend: Backend) -> Any:
    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        task = asyncio.create_task(_pump_forever(backend)) if isinstance(backend.clock, SystemClock) else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    return lifespan


async def _pump_forever(backend: Backend) -> None:
    """With a real clock, delays and retries fire on time even when nobody asks."""
    while True:
        backend.engine.pump()
        wake = backend.engine.next_wakeup()
        pause = 0.25
        if wake is not None:
            pause = min(pause, max((wake - backend.clock.now()).total_seconds(), 0.005))
        await asyncio.sleep(pause)
