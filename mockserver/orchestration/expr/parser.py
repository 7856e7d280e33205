"""Precedence-climbing parser with expr-lang's operator table and its parsing quirks.

Quirks kept on purpose, because triggers written against the real service rely on them:

* ``<``, ``>``, ``<=``, ``>=`` chain: ``1 < x < 9`` means ``1 < x && x < 9``.
* ``??`` binds tighter than anything else and cannot be followed by another binary operator without
  parentheses (``a ?? b + 1`` is a syntax error).
* Unary ``not``/``!`` bind looser than comparisons' operands but tighter than the comparison itself:
  ``not a == b`` is ``(not a) == b``; unary ``-`` binds looser than ``**``: ``-2 ** 2`` is ``-4``.
* A dot after a ``?.`` chain extends the chain even across parentheses; an index ``[i]`` does not.
"""

from __future__ import annotations

from mockserver.orchestration.expr.errors import ExprSyntaxError
from mockserver.orchestration.expr.lexer import (
    BRACKET,
    EOF,
    IDENTIFIER,
    NUMBER,
    OPERATOR,
    STRING,
    Token,
    number_value,
    tokenize,
)
from mockserver.orchestration.expr.nodes import (
    ArrayLit,
    Binary,
    Call,
    Chain,
    Conditional,
    Ident,
    Literal,
    MapLit,
    Member,
    MethodCall,
    Node,
    Slice,
    Unary,
    children,
)

__all__ = ["BINARY", "MAX_DEPTH", "parse"]

# Deep enough for any real filter, shallow enough that parsing, checking and evaluating stay far from
# Python's recursion limit whatever the caller's own stack depth.
MAX_DEPTH = 100

LEFT, RIGHT = 0, 1
UNARY = {"not": 50, "!": 50, "-": 90, "+": 90}
BINARY: dict[str, tuple[int, int]] = {
    "|": (0, LEFT),
    "or": (10, LEFT),
    "||": (10, LEFT),
    "and": (15, LEFT),
    "&&": (15, LEFT),
    "==": (20, LEFT),
    "!=": (20, LEFT),
    "<": (20, LEFT),
    ">": (20, LEFT),
    ">=": (20, LEFT),
    "<=": (20, LEFT),
    "in": (20, LEFT),
    "matches": (20, LEFT),
    "contains": (20, LEFT),
    "startsWith": (20, LEFT),
    "endsWith": (20, LEFT),
    "..": (25, LEFT),
    "+": (30, LEFT),
    "-": (30, LEFT),
    "*": (60, LEFT),
    "/": (60, LEFT),
    "%": (60, LEFT),
    "**": (100, RIGHT),
    "^": (100, RIGHT),
    "??": (500, LEFT),
}
CHAINED = frozenset({"<", ">", "<=", ">="})
NEGATABLE = frozenset({"in", "matches", "contains", "startsWith", "endsWith"})


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.cur = tokens[0]
        self.depth = 0

    def fail(self, message: str, token: Token | None = None) -> ExprSyntaxError:
        return ExprSyntaxError(message, (token or self.cur).pos)

    def unexpected(self, token: Token | None = None) -> ExprSyntaxError:
        return self.fail(f"unexpected token {(token or self.cur).describe()}", token)

    def advance(self) -> None:
        if self.i + 1 < len(self.tokens):
            self.i += 1
        self.cur = self.tokens[self.i]

    def expect_bracket(self, value: str) -> None:
        if not self.cur.is_bracket(value):
            raise self.unexpected()
        self.advance()

    def expect_op(self, value: str) -> None:
        if not self.cur.is_op(value):
            raise self.unexpected()
        self.advance()

    def parse_expression(self, precedence: int) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail("expression is nested too deeply")
        if precedence == 0 and self.cur.is_op("let"):
            raise self.fail("let declarations are not supported by this mock")
        left = self.parse_primary()
        prev = ""
        tok = self.cur
        while tok.kind == OPERATOR:
            if tok.value == "not":
                saved = self.i
                self.advance()
                suffix = self.cur
                if not (suffix.kind == OPERATOR and suffix.value in NEGATABLE):
                    raise self.unexpected()
                if BINARY[suffix.value][0] < precedence:
                    self.i, self.cur = saved, tok
                    break
                negate, tok = True, suffix
            else:
                negate = False
            entry = BINARY.get(tok.value)
            if entry is None or entry[0] < precedence:
                break
            prec, assoc = entry
            self.advance()
            if tok.value == "|":
                name = self.cur
                if name.kind != IDENTIFIER:
                    raise self.unexpected()
                self.advance()
                left = self.parse_call(name, [left])
            elif prev == "??" and tok.value != "??":
                raise self.fail(
                    f"Operator ({tok.value}) and coalesce expressions (??) cannot be mixed. "
                    "Wrap either by parentheses.",
                    tok,
                )
            elif tok.value in CHAINED:
                left = self.parse_comparison(left, tok, prec)
            else:
                right = self.parse_expression(prec + 1 if assoc == LEFT else prec)
                left = Binary(tok.pos, tok.value, left, right)
                if negate:
                    left = Unary(tok.pos, "not", left)
            prev = tok.value
            tok = self.cur
        if precedence == 0:
            left = self.parse_conditional(left)
        self.depth -= 1
        return left

    def parse_comparison(self, left: Node, tok: Token, prec: int) -> Node:
        root: Node | None = None
        while True:
            right = self.parse_expression(prec + 1)
            cmp = Binary(tok.pos, tok.value, left, right)
            root = cmp if root is None else Binary(tok.pos, "&&", root, cmp)
            left, tok = right, self.cur
            if not (tok.kind == OPERATOR and tok.value in CHAINED):
                return root
            self.advance()

    def parse_conditional(self, node: Node) -> Node:
        while self.cur.is_op("?"):
            question = self.cur
            self.advance()
            then = self.parse_expression(0)
            self.expect_op(":")
            otherwise = self.parse_expression(0)
            node = Conditional(question.pos, node, then, otherwise)
        return node

    def parse_primary(self) -> Node:
        tok = self.cur
        if tok.kind == OPERATOR and tok.value in UNARY:
            self.advance()
            operand = self.parse_expression(UNARY[tok.value])
            return self.parse_postfix(Unary(tok.pos, tok.value, operand))
        if tok.is_bracket("("):
            self.advance()
            inner = self.parse_expression(0)
            self.expect_bracket(")")
            return self.parse_postfix(inner)
        if tok.is_op("#", "."):
            raise self.fail("cannot use pointer accessor outside predicate")
        return self.parse_secondary()

    def parse_secondary(self) -> Node:
        tok = self.cur
        node: Node
        if tok.kind == IDENTIFIER:
            self.advance()
            if tok.value in ("true", "false", "nil"):
                return Literal(tok.pos, {"true": True, "false": False, "nil": None}[tok.value])
            node = self.parse_call(tok, []) if self.cur.is_bracket("(") else Ident(tok.pos, tok.value)
        elif tok.kind == NUMBER:
            self.advance()
            try:
                return Literal(tok.pos, number_value(tok.value))
            except ValueError as exc:
                raise self.fail(str(exc), tok) from None
        elif tok.kind == STRING:
            self.advance()
            node = Literal(tok.pos, tok.value)
        elif tok.is_bracket("["):
            node = self.parse_array()
        elif tok.is_bracket("{"):
            node = self.parse_map()
        else:
            raise self.unexpected()
        return self.parse_postfix(node)

    def parse_call(self, name: Token, args: list[Node]) -> Node:
        return Call(name.pos, name.value, tuple(self.parse_arguments(args)))

    def parse_arguments(self, args: list[Node]) -> list[Node]:
        offset = len(args)
        self.expect_bracket("(")
        while not self.cur.is_bracket(")"):
            if len(args) > offset:
                self.expect_op(",")
            if self.cur.is_bracket(")"):
                break
            args.append(self.parse_expression(0))
        self.expect_bracket(")")
        return args

    def parse_array(self) -> Node:
        start = self.cur
        self.expect_bracket("[")
        items: list[Node] = []
        while not self.cur.is_bracket("]"):
            if items:
                self.expect_op(",")
                if self.cur.is_bracket("]"):
                    break
            items.append(self.parse_expression(0))
        self.expect_bracket("]")
        return ArrayLit(start.pos, tuple(items))

    def parse_map(self) -> Node:
        start = self.cur
        self.expect_bracket("{")
        pairs: list[tuple[Node, Node]] = []
        while not self.cur.is_bracket("}"):
            if pairs:
                self.expect_op(",")
                if self.cur.is_bracket("}"):
                    break
                if self.cur.is_op(","):
                    raise self.unexpected()
            key: Node
            if self.cur.kind in (NUMBER, STRING, IDENTIFIER):
                key = Literal(start.pos, self.cur.value)
                self.advance()
            elif self.cur.is_bracket("("):
                key = self.parse_expression(0)
            else:
                raise self.fail(
                    "a map key must be a quoted string, a number, a identifier, or an expression enclosed "
                    f"in parentheses (unexpected token {self.cur.describe()})"
                )
            self.expect_op(":")
            pairs.append((key, self.parse_expression(0)))
        self.expect_bracket("}")
        return MapLit(start.pos, tuple(pairs))

    def parse_postfix(self, node: Node) -> Node:
        tok = self.cur
        while tok.kind == OPERATOR or tok.kind == BRACKET:
            optional = tok.value == "?."
            if tok.value in (".", "?."):
                self.advance()
                prop = self.cur
                if optional and prop.is_bracket("["):
                    node = self.parse_index(node, prop, optional=True)
                    tok = self.cur
                    continue
                if prop.kind == EOF:
                    raise self.fail("unexpected end of expression", prop)
                self.advance()
                if prop.kind != IDENTIFIER and not (prop.kind == OPERATOR and prop.value.isalpha()):
                    raise self.fail("expected name", prop)
                in_chain = isinstance(node, Chain)
                base = node.inner if isinstance(node, Chain) else node
                member = Member(prop.pos, base, Literal(prop.pos, prop.value), optional, dot=True)
                node = member
                if self.cur.is_bracket("("):
                    node = MethodCall(prop.pos, member, tuple(self.parse_arguments([])))
                if in_chain or optional:
                    node = Chain(node.pos, node)
            elif tok.is_bracket("["):
                node = self.parse_index(node, tok, optional=False)
            else:
                break
            tok = self.cur
        return node

    def parse_index(self, node: Node, bracket: Token, *, optional: bool) -> Node:
        self.advance()
        if self.cur.is_op(":"):
            self.advance()
            stop = None if self.cur.is_bracket("]") else self.parse_expression(0)
            self.expect_bracket("]")
            return Slice(bracket.pos, node, None, stop)
        index = self.parse_expression(0)
        if self.cur.is_op(":"):
            self.advance()
            stop = None if self.cur.is_bracket("]") else self.parse_expression(0)
            self.expect_bracket("]")
            return Slice(bracket.pos, node, index, stop)
        self.expect_bracket("]")
        member: Node = Member(bracket.pos, node, index, optional)
        return Chain(bracket.pos, member) if optional else member


def parse(source: str) -> Node:
    """Parse ``source`` into an AST; raises ExprSyntaxError (not yet bound to the source)."""
    parser = _Parser(tokenize(source))
    node = parser.parse_expression(0)
    if parser.cur.kind != EOF:
        raise parser.unexpected()
    # Left-associative operators build deep trees without deep parsing ("1+1+1+…"): bound the tree too.
    stack = [(node, 1)]
    while stack:
        current, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ExprSyntaxError("expression is nested too deeply", current.pos)
        stack.extend((child, depth + 1) for child in children(current))
    return node
