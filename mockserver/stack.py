"""The services of the stack the mock serves, each as the mounts of its API versions.

Adding a service is one function here: its spec, its handlers on the tenant's state, the
gateway prefix it lives under and the paths that need a token. The app (app.py) mounts them
all in Connexion and hands them to the edge; nothing else names a service.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from orchestration_spec import LEDGER_SPEC, ORCHESTRATION_SPEC, ORCHESTRATION_V2_SPEC, WALLETS_SPEC, WEBHOOKS_SPEC

from mockserver.config import GATEWAY_PREFIX, V2_PREFIX, Settings
from mockserver.http.mounts import Mount
from mockserver.http.speccache import load_spec
from mockserver.http.validation import RAW_BODY
from mockserver.ledger.handlers import LedgerApi
from mockserver.orchestration.api.v1 import OrchestrationApi
from mockserver.orchestration.api.v2 import OrchestrationApiV2
from mockserver.state.backend import Backend
from mockserver.wallets.handlers import WalletsApi
from mockserver.wallets.specview import as_validated as wallets_as_validated
from mockserver.webhooks.handlers import WebhooksApi

# Orchestration: v1 at the root, v2 under /v2, each also under the gateway prefix.
_ORCHESTRATION_PROTECTED = re.compile(r"^(?:/v2)?/(?:workflows|instances|triggers)(?:/|$)")
_ORCHESTRATION_ROOTS = re.compile(r"^(?:/v2)?/(?:workflows|instances|triggers)(?:/[^/]+)?$")
LEDGER_PREFIX = "/api/ledger"
# Bodies the ledger parses itself: the log import stream (application/octet-stream) and the two
# bulk streams of formancehq/ledger v2.4.6 (``internal/api/v2/routes.go``).
LEDGER_STREAMS = frozenset(
    {
        "application/octet-stream",
        "application/vnd.formance.ledger.api.v2.bulk+json-stream",
        "application/vnd.formance.ledger.api.v2.bulk+script-stream",
    }
)
WEBHOOKS_PREFIX = "/api/webhooks"
# The services whose scopes a token asked without ``scope`` carries.
SERVICES = ("orchestration", "ledger", "webhooks", "wallets")


@functools.cache
def spec(path: Path) -> dict[str, Any]:
    """Each spec parsed once per process (and cached across processes, see speccache)."""
    return load_spec(path)


def mounts(settings: Settings, current: Callable[[], Backend], version: str) -> list[Mount]:
    """Every API the mock serves, for the tenant ``current()`` returns at request time."""
    return [
        *orchestration_mounts(settings, current, version),
        ledger_mount(current),
        webhooks_mount(current),
        wallets_mount(current),
    ]


def ledger_mount(current: Callable[[], Backend]) -> Mount:
    """Ledger v2 under ``/api/ledger``, info and metrics at ``/api/ledger/_/...`` as the release
    serves them. Its auth middleware runs before its router, so every other path needs a token."""
    return Mount(
        name="ledger",
        service="ledger",
        prefix=LEDGER_PREFIX,
        base="",
        spec=spec(LEDGER_SPEC),
        handlers=LedgerApi(lambda: current().ledger).registry(),
        protected=re.compile(r"^(?!/_/(?:info|metrics)/?$)"),
        integer_message=_ledger_integer_message,
        raw_media=LEDGER_STREAMS,
    )


WALLETS_PREFIX = "/api/wallets"


def wallets_mount(current: Callable[[], Backend]) -> Mount:
    """Wallets v1 under ``/api/wallets``. The release's auth middleware guards the group of its
    routes (``pkg/api/router.go:34-67``): ``/_info`` and unknown top-level paths need no token.
    Collections and ``/{id}`` roots take a trailing slash (chi sub-routers), leaves do not."""
    return Mount(
        name="wallets",
        service="wallets",
        prefix=WALLETS_PREFIX,
        base="",
        spec=wallets_as_validated(spec(WALLETS_SPEC)),
        handlers=WalletsApi(lambda: current().wallets).registry(),
        protected=re.compile(r"^/(?:wallets|transactions|holds)(?:/|$)"),
        slash_roots=re.compile(r"^/(?:wallets(?:/[^/]+(?:/balances)?)?|transactions|holds(?:/[^/]+)?)$"),
    )


def _ledger_integer_message(_name: str, value: str, schema: dict[str, Any]) -> str:
    """The release parses a transaction id with strconv (ParseUint where it must be unsigned) and answers
    400 VALIDATION with Go's error text (``internal/api/v2/controllers_transactions_*.go``)."""
    parser = "ParseUint" if schema.get("minimum") == 0 else "ParseInt"
    digits = value.lstrip("+-" if parser == "ParseInt" else "+")
    reason = "value out of range" if digits.isdigit() else "invalid syntax"
    return f'strconv.{parser}: parsing "{value}": {reason}'


def webhooks_mount(current: Callable[[], Backend]) -> Mount:
    """Webhooks v1 under ``/api/webhooks``. Only the eight config routes sit behind the release's
    auth middleware (``pkg/server/handler.go:62-73``): ``/_info`` and unknown paths need no token."""
    return Mount(
        name="webhooks",
        service="webhooks",
        prefix=WEBHOOKS_PREFIX,
        base="",
        spec=_raw_bodies(spec(WEBHOOKS_SPEC)),
        handlers=WebhooksApi(lambda: current().webhooks).registry(),
        protected=re.compile(r"^/configs(?:/[^/]+(?:/test|/activate|/deactivate|/secret/change)?)?/?$"),
        slash_roots=re.compile(r"(?!)"),  # chi's routes are exact: a trailing slash is an unknown route
    )


def _raw_bodies(document: dict[str, Any]) -> dict[str, Any]:
    """The spec as requests are validated: the release decodes bodies itself, with its own
    messages (``pkg/server/helpers.go``), so each body goes to the handler unparsed, even an
    absent one (``http.validation.RAW_BODY``). The examples stay for Swagger UI's editor."""
    document = copy.deepcopy(document)
    for item in document["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                operation["requestBody"]["required"] = False
                for media in operation["requestBody"]["content"].values():
                    media["schema"] = {RAW_BODY: True, "description": "Decoded by the service (see the operation)."}
    return document


def orchestration_mounts(settings: Settings, current: Callable[[], Backend], version: str) -> list[Mount]:
    def orchestration() -> Any:
        return current().orchestration

    common = {
        "service": "orchestration",
        "prefix": GATEWAY_PREFIX,
        "protected": _ORCHESTRATION_PROTECTED,
        "at_root": True,
        "slash_roots": _ORCHESTRATION_ROOTS,
        # A stage number that is no int64: the service's router has no such route (a bare 404).
        "integer_message": lambda _name, value, _schema: f"stage number {value!r} is not an int64",
        "integer_bare_404_in_real": True,
    }
    v1 = Mount(
        name="orchestration",
        base="",
        spec=spec(ORCHESTRATION_SPEC),
        handlers=OrchestrationApi(orchestration, version).registry(),
        **common,
    )
    # v2 is mounted at /v2 with its paths relative to it: one base path per Connexion API keeps
    # each version's Swagger UI (/v2/ui/) and openapi.json apart.
    v2 = Mount(
        name="orchestration-v2",
        base=V2_PREFIX,
        spec=_relative_to(_v2_as_validated(settings), V2_PREFIX),
        handlers=OrchestrationApiV2(orchestration, version).registry(),
        **common,
    )
    return [v1, v2]


def _v2_as_validated(settings: Settings) -> dict[str, Any]:
    """The v2 spec requests are validated against. ``--quirks real`` loosens the two rules the
    service does not enforce, so its own answers come through: a ``pageSize`` above 1000 (it
    clamps to 100) and a testTrigger body that is not an object (it answers 500)."""
    loaded = spec(ORCHESTRATION_V2_SPEC)
    if not settings.real_quirks:
        return loaded
    loaded = copy.deepcopy(loaded)
    loaded["components"]["parameters"]["PageSize"]["schema"].pop("maximum", None)
    body = loaded["paths"]["/v2/triggers/{triggerID}/test"]["post"]["requestBody"]["content"]["application/json"]
    body["schema"] = {"description": body["schema"].get("description", "")}
    return loaded


def _relative_to(document: dict[str, Any], prefix: str) -> dict[str, Any]:
    """The spec with ``prefix`` taken off every path, for an API mounted at ``prefix``."""
    paths = {template.removeprefix(prefix) or "/": item for template, item in document["paths"].items()}
    return {**document, "paths": paths}
