"""The state inspector in a real browser: live progress, and the actions that move instances."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.browser.pages import InspectorPage, wait_until
from tests.support import Api, RunningMock, running_mock, token_for

pytestmark = pytest.mark.xdist_group("browser")

Shot = Callable[[str], Path]


@pytest.fixture
def api(mock: RunningMock) -> Api:
    return Api(mock.api, token_for(mock.url))


@pytest.fixture
def page(browser: WebDriver, mock: RunningMock) -> InspectorPage:
    return InspectorPage(browser, mock.url)


def run(api: Api, stages: list[dict], name: str = "flow") -> str:
    workflow = api.post("/workflows", json={"name": name, "stages": stages}).json()["data"]["id"]
    return api.post(f"/workflows/{workflow}/instances", json={}).json()["data"]["id"]


def test_send_event_to_a_waiting_instance(page: InspectorPage, api: Api, screenshot: Shot) -> None:
    instance = run(api, [{"wait_event": {"event": "go"}}], name="wait-for-go")
    page.open()
    assert page.label(instance) == "waiting for event go"
    page.wait_state(instance, "waiting")
    screenshot("waiting")

    page.submit(page.form("send-event", within=page.row(instance)), name="go")
    page.status("sent event go")
    page.wait_state(instance, "terminated")
    screenshot("terminated")
    assert api.get(f"/instances/{instance}").json()["data"]["terminated"] is True


def test_abort_a_retrying_instance(page: InspectorPage, api: Api, screenshot: Shot) -> None:
    # An empty account cannot pay: the transaction fails with insufficient funds and retries.
    send = {
        "send": {
            "source": {"account": {"id": "users:empty", "ledger": "default"}},
            "destination": {"account": {"id": "bank", "ledger": "default"}},
            "amount": {"amount": 100, "asset": "EUR/2"},
        }
    }
    instance = run(api, [send], name="overdraft")
    page.open()
    row = page.wait_state(instance, "retrying")
    assert "insufficient funds" in page.label(instance)
    assert "next attempt at" in row.text
    screenshot("retrying")

    page.submit(page.form("abort", within=row))
    page.status("aborted instance")
    page.wait_state(instance, "error")
    assert page.label(instance) == "error: canceled"
    screenshot("aborted")
    assert api.get(f"/instances/{instance}").json()["data"]["error"] == "canceled"


def test_advance_the_clock_to_finish_a_delay(page: InspectorPage, api: Api, screenshot: Shot) -> None:
    instance = run(api, [{"delay": {"duration": "1h"}}, {"noop": {}}], name="cool-down")
    page.open()
    page.wait_state(instance, "delayed")
    assert page.label(instance) == "delayed until 2025-01-01T01:00:00Z"
    screenshot("delayed")

    page.submit(page.form("advance"), seconds="3600")
    page.status("clock advanced by 3600 s")
    page.wait_state(instance, "terminated")
    assert "2025-01-01T01:00:00Z" in page.section_text("clock")
    screenshot("done")


def test_fixture_bus_event_and_reset_from_the_page(page: InspectorPage, api: Api, screenshot: Shot) -> None:
    page.open()
    page.submit(page.form("fixtures"), document="{not yaml")
    assert page.status("VALIDATION:").startswith("VALIDATION:")

    fixture = (
        "workflows:\n  - name: on-payin\n    stages:\n      - wait_event: { event: settled }\n"
        "triggers:\n  - name: payin-trigger\n    event: SAVED_PAYMENT\n    workflow: on-payin\n"
    )
    page.submit(page.form("fixtures"), document=fixture)
    page.status("fixture loaded: 1 workflows, 1 triggers")
    page.submit(page.form("publish"), type="SAVED_PAYMENT", payload='{"id": "pay_1"}')
    page.status("published SAVED_PAYMENT: 1 occurrence(s)")
    (instance,) = [i["id"] for i in api.get("/instances").json()["data"]]
    page.wait_state(instance, "waiting")
    assert "payin-trigger" in page.section_text("triggers")
    screenshot("triggered")

    page.submit(page.form("reset"))
    page.status("state reset")
    assert "no instance yet" in page.section_text("instances")
    assert api.get("/workflows").json()["data"] == []


def test_user_strings_are_shown_as_text_never_run(
    page: InspectorPage, api: Api, browser: WebDriver, screenshot: Shot
) -> None:
    hostile = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'
    instance = run(api, [{"wait_event": {"event": hostile}}], name=hostile)
    page.open()
    page.wait_state(instance, "waiting")
    assert page.label(instance) == f"waiting for event {hostile}"
    assert hostile in page.section_text("workflows")
    # The pre-filled event name is the attribute value, intact, not markup.
    field = page.form("send-event", within=page.row(instance)).find_element("name", "name")
    assert field.get_attribute("value") == hostile
    assert browser.execute_script("return window.pwned === undefined && !document.querySelector('main img')")
    screenshot("escaped")


def test_log_in_with_the_control_token(browser: WebDriver, screenshot: Shot) -> None:
    with running_mock("--control-token", "letmein", "--clock", "manual") as locked:
        page = InspectorPage(browser, locked.url)
        browser.get(page.url)
        assert "--control-token" in browser.find_element(By.TAG_NAME, "body").text
        page.submit(browser.find_element(By.TAG_NAME, "form"), token="wrong")
        wait_until(browser, lambda b: "not the control token" in b.page_source, "the refusal")
        page.submit(browser.find_element(By.TAG_NAME, "form"), token="letmein")
        # Redirected to the inspector, whose script polls with the session cookie.
        wait_until(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "body[data-polls]"), "the inspector's poll")
        screenshot("logged-in")
        assert "Instances" in browser.find_element(By.TAG_NAME, "body").text
