"""The tenants page with the operator key: every tenant with its size and activity, a tenant
created, opened (the other pages then show it) and deleted after a confirmation, a hostile display
name shown as text; a tenant's admin key sees no tenants page."""

from __future__ import annotations

import uuid

import pytest
from dashboard_support import go, screenshot, wait_for
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By


@pytest.fixture(scope="module")
def operator_key(service) -> str:
    key = service.cli("operator-key")
    assert key.startswith("pso_")
    return key


@pytest.fixture
def operator(browser, service, operator_key):
    """The browser signed in with the operator key, on the tenants page."""
    browser.set_window_size(1280, 800)
    browser.get(service.url("/_admin/ui/"))
    browser.execute_script("sessionStorage.clear()")
    browser.get(service.url("/_admin/ui/"))
    field = wait_for(browser, lambda d: d.find_element(By.ID, "key") if d.find_element(By.ID, "key").is_displayed() else None)
    field.send_keys(operator_key)
    browser.find_element(By.CSS_SELECTOR, "#sign-in-form button[type=submit]").click()
    wait_for(browser, lambda d: d.find_element(By.ID, "tenants"))
    return browser


class Tenants:
    """Tenants made through the operator API, deleted after the test (the service is shared)."""

    def __init__(self, admin, operator_key: str) -> None:
        self.admin, self.key, self.made = admin, operator_key, []

    def create(self, **body) -> dict:
        status, _, value = self.admin.call("POST", "/_admin/tenants", body, token=self.key)
        assert status == 201, value
        self.made.append(value["id"])
        return value

    def get(self, tenant_id: str):
        return self.admin.call("GET", f"/_admin/tenants/{tenant_id}", token=self.key)

    def busy(self, tenant: dict, upn: str) -> None:
        """A user in `tenant`, and a Graph request through a token of it (a journal row)."""
        key = tenant["adminKey"]
        status, _, value = self.admin.call("POST", "/_admin/users", {"userPrincipalName": upn}, token=key)
        assert status == 201, value
        status, _, token = self.admin.call("POST", "/_admin/tokens", {"app": True, "roles": ["UserAuthenticationMethod.ReadWrite.All"]}, token=key)
        assert status == 200, token
        status, _, _ = self.admin.call("GET", f"/v1.0/users/{upn}/authentication/phoneMethods", token=token["accessToken"])
        assert status == 200


@pytest.fixture
def tenants(admin, operator_key):
    made = Tenants(admin, operator_key)
    yield made
    for tenant_id in made.made:
        admin.call("DELETE", f"/_admin/tenants/{tenant_id}", token=operator_key)


def row_of(driver, tenant_id: str):
    return driver.find_element(By.CSS_SELECTOR, f'#tenants tr[data-tenant="{tenant_id}"]')


def counted(driver, tenant_id: str):
    """The row once its users, phones and requests are counted (no cell still shows "…")."""
    row = row_of(driver, tenant_id)
    return row if "…" not in row.text else None


def no_alert(driver) -> None:
    try:
        driver.switch_to.alert
        raise AssertionError("an alert opened: the name ran as HTML")
    except NoAlertPresentException:
        pass


def test_the_operator_sees_every_tenant_with_its_size_and_activity(operator, service, admin, tenants):
    tenant = tenants.create(displayName="CI worker gw1", keep=True)
    tenants.busy(tenant, "ana@contoso.com")
    passing = tenants.create(displayName="A passing run")
    go(operator, service, "#/tenants")
    row = wait_for(operator, lambda d: counted(d, tenant["id"]))
    cells = {cell.get_attribute("data-field"): cell.text for cell in row.find_elements(By.CSS_SELECTOR, "td[data-field]")}
    assert cells["users"] == "1" and cells["phones"] == "0" and cells["recent"] == "1", cells
    assert cells["last"].endswith(" UTC"), cells
    assert "CI worker gw1" in row.text and tenant["id"] in row.text and "kept" in row.text and "KiB" in row.text
    # Not kept: its expiry is the API's, a day after its last write.
    expires = tenants.get(passing["id"])[2]["expiresAt"].replace("T", " ").replace("Z", " UTC")
    assert "expires " + expires in wait_for(operator, lambda d: counted(d, passing["id"])).text
    # The default tenant comes first and cannot be deleted from here.
    first = operator.find_element(By.CSS_SELECTOR, "#tenants tbody tr")
    assert first.text.startswith("Default tenant") and first.find_elements(By.XPATH, ".//button[text()='Delete']") == []
    assert not operator.find_element(By.ID, "current-tenant").is_displayed()
    assert [item.is_displayed() for item in operator.find_elements(By.CSS_SELECTOR, "#nav .tenant-page")] == [False] * 5
    screenshot(operator, "tenants")
    # Past the first `tenants.counted`, a row is counted on demand (each count opens the tenant).
    operator.execute_script("tenants.counted = 1; app.render()")
    button = wait_for(operator, lambda d: row_of(d, tenant["id"]).find_element(By.XPATH, ".//button[text()='Count']"))
    assert "…" not in row_of(operator, tenant["id"]).text
    button.click()
    wait_for(operator, lambda d: row_of(d, tenant["id"]).find_element(By.CSS_SELECTOR, "td[data-field=users]").text == "1")
    assert row_of(operator, tenant["id"]).find_element(By.CSS_SELECTOR, "td[data-field=recent]").text == "1"


def test_a_tenant_is_created_opened_and_deleted_in_the_page(operator, service, admin, tenants, operator_key):
    name = f"made in the page {uuid.uuid4().hex[:6]}"
    operator.find_element(By.ID, "tenant-name").send_keys(name)
    operator.find_element(By.CSS_SELECTOR, "#tenant-form button[type=submit]").click()
    status = wait_for(operator, lambda d: d.find_element(By.ID, "status").text if "created" in d.find_element(By.ID, "status").text else None)
    row = wait_for(operator, lambda d: next((r for r in d.find_elements(By.CSS_SELECTOR, "#tenants tbody tr") if name in r.text), None))
    tenant_id = row.get_attribute("data-tenant")
    tenants.made.append(tenant_id)
    code, _, tenant = tenants.get(tenant_id)
    assert code == 200 and tenant["displayName"] == name and tenant["keep"] is False
    assert tenant["adminKey"] in status
    tenants.busy(tenant, "bo@contoso.com")

    # Opened: the tenant's pages show its users and journal through /_admin/tenants/{id}/...
    row.find_element(By.XPATH, ".//button[starts-with(text(), 'Open')]").click()
    wait_for(operator, lambda d: d.find_element(By.ID, "user-count").text == "1")
    assert name in operator.find_element(By.ID, "current-tenant").text
    go(operator, service, "#/users")
    users = wait_for(operator, lambda d: d.find_element(By.ID, "users"))
    assert "bo@contoso.com" in users.text
    go(operator, service, "#/journal")
    wait_for(operator, lambda d: next((r for r in d.find_elements(By.CSS_SELECTOR, "#journal tbody tr")
                                       if "/v1.0/users/bo@contoso.com/authentication/phoneMethods" in r.text), None))

    # Deleted after a confirmation; cancelled first, nothing happens.
    go(operator, service, "#/tenants")
    delete = lambda d: row_of(d, tenant_id).find_element(By.XPATH, ".//button[text()='Delete']")
    wait_for(operator, delete).click()
    wait_for(operator, lambda d: d.find_element(By.ID, "confirm-cancel").is_displayed())
    assert tenant_id in operator.find_element(By.ID, "confirm-text").text
    operator.find_element(By.ID, "confirm-cancel").click()
    assert tenants.get(tenant_id)[0] == 200
    wait_for(operator, delete).click()
    wait_for(operator, lambda d: d.find_element(By.ID, "confirm-ok").is_displayed())
    operator.find_element(By.ID, "confirm-ok").click()
    wait_for(operator, lambda d: "deleted" in d.find_element(By.ID, "status").text)
    assert tenants.get(tenant_id)[0] == 404
    assert operator.find_elements(By.CSS_SELECTOR, f'#tenants tr[data-tenant="{tenant_id}"]') == []
    # The deleted tenant was the open one: the operator is back to choosing one.
    assert not operator.find_element(By.ID, "current-tenant").is_displayed()
    assert operator.execute_script("return sessionStorage.getItem('phone-service-tenant')") is None


def test_a_hostile_tenant_name_renders_as_text(operator, service, tenants):
    hostile = "<img src=x onerror=alert(1)>"
    tenant = tenants.create(displayName=hostile)
    go(operator, service, "#/tenants")
    row = wait_for(operator, lambda d: counted(d, tenant["id"]))
    assert row.find_element(By.CSS_SELECTOR, "th").text == hostile
    row.find_element(By.XPATH, ".//button[starts-with(text(), 'Open')]").click()
    wait_for(operator, lambda d: d.find_element(By.ID, "user-count"))
    assert operator.find_element(By.ID, "current-tenant").text == "Tenant: " + hostile
    assert operator.find_elements(By.CSS_SELECTOR, "#tenants img, header img") == []
    no_alert(operator)


def test_a_tenant_admin_key_sees_no_tenants_page(page, service, admin):
    assert not page.find_element(By.ID, "nav-tenants").is_displayed()
    go(page, service, "#/tenants")
    refusal = wait_for(page, lambda d: d.find_element(By.CSS_SELECTOR, "#view .error"))
    assert "Only the operator key" in refusal.text
    assert page.find_elements(By.ID, "tenants") == []
    # Nor does the API answer it: the page is no more than the key can do through curl.
    assert admin.call("GET", "/_admin/tenants")[0] == 401
