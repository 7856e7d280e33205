"""Parses the machine's Numscript into syntax.py's tree: a Lark LALR grammar of our own, written from the
language's rules (the shapes of internal/machine/script/NumScript.g4), fed by lexer.py's tokens."""

from __future__ import annotations

from typing import Any

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.lexer import Lexer

from . import syntax as ast
from .diagnostics import syntax_error
from .errors import ScriptError, compilation_failed
from .lexer import DISPLAY, RULE_ORDER, display_token, tokenize
from .limits import Limits, exceeded
from .values import ACCOUNT, ASSET, NUMBER, PORTION, STRING

GRAMMAR = r"""
start: leading var_list? statements trailing?
leading: NEWLINE*
trailing: NEWLINE+
statements: statement | statements NEWLINE statement

var_list: VARS LBRACE NEWLINE var_lines RBRACE NEWLINE
var_lines: var_decl NEWLINE+ | var_lines var_decl NEWLINE+
var_decl: type_name variable (EQ origin)?
type_name: TY_ACCOUNT | TY_ASSET | TY_NUMBER | TY_STRING | TY_MONETARY | TY_PORTION
origin: META LPAREN expr COMMA STRING RPAREN -> origin_meta
      | BALANCE LPAREN expr COMMA expr RPAREN -> origin_balance

?statement: PRINT expr -> print_stmt
    | SAVE expr FROM expr -> save_stmt
    | SAVE monetary_all FROM expr -> save_all_stmt
    | SET_TX_META LPAREN STRING COMMA expr RPAREN -> set_tx_meta
    | SET_ACCOUNT_META LPAREN expr COMMA STRING COMMA expr RPAREN -> set_account_meta
    | FAIL -> fail_stmt
    | SEND sent LPAREN NEWLINE SOURCE EQ value_source NEWLINE DESTINATION EQ destination NEWLINE RPAREN -> send_sd
    | SEND sent LPAREN NEWLINE DESTINATION EQ destination NEWLINE SOURCE EQ value_source NEWLINE RPAREN -> send_ds
?sent: expr | monetary_all
monetary_all: LBRACK expr STAR RBRACK

?value_source: source | source_allotment
?source: source_account | source_max | source_in_order
source_account: expr
    | expr ALLOWING_OVERDRAFT expr -> source_overdraft
    | expr ALLOWING_UNBOUNDED -> source_unbounded
source_max: MAX expr FROM source
source_in_order: LBRACE NEWLINE source_lines RBRACE
source_lines: source NEWLINE | source_lines source NEWLINE
source_allotment: LBRACE NEWLINE source_allot_lines RBRACE
source_allot_lines: portion FROM source NEWLINE | source_allot_lines portion FROM source NEWLINE

?destination: destination_account | destination_in_order | destination_allotment
destination_account: expr
destination_in_order: LBRACE NEWLINE max_lines REMAINING kept_or_dest NEWLINE RBRACE
max_lines: MAX expr kept_or_dest NEWLINE | max_lines MAX expr kept_or_dest NEWLINE
destination_allotment: LBRACE NEWLINE dest_allot_lines RBRACE
dest_allot_lines: portion kept_or_dest NEWLINE | dest_allot_lines portion kept_or_dest NEWLINE
kept_or_dest: TO destination | KEPT

portion: PORTION -> portion_const
    | variable -> portion_var
    | REMAINING -> portion_remaining

expr: expr OP_ADD atom -> arith
    | expr OP_SUB atom -> arith
    | atom -> expr_atom
?atom: ACCOUNT -> lit_account
    | ASSET -> lit_asset
    | NUMBER -> lit_number
    | STRING -> lit_string
    | PORTION -> lit_portion
    | LBRACK expr NUMBER RBRACK -> lit_monetary
    | variable
variable: VARIABLE_NAME

%declare NEWLINE VARS META SET_TX_META SET_ACCOUNT_META PRINT FAIL SEND SOURCE FROM MAX DESTINATION TO ALLOCATE
%declare OP_ADD OP_SUB LPAREN RPAREN LBRACK RBRACK LBRACE RBRACE EQ COMMA STAR PERCENT
%declare TY_ACCOUNT TY_ASSET TY_NUMBER TY_MONETARY TY_PORTION TY_STRING STRING PORTION REMAINING KEPT BALANCE SAVE
%declare NUMBER VARIABLE_NAME ACCOUNT ASSET ALLOWING_OVERDRAFT ALLOWING_UNBOUNDED
"""


def span_of(first: Any, last: Any) -> ast.Span:
    """From the first token (or node) to the last: LogicError's start and end (stop column + length)."""
    start = first if isinstance(first, tuple) else _span(first)
    stop = last if isinstance(last, tuple) else _span(last)
    return (start[0], start[1], stop[2], stop[3])


def _span(item: Any) -> ast.Span:
    if isinstance(item, Token):
        return (item.line, item.column, item.line, item.column + len(item.value))
    return item.span


def unquote(token: Token) -> str:
    """strconv.Unquote of a STRING token: Go escapes; an escape Go refuses is a compile error."""
    from .gostring import go_unquote

    text = go_unquote(token.value)
    if text is None:
        raise compilation_failed("invalid syntax", line=token.line, column=token.column)
    return text


class _Build(Transformer):
    """Runs as the parser reduces (no recursion, whatever the depth), building syntax.py nodes."""

    def __init__(self, limits: Limits):
        super().__init__()
        self.limits = limits

    # expressions
    def lit_account(self, c):
        return ast.Literal(ACCOUNT, c[0].value[1:], _span(c[0]))

    def lit_asset(self, c):
        return ast.Literal(ASSET, c[0].value, _span(c[0]))

    def lit_number(self, c):
        return ast.Literal(NUMBER, int(c[0].value), _span(c[0]))

    def lit_string(self, c):
        return ast.Literal(STRING, c[0], _span(c[0]))  # the token: unquoted when compiled

    def lit_portion(self, c):
        return ast.Literal(PORTION, c[0].value, _span(c[0]))

    def lit_monetary(self, c):
        amount = ast.Literal(NUMBER, int(c[2].value), _span(c[2]))
        return ast.MonetaryLiteral(c[1], amount, span_of(c[0], c[3]))

    def variable(self, c):
        return ast.Variable(c[0].value[1:], _span(c[0]))

    def expr_atom(self, c):
        return c[0]

    def arith(self, c):
        left, op, right = c
        if isinstance(left, ast.Arithmetic):
            left.rest.append((op.value, right))
            left.span = span_of(left, right)
            return left
        return ast.Arithmetic(left, [(op.value, right)], span_of(left, right))

    # variables
    def type_name(self, c):
        return c[0]

    def var_decl(self, c):
        origin = c[3] if len(c) > 2 else None
        return ast.VarDecl(c[0].value, c[1].name, origin, span_of(c[0], c[-1]))

    def origin_meta(self, c):
        return ast.Call("meta", [c[2], ast.Literal(STRING, c[4], _span(c[4]))], span_of(c[0], c[5]))

    def origin_balance(self, c):
        return ast.Call("balance", [c[2], c[4]], span_of(c[0], c[5]))

    def var_lines(self, c):
        if isinstance(c[0], list):
            c[0].append(c[1])
            return c[0]
        return [c[0]]

    def var_list(self, c):
        return (c[3], span_of(c[0], c[4]))

    # sources
    def source_account(self, c):
        return ast.SourceAccount(c[0], None, False, c[0].span)

    def source_overdraft(self, c):
        return ast.SourceAccount(c[0], c[2], False, span_of(c[0], c[2]), span_of(c[1], c[2]))

    def source_unbounded(self, c):
        return ast.SourceAccount(c[0], None, True, span_of(c[0], c[1]))

    def source_max(self, c):
        return ast.SourceMax(c[1], c[3], span_of(c[0], c[3]))

    def source_lines(self, c):
        if len(c) == 2:
            return [c[0]]
        c[0].append(c[1])
        return c[0]

    def source_in_order(self, c):
        return ast.SourceInOrder(c[2], span_of(c[0], c[3]))

    def source_allot_lines(self, c):
        if len(c) == 4:
            return [(c[0], c[2])]
        c[0].append((c[1], c[3]))
        self._check_parts(len(c[0]))
        return c[0]

    def source_allotment(self, c):
        return ast.SourceAllotment(c[2], span_of(c[0], c[3]))

    # destinations
    def destination_account(self, c):
        return ast.DestinationAccount(c[0], c[0].span)

    def kept_or_dest(self, c):
        return ("kept", _span(c[0])) if c[0].type == "KEPT" else ("to", c[1])

    def max_lines(self, c):
        if len(c) == 4:
            return [(c[1], c[2])]
        c[0].append((c[2], c[3]))
        return c[0]

    def destination_in_order(self, c):
        items = [(cap, _target(kod)) for cap, kod in c[2]]
        return ast.DestinationInOrder(items, _target(c[4]), span_of(c[0], c[6]))

    def dest_allot_lines(self, c):
        if len(c) == 3:
            return [(c[0], _target(c[1]))]
        c[0].append((c[1], _target(c[2])))
        self._check_parts(len(c[0]))
        return c[0]

    def destination_allotment(self, c):
        return ast.DestinationAllotment(c[2], span_of(c[0], c[3]))

    def portion_const(self, c):
        return ast.Literal(PORTION, c[0].value, _span(c[0]))

    def portion_var(self, c):
        return c[0]

    def portion_remaining(self, c):
        return ast.Remaining(_span(c[0]))

    def _check_parts(self, count: int) -> None:
        if count > self.limits.allotment_parts:
            raise exceeded("allotment parts", self.limits.allotment_parts)

    # statements
    def monetary_all(self, c):
        return ("all", c[1], span_of(c[0], c[3]))

    def print_stmt(self, c):
        return ast.Print(c[1], span_of(c[0], c[1]))

    def fail_stmt(self, c):
        return ast.Fail(_span(c[0]))

    def save_stmt(self, c):
        return ast.Save(c[1], None, c[3], span_of(c[0], c[3]))

    def save_all_stmt(self, c):
        return ast.Save(None, c[1][1], c[3], span_of(c[0], c[3]))

    def set_tx_meta(self, c):
        return ast.SetTxMeta(c[2], c[4], span_of(c[0], c[5]))

    def set_account_meta(self, c):
        return ast.SetAccountMeta(c[2], c[4], c[6], span_of(c[0], c[7]))

    def send_sd(self, c):
        return self._send(c[1], c[6], c[10], span_of(c[0], c[12]))

    def send_ds(self, c):
        return self._send(c[1], c[10], c[6], span_of(c[0], c[12]))

    def _send(self, sent, source, destination, span):
        if isinstance(sent, tuple):
            return ast.Send(None, sent[1], source, destination, span)
        return ast.Send(sent, None, source, destination, span)

    def statements(self, c):
        if len(c) == 1:
            return [c[0]]
        c[0].append(c[2])
        if len(c[0]) > self.limits.statements:
            raise exceeded("statements", self.limits.statements)
        return c[0]

    def start(self, c):
        var_list = next((item for item in c if isinstance(item, tuple)), None)
        statements = next(item for item in c if isinstance(item, list))
        variables, vars_span = var_list if var_list else ([], None)
        return ast.Script(variables, statements, vars_span)

    def leading(self, c):
        return None

    def trailing(self, c):
        return None


def _target(kept_or_dest: tuple[str, Any]) -> ast.Destination | None:
    return None if kept_or_dest[0] == "kept" else kept_or_dest[1]


class _TokenSource(Lexer):
    """Hands Lark the tokens of lexer.py; the text and limits travel in the object given to parse()."""

    def __init__(self, lexer_conf: Any):
        pass

    def lex(self, data: Any) -> Any:  # type: ignore[override]
        text, limits = data
        return tokenize(text, limits)


_PARSERS: dict[Limits, Lark] = {}


def _parser(limits: Limits) -> Lark:
    """One parser per Limits: the tree is built by callbacks as the parser reduces, so no depth recurses."""
    parser = _PARSERS.get(limits)
    if parser is None:
        parser = Lark(GRAMMAR, parser="lalr", lexer=_TokenSource, transformer=_Build(limits))
        _PARSERS[limits] = parser
    return parser


def parse(text: str, limits: Limits) -> ast.Script:
    """The syntax tree of a machine script; ScriptError(COMPILATION_FAILED) on the first syntax error."""
    try:
        return _parser(limits).parse((text, limits))
    except ScriptError as error:
        if "line" in error.details and not error.message.startswith("compilation error"):
            raise syntax_error(text, error) from None
        raise
    except UnexpectedToken as error:
        raise syntax_error(text, _syntax_error(error, text)) from None
    except (UnexpectedCharacters, UnexpectedInput) as error:  # pragma: no cover - our lexer raises first
        raise compilation_failed(str(error)) from None


def _syntax_error(error: UnexpectedToken, text: str) -> ScriptError:
    token = error.token
    names = sorted(error.accepts or error.expected, key=lambda name: RULE_ORDER.get(name, len(RULE_ORDER)))
    expected = [DISPLAY.get(name, name) for name in names]
    wanted = expected[0] if len(expected) == 1 else "{" + ", ".join(expected) + "}"
    shown = display_token(token)
    if token.type == "$END":
        line, column, length = text.count("\n") + 1, len(text) - text.rfind("\n") - 1, 5
    else:
        line, column, length = token.line, token.column, len(token.value)
    return compilation_failed(
        f"mismatched input '{shown}' expecting {wanted}", line=line, column=column, length=max(length, 1)
    )
