"""The stack's ledgers, recorded through their own API: every ledger and its whole log.

A ledger's log is its history (formancehq/ledger v2.4.6 exports it as one JSON log per line,
``POST /v2/{ledger}/logs/export``), so recording the log and importing it into a fresh ledger
puts back every transaction, account, metadata and volume with their ids and instants, and the
log hashes with them: the fixture entry is ``{bucket, metadata, features, logs}``. Each listed
ledger and each log is held to the project's ledger spec before anything is written.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import orjson
import yaml
from openapi_schema_validator import OAS30Validator
from orchestration_spec import LEDGER_SPEC

from mockserver.recorder.errors import AuthFailed, NonConforming, Unreachable

ORCHESTRATION_PREFIX = "/api/orchestration"
LEDGER_PREFIX = "/api/ledger"


def default_ledger_root(api_root: str) -> str:
    """The ledger API beside the orchestration one: a gateway serves both (``/api/ledger``)."""
    parts = urlsplit(api_root)
    path = parts.path.rstrip("/")
    prefix = path[: -len(ORCHESTRATION_PREFIX)] if path.endswith(ORCHESTRATION_PREFIX) else ""
    return f"{parts.scheme}://{parts.netloc}{prefix}{LEDGER_PREFIX}"


@cache
def _schemas() -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(LEDGER_SPEC.read_text(), Loader=loader)


def _check(name: str, value: Any, what: str) -> None:
    root = {**_schemas(), "$ref": f"#/components/schemas/{name}"}
    error = next(iter(OAS30Validator(root).iter_errors(value)), None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(body)"
        raise NonConforming(f"{what}: not the ledger spec's {name}: {error.message} at {where}")


def record_ledgers(client: httpx.Client, token: str, root: str, page_size: int) -> dict[str, dict[str, Any]]:
    """``{name: {bucket, metadata, features, logs}}`` of every live ledger at ``root``."""
    headers = {"Authorization": f"Bearer {token}"}
    ledgers: dict[str, dict[str, Any]] = {}
    query: dict[str, Any] = {"pageSize": min(page_size, 100)}
    while True:
        page = _answer(client, "GET", f"{root}/v2", headers, query).json()
        _check("V2LedgerListResponse", page, f"GET {root}/v2")
        for ledger in page["cursor"]["data"]:
            ledgers[ledger["name"]] = {
                "addedAt": ledger["addedAt"],
                "bucket": ledger["bucket"],
                "metadata": ledger.get("metadata") or {},
                "features": ledger.get("features") or {},
                "logs": _logs(client, headers, root, ledger["name"]),
            }
        following = page["cursor"].get("next")
        if not page["cursor"]["hasMore"] or not following:
            return ledgers
        query = {"cursor": following}


def _logs(client: httpx.Client, headers: dict[str, str], root: str, name: str) -> list[dict[str, Any]]:
    url = f"{root}/v2/{quote(name, safe='')}/logs/export"
    lines = _answer(client, "POST", url, headers, None).content.splitlines()
    logs = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            log = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise NonConforming(f"POST {url}: line {number} is not JSON") from exc
        _check("V2Log", log, f"POST {url}: line {number}")
        logs.append(log)
    return logs


def _answer(client: httpx.Client, method: str, url: str, headers: dict[str, str], params: Any) -> httpx.Response:
    try:
        reply = client.request(method, url, headers=headers, params=params)
    except httpx.TransportError as exc:
        raise Unreachable(f"cannot reach {url}: {str(exc) or type(exc).__name__}") from exc
    if reply.status_code in (401, 403):
        raise AuthFailed(f"{method} {url} refused the credentials ({reply.status_code}): the token needs ledger:read")
    if reply.status_code != 200:
        raise NonConforming(f"{method} {url} answered {reply.status_code}, not 200")
    return reply
