"""The webhooks service's errors (``pkg/server/apierrors/errors.go``): 400 ``VALIDATION``, 404
``NOT_FOUND``, and the 500 the release answers with no body at all (``errors.go:23-33``)."""

from __future__ import annotations

from mockserver.errors import InternalError, NotFound

CONFIG_NOT_FOUND = "config not found"  # pkg/storage/store.go:12


class Unanswered(InternalError):
    """A 500 with an empty body: what the release answers when its database or its HTTP client
    fails (``--quirks real`` only; spec mode answers the 4xx the request deserves)."""


def config_not_found() -> NotFound:
    return NotFound(CONFIG_NOT_FOUND)
