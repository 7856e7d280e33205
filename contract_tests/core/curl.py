"""Runnable `curl` commands that reproduce a request.

The Authorization header is written as `"Authorization: Bearer $TOKEN"` (double quotes, so the shell expands
it; `$READ_TOKEN` for the read-only token) unless the real token is revealed on purpose.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping

__all__ = ["TOKEN_VARIABLES", "curl_command"]

# Which environment variable a reproduction reads for each identity.
TOKEN_VARIABLES = {"write": "TOKEN", "read": "READ_TOKEN", "foreign": "OTHER_SERVICE_TOKEN"}

# Headers every client adds; they say nothing about the failure.
_NOISE = frozenset(
    {"user-agent", "accept-encoding", "accept", "connection", "content-length", "host", "x-schemathesis-testcaseid"}
)


def _body_arguments(body: bytes) -> tuple[str, list[str]]:
    """Return (a prefix feeding stdin, the curl arguments) for a body."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and "\x00" not in text:
        return "", ["--data-raw", shlex.quote(text)]
    # Bytes a shell literal cannot carry go through printf, which understands \xHH escapes.
    escaped = "".join(f"\\x{byte:02x}" for byte in body)
    return f"printf '%b' '{escaped}' | ", ["--data-binary", "@-"]


def curl_command(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes | None,
    *,
    identity: str | None,
    token: str | None = None,
) -> str:
    """Build the command. `identity` names the token variable; a given `token` is embedded instead."""
    parts = ["curl", "-sS", "-i", "-X", method.upper(), shlex.quote(url)]
    for name, value in headers.items():
        if name.lower() in _NOISE:
            continue
        if name.lower() == "authorization":
            if identity is None:
                continue
            if token is not None:
                parts += ["-H", shlex.quote(f"Authorization: Bearer {token}")]
            else:
                parts += ["-H", f'"Authorization: Bearer ${TOKEN_VARIABLES.get(identity, "TOKEN")}"']
            continue
        parts += ["-H", shlex.quote(f"{name}: {value}")]
    prefix = ""
    if body:
        prefix, arguments = _body_arguments(body)
        parts += arguments
    return prefix + " ".join(parts)
