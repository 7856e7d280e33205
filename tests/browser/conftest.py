"""Browser fixtures: one headless Chromium and one mock (manual clock) for the whole package.

Chromium and chromedriver come from Debian (``apt-get install -y chromium chromium-driver``,
which ``make test`` installs when missing); without them every browser test fails, never skips, so CI cannot go
green without having looked at a page. Screenshots land in ``artifacts/screenshots/``.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver

from tests.support import LEDGERS, ROOT, RunningMock, running_mock

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
)


def _executable(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(
        f"browser tests need {names[0]!r} on PATH (Debian: apt-get install -y chromium chromium-driver; "
        "make test installs them). They fail rather than skip so that CI cannot pass without them.",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def browser() -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = _executable("chromium", "chromium-browser")
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    options.add_argument(f"--user-data-dir={profile}")
    # An explicit driver path keeps Selenium Manager (which would download drivers) out of it.
    driver = webdriver.Chrome(options=options, service=Service(_executable("chromedriver")))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def ui_server() -> Iterator[RunningMock]:
    with running_mock("--clock", "manual", "--seed", "11", "--fixtures", str(LEDGERS)) as server:
        yield server


@pytest.fixture
def mock(ui_server: RunningMock) -> RunningMock:
    httpx.post(ui_server.url + "/_mock/reset").raise_for_status()
    return ui_server


@pytest.fixture
def screenshot(browser: WebDriver, request: pytest.FixtureRequest) -> Iterator[Callable[[str], Path]]:
    """``screenshot("step")`` saves ``artifacts/screenshots/<test>-<step>.png``; a failing test
    also leaves ``<test>-failure.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    test = request.node.name.removeprefix("test_")

    def take(step: str) -> Path:
        path = SCREENSHOTS / f"{test}-{step}.png"
        browser.save_screenshot(str(path))
        return path

    yield take
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        take("failure")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[Any]:
    report = yield
    if report.when == "call":
        item.report_call = report  # type: ignore[attr-defined]
    return report
