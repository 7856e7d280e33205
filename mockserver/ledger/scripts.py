"""Transactions written as Numscript: the script runs in the project's engine on the ledger's state.

formancehq/ledger v2.4.6 runs scripts with its ``internal/machine`` engine unless started with
``--experimental-numscript-interpreter``, and a request picks either with ``"runtime": "machine"`` or
``"runtime": "experimental-interpreter"`` (``internal/controller/ledger/controller_default.go``).
The engine's own checks (funds, overdraft, metadata override, no postings) decide; its errors
come back with the release's code and message. The few the release does not map (a ``fail``
statement, a missing metadata key for ``meta()``...) are its bare 500 only in ``--quirks real``;
spec mode answers them 400 VALIDATION with the engine's text.
"""

from __future__ import annotations

from typing import Any

from mockserver.ledger.book import LedgerBook
from mockserver.ledger.errors import WRAP, LedgerError, internal, validation
from mockserver.ledger.model import Posting
from mockserver.ledger.request import TransactionRequest
from mockserver.numscript import ScriptError, compile_script

ENGINES = ("machine", "interpreter")
INTERPRETER_RUNTIME = "experimental-interpreter"
# A request's ``runtime`` names its engine whatever the server's default; any other value (none, "")
# leaves the default (``getParser`` in ``internal/controller/ledger/controller_default.go``).
RUNTIMES = {"machine": "machine", INTERPRETER_RUNTIME: "interpreter"}


class _BookState:
    """The ledger state a script reads (the engine's ``Balances`` protocol)."""

    __slots__ = ("_book",)

    def __init__(self, book: LedgerBook) -> None:
        self._book = book

    def balance(self, account: str, asset: str) -> int:
        return self._book.balance(account, asset)

    def account_metadata(self, account: str, key: str) -> str | None:
        found = self._book.accounts.get(account)
        return found.metadata.get(key) if found is not None else None


def run_script(
    book: LedgerBook, request: TransactionRequest, *, default_engine: str, real: bool
) -> tuple[tuple[Posting, ...], dict[str, str], dict[str, dict[str, str]]]:
    """(postings, transaction metadata, account metadata) the script books on ``book``."""
    if request.template:
        raise validation(f"{WRAP}schema version []: can only use templates on a schema with transaction definitions")
    engine = RUNTIMES.get(request.runtime, default_engine)
    try:
        program = compile_script(request.plain or "", engine=engine)
        result = program.execute(
            request.vars,
            _BookState(book),
            metadata=request.metadata,
            account_metadata=request.account_metadata,
        )
    except ScriptError as exc:
        raise _refusal(exc, real) from None
    postings = tuple(Posting(p.source, p.destination, p.amount, p.asset) for p in result.postings)
    return postings, result.transaction_metadata, result.account_metadata


def _refusal(exc: ScriptError, real: bool) -> Exception:
    if exc.http_status < 500:
        return LedgerError(exc.http_status, exc.code, exc.api_message)
    return internal() if real else validation(f"{WRAP}{exc.message}")


def check_engine(name: Any) -> str:
    if name not in ENGINES:
        raise ValueError(f"unknown Numscript engine {name!r}: expected one of {', '.join(ENGINES)}")
    return str(name)
