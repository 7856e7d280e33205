"""Inserting, reading and listing a ledger's schemas (formancehq/ledger v2.4.6).

Insert (``controllers_schema_insert.go``, ``controller_default.go`` ``insertSchema``): the body
is checked first (schemas.py), then the templates' scripts are compiled, then the version must
be new (409 SCHEMA_ALREADY_EXISTS ``schema version `v` already exists``). Like every write it
honours ``Idempotency-Key``, ``dryRun`` and ``schemaVersion`` (an unknown one: 404), writes one
``INSERTED_SCHEMA`` log and publishes one ``INSERTED_SCHEMA`` event; it never asks for a
schema version itself. Versions are free text; "latest" is the last inserted.

Read: 404 NOT_FOUND ``not found``. List (``controllers_schema_list.go``): a cursor, newest first
by default; ``sort`` is ``version`` or ``created_at`` (``createdAt``), optionally ``:asc`` /
``:desc``, ``order`` sets the direction when ``sort`` does not; 15 a page, at most 100. An
unknown sort column is the release's 500: spec mode answers 400 VALIDATION.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import orjson

from mockserver.ledger import logs
from mockserver.ledger.errors import WRAP, LedgerError, internal, not_found, validation
from mockserver.ledger.pipeline import Pipeline, Written
from mockserver.ledger.querytemplates import TemplateError, parse_sort
from mockserver.ledger.schemas import Schema, SchemaGuard, parse_schema
from mockserver.numscript import ScriptError, compile_script

INSERTED_SCHEMA = "INSERTED_SCHEMA"
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 15, 100
SORTABLE = ("version", "created_at")


class SchemaOps(Pipeline):
    numscript_engine: str

    def insert_schema(
        self,
        name: str,
        version: str,
        body: Any,
        *,
        dry_run: bool = False,
        idempotency_key: str | None = None,
        schema_version: str | None = None,
    ) -> Written:
        """``POST /v2/{ledger}/schemas/{version}``: 204 (a replay too, with ``Idempotency-Hit``)."""
        book = self.ledgers.book(name)
        schema = parse_schema(version, body)
        inputs = {"Version": version, "Data": schema.data_json()}
        if self._replay(book, idempotency_key, logs.idempotency_hash(inputs)) is not None:
            return Written(None, hit=True)
        SchemaGuard.open(book, schema_version, strict=False)  # an unknown version is 404; none is fine
        for template_id, template in schema.transactions.items():
            engine = {"machine": "machine", "experimental-interpreter": "interpreter"}.get(
                template.runtime, self.numscript_engine
            )
            try:
                compile_script(template.script, engine=engine)
            except ScriptError as exc:
                raise validation(f"{WRAP}invalid schema: invalid template {template_id}: {exc.message}") from None
        if version in book.schemas:
            raise LedgerError(409, "SCHEMA_ALREADY_EXISTS", f"{WRAP}schema version `{version}` already exists")
        if dry_run:
            return Written(None)
        now = self.clock.now()
        schema.created_at = now
        book.schemas[version] = schema
        # The log keeps the schema as inserted (not as jsonb reorders a query's params and body):
        # its hash is computed from these bytes again when the log is imported.
        payload = {"schema": schema.as_json(stored=False)}
        self._log(book, INSERTED_SCHEMA, payload, payload, now, idempotency_key, inputs, schema_version)
        self._publish(INSERTED_SCHEMA, {"ledger": name, **payload})
        return Written(None)

    def get_schema(self, name: str, version: str) -> dict[str, Any]:
        found = self.ledgers.book(name).schemas.get(version)
        if found is None:
            raise not_found()
        return found.as_json()

    def list_schemas(
        self,
        name: str,
        *,
        page_size: int | None = None,
        cursor: str | None = None,
        sort: str | None = None,
        order: str | None = None,
    ) -> dict[str, Any]:
        """``GET /v2/{ledger}/schemas``: one page of the ledger's schemas (offset cursor)."""
        book = self.ledgers.book(name)
        if cursor:
            column, descending, offset, size = _decode_cursor(cursor)
        else:
            column, descending, offset, size = self._schemas_first_page(page_size, sort, order)
        ordered: list[Schema] = list(book.schemas.values())  # insertion order: created_at ascending
        if column == "version":
            ordered.sort(key=lambda s: s.version)
        if descending:
            ordered.reverse()
        page = ordered[offset : offset + size]
        out: dict[str, Any] = {"pageSize": size, "hasMore": offset + size < len(ordered)}
        if offset > 0:
            out["previous"] = _cursor(column, descending, max(offset - size, 0), size)
        if out["hasMore"]:
            out["next"] = _cursor(column, descending, offset + size, size)
        out["data"] = [schema.as_json() for schema in page]
        return out

    def _schemas_first_page(
        self, page_size: int | None, sort: str | None, order: str | None
    ) -> tuple[str, bool, int, int]:
        size = DEFAULT_PAGE_SIZE if not page_size else min(page_size, MAX_PAGE_SIZE)
        if page_size is not None and page_size < 0:
            raise validation("invalid page size")
        descending = order != "asc"  # other values are ignored, as the release does
        column = "created_at"
        if sort:
            try:
                column, chosen = parse_sort(sort)
            except TemplateError as exc:
                raise validation(str(exc)) from None
            if chosen is not None:
                descending = chosen == "desc"
        if column not in SORTABLE:
            if self.real:
                raise internal()  # storage: "invalid property 'x' for pagination", unmapped
            raise validation(f"invalid sort column `{column}`: schemas sort by version or created_at")
        return column, descending, 0, size


def _cursor(column: str, descending: bool, offset: int, size: int) -> str:
    raw = orjson.dumps({"column": column, "desc": descending, "offset": offset, "pageSize": size})
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")  # the spec's cursor: [A-Za-z0-9_-]*


def _decode_cursor(text: str) -> tuple[str, bool, int, int]:
    try:
        found = orjson.loads(base64.urlsafe_b64decode(text.encode() + b"=" * (-len(text) % 4)))
        column, descending, offset, size = found["column"], found["desc"], found["offset"], found["pageSize"]
    except (binascii.Error, ValueError, KeyError, TypeError, orjson.JSONDecodeError):
        raise validation("invalid 'cursor' query param") from None
    if column not in SORTABLE or not isinstance(offset, int) or not isinstance(size, int) or offset < 0 or size < 1:
        raise validation("invalid 'cursor' query param")
    return column, bool(descending), offset, size
