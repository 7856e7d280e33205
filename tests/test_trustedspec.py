"""The packaged specs registered through http/trustedspec.py are the specifications Connexion
builds itself: the same raw spec, the same resolved spec (with the same shared and cyclic
``$ref`` targets), and the same fallback where JSON cannot carry a spec exactly."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from connexion.spec import OpenAPISpecification, Specification
from orchestration_spec import CONTROL_SPEC

from mockserver import stack
from mockserver.config import Settings
from mockserver.http.trustedspec import trusted_specs

CONNEXION_LOAD = Specification.__dict__["load"]
MOUNTED = {
    **{
        f"{m.name}-{quirks}": m.spec
        for quirks in ("spec", "real")
        for m in stack.mounts(Settings(quirks=quirks), lambda: None, "t")
    },
    "control": stack.spec(CONTROL_SPEC),
}


def same_graph(left: Any, right: Any, seen: dict[int, int] | None = None) -> bool:
    """Structural equality that also holds on the cycles a resolved ``$ref`` can make, and
    requires the same nodes to be shared (a node met again maps to the same node)."""
    seen = {} if seen is None else seen
    if isinstance(left, dict | list):
        if id(left) in seen:
            return seen[id(left)] == id(right)
        seen[id(left)] = id(right)
        if type(left) is not type(right) or len(left) != len(right):
            return False
        if isinstance(left, dict):
            return left.keys() == right.keys() and all(same_graph(left[k], right[k], seen) for k in left)
        return all(same_graph(a, b, seen) for a, b in zip(left, right, strict=True))
    return type(left) is type(right) and left == right


@pytest.mark.parametrize("name", sorted(MOUNTED))
def test_a_packaged_spec_is_what_connexion_builds(name: str) -> None:
    document = MOUNTED[name]
    own = Specification.load(document)
    with trusted_specs():
        trusted = Specification.load(document)
    assert isinstance(trusted, OpenAPISpecification)
    assert type(trusted) is not OpenAPISpecification  # built from the JSON text, not by Connexion
    assert same_graph(trusted.raw, own.raw)
    assert same_graph(trusted.spec, own.spec)
    assert trusted.base_path == own.base_path
    # Swagger UI serves a per-request clone at the mount's path: the same document.
    assert same_graph(trusted.with_base_path("/x").spec, own.with_base_path("/x").spec)


def test_a_packaged_spec_shares_nothing_with_the_document_it_came_from() -> None:
    document = MOUNTED["orchestration-spec"]
    with trusted_specs():
        trusted = Specification.load(document)
    trusted.base_path = "/elsewhere"
    trusted.raw["info"]["title"] = "changed"
    trusted.spec["info"]["title"] = "changed"
    assert document["info"]["title"] != "changed"
    assert "servers" not in document or document["servers"] != [{"url": "/elsewhere"}]


@pytest.mark.parametrize(
    "odd",
    [{200: {"description": "an integer key"}}, {"x-released": date(2024, 1, 2)}],
    ids=["integer-key", "yaml-date"],
)
def test_what_json_cannot_carry_goes_through_connexion(odd: dict[Any, Any]) -> None:
    document = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}, "x-odd": odd}
    own = Specification.load(document)
    with trusted_specs():
        trusted = Specification.load(document)
    assert type(trusted) is OpenAPISpecification
    assert same_graph(trusted.raw, own.raw)
    assert same_graph(trusted.spec, own.spec)


def test_connexion_is_itself_again_afterwards() -> None:
    with trusted_specs():
        pass
    assert Specification.__dict__["load"] is CONNEXION_LOAD
    with pytest.raises(Exception, match="paths"):
        Specification.load({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}})
