"""Tokens for the run: the one given with --token, or client-credentials tokens from the token endpoint.

With client credentials the suite asks for two tokens of the API under test: a write token (for
orchestration `orchestration:read orchestration:write`, for the ledger `ledger:read ledger:write`) for
everything, and a read-only token (`orchestration:read`, `ledger:read`) for the 403 checks. The read-only
token is kept only when the implementation really scopes it; otherwise the 403 checks are skipped, and the
report says so.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, replace

import httpx

from contract_tests.core.config import Config
from contract_tests.core.errors import AuthError, ServerUnreachable

__all__ = [
    "FORGED_TOKEN",
    "READ_SCOPE",
    "WRITE_SCOPE",
    "Tokens",
    "foreign_token",
    "forged_token",
    "obtain_tokens",
    "token_scopes",
]

READ_SCOPE = "orchestration:read"
WRITE_SCOPE = "orchestration:write"
LEDGER_SCOPE = "ledger:read ledger:write"
# An unsigned JWT claiming the write scope: an implementation that does not verify signatures accepts it.
FORGED_TOKEN = "eyJhbGciOiJub25lIn0.eyJzY29wZSI6Im9yY2hlc3RyYXRpb246cmVhZCBvcmNoZXN0cmF0aW9uOndyaXRlIn0."


def forged_token(service: str) -> str:
    """An unsigned JWT (`alg: none`) claiming the service's read and write scopes: only a server that does not
    verify signatures accepts it (claiming the right scopes keeps a scope check from hiding that bug)."""
    if service == "orchestration":
        return FORGED_TOKEN
    claims = json.dumps({"scope": f"{service}:read {service}:write"}, separators=(",", ":")).encode()
    return "eyJhbGciOiJub25lIn0." + base64.urlsafe_b64encode(claims).decode().rstrip("=") + "."


@dataclass(frozen=True)
class Tokens:
    write: str | None
    read: str | None
    # Why there is no read-only token, when there is none.
    read_missing_reason: str | None = None
    # For the stack's ledger API (creating the runs' ledgers): `ledger:write`, or the --token as given.
    ledger: str | None = None
    # A valid token with none of the API's scopes (another service's), for the 403 of reads; asked only by
    # the coverage phase when such a 403 is still unseen (`foreign_token`).
    foreign: str | None = None


def token_scopes(token: str) -> frozenset[str] | None:
    """The `scope` claim of a JWT, read without verification; None for opaque tokens."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    padded = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(padded))
    except (binascii.Error, ValueError):
        return None
    scope = claims.get("scope") if isinstance(claims, dict) else None
    if isinstance(scope, list):
        return frozenset(str(s) for s in scope)
    return frozenset(str(scope).split()) if isinstance(scope, str) else None


def _request_token(config: Config, client: httpx.Client, scope: str) -> tuple[str, frozenset[str] | None]:
    form = {
        "grant_type": "client_credentials",
        "client_id": config.client_id or "",
        "client_secret": config.client_secret or "",
        "scope": scope,
    }
    try:
        reply = client.post(config.effective_token_url, data=form)
    except httpx.TransportError as exc:
        raise ServerUnreachable(f"token endpoint {config.effective_token_url} unreachable: {exc}") from exc
    if reply.status_code != 200:
        raise AuthError(f"token endpoint answered {reply.status_code} for scope {scope!r}: {reply.text[:200]}")
    try:
        payload = reply.json()
        token = payload["access_token"]
    except (ValueError, KeyError, TypeError) as exc:
        raise AuthError(f"token endpoint answered without access_token: {reply.text[:200]}") from exc
    granted = payload.get("scope")
    scopes = frozenset(granted.split()) if isinstance(granted, str) else token_scopes(token)
    return token, scopes


def obtain_tokens(config: Config, client: httpx.Client) -> Tokens:
    """Get the run's tokens; raise `AuthError` when the credentials are refused."""
    if config.token:
        reason = "only --token given (no client credentials)"
        return Tokens(write=config.token, read=None, read_missing_reason=reason, ledger=config.token)
    if not config.client_id:
        return Tokens(write=None, read=None, read_missing_reason="no credentials given")
    service = config.service
    if service.name == "wallets":
        return _wallets_tokens(config, client)
    if service.name != "orchestration":
        return _service_tokens(config, client, service.read_scope, service.write_scope)
    write, _ = _request_token(config, client, f"{READ_SCOPE} {WRITE_SCOPE}")
    try:
        ledger: str | None = _request_token(config, client, LEDGER_SCOPE)[0]
    except AuthError:
        ledger = None  # a stack without the ledger's scopes: its ledgers are not the suite's to create
    try:
        read, scopes = _request_token(config, client, READ_SCOPE)
    except AuthError as exc:
        return Tokens(write=write, read=None, read_missing_reason=f"no read-only token: {exc}", ledger=ledger)
    if scopes is not None and WRITE_SCOPE in scopes:
        reason = "the token endpoint does not issue read-only tokens"
        return Tokens(write=write, read=None, read_missing_reason=reason, ledger=ledger)
    return Tokens(write=write, read=read, ledger=ledger)


def _wallets_tokens(config: Config, client: httpx.Client) -> Tokens:
    """The wallets' tokens, and one for the ledger beside them (`ledger:read`), where the suite reads the
    accounts the wallets are (None when the stack will not issue it: those checks are then skipped)."""
    tokens = _service_tokens(config, client, "wallets:read", "wallets:write")
    try:
        ledger: str | None = _request_token(config, client, "ledger:read")[0]
    except AuthError:
        ledger = None
    return replace(tokens, ledger=ledger)


def _service_tokens(config: Config, client: httpx.Client, read_scope: str, write_scope: str) -> Tokens:
    """A write token and, when the endpoint scopes tokens, a read-only one, for a service checked on its own
    (the ledger: its write token is also the one that creates the run's ledgers)."""
    write, _ = _request_token(config, client, f"{read_scope} {write_scope}")
    try:
        read, scopes = _request_token(config, client, read_scope)
    except AuthError as exc:
        return Tokens(write=write, read=None, read_missing_reason=f"no read-only token: {exc}", ledger=write)
    if scopes is not None and write_scope in scopes:
        reason = "the token endpoint does not issue read-only tokens"
        return Tokens(write=write, read=None, read_missing_reason=reason, ledger=write)
    return Tokens(write=write, read=read, ledger=write)


def foreign_token(config: Config, service: str) -> str | None:
    """A token of another service's read scope only (a valid token the API under test must refuse with 403),
    or None: no client credentials, a refused scope, or an endpoint that grants the API's scopes anyway."""
    if not config.client_id:
        return None
    other = "ledger:read" if service == "orchestration" else "orchestration:read"
    with httpx.Client(timeout=config.request_timeout) as client:
        try:
            token, scopes = _request_token(config, client, other)
        except (AuthError, ServerUnreachable):
            return None
    if scopes is None or any(scope.startswith(f"{service}:") for scope in scopes):
        return None
    return token
