"""Swagger UI at /api/orchestration/ui/: Authorize with client credentials, then Try it out."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.browser.pages import wait_until
from tests.support import Api, RunningMock, token_for

pytestmark = pytest.mark.xdist_group("browser")


def test_authorize_then_try_it_out_lists_workflows(
    browser: WebDriver, mock: RunningMock, screenshot: Callable[[str], Path]
) -> None:
    api = Api(mock.api, token_for(mock.url))
    api.post("/workflows", json={"name": "from-the-test", "stages": [{"noop": {}}]})
    browser.get(mock.api + "/ui/")
    authorize = wait_until(browser, lambda b: b.find_element(By.CSS_SELECTOR, ".auth-wrapper .authorize"), "the UI")
    authorize.click()

    dialog = wait_until(browser, lambda b: b.find_element(By.CSS_SELECTOR, ".auth-container"), "the auth dialog")
    for field, value in (("client_id", "frontend-dev"), ("client_secret", "s3cret")):
        box = dialog.find_element(By.ID, field)
        box.clear()
        box.send_keys(value)
    screenshot("authorize")
    dialog.find_element(By.CSS_SELECTOR, "button.authorize").click()
    wait_until(browser, lambda b: "Authorized" in b.find_element(By.CSS_SELECTOR, ".auth-container").text, "a token")
    browser.find_element(By.CSS_SELECTOR, ".modal-ux button.close-modal").click()

    # Operation ids contain a dot, which Swagger UI escapes in the element id: match on the end.
    operation = browser.find_element(By.CSS_SELECTOR, "[id$='-listWorkflows']")
    operation.find_element(By.CSS_SELECTOR, ".opblock-summary").click()
    wait_until(browser, lambda _: operation.find_element(By.CSS_SELECTOR, "button.try-out__btn"), "Try it out").click()
    wait_until(browser, lambda _: operation.find_element(By.CSS_SELECTOR, "button.execute"), "Execute").click()
    status = wait_until(
        browser,
        lambda _: operation.find_elements(By.CSS_SELECTOR, ".live-responses-table .response .response-col_status"),
        "the live response",
    )
    browser.execute_script("arguments[0].scrollIntoView()", status[0])
    screenshot("try-it-out")
    assert status[0].text.strip() == "200"
    body = operation.find_element(By.CSS_SELECTOR, ".live-responses-table .response-col_description pre").text
    assert "from-the-test" in body
    assert operation.find_element(By.CSS_SELECTOR, ".request-url pre").text.strip() == mock.api + "/workflows"

    # The mock saw the client-credentials grant, then the bearer call it made possible.
    journal = httpx.get(mock.url + "/_mock/requests").json()["data"]
    calls = [(r["method"], r["path"], r["status"]) for r in journal]
    assert ("POST", "/api/auth/oauth/token", 200) in calls
    assert calls[-1] == ("GET", "/api/orchestration/workflows", 200)
