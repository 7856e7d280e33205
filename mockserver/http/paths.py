"""Paths Connexion can route: an id may hold any character its percent-encoding allows.

Connexion mounts each API on Starlette's `{path:path}`, whose pattern `.*` stops at a newline. So a
request with `%0A` in an id (a character an id may hold, and the real router routes like any other)
that the gateway's fast path left to Connexion matched no mount: it got 404 "no such route" instead
of its operation's answer (400 for its body, 404 for the unknown id), and in `--quirks real` the
router's plain-text 404, which the real service never gives there.
"""

from __future__ import annotations

from starlette.convertors import PathConvertor, register_url_convertor

__all__ = ["route_every_character"]


class _AnyCharacterPath(PathConvertor):
    regex = "(?s:.*)"


def route_every_character() -> None:
    """Make `{path:path}` match newlines too; call it before the app builds its routes."""
    register_url_convertor("path", _AnyCharacterPath())
