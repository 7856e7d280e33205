"""Exceptions of the contract suite.

    ContractError
     ├── CouldNotRun            the suite could not check anything: exit code 2
     │    ├── ConfigError       bad flags, an unreadable deviations file
     │    ├── ServerUnreachable no answer from the base URL
     │    └── AuthError         the token endpoint refused the credentials
     └── Violation             raised by a check: one broken promise (what was expected, what came back)

A `Violation` never escapes the library: the runner turns it into a `Failure` record (see `failures`).
"""

from __future__ import annotations

from collections.abc import Iterator

__all__ = ["AuthError", "ConfigError", "ContractError", "CouldNotRun", "ServerUnreachable", "Violation"]


class ContractError(Exception):
    """Base class of every error the suite raises on purpose."""


class CouldNotRun(ContractError):
    """The suite cannot run at all; the CLI exits with code 2."""


class ConfigError(CouldNotRun):
    """Invalid configuration (flags, files)."""


class ServerUnreachable(CouldNotRun):
    """The implementation under test does not answer."""


class AuthError(CouldNotRun):
    """No token could be obtained."""


class Violation(ContractError, AssertionError):
    """A check found the implementation breaking the contract.

    `kind` classifies the failure for deduplication: two violations of one check on one operation with the
    same kind are the same finding, whatever the generated input was. One answer can break a check in
    several places (a body invalid at two paths): `also` holds the others, so none is hidden behind the
    first (which an allow-list might accept).
    """

    def __init__(self, title: str, *, expected: str, actual: str, kind: str | None = None) -> None:
        super().__init__(title)
        self.title = title
        self.expected = expected
        self.actual = actual
        self.kind = kind if kind is not None else title
        self.also: tuple[Violation, ...] = ()

    def each(self) -> Iterator[Violation]:
        """This violation, then the others the same answer showed."""
        yield self
        yield from self.also
