"""The dashboard in headless Chromium: sign-in, a user's phones and why one is not ready, the
journal timeline updating live, a fault rule added and applied, a snapshot restored, a hostile
display name shown as text, and the headers that keep the page to its own scripts."""

from __future__ import annotations

import time
import uuid

from dashboard_support import go, screenshot, wait_for
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

MOBILE = "3179e48a-750b-4051-897c-87b9720928f7"


def new_user(admin, display_name: str | None = None) -> str:
    upn = f"dash-{uuid.uuid4().hex[:10]}@contoso.com"
    body = {"userPrincipalName": upn, "roles": ["privilegedAuthenticationAdministrator"]}
    if display_name is not None:
        body["displayName"] = display_name
    admin.ok("POST", "/_admin/users", body)
    return upn


def test_without_a_key_only_the_sign_in_form_shows(browser, service, admin):
    browser.get(service.url("/_admin/ui/"))
    browser.execute_script("sessionStorage.clear()")
    browser.get(service.url("/_admin/ui/#/users"))
    key = wait_for(browser, lambda d: d.find_element(By.ID, "key") if d.find_element(By.ID, "key").is_displayed() else None)
    assert not browser.find_element(By.ID, "nav").is_displayed()
    assert not browser.find_element(By.ID, "view").is_displayed()
    assert browser.find_elements(By.CSS_SELECTOR, "#view *") == []
    screenshot(browser, "sign-in")
    key.send_keys("not-the-key")
    browser.find_element(By.CSS_SELECTOR, "#sign-in-form button[type=submit]").click()
    error = wait_for(browser, lambda d: d.find_element(By.ID, "sign-in-error").text)
    assert "neither an admin key" in error
    assert browser.execute_script("return sessionStorage.length") == 0
    # The key never goes into the URL.
    assert "key" not in browser.current_url.lower()


def test_overview_and_a_users_phone_with_its_state(page, service, admin):
    upn = new_user(admin, "Dana Dashboard")
    status, _, _ = admin.call("POST", f"/v1.0/users/{upn}/authentication/phoneMethods",
                              {"phoneNumber": "+1 2065550100", "phoneType": "mobile"}, token=admin.token())
    assert status == 201
    go(page, service, "#/overview")
    wait_for(page, lambda d: d.find_element(By.ID, "phones-by-state"))
    by_state = page.find_element(By.ID, "phones-by-state").text
    assert "null" not in page.find_element(By.ID, "view").text
    assert "notAllowedByPolicy" in by_state
    assert page.find_element(By.ID, "sms-policy").text.startswith("State\ndisabled")
    screenshot(page, "overview")
    go(page, service, "#/users")
    search = wait_for(page, lambda d: d.find_element(By.ID, "user-search"))
    search.send_keys("dana dashboard")
    visible = [row for row in page.find_elements(By.CSS_SELECTOR, "#users tbody tr") if row.is_displayed()]
    assert len(visible) == 1
    visible[0].find_element(By.TAG_NAME, "a").click()
    row = wait_for(page, lambda d: d.find_element(By.CSS_SELECTOR, "#phones tr[data-type=mobile]"))
    cells = [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
    assert cells == ["mobile", "+1 2065550100", "notAllowedByPolicy", "the SMS policy is disabled"]
    shown = page.find_element(By.ID, "view").text
    assert "null" not in shown and "undefined" not in shown
    screenshot(page, "user")


def test_a_request_appears_in_the_timeline_without_a_reload(page, service, admin):
    upn = new_user(admin)
    token = admin.token()
    go(page, service, "#/journal")
    wait_for(page, lambda d: "updated" in d.find_element(By.ID, "journal-live").text)
    page.execute_script("window.stillTheSamePage = true")
    path = f"/v1.0/users/{upn}/authentication/phoneMethods/{MOBILE}"
    status, headers, _ = admin.call("GET", path, token=token)
    assert status == 404
    request_id = headers["request-id"]
    row = wait_for(page, lambda d: next((r for r in d.find_elements(By.CSS_SELECTOR, "#journal tbody tr")
                                         if path in r.text), None), timeout=10)
    assert page.execute_script("return window.stillTheSamePage") is True
    assert "404" in row.text and "itemNotFound" in row.text
    row.click()
    details = wait_for(page, lambda d: d.find_element(By.ID, "journal-details") if d.find_element(By.ID, "journal-details").is_displayed() else None)
    assert request_id in details.text
    assert "Error code\nitemNotFound" in details.text
    # The chart counts it: its description says how many requests the last minutes held.
    assert "requests in the last 15 minutes" in page.find_element(By.ID, "rate-desc").get_attribute("textContent")
    # A few more kinds of answers, for the screenshot the README shows.
    phones = f"/v1.0/users/{upn}/authentication/phoneMethods"
    admin.call("POST", phones, {"phoneNumber": "+1 2065550142", "phoneType": "mobile"}, token=token)
    admin.call("POST", phones, {"phoneNumber": "+1 2065550143", "phoneType": "mobile"}, token=token)
    admin.call("GET", phones, token=admin.ok("POST", "/_admin/tokens", {"app": True, "roles": []})["accessToken"])
    admin.call("GET", phones, token=token)
    wait_for(page, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#journal tbody tr")) >= 5)
    # A refused 403's row explains why: the roles the route accepts and what the token had.
    refused = next(r for r in page.find_elements(By.CSS_SELECTOR, "#journal tbody tr") if " 403 " in f" {r.text} ")
    refused.click()
    details = wait_for(page, lambda d: d.find_element(By.ID, "journal-details") if "403" in d.find_element(By.ID, "journal-details").text else None)
    assert "Why refused" in details.text
    explanation = admin.ok("GET", "/_admin/journal?status=403&top=1")["value"][0]["explanation"]
    assert explanation and explanation in details.text
    screenshot(page, "journal")
    # The same page on a phone-width window.
    page.set_window_size(390, 844)
    time.sleep(0.3)
    screenshot(page, "journal-phone")
    page.set_window_size(1280, 800)


def test_the_journal_filters_by_user_and_status(page, service, admin):
    upn = new_user(admin)
    other = new_user(admin)
    admin.call("GET", f"/v1.0/users/{upn}/authentication/phoneMethods", token=admin.token())
    admin.call("GET", f"/v1.0/users/{other}/authentication/phoneMethods", token=admin.token())
    go(page, service, f"#/journal?user={upn}&status=200")
    wait_for(page, lambda d: "updated" in d.find_element(By.ID, "journal-live").text)
    rows = wait_for(page, lambda d: d.find_elements(By.CSS_SELECTOR, "#journal tbody tr"))
    assert len(rows) == 1 and upn in rows[0].text


def test_a_fault_rule_added_in_the_page_fails_the_next_request(page, service, admin):
    upn = new_user(admin)
    token = admin.token()
    path = f"/v1.0/users/{upn}/authentication/phoneMethods"
    go(page, service, "#/controls")
    form = wait_for(page, lambda d: d.find_element(By.ID, "fault-form"))
    form.find_element(By.ID, "fault-path").send_keys(path)
    status = form.find_element(By.ID, "fault-status")
    status.clear()
    status.send_keys("503")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(page, lambda d: path in d.find_element(By.ID, "faults").text)
    screenshot(page, "controls")
    assert admin.call("GET", path, token=token)[0] == 503
    assert admin.call("GET", path, token=token)[0] == 200  # the rule was for one request
    go(page, service, "#/controls")
    wait_for(page, lambda d: "0 fault rules" in d.find_element(By.ID, "faults").text)


def test_a_snapshot_is_restored_after_confirmation(page, service, admin):
    name = "before-" + uuid.uuid4().hex[:6]
    go(page, service, "#/snapshots")
    field = wait_for(page, lambda d: d.find_element(By.ID, "snapshot-name"))
    field.send_keys(name)
    page.find_element(By.CSS_SELECTOR, "#snapshot-form button[type=submit]").click()
    row = wait_for(page, lambda d: next((r for r in d.find_elements(By.CSS_SELECTOR, "#snapshots tbody tr") if name in r.text), None))
    upn = new_user(admin)  # made after the snapshot: the restore takes it away
    assert admin.call("GET", f"/_admin/users/{upn}")[0] == 200
    screenshot(page, "snapshots")
    row.find_element(By.XPATH, ".//button[text()='Restore']").click()
    dialog = wait_for(page, lambda d: d.find_element(By.ID, "confirm") if d.find_element(By.ID, "confirm").is_displayed() else None)
    assert name in dialog.text
    page.find_element(By.ID, "confirm-cancel").click()  # cancelled: nothing happens
    time.sleep(0.3)
    assert admin.call("GET", f"/_admin/users/{upn}")[0] == 200
    row = next(r for r in page.find_elements(By.CSS_SELECTOR, "#snapshots tbody tr") if name in r.text)
    row.find_element(By.XPATH, ".//button[text()='Restore']").click()
    wait_for(page, lambda d: d.find_element(By.ID, "confirm-ok").is_displayed())
    page.find_element(By.ID, "confirm-ok").click()
    wait_for(page, lambda d: "restored" in d.find_element(By.ID, "status").text)
    assert admin.call("GET", f"/_admin/users/{upn}")[0] == 404


def test_a_hostile_display_name_renders_as_text(page, service, admin):
    hostile = "<img src=x onerror=alert(1)>"
    new_user(admin, hostile)
    go(page, service, "#/users")
    table = wait_for(page, lambda d: d.find_element(By.ID, "users"))
    assert hostile in table.text
    assert table.find_elements(By.TAG_NAME, "img") == []
    try:
        page.switch_to.alert
        raise AssertionError("an alert opened: the name ran as HTML")
    except NoAlertPresentException:
        pass
    screenshot(page, "users")


def test_pages_send_a_content_security_policy_and_no_inline_script(service, admin):
    status, headers, html = admin.call("GET", "/_admin/ui/", token=None)
    assert status == 200
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in html and "onclick" not in html
    # The pages hold no data and need no key; the admin API they call does.
    assert admin.call("GET", "/_admin/ui/app.js", token=None)[0] == 200
    assert admin.call("GET", "/_admin/ui/missing.js", token=None)[0] == 404
    assert admin.call("GET", "/_admin/users", token=None)[0] == 401
    # Cross-site requests cannot carry the key: the admin API takes it only as a bearer header,
    # and answers no CORS preflight.
    status, headers, _ = admin.call("OPTIONS", "/_admin/faults", token=None,
                                    headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in headers


def test_the_keyboard_opens_a_journal_row(page, service, admin):
    upn = new_user(admin)
    admin.call("GET", f"/v1.0/users/{upn}/authentication/phoneMethods", token=admin.token())
    go(page, service, f"#/journal?user={upn}")
    row = wait_for(page, lambda d: d.find_element(By.CSS_SELECTOR, "#journal tbody tr"))
    page.execute_script("arguments[0].focus()", row)
    row.send_keys(Keys.ENTER)
    details = wait_for(page, lambda d: d.find_element(By.ID, "journal-details") if d.find_element(By.ID, "journal-details").is_displayed() else None)
    assert upn in details.text


def test_a_snapshot_is_deleted_and_the_tenant_reset_after_confirmation(page, service, admin):
    """Last: the reset empties the tenant the other tests share."""
    name = "doomed-" + uuid.uuid4().hex[:6]
    admin.ok("POST", "/_admin/snapshots", {"name": name})
    go(page, service, "#/snapshots")
    row = wait_for(page, lambda d: next((r for r in d.find_elements(By.CSS_SELECTOR, "#snapshots tbody tr") if name in r.text), None))
    row.find_element(By.XPATH, ".//button[text()='Delete']").click()
    wait_for(page, lambda d: d.find_element(By.ID, "confirm-ok").is_displayed())
    page.find_element(By.ID, "confirm-ok").click()
    wait_for(page, lambda d: "deleted" in d.find_element(By.ID, "status").text)
    assert name not in [s["name"] for s in admin.ok("GET", "/_admin/snapshots")["value"]]
    assert admin.ok("GET", "/_admin/users")["value"], "the tests made users"
    page.find_element(By.ID, "reset").click()
    wait_for(page, lambda d: d.find_element(By.ID, "confirm-ok").is_displayed())
    page.find_element(By.ID, "confirm-ok").click()
    wait_for(page, lambda d: "reset" in d.find_element(By.ID, "status").text)
    assert admin.ok("GET", "/_admin/users")["value"] == []
