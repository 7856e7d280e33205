"""Exporter drivers and their configuration, checked as formancehq/ledger v2.4.6 checks them.

``internal/replication/drivers/registry.go`` ``ValidateConfig``: the driver must be registered
(``elasticsearch``, ``clickhouse``, ``stdout``, ``http``, ``noop``: ``alldrivers/drivers.go``),
the config must decode into the driver's config type (an absent config does not: ``unexpected
end of JSON input``), pass the driver's own rules, and carry a valid ``batching``
(``batcher.go``). The mock checks, and never connects anywhere: no exporter sends a log.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from mockserver.ledger.chart import go_kind

DRIVERS = ("elasticsearch", "clickhouse", "stdout", "http", "noop")
_GO_TYPES = {
    "elasticsearch": "elasticsearch.Config",
    "clickhouse": "clickhouse.Config",
    "http": "http.Config",
    "stdout": "struct {}",
    "noop": "struct {}",
}
_DURATION = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))*$")
_ABSENT = object()


class DriverError(ValueError):
    """A configuration the registry refuses (the message is the release's)."""


def validate_config(driver: str, config: Any = _ABSENT) -> None:
    """Raise DriverError with ``ValidateConfig``'s text when ``config`` does not suit ``driver``."""
    if driver not in DRIVERS:
        raise DriverError(f"validating config for exporter '{driver}': driver '{driver}' not found")
    if config is _ABSENT:
        raise DriverError(f"exporter '{driver}' has malformed configuration: unexpected end of JSON input")
    if config is not None and not isinstance(config, dict):
        go_type = _GO_TYPES[driver]
        message = f"json: cannot unmarshal {go_kind(config)} into Go value of type {go_type}"
        raise DriverError(f"exporter '{driver}' has malformed configuration: {message}")
    values = config or {}
    _decodes(driver, values)
    rule = _RULES.get(driver)
    problem = rule(values) if rule is not None else None
    if problem is None:
        problem = _batching_problem(driver, values.get("batching"))
    if problem:
        raise DriverError(f"exporter '{driver}' has invalid configuration: {problem}")


def _decodes(driver: str, values: dict[str, Any]) -> None:
    strings = {"http": ("url",), "clickhouse": ("dsn",), "elasticsearch": ("endpoint", "index")}.get(driver, ())
    for name in strings:
        if values.get(name) is not None and not isinstance(values[name], str):
            message = (
                f"json: cannot unmarshal {go_kind(values[name])} into Go struct field Config.{name} of type string"
            )
            raise DriverError(f"exporter '{driver}' has malformed configuration: {message}")


def _http(values: dict[str, Any]) -> str | None:
    url = values.get("url") or ""
    if not url:
        return "empty url"
    try:
        host = urlsplit(url).netloc
    except ValueError as exc:
        return f"failed to parse url: {exc}"
    return None if host else "invalid url, host, must be defined"


def _clickhouse(values: dict[str, Any]) -> str | None:
    return None if values.get("dsn") else "dsn is required"


def _elasticsearch(values: dict[str, Any]) -> str | None:
    if not values.get("endpoint"):
        return "elasticsearch endpoint is required"
    auth = values.get("authentication")
    if isinstance(auth, dict):
        username, password = auth.get("username") or "", auth.get("password") or ""
        if bool(username) != bool(password):
            return "authentication configuration is invalid: username and password must be defined together"
        if auth.get("awsEnabled") and username:
            return (
                "authentication configuration is invalid: incorrect IAM configuration: "
                "username and password should not be set when IAM is enabled"
            )
    return None  # the index defaults to unified-stack-data


_RULES = {"http": _http, "clickhouse": _clickhouse, "elasticsearch": _elasticsearch}


def _batching_problem(driver: str, batching: Any) -> str | None:
    """``Batching``: ``maxItems`` >= 0; without either, a flush interval of 1s is the default."""
    if batching is None:
        return None
    if not isinstance(batching, dict):
        raise DriverError(
            f"exporter '{driver}' has malformed configuration: json: cannot unmarshal "
            f"{go_kind(batching)} into Go struct field batchingHolder.batching of type drivers.Batching"
        )
    max_items = batching.get("maxItems") or 0
    interval = batching.get("flushInterval") or ""
    if isinstance(max_items, bool) or not isinstance(max_items, int) or not isinstance(interval, str):
        raise DriverError(f"exporter '{driver}' has malformed configuration: json: cannot unmarshal batching")
    if interval and not _DURATION.match(interval):
        raise DriverError(f"exporter '{driver}' has malformed configuration: time: invalid duration \"{interval}\"")
    if max_items < 0:
        return "flushBytes must be greater than 0"
    return None
