"""Fixtures for the dashboard and metrics tests: one phone-service on a fresh database
(tests/sdk/service.py) that also serves /metrics on its own port (`--metrics-listen`), its admin
key, and headless Chromium from Debian driven by Selenium (1280x800). Screenshots go to
DASHBOARD_SCREENSHOTS (default .build/dashboard-screenshots); `make dashboard-screenshots` copies
them to docs/images."""

from __future__ import annotations

import json
import re
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sdk"))

from service import PhoneService  # noqa: E402

from dashboard_support import SCREENSHOTS, wait_for  # noqa: E402



class Admin:
    """The admin API with the tenant's admin key, and the metrics listener's address."""

    def __init__(self, service: PhoneService) -> None:
        self.service = service
        self.key = service.cli("admin-key")
        self.metrics_address = ""

    def call(self, method: str, path: str, body=None, token: str | None = "admin", headers: dict | None = None):
        """(status, headers, parsed JSON or text or None); token "admin" means the admin key."""
        all_headers = dict(headers or {})
        if token == "admin":
            token = self.key
        if token is not None:
            all_headers["Authorization"] = f"Bearer {token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        url = path if path.startswith("http") else self.service.url(path)
        request = urllib.request.Request(url, data=data, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, response_headers, raw = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, response_headers, raw = error.code, error.headers, error.read()
        text = raw.decode()
        kind = response_headers.get("Content-Type", "")
        return status, response_headers, (json.loads(text) if text and "json" in kind else (text or None))

    def ok(self, method: str, path: str, body=None):
        status, _, value = self.call(method, path, body)
        assert status < 300, f"{method} {path}: {status} {value}"
        return value

    def token(self, user: str | None = None) -> str:
        """A delegated token for `user` (a Privileged Authentication Administrator here) or, without
        one, an application token; both may read and write phone methods."""
        scopes = ["UserAuthenticationMethod.ReadWrite.All"]
        body = {"user": user, "scopes": scopes} if user else {"app": True, "roles": scopes}
        return self.ok("POST", "/_admin/tokens", body)["accessToken"]


@pytest.fixture(scope="session")
def service(tmp_path_factory):
    running = PhoneService(tmp_path_factory.mktemp("phone-service"))
    running.cli("user", "list")
    running.start("--metrics-listen", "127.0.0.1:0")
    yield running
    status = running.stop()
    assert status == 0, f"phone-service exited with {status} on SIGTERM:\n{running.log()}"
    # 503s come from the fault rules the tests add; a 500 would be a bug.
    assert "status=500" not in running.log(), "the service answered 500:\n" + running.log()


@pytest.fixture(scope="session")
def admin(service) -> Admin:
    admin = Admin(service)
    match = re.search(r"metrics listening.*address=(127\.0\.0\.1:\d+)|address=(127\.0\.0\.1:\d+).*metrics listening",
                      service.log())
    assert match, "no 'metrics listening' line:\n" + service.log()
    admin.metrics_address = match.group(1) or match.group(2)
    return admin


@pytest.fixture(scope="session")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,800",
                     "--disable-gpu", "--no-first-run", "--disable-extensions", "--lang=en-US"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(executable_path="/usr/bin/chromedriver"))
    driver.implicitly_wait(0)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


@pytest.fixture
def page(browser, service, admin):
    """The browser on the dashboard, signed in with the admin key (a fresh tab state each test)."""
    from selenium.webdriver.common.by import By

    browser.set_window_size(1280, 800)
    browser.get(service.url("/_admin/ui/"))
    browser.execute_script("sessionStorage.clear()")
    browser.get(service.url("/_admin/ui/#/overview"))
    field = wait_for(browser, lambda d: d.find_element(By.ID, "key") if d.find_element(By.ID, "key").is_displayed() else None)
    field.send_keys(admin.key)
    browser.find_element(By.CSS_SELECTOR, "#sign-in-form button[type=submit]").click()
    wait_for(browser, lambda d: d.find_element(By.ID, "user-count"))
    return browser
