"""Request bodies read as the release reads them: Go's ``encoding/json`` into the handlers' structs.

formancehq/wallets v2.1.5 binds each body with go-chi/render (``render.Bind`` ->
``json.NewDecoder(r.Body).Decode``): keys match struct fields case-insensitively (an exact match
first), unknown keys are ignored, ``null`` leaves a field at its zero value, and a value of the
wrong JSON type is a 400 ``VALIDATION`` whose message is Go's (``json: cannot unmarshal string
into Go struct field Monetary.amount.asset of type string``). Amounts are ``*big.Int`` (any
size, integers only), timestamps go-libs ``time.Time`` (RFC 3339, rounded to the microsecond).
The mock reads the JSON value Connexion parsed; numbers it cannot tell apart (``1.0`` from ``1``)
are refused as Go refuses them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mockserver.core.timefmt import parse_rfc3339
from mockserver.wallets.errors import validation

INT64 = (-(2**63), 2**63 - 1)
_KINDS = {str: "string", bool: "bool", dict: "object", list: "array", int: "number", float: "number"}
_LAYOUT = "2006-01-02T15:04:05.999999999Z07:00"


def kind(value: Any) -> str:
    return _KINDS.get(type(value), "number")


class Fields:
    """One JSON object as Go decodes it into the struct ``struct``: ``get`` finds a field's value
    (exact key first, then any case), each reader checks its type. ``path`` is Go's field stack."""

    def __init__(self, value: Any, struct: str, path: tuple[str, ...] = (), go_type: str = "") -> None:
        if value is not None and not isinstance(value, dict):
            if path:
                raise _type_error(value, struct, path, go_type or f"wallet.{struct}")
            raise validation(f"json: cannot unmarshal {kind(value)} into Go value of type {go_type or struct}")
        self.value: dict[str, Any] = value or {}
        self.struct = struct
        self.path = path

    def get(self, name: str) -> Any:
        if name in self.value:
            return self.value[name]
        for key, found in self.value.items():
            if key.lower() == name.lower():
                return found
        return None

    def present(self, name: str) -> bool:
        return self.get(name) is not None

    def _fail(self, name: str, value: Any, go_type: str) -> Exception:
        return _type_error(value, self.struct, (*self.path, name), go_type)

    def string(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise self._fail(name, value, "string")
        return value

    def boolean(self, name: str) -> bool:
        value = self.get(name)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise self._fail(name, value, "bool")
        return value

    def integer(self, name: str, go_type: str = "int") -> int:
        """A Go ``int`` / ``int64``: an integer literal within 64 bits."""
        value = self.get(name)
        if value is None:
            return 0
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._fail(name, value, go_type)
        if isinstance(value, float) or not INT64[0] <= value <= INT64[1]:
            raise _type_error(value, self.struct, (*self.path, name), go_type, literal=True)
        return value

    def big(self, name: str) -> int | None:
        """A ``*big.Int``: None when absent or null (the release then dereferences nil)."""
        value = self.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            text = value if isinstance(value, str) else repr(value)
            shown = f'"{text}"' if isinstance(value, str) else text
            raise validation(f"math/big: cannot unmarshal {_go_q(shown)} into a *big.Int")
        return value

    def time(self, name: str) -> datetime | None:
        """A go-libs ``*time.Time``: an RFC 3339 string, rounded to the microsecond, in UTC."""
        value = self.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise validation("invalid date format")
        try:
            return parse_rfc3339(value)
        except ValueError:
            raise validation(f'parsing time "{value}" as "{_LAYOUT}": cannot parse "{value}" as "2006"') from None

    def string_map(self, name: str) -> dict[str, str] | None:
        """A ``metadata.Metadata`` (``map[string]string``): None when absent or null."""
        value = self.get(name)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self._fail(name, value, "metadata.Metadata")
        for item in value.values():
            if not isinstance(item, str):
                raise self._fail(name, item, "string")
        return dict(value)

    def strings(self, name: str) -> list[str]:
        value = self.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._fail(name, value, "[]string")
        for item in value:
            if item is not None and not isinstance(item, str):
                raise self._fail(name, item, "string")
        return ["" if item is None else item for item in value]

    def objects(self, name: str, struct: str) -> list[Fields]:
        value = self.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._fail(name, value, f"wallet.{struct}s")
        return [Fields(item, struct, (*self.path, name), f"wallet.{struct}") for item in value]

    def nested(self, name: str, struct: str) -> Fields | None:
        value = self.get(name)
        if value is None:
            return None
        return Fields(value, struct, (*self.path, name), f"wallet.{struct}")


def _type_error(value: Any, struct: str, path: tuple[str, ...], go_type: str, *, literal: bool = False) -> Exception:
    shown = f"number {value!r}" if literal else kind(value)
    return validation(
        f"json: cannot unmarshal {shown} into Go struct field {struct}.{'.'.join(path)} of type {go_type}"
    )


def _go_q(text: str) -> str:
    """``%q`` of a short text, enough for the literals a decode error quotes."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def empty_body_message(content_type: str | None) -> str:
    """What ``render.Bind`` says of an empty body: ``EOF`` when it is declared JSON (the decoder
    reads nothing), else render's own refusal to pick a decoder."""
    media = (content_type or "").split(";")[0].strip().lower()
    if media in ("application/json", "text/javascript"):
        return "EOF"
    return "render: unable to automatically decode the request content type"
