"""The spec files are valid OpenAPI, and the server resolves exactly the spec's operations."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from connexion.spec import Specification
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from mockserver.config import Settings
from mockserver.control.handlers import ControlApi
from mockserver.orchestration.api.v1 import OrchestrationApi
from mockserver.state.backend import Backend
from tests.support import CONTROL_SPEC_PATH, ROOT, SPEC_PATH, load_spec

UPSTREAM = sorted((ROOT.parent / "shared" / "reference" / "upstream-workflow-examples").glob("*.yaml"))
DEMO = yaml.safe_load((ROOT / "fixtures" / "demo.yaml").read_text())["workflows"]
# The demo workflows are always here; the upstream examples too when shared/ sits beside the checkout (CI).
EXAMPLES = [(w["name"], {"name": w["name"], "stages": w["stages"]}) for w in DEMO] + [
    (p.name, yaml.safe_load(p.read_text())) for p in UPSTREAM
]
METHODS = {"get", "post", "put", "delete", "patch"}


def operation_ids(path: Path) -> set[str]:
    spec = load_spec(path)
    return {op["operationId"] for item in spec["paths"].values() for m, op in item.items() if m in METHODS}


@pytest.mark.parametrize("path", [SPEC_PATH, CONTROL_SPEC_PATH], ids=lambda p: p.name)
def test_spec_file_is_valid_openapi(path: Path) -> None:
    validate(yaml.safe_load(path.read_text()))


@pytest.mark.parametrize("path", [SPEC_PATH, CONTROL_SPEC_PATH], ids=lambda p: p.name)
def test_connexion_accepts_the_spec_it_registers_unchecked_at_start(path: Path) -> None:
    """The mock skips Connexion's own spec validation at start-up (app._trusted_specs): run it here."""
    Specification.from_dict(yaml.safe_load(path.read_text()))


def test_orchestration_spec_has_the_17_operations_and_the_registry_serves_them() -> None:
    backend = Backend(Settings(clock="manual"))
    assert operation_ids(SPEC_PATH) == set(OrchestrationApi(lambda: backend.orchestration, "test").registry())
    assert len(operation_ids(SPEC_PATH)) == 17


def test_control_spec_operations_equal_the_control_registry() -> None:
    backend = Backend(Settings(clock="manual"))
    assert operation_ids(CONTROL_SPEC_PATH) == set(ControlApi(backend).registry())


def test_every_operation_but_info_requires_a_token() -> None:
    spec = load_spec(SPEC_PATH)
    for template, item in spec["paths"].items():
        for method, op in item.items():
            if method not in METHODS:
                continue
            if op["operationId"] == "getServerInfo":
                assert op.get("security") == []
            else:
                assert op.get("security", spec.get("security")), f"{method} {template} has no security"
                assert "401" in op["responses"], f"{method} {template} does not declare 401"


@pytest.mark.parametrize(("name", "definition"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_real_workflow_definitions_are_valid_create_requests(name: str, definition: dict) -> None:
    spec = dict(load_spec(SPEC_PATH))
    spec["$ref"] = "#/components/schemas/CreateWorkflowRequest"
    errors = list(OAS30Validator(spec).iter_errors(definition))
    assert not errors, errors[0].message
