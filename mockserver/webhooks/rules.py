"""How formancehq/webhooks v2.3.2 validates and normalises what a client sends.

``ConfigUser.Validate`` (``pkg/config.go:49-76``), ``Secret.Validate`` (``pkg/secret.go:13-28``),
the list's query filter (``pkg/server/get.go:46-70``) and the event type a bus message is
matched on (``pkg/worker/module.go:103-110``). The secret check needs Go's
``base64.StdEncoding.DecodeString`` with its exact error offsets, ported below
(``encoding/base64/base64.go``, ``decodeQuantum``).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from mockserver.errors import ValidationError
from mockserver.webhooks import gourl

SECRET_SIZE = 24
ENDPOINT_INVALID = "endpoint should be a valid url"
EVENT_TYPES_INVALID = "eventTypes should be filled"
SECRET_SIZE_INVALID = "decoded secret should be of size 24"
INVALID_PARAMS = "invalid params: only 'id' and 'endpoint' with a valid URL are accepted"
_B64 = {c: i for i, c in enumerate(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}
_NEWLINES = (0x0A, 0x0D)


@dataclass(slots=True)
class ConfigUser:
    """The request body of insert and update (``pkg/config.go:27-31``), as decoded."""

    endpoint: str = ""
    secret: str = ""
    event_types: list[str] | None = None


def go_lower(text: str) -> str:
    """``strings.ToLower``: one rune for one rune (Python's ``İ`` would become two)."""
    return "".join("i" if c == "\u0130" else c.lower() if len(c.lower()) == 1 else c for c in text)


def endpoint_error(endpoint: str) -> str | None:
    """The release's refusal of an endpoint, or None: ``url.Parse`` must succeed and ``String()``
    must not be empty. No scheme, host or https requirement (``pkg/config.go:50-52``)."""
    try:
        return None if gourl.parse(endpoint).string() else ENDPOINT_INVALID
    except gourl.URLError:
        return ENDPOINT_INVALID


def secret_error(secret: str) -> str | None:
    """Why a given secret is refused (``pkg/config.go:57-61``), or None: Go's standard base64 with
    padding (``\\r`` and ``\\n`` skipped), decoding to exactly 24 bytes."""
    try:
        decoded = go_base64_decode(secret.encode("utf-8", "surrogateescape"))
    except ValueError as exc:
        return f"secret should be base64 encoded: {exc}"
    return None if len(decoded) == SECRET_SIZE else SECRET_SIZE_INVALID


def new_secret(draw: Callable[[], str]) -> str:
    """A generated secret (``pkg/secret.go:30-37``): 24 bytes, standard base64, 32 characters.

    The bytes come from the mock's id source (``draw``), so ``--seed`` makes them reproducible
    and ``--state-file`` replays them; the release reads ``crypto/rand``."""
    return base64.b64encode(hashlib.sha256((draw() + draw()).encode()).digest()[:SECRET_SIZE]).decode()


def validate_config_user(user: ConfigUser) -> None:
    """``ConfigUser.Validate`` up to the secret's generation, which the caller does: endpoint,
    then secret, then event types, the first failure wins. Event types are lower-cased in place,
    not trimmed, duplicates kept (``pkg/config.go:64-73``). Messages carry the handler's
    ``invalid config: `` prefix (``pkg/server/insert.go:22-27``)."""
    problem = endpoint_error(user.endpoint) or (secret_error(user.secret) if user.secret else None)
    if problem is None and (not user.event_types or any(t == "" for t in user.event_types)):
        problem = EVENT_TYPES_INVALID
    if problem is not None:
        raise ValidationError(f"invalid config: {problem}")
    user.event_types = [go_lower(t) for t in user.event_types or []]


def event_type(app: str, type_: str) -> str:
    """The type a bus message is matched on: ``app.type`` lower-cased, or the type alone when the
    message names no app (``pkg/worker/module.go:103-110``)."""
    app, type_ = go_lower(app), go_lower(type_)
    return f"{app}.{type_}" if app else type_


def query_filter(raw_query: bytes) -> dict[str, str]:
    """``buildQueryFilter(r.URL.Query())``: only ``id`` and ``endpoint``, each given once; the
    endpoint is compared as ``url.Parse(value).String()`` (``pkg/server/get.go:48-70``)."""
    found: dict[str, list[str]] = {}
    for key, value in _go_query(raw_query):
        found.setdefault(key, []).append(value)
    filters = {}
    for key, values in found.items():
        if len(values) != 1 or key not in ("id", "endpoint"):
            raise ValidationError(INVALID_PARAMS)
        if key == "endpoint":
            try:
                filters[key] = gourl.parse(values[0]).string()
            except gourl.URLError:
                raise ValidationError(INVALID_PARAMS) from None
        else:
            filters[key] = values[0]
    return filters


def _go_query(raw: bytes) -> list[tuple[str, str]]:
    """``url.ParseQuery`` as ``URL.Query()`` uses it: pairs with a ``;`` or a bad escape are
    left out silently, ``+`` is a space (``net/url/url.go``, ``parseQuery``)."""
    pairs = []
    for piece in raw.split(b"&"):
        if b";" in piece or not piece:
            continue
        key, _, value = piece.partition(b"=")
        try:
            pairs.append((_query_unescape(key), _query_unescape(value)))
        except ValueError:
            continue
    return pairs


def _query_unescape(part: bytes) -> str:
    text = part.replace(b"+", b" ")
    for i, c in enumerate(text):
        if c == 0x25 and (i + 2 >= len(text) or not _is_hex(text[i + 1]) or not _is_hex(text[i + 2])):
            raise ValueError("invalid URL escape")
    return unquote_to_bytes(text).decode("utf-8", "surrogateescape")


def _is_hex(c: int) -> bool:
    return 0x30 <= c <= 0x39 or 0x41 <= c <= 0x46 or 0x61 <= c <= 0x66


def go_base64_decode(src: bytes) -> bytes:
    """``base64.StdEncoding.DecodeString``: ValueError("illegal base64 data at input byte N")."""
    out = bytearray()
    si = 0
    while si < len(src):
        si, chunk = _quantum(src, si)
        out += chunk
    return bytes(out)


def _corrupt(at: int) -> ValueError:
    return ValueError(f"illegal base64 data at input byte {at}")


def _quantum(src: bytes, si: int) -> tuple[int, bytes]:
    """One 4-character quantum from ``si``: the next index and the bytes it decodes to."""
    values: list[int] = []
    while len(values) < 4:
        if si == len(src):
            if not values:
                return si, b""
            raise _corrupt(si - len(values))  # padding is required: an incomplete quantum
        c = src[si]
        si += 1
        if c in _B64:
            values.append(_B64[c])
            continue
        if c in _NEWLINES:
            continue
        if c != 0x3D or len(values) < 2:  # not '=', or padding too early
            raise _corrupt(si - 1)
        if len(values) == 2:  # "==" expected: the first '=' is consumed
            while si < len(src) and src[si] in _NEWLINES:
                si += 1
            if si == len(src):
                raise _corrupt(len(src))
            if src[si] != 0x3D:
                raise _corrupt(si - 1)
            si += 1
        while si < len(src) and src[si] in _NEWLINES:
            si += 1
        if si < len(src):
            raise _corrupt(si)  # trailing garbage after the padding
        break
    value = 0
    for v in values + [0] * (4 - len(values)):
        value = (value << 6) | v
    return si, value.to_bytes(3, "big")[: len(values) - 1]
