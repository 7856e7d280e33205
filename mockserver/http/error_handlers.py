"""One mapping from every failure to the API's Error shape.

Connexion answers its own validation problems as ``application/problem+json``; the
real service answers ``{"errorCode", "errorMessage"}``. Everything is mapped here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import orjson
from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from starlette.exceptions import HTTPException

from mockserver.config import CONTROL_PREFIX
from mockserver.errors import MockError
from mockserver.http.mounts import Mount, Mounts

log = logging.getLogger("mockserver")

CODES = {
    400: "VALIDATION",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> ConnexionResponse:
    return ConnexionResponse(
        status_code=status,
        mimetype="application/json",
        content_type="application/json",
        body=orjson.dumps({"errorCode": code, "errorMessage": message}) + b"\n",
        headers=headers or {},
        is_streamed=False,
    )


def _client_code(status: int) -> str:
    if status in CODES:
        return CODES[status]
    return "VALIDATION" if status < 500 else "INTERNAL"


def mock_error(_request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    assert isinstance(exc, MockError)
    return error_response(exc.status, exc.code, exc.message)


def problem(_request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    assert isinstance(exc, ProblemException)
    status = exc.status if 400 <= exc.status < 500 else 500
    message = str(exc.detail or exc.title or "request rejected")
    return error_response(status, _client_code(status), message)


class AllowedMethods:
    """Which methods a path serves, from the mounted specs: Starlette's 405 only names the
    methods of the first route it matched, so ``Allow`` would leave out e.g. POST on ``/workflows``."""

    def __init__(self, mounts: Mounts, control: tuple[str, dict]) -> None:
        self._mounts = mounts
        self._control = Mount("control", "control", control[0], "", control[1], {})

    def __call__(self, path: str) -> str | None:
        path = path.rstrip("/") or "/"
        found = self._mounts.of(path)
        if found is None:
            rel = self._control.relative(path)
            found = (self._control, rel) if rel is not None else None
        if found is None:
            return None
        mount, rel = found
        return ", ".join(mount.methods_at(rel)) or None


def no_such_route(real_quirks: bool) -> tuple[bytes, str]:
    """Body and content type of a 404 for an unknown route: the real router answers with Go's
    ``http.NotFound``, plain text, not the Error JSON of the handlers."""
    if real_quirks:
        return b"404 page not found\n", "text/plain; charset=utf-8"
    return orjson.dumps({"errorCode": "NOT_FOUND", "errorMessage": "no such route"}) + b"\n", "application/json"


def http_exception_handler(
    allowed: AllowedMethods, *, real_quirks: bool = False
) -> Callable[[ConnexionRequest, Exception], ConnexionResponse]:
    def http_exception(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        assert isinstance(exc, HTTPException)
        status = exc.status_code
        headers = {k.lower(): v for k, v in (exc.headers or {}).items() if k.lower() != "content-type"}
        if status == 405:
            headers["allow"] = allowed(request.url.path) or headers.get("allow", "")
        if status in (404, 405) and not request.url.path.startswith(CONTROL_PREFIX):
            body, content_type = no_such_route(real_quirks) if status == 404 else (b"", "application/json")
            if status == 404 or real_quirks:  # the real router's 405 has an empty body
                return ConnexionResponse(
                    status_code=status,
                    content_type=content_type,
                    mimetype=content_type.split(";")[0],
                    body=body,
                    headers=headers,
                    is_streamed=False,
                )
        message = {404: "no such route", 405: "method not allowed on this route"}.get(status, str(exc.detail))
        return error_response(status, _client_code(status), message, headers)

    return http_exception


def undecodable(_request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    """Bodies that are not UTF-8, or nested beyond what a parser can walk, are the client's fault."""
    if isinstance(exc, RecursionError):
        return error_response(400, "VALIDATION", "request body is nested too deeply")
    return error_response(400, "VALIDATION", f"request body is not valid UTF-8 JSON: {exc}")


def value_error(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    """Python refuses to parse integers of more than 4,300 digits (a guard against quadratic
    conversion); such a number in a request body is the client's fault, not a crash."""
    if "integer string conversion" in str(exc):
        return error_response(400, "VALIDATION", "a number in the request has too many digits")
    return unexpected(request, exc)


def unexpected(_request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    # A 500 from the mock is a bug: log it loudly, still answer in the Error shape.
    log.exception("unexpected error", exc_info=exc)
    return error_response(500, "INTERNAL", f"internal error: {type(exc).__name__}")
