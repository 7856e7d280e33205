"""Ledger schemas: what one is, how a body becomes one, and how a write runs under one.

A schema (formancehq/ledger v2.4.6 ``internal/schema.go``) is a version, a chart of accounts
(chart.py), transaction templates (``internal/transaction_templates.go``) and query templates
(querytemplates.py). Writes that name a ``schemaVersion`` run under it (``internal/controller/
ledger/log_process.go``), through a ``SchemaGuard``:

- an unknown version is 404 NOT_FOUND, in both enforcement modes;
- no version on a ledger that has schemas is 400 SCHEMA_NOT_SPECIFIED in ``strict`` mode only;
- a transaction's postings must be accounts of the chart: 400 VALIDATION in ``strict`` mode;
- a schema with transaction templates only takes transactions written from one of them (both
  modes: in ``audit`` the release looks up the template ``""``, which never exists);
- accounts a write creates get the chart's ``.metadata`` defaults under the given metadata.

Enforcement mode ``audit`` (the release's default, ``--schema-enforcement-mode``): chart
violations and a missing ``schemaVersion`` are not errors, the release only logs them; the
write goes through unchanged. ``strict`` refuses them. Only new transactions are checked
against the chart; reverts and metadata writes accept any address (``internal/log.go``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mockserver.core.timefmt import timestamp
from mockserver.ledger.book import LedgerBook
from mockserver.ledger.chart import Chart, ChartError, chart_json, find_account, go_kind, parse_chart
from mockserver.ledger.errors import WRAP, LedgerError, not_found, validation
from mockserver.ledger.model import Posting
from mockserver.ledger.querytemplates import QueryTemplate, TemplateError, parse_query_templates
from mockserver.ledger.request import TransactionRequest

AUDIT, STRICT = "audit", "strict"
ENFORCEMENT_MODES = (AUDIT, STRICT)
RUNTIMES = ("", "machine", "experimental-interpreter")


@dataclass(frozen=True, slots=True)
class TransactionTemplate:
    description: str
    script: str
    runtime: str

    def as_json(self) -> dict[str, Any]:
        out = {"description": self.description, "script": self.script}
        if self.runtime:
            out["runtime"] = self.runtime
        return out


@dataclass(slots=True)
class Schema:
    version: str
    chart: Chart
    transactions: dict[str, TransactionTemplate]
    queries: dict[str, QueryTemplate]
    created_at: datetime | None = None

    def data_json(self, *, stored: bool = False) -> dict[str, Any]:
        """``SchemaData`` as Go marshals it; ``stored``: as read back from the database, whose
        jsonb reorders the raw ``params`` and ``body`` of query templates."""
        out: dict[str, Any] = {"chart": chart_json(self.chart)}
        if self.transactions:
            out["transactions"] = {key: self.transactions[key].as_json() for key in sorted(self.transactions)}
        if self.queries:
            out["queries"] = {key: self.queries[key].as_json(stored=stored) for key in sorted(self.queries)}
        return out

    def as_json(self, *, stored: bool = True) -> dict[str, Any]:
        return {
            **self.data_json(stored=stored),
            "version": self.version,
            "createdAt": timestamp(self.created_at) if self.created_at else "0001-01-01T00:00:00Z",
        }


def parse_schema(version: str, body: Any) -> Schema:
    """The body of ``POST /v2/{ledger}/schemas/{version}``, as ``NewSchema`` checks it. Decoding
    mistakes are 400 VALIDATION with the decoder's text; an invalid schema is 400 VALIDATION
    ``creating schema: invalid schema: ...`` behind the write pipeline's prefix."""
    if not isinstance(body, dict):
        raise validation(f"json: cannot unmarshal {go_kind(body)} into Go value of type ledger.SchemaData")
    try:
        chart = parse_chart(body["chart"]) if "chart" in body else None
        transactions = _transaction_templates(body.get("transactions"))
        queries = parse_query_templates(body.get("queries"))
    except (ChartError, TemplateError) as exc:
        raise validation(str(exc)) from None
    if chart is None:
        raise _invalid("missing chart of accounts")
    for template in transactions.values():
        if template.runtime not in RUNTIMES:
            raise _invalid(
                f"unexpected runtime `{template.runtime}`: should be `machine` or `experimental-interpreter`"
            )
    for template in queries.values():
        problem = template.problem()
        if problem:
            raise _invalid(problem)
    return Schema(version, chart, transactions, queries)


def _invalid(message: str) -> LedgerError:
    return validation(f"{WRAP}creating schema: invalid schema: {message}")


def _transaction_templates(raw: Any) -> dict[str, TransactionTemplate]:
    if raw is None:
        return {}
    where = "Go struct field SchemaData.transactions of type"
    if not isinstance(raw, dict):
        raise TemplateError(f"json: cannot unmarshal {go_kind(raw)} into {where} ledger.TransactionTemplates")
    out = {}
    for key, item in raw.items():
        if not isinstance(item, dict | type(None)):
            raise TemplateError(f"json: cannot unmarshal {go_kind(item)} into {where} ledger.TransactionTemplate")
        fields = {}
        for name in ("description", "script", "runtime"):
            value = (item or {}).get(name)
            if not isinstance(value, str | type(None)):
                message = f"{go_kind(value)} into Go struct field TransactionTemplate.transactions.{name} of type"
                raise TemplateError(f"json: cannot unmarshal {message} string")
            fields[name] = value or ""
        out[key] = TransactionTemplate(**fields)
    return out


def latest_version(book: LedgerBook) -> str | None:
    """The newest schema (``created_at DESC``: the last inserted)."""
    return next(reversed(book.schemas), None) if book.schemas else None


@dataclass(slots=True)
class SchemaGuard:
    """The schema one write runs under (None: no ``schemaVersion`` given)."""

    version: str
    schema: Schema | None
    strict: bool
    template: str | None = None  # the transaction template a create used

    @classmethod
    def open(cls, book: LedgerBook, version: str | None, *, strict: bool) -> SchemaGuard:
        """``runLog``'s schema resolution, before anything else of the write."""
        if version:
            found = book.schemas.get(version)
            if found is None:
                latest = latest_version(book)
                tail = f"latest available version is `{latest}`" if latest else "this ledger doesn't have a schema"
                raise not_found(f"{WRAP}schema version `{version}` not found, {tail}")
            return cls(version, found, strict)
        latest = latest_version(book)
        if latest is not None and strict:
            raise LedgerError(
                400,
                "SCHEMA_NOT_SPECIFIED",
                f"{WRAP}a schema version must be specified for this ledger, latest available version is {latest}",
            )
        return cls("", None, strict)

    def _refuse(self, message: str) -> LedgerError:
        return validation(f"{WRAP}schema version [{self.version}]: {message}")

    def resolve_template(self, request: TransactionRequest) -> TransactionRequest:
        """The request as it runs: a template's script in place of the template
        (``controller_default.go`` ``createTransaction``)."""
        schema = self.schema
        if schema is not None and schema.transactions:
            if not request.template and self.strict:
                raise self._refuse("transactions on this ledger must use a template")
            template = schema.transactions.get(request.template or "")
            if template is None:
                raise self._refuse(f"failed to find transaction template `{request.template or ''}`")
            self.template = request.template
            runtime = request.runtime or template.runtime
            return dataclasses.replace(request, postings=None, plain=template.script, template=None, runtime=runtime)
        if request.template:
            raise self._refuse("can only use templates on a schema with transaction definitions")
        return request

    def check_postings(self, postings: tuple[Posting, ...]) -> None:
        """Every source and destination must be an account of the chart: 400 VALIDATION in
        strict mode; in audit mode a violation is not an error (the release logs it)."""
        if self.schema is None or not self.strict:
            return
        for posting in postings:
            for address in (posting.source, posting.destination):
                try:
                    find_account(self.schema.chart, address)
                except ChartError as exc:
                    raise self._refuse(str(exc)) from None

    def defaults(self, address: str) -> dict[str, str]:
        """The chart's default metadata of a new account (none outside the chart)."""
        if self.schema is None:
            return {}
        try:
            return find_account(self.schema.chart, address).defaults()
        except ChartError:
            return {}
