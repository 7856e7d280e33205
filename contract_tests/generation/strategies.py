"""Hypothesis strategies for VALID orchestration inputs, so happy paths are exercised deeply.

Plural nouns, keyword-only arguments validated up front (as Hypothesis' own strategies do):

* `workflow_configs(*, min_stages, max_stages, stage_types, placeholders)`: definitions using every stage
  type (send with account/wallet/payment ends, delay, wait_event, update, noop), optionally with `${vars}`;
* `predictable_workflow_configs(*, max_stages, delays)`: definitions whose run the model can predict;
* `filter_expressions()`, `trigger_definitions(*, workflow_id)`, `trigger_cases(*, workflow_id)`: triggers
  whose filters and vars are expressions of the language, with their meaning (see `expressions`);
* `bus_events(*, types)`: bus events with realistic payloads (a payments `SAVED_PAYMENT`, ...).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from contract_tests.oracle import expressions as ex

__all__ = [
    "EVENT_TYPES",
    "STAGE_TYPES",
    "bus_events",
    "filter_expressions",
    "predictable_workflow_configs",
    "trigger_cases",
    "trigger_definitions",
    "workflow_configs",
]

STAGE_TYPES = ("send", "delay", "wait_event", "update", "noop")
EVENT_TYPES = ("SAVED_PAYMENT", "COMMITTED_TRANSACTIONS", "SAVED_ACCOUNT")
_VARIABLES = ("amount", "accountID", "ledger", "walletID", "paymentID", "userID", "asset", "delay")
_WORDS = ("users:001", "users:002", "bank", "treasury", "fees", "merchant:42", "orders:9")


def placeholders() -> st.SearchStrategy[str]:
    return st.sampled_from(_VARIABLES).map(lambda name: "${" + name + "}")


def _text(*, placeholders_allowed: bool, pool: Sequence[str] = _WORDS) -> st.SearchStrategy[str]:
    plain = st.sampled_from(pool)
    return st.one_of(plain, placeholders()) if placeholders_allowed else plain


def _timestamps() -> st.SearchStrategy[str]:
    return st.datetimes(min_value=__import__("datetime").datetime(2020, 1, 1)).map(
        lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    )


def _durations(*, placeholders_allowed: bool) -> st.SearchStrategy[str]:
    literal = st.sampled_from(("0s", "300ms", "5s", "1m", "1h30m", "2h45m10s", "1.5s"))
    return st.one_of(literal, st.just("${delay}")) if placeholders_allowed else literal


def _accounts(ph: bool) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"id": _text(placeholders_allowed=ph)},
        optional={"ledger": _text(placeholders_allowed=ph, pool=("default", "main", "payments"))},
    )


def _wallets(ph: bool) -> st.SearchStrategy[dict[str, Any]]:
    by = st.one_of(
        st.fixed_dictionaries({"id": st.uuids().map(str)}),
        st.fixed_dictionaries({"name": st.sampled_from(("main-wallet", "savings"))}),
    )
    return st.tuples(
        by, st.one_of(st.just({}), st.fixed_dictionaries({"balance": st.sampled_from(("main", "hold"))}))
    ).map(lambda pair: {**pair[0], **pair[1]})


def _ends(*, ph: bool, destination: bool) -> st.SearchStrategy[dict[str, Any]]:
    payment = (
        st.fixed_dictionaries({"psp": st.just("stripe")}, optional={"waitingValidation": st.booleans()})
        if destination
        else st.fixed_dictionaries({"id": _text(placeholders_allowed=ph, pool=("pay_001", "pay_002"))})
    )
    return st.one_of(
        _accounts(ph).map(lambda a: {"account": a}),
        _wallets(ph).map(lambda w: {"wallet": w}),
        payment.map(lambda p: {"payment": p}),
    )


def _amounts(ph: bool) -> st.SearchStrategy[dict[str, Any]]:
    value = st.one_of(st.integers(0, 10**12), st.integers(0, 10**6).map(str), *([st.just("${amount}")] if ph else []))
    return st.fixed_dictionaries({"amount": value, "asset": st.sampled_from(("EUR/2", "USD/2", "COIN"))})


def _stages(kind: str, ph: bool) -> st.SearchStrategy[dict[str, Any]]:
    if kind == "send":
        body = st.fixed_dictionaries(
            {"source": _ends(ph=ph, destination=False), "destination": _ends(ph=ph, destination=True)},
            optional={
                "amount": _amounts(ph),
                "metadata": st.dictionaries(
                    st.sampled_from(("foo", "order", "kind")), _text(placeholders_allowed=ph), max_size=2
                ),
                "timestamp": st.one_of(_timestamps(), *([st.just("${timestamp}")] if ph else [])),
            },
        )
    elif kind == "delay":
        body = st.one_of(
            _durations(placeholders_allowed=ph).map(lambda d: {"duration": d}),
            _timestamps().map(lambda t: {"until": t}),
        )
    elif kind == "wait_event":
        body = st.fixed_dictionaries(
            {"event": _text(placeholders_allowed=ph, pool=("continue", "approved", "kyc-done"))}
        )
    elif kind == "update":
        account = st.fixed_dictionaries(
            {
                "id": _text(placeholders_allowed=ph),
                "metadata": st.dictionaries(
                    st.sampled_from(("kyc", "tier")), _text(placeholders_allowed=ph), max_size=2
                ),
            },
            optional={"ledger": st.sampled_from(("default", "main"))},
        )
        body = account.map(lambda a: {"account": a})
    else:
        body = st.just({})
    return body.map(lambda value: {kind: value})


def _check_counts(min_stages: int, max_stages: int) -> None:
    if not 0 <= min_stages <= max_stages:
        raise InvalidArgument(f"need 0 <= min_stages <= max_stages, got {min_stages=} {max_stages=}")


def workflow_configs(
    *, min_stages: int = 0, max_stages: int = 4, stage_types: Sequence[str] = STAGE_TYPES, placeholders: bool = True
) -> st.SearchStrategy[dict[str, Any]]:
    """Valid workflow definitions (`{"name", "stages"}`) that every implementation must accept."""
    _check_counts(min_stages, max_stages)
    unknown = set(stage_types) - set(STAGE_TYPES)
    if not stage_types or unknown:
        raise InvalidArgument(f"stage_types must be a non-empty subset of {STAGE_TYPES}, got {stage_types!r}")
    stage = st.sampled_from(tuple(stage_types)).flatmap(lambda kind: _stages(kind, placeholders))
    return st.fixed_dictionaries(
        {"stages": st.lists(stage, min_size=min_stages, max_size=max_stages)},
        optional={"name": st.sampled_from(("payout", "kyc flow", "ledger-to-wallet", ""))},
    )


def predictable_workflow_configs(*, max_stages: int = 4, delays: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    """Definitions the model can replay: noop, wait_event, send from `world`, and delays (when `delays`)."""
    _check_counts(0, max_stages)
    send = st.builds(
        lambda dest, amount: {"send": {"source": {"account": {"id": "world", "ledger": "default"}},
                                       "destination": {"account": {"id": dest, "ledger": "default"}},
                                       "amount": {"amount": amount, "asset": "EUR/2"}}},
        st.sampled_from(("bank", "users:001", "fees")), st.integers(1, 10_000),
    )  # fmt: skip
    kinds = [
        st.just({"noop": {}}),
        st.sampled_from(("continue", "approved")).map(lambda e: {"wait_event": {"event": e}}),
        send,
    ]
    if delays:
        kinds.append(st.sampled_from(("5s", "1m", "0s")).map(lambda d: {"delay": {"duration": d}}))
    return st.lists(st.one_of(kinds), max_size=max_stages).map(lambda stages: {"name": "model", "stages": stages})


_STATUSES = ("SUCCEEDED", "PENDING", "FAILED")
# Envelope versions of bus events: payments' (v3) and the ledger's (v2).
EVENT_VERSIONS = ("v3", "v2")
_TYPES = ("PAY-IN", "PAYOUT", "TRANSFER")


def _atoms() -> st.SearchStrategy[ex.Expr]:
    amount = ex.Field("amount")
    kinds = st.sets(st.sampled_from(("topup", "refund", "fee")), min_size=1).map(lambda s: tuple(sorted(s)))
    ordering = st.sampled_from((">", ">=", "<", "<=", "==", "!="))
    return st.one_of(
        st.builds(ex.Compare, st.just(amount), ordering, st.integers(0, 2000)),
        st.builds(ex.Compare, st.just(ex.Field("status")), st.sampled_from(("==", "!=")), st.sampled_from(_STATUSES)),
        st.builds(ex.Member, st.just(ex.Field("metadata", "kind")), kinds, st.booleans()),
        st.builds(ex.StartsWith, st.just(ex.Field("asset")), st.sampled_from(("EUR", "USD", "E"))),
        st.builds(ex.Matches, st.just(ex.Field("reference")), st.sampled_from(("^ord_[0-9]+$", "^ref", "_1"))),
    )  # fmt: skip


def filter_expressions(*, max_depth: int = 2) -> st.SearchStrategy[ex.Expr]:
    """Boolean expressions over a payment payload, e.g. `event.amount > 100 && event.status == "SUCCEEDED"`."""
    if max_depth < 0:
        raise InvalidArgument("max_depth must be >= 0")
    return st.recursive(
        _atoms(),
        lambda inner: st.one_of(
            st.builds(ex.Not, inner, st.booleans()),
            st.builds(ex.All, st.lists(inner, min_size=2, max_size=3).map(tuple), st.booleans()),
            st.builds(ex.Any_, st.lists(inner, min_size=2, max_size=3).map(tuple), st.booleans()),
        ),
        max_leaves=2**max_depth,
    )


def _vars() -> st.SearchStrategy[dict[str, ex.Expr]]:
    value = st.one_of(
        st.just(ex.Field("id")), st.just(ex.Field("amount")), st.just(ex.Field("metadata", "kind")),
        st.builds(ex.Concat, st.sampled_from(("user:", "order-")), st.just(ex.Field("id"))),
    )  # fmt: skip
    return st.dictionaries(st.sampled_from(("amount", "paymentID", "userID", "kind")), value, max_size=3)


def trigger_cases(
    *, workflow_id: str, event_types: Sequence[str] = ("SAVED_PAYMENT",)
) -> st.SearchStrategy[tuple[dict[str, Any], ex.Expr | None]]:
    """(a valid createTrigger body, its filter as an expression or None) for the model; the body may name the
    envelope `version` it hears (flows v2.6.0), one bus events carry or one they do not."""
    if not workflow_id:
        raise InvalidArgument("workflow_id must be a non-empty string")
    return st.builds(
        lambda event, name, condition, variables, version: (
            {"event": event, "workflowID": workflow_id, "name": name,
             **({"filter": condition.render()} if condition is not None else {}),
             **({"vars": {k: v.render() for k, v in variables.items()}} if variables else {}),
             **({"version": version} if version is not None else {})},
            condition,
        ),
        st.sampled_from(tuple(event_types)), st.sampled_from(("payin-to-wallet", "Refunds", "fees", "")),
        st.none() | filter_expressions(), _vars(), st.none() | st.sampled_from(EVENT_VERSIONS),
    )  # fmt: skip


def trigger_definitions(
    *, workflow_id: str, event_types: Sequence[str] = EVENT_TYPES
) -> st.SearchStrategy[dict[str, Any]]:
    """Valid createTrigger bodies: event, workflowID, and optional name, filter and vars expressions."""
    return trigger_cases(workflow_id=workflow_id, event_types=event_types).map(lambda pair: pair[0])


def bus_events(*, types: Sequence[str] = ("SAVED_PAYMENT",)) -> st.SearchStrategy[dict[str, Any]]:
    """Bus events `{type, payload, version}` whose payload carries every field the filters read, with real types,
    and an envelope version (the version a trigger may listen to)."""
    if not types:
        raise InvalidArgument("types must not be empty")
    payload = st.fixed_dictionaries(
        {
            "id": st.uuids().map(lambda u: f"pay_{u.hex[:12]}"),
            "type": st.sampled_from(_TYPES),
            "status": st.sampled_from(_STATUSES),
            "amount": st.integers(0, 2000),
            "asset": st.sampled_from(("EUR/2", "USD/2", "JPY")),
            "reference": st.one_of(st.integers(1, 999).map(lambda n: f"ord_{n}"), st.just("ref_1")),
            "metadata": st.fixed_dictionaries({"kind": st.sampled_from(("topup", "refund", "fee", "other"))}),
        }
    )
    return st.fixed_dictionaries(
        {"type": st.sampled_from(tuple(types)), "payload": payload, "version": st.sampled_from(EVENT_VERSIONS)}
    )
