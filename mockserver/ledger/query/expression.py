"""The filter language's syntax: a JSON document read into a tree, and written back.

go-libs v4.0.0 ``query/expression.go`` (``ParseJSON``): every number must be an integer (checked
over the whole document first), the top level an object (``{}`` and ``null`` mean no filter),
every object of the tree exactly one key. ``$and`` / ``$or`` take an array of objects (an empty
one matches everything), ``$not`` one object, the leaf operators ``$match $gte $lte $gt $lt
$exists $like $in`` one ``{key: value}``. Errors keep the release's wording, its typos and its
``parsing $and`` for ``$or`` too. ``to_go`` writes a tree as the release marshals it into a
cursor: an empty set becomes ``{"$and": null}`` (a nil slice in Go).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockserver.ledger.query.errors import Invalid
from mockserver.ledger.query.godecode import Fraction

LEAF_OPERATORS = ("$match", "$gte", "$lte", "$gt", "$lt", "$exists", "$like", "$in")


@dataclass(frozen=True, slots=True)
class Leaf:
    operator: str
    key: str
    value: Any


@dataclass(frozen=True, slots=True)
class Group:
    operator: str  # "$and" or "$or"
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    expression: Node


Node = Leaf | Group | Not


def go_type(value: Any) -> str:
    """The ``%T`` Go prints for a decoded JSON value."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "*big.Int"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "[]interface {}"
    if isinstance(value, dict):
        return "map[string]interface {}"
    return "float64"


def parse(document: Any) -> Node | None:
    """The filter ``document`` (decoded JSON) states; None for no filter. Raises Invalid."""
    _check_integers(document)
    if document is None:
        return None
    if not isinstance(document, dict):
        raise Invalid(f"unexpected type {go_type(document)}")
    if not document:
        return None
    return _expression(document)


def _check_integers(value: Any) -> None:
    """``convertJsonNumbersToBigInt``: a number with a fraction or an exponent is refused."""
    if isinstance(value, Fraction | float):
        raise Invalid("provided json number was not an integer")
    if isinstance(value, dict):
        for item in value.values():
            _check_integers(item)
    elif isinstance(value, list):
        for item in value:
            _check_integers(item)


def _single(mapping: dict[str, Any]) -> tuple[str, Any]:
    if not mapping:
        raise Invalid("expected single key, found none")
    if len(mapping) > 1:
        raise Invalid("expected single key, found more then one")
    return next(iter(mapping.items()))


def _expression(mapping: dict[str, Any]) -> Node:
    operator, value = _single(mapping)
    if operator in ("$and", "$or"):
        try:
            return _set(operator, value)
        except Invalid as exc:
            raise exc.prefixed("parsing $and: ") from None  # sic: the release says $and for $or
    if operator in LEAF_OPERATORS:
        try:
            if not isinstance(value, dict):
                raise Invalid(f"unexpected type {go_type(value)}")
            key, operand = _single(value)
        except Invalid as exc:
            raise exc.prefixed(f"parsing {operator}: ") from None
        return Leaf(operator, key, operand)
    if operator == "$not":
        try:
            if not isinstance(value, dict):
                raise Invalid(f"unexpected type {go_type(value)}")
            return Not(_expression(value))
        except Invalid as exc:
            raise exc.prefixed("parsing $not: ") from None
    raise Invalid(f"unexpected operator {operator}")


def _set(operator: str, value: Any) -> Group:
    if not isinstance(value, list):
        raise Invalid(f"unexpected type {go_type(value)}")
    items = []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            # sic: Go names the type of the array, not of the item
            raise Invalid(f"unexpected type []interface {{}} when decoding {operator} clause at index {index}")
        items.append(_expression(item))
    return Group(operator, tuple(items))


def to_go(node: Node | None) -> Any:
    """The tree as the release marshals it (``MarshalJSON`` of set, keyValue and not)."""
    if node is None:
        return None
    if isinstance(node, Leaf):
        return {node.operator: {node.key: node.value}}
    if isinstance(node, Not):
        return {"$not": to_go(node.expression)}
    return {node.operator: [to_go(item) for item in node.items] or None}


def leaves(node: Node | None) -> list[Leaf]:
    """Every leaf, in the order the release walks them (``Builder.Walk``)."""
    if node is None:
        return []
    if isinstance(node, Leaf):
        return [node]
    if isinstance(node, Not):
        return leaves(node.expression)
    return [leaf for item in node.items for leaf in leaves(item)]
