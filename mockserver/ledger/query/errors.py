"""What a read refuses, in the two kinds the release tells apart.

``Invalid`` is a 400 VALIDATION in both modes: the release maps the error (a parse error, an
``ErrInvalidQuery`` of ``internal/storage/common``, a missing feature) to 400 with its text.
``Unmapped`` is a client mistake the release does not map (a plain or ``internal/storage/ledger``
error, a SQL error, a panic) and so answers 500; it carries the release's own text, when there is
one, and the clear 400 message spec mode answers instead (lists.py decides, per mode).
"""

from __future__ import annotations


class Invalid(Exception):
    """400 VALIDATION with ``message``, whatever the mode."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def prefixed(self, prefix: str) -> Invalid:
        """The same refusal with the wrapping text a later stage of the release adds."""
        return Invalid(prefix + self.message)


class Unmapped(Exception):
    """500 INTERNAL from the release; 400 VALIDATION with ``advice`` in spec mode."""

    def __init__(self, advice: str) -> None:
        super().__init__(advice)
        self.advice = advice
