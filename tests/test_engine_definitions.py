"""Definitions: creation checks per mode (§4), run-time resolution and requirements (§5.2)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from mockserver.core.timefmt import parse_rfc3339
from mockserver.errors import InternalError, ValidationError
from mockserver.orchestration.engine.definitions import StageError, prepare_stage, validate_definition
from mockserver.orchestration.engine.gotypes import format_duration, parse_duration

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT.parent / "shared" / "reference" / "upstream-workflow-examples"


def _examples() -> list[tuple[str, dict]]:
    """The demo fixture's workflows always; the upstream examples too when shared/ sits beside
    the checkout (as in CI)."""
    demo = yaml.safe_load((ROOT / "fixtures" / "demo.yaml").read_text())["workflows"]
    found = [(f"demo-{w['name']}", w) for w in demo]
    if EXAMPLES.is_dir():
        found += [(p.stem, yaml.safe_load(p.read_text())) for p in sorted(EXAMPLES.glob("*.yaml"))]
    return found


@pytest.mark.parametrize("doc", [d for _, d in _examples()], ids=[n for n, _ in _examples()])
@pytest.mark.parametrize("real", [False, True], ids=["spec", "real"])
def test_real_workflow_examples_are_accepted(doc: dict, real: bool) -> None:
    validate_definition({"name": doc.get("name", ""), "stages": doc["stages"]}, real=real)


ACCEPTED = [
    [],
    None,
    [{"delay": {}}],  # one-of rules are run-time checks
    [{"wait_event": {}}],
    [{"update": {}}],
    [{"noop": None}],
    [{"send": {"source": {}, "destination": {}}}],
    [{"send": {"source": {}, "destination": {}, "amount": {"amount": -5, "asset": "EUR/2"}}}],
    [{"send": {"source": {}, "destination": {}, "amount": {"amount": "${amount}", "asset": "EUR/2"}}}],
    [{"send": {"source": {}, "destination": {}, "timestamp": "${ts}"}}],
    [{"delay": {"duration": "1h30m"}}, {"delay": {"until": "2024-05-02T10:00:00+02:00"}}],
]


@pytest.mark.parametrize("stages", ACCEPTED)
@pytest.mark.parametrize("real", [False, True], ids=["spec", "real"])
def test_definitions_accepted_at_creation(stages: list | None, real: bool) -> None:
    validate_definition({"name": "", "stages": stages}, real=real)


# (stages, message fragment, real-mode error class): spec mode is always ValidationError.
REJECTED = [
    ([{}], "creating workflow: empty specification", InternalError),
    ([None], "creating workflow: empty specification", InternalError),
    (
        [{"delay": {}, "noop": {}}],
        "creating workflow: a specification should have only one name",
        InternalError,
    ),
    ([{"teleport": {}}], "creating workflow: unable to resolve schema teleport", InternalError),
    (
        [{"send": {}}],
        "creating workflow: resolving field 'Source': expected map but was <nil>",
        InternalError,
    ),
    (
        [{"send": {"source": {}, "destination": {}, "amount": {"amount": "abc", "asset": "X"}}}],
        "resolving field 'Amount': resolving field 'Amount': unable to parse 'abc' as big int",
        InternalError,
    ),
    (
        [{"send": {"source": 3, "destination": {}}}],
        "resolving field 'Source': expected map but was float64",
        InternalError,
    ),
    (
        [{"delay": {"duration": 5}}],
        "resolving field 'Duration': expected uint or interpolated string but was float64",
        InternalError,
    ),
    ([{"delay": {"duration": "5d"}}], "unable to resolve field 'Duration' to duration value", InternalError),
    (
        [{"delay": {"until": "yesterday"}}],
        "resolving field 'Until': expected date as rfc3339 format",
        InternalError,
    ),
    (
        [{"wait_event": {"event": 1}}],
        "resolving field 'Event': expected string but was float64",
        InternalError,
    ),
    (
        [{"update": {"account": {"id": "a", "metadata": {"k": 1}}}}],
        "resolving field 'Account': resolving field 'Metadata': expected string but was float64",
        InternalError,
    ),
    (
        [{"send": {"source": {}, "destination": {"payment": {"waitingValidation": "maybe"}}}}],
        "resolving field 'WaitingValidation': unable to resolve field 'bool' to bool value",
        InternalError,
    ),
    ([{"send": 1}], "unmarshalling workflow data", ValidationError),
    ([3], "unmarshalling workflow data", ValidationError),
    ({"send": {}}, "unmarshalling workflow data", ValidationError),
]


@pytest.mark.parametrize(("stages", "message", "real_error"), REJECTED)
def test_definitions_rejected_per_mode(stages: object, message: str, real_error: type) -> None:
    with pytest.raises(ValidationError) as spec_exc:
        validate_definition({"name": "", "stages": stages}, real=False)
    assert message in spec_exc.value.message
    with pytest.raises(real_error) as real_exc:
        validate_definition({"name": "", "stages": stages}, real=True)
    assert message in real_exc.value.message


def test_bad_name_type_is_a_shape_error() -> None:
    with pytest.raises(ValidationError, match=r"Config\.name"):
        validate_definition({"name": 5, "stages": []}, real=True)


# --- run-time resolution -------------------------------------------------------------

SEND = {
    "send": {
        "source": {"account": {"id": "${from}", "ledger": "${ledger}"}},
        "destination": {"wallet": {"name": "${wallet}", "balance": "${balance}"}},
        "amount": {"amount": "${amount}", "asset": "EUR/2"},
        "metadata": {"order": "ord-${order}", "${key}": "x"},
        "timestamp": "${ts}",
    }
}


def test_variables_defaults_and_missing_variables() -> None:
    prepared = prepare_stage(SEND, {"from": "users:1", "wallet": "w", "amount": "42", "key": "ignored"})
    assert prepared.input == {
        "source": {
            "account": {"id": "users:1", "ledger": "default", "throughAccount": "world", "allowOverdraft": False}
        },
        "destination": {"wallet": {"id": "", "name": "w", "balance": "main"}},
        "amount": {"amount": 42, "asset": "EUR/2"},
        "metadata": {"order": "ord-", "${key}": "x"},  # missing var -> "", keys never interpolated
        "timestamp": None,
    }


def test_timestamp_is_rounded_to_microseconds_in_utc() -> None:
    prepared = prepare_stage(
        SEND, {"from": "a", "wallet": "w", "amount": "1", "ts": "2024-05-02T12:00:00.1234565+02:00"}
    )
    assert prepared.input["timestamp"] == "2024-05-02T10:00:00.123457Z"


def test_numbers_are_truncated_big_ints() -> None:
    stage = {
        "send": {
            "source": {"account": {"id": "a"}},
            "destination": {"account": {"id": "b"}},
            "amount": {"amount": 12.9, "asset": "EUR/2"},
        }
    }
    assert prepare_stage(stage, {}).values["amount"]["amount"] == 12
    stage["send"]["amount"]["amount"] = "123456789012345678901234567890"
    assert prepare_stage(stage, {}).values["amount"]["amount"] == 123456789012345678901234567890


def test_unparsable_variable_fails_resolution_at_run_time() -> None:
    with pytest.raises(StageError) as exc:
        prepare_stage(SEND, {"from": "a", "wallet": "w", "amount": "abc"})
    assert exc.value.message == "resolving field 'Amount': resolving field 'Amount': unable to parse 'abc' as big int"


@pytest.mark.parametrize(
    ("stage", "fragment"),
    [
        (
            {"wait_event": {}},
            "Key: 'WaitEvent.Event' Error:Field validation for 'Event' failed on the 'required' tag",
        ),
        ({"delay": {}}, "failed on the 'duration or until' tag"),
        ({"delay": {"duration": "1s", "until": "2024-01-01T00:00:00Z"}}, "'duration or until'"),
        (
            {"update": {}},
            "Key: 'Update.Account' Error:Field validation for 'Account' failed on the 'required' tag",
        ),
        ({"update": {"account": {"id": "a"}}}, "'Metadata' failed on the 'required' tag"),
        ({"update": {"account": {"metadata": {}}}}, "Key: 'Update.Account.ID'"),
        ({"send": {"source": {}, "destination": {"account": {"id": "b"}}}}, "'wallet or account or payment'"),
        (
            {"send": {"source": {"account": {}}, "destination": {"account": {"id": "b"}}}},
            "'Send.Source.Account.ID'",
        ),
        ({"send": {"source": {"wallet": {}}, "destination": {"account": {"id": "b"}}}}, "'id or name'"),
        (
            {
                "send": {
                    "source": {"wallet": {"id": "x", "name": "y"}},
                    "destination": {"account": {"id": "b"}},
                }
            },
            "'id or name'",
        ),
        (
            {"send": {"source": {"payment": {}}, "destination": {"account": {"id": "b"}}}},
            "'Send.Source.Payment.ID'",
        ),
    ],
)
def test_run_time_requirements(stage: dict, fragment: str) -> None:
    with pytest.raises(StageError) as exc:
        prepare_stage(stage, {})
    assert fragment in exc.value.message


def test_update_metadata_may_be_empty_and_ledger_defaults_to_main() -> None:
    prepared = prepare_stage({"update": {"account": {"id": "a", "metadata": {}}}}, {})
    assert prepared.input == {"account": {"id": "a", "ledger": "main", "metadata": {}}}


def test_missing_amount_variable_is_refused_in_spec_mode_only() -> None:
    stage = {
        "send": {
            "source": {"account": {"id": "a"}},
            "destination": {"account": {"id": "b"}},
            "amount": {"amount": "${amount}", "asset": "EUR/2"},
        }
    }
    with pytest.raises(StageError, match=r"Send\.Amount\.Amount"):
        prepare_stage(stage, {})
    assert prepare_stage(stage, {}, real=True).input["amount"] == {"amount": None, "asset": "EUR/2"}


def test_history_inputs_of_each_stage_kind() -> None:
    assert prepare_stage({"noop": {}}, {}).input == {}
    assert prepare_stage({"delay": {"duration": "60s"}}, {}).input == {"duration": "1m0s"}
    assert prepare_stage({"delay": {"until": "2030-01-01T00:00:00Z"}}, {}).input == {"until": "2030-01-01T00:00:00Z"}
    assert prepare_stage({"wait_event": {"event": "${e}"}}, {"e": "go"}).input == {"event": "go"}
    payout = {"send": {"source": {"payment": {"id": "p"}}, "destination": {"payment": {"psp": "stripe"}}}}
    prepared = prepare_stage(payout, {}).input
    # flows v2.6.0 send.go: defaults filled, a payment source's ledger and holdingAccount omitted when unset
    assert prepared["source"] == {"payment": {"id": "p", "throughAccount": "world", "allowOverdraft": False}}
    assert prepared["destination"] == {
        "payment": {"psp": "stripe", "type": "TRANSFER", "metadata": "formanceAccountID", "waitingValidation": False}
    }


@pytest.mark.parametrize(
    ("text", "ns", "rendered"),
    [
        ("300ms", 300_000_000, "300ms"),
        ("60s", 60_000_000_000, "1m0s"),
        ("1h", 3_600_000_000_000, "1h0m0s"),
        ("1500ms", 1_500_000_000, "1.5s"),
        ("1h30m", 5_400_000_000_000, "1h30m0s"),
        ("1.5us", 1_500, "1.5µs"),
        ("2µs", 2_000, "2µs"),
        ("-5s", -5_000_000_000, "-5s"),
        ("0", 0, "0s"),
        ("10ns", 10, "10ns"),
    ],
)
def test_go_durations(text: str, ns: int, rendered: str) -> None:
    assert parse_duration(text) == ns
    assert format_duration(ns) == rendered


@pytest.mark.parametrize("text", ["", "5", "5d", "s", "1h-5m", ".s", "99999999999h"])
def test_invalid_go_durations(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_rfc3339_dates() -> None:
    assert parse_rfc3339("2024-05-02T10:00:00Z") == datetime(2024, 5, 2, 10, tzinfo=UTC)
    assert parse_rfc3339("2024-05-02T10:00:00.0000004-01:30") == datetime(2024, 5, 2, 11, 30, tzinfo=UTC)
    for bad in ("2024-05-02", "2024-05-02T10:00:00", "2024-05-02 10:00:00Z"):
        with pytest.raises(ValueError):
            parse_rfc3339(bad)
