"""Filter bodies of query templates: their fields, their walk, and their variables.

The query language is go-libs v4 ``query/expression.go`` (``ParseJSON``: one operator per
object, ``$and``/``$or`` over arrays, ``$not``, and the leaf operators over ``{field: value}``);
the fields of each resource and how variables fill them are formancehq/ledger v2.4.6
``internal/queries/`` (``resources.go``, ``filter_template.go``, ``substitution.go``,
``variables.go``). Messages are the release's, as far as Go's ``%v`` / ``%T`` can be imitated.
"""

from __future__ import annotations

import re
from typing import Any

from mockserver.core.timefmt import parse_rfc3339
from mockserver.ledger.chart import go_kind

# field -> (type, paginated); types: boolean, date, int, string, map:string, map:int
RESOURCES: dict[str, dict[str, tuple[str, bool]]] = {
    "transactions": {
        "reverted": ("boolean", False),
        "account": ("string", False),
        "source": ("string", False),
        "destination": ("string", False),
        "timestamp": ("date", True),
        "metadata": ("map:string", False),
        "id": ("int", True),
        "reference": ("string", False),
        "inserted_at": ("date", True),
        "updated_at": ("date", True),
        "reverted_at": ("date", True),
    },
    "accounts": {
        "address": ("string", True),
        "first_usage": ("date", True),
        "balance": ("map:int", False),
        "metadata": ("map:string", False),
        "insertion_date": ("date", True),
        "updated_at": ("date", True),
    },
    "logs": {"date": ("date", True), "id": ("int", True), "type": ("string", False)},
    "volumes": {
        "address": ("string", True),
        "balance": ("map:int", False),
        "first_usage": ("date", False),
        "metadata": ("map:string", False),
    },
}
ALIASES = {"volumes": {"account": "address"}}
TYPE_NAMES = {"map:string": "map[string]string", "map:int": "map[string]int"}
LEAVES = ("$match", "$gte", "$lte", "$gt", "$lt", "$exists", "$like", "$in")
_ACCESS = re.compile(r"^([a-z_]+)(?:\[([a-zA-Z0-9_/]+)\])?$")
_VAR_REF = re.compile(r"^\$\{([a-z_]+)\}$")
_GO_TYPES = {"boolean": "TypeBoolean", "date": "TypeDate", "int": "TypeNumeric", "string": "TypeString"}


class TemplateError(ValueError):
    """A template, a filter or a variable the release refuses (the message is its text)."""


def type_name(kind: str) -> str:
    return TYPE_NAMES.get(kind, kind)


def go_value(value: Any) -> str:
    """``fmt.Sprintf("%v", value)`` for a decoded JSON value."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e21 else repr(value)
    if isinstance(value, list):
        return "[" + " ".join(go_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{go_value(value[k])}" for k in sorted(value)) + "]"
    return str(value)


def _go_type(value: Any) -> str:
    """``%T`` of a value ``ParseJSON`` decoded (numbers become ``*big.Int``)."""
    if value is None:
        return "<nil>"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "*big.Int"
    return {bool: "bool", str: "string", list: "[]interface {}"}.get(type(value), "map[string]interface {}")


def field_type(resource: str, name: str, *, paginated: bool = False) -> str | None:
    fields = RESOURCES.get(resource, {})
    found = fields.get(ALIASES.get(resource, {}).get(name, name))
    if found is None or (paginated and not found[1]):
        return None
    return found[0]


def access_type(resource: str, key: str) -> str:
    """``EntitySchema.GetFieldType``: the type behind ``name`` or ``name[index]``."""
    match = _ACCESS.match(key)
    if match is None:
        raise TemplateError("invalid field name")
    kind = field_type(resource, match.group(1))
    if kind is None:
        raise TemplateError(f"unknown field: {match.group(1)}")
    if match.group(2):
        if not kind.startswith("map:"):
            raise TemplateError(f"unexpected field indexing: {key}")
        return kind[4:]
    return kind


def validate_value_type(kind: str, value: Any) -> None:
    """``validateValueType``: a variable's value (or default) against its type; None passes."""
    if value is None:
        return
    problem = None
    if kind == "boolean":
        problem = None if isinstance(value, bool) else "value doesn't match expected type"
    elif kind == "string":
        problem = None if isinstance(value, str) else "value doesn't match expected type"
    elif kind == "int":
        integral = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        problem = None if integral and not isinstance(value, bool) else "value doesn't match expected type"
    elif kind == "date":
        problem = _date_problem(value)
    else:
        problem = "type cannot be constructed, you may need to specify a key with `[my_key]`"
    if problem:
        raise TemplateError(f"invalid value `{go_value(value)}` for type `{type_name(kind)}`: {problem}")


def _date_problem(value: Any) -> str | None:
    if not isinstance(value, str):
        return "value doesn't match expected type"
    try:
        parse_rfc3339(value)
    except ValueError:
        return f'parsing time "{value}" as "2006-01-02T15:04:05.999999999Z07:00": cannot parse "{value}" as "2006"'
    return None


# --- the filter tree -------------------------------------------------------------------------
def _single(node: dict[str, Any]) -> tuple[str, Any]:
    if not node:
        raise TemplateError("expected single key, found none")
    if len(node) > 1:
        raise TemplateError("expected single key, found more then one")
    return next(iter(node.items()))


def _no_fractions(value: Any) -> None:
    """``ParseJSON`` reads every number as a big integer."""
    if isinstance(value, float):
        raise TemplateError("provided json number was not an integer")
    for item in value.values() if isinstance(value, dict) else value if isinstance(value, list) else ():
        _no_fractions(item)


def parse_filter(body: Any) -> Any:
    """``query.ParseJSON``: None for an empty body, else ``("and"|"or", [..])``, ``("not", node)``
    or ``(operator, key, value)``."""
    if body is None:
        return None
    if not isinstance(body, dict):
        raise TemplateError(f"unexpected type {_go_type(body)}")
    _no_fractions(body)
    return _expression(body) if body else None


def _expression(node: dict[str, Any]) -> Any:
    operator, value = _single(node)
    if operator in ("$and", "$or"):  # go-libs wraps both as "parsing $and"
        if not isinstance(value, list):
            raise TemplateError(f"parsing $and: unexpected type {_go_type(value)}")
        items = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise TemplateError(
                    f"parsing $and: unexpected type []interface {{}} when decoding {operator} clause at index {index}"
                )
            items.append(_expression(item))
        return (operator[1:], items)
    if operator in LEAVES:
        if not isinstance(value, dict):
            raise TemplateError(f"parsing {operator}: unexpected type {_go_type(value)}")
        try:
            key, leaf = _single(value)
        except TemplateError as exc:
            raise TemplateError(f"parsing {operator}: {exc}") from None
        return (operator, key, leaf)
    if operator == "$not":
        if not isinstance(value, dict):
            raise TemplateError(f"parsing $not: unexpected type {_go_type(value)}")
        return ("not", _expression(value))
    raise TemplateError(f"unexpected operator {operator}")


def rebuild(tree: Any) -> dict[str, Any]:
    """The tree back as the query language's JSON."""
    if tree[0] in ("and", "or"):
        return {f"${tree[0]}": [rebuild(item) for item in tree[1]]}
    if tree[0] == "not":
        return {"$not": rebuild(tree[1])}
    return {tree[0]: {tree[1]: tree[2]}}


def leaves(tree: Any) -> list[list[Any]]:
    """Every ``[operator, key, value]`` leaf, in order, mutable (``Builder.Walk``)."""
    if tree is None:
        return []
    if tree[0] in ("and", "or"):
        return [leaf for item in tree[1] for leaf in leaves(item)]
    if tree[0] == "not":
        return leaves(tree[1])
    return [tree]


def as_mutable(tree: Any) -> Any:
    if tree is None:
        return None
    if tree[0] in ("and", "or"):
        return (tree[0], [as_mutable(item) for item in tree[1]])
    if tree[0] == "not":
        return ("not", as_mutable(tree[1]))
    return list(tree)


def validate_body(resource: str, body: Any, var_types: dict[str, str]) -> None:
    """``ValidateFilterBody``: fields exist, values fit them, variables are declared and typed."""
    if not isinstance(body, dict):
        raise TemplateError(f"json: cannot unmarshal {go_kind(body)} into Go value of type map[string]interface {{}}")
    for operator, key, value in leaves(parse_filter(body)):
        kind = access_type(resource, key)
        if operator == "$in":
            if not isinstance(value, list):
                raise TemplateError(f"expected array, got `{_go_type(value)}`")
            for item in value:
                _validate_value(kind, item, var_types)
        elif operator == "$exists":
            if not kind.startswith("map:"):
                raise TemplateError(f"$exists can only be called on a map field, got: queries.{_GO_TYPES[kind]}")
            _validate_value(kind[4:], value, var_types)
        else:
            _validate_value(kind, value, var_types)


def _validate_value(kind: str, value: Any, var_types: dict[str, str]) -> None:
    if not isinstance(value, str):
        validate_value_type(kind, value)
    elif kind != "string":
        name = variable_name(value)
        if name not in var_types:
            raise TemplateError(f"variable `{name}` is not declared")
        if var_types[name] != kind:
            raise TemplateError(f"cannot use variable `{name}` as type `{type_name(kind)}`")
    else:
        for name in parse_template(value)[1]:
            if name not in var_types:
                raise TemplateError(f"variable `{name}` is not declared")


def variable_name(text: str) -> str:
    match = _VAR_REF.match(text)
    if match is None:
        raise TemplateError(f'expected a "${{variable}}" string or a plain value, got `{text}`')
    return match.group(1)


def parse_template(text: str) -> tuple[list[str], list[str]]:
    """``ParseTemplate``: the literal parts and the variables of ``$name`` / ``${name}``."""
    parts: list[str] = []
    names: list[str] = []
    current, index = "", 0

    def expect(what: str) -> TemplateError:
        got = f"'{text[index]}'" if index < len(text) else "EOF"
        return TemplateError(f"expected {what}, got {got} instead")

    while index < len(text):
        char = text[index]
        index += 1
        if char != "$":
            current += char
            continue
        parts.append(current)
        current = ""
        bracket = index < len(text) and text[index] == "{"
        index += bracket
        if index >= len(text) or not "a" <= text[index] <= "z":
            raise expect("a lowercase char")
        start = index
        while index < len(text) and (text[index].isascii() and (text[index].isalnum() or text[index] == "_")):
            if text[index].isupper():
                break
            index += 1
        names.append(text[start:index])
        if bracket:
            if index >= len(text) or text[index] != "}":
                raise expect("'}'")
            index += 1
    if current:
        parts.append(current)
    return parts, names
