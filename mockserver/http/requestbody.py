"""How request bodies reach the handlers: read once, as JSON whatever their declared type,
limited in size (413) and in nesting depth (400), then replayed downstream."""

from __future__ import annotations

import re

import orjson

from mockserver.config import CONTROL_PREFIX
from mockserver.core.limits import check_json_depth
from mockserver.core.yamlsafe import load_yaml
from mockserver.errors import ValidationError
from mockserver.http.asgi import Message, Receive, Scope, header, read_body

JSON_TYPES = frozenset({"application/json"})
WORKFLOWS = re.compile(r"^(?:/api/orchestration)?/workflows/?$")


class BodyTooLarge(Exception):
    pass


def content_length(scope: Scope) -> int | None:
    value = header(scope, b"content-length")
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


async def as_json_request(
    scope: Scope, receive: Receive, path: str, raw_media: frozenset[str] = frozenset()
) -> tuple[Scope, Receive, bytes | None]:
    """Read every body as JSON whatever its declared type, as the real service does.

    The one exception is also the real service's: ``POST /workflows`` with exactly
    ``text/vnd.yaml`` is YAML, converted here so that Connexion validates it like JSON.
    The control API's fixture loader keeps its YAML types, and a mount's ``raw_media`` types
    (streams its service parses itself) are passed on untouched. Also returns the JSON body read,
    if any.
    """
    ctype = (header(scope, b"content-type") or "").strip()
    media = ctype.split(";")[0].strip()
    if media.lower() in raw_media:  # a type the service parses itself: passed on as sent
        return await _read(scope, receive)
    if media.lower() in JSON_TYPES:
        if media in JSON_TYPES:
            return await _depth_checked(scope, receive)
        # Media types are case-insensitive (RFC 9110), Connexion's match is not: without this,
        # ``APPLICATION/JSON`` reached the handlers as unparsed bytes (a 500).
        headers = [(k, v) for k, v in scope["headers"] if k != b"content-type"]
        headers.append((b"content-type", ctype.replace(media, media.lower(), 1).encode("latin-1")))
        return await _depth_checked({**scope, "headers": headers}, receive)
    if path.startswith(CONTROL_PREFIX) and "yaml" in ctype.lower():
        return scope, receive, None
    headers = [(k, v) for k, v in scope["headers"] if k not in (b"content-type", b"content-length")]
    if ctype == "text/vnd.yaml" and WORKFLOWS.match(path):
        raw = await read_body(receive)
        document = load_yaml(raw, what="unmarshalling yaml: the body") if raw.strip() else None
        try:
            body = orjson.dumps(document) if raw.strip() else b""
        except (TypeError, orjson.JSONEncodeError) as exc:
            raise ValidationError(f"unmarshalling yaml: {exc}") from exc
        headers += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        return {**scope, "headers": headers}, _replay(body), body
    headers.append((b"content-type", b"application/json"))
    length = header(scope, b"content-length")
    if length is not None:
        headers.append((b"content-length", length.encode()))
    return await _depth_checked({**scope, "headers": headers}, receive)


async def _depth_checked(scope: Scope, receive: Receive) -> tuple[Scope, Receive, bytes]:
    """Read the JSON body once and refuse nesting the mock could not present back (see limits)."""
    scope, receive, raw = await _read(scope, receive)
    check_json_depth(raw)
    return scope, receive, raw


async def _read(scope: Scope, receive: Receive) -> tuple[Scope, Receive, bytes]:
    """Read the body once and hand it on. Its real length is declared downstream: Connexion
    takes a request without Content-Length (a chunked upload) for one without a body."""
    raw = await read_body(receive)
    headers = [(k, v) for k, v in scope["headers"] if k not in (b"content-length", b"transfer-encoding")]
    headers.append((b"content-length", str(len(raw)).encode()))
    return {**scope, "headers": headers}, _replay(raw, then=receive), raw


def _replay(body: bytes, then: Receive | None = None) -> Receive:
    """Hand ``body`` over as one message; afterwards, ``then`` (the real channel) reports a disconnect."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return await then() if then is not None else {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def limited(receive: Receive, limit: int) -> Receive:
    """Count streamed body bytes so a chunked upload cannot exceed the limit either."""
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > limit:
            raise BodyTooLarge
        return message

    return wrapped
