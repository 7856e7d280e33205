"""A schema's chart of accounts: parsed, read back, and matched against account addresses.

Everything here follows formancehq/ledger v2.4.6 ``internal/chart.go`` (messages included, from
its ``chart_test.go``). A chart is a tree of segments: fixed ones by name, at most one variable
one per level (``$label``, optionally restricted by a ``.pattern`` regex), and accounts: a segment
with ``.self`` or without sub-segments. An account may carry ``.metadata`` defaults and
``.rules`` (an empty object; never read back). Reading a chart back normalises it: keys sorted,
``.self`` only where an account also has sub-segments, ``.rules`` and unknown ``.x`` dropped.

Two approximations: the release walks JSON objects in Go's random map order, the mock in the
body's order, so with several mistakes the first one reported may differ; patterns are Python
regexes with RE2's look-arounds and back-references refused (``regexp.Compile``'s message for
the common mistakes, Python's wording otherwise).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

SEGMENT = re.compile(r"^(\$|\.)?[a-zA-Z0-9_-]+$")
SELF, PATTERN, METADATA, RULES = ".self", ".pattern", ".metadata", ".rules"
_PERL_ONLY = re.compile(r"\(\?[=!<]|\\[1-9]")  # syntax RE2 does not support


class ChartError(ValueError):
    """A chart that does not parse, or an address the chart does not allow (the message is the release's)."""


@dataclass(slots=True)
class ChartAccount:
    metadata: dict[str, str | None] | None = None  # key -> default (None: declared without one)

    def defaults(self) -> dict[str, str]:
        return {key: value for key, value in (self.metadata or {}).items() if value is not None}


@dataclass(slots=True)
class Segment:
    fixed: dict[str, Segment] = field(default_factory=dict)
    variable: tuple[str, str | None, Segment] | None = None  # (label, pattern, segment)
    account: ChartAccount | None = None


Chart = dict[str, Segment]


def go_kind(value: Any) -> str:
    """The JSON kind as Go's decoder names it in ``cannot unmarshal <kind> into ...``."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return {str: "string", list: "array", dict: "object"}.get(type(value), "object")


def _object(value: Any, go_type: str = "map[string]interface {}") -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ChartError(f"json: cannot unmarshal {go_kind(value)} into Go value of type {go_type}")
    return value


def parse_chart(value: Any) -> Chart:
    """``ChartOfAccounts.UnmarshalJSON``: the root holds fixed segments only."""
    out: Chart = {}
    for key, raw in _object(value, "map[string]json.RawMessage").items():
        if not SEGMENT.match(key):
            raise ChartError(f"invalid segment name: {key}")
        if key.startswith("$"):
            raise ChartError(f"invalid key {key}: root cannot have a variable segment")
        if key.startswith("."):
            raise ChartError(f"invalid key {key}: the root cannot be an account")
        try:
            body = _object(raw)
        except ChartError as exc:
            raise ChartError(f"invalid segment: {exc}") from None
        if PATTERN in body:
            raise ChartError("cannot have a pattern on a fixed segment")
        try:
            out[key] = _segment(body)
        except ChartError as exc:
            raise ChartError(f"invalid segment `{key}`: {exc}") from None
    return out


def _segment(body: dict[str, Any]) -> Segment:
    segment = Segment()
    is_account = False
    account = ChartAccount()
    for key, raw in body.items():
        if key.startswith("."):
            if key == SELF and (not isinstance(raw, dict | type(None)) or raw):
                raise ChartError(".self must be an empty object")
            is_account = is_account or key == SELF
            if key == METADATA:
                account.metadata = _default_metadata(raw)
            elif key == RULES and not isinstance(raw, dict | type(None)):
                message = f"json: cannot unmarshal {go_kind(raw)} into Go value of type ledger.ChartAccountRules"
                raise ChartError(f"invalid account rules: {message}")
            continue
        if not SEGMENT.match(key):
            raise ChartError(f"invalid address segment: {key}")
        try:
            child_body = _object(raw)
        except ChartError as exc:
            raise ChartError(f"invalid segment: {exc}") from None
        pattern = _pattern(child_body) if PATTERN in child_body else None
        try:
            child = _segment(child_body)
        except ChartError as exc:
            raise ChartError(f"invalid segment: {exc}") from None
        if key.startswith("$"):
            if segment.variable is not None:
                raise ChartError("cannot have two variable segments with the same prefix")
            segment.variable = (key[1:], pattern, child)
        elif pattern is not None:
            raise ChartError("cannot have a pattern on a fixed segment")
        else:
            segment.fixed[key] = child
    if is_account or not (segment.fixed or segment.variable):
        segment.account = account
    else:
        for key in (METADATA, RULES):
            if key in body:
                raise ChartError(f"cannot have {key} on a non-account segment")
    return segment


def _pattern(body: dict[str, Any]) -> str:
    pattern = body[PATTERN]
    if not isinstance(pattern, str):
        raise ChartError("pattern must be a string")
    perl = _PERL_ONLY.search(pattern)
    if perl:
        raise ChartError(
            f"invalid pattern regex: error parsing regexp: invalid or unsupported Perl syntax: `{perl.group()}`"
        )
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ChartError(f"invalid pattern regex: error parsing regexp: {exc}") from None
    return pattern


def _default_metadata(raw: Any) -> dict[str, str | None] | None:
    """``.metadata``: ``{key: {"default": string}}``; null reads as absent."""
    if raw is None:
        return None
    prefix = "invalid default metadata: json: cannot unmarshal"
    if not isinstance(raw, dict):
        raise ChartError(f"{prefix} {go_kind(raw)} into Go value of type map[string]ledger.ChartAccountMetadata")
    out: dict[str, str | None] = {}
    for key, spec in raw.items():
        if not isinstance(spec, dict | type(None)):
            raise ChartError(f"{prefix} {go_kind(spec)} into Go value of type ledger.ChartAccountMetadata")
        default = (spec or {}).get("default")
        if not isinstance(default, str | type(None)):
            message = f"{go_kind(default)} into Go struct field ChartAccountMetadata.default of type string"
            raise ChartError(f"{prefix} {message}")
        out[key] = default
    return out


def chart_json(chart: Chart) -> dict[str, Any]:
    """``ChartOfAccounts.MarshalJSON``: what a schema reads back (Go sorts map keys)."""
    return {key: _segment_json(chart[key]) for key in sorted(chart)}


def _segment_json(segment: Segment, pattern: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {key: _segment_json(child) for key, child in segment.fixed.items()}
    if segment.variable is not None:
        label, child_pattern, child = segment.variable
        out[f"${label}"] = _segment_json(child, child_pattern)
    if segment.account is not None:
        if segment.account.metadata is not None:
            out[METADATA] = {
                key: ({"default": value} if value is not None else {})
                for key, value in sorted(segment.account.metadata.items())
            }
        if segment.fixed or segment.variable is not None:
            out[SELF] = {}
    if pattern is not None:
        out[PATTERN] = pattern
    return {key: out[key] for key in sorted(out)}


def find_account(chart: Chart, address: str) -> ChartAccount:
    """``FindAccountSchema``: the account the chart defines for ``address``, or ChartError.
    A fixed segment wins over the variable one, without falling back; patterns search
    (``regexp.Match`` is unanchored)."""
    parts = address.split(":")
    path: list[str] = []
    fixed, variable = chart, None
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        found = fixed.get(part)
        if found is None and variable is not None:
            _label, pattern, child = variable
            if pattern is None or re.search(pattern, part):
                found = child
        if found is None:
            raise ChartError(_invalid(path, part, pattern_mismatch=variable is not None, deeper=not last))
        if last:
            if found.account is None:
                raise ChartError(_invalid(path, part, pattern_mismatch=False, deeper=False))
            return found.account
        path.append(part)
        fixed, variable = found.fixed, found.variable
    raise ChartError(_invalid(path, "", pattern_mismatch=False, deeper=False))  # unreachable: split gives a part


def _invalid(path: list[str], segment: str, *, pattern_mismatch: bool, deeper: bool) -> str:
    """``ErrInvalidAccount`` (``internal/errors.go``)."""
    if not path:
        if deeper:
            return f"account starting with `{segment}` is not defined in the chart of accounts"
        return f"account `{segment}` is not defined in the chart of accounts"
    at = ":".join(path)
    if pattern_mismatch:
        return f"segment `{segment}` defined by the chart of accounts at `{at}` does not match the pattern"
    return f"segment `{segment}` is not allowed by the chart of accounts at `{at}`"
