"""Microsoft's SDK against phone-service's test-tenant controls: injected 503s and throttling
429s with Retry-After, which the SDK's retry handler must honour. Each test runs its own
service, because the session's service must never answer a 5xx."""

from __future__ import annotations

import time

import pytest
from msgraph.generated.models.authentication_phone_type import AuthenticationPhoneType
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.phone_authentication_method import PhoneAuthenticationMethod

from clients import v1_client
from service import ADMIN_SCOPES, MOBILE, PhoneService, request


@pytest.fixture
def own_service(tmp_path):
    running = PhoneService(tmp_path)
    running.add_user("admin@contoso.com", "privilegedAuthenticationAdministrator")
    running.add_user("alice@contoso.com")
    running.start()
    yield running
    assert running.stop() == 0, running.log()


def admin(service: PhoneService, method: str, path: str, body=None):
    return request(service, method, "/_admin" + path, token=service.cli("admin-key"), body=body)


async def test_the_sdk_retries_injected_503s_honouring_retry_after(own_service):
    status, _, rule = admin(own_service, "POST", "/faults", {
        "method": "POST", "path": "/v1.0/users/*/authentication/phoneMethods",
        "status": 503, "retryAfter": 1, "count": 2})
    assert status == 201, rule
    client = v1_client(own_service.base_url("v1.0"), own_service.delegated_token("admin@contoso.com", ADMIN_SCOPES))

    started = time.monotonic()
    created = await client.users.by_user_id("alice@contoso.com").authentication.phone_methods.post(
        PhoneAuthenticationMethod(phone_number="+1 2065550100", phone_type=AuthenticationPhoneType.Mobile))
    waited = time.monotonic() - started

    assert created.id == MOBILE
    assert waited >= 2, f"two Retry-After: 1 answers, yet the SDK succeeded after {waited:.2f} s"
    status, _, rules = admin(own_service, "GET", "/faults")
    assert status == 200 and rules["value"] == [], "the rule's two failures were not both used"
    log = own_service.log()
    assert log.count("status=503") == 2, log
    assert "early-retry=true" not in log, "the SDK retried before Retry-After had elapsed"


async def test_the_sdk_gives_up_after_its_retries_with_graphs_error(own_service):
    status, _, _ = admin(own_service, "POST", "/faults", {"method": "GET", "status": 503, "retryAfter": 1})
    assert status == 201
    client = v1_client(own_service.base_url("v1.0"), own_service.delegated_token("admin@contoso.com", ADMIN_SCOPES))
    with pytest.raises(ODataError) as raised:
        await client.users.by_user_id("alice@contoso.com").authentication.phone_methods.get()
    assert raised.value.response_status_code == 503
    assert raised.value.error.code == "serviceNotAvailable"
    assert own_service.log().count("status=503") == 4, "expected the first try and three retries"


async def test_throttling_429s_are_retried_by_the_sdk(own_service):
    status, _, settings = admin(own_service, "PUT", "/throttling", {
        "enabled": True, "appRequestsPerSecond": 1, "appBurst": 1})
    assert status == 200, settings
    client = v1_client(own_service.base_url("v1.0"), own_service.delegated_token("admin@contoso.com", ADMIN_SCOPES))
    phone_methods = client.users.by_user_id("alice@contoso.com").authentication.phone_methods
    for _ in range(3):
        listed = await phone_methods.get()
        assert listed.value == []
    log = own_service.log()
    assert "status=429" in log, "three requests in a row at one per second were never throttled"
    assert "early-retry=true" not in log
