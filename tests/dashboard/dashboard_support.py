"""Helpers of the dashboard tests (a module of its own: test modules import it by name, which a
conftest.py shared with other suites' conftest.py files would make ambiguous)."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("DASHBOARD_SCREENSHOTS", REPO / ".build" / "dashboard-screenshots"))


def wait_for(driver, condition, timeout: float = 10):
    """The condition's first truthy value, polled until `timeout` (Selenium's WebDriverWait)."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.1,
                         ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)).until(condition)


def screenshot(driver, name: str) -> Path:
    path = SCREENSHOTS / f"dashboard-{name}.png"
    driver.save_screenshot(str(path))
    return path


def go(driver, service, fragment: str) -> None:
    """Opens the dashboard page `fragment` (such as "#/users") afresh: a reload, since going to the
    URL the tab shows already, or to another fragment of it, would not load it again."""
    driver.get(service.url("/_admin/ui/" + fragment))
    driver.refresh()
