"""The ledger's lists, counts and aggregates (formancehq/ledger v2.4.6 ``internal/api/v2``).

Each follows the release's order: resolve the ledger (404 LEDGER_NOT_FOUND), read the request
(query/request.py; 400 ``extracting paginated query: ...`` on a list's first page), check the
sort column, check the filter against the resource's schema and compile it (400 ``building
filtered dataset: ...`` on a list), check ``expand`` (``expanding results: ...``), then read one
page (query/paging.py). Counts and aggregates say the same without prefixes. Parameters are
the request's query string as text (``{"pageSize": "10", "expand": ["volumes"]}``), the filter
its ``query`` parameter or body, so another service of the stack calls these as a client would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from mockserver.ledger import presenter as present
from mockserver.ledger.book import LedgerBook
from mockserver.ledger.errors import internal, validation
from mockserver.ledger.pipeline import Pipeline, keeps_effective_volumes
from mockserver.ledger.query import fields, paging, plan, request, rows, tables
from mockserver.ledger.query.cursor import ASC, DESC, Query
from mockserver.ledger.query.errors import Invalid, Unmapped
from mockserver.ledger.query.expression import Node, leaves
from mockserver.ledger.query.predicates import Compiled, compile_tree
from mockserver.ledger.query.request import Params, Scope
from mockserver.ledger.query.resolvers import account_leaf, ledger_leaf, log_leaf, transaction_leaf

Args = Mapping[str, Any] | None  # query parameters: text, or lists of text for a repeated one
LIST = "building filtered dataset: "
NO_EXPAND = {"logs": "no expand supported", "ledgers": "no expansion available", "volumes": "no expansion available"}


def params_of(values: Args) -> Params:
    """Query parameters given as text or lists of text (a repeated parameter)."""
    return Params({k: [str(x) for x in (v if isinstance(v, list) else [v])] for k, v in (values or {}).items()})


class ListReads(Pipeline):
    @contextmanager
    def _refusals(self) -> Iterator[None]:
        """Where the release answers 500 for a client's mistake, spec mode answers 400 with advice.

        Each such case is raised as ``Unmapped`` where it is detected, and named there: ``$in``
        with a partial address (resolvers.address_leaf), an unknown sort column (``_sorting``),
        ``expand`` on volumes, logs, ledgers and aggregates (``_no_expand``), an empty
        ``expand`` value on accounts (``_account_expand``), ``$exists`` on ``balance``, ``$in``
        on a log's type or a ledger's name, ``metadata[`` keys the release cannot resolve
        (resolvers, rows), ``balance`` without an asset on an account holding several, a
        ``$like`` pattern ending with ``\\``, an offset beyond 2^31-1, a page sorted by
        ``reverted_at`` holding a live transaction, ``sort=address`` on volumes, a cursor whose
        order is neither 0 nor 1. ``--quirks real`` answers the release's 500.

        One departure is not a 500: the release writes an empty ``$and``/``$or`` into its cursor
        as ``null`` and then refuses that cursor (400 ``parsing $and: unexpected type <nil>``);
        spec mode reads it back as the empty set (``accept_null_sets``), real mode refuses it.
        """
        try:
            yield
        except Invalid as exc:
            raise validation(exc.message) from None
        except Unmapped as exc:
            raise (internal() if self.real else validation(exc.advice)) from None

    # --- transactions --------------------------------------------------------------------
    def list_transactions(self, name: str, params: Args = None, body: Any = None) -> dict[str, Any]:
        book = self.ledgers.book(name)
        args = params_of(params)
        with self._refusals():
            column = "timestamp" if args.get("order") == "effective" else "id"
            query = request.paginated(
                args, body, column, ASC if args.flag("reverse") else DESC, accept_null_sets=not self.real
            )
            query, column = _sorting("transactions", query)
            keep = _prefixed(LIST, lambda: self._transaction_filter(book, query.builder, query.pit)).test
            source = plan.plan(query.builder, book.tx_ids, book)  # read only when paging by id
            keyed = tables.transactions(book, column, source, query.pit)
            page = _page(query, keyed, keep)
        volumes, effective = "volumes" in query.expand, "effectiveVolumes" in query.expand
        effective = effective and keeps_effective_volumes(book)
        current = query.pit is not None and not _metadata_history(book)
        return page.as_json(_shown(present.transaction, volumes, effective, query.pit, current))

    def count_transactions(self, name: str, params: Args = None, body: Any = None) -> int:
        book = self.ledgers.book(name)
        with self._refusals():
            found = request.scope(params_of(params), body)
            keep = self._transaction_filter(book, found.builder, found.pit).test
            if found.builder is None and found.pit is None:
                return len(book.tx_ids)
            source = plan.plan(found.builder, book.tx_ids, book)
            return sum(1 for tx_id in source.walk(None, True, False) if keep(book.transactions[tx_id]))

    def _transaction_filter(self, book: LedgerBook, builder: Node | None, pit: datetime | None) -> Compiled:
        fields.validate("transactions", builder)
        history = _metadata_history(book)
        compiled = compile_tree(builder, lambda leaf: transaction_leaf(leaf, pit, history))
        if pit is None:
            return compiled
        test = compiled.test
        return Compiled(lambda tx: tx.timestamp <= pit and bool(test(tx)))

    # --- accounts ------------------------------------------------------------------------
    def list_accounts(self, name: str, params: Args = None, body: Any = None) -> dict[str, Any]:
        book = self.ledgers.book(name)
        with self._refusals():
            query = request.paginated(params_of(params), body, "address", ASC, accept_null_sets=not self.real)
            query, column = _sorting("accounts", query)
            keep = _prefixed(LIST, lambda: self._account_filter(book, query.builder, query.pit)).test
            _prefixed("expanding results: ", lambda: _account_expand(book, query.expand))
            if any(leaf.key == "balance" for leaf in leaves(query.builder)):
                # The release evaluates its filter on every account before paging: an account
                # holding several assets fails a plain balance filter whatever page is asked.
                for account in book.accounts.values():
                    keep(account)
            if column == "address":
                page = paging.offset_page(query, filter(keep, tables.accounts_by_address(book, query.order == DESC)))
            else:
                page = _page(query, tables.accounts(book, column), keep)
        volumes, effective = "volumes" in query.expand, "effectiveVolumes" in query.expand
        current = query.pit is not None and not _metadata_history(book)
        return page.as_json(_shown(present.account, volumes, effective, query.pit, current))

    def count_accounts(self, name: str, params: Args = None, body: Any = None) -> int:
        book = self.ledgers.book(name)
        with self._refusals():
            found = request.scope(params_of(params), body)
            keep = self._account_filter(book, found.builder, found.pit).test
            if found.builder is None and found.pit is None:
                return len(book.accounts)
            return sum(1 for account in book.accounts.values() if keep(account))

    def _account_filter(self, book: LedgerBook, builder: Node | None, pit: datetime | None) -> Compiled:
        fields.validate("accounts", builder)
        history, moves = _metadata_history(book), book.feature.get("MOVES_HISTORY") == "ON"
        compiled = compile_tree(builder, lambda leaf: account_leaf(leaf, pit, history, moves))
        if pit is None:
            return compiled
        test = compiled.test
        return Compiled(lambda account: account.first_usage <= pit and bool(test(account)))

    # --- logs and ledgers ----------------------------------------------------------------
    def list_logs(self, name: str, params: Args = None, body: Any = None) -> dict[str, Any]:
        """``pit`` and ``oot`` are read (a bad one is 400) and ignored, as the release does."""
        book = self.ledgers.book(name)
        with self._refusals():
            query = request.paginated(params_of(params), body, "id", DESC, accept_null_sets=not self.real)
            query, column = _sorting("logs", query)
            keep = _prefixed(LIST, lambda: _compiled("logs", query.builder, log_leaf)).test
            _no_expand("logs", query.expand)
            source = plan.plan(query.builder, book.log_ids)  # read only when paging by id
            page = _page(query, tables.logs(book, column, source), keep)
        return page.as_json(present.log)

    def list_ledgers(self, params: Args = None, body: Any = None) -> dict[str, Any]:
        """``GET /v2``: by id, ``includeDeleted`` adds the ledgers of deleted buckets."""
        args = params_of(params)
        include = args.flag("includeDeleted")
        opts = {"Bucket": "", "Features": None, "IncludeDeleted": include}
        with self._refusals():
            query = request.paginated(args, body, "id", ASC, opts=opts, accept_null_sets=not self.real)
            query, _ = _sorting("ledgers", query)
            keep = _prefixed(LIST, lambda: _compiled("ledgers", query.builder, ledger_leaf)).test
            _no_expand("ledgers", query.expand)
            shown = self.ledgers.visible(bool((query.opts or {}).get("IncludeDeleted")))
            keyed = paging.sorted_keyed([(book.info.id, book.info) for book in shown])
            page = _page(query, keyed, keep)
        return page.as_json(lambda info: present.ledger(info, deleted_at=self.ledgers.deleted_at(info.name)))

    # --- volumes and aggregated balances ---------------------------------------------------
    def volumes_with_balances(self, name: str, params: Args = None, body: Any = None) -> dict[str, Any]:
        """``GET /volumes``: ``groupBy``, ``endTime`` and ``startTime`` are checked first, even
        with a cursor (which then decides); ``endTime``/``startTime`` replace ``pit``/``oot``."""
        book = self.ledgers.book(name)
        args = params_of(params)
        with self._refusals():
            level = request.group_level(args.get("groupBy"))
            end, start = request.instant(args.get("endTime")), request.instant(args.get("startTime"))

            def adjust(found: Scope) -> Scope:
                return Scope(end or found.pit, start or found.oot, found.builder, found.expand)

            opts = {"insertionDate": args.flag("insertionDate"), "groupBy": max(level, 0)}
            query = request.paginated(
                args, body, "account", ASC, opts=opts, adjust=adjust, accept_null_sets=not self.real
            )
            query, _ = _sorting("volumes", query)
            keep = _prefixed(LIST, lambda: self._volume_filter(book, query)).test
            _no_expand("volumes", query.expand)
            accounts = tables.accounts_by_address(book, query.order == DESC)
            page = paging.offset_page(query, rows.page_rows(accounts, query, keep))
        return page.as_json(rows.VolumeRow.as_json)

    def _volume_filter(self, book: LedgerBook, query: Query) -> Compiled:
        fields.validate("volumes", query.builder)
        if (query.pit or query.oot) and book.feature.get("MOVES_HISTORY") != "ON":
            raise Invalid('missing feature "MOVES_HISTORY"')
        return compile_tree(query.builder, lambda leaf: rows.volume_leaf(leaf, query.pit, query.oot))

    def aggregate_balances(self, name: str, params: Args = None, body: Any = None) -> dict[str, Any]:
        """``GET /aggregate/balances``: ``useInsertionDate`` (or ``use_insertion_date``) with ``pit``
        sums by insertion date; ``oot`` is read and ignored."""
        book = self.ledgers.book(name)
        args = params_of(params)
        with self._refusals():
            found = request.scope(args, body)
            insertion = args.flag("use_insertion_date") or args.flag("useInsertionDate")
            fields.validate("aggregated", found.builder)
            if found.pit is not None:
                needed = (
                    ("MOVES_HISTORY", "ON") if insertion else ("MOVES_HISTORY_POST_COMMIT_EFFECTIVE_VOLUMES", "SYNC")
                )
                if book.feature.get(needed[0]) != needed[1]:
                    raise Invalid(f'missing feature "{needed[0]}"')
            keep = compile_tree(found.builder, lambda leaf: rows.aggregated_leaf(leaf, found.pit)).test
            if found.expand:
                raise Unmapped("no expand available for aggregated balances")
            matched = filter(keep, book.accounts.values())
            return rows.aggregate(matched, found.pit, insertion=insertion)


def _compiled(resource: str, builder: Node | None, leaf: Callable[..., Compiled]) -> Compiled:
    fields.validate(resource, builder)
    return compile_tree(builder, leaf)


def _prefixed(prefix: str, build: Callable[[], Any]) -> Any:
    """Run a stage of the release's pipeline, its 400s wrapped as that stage wraps them."""
    try:
        return build()
    except Invalid as exc:
        raise exc.prefixed(prefix) from None


def _sorting(resource: str, query: Query) -> tuple[Query, str]:
    """The sort column's field and the pagination it implies (``Paginate`` in
    ``internal/storage/common/resource.go``). A column the resource does not have is a plain
    error, so a 500 from the release; so is ``sort=address`` on volumes (an alias of the field,
    but ``ORDER BY address`` on a dataset whose column is ``account``) and a cursor whose mode
    does not fit its column (a panic or a SQL error there)."""
    found = fields.field_named(resource, query.column)
    if found is None:
        raise Unmapped(f"invalid property '{query.column}' for pagination")
    field_name, field = found
    if query.mode == "initial":
        if not field.paginated:
            raise Invalid(f"field {query.column} is not paginated")
        query = query.but(mode="keyset" if field.keyset else "offset")
    elif (query.mode == "keyset") != field.keyset:
        raise Unmapped(f"invalid cursor: column {query.column} does not page by {query.mode}")
    if resource == "volumes" and query.column != "account":
        raise Unmapped("volumes sort by account: write sort=account")
    if query.order not in (ASC, DESC):  # Order.String() panics on anything else
        raise Unmapped(f"invalid cursor: its order {query.order} is neither 0 (ascending) nor 1 (descending)")
    return query, field_name


def _page(query: Query, keyed: paging.KeyedRows, keep: Callable[[Any], Any]) -> paging.Page:
    if query.mode == "offset":
        return paging.offset_page(query, filter(keep, tables.ordered(keyed, query.order == DESC)))
    return paging.keyset_page(query, keyed, keep)


def _no_expand(resource: str, expand: tuple[str, ...]) -> None:
    """Any ``expand`` on logs, ledgers and volumes is a plain error in the release: a 500."""
    if expand:
        raise Unmapped(f"{NO_EXPAND[resource]}: {resource} take no expand")


def _account_expand(book: LedgerBook, expand: tuple[str, ...]) -> None:
    """``volumes`` needs MOVES_HISTORY, ``effectiveVolumes`` the effective volumes (400 both);
    an empty value becomes a SQL alias of nothing in the release, a 500."""
    for value in sorted(expand):
        if value == "volumes" and book.feature.get("MOVES_HISTORY") != "ON":
            raise Invalid("feature MOVES_HISTORY must be 'ON' to use volumes")
        if value == "effectiveVolumes" and not keeps_effective_volumes(book):
            raise Invalid("feature MOVES_HISTORY_POST_COMMIT_EFFECTIVE_VOLUMES must be 'SYNC' to use effectiveVolumes")
    if "" in expand:
        raise Unmapped("an empty expand value: write expand=volumes or expand=effectiveVolumes")


def _metadata_history(book: LedgerBook) -> bool:
    """Metadata at ``pit`` is read from history when ACCOUNT_METADATA_HISTORY is SYNC, for
    transactions too (``resource_transactions.go`` tests the account feature)."""
    return book.feature.get("ACCOUNT_METADATA_HISTORY") == "SYNC"


def _shown(
    present_one: Callable[..., dict[str, Any]], volumes: bool, effective: bool, pit: datetime | None, current: bool
) -> Callable[[Any], dict[str, Any]]:
    """A transaction's or an account's presenter, as of ``pit``; with ``current`` its metadata
    stays the current one (no metadata history)."""

    def show(record: Any) -> dict[str, Any]:
        out = present_one(record, volumes=volumes, effective=effective, pit=pit)
        if current:
            out["metadata"] = dict(record.metadata)
        return out

    return show


__all__ = ["ListReads", "params_of"]
