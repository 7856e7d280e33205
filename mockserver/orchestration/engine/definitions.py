"""Workflow definitions: the stage schemas, creation checks (§4) and run-time preparation (§5).

Creation resolves every stage with no variables and checks nothing else: required fields
and one-of rules are run-time checks, because a definition full of ``${vars}`` cannot be
judged before it runs. At run time a stage is resolved with the instance's variables,
its requirements are checked, and the resolved values are rendered the way the real
service's Go structs marshal them: that rendering is the instance history ``input``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mockserver.core.timefmt import rfc3339
from mockserver.errors import InternalError, ValidationError
from mockserver.orchestration.engine.gotypes import format_duration
from mockserver.orchestration.engine.requirements import (
    check_delay,
    check_nothing,
    check_send,
    check_send_spec,
    check_update,
    check_wait_event,
)
from mockserver.orchestration.engine.resolve import Field, Kind, ResolveError, Struct, resolve

_S, _P = Kind.STRING, Kind.STRUCT

WALLET_REFERENCE = Struct("WalletReference", (Field("ID", "id", _S), Field("Name", "name", _S)))
WALLET = Struct(
    "WalletSource",
    (
        Field("WalletReference", "", Kind.EMBEDDED, struct=WALLET_REFERENCE),
        Field("Balance", "balance", _S, "main"),
    ),
)
# The send stage's ends, field for field as flows v2.6.0 declares them
# (``internal/workflow/stages/send/send.go``): Go names for errors, JSON keys, defaults, omitempty.
_THROUGH = Field("ThroughAccount", "throughAccount", _S, "world")
_OVERDRAFT = Field("AllowOverdraft", "allowOverdraft", Kind.BOOL, "false")
ACCOUNT = Struct(
    "LedgerAccountSource", (Field("ID", "id", _S), Field("Ledger", "ledger", _S, "default"), _THROUGH, _OVERDRAFT)
)
PAYMENT_SOURCE = Struct(
    "PaymentSource",
    (
        Field("ID", "id", _S),
        Field("Ledger", "ledger", _S, omitempty=True),
        Field("HoldingAccount", "holdingAccount", _S, omitempty=True),
        _THROUGH,
        _OVERDRAFT,
    ),
)
PAYMENT_DESTINATION = Struct(
    "PaymentDestination",
    (
        Field("PSP", "psp", _S),
        Field("Type", "type", _S, "TRANSFER"),
        Field("SourceAccount", "sourceAccount", Kind.OPT_STRING, omitempty=True),
        Field("Metadata", "metadata", _S, "formanceAccountID"),
        Field("WaitingValidation", "waitingValidation", Kind.BOOL, "false"),
        Field("ConnectorID", "connectorId", Kind.OPT_STRING, omitempty=True),
    ),
)


def _endpoints(name: str, payment: Struct) -> Struct:
    return Struct(
        name,
        (
            Field("Wallet", "wallet", _P, pointer=True, omitempty=True, struct=WALLET),
            Field("Account", "account", _P, pointer=True, omitempty=True, struct=ACCOUNT),
            Field("Payment", "payment", _P, pointer=True, omitempty=True, struct=payment),
        ),
    )


MONETARY = Struct("Monetary", (Field("Amount", "amount", Kind.BIG_INT), Field("Asset", "asset", _S)))
SEND = Struct(
    "Send",
    (
        Field("Source", "source", _P, struct=_endpoints("Source", PAYMENT_SOURCE)),
        Field("Destination", "destination", _P, struct=_endpoints("Destination", PAYMENT_DESTINATION)),
        Field("Amount", "amount", _P, pointer=True, omitempty=True, struct=MONETARY),
        Field("Metadata", "metadata", Kind.STRING_MAP, omitempty=True),
        Field("Timestamp", "timestamp", Kind.DATE),
    ),
)
DELAY = Struct(
    "Delay",
    (
        Field("Duration", "duration", Kind.DURATION, omitempty=True),
        Field("Until", "until", Kind.DATE, omitempty=True),
    ),
)
WAIT_EVENT = Struct("WaitEvent", (Field("Event", "event", _S),))
ACCOUNT_UPDATE = Struct(
    "AccountUpdate",
    (
        Field("ID", "id", _S),
        Field("Ledger", "ledger", _S, "main"),
        Field("Metadata", "metadata", Kind.STRING_MAP),
    ),
)
UPDATE = Struct("Update", (Field("Account", "account", _P, pointer=True, omitempty=True, struct=ACCOUNT_UPDATE),))
NOOP = Struct("NoOp")


@dataclass(frozen=True, slots=True)
class StageType:
    """A stage kind: its name in definitions, its child workflow name, schema and checks."""

    name: str
    run_name: str  # the child workflow type, shown as the history entry name
    schema: Struct
    check: Callable[[dict[str, Any], list[str]], None]


STAGE_TYPES: dict[str, StageType] = {
    t.name: t
    for t in (
        StageType("send", "RunSend", SEND, check_send),
        StageType("delay", "RunDelay", DELAY, check_delay),
        StageType("wait_event", "RunWaitEvent", WAIT_EVENT, check_wait_event),
        StageType("update", "RunUpdate", UPDATE, check_update),
        StageType("noop", "RunNoop", NOOP, check_nothing),
    )
}


# --- rendering: what Go's encoding/json prints for the resolved struct -----------------


def render(struct: Struct, values: dict[str, Any]) -> dict[str, Any]:
    """The resolved values as Go's ``encoding/json`` prints the struct: field order kept,
    ``omitempty`` fields dropped when empty, durations as ``1m0s``, dates in RFC 3339 UTC."""
    out: dict[str, Any] = {}
    for spec in struct.fields:
        if spec.kind is Kind.EMBEDDED:
            assert spec.struct is not None
            out.update(render(spec.struct, values))
            continue
        value = values.get(spec.key)
        # omitempty drops a nil pointer, and a non-pointer's zero value ("" or an empty map): a
        # pointer to "" (``"connectorId": ""``) is kept, as Go's encoding/json keeps it.
        if spec.omitempty and (value is None or (value in ("", {}) and spec.kind is not Kind.OPT_STRING)):
            continue
        if value is not None:
            if spec.kind is Kind.DURATION:
                value = format_duration(value)
            elif spec.kind is Kind.DATE:
                value = rfc3339(value)
            elif spec.kind is Kind.STRUCT:
                assert spec.struct is not None
                value = render(spec.struct, value)
            elif spec.kind is Kind.STRING_MAP:
                value = dict(value)
        out[spec.key] = value
    return out


# --- entry points ----------------------------------------------------------------------


class StageError(Exception):
    """A stage that fails before its child workflow starts (resolution or requirements)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class PreparedStage:
    """A stage ready to run: its kind, resolved values and the history ``input``."""

    type: StageType
    values: dict[str, Any]
    input: dict[str, Any]


def _split(raw_stage: Any) -> tuple[str, Any]:
    """The stage's single name and value, or the real service's error for a bad stage object."""
    stage = raw_stage or {}
    if len(stage) == 0:
        raise StageError("empty specification")
    if len(stage) > 1:
        raise StageError("a specification should have only one name")
    ((name, value),) = stage.items()
    return name, value


def _resolve(name: str, value: Any, variables: dict[str, str]) -> tuple[StageType, dict[str, Any]]:
    stage_type = STAGE_TYPES.get(name)
    if stage_type is None:
        raise StageError(f"unable to resolve schema {name}")
    try:
        return stage_type, resolve(stage_type.schema, value, variables)
    except ResolveError as exc:
        raise StageError(exc.message) from None


def prepare_stage(raw_stage: Any, variables: dict[str, str], *, real: bool = False) -> PreparedStage:
    """Resolve a stage with the run's variables and check its run-time requirements.

    Spec mode adds the requirements the spec states on the history ``input`` (``check_send_spec``):
    a send ``amount`` object must resolve to an integer, and a payment destination's ``type`` to
    ``TRANSFER`` or ``PAYOUT``. The real service lets a ``null`` amount through to the ledger,
    which refuses it, and any ``type`` through to the transfer initiation, which retries forever
    on one it does not know (after the debit); spec mode refuses both before the stage starts,
    so that the history input always matches the spec.
    """
    name, value = _split(raw_stage)
    stage_type, values = _resolve(name, value, variables)
    errors: list[str] = []
    stage_type.check(values, errors)
    if not real and stage_type.name == "send":
        check_send_spec(values, errors)
    if errors:
        raise StageError("\n".join(errors))
    return PreparedStage(stage_type, values, render(stage_type.schema, values))


_JSON_KINDS = {bool: "bool", int: "number", float: "number", str: "string", list: "array", dict: "object"}


def _shape_error(value: Any, target: str) -> ValidationError:
    kind = _JSON_KINDS.get(type(value), type(value).__name__)
    return ValidationError(f"unmarshalling workflow data: json: cannot unmarshal {kind} into Go struct field {target}")


def _check_shape(config: dict[str, Any]) -> list[Any]:
    """Decoding errors, which the real service reports as 400 before any other check."""
    name = config.get("name")
    if name is not None and not isinstance(name, str):
        raise _shape_error(name, "Config.name of type string")
    stages = config.get("stages")
    if stages is None:
        return []
    if not isinstance(stages, list):
        raise _shape_error(stages, "Config.stages of type []workflow.RawStage")
    for stage in stages:
        if stage is None:
            continue
        if not isinstance(stage, dict):
            raise _shape_error(stage, "Config.stages of type workflow.RawStage")
        for value in stage.values():
            if value is not None and not isinstance(value, dict):
                raise _shape_error(value, "Config.stages of type map[string]interface {}")
    return stages


def validate_definition(config: dict[str, Any], *, real: bool = False) -> None:
    """Creation checks (§4): decode shape (400), then each stage's name and resolution.

    The real service answers 500 for the second group (``creating workflow: …``); spec
    mode answers 400 with the same message, since these are client errors.
    """
    stages = _check_shape(config)
    for raw_stage in stages:
        try:
            name, value = _split(raw_stage)
            _resolve(name, value, {})
        except StageError as exc:
            message = f"creating workflow: {exc.message}"
            raise (InternalError(message) if real else ValidationError(message)) from None
