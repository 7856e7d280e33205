"""The HTTP side of the mock's authorization server: token endpoint, JWKS, OpenID discovery."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import orjson

from mockserver.config import TOKEN_PATH
from mockserver.errors import MockError, PayloadTooLarge
from mockserver.http.asgi import JSON_HEADERS, Receive, Scope, Send, error_body, header, read_body, respond
from mockserver.http.auth import TokenAuthority, basic_credentials

JWKS_PATHS = frozenset({"/api/auth/keys", "/api/auth/.well-known/jwks.json", "/.well-known/jwks.json"})
OPENID_PATHS = frozenset({"/api/auth/.well-known/openid-configuration", "/.well-known/openid-configuration"})


async def token_endpoint(authority: TokenAuthority, limit: int, scope: Scope, receive: Receive, send: Send) -> None:
    """OAuth2 client credentials (RFC 6749 4.4), credentials in the form or as HTTP Basic."""
    if scope["method"] != "POST":
        await respond(send, 405, orjson.dumps({"error": "invalid_request"}), [*JSON_HEADERS, (b"allow", b"POST")])
        return
    try:
        raw = await read_body(receive, limit)
    except PayloadTooLarge as exc:
        await respond(send, exc.status, error_body(exc))
        return
    form = {k: v[0] for k, v in parse_qs(raw.decode("latin-1")).items()}
    basic = basic_credentials(header(scope, b"authorization"))
    client_id, secret = basic or (form.get("client_id", ""), form.get("client_secret", ""))
    if form.get("grant_type") != "client_credentials":
        body = {"error": "unsupported_grant_type", "error_description": "only client_credentials is supported"}
        await respond(send, 400, orjson.dumps(body))
        return
    try:
        grant = authority.issue(client_id, secret, form.get("scope"))
    except MockError as exc:
        error = "invalid_client" if exc.status == 401 else "invalid_scope"
        await respond(send, exc.status, orjson.dumps({"error": error, "error_description": exc.message}))
        return
    await respond(send, 200, orjson.dumps(grant.as_json()), [*JSON_HEADERS, (b"cache-control", b"no-store")])


def openid_configuration(authority: TokenAuthority) -> dict[str, Any]:
    issuer = authority.issuer
    return {
        "issuer": issuer,
        "token_endpoint": issuer.rsplit("/api/auth", 1)[0] + TOKEN_PATH,
        "jwks_uri": issuer + "/keys",
        "grant_types_supported": ["client_credentials"],
        "scopes_supported": ["orchestration:read", "orchestration:write"],
    }
