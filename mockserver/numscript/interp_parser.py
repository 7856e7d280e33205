"""Parses Numscript as formancehq/numscript v0.0.24 does (the ledger's experimental interpreter): newlines
are plain whitespace, numbers may hold single underscores, expressions take parentheses, unary minus and
`/`, functions may be called as statements. Own Lark LALR grammar written from Numscript.g4's shapes.

Where the ANTLR grammar leans on unbounded look-ahead, this one narrows: the asset of a monetary literal is
a primary (a literal, variable, call or parenthesised expression), never an infix expression.
"""

from __future__ import annotations

from typing import Any

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedInput, UnexpectedToken
from lark.lexer import Lexer

from . import syntax as ast
from .errors import INTERPRETER_PARSE
from .interp_lexer import parse_error as _parse_error
from .interp_lexer import tokenize
from .limits import Limits, exceeded
from .values import ACCOUNT, ASSET, NUMBER, PORTION, STRING

GRAMMAR = r"""
start: feature_decl? vars_block? statement*
feature_decl: HASH_BANG LBRACKET FEATURE LPARENS (STRING (COMMA STRING)*)? RPARENS RBRACKET
vars_block: VARS LBRACE var_decl* RBRACE
var_decl: IDENTIFIER VARIABLE_NAME (EQ expr)?

?statement: SEND sent LPARENS SOURCE EQ source DESTINATION EQ destination RPARENS -> send
    | SAVE sent FROM expr -> save
    | call -> call_statement
?sent: expr | LBRACKET primary STAR RBRACKET -> sent_all

source: expr color? -> src_account
    | expr color? ALLOWING UNBOUNDED OVERDRAFT -> src_unbounded
    | expr color? ALLOWING OVERDRAFT UP TO expr -> src_bounded
    | expr WITH SCALING THROUGH expr -> src_scaling
    | LBRACE src_item* RBRACE -> src_block
    | ONEOF LBRACE source+ RBRACE -> src_oneof
    | MAX expr FROM source -> src_max
color: RESTRICT expr
src_item: source -> src_plain
    | expr FROM source -> src_allot
    | REMAINING FROM source -> src_allot_remaining

destination: expr -> dest_account
    | LBRACE dest_item+ RBRACE -> dest_block
    | ONEOF LBRACE dest_item+ RBRACE -> dest_oneof
dest_item: MAX expr kept_or_dest -> dest_max
    | expr kept_or_dest -> dest_allot
    | REMAINING kept_or_dest -> dest_remaining
kept_or_dest: TO destination | KEPT

?expr: sum
?sum: sum PLUS product -> plus
    | sum MINUS product -> minus
    | product
?product: product DIV unary -> div
    | unary
?unary: MINUS unary -> neg
    | primary
?primary: VARIABLE_NAME -> variable
    | ASSET -> lit_asset
    | STRING -> lit_string
    | ACCOUNT -> lit_account
    | NUMBER -> lit_number
    | PERCENT -> lit_percent
    | LBRACKET primary expr RBRACKET -> lit_monetary
    | LPARENS expr RPARENS -> parens
    | call
call: (IDENTIFIER | OVERDRAFT) LPARENS (expr (COMMA expr)*)? RPARENS

%declare VARS MAX SOURCE DESTINATION SEND FROM UP TO REMAINING ALLOWING UNBOUNDED OVERDRAFT ONEOF KEPT SAVE
%declare WITH SCALING THROUGH FEATURE LPARENS RPARENS LBRACKET RBRACKET LBRACE RBRACE COMMA EQ STAR PLUS MINUS
%declare DIV RESTRICT HASH_BANG PERCENT STRING IDENTIFIER NUMBER ASSET ACCOUNT VARIABLE_NAME
"""


def _span(item: Any) -> ast.Span:
    if isinstance(item, Token):
        return (item.line, item.column, item.line, item.column + len(item.value))
    return item.span


def _join(first: Any, last: Any) -> ast.Span:
    a, b = _span(first), _span(last)
    return (a[0], a[1], b[2], b[3])


class Unsupported(ast.Call):
    """A construct behind a feature flag; running it is the interpreter's ExperimentalFeature error."""


def _flagged(flag: str, span: ast.Span) -> Unsupported:
    return Unsupported(flag, [], span)


class _Build(Transformer):
    def __init__(self, limits: Limits):
        super().__init__()
        self.limits = limits

    def variable(self, c):
        return ast.Variable(c[0].value[1:], _span(c[0]))

    def lit_asset(self, c):
        return ast.Literal(ASSET, c[0].value, _span(c[0]))

    def lit_string(self, c):
        return ast.Literal(STRING, c[0], _span(c[0]))

    def lit_account(self, c):
        if "$" in c[0].value:
            return _flagged("experimental-account-interpolation", _span(c[0]))
        return ast.Literal(ACCOUNT, c[0].value[1:], _span(c[0]))

    def lit_number(self, c):
        return ast.Literal(NUMBER, int(c[0].value.replace("_", "")), _span(c[0]))

    def lit_percent(self, c):
        return ast.Literal(PORTION, c[0].value, _span(c[0]))

    def lit_monetary(self, c):
        return ast.MonetaryLiteral(c[1], c[2], _join(c[0], c[3]))

    def parens(self, c):
        return c[1]

    def plus(self, c):
        return self._arith(c, "+")

    def minus(self, c):
        return self._arith(c, "-")

    def _arith(self, c, op):
        left, right = c[0], c[2]
        if isinstance(left, ast.Arithmetic):
            left.rest.append((op, right))
            left.span = _join(left, right)
            left.depth = max(left.depth, self._depth(right))
            return left
        return ast.Arithmetic(left, [(op, right)], _join(left, right), max(self._depth(left), self._depth(right)))

    def div(self, c):
        return ast.Division(c[0], c[2], _join(c[0], c[2]), max(self._depth(c[0]), self._depth(c[2])) + 1)

    def neg(self, c):
        return ast.Negation(c[1], _join(c[0], c[1]), self._depth(c[1]) + 1)

    def _depth(self, node):
        """Operators nest without brackets (`- - - 1`, `1/2/3/...`): bound them like blocks, so evaluating
        an expression never recurses deeper than the nesting limit."""
        depth = getattr(node, "depth", 0)
        if depth > self.limits.nesting_depth:
            raise exceeded("block nesting depth", self.limits.nesting_depth, INTERPRETER_PARSE)
        return depth

    def call(self, c):
        args = [item for item in c[2:-1] if not isinstance(item, Token)]
        return ast.Call(c[0].value, args, _join(c[0], c[-1]))

    def var_decl(self, c):
        return ast.VarDecl(c[0].value, c[1].value[1:], c[3] if len(c) > 2 else None, _join(c[0], c[-1]))

    def vars_block(self, c):
        return [item for item in c if isinstance(item, ast.VarDecl)]

    def feature_decl(self, c):
        return ("features", [str(item.value)[1:-1] for item in c if isinstance(item, Token) and item.type == "STRING"])

    # sources
    def src_account(self, c):
        if len(c) > 1:
            return _flagged_source("experimental-asset-colors", c)
        return ast.SourceAccount(c[0], None, False, c[0].span)

    def src_unbounded(self, c):
        if isinstance(c[1], tuple):
            return _flagged_source("experimental-asset-colors", c)
        return ast.SourceAccount(c[0], None, True, _join(c[0], c[-1]))

    def src_bounded(self, c):
        if isinstance(c[1], tuple):
            return _flagged_source("experimental-asset-colors", c)
        return ast.SourceAccount(c[0], c[-1], False, _join(c[0], c[-1]))

    def src_scaling(self, c):
        return _flagged_source("experimental-asset-scaling", c)

    def color(self, c):
        return ("color", c[1])

    def src_plain(self, c):
        return ("plain", c[0])

    def src_allot(self, c):
        return ("allot", c[0], c[2])

    def src_allot_remaining(self, c):
        return ("allot", ast.Remaining(_span(c[0])), c[2])

    def src_block(self, c):
        items = c[1:-1]
        span = _join(c[0], c[-1])
        if self._allotment(items, len(items)):
            return ast.SourceAllotment([(item[1], item[2]) for item in items], span)
        return ast.SourceInOrder([item[1] for item in items], span)

    def _allotment(self, items, count):
        kinds = {item[0] for item in items}
        if len(kinds) > 1:
            raise _parse_error("mismatched input: a block mixes allotment clauses and sources", *_span(items[0][1])[:2])
        if count > self.limits.allotment_parts:
            raise exceeded("allotment parts", self.limits.allotment_parts, INTERPRETER_PARSE)
        return kinds == {"allot"}

    def src_oneof(self, c):
        return _flagged_source("experimental-oneof", c)

    def src_max(self, c):
        return ast.SourceMax(c[1], c[3], _join(c[0], c[3]))

    # destinations
    def dest_account(self, c):
        return ast.DestinationAccount(c[0], c[0].span)

    def kept_or_dest(self, c):
        return None if c[0].type == "KEPT" else c[1]

    def dest_max(self, c):
        return ("max", c[1], c[2], _span(c[0]))

    def dest_allot(self, c):
        return ("allot", c[0], c[1], c[0].span)

    def dest_remaining(self, c):
        return ("remaining", ast.Remaining(_span(c[0])), c[1], _span(c[0]))

    def dest_block(self, c):
        items, span = c[1:-1], _join(c[0], c[-1])
        if len(items) > self.limits.allotment_parts:
            raise exceeded("allotment parts", self.limits.allotment_parts, INTERPRETER_PARSE)
        if any(item[0] == "max" for item in items):
            *clauses, last = items
            if last[0] != "remaining" or any(item[0] != "max" for item in clauses):
                raise _parse_error("mismatched input: an ordered destination ends with one `remaining`", *last[3][:2])
            return ast.DestinationInOrder([(item[1], item[2]) for item in clauses], last[2], span)
        if len(items) == 1 and items[0][0] == "remaining":
            return ast.DestinationInOrder([], items[0][2], span)
        return ast.DestinationAllotment([(item[1], item[2]) for item in items], span)

    def dest_oneof(self, c):
        return ast.DestinationAccount(_flagged("experimental-oneof", _join(c[0], c[-1])), _join(c[0], c[-1]))

    # statements
    def sent_all(self, c):
        return ("all", c[1])

    def send(self, c):
        sent, span = c[1], _join(c[0], c[-1])
        if isinstance(sent, tuple):
            return ast.Send(None, sent[1], c[5], c[8], span)
        return ast.Send(sent, None, c[5], c[8], span)

    def save(self, c):
        sent, span = c[1], _join(c[0], c[3])
        if isinstance(sent, tuple):
            return ast.Save(None, sent[1], c[3], span)
        return ast.Save(sent, None, c[3], span)

    def call_statement(self, c):
        return ast.CallStatement(c[0], c[0].span)

    def start(self, c):
        features: list[str] = []
        variables: list[ast.VarDecl] = []
        statements = []
        for item in c:
            if isinstance(item, tuple):
                features = item[1]
            elif isinstance(item, list):
                variables = item
            else:
                statements.append(item)
        if len(statements) > self.limits.statements:
            raise exceeded("statements", self.limits.statements, INTERPRETER_PARSE)
        return ast.Script(variables, statements, None, features)


def _flagged_source(flag: str, c: list[Any]) -> ast.SourceAccount:
    span = _join(c[0], c[-1])
    return ast.SourceAccount(_flagged(flag, span), None, False, span)


class _TokenSource(Lexer):
    def __init__(self, lexer_conf: Any):
        pass

    def lex(self, data: Any) -> Any:  # type: ignore[override]
        text, limits = data
        return tokenize(text, limits)


_PARSERS: dict[Limits, Lark] = {}


def parse(text: str, limits: Limits) -> ast.Script:
    parser = _PARSERS.get(limits)
    if parser is None:
        parser = _PARSERS[limits] = Lark(GRAMMAR, parser="lalr", lexer=_TokenSource, transformer=_Build(limits))
    try:
        return parser.parse((text, limits))
    except UnexpectedToken as error:
        token = error.token
        shown = "<EOF>" if token.type == "$END" else str(token)
        line = getattr(token, "line", None) or text.count("\n") + 1
        column = getattr(token, "column", None) or 0
        raise _parse_error(f"mismatched input '{shown}'", line, column) from None
    except UnexpectedInput as error:  # pragma: no cover - the lexer raises first
        raise _parse_error(str(error), 1, 0) from None
