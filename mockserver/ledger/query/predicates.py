"""A filter tree compiled once into a Python predicate, with SQL's three-valued logic.

The release turns a filter into a SQL ``WHERE`` (go-libs ``query/expression.go``, ``Build``):
``$and``/``$or`` join their clauses, an empty one is ``1 = 1``, ``$not`` is ``not (...)``. A
comparison with NULL is neither true nor false (a transaction without reference, a balance in an
asset the account never held, ``reverted_at`` of a live transaction), and ``NOT NULL`` is still
NULL, so such a row stays out under ``$not`` too. Leaves that can be NULL say so (``nullable``);
a tree without one is compiled to plain boolean closures.

The leaf helpers here are the SQL operators the resources share: comparisons, ``LIKE``,
metadata containment (``metadata @> {k: v}``) and key existence (``metadata -> k is not null``).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mockserver.ledger.query.errors import Unmapped
from mockserver.ledger.query.expression import Leaf, Node, Not

Test = Callable[[Any], Any]  # True, False, or None for SQL's NULL
COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "$match": operator.eq,
    "$lt": operator.lt,
    "$gt": operator.gt,
    "$lte": operator.le,
    "$gte": operator.ge,
}
METADATA_KEY = re.compile(r"metadata\[(.+)]")  # internal/storage/common/metadata.go, greedy


@dataclass(frozen=True, slots=True)
class Compiled:
    test: Test
    nullable: bool = False


ALWAYS = Compiled(lambda _row: True)


def compile_tree(node: Node | None, resolve: Callable[[Leaf], Compiled]) -> Compiled:
    """The predicate of ``node``; ``resolve`` compiles a leaf (and raises for what the release
    refuses while building its SQL, in the order it builds it)."""
    if node is None:
        return ALWAYS
    if isinstance(node, Leaf):
        return resolve(node)
    if isinstance(node, Not):
        inner = compile_tree(node.expression, resolve)
        if not inner.nullable:
            test = inner.test
            return Compiled(lambda row: not test(row))
        test = inner.test
        return Compiled(lambda row: None if (value := test(row)) is None else not value, True)
    if not node.items:
        return ALWAYS
    parts = [compile_tree(item, resolve) for item in node.items]
    tests = tuple(part.test for part in parts)
    if len(tests) == 1:
        return parts[0]
    nullable = any(part.nullable for part in parts)
    if node.operator == "$and":
        if not nullable and len(tests) == 2:
            first, second = tests
            return Compiled(lambda row: first(row) and second(row))
        if not nullable:
            return Compiled(lambda row: all(test(row) for test in tests))
        return Compiled(lambda row: _kleene(tests, row, stop=False), True)
    if not nullable:
        return Compiled(lambda row: any(test(row) for test in tests))
    return Compiled(lambda row: _kleene(tests, row, stop=True), True)


def _kleene(tests: tuple[Test, ...], row: Any, *, stop: bool) -> Any:
    """AND (``stop`` False) or OR (``stop`` True) over True/False/None, as SQL has it."""
    unknown = False
    for test in tests:
        value = test(row)
        if value is None:
            unknown = True
        elif bool(value) is stop:
            return stop
    return None if unknown else not stop


def compare(operator_name: str, value: Any, read: Callable[[Any], Any]) -> Compiled:
    """``column <op> value``; NULL (``read`` gives None) compares to nothing."""
    op = COMPARISONS[operator_name]
    return Compiled(lambda row: None if (got := read(row)) is None else op(got, value), True)


def like(pattern: str) -> Callable[[str], bool]:
    """PostgreSQL ``LIKE``: ``%`` any run, ``_`` one character, ``\\`` escapes, case-sensitive.

    A pattern ending with the escape character is a PostgreSQL error, so a 500 from the release
    (``Unmapped``); spec mode answers 400 instead.
    """
    out, index = [], 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            if index + 1 == len(pattern):
                raise Unmapped(f"the $like pattern {pattern!r} ends with the escape character '\\'")
            out.append(re.escape(pattern[index + 1]))
            index += 2
            continue
        out.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
        index += 1
    regex = re.compile("".join(out), re.DOTALL)
    return lambda text: regex.fullmatch(text) is not None


def metadata_leaf(
    leaf: Leaf, read: Callable[[Any], dict[str, str] | None], *, nullable: bool = False
) -> Compiled | None:
    """``metadata[k]`` (containment: equal to the string, whatever the operator; an array never
    matches) or ``metadata`` (the key named by the value exists); None for another key. ``read``
    gives the row's metadata; when ``nullable``, None where the release's join found no
    revision (NULL)."""
    if leaf.key == "metadata":
        wanted = leaf.value
        # NULL -> k is NULL, and "is not null" of it is false, not NULL
        return Compiled(lambda row: isinstance(wanted, str) and wanted in (read(row) or ()))
    found = METADATA_KEY.search(leaf.key)
    if found is None:
        return None
    key, value = found.group(1), leaf.value
    if not isinstance(value, str):  # $in: a string never contains an array
        return Compiled(lambda row: None if read(row) is None else False, nullable)
    if not nullable:
        return Compiled(lambda row: read(row).get(key) == value)  # type: ignore[union-attr]
    return Compiled(lambda row: None if (meta := read(row)) is None else meta.get(key) == value, True)
