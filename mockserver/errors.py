"""The mock's exception tree; one middleware turns each into the API's Error shape.

MockError (status, errorCode, message)
├── ValidationError      400 VALIDATION
├── NotFound             404 NOT_FOUND
├── Unauthorized         401 UNAUTHORIZED
├── Forbidden            403 FORBIDDEN
├── MethodNotAllowed     405 METHOD_NOT_ALLOWED
├── PayloadTooLarge      413 PAYLOAD_TOO_LARGE
├── UnsupportedMediaType 415 UNSUPPORTED_MEDIA_TYPE
└── InternalError        500 INTERNAL   (raised only to reproduce the real service's quirks)
"""

from __future__ import annotations


class MockError(Exception):
    status: int = 500
    code: str = "INTERNAL"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(MockError):
    status = 400
    code = "VALIDATION"


class NotFound(MockError):
    status = 404
    code = "NOT_FOUND"


class Unauthorized(MockError):
    status = 401
    code = "UNAUTHORIZED"


class Forbidden(MockError):
    status = 403
    code = "FORBIDDEN"


class MethodNotAllowed(MockError):
    status = 405
    code = "METHOD_NOT_ALLOWED"


class UnsupportedMediaType(MockError):
    status = 415
    code = "UNSUPPORTED_MEDIA_TYPE"


class PayloadTooLarge(MockError):
    status = 413
    code = "PAYLOAD_TOO_LARGE"


class InternalError(MockError):
    status = 500
    code = "INTERNAL"
