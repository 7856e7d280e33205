"""pytest plugin (entry point `orchestration`): run the contract suite inside a vendor's own pytest.

    pytest --orchestration-base-url URL [--orchestration-token T | --orchestration-client-id ID
           --orchestration-client-secret S] --pyargs contract_tests.suite

Without `--orchestration-base-url` the plugin only adds its options: it is loaded in every pytest run of
anyone who installs the package, so it must cost nothing and change nothing there. Heavy imports happen
inside the fixtures.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from contract_tests.core.config import Config
    from contract_tests.reports.report import Report

__all__ = ["config_from_pytest", "orchestration_config", "orchestration_report", "pytest_addoption"]

_OPTIONS: list[tuple[str, dict[str, Any]]] = [
    ("--orchestration-base-url", {"help": "API root of the implementation under test; enables the plugin"}),
    (
        "--orchestration-api",
        {
            "default": "v1",
            "choices": ("v1", "v2", "all", "ledger", "wallets", "webhooks"),
            "help": "API version(s) to check, the ledger, the wallets or the webhooks",
        },
    ),
    ("--orchestration-token", {"help": "bearer token (read and write scopes)"}),
    ("--orchestration-client-id", {"help": "OAuth2 client id for client credentials"}),
    ("--orchestration-client-secret", {"help": "OAuth2 client secret"}),
    ("--orchestration-token-url", {"help": "token endpoint (default <origin>/api/auth/oauth/token)"}),
    ("--orchestration-max-examples", {"type": int, "default": None, "help": "generated cases per operation and mode"}),
    ("--orchestration-seed", {"type": int, "default": 0, "help": "seed for every generator"}),
    (
        "--orchestration-poll-timeout",
        {"type": float, "default": 5.0, "help": "seconds to wait for asynchronous progress"},
    ),
    ("--orchestration-allow-deviations", {"help": "YAML file of accepted deviations"}),
    ("--orchestration-report", {"help": "also write the report here (HTML if it ends in .html, else JSON)"}),
]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("orchestration", "Formance contract suite (orchestration v1, v2; ledger v2)")
    for flag, options in _OPTIONS:
        group.addoption(flag, **options)


def config_from_pytest(pytest_config: pytest.Config) -> Config | None:
    """The suite's `Config` from pytest options, or None when the plugin is not enabled."""
    base_url = pytest_config.getoption("orchestration_base_url", default=None)
    if not base_url:
        return None
    from contract_tests.core.config import Config, examples_for

    api = pytest_config.getoption("orchestration_api")
    deviations = pytest_config.getoption("orchestration_allow_deviations")
    report = pytest_config.getoption("orchestration_report")
    return Config(
        base_url=base_url,
        token=pytest_config.getoption("orchestration_token"),
        client_id=pytest_config.getoption("orchestration_client_id"),
        client_secret=pytest_config.getoption("orchestration_client_secret"),
        token_url=pytest_config.getoption("orchestration_token_url"),
        max_examples=pytest_config.getoption("orchestration_max_examples") or examples_for(api, "default"),
        seed=pytest_config.getoption("orchestration_seed"),
        poll_timeout=pytest_config.getoption("orchestration_poll_timeout"),
        deviations_path=Path(deviations) if deviations else None,
        report_path=Path(report) if report else None,
        api=api,
    )


@pytest.fixture(scope="session")
def orchestration_config(pytestconfig: pytest.Config) -> Config:
    config = config_from_pytest(pytestconfig)
    if config is None:
        pytest.skip("pass --orchestration-base-url to run the orchestration contract suite")
    return config


@pytest.fixture(scope="session")
def orchestration_report(orchestration_config: Config) -> Report:
    """The report of one suite run, shared by every test of the session (the same call as the CLI)."""
    from contract_tests.core.errors import CouldNotRun
    from contract_tests.reports.html import write_report
    from contract_tests.reports.progress import PlainListener
    from contract_tests.runner import run

    try:
        report = run(orchestration_config, listener=PlainListener())
    except CouldNotRun as exc:
        pytest.fail(f"the contract suite could not run: {exc}", pytrace=False)
    if orchestration_config.report_path:
        write_report(report, orchestration_config.report_path)
    return report
