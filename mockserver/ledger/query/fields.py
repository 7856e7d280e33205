"""Each resource's fields: what a filter may name, with which operators and values, and what sorts.

Schemas from formancehq/ledger v2.4.6 ``internal/queries/resources.go`` (the ledgers' from
``internal/storage/system/resource_ledgers.go``); types, operators and value checks from
``internal/queries/field.go``; the walk that checks a filter against a schema from
``internal/storage/common/resource.go`` (``validateFilters``): a map field's key is cut at its
first ``[``, an unknown key, an operator the type refuses or a value of the wrong type is 400
with the release's message. Date fields and numeric ones sort by keyset (column pagination),
strings by offset; a field must also be marked paginated to sort at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockserver.ledger.query import gotime
from mockserver.ledger.query.errors import Invalid
from mockserver.ledger.query.expression import Node, go_type, leaves

COMPARE = ("$match", "$lt", "$gt", "$lte", "$gte")
OPERATORS = {"string": ("$match", "$like", "$in"), "date": COMPARE, "numeric": COMPARE, "boolean": ("$match",)}


@dataclass(frozen=True, slots=True)
class Field:
    kind: str  # string, date, numeric, boolean
    is_map: bool = False  # metadata[key], balance[ASSET], features[NAME]
    paginated: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def operators(self) -> tuple[str, ...]:
        base = OPERATORS[self.kind]
        return (*base, "$match", "$exists") if self.is_map else base

    @property
    def keyset(self) -> bool:
        """Date and numeric fields page by keyset, the others by offset (``IsPaginated``)."""
        return self.kind in ("date", "numeric")


_STRING, _DATE, _NUMERIC = Field("string"), Field("date"), Field("numeric")
_SORTED_DATE = Field("date", paginated=True)
_STRING_MAP, _NUMERIC_MAP = Field("string", is_map=True), Field("numeric", is_map=True)

SCHEMAS: dict[str, dict[str, Field]] = {
    "transactions": {
        "reverted": Field("boolean"),
        "account": _STRING,
        "source": _STRING,
        "destination": _STRING,
        "timestamp": _SORTED_DATE,
        "metadata": _STRING_MAP,
        "id": Field("numeric", paginated=True),
        "reference": _STRING,
        "inserted_at": _SORTED_DATE,
        "updated_at": _SORTED_DATE,
        "reverted_at": _SORTED_DATE,
    },
    "accounts": {
        "address": Field("string", paginated=True),
        "first_usage": _SORTED_DATE,
        "balance": _NUMERIC_MAP,
        "metadata": _STRING_MAP,
        "insertion_date": _SORTED_DATE,
        "updated_at": _SORTED_DATE,
    },
    "aggregated": {"address": Field("string", paginated=True), "metadata": _STRING_MAP},
    "logs": {"date": _SORTED_DATE, "id": Field("numeric", paginated=True), "type": _STRING},
    "volumes": {
        "address": Field("string", paginated=True, aliases=("account",)),
        "balance": _NUMERIC_MAP,
        "first_usage": _DATE,
        "metadata": _STRING_MAP,
    },
    "ledgers": {
        "bucket": _STRING,
        "features": _STRING_MAP,
        "metadata": _STRING_MAP,
        "name": _STRING,
        "id": Field("numeric", paginated=True),
    },
}


def field_named(resource: str, name: str) -> tuple[str, Field] | None:
    """``GetFieldByNameOrAlias``: the field a sort column names, with its canonical name."""
    for field_name, field in SCHEMAS[resource].items():
        if name == field_name or name in field.aliases:
            return field_name, field
    return None


def go_value(value: Any) -> str:
    """``%v`` of a decoded JSON value, as Go's fmt prints it."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + " ".join(go_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{key}:{go_value(value[key])}" for key in sorted(value)) + "]"
    return str(value)


def _value_error(field: Field, operator: str, value: Any) -> str | None:
    """``ValidateValue`` of the field's type: the reason a value is refused, or None."""
    if field.kind == "string":
        if operator == "$in":
            if not isinstance(value, list):
                return f"expected array value for operator $in, got {go_type(value)}"
            for item in value:
                if not isinstance(item, str):
                    return f"expected string value in array for operator $in, got {go_type(item)}"
            return None
        return None if isinstance(value, str) else f"expected string value, got {go_type(value)}"
    if field.kind == "date":
        if not isinstance(value, str):
            return f"expected string, time.Time, or *time.Time value, got {go_type(value)}"
        try:
            gotime.parse(value)
        except gotime.GoTimeError as exc:
            return f"invalid date value: {exc}"
        return None
    if field.kind == "numeric":
        return None if isinstance(value, int) and not isinstance(value, bool) else _numeric_error(value)
    return None if isinstance(value, bool) else f"expected boolean value, got {go_type(value)}"


def _numeric_error(value: Any) -> str:
    return f"expected numeric value, got {go_type(value)}"


def validate(resource: str, node: Node | None) -> dict[str, list[Any]]:
    """Check every leaf against the resource's schema, in the release's walk order; the values
    used per field (``UseFilter``). Raises Invalid with the release's message."""
    used: dict[str, list[Any]] = {}
    schema = SCHEMAS[resource]
    for leaf in leaves(node):
        for name, field in schema.items():
            key = leaf.key.split("[", 1)[0] if field.is_map else leaf.key
            if key != name and key not in field.aliases:
                continue
            if leaf.operator not in field.operators:
                raise Invalid(f"operator '{leaf.operator}' is not allowed for property '{name}'")
            reason = _value_error(field, leaf.operator, leaf.value)
            if reason is not None:
                raise Invalid(f"invalid value '{go_value(leaf.value)}' for property '{name}': {reason}")
            used.setdefault(name, []).append(leaf.value)
            break
        else:
            raise Invalid(f"unknown key '{leaf.key}' when building query")
    return used
