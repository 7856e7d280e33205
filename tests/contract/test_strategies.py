"""The strategies generate what they promise: valid definitions and triggers, filters with a known meaning."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from openapi_schema_validator import OAS30Validator

from contract_tests.generation.strategies import (
    STAGE_TYPES,
    bus_events,
    filter_expressions,
    predictable_workflow_configs,
    trigger_cases,
    trigger_definitions,
    workflow_configs,
)
from contract_tests.oracle import expressions as ex
from contract_tests.oracle.model import stage_kind
from tests.support import load_spec

FAST = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])  # fmt: skip


def validator(schema_name: str) -> OAS30Validator:
    spec = dict(load_spec())
    spec["$ref"] = f"#/components/schemas/{schema_name}"
    return OAS30Validator(spec)


@FAST
@given(config=workflow_configs())
def test_workflow_configs_are_valid_definitions(config: dict[str, Any]) -> None:
    errors = [e.message for e in validator("CreateWorkflowRequest").iter_errors(config)]
    assert not errors, (config, errors)


@FAST
@given(config=workflow_configs(min_stages=2, max_stages=2, stage_types=("delay", "noop"), placeholders=False))
def test_workflow_configs_honour_their_arguments(config: dict[str, Any]) -> None:
    assert len(config["stages"]) == 2
    assert {stage_kind(s) for s in config["stages"]} <= {"delay", "noop"}
    assert "${" not in str(config)


@FAST
@given(data=st.data())
def test_every_stage_type_is_generated(data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(STAGE_TYPES))
    config = data.draw(workflow_configs(min_stages=1, max_stages=1, stage_types=(kind,)))
    assert stage_kind(config["stages"][0]) == kind


@FAST
@given(config=predictable_workflow_configs(delays=True))
def test_predictable_configs_are_valid_too(config: dict[str, Any]) -> None:
    assert not list(validator("CreateWorkflowRequest").iter_errors(config))


@FAST
@given(definition=trigger_definitions(workflow_id="w-1"))
def test_trigger_definitions_are_valid(definition: dict[str, Any]) -> None:
    assert not list(validator("TriggerData").iter_errors(definition))
    assert definition["workflowID"] == "w-1"


@FAST
@given(case=trigger_cases(workflow_id="w-1"), event=bus_events())
def test_filters_have_a_boolean_meaning_on_every_event(
    case: tuple[dict[str, Any], ex.Expr | None], event: dict[str, Any]
) -> None:
    definition, condition = case
    if condition is None:
        assert "filter" not in definition
    else:
        assert definition["filter"] == condition.render()
        assert condition.evaluate(event["payload"]) in (True, False)


def test_a_known_filter_renders_and_evaluates_as_written() -> None:
    condition = ex.All((ex.Compare(ex.Field("amount"), ">", 100), ex.Compare(ex.Field("status"), "==", "SUCCEEDED")))
    assert condition.render() == '(event.amount > 100) && (event.status == "SUCCEEDED")'
    assert condition.evaluate({"amount": 150, "status": "SUCCEEDED"}) is True
    assert condition.evaluate({"amount": 50, "status": "SUCCEEDED"}) is False
    member = ex.Member(ex.Field("metadata", "k"), ("a", "b"))
    assert member.render() == 'event.metadata["k"] in ["a", "b"]'
    assert ex.Concat("user:", ex.Field("id")).render() == '"user:" + event.id'


def test_ordering_against_a_missing_field_is_an_error_not_a_match() -> None:
    assert ex.Compare(ex.Field("amount"), ">", 100).evaluate({}) is None


@pytest.mark.parametrize(
    ("call", "kwargs"),
    [(workflow_configs, {"min_stages": 3, "max_stages": 1}), (workflow_configs, {"stage_types": ("teleport",)}),
     (trigger_definitions, {"workflow_id": ""}), (bus_events, {"types": ()}), (filter_expressions, {"max_depth": -1})],
)  # fmt: skip
def test_invalid_arguments_are_refused(call: Any, kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgument):
        call(**kwargs).example()


@FAST
@given(value=st.one_of(st.integers(-(10**15), 10**15), st.floats(allow_nan=False, allow_infinity=False, width=32)))
def test_var_rendering_uses_the_shortest_number_form(value: float) -> None:
    rendered = ex.render_var(float(value))
    assert not rendered.endswith(".0")
