"""Query templates of a schema: their definition, checked at insertion, and their variables.

formancehq/ledger v2.4.6 ``internal/query_template.go`` and ``internal/queries/``. A template
names a resource (transactions, accounts, logs, volumes), default ``params`` (endTime,
startTime, expand, sort, pageSize; volumes add groupBy and insertionDate), typed ``vars``
(boolean, date, int, string; a bare type or ``{"type", "default"}``) and a filter ``body`` in
the ledger's query language (``$and``, ``$or``, ``$not``, ``$match``, ``$lt``...). In string
fields ``$name`` / ``${name}`` interpolate a variable; any other field takes a plain value or
exactly ``"${name}"`` of the field's type (so a literal date must come through a variable).
The filter's walk and variables live in filters.py; messages are the release's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mockserver.ledger.chart import go_kind
from mockserver.ledger.filters import RESOURCES, TemplateError, field_type, validate_body, validate_value_type

VAR_TYPES = ("boolean", "date", "int", "string")
PARAMS = ("endTime", "startTime", "expand", "sort", "pageSize")
VOLUME_PARAMS = ("groupBy", "insertionDate")
_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")

__all__ = ["QueryTemplate", "TemplateError", "VarDecl", "jsonb", "parse_query_templates", "parse_sort", "snake"]


@dataclass(frozen=True, slots=True)
class VarDecl:
    type: str
    default: Any = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type}
        if self.default is not None:  # omitempty on an interface: only nil is left out
            out["default"] = self.default
        return out


def jsonb(value: Any) -> Any:
    """``value`` as PostgreSQL's jsonb gives it back: object keys by length, then bytes."""
    if isinstance(value, dict):
        ordered = sorted(value, key=lambda k: (len(k.encode()), k.encode()))
        return {key: jsonb(value[key]) for key in ordered}
    if isinstance(value, list):
        return [jsonb(item) for item in value]
    return value


@dataclass(frozen=True, slots=True)
class QueryTemplate:
    description: str
    resource: str
    params: dict[str, Any] | None
    vars: dict[str, VarDecl]
    body: dict[str, Any] | None

    def as_json(self, *, stored: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.description:
            out["description"] = self.description
        out["resource"] = self.resource
        if self.params:
            out["params"] = jsonb(self.params) if stored else self.params
        if self.vars:
            out["vars"] = {name: self.vars[name].as_json() for name in sorted(self.vars)}
        if self.body is not None:
            out["body"] = jsonb(self.body) if stored else self.body
        return out

    def problem(self) -> str | None:
        """``QueryTemplate.Validate``: what makes it invalid, or None."""
        if self.resource not in RESOURCES:
            return f"unknown resource kind: {self.resource}"
        if self.params:
            message = _params_problem(self.resource, self.params)
            if message:
                return f"invalid params: {message}" if not message.startswith("invalid sort column `") else message
        for name, decl in self.vars.items():
            try:
                validate_value_type(decl.type, decl.default)
            except TemplateError as exc:
                return f"failed to validate variable declarations: invalid default for variable `{name}`: {exc}"
        if self.body is not None:
            try:
                validate_body(self.resource, self.body, {name: d.type for name, d in self.vars.items()})
            except TemplateError as exc:
                return f"failed to validate filter body: {exc}"
        return None


def snake(name: str) -> str:
    """``strcase.ToSnake`` for the column names the API takes (``createdAt`` -> ``created_at``)."""
    return _CAMEL.sub(r"_\1", name).lower()


def parse_sort(sort: str) -> tuple[str, str | None]:
    """``column[:asc|desc]`` -> (snake column, order or None); TemplateError otherwise."""
    column, _, order = sort.partition(":")
    if ":" in sort and order.lower() not in ("asc", "desc"):
        raise TemplateError(f"invalid order: {order}")
    return snake(column), (order.lower() or None) if ":" in sort else None


def _params_problem(resource: str, params: Any) -> str | None:
    if not isinstance(params, dict):
        return f"json: cannot unmarshal {go_kind(params)} into Go value of type map[string]interface {{}}"
    sort = params.get("sort")
    if isinstance(sort, str) and sort:
        if not sort.split(":", 1)[0].strip():
            return f'invalid sort column: "{sort}"'
        try:
            column, _ = parse_sort(sort)
        except TemplateError as exc:
            return str(exc)
        found = field_type(resource, column, paginated=True)
        if found is None:
            return f"invalid sort column `{column}`"
    allowed = PARAMS + (VOLUME_PARAMS if resource == "volumes" else ())
    for key in params:
        if key not in allowed:
            return f"unknown field: `{key}`"
    return None


def parse_query_templates(raw: Any) -> dict[str, QueryTemplate]:
    """``QueryTemplates`` as the body decodes (decoding mistakes: TemplateError with the decoder's text)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise TemplateError(f"json: cannot unmarshal {go_kind(raw)} into Go value of type ledger.QueryTemplates")
    return {key: _template(item) for key, item in raw.items()}


def _template(item: Any) -> QueryTemplate:
    if not isinstance(item, dict | type(None)):
        raise TemplateError(f"json: cannot unmarshal {go_kind(item)} into Go value of type ledger.QueryTemplate")
    item = item or {}
    description, resource = item.get("description") or "", item.get("resource") or ""
    for name, value in (("description", description), ("resource", resource)):
        if not isinstance(value, str):
            raise TemplateError(f"json: cannot unmarshal {go_kind(value)} into Go struct field .{name} of type string")
    raw_vars = item.get("vars") or {}
    if not isinstance(raw_vars, dict):
        raise TemplateError(f"json: cannot unmarshal {go_kind(raw_vars)} into Go value of type map[string]VarDecl")
    body = item.get("body")
    params = item.get("params")
    return QueryTemplate(description, resource, params, {k: _var_decl(v) for k, v in raw_vars.items()}, body)


def _var_decl(raw: Any) -> VarDecl:
    """``VarDecl.UnmarshalJSON``: a type name, or ``{"type", "default"}``."""
    if isinstance(raw, str):
        return VarDecl(_var_type(raw))
    if not isinstance(raw, dict):
        raise TemplateError(f"json: cannot unmarshal {go_kind(raw)} into Go value of type struct")
    kind = raw.get("type") or ""
    if not isinstance(kind, str):
        raise TemplateError(f"json: cannot unmarshal {go_kind(kind)} into Go struct field .type of type string")
    return VarDecl(_var_type(kind), raw.get("default"))


def _var_type(name: str) -> str:
    if name not in VAR_TYPES:
        raise TemplateError(f"invalid type `{name}`, expected one of `boolean`, `date`, `int`, `string`")
    return name
