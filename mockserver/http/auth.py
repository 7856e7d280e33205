"""OAuth2 client credentials: the mock issues RS256 JWTs and checks them on every API call.

Each service of the stack has its two scopes: reads need ``<service>:read`` or
``<service>:write``, every other method ``<service>:write``, as in the real services
(``orchestration:read``, ``ledger:write``, ...). A token asked without ``scope`` carries every
scope of every service the mock serves, so one token works across the stack. A verified
token is cached until it expires, so a client reusing its token costs one dictionary lookup
per request.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from mockserver.errors import Forbidden, Unauthorized, ValidationError

READ_SCOPE = "orchestration:read"
WRITE_SCOPE = "orchestration:write"
AUDIENCE = "orchestration"  # kept as it was: tokens issued before a restart (--state-file) stay valid
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SCOPE_TOKEN = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
_CACHE_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class Grant:
    access_token: str
    expires_in: int
    scope: str

    def as_json(self) -> dict[str, object]:
        return {
            "access_token": self.access_token,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
            "scope": self.scope,
        }


class TokenAuthority:
    """Issues and verifies the mock's tokens with a key pair made at start-up."""

    def __init__(
        self,
        *,
        issuer: str,
        lifetime: int = 3600,
        clients: dict[str, str] | None = None,
        key: rsa.RSAPrivateKey | None = None,
        services: tuple[str, ...] = ("orchestration",),
    ) -> None:
        self.issuer = issuer
        self.default_scopes = tuple(f"{service}:{kind}" for service in services for kind in ("read", "write"))
        self.lifetime = lifetime
        self.clients = dict(clients or {})
        self._key_source = _generated_key() if key is None else _ready(key)
        self._verified: dict[str, tuple[frozenset[str], float, str]] = {}

    @cached_property
    def _key(self) -> rsa.RSAPrivateKey:
        return self._key_source.result()

    @cached_property
    def _public(self) -> rsa.RSAPublicKey:
        return self._key.public_key()

    @cached_property
    def key_id(self) -> str:
        return "mock-" + format(self._public.public_numbers().n % (1 << 32), "08x")

    def issue(self, client_id: str, client_secret: str, scope: str | None) -> Grant:
        """Any client is accepted unless clients are configured; scopes default to every
        service's read and write."""
        if not client_id:
            raise Unauthorized("invalid_client: missing client_id")
        if self.clients and self.clients.get(client_id) != client_secret:
            raise Unauthorized("invalid_client: unknown client or wrong secret")
        # Any well-formed scope is granted, as a stack's auth server would for a client allowed
        # them all; only those of a served service open anything here.
        requested = scope.split() if scope else list(self.default_scopes)
        malformed = [s for s in requested if not SCOPE_TOKEN.match(s)]
        if malformed:
            raise ValidationError(f"invalid_scope: malformed scope(s) {' '.join(malformed)}")
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": client_id,
            "aud": AUDIENCE,
            "iat": now,
            "exp": now + self.lifetime,
            "scope": " ".join(requested),
        }
        token = jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.key_id})
        return Grant(access_token=token, expires_in=self.lifetime, scope=claims["scope"])

    def scopes_of(self, token: str) -> frozenset[str]:
        return self._verify(token)[0]

    def _verify(self, token: str) -> tuple[frozenset[str], float, str]:
        """(scopes, expiry, client id) of a token this mock signed; Unauthorized otherwise."""
        cached = self._verified.get(token)
        if cached is not None and cached[1] > time.time():
            return cached
        try:
            # A verifier picks the key by ``kid`` from its JWKS: a token naming another key is refused
            # even when its signature would check out.
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"invalid token: {exc}") from exc
        if kid != self.key_id:
            raise Unauthorized("invalid token: unknown signing key (kid)")
        try:
            claims = jwt.decode(
                token,
                self._public,
                algorithms=["RS256"],
                audience=AUDIENCE,
                issuer=self.issuer,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"invalid token: {exc}") from exc
        verified = (frozenset(str(claims.get("scope", "")).split()), float(claims["exp"]), str(claims.get("sub", "")))
        if len(self._verified) >= _CACHE_LIMIT:
            self._verified.clear()
        self._verified[token] = verified
        return verified

    def authorize(self, header: str | None, method: str, service: str = "orchestration") -> str:
        """The token's client id, unless the Authorization header does not grant ``method`` on
        ``service`` (then Unauthorized or Forbidden)."""
        if not header:
            raise Unauthorized("missing Authorization header")
        # The scheme is case-insensitive (``bearer`` works, as on the real service); the token
        # follows after exactly one space and has no blanks in it.
        kind, _, token = header.partition(" ")
        if kind.lower() != "bearer" or not token or token != token.strip() or " " in token:
            raise Unauthorized("Authorization header must be 'Bearer <token>'")
        scopes, _, client_id = self._verify(token)
        write = f"{service}:write"
        if write in scopes:
            return client_id
        read = f"{service}:read"
        if method in READ_METHODS and read in scopes:
            return client_id
        raise Forbidden(f"token lacks the {read if method in READ_METHODS else write} scope")

    def jwks(self) -> dict[str, object]:
        numbers = self._public.public_numbers()

        def b64(value: int) -> str:
            raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
            return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

        key = {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.key_id, "n": b64(numbers.n), "e": b64(numbers.e)}
        return {"keys": [key]}


def _generated_key() -> Future[rsa.RSAPrivateKey]:
    """A fresh key, made on a thread: 2048-bit generation takes ~70 ms (a sixth of the start-up),
    OpenSSL releases the GIL meanwhile, and nothing needs the key before the first token."""
    future: Future[rsa.RSAPrivateKey] = Future()

    def generate() -> None:
        future.set_result(rsa.generate_private_key(public_exponent=65537, key_size=2048))

    threading.Thread(target=generate, name="signing-key", daemon=True).start()
    return future


def _ready(key: rsa.RSAPrivateKey) -> Future[rsa.RSAPrivateKey]:
    future: Future[rsa.RSAPrivateKey] = Future()
    future.set_result(key)
    return future


def load_signing_key(path: Path) -> rsa.RSAPrivateKey:
    """Read an RSA private key (PEM, unencrypted); ValueError says why one cannot be used."""
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (TypeError, ValueError) as exc:  # TypeError: the key is encrypted
        raise ValueError(f"{path}: cannot read an unencrypted PEM private key: {exc}") from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError(f"{path}: not an RSA private key (RS256 needs one)")
    return key


def kept_signing_key(path: Path) -> rsa.RSAPrivateKey:
    """The key at ``path``, made and written there (owner-only) on first use.

    With ``--state-file`` the state outlives the process; the key that signed the clients'
    tokens must too, or a restart would turn every token they hold into a 401.
    """
    path = Path(path)
    if path.exists():
        return load_signing_key(path)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return load_signing_key(path)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
        handle.flush()
        os.fsync(handle.fileno())
    return key


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """Client credentials sent as HTTP Basic, the other form RFC 6749 allows."""
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, _, secret = decoded.partition(":")
    return client_id, secret
