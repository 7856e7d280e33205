"""Answers chosen by the client (Prism's ``Prefer``) or by a fault rule, built from the specs.

``Prefer: code=404`` answers the response the operation declares for that status (any 4xx/5xx
where it declares ``default``); ``Prefer: example=NAME`` picks a named example of the success
response; ``Prefer: code=404, example=gone`` both. The body is the spec's example when there is
one, else an Error with the errorCode of the status. The choice is made before any handler
runs, so a forced answer never changes state. A status the operation does not declare, or an
unknown example, is a 400 that names what it declares.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mockserver.errors import MockError, ValidationError
from mockserver.http.fastpath import resolve_ref
from mockserver.http.mounts import Mount

_METHODS = ("get", "put", "post", "delete", "patch", "head")
# The errorCode of each status, from the one exception tree (errors.py).
_CODES = {kind.status: kind.code for kind in MockError.__subclasses__()}
_PREFER = re.compile(r"^\s*(code|example)\s*=\s*\"?([^\";]*)\"?\s*$")


@dataclass(frozen=True, slots=True)
class Declared:
    """One declared response: its examples by name (``""``: the unnamed one) and whether it has a body."""

    examples: dict[str, Any]
    has_body: bool


@dataclass(frozen=True, slots=True)
class Operation:
    operation_id: str
    success: int
    responses: dict[str, Declared]  # "404", "default", ...

    def answer(self, status: int | None, example: str | None, why: str) -> tuple[int, Any]:
        """(status, JSON body or None) for the chosen status and example."""
        status = status if status is not None else self.success
        declared = self.responses.get(str(status))
        if declared is None:
            if status < 400 or "default" not in self.responses:
                raise ValidationError(
                    f"{self.operation_id} does not declare {status}; it declares {', '.join(self._statuses())}"
                )
            return status, error_json(status, why)  # `default`: a realistic Error for that status
        if example is not None:
            if example not in declared.examples:
                names = ", ".join(sorted(n for n in declared.examples if n)) or "none"
                raise ValidationError(
                    f"{self.operation_id} {status} has no example {example!r}; its named examples: {names}"
                )
            return status, declared.examples[example]
        if not declared.has_body:
            return status, None
        if declared.examples:
            return status, next(iter(declared.examples.values()))
        return status, error_json(status, why) if status >= 400 else None

    def _statuses(self) -> list[str]:
        return [s if s != "default" else "any 4xx/5xx (default)" for s in self.responses]


class OperationIndex:
    """(method, path) -> the operation of the mounted specs, with its declared responses."""

    def __init__(self, mounts: Iterable[Mount]) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Operation]] = []
        for mount in mounts:
            prefix = re.escape(mount.prefix)
            prefix = f"(?:{prefix})?" if mount.at_root else prefix
            for template, item in mount.spec["paths"].items():
                pattern = re.compile(
                    f"^{prefix}" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(mount.base + template)) + "/?$"
                )
                for method in _METHODS:
                    if method in item:
                        self._routes.append((method.upper(), pattern, _operation(mount.spec, item[method])))

    def operation_id_of(self, method: str, path: str) -> str | None:
        found = self.match(method, path)
        return found.operation_id if found is not None else None

    def match(self, method: str, path: str) -> Operation | None:
        for routed, pattern, operation in self._routes:
            if routed == method and pattern.match(path):
                return operation
        return None


def parse_prefer(value: str) -> tuple[int | None, str | None]:
    """``code=404, example=gone`` -> (404, "gone"); other preferences are ignored, as Prism does."""
    status: int | None = None
    example: str | None = None
    for part in value.split(","):
        found = _PREFER.match(part)
        if found is None:
            continue
        key, text = found.groups()
        if key == "code":
            if not text.isdigit() or not 100 <= int(text) <= 599:
                raise ValidationError(f"Prefer: code must be an HTTP status, got {text!r}")
            status = int(text)
        else:
            example = text
    return status, example


def error_json(status: int, why: str) -> dict[str, str]:
    """An Error body whose errorCode goes with the status (the enum has no code for other 4xx)."""
    code = _CODES.get(status, "INTERNAL" if status >= 500 else "VALIDATION")
    return {"errorCode": code, "errorMessage": why}


def _operation(spec: dict[str, Any], definition: dict[str, Any]) -> Operation:
    responses = {str(code): _declared(spec, response) for code, response in definition["responses"].items()}
    success = min(int(code) for code in responses if code.isdigit() and 200 <= int(code) < 300)
    return Operation(definition["operationId"], success, responses)


def _declared(spec: dict[str, Any], response: dict[str, Any]) -> Declared:
    response = resolve_ref(spec, response)
    media = (response.get("content") or {}).get("application/json")
    if media is None:
        return Declared({}, has_body=False)
    examples = {name: resolve_ref(spec, e).get("value") for name, e in (media.get("examples") or {}).items()}
    if "example" in media:
        examples = {"": media["example"], **examples}
    return Declared(examples, has_body=True)
