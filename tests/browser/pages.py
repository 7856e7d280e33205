"""Page helpers for the browser tests: waiting on the page, and the inspector's controls."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

WAIT_SECONDS = 10


def wait_until(browser: WebDriver, condition: Callable[[WebDriver], Any], what: str) -> Any:
    """Poll until ``condition`` is truthy; the inspector itself refreshes every second."""
    return WebDriverWait(browser, WAIT_SECONDS, poll_frequency=0.05).until(
        condition, f"timed out after {WAIT_SECONDS} s waiting for {what}"
    )


class InspectorPage:
    def __init__(self, browser: WebDriver, origin: str) -> None:
        self.browser = browser
        self.url = origin + "/_mock/ui/"

    def open(self) -> InspectorPage:
        self.browser.get(self.url)
        # The first poll has replaced the server-rendered sections: the script is running.
        wait_until(self.browser, lambda b: b.find_element(By.TAG_NAME, "body").get_attribute("data-polls"), "a poll")
        return self

    def row(self, instance_id: str) -> WebElement:
        return wait_until(
            self.browser,
            lambda b: b.find_element(By.CSS_SELECTOR, f'tr[data-instance="{instance_id}"]'),
            f"instance {instance_id}",
        )

    def wait_state(self, instance_id: str, state: str) -> WebElement:
        """The instance's row once its state badge says ``state``."""

        def shown(browser: WebDriver) -> WebElement | None:
            rows = browser.find_elements(By.CSS_SELECTOR, f'tr[data-instance="{instance_id}"][data-state="{state}"]')
            return rows[0] if rows else None

        return wait_until(self.browser, shown, f"instance {instance_id} to be {state}")

    def label(self, instance_id: str) -> str:
        return self.row(instance_id).find_element(By.CSS_SELECTOR, ".label").text

    def submit(self, form: WebElement, **fields: str) -> None:
        for name, value in fields.items():
            field = form.find_element(By.NAME, name)
            field.clear()
            field.send_keys(value)
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()

    def form(self, action: str, within: WebElement | None = None) -> WebElement:
        scope: Any = within if within is not None else self.browser
        return scope.find_element(By.CSS_SELECTOR, f'form[data-action="{action}"]')

    def status(self, contains: str) -> str:
        """The action result line, once it contains ``contains``."""

        def shown(browser: WebDriver) -> str | None:
            text = browser.find_element(By.ID, "status").text
            return text if contains in text else None

        return wait_until(self.browser, shown, f"status containing {contains!r}")

    def section_text(self, section: str) -> str:
        return self.browser.find_element(By.ID, section).text
