"""The packages keep the layers ARCHITECTURE.md draws: imports point one way, and never in a circle."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.layering import circles, forbidden, import_graph

ROOT = Path(__file__).resolve().parent.parent

# What each layer may import, besides itself. Entry modules (app, cli, testing, runner, ...) may
# import any layer and are left out. Keep in step with ARCHITECTURE.md.
MOCKSERVER_LAYERS: dict[str, set[str]] = {
    "errors": set(),
    "config": set(),
    "core": {"errors", "config"},
    # The services of the stack, one folder each; a service may call those below it, through
    # their own interface, never the other way.
    # The Numscript language, as the ledger runs it: imports nothing of ours.
    "numscript": set(),
    "ledger": {"numscript", "core", "errors", "config"},
    # Wallets are a client of the ledger service, as the real service is of the ledger's API.
    "wallets": {"ledger", "numscript", "core", "errors", "config"},
    "orchestration.expr": {"core", "errors"},
    "orchestration.domain": {"orchestration.expr", "core", "errors", "config"},
    "orchestration.engine": {
        "orchestration.domain",
        "orchestration.expr",
        "ledger",
        "wallets",
        "core",
        "errors",
        "config",
    },
    "orchestration": {"orchestration.engine", "orchestration.domain", "ledger", "wallets", "core", "errors", "config"},
    "orchestration.api": {"orchestration", "orchestration.engine", "orchestration.domain", "core", "errors", "config"},
    # Webhooks hears the bus; it calls no other service.
    "webhooks": {"core", "errors", "config"},
    # The shared state of a tenant: it composes the services.
    "state": {
        "ledger",
        "wallets",
        "webhooks",
        "orchestration",
        "orchestration.engine",
        "orchestration.domain",
        "orchestration.expr",
        "core",
        "errors",
        "config",
    },
    "http": {"state", "core", "errors", "config"},
    "control": {
        "state",
        "webhooks",
        "orchestration.api",
        "orchestration.engine",
        "orchestration.domain",
        "core",
        "errors",
        "config",
    },
    "inspector": {
        "http",
        "control",
        "state",
        "webhooks",
        "orchestration.api",
        "orchestration.engine",
        "orchestration.domain",
        "core",
        "errors",
        "config",
    },
    # A client of the API, not a part of the mock: it knows the service through HTTP and the spec.
    "recorder": {"core"},
}
CONTRACT_LAYERS: dict[str, set[str]] = {
    "core": set(),
    "transport": {"core"},
    "oracle": {"core"},
    "generation": {"oracle", "core"},
    "checks": {"transport", "oracle", "core"},
    "phases": {"checks", "generation", "oracle", "transport", "core"},
    "reports": {"checks", "core"},
    "proxy": {"reports", "checks", "oracle", "transport", "core"},
    "diff": {"phases", "generation", "transport", "core"},
}


@pytest.mark.parametrize("package", ["mockserver", "contract_tests"])
def test_no_import_circle(package: str) -> None:
    assert circles(import_graph(ROOT, package), package) == []


@pytest.mark.parametrize(
    ("package", "layers"), [("mockserver", MOCKSERVER_LAYERS), ("contract_tests", CONTRACT_LAYERS)]
)
def test_imports_point_down_the_layers(package: str, layers: dict[str, set[str]]) -> None:
    assert forbidden(import_graph(ROOT, package), package, layers) == []


@pytest.mark.parametrize("package", ["mockserver", "contract_tests"])
def test_every_layer_is_a_folder_with_a_docstring(package: str) -> None:
    layers = MOCKSERVER_LAYERS if package == "mockserver" else CONTRACT_LAYERS
    for layer in layers:
        folder = ROOT / package / layer.replace(".", "/")
        if folder.is_dir():
            text = (folder / "__init__.py").read_text()
            first_line = text.removeprefix('"""').splitlines()[0]
            assert text.startswith('"""') and "import" in first_line.lower(), f"{folder}: say what it may import"
        else:
            assert folder.with_suffix(".py").is_file(), f"{package}.{layer} is neither folder nor module"


def test_the_contract_suite_never_imports_the_mock() -> None:
    edges = import_graph(ROOT, "contract_tests")
    assert [e for e in edges if e.imported.split(".")[0] == "mockserver"] == []


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_a_forbidden_import_fails_with_both_module_names(tmp_path: Path) -> None:
    root = _package(
        tmp_path,
        {
            "__init__.py": "",
            "core/__init__.py": '"""Shared pieces; imports nothing."""\n',
            "core/clock.py": "def later():\n    from pkg.http.gateway import Gateway\n",  # hidden in a function
            "http/__init__.py": '"""The edge; may import core."""\n',
            "http/gateway.py": "from ..core import clock\nclass Gateway: ...\n",
        },
    )
    edges = import_graph(root, "pkg")
    problems = forbidden(edges, "pkg", {"core": set(), "http": {"core"}})
    assert len(problems) == 1
    assert "pkg.core.clock (layer core) imports pkg.http.gateway (layer http)" in problems[0]
    assert circles(edges, "pkg") == [["pkg.core.clock", "pkg.http.gateway"]]


def test_importing_a_module_from_its_package_is_not_a_circle(tmp_path: Path) -> None:
    root = _package(
        tmp_path,
        {
            "__init__.py": "",
            "expr/__init__.py": "from pkg.expr.evaluator import evaluate\n",
            "expr/evaluator.py": "from pkg.expr import ops\ndef evaluate(): ...\n",
            "expr/ops.py": "X = 1\n",
        },
    )
    assert circles(import_graph(root, "pkg"), "pkg") == []


def test_type_checking_imports_count(tmp_path: Path) -> None:
    root = _package(
        tmp_path,
        {
            "__init__.py": "",
            "a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import b\n",
            "b.py": "from pkg import a\n",
        },
    )
    assert circles(import_graph(root, "pkg"), "pkg") == [["pkg.a", "pkg.b"]]
