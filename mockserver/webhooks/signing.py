"""Webhook signatures as formancehq/webhooks v2.3.2 makes and checks them (``pkg/security/security.go``).

The signed message is ``<webhook id>.<unix seconds>.<body bytes>``; the key is the config's
secret *as text* (its UTF-8 bytes: the base64 string is not decoded, unlike Standard Webhooks);
the digest is HMAC-SHA256 in standard base64 with padding, sent as ``v1,<base64>`` in
``formance-webhook-signature``. ``verify`` is the release's ``Verify``: the header may hold
several space-separated ``version,signature`` entries, and any ``v1`` one that matches passes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

VERSION = "v1"


def sign(webhook_id: str, timestamp: int, secret: str, body: bytes) -> str:
    message = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret.encode("utf-8", "surrogateescape"), message, hashlib.sha256).digest()
    return f"{VERSION},{base64.b64encode(digest).decode()}"


def verify(header: str, webhook_id: str, timestamp: int, secret: str, body: bytes) -> bool:
    expected = sign(webhook_id, timestamp, secret, body).split(",", 1)[1].encode()
    for entry in header.split(" "):
        parts = entry.split(",")
        if len(parts) >= 2 and parts[0] == VERSION and hmac.compare_digest(parts[1].encode(), expected):
            return True
    return False


def spoiled(signature: str) -> str:
    """A signature that no receiver accepts, shaped like a real one (the ``badSignature`` fault)."""
    version, _, value = signature.partition(",")
    digest = bytearray(base64.b64decode(value))
    digest[0] ^= 0xFF
    return f"{version},{base64.b64encode(bytes(digest)).decode()}"
