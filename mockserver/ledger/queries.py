"""``POST /v2/{ledger}/queries/{id}/run``: a schema's query template, filled in and listed.

formancehq/ledger v2.4.6 ``controller_default.go`` ``RunQuery`` and
``internal/api/v2/controllers_queries_run.go``. The template is looked up in the schema named by
``schemaVersion`` (a missing or unknown version: 400 ``schema version [v]: failed to find
schema: not found``; an unknown id: 400 ``... unknown query template: <id>``). Its variables take
their declared defaults, then the call's ``vars`` (undeclared ones are ignored); its params
start from the resource's defaults, then the template's, then the call's, each replacing
endTime, startTime, expand and pageSize wholesale (``sort`` only when given). With a ``cursor``
in the body, the template, vars and params are ignored and the cursor is followed. Only
``schemaVersion`` is read from the URL: the pagination parameters the spec lists are ignored.

The answer is ``{"cursor": ..., "resource": ...}`` with every object's keys in byte order, as
the release re-encodes it through a ``map[string]any``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mockserver.core.timefmt import parse_rfc3339, rfc3339
from mockserver.ledger import gojson
from mockserver.ledger.errors import LedgerError, validation
from mockserver.ledger.filters import (
    TemplateError,
    access_type,
    as_mutable,
    leaves,
    parse_filter,
    parse_template,
    rebuild,
    validate_value_type,
    variable_name,
)
from mockserver.ledger.pipeline import Pipeline
from mockserver.ledger.querytemplates import QueryTemplate, parse_sort

DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 15, 100
# resource -> (sort column, order) when nothing says otherwise (``RunQuery``)
DEFAULT_SORT = {
    "transactions": ("id", "desc"),
    "accounts": ("address", "asc"),
    "logs": ("id", "desc"),
    "volumes": ("account", "asc"),
}


@dataclass(frozen=True, slots=True)
class ResourceQuery:
    """One page of a resource, as a query template resolves it: what the lists must answer.

    ``filter`` is the query language's JSON with every variable filled in; ``pit`` / ``oot``
    are the template's ``endTime`` / ``startTime``; ``options`` holds the volumes' ``groupBy``
    and ``insertionDate``. With ``cursor`` set, only ``resource`` and ``cursor`` count."""

    resource: str
    filter: dict[str, Any] | None = None
    pit: datetime | None = None
    oot: datetime | None = None
    expand: tuple[str, ...] = ()
    sort: str = "id"
    order: str = "desc"
    page_size: int = DEFAULT_PAGE_SIZE
    options: dict[str, Any] = field(default_factory=dict)
    cursor: str | None = None


def _failed(message: str) -> LedgerError:
    return validation(f"failed to resolve query template: {message}")


def resolve_filter(template: QueryTemplate, call_vars: dict[str, Any]) -> dict[str, Any] | None:
    """``ResolveFilterTemplate``: the body with its variables replaced."""
    values = {name: decl.default for name, decl in template.vars.items() if decl.default is not None}
    for name, value in call_vars.items():
        if name in template.vars:
            validate_value_type(template.vars[name].type, value)
            values[name] = value
    tree = as_mutable(parse_filter(template.body))
    for leaf in leaves(tree):
        operator, key, value = leaf
        kind = access_type(template.resource, key)
        try:
            leaf[2] = _resolve_leaf(operator, kind, value, values)
        except TemplateError as exc:
            raise TemplateError(f"invalid filter on key {key}: {exc}") from None
    return rebuild(tree) if tree is not None else None


def _resolve_leaf(operator: str, kind: str, value: Any, values: dict[str, Any]) -> Any:
    if operator == "$in":
        if not isinstance(value, list):
            raise TemplateError("expected array, got: " + type(value).__name__)
        return [_resolve_value(kind, v, values) if isinstance(v, str) else v for v in value]
    if operator == "$exists":
        if not kind.startswith("map:"):
            raise TemplateError("$exists can only be called on a map field")
        return _resolve_value(kind[4:], value, values) if isinstance(value, str) else value
    return _resolve_value(kind, value, values) if isinstance(value, str) else value


def _resolve_value(kind: str, text: str, values: dict[str, Any]) -> Any:
    if kind == "string":
        parts, names = parse_template(text)
        out = []
        for index in range(len(parts) + 1):
            if index < len(parts):
                out.append(parts[index])
            if index < len(names):
                if names[index] not in values:
                    raise TemplateError(f"missing variable: {names[index]}")
                out.append(_as_text(values[names[index]]))
        return "".join(out)
    name = variable_name(text)
    if name not in values:
        raise TemplateError(f"missing variable: `{name}`")
    value = values[name]
    if kind == "boolean" and isinstance(value, bool):
        return value
    if kind == "date" and isinstance(value, str):
        return value
    if kind == "int" and isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            raise TemplateError(f"provided number should be an integer: {value}")
        return int(value)
    go_name = {"boolean": "bool", "date": "string", "int": "Number"}.get(kind)
    if go_name is None:
        raise TemplateError(f"unexpected FieldType: {kind}")
    raise TemplateError(f"cannot use variable `{name}` as type `{go_name}`")


def _as_text(value: Any) -> str:
    """``jsonToString``: a variable interpolated into a string field."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if not value.is_integer():
            raise TemplateError("numbers with decimals are not allowed")
        return str(int(value))
    if isinstance(value, int | str):
        return str(value)
    raise TemplateError(f"unexpected variable type: {type(value).__name__}")


def resolve_params(resource: str, *layers: Any) -> dict[str, Any]:
    """``QueryTemplateParams.Overwrite``: the resource's defaults, then each params object."""
    column, order = DEFAULT_SORT[resource]
    out: dict[str, Any] = {"pit": None, "oot": None, "expand": (), "page_size": DEFAULT_PAGE_SIZE}
    out.update(
        sort=column, order=order, options={"insertionDate": False, "groupBy": 0} if resource == "volumes" else {}
    )
    for params in layers:
        if params is None:
            continue
        if not isinstance(params, dict):
            raise TemplateError("json: cannot unmarshal params: expected an object")
        out["pit"], out["oot"] = _instant(params.get("endTime")), _instant(params.get("startTime"))
        expand = params.get("expand") or []
        if not isinstance(expand, list) or not all(isinstance(item, str) for item in expand):
            raise TemplateError("json: cannot unmarshal expand: expected an array of strings")
        out["expand"] = tuple(expand)
        size = params.get("pageSize") or 0
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise TemplateError(f"json: cannot unmarshal {gojson.dumps(size).decode()} into pageSize of type uint")
        out["page_size"] = size
        sort = params.get("sort")
        if isinstance(sort, str) and sort:
            if not sort.split(":", 1)[0].strip():
                raise TemplateError(f'invalid sort column: "{sort}"')
            out["sort"], chosen = parse_sort(sort)
            out["order"] = chosen or out["order"]
        if resource == "volumes":
            for key, kind in (("insertionDate", bool), ("groupBy", int)):
                if key in params:
                    if not isinstance(params[key], kind):
                        raise TemplateError(f"json: cannot unmarshal {key}: expected a {kind.__name__}")
                    out["options"] = {**out["options"], key: params[key]}
    out["page_size"] = min(out["page_size"] or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    return out


def _instant(value: Any) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TemplateError("json: cannot unmarshal a date: expected a string")
    try:
        return parse_rfc3339(value)
    except ValueError:
        raise TemplateError(f'parsing time "{value}" as "2006-01-02T15:04:05.999999999Z07:00": cannot parse') from None


def sorted_keys(value: Any) -> Any:
    """The answer re-encoded through Go's ``map[string]any``: object keys in byte order."""
    if isinstance(value, dict):
        return {key: sorted_keys(value[key]) for key in gojson.sorted_map(value)}
    if isinstance(value, list):
        return [sorted_keys(item) for item in value]
    return value


class QueryRuns(Pipeline):
    def run_query(self, name: str, query_id: str, body: Any, *, schema_version: str | None = None) -> dict[str, Any]:
        book = self.ledgers.book(name)
        if not isinstance(body, dict):
            raise validation("EOF" if body is None else "json: cannot unmarshal the body: expected an object")
        version = schema_version or ""
        schema = book.schemas.get(version)
        if schema is None:
            raise validation(f"schema version [{version}]: failed to find schema: not found")
        template = schema.queries.get(query_id)
        if template is None:
            raise validation(f"schema version [{version}]: unknown query template: {query_id}")
        cursor = body.get("cursor")
        if cursor is not None:
            if not isinstance(cursor, str):
                raise validation("json: cannot unmarshal cursor: expected a string")
            query = ResourceQuery(template.resource, cursor=cursor)
        else:
            call_vars = body.get("vars") or {}
            if not isinstance(call_vars, dict):
                raise validation("json: cannot unmarshal vars: expected an object")
            try:
                resolved = resolve_filter(template, call_vars)
                params = resolve_params(template.resource, template.params, body.get("params"))
            except TemplateError as exc:
                raise _failed(str(exc)) from None
            query = ResourceQuery(template.resource, resolved, **params)
        page = self.list_resource(name, query)
        return sorted_keys({"cursor": page, "resource": template.resource})

    def list_resource(self, name: str, query: ResourceQuery) -> dict[str, Any]:
        """One page of the template's resource, read through the ledger's own list routes with the
        parameters the template resolved to (a cursor alone when the call gave one)."""
        params: dict[str, Any] = {"pageSize": str(query.page_size)}
        if query.cursor:
            params["cursor"] = query.cursor
        else:
            params["sort"] = f"{query.sort}:{query.order}"
            if query.expand:
                params["expand"] = list(query.expand)
            for key, when in (("pit", query.pit), ("oot", query.oot)):
                if when is not None:
                    params[key] = rfc3339(when)
            for key, value in query.options.items():
                params[key] = str(value).lower() if isinstance(value, bool) else str(value)
        lists: dict[str, Callable[..., dict[str, Any]]] = {
            "transactions": self.list_transactions,  # type: ignore[attr-defined]
            "accounts": self.list_accounts,  # type: ignore[attr-defined]
            "logs": self.list_logs,  # type: ignore[attr-defined]
            "volumes": self.volumes_with_balances,  # type: ignore[attr-defined]
        }
        page: dict[str, Any] = lists[query.resource](name, params, query.filter)["cursor"]
        return page
