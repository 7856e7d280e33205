"""Numscript engine for the mock's ledger: imports nothing of the project (standard library and lark only).

It runs Numscript exactly as formancehq/ledger v2.4.6 does with its default engine, the `internal/machine`
compiler and VM ("machine"), and as its experimental interpreter, formancehq/numscript v0.0.24 ("interpreter",
which the ledger uses when started with --experimental-numscript-interpreter or for a request whose
`runtime` is "experimental-interpreter").

Public API::

    compile_script(text, *, engine="machine", limits=DEFAULT_LIMITS) -> Program   # cached (LRU, 1024)
    Program.execute(variables, ledger, *, metadata=None, account_metadata=None) -> Result
    normalize_vars(vars, *, api="v2") -> dict[str, str]   # JSON-typed variables as the ledger's API reads them
    Balances      # Protocol: balance(account, asset) -> int; account_metadata(account, key) -> str | None
    StaticLedger  # a Balances over dicts
    Result        # postings: list[Posting]; transaction_metadata; account_metadata (stored string encodings)
    Posting       # frozen: source, destination, amount (int), asset
    ScriptError   # .code (v2 errorCode), .message (engine text), .api_message, .v1_code, .details
    Limits, DEFAULT_LIMITS

Example (machine)::

    program = compile_script('''send [USD/2 100] (
      source = @world
      destination = {
        80% to @seller
        remaining to @platform
      }
    )''')
    program.execute({}, StaticLedger()).postings
    # [Posting('world', 'seller', 80, 'USD/2'), Posting('world', 'platform', 20, 'USD/2')]

`variables` are the strings the ledger's engine receives ("USD/2 100" for a monetary, "12.5%" for a portion...);
pass the API's JSON through `normalize_vars` first when it may hold typed values ({"asset", "amount"}).
`metadata`/`account_metadata` are the request's own: as the ledger's controller does, a request key may not
override a non-empty one the script set (METADATA_OVERRIDE), and an execution without postings is
NO_POSTINGS.

Error codes (ScriptError.code), as the v2 API answers them:
  COMPILATION_FAILED  parse and type errors, bad or missing or extraneous variables, @world as a variable
                      source (machine); message = the release's "compilation error: ..." text with its
                      source excerpt (syntax errors: same position, ANTLR's wording approximated)
  INSUFFICIENT_FUND   "account(s) @a|@b had/have insufficient funds" (machine) /
                      "Not enough funds. Needed [...] (only [...] available)" (interpreter)
  NO_POSTINGS, METADATA_OVERRIDE   the controller's checks
  INTERPRETER_PARSE, INTERPRETER_RUNTIME   the interpreter's parse and run-time errors
  INTERNAL            what the release does not map (it answers 500): a `fail` statement, a missing
                      metadata key for meta(), a negative balance() value, mixed-asset arithmetic,
                      allotment variables past 100%...

Machine engine quirks kept on purpose (they are what the release books): a zero posting from the first
source when a send takes nothing from it (send [X 0], an empty account ahead in an ordered source, send all
of an empty balance); `kept` amounts are taken back from the *last* parts of the funding; a leftover unit of
an allotment goes to the first parts, even a 0% one; `save` only affects balances the script debits and may
leave them negative; one newline between statements and inside blocks (a whitespace-only line is refused);
a `//` comment swallows the newline after it; `save a + b from @x` saves `a`; two balance() variables on
one account leave the first unresolved (its amount reads as 0 in metadata, using it in a send is INTERNAL).

The interpreter differs (numscript's differences-with-machine.md and its code): no zero postings; optional
newlines, `1_000`, parentheses, unary minus, `/` between numbers; kept funds return to the senders they were
pulled from; `save` floors at 0 and affects any account; @world may be a variable source, and its balance()
reads 0; extraneous variables are ignored; type and allotment-sum errors happen at run time; the same account
may appear twice in an ordered source; negative `max` caps count as 0; `print` and `fail` do not exist.
Not supported (a ScriptError INTERPRETER_RUNTIME "this feature is experimental. You need the '...' feature
flag to enable it", the interpreter's own refusal when the flag is off): oneof, asset colors (a backslash), scaling
(`with scaling through`), account interpolation (`@user:$id`), mid-script function calls and the
overdraft()/get_asset()/get_amount() functions -- even when a script declares them with `#![feature(...)]`.
The monetary literal's asset must be a primary expression (not `[$a + $b 10]`).

Approximations: syntax errors carry the release's position and kind ("mismatched input 'x' expecting ...",
"token recognition error at: 'c'") but ANTLR's expected-token sets and recovery (it may list several errors)
are not reproduced; the interpreter's parse-error excerpt is omitted; Go's JSON error wording for malformed
number variables is matched for the common cases only.

Limits: every bound of `Limits` (script bytes, tokens, statements, postings, nesting depth, digits of a
number, string length, allotment parts) fails with ScriptError("script exceeds the mock's limit on ...",
details={"limit": ...}), code COMPILATION_FAILED (machine) or INTERPRETER_PARSE (interpreter; postings:
INTERPRETER_RUNTIME); parsing is LALR with tree building as it reduces, so no input recurses or backtracks.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from threading import Lock
from typing import Any, Protocol

from .errors import (
    COMPILATION_FAILED,
    INSUFFICIENT_FUND,
    INTERNAL,
    INTERPRETER_PARSE,
    INTERPRETER_RUNTIME,
    METADATA_OVERRIDE,
    NO_POSTINGS,
    ScriptError,
)
from .inputs import normalize_vars
from .limits import DEFAULT_LIMITS, Limits, exceeded
from .program import Balances, Posting, Result, StaticLedger

__all__ = [
    "COMPILATION_FAILED",
    "DEFAULT_LIMITS",
    "ENGINES",
    "INSUFFICIENT_FUND",
    "INTERNAL",
    "INTERPRETER_PARSE",
    "INTERPRETER_RUNTIME",
    "METADATA_OVERRIDE",
    "NO_POSTINGS",
    "Balances",
    "Limits",
    "Posting",
    "Program",
    "Result",
    "ScriptError",
    "StaticLedger",
    "compile_script",
    "normalize_vars",
]

ENGINES = ("machine", "interpreter")
CACHE_SIZE = 1024


class Program(Protocol):
    engine: str

    def execute(
        self,
        variables: Mapping[str, Any],
        ledger: Balances,
        *,
        metadata: Mapping[str, str] | None = None,
        account_metadata: Mapping[str, Mapping[str, str]] | None = None,
    ) -> Result: ...


_cache: OrderedDict[tuple[str, str, Limits], Program] = OrderedDict()
_lock = Lock()


def compile_script(text: str, *, engine: str = "machine", limits: Limits = DEFAULT_LIMITS) -> Program:
    """The compiled program of `text` for `engine`, from a bounded LRU cache; ScriptError if it is refused.

    Refusals are not cached (the release caches only what compiles, internal/controller/ledger/numscript_parser.go).
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; expected one of {ENGINES}")
    key = (engine, text, limits)
    with _lock:
        program = _cache.get(key)
        if program is not None:
            _cache.move_to_end(key)
            return program
    program = _compile(text, engine, limits)
    with _lock:
        _cache[key] = program
        if len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return program


def _compile(text: str, engine: str, limits: Limits) -> Program:
    if not isinstance(text, str):
        raise TypeError("a script is a str")
    code = COMPILATION_FAILED if engine == "machine" else INTERPRETER_PARSE
    if len(text.encode("utf-8", errors="surrogatepass")) > limits.script_bytes:
        raise exceeded("script size in bytes", limits.script_bytes, code)
    try:
        if engine == "machine":
            from .machine import MachineProgram

            return MachineProgram(text, limits)
        from .interpreter import InterpreterProgram

        return InterpreterProgram(text, limits)
    except ScriptError:
        raise
    except RecursionError:
        raise exceeded("block nesting depth", limits.nesting_depth, code) from None
