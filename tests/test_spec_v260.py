"""Both orchestration specs carry what flows v2.6.0 (the release the stack pins) adds, names and enums kept.

``V260`` is hard-coded from the release's ``openapi.yaml`` (v1 and v2 in one file), so the test needs
nothing outside the repository; when that file sits in ``shared/reference`` beside the checkout (CI), every
one of its schemas, properties and enum values is also looked for in the project's specs.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_schema_validator import OAS30Validator

from spec import ORCHESTRATION_SPEC, ORCHESTRATION_V2_SPEC
from tests.support import ROOT, load_spec

# (schema without its V2 prefix) -> properties v2.6.0 adds to it, or declares in a new schema.
V260 = {
    "TriggerData": {"version"},
    "WorkflowInstance": {"workflow"},
    "StageSendSourceAccount": {"throughAccount", "allowOverdraft"},
    "StageSendSourcePayment": {"ledger", "holdingAccount", "throughAccount", "allowOverdraft"},
    "StageSendDestinationPayment": {"type", "sourceAccount", "psp"},
    "CreateTransferInitiationRequest": {
        *("connectorID", "provider", "amount", "asset", "destination", "source", "type", "description"),
        *("waitingValidation", "metadata"),
    },
    "ActivityCreateTransferInitiation": set(),
    "WorkflowInstanceHistoryStageInput": {"CreateTransferInitiation"},
}
TRANSFER_TYPES = {"TRANSFER", "PAYOUT"}
SPECS = {"v1": (ORCHESTRATION_SPEC, ""), "v2": (ORCHESTRATION_V2_SPEC, "V2")}
_BESIDE = ROOT.parent / "shared" / "reference" / "upstream-orchestration-v2.6.0.openapi.yaml"
UPSTREAM: Path | None = _BESIDE if _BESIDE.exists() else None


@cache
def _upstream() -> dict[str, Any]:
    assert UPSTREAM is not None
    return yaml.safe_load(UPSTREAM.read_text())


def _resolve(root: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = root["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _properties(root: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """The properties a schema declares, through ``$ref``, ``allOf`` and ``anyOf``."""
    node = _resolve(root, node)
    found = dict(node.get("properties") or {})
    for branch in (*node.get("allOf", ()), *node.get("anyOf", ())):
        found |= _properties(root, branch)
    return found


def _enums(root: dict[str, Any], node: dict[str, Any]) -> set[Any]:
    node = _resolve(root, node)
    found = set(node.get("enum") or ())
    for branch in (*node.get("allOf", ()), *node.get("anyOf", ()), *node.get("oneOf", ())):
        found |= _enums(root, branch)
    return found


@pytest.mark.parametrize("api", sorted(SPECS))
@pytest.mark.parametrize("name", sorted(V260))
def test_each_v260_schema_and_property_is_declared(api: str, name: str) -> None:
    path, prefix = SPECS[api]
    root = load_spec(path)
    schema = root["components"]["schemas"].get(prefix + name)
    assert schema is not None, f"{prefix + name} is missing from {path.name}"
    missing = V260[name] - set(_properties(root, schema))
    assert not missing, f"{prefix + name} lacks {sorted(missing)}"


@pytest.mark.parametrize("api", sorted(SPECS))
@pytest.mark.parametrize("name", ["StageSendDestinationPayment", "CreateTransferInitiationRequest"])
def test_the_transfer_type_enum_is_kept(api: str, name: str) -> None:
    path, prefix = SPECS[api]
    root = load_spec(path)
    kind = _properties(root, root["components"]["schemas"][prefix + name])["type"]
    assert _enums(root, kind) == TRANSFER_TYPES and kind.get("default") == "TRANSFER"


def _validator(api: str, name: str) -> OAS30Validator:
    path, prefix = SPECS[api]
    root = dict(load_spec(path))
    root["$ref"] = f"#/components/schemas/{prefix}{name}"
    return OAS30Validator(root)


@pytest.mark.parametrize("api", sorted(SPECS))
@pytest.mark.parametrize(
    ("payment", "valid"),
    [
        ({"psp": "stripe", "type": "PAYOUT"}, True),
        ({"psp": "stripe", "type": "TRANSFER", "sourceAccount": "acct"}, True),
        ({"psp": "stripe", "type": "${kind}"}, True),
        ({"psp": "stripe", "type": "PAY${x}OUT"}, True),
        ({"psp": "stripe", "type": ""}, True),
        ({"psp": "stripe", "type": "payout"}, False),
        ({"psp": "stripe", "type": "REFUND"}, False),
        ({"psp": "stripe", "type": "${kind}x"}, False),
        ({"psp": "stripe", "waitingValidation": "TRUE"}, True),
        ({"psp": "stripe", "waitingValidation": "tr${x}ue"}, True),
        ({"psp": "stripe", "waitingValidation": "${x}"}, False),
        ({"psp": "stripe", "waitingValidation": ""}, False),
        ({"psp": "stripe", "waitingValidation": "yes"}, False),
    ],
)
def test_payment_destination_values_are_what_creation_accepts(api: str, payment: dict, valid: bool) -> None:
    errors = list(_validator(api, "StageSendDestinationPayment").iter_errors(payment))
    assert (not errors) is valid, errors


@pytest.mark.parametrize("api", sorted(SPECS))
@pytest.mark.parametrize(
    ("value", "valid"), [(True, True), ("FALSE", True), ("f${x}alse", True), ("${x}", False), (1, False)]
)
def test_allow_overdraft_is_a_bool_or_its_spelling(api: str, value: Any, valid: bool) -> None:
    account = {"id": "users:1", "throughAccount": "bridge", "allowOverdraft": value}
    errors = list(_validator(api, "StageSendSourceAccount").iter_errors(account))
    assert (not errors) is valid, errors


def _upstream_schemas() -> Iterator[tuple[str, str]]:
    if UPSTREAM is None:
        return
    for name in sorted(_upstream()["components"]["schemas"]):
        yield ("v2" if name.startswith("V2") else "v1"), name


@pytest.mark.skipif(UPSTREAM is None, reason="the v2.6.0 openapi.yaml is not beside the checkout")
@pytest.mark.parametrize(("api", "name"), list(_upstream_schemas()))
def test_every_upstream_v260_schema_property_and_enum_value_is_kept(api: str, name: str) -> None:
    upstream = _upstream()
    theirs = upstream["components"]["schemas"][name]
    root = load_spec(SPECS[api][0])
    ours = root["components"]["schemas"].get(name)
    assert ours is not None, f"{name} is missing"
    their_props, our_props = _properties(upstream, theirs), _properties(root, ours)
    assert not set(their_props) - set(our_props), f"{name} lacks {sorted(set(their_props) - set(our_props))}"
    for prop, node in their_props.items():
        lost = _enums(upstream, node) - _enums(root, our_props[prop])
        assert not lost, f"{name}.{prop} lost the enum values {sorted(lost)}"
    assert not _enums(upstream, theirs) - _enums(root, ours), f"{name} lost enum values"
