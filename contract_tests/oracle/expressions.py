"""A small, typed slice of the trigger expression language (expr-lang), generated with its own meaning.

Each node renders to source text and evaluates on a payload in Python, so the model knows whether a filter
matches an event without asking the server. The slice avoids run-time errors by construction: filters only
read fields that generated payloads always carry, with their real types.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["All", "Any_", "Compare", "Concat", "Expr", "Field", "Matches", "Member", "Not", "StartsWith", "render_var"]


class Expr:
    def render(self) -> str:
        raise NotImplementedError

    def evaluate(self, payload: dict[str, Any]) -> Any:
        raise NotImplementedError


def _literal(value: Any) -> str:
    return json.dumps(value)


@dataclass(frozen=True)
class Field(Expr):
    """`event.a` or `event.metadata["k"]` (`key` set)."""

    name: str
    key: str | None = None

    def render(self) -> str:
        return f"event.{self.name}" if self.key is None else f"event.{self.name}[{_literal(self.key)}]"

    def evaluate(self, payload: dict[str, Any]) -> Any:
        value = payload.get(self.name)
        return value.get(self.key) if self.key is not None and isinstance(value, dict) else value


_OPS = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}


@dataclass(frozen=True)
class Compare(Expr):
    left: Field
    op: str
    right: Any

    def render(self) -> str:
        return f"{self.left.render()} {self.op} {_literal(self.right)}"

    def evaluate(self, payload: dict[str, Any]) -> bool | None:
        """None when the comparison is a run-time error (ordering against nil), which never matches."""
        try:
            return bool(_OPS[self.op](self.left.evaluate(payload), self.right))
        except TypeError:
            return None


@dataclass(frozen=True)
class Member(Expr):
    """`x in [..]`, or `not in`."""

    left: Field
    values: tuple[str, ...]
    negated: bool = False

    def render(self) -> str:
        return f"{self.left.render()} {'not in' if self.negated else 'in'} {_literal(list(self.values))}"

    def evaluate(self, payload: dict[str, Any]) -> bool:
        return (self.left.evaluate(payload) in self.values) != self.negated


@dataclass(frozen=True)
class StartsWith(Expr):
    left: Field
    prefix: str

    def render(self) -> str:
        return f"{self.left.render()} startsWith {_literal(self.prefix)}"

    def evaluate(self, payload: dict[str, Any]) -> bool:
        return str(self.left.evaluate(payload)).startswith(self.prefix)


@dataclass(frozen=True)
class Matches(Expr):
    left: Field
    pattern: str

    def render(self) -> str:
        return f"{self.left.render()} matches {_literal(self.pattern)}"

    def evaluate(self, payload: dict[str, Any]) -> bool:
        return re.search(self.pattern, str(self.left.evaluate(payload))) is not None


@dataclass(frozen=True)
class Not(Expr):
    inner: Expr
    word: bool = False

    def render(self) -> str:
        return f"{'not ' if self.word else '!'}({self.inner.render()})"

    def evaluate(self, payload: dict[str, Any]) -> bool:
        return not self.inner.evaluate(payload)


@dataclass(frozen=True)
class All(Expr):
    parts: tuple[Expr, ...]
    word: bool = False

    def render(self) -> str:
        return f" {'and' if self.word else '&&'} ".join(f"({p.render()})" for p in self.parts)

    def evaluate(self, payload: dict[str, Any]) -> bool:
        return all(p.evaluate(payload) for p in self.parts)


@dataclass(frozen=True)
class Any_(Expr):
    parts: tuple[Expr, ...]
    word: bool = False

    def render(self) -> str:
        return f" {'or' if self.word else '||'} ".join(f"({p.render()})" for p in self.parts)

    def evaluate(self, payload: dict[str, Any]) -> bool:
        return any(p.evaluate(payload) for p in self.parts)


@dataclass(frozen=True)
class Concat(Expr):
    """`"prefix" + event.x`: a string var."""

    prefix: str
    field: Field

    def render(self) -> str:
        return f"{_literal(self.prefix)} + {self.field.render()}"

    def evaluate(self, payload: dict[str, Any]) -> str:
        return self.prefix + str(self.field.evaluate(payload))


def render_var(value: Any) -> str:
    """How a var's value becomes a run variable: JSON numbers in shortest form (`1200000`, `1.5`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    if value is None:
        return "<nil>"
    return str(value)
