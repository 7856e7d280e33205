"""Registering the packaged specs with Connexion without its start-up costs.

Connexion's ``Specification.load`` of a dict rebuilds it with string keys, deep-copies it to
keep the raw spec, validates it against the OpenAPI schema and deep-copies it again to resolve
its ``$ref``s. The mock's specs are plain JSON documents it never touches once handed over,
and tests/test_spec.py validates them: one JSON encoding gives both independent copies for a
fraction of the cost (the deep copies were about 60 ms of every start), and the validation
(0.1 s) is left to the tests. Whatever JSON cannot carry exactly (a YAML date, an integer key)
goes through Connexion's own path.
"""

from __future__ import annotations

import contextlib
import copy
import threading
from collections.abc import Iterator
from typing import Any

import orjson
from connexion import json_schema
from connexion.spec import OpenAPISpecification, Specification


class _PackagedSpecification(OpenAPISpecification):
    """What ``OpenAPISpecification(spec)`` builds, from the spec's JSON text."""

    def __init__(self, text: bytes) -> None:
        self._raw_spec = orjson.loads(text)
        working = orjson.loads(text)
        self._set_defaults(working)
        self._spec = json_schema.resolve_refs(_HandedOver(working))
        self._base_uri = ""

    def clone(self) -> OpenAPISpecification:
        # Swagger UI clones the spec per request for its base path: a plain Connexion
        # specification, built as Connexion builds it.
        return OpenAPISpecification(copy.deepcopy(self._raw_spec), base_uri=self._base_uri)


class _HandedOver(dict[str, Any]):
    """A document ``resolve_refs`` may resolve as is: its deep copy is the document itself,
    which nothing else holds."""

    def __init__(self, document: dict[str, Any]) -> None:
        super().__init__()
        self.document = document

    def __deepcopy__(self, _memo: dict[int, Any]) -> dict[str, Any]:
        return self.document


_EXACT = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS


def _json_text(spec: Any) -> bytes | None:
    """The spec as JSON when that is exactly the spec: str keys, and none of what orjson would
    otherwise write in another form (a date as text, a dataclass or a dict subclass as a dict)
    raises here instead. The specs are YAML or JSON documents: no tuples, enums or UUIDs."""
    if not isinstance(spec, dict):
        return None
    try:
        return orjson.dumps(spec, option=_EXACT)
    except (TypeError, orjson.JSONEncodeError):
        return None


# Mocks started in threads (mockserver.testing) register one at a time, so each restores
# Connexion's own methods and not another's stand-ins.
_registering = threading.Lock()


@contextlib.contextmanager
def trusted_specs() -> Iterator[None]:
    """While registering the packaged specs: no validation against the OpenAPI schema, and a
    dict spec loaded from its JSON text (see the module's docstring)."""
    with _registering:
        checked = Specification.__dict__["_validate_spec"]
        loading = Specification.__dict__["load"]

        def load(cls: type[Specification], spec: Any, *, arguments: Any = None) -> Specification:
            text = _json_text(spec)
            if text is None or OpenAPISpecification._get_spec_version(spec) < (3, 0, 0):
                return loading.__func__(cls, spec, arguments=arguments)  # type: ignore[no-any-return]
            return _PackagedSpecification(text)

        Specification._validate_spec = classmethod(lambda _cls, _spec: None)  # type: ignore[method-assign,assignment]
        Specification.load = classmethod(load)  # type: ignore[method-assign,assignment]
        try:
            yield
        finally:
            Specification._validate_spec = checked  # type: ignore[method-assign]
            Specification.load = loading  # type: ignore[method-assign]
