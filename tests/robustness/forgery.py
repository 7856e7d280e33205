"""Attacks on the mock's auth: forged tokens, malformed headers, path spellings, log leaks.

Forging needs the mock's private key for the cases that are *validly signed* but wrong
(issuer, audience, expiry, kid): the mock runs with ``--signing-key``, so a refusal
proves the claim is checked, not merely that the signature fails.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from mockserver.http.auth import AUDIENCE, load_signing_key
from tests.robustness import servers
from tests.robustness.operations import API

CLIENT_ID, CLIENT_SECRET = "app", "s3cr3t-Value-42"
CLIENT_ARGS = ("--client", f"{CLIENT_ID}:{CLIENT_SECRET}", "--client", "other:with:colons")
# Spellings of a protected path that must never slip past the gateway's auth check.
BYPASSES = (
    API + "//workflows",
    "//workflows",
    API + "/./workflows",
    API + "/workflows/",
    "/%77orkflows",
    API + "/instances/../workflows",
    "/WORKFLOWS",
    API + "/workflows?access_token=x",
    "/workflows;x=y",
)


@dataclass(frozen=True, slots=True)
class AuthCase:
    name: str
    header: str  # the whole Authorization header value
    method: str = "GET"
    expected: int = 401


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"") -> str:
    head = _b64(json.dumps(header).encode())
    body = _b64(json.dumps(claims).encode())
    return f"{head}.{body}.{_b64(signature)}"


def auth_cases(key: rsa.RSAPrivateKey, *, issuer: str, kid: str, good: str) -> list[AuthCase]:
    """Every refused token or header, plus the accepted lowercase scheme as a control case."""
    now = int(time.time())
    claims = {"iss": issuer, "aud": AUDIENCE, "sub": "attacker", "iat": now, "exp": now + 600}
    claims["scope"] = "orchestration:read orchestration:write"

    def signed(**changes: Any) -> str:
        headers = {"kid": changes.pop("_kid", kid)}
        algorithm = changes.pop("_alg", "RS256")
        body = {k: v for k, v in {**claims, **changes}.items() if v is not None}
        return jwt.encode(body, key, algorithm=algorithm, headers=headers)

    head, body, signature = good.split(".")
    tampered_claims = {**json.loads(base64.urlsafe_b64decode(body + "==")), "sub": "admin"}
    tampered = f"{head}.{_b64(json.dumps(tampered_claims).encode())}.{signature}"
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    confusion_head = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    confusion_body = _b64(json.dumps(claims).encode())
    mac = hmac.new(public_pem, f"{confusion_head}.{confusion_body}".encode(), hashlib.sha256).digest()
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    bearer = "Bearer "
    return [
        AuthCase("payload tampered, signature kept", bearer + tampered),
        AuthCase("alg none", bearer + _unsigned({"alg": "none", "typ": "JWT", "kid": kid}, claims)),
        AuthCase("alg None, with a signature", bearer + _unsigned({"alg": "None", "kid": kid}, claims, b"x")),
        AuthCase("HS256 keyed with the public key", bearer + f"{confusion_head}.{confusion_body}.{_b64(mac)}"),
        AuthCase("RS512 instead of RS256", bearer + signed(_alg="RS512")),
        AuthCase("expired", bearer + signed(iat=now - 7200, exp=now - 3600)),
        AuthCase("not yet valid (nbf)", bearer + signed(nbf=now + 3600)),
        AuthCase("issued in the future (iat)", bearer + signed(iat=now + 3600, exp=now + 7200)),
        AuthCase("no expiry", bearer + signed(exp=None)),
        AuthCase("wrong issuer", bearer + signed(iss="http://evil.test/api/auth")),
        AuthCase("no issuer", bearer + signed(iss=None)),
        AuthCase("wrong audience", bearer + signed(aud="ledger")),
        AuthCase("no audience", bearer + signed(aud=None)),
        AuthCase("another RSA key, same kid", bearer + jwt.encode(claims, stranger, "RS256", headers={"kid": kid})),
        AuthCase("unknown kid, right key", bearer + signed(_kid="other-key")),
        AuthCase("no kid, right key", bearer + jwt.encode(claims, key, "RS256")),
        AuthCase("signature stripped", bearer + ".".join(good.split(".")[:2]) + "."),
        AuthCase("two dots only", bearer + ".."),
        AuthCase("not base64", bearer + "%%%.%%%.%%%"),
        AuthCase("no scheme", good),
        AuthCase("scheme only", "Bearer"),
        AuthCase("two spaces", "Bearer  " + good),
        AuthCase("a tab", "Bearer\t" + good),
        AuthCase("token then junk", f"Bearer {good} extra"),
        AuthCase("Basic scheme", "Basic " + _b64(b"client:secret")),
        AuthCase("Token scheme", "Token " + good),
        AuthCase("missing scope: read token on a write", bearer + signed(scope="orchestration:read"), "POST", 403),
        AuthCase("missing scope: no scope claim", bearer + signed(scope=None), "GET", 403),
        AuthCase("scope in the wrong case", bearer + signed(scope="Orchestration:Write"), "POST", 403),
        AuthCase("lowercase scheme is accepted, as by the real service", "bearer " + good, "GET", 200),
        AuthCase("upper-case scheme is accepted too", "BEARER " + good, "GET", 200),
    ]


@dataclass(frozen=True, slots=True)
class Outcome:
    case: AuthCase
    status: int
    error_code: str | None

    @property
    def as_expected(self) -> bool:
        if self.status != self.case.expected:
            return False
        return self.status < 400 or self.error_code in ("UNAUTHORIZED", "FORBIDDEN")


def grant(url: str, client: str = CLIENT_ID, secret: str = CLIENT_SECRET) -> httpx.Response:
    data = {"grant_type": "client_credentials", "client_id": client, "client_secret": secret}
    return httpx.post(url + "/api/auth/oauth/token", data=data, timeout=10)


def attack(url: str, key_file: Path) -> list[Outcome]:
    """Present every case to a mock started with ``--signing-key key_file`` and ``CLIENT_ARGS``."""
    good = grant(url).json()["access_token"]
    kid = jwt.get_unverified_header(good)["kid"]
    outcomes = []
    for case in auth_cases(load_signing_key(key_file), issuer=url + "/api/auth", kid=kid, good=good):
        path = "/workflows" if case.method == "GET" else "/triggers"
        reply = httpx.request(
            case.method, url + API + path, headers={"Authorization": case.header}, json={}, timeout=10
        )
        code = reply.json().get("errorCode") if reply.status_code >= 400 else None
        outcomes.append(Outcome(case, reply.status_code, code))
    return outcomes


def bypasses(url: str) -> list[str]:
    """Path spellings that reached a protected resource without a token (expected: none)."""
    leaked = []
    for path in BYPASSES:
        reply = httpx.get(url + path, follow_redirects=True, timeout=10)
        if reply.status_code not in (401, 404, 405):
            leaked.append(f"{path}: {reply.status_code}")
    return leaked


def log_leaks(key_file: Path) -> tuple[list[str], str]:
    """Start a mock with its access log on, send secrets and tokens every way a client might,
    and return what of them the log holds (expected: nothing), with the log itself."""
    secret = CLIENT_SECRET
    with servers.serving("--signing-key", str(key_file), *CLIENT_ARGS, quiet=False) as server:
        token = grant(server.url).json()["access_token"]
        basic = base64.b64encode(f"{CLIENT_ID}:{secret}".encode()).decode()
        token_url = server.url + "/api/auth/oauth/token"
        form = {"grant_type": "client_credentials"}
        bearer = {"Authorization": f"Bearer {token}"}
        httpx.post(token_url, data=form, headers={"Authorization": f"Basic {basic}"})
        httpx.post(token_url + f"?client_id={CLIENT_ID}&client_secret={secret}", data=form)
        httpx.post(token_url, data={**form, "client_id": CLIENT_ID, "client_secret": "nope"})
        httpx.get(server.url + API + "/workflows", headers=bearer)
        httpx.get(server.url + API + "/workflows", headers={"Authorization": f"Bearer {token}x"})  # refused
        httpx.get(server.url + API + f"/workflows?access_token={token}")
        httpx.get(server.url + API + f"/workflows?Token={token}&page=1")
        httpx.post(server.url + API + "/triggers", headers=bearer, content=b"{")  # a 400
        servers.stop(server)  # flushes every log line
        text = server.log.read_text()
    needles = (secret, token, token[:40], token.split(".")[2][:20], basic, "Bearer ", "Basic ")
    return [needle[:12] + "..." for needle in needles if needle in text], text
