"""Every kind of error comes back through both SDKs as their parsed `ODataError`, with the status,
Graph's code and message, and an inner error they can read."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
from msgraph.generated.models.o_data_errors.o_data_error import ODataError as V1ODataError
from msgraph_beta.generated.models.o_data_errors.o_data_error import ODataError as BetaODataError

from clients import beta_client, v1_client
from service import ADMIN_SCOPES, MOBILE, PhoneService
from support import expect_error


@dataclass
class SDK:
    """One SDK: its client factory, its error type, its model module, its version segment."""

    name: str
    client: object
    error: type
    version: str

    def models(self):
        if self.name == "v1":
            from msgraph.generated.models import authentication_phone_type, phone_authentication_method
        else:
            from msgraph_beta.generated.models import authentication_phone_type, phone_authentication_method
        return phone_authentication_method.PhoneAuthenticationMethod, authentication_phone_type.AuthenticationPhoneType


SDKS = [SDK("v1", v1_client, V1ODataError, "v1.0"), SDK("beta", beta_client, BetaODataError, "beta")]


@pytest.fixture(params=SDKS, ids=lambda sdk: sdk.name)
def sdk(request) -> SDK:
    return request.param


def phone_methods(client, user):
    return client.users.by_user_id(user).authentication.phone_methods


async def test_401_without_a_token(sdk, service, tenant):
    upn, _ = tenant.user("noauth")
    # The token provider returns nothing: the SDK sends no Authorization header.
    client = sdk.client(service.base_url(sdk.version), "")
    await expect_error(phone_methods(client, upn).get(), sdk.error, 401, "InvalidAuthenticationToken",
                       "Access token is empty.")


async def test_401_for_a_token_that_is_not_a_jwt(sdk, service, tenant):
    upn, _ = tenant.user("garbage")
    client = sdk.client(service.base_url(sdk.version), "not-a-jwt")
    await expect_error(phone_methods(client, upn).get(), sdk.error, 401, "InvalidAuthenticationToken",
                       "CompactToken parsing failed with error code: 80049217")


async def test_401_for_another_tenants_token(sdk, service, tenant, tmp_path):
    upn, _ = tenant.user("stranger")
    other = PhoneService(tmp_path)  # another database: another tenant and signing key
    other.add_user("mallory@fabrikam.com", "globalAdministrator")
    client = sdk.client(service.base_url(sdk.version), other.delegated_token("mallory@fabrikam.com", ADMIN_SCOPES))
    await expect_error(phone_methods(client, upn).get(), sdk.error, 401, "InvalidAuthenticationToken",
                       "Access token validation failure.")


async def test_401_for_an_expired_token(sdk, service, tenant):
    upn, _ = tenant.user("late")
    claims = service.token_claims(tenant.admin_token)
    claims["nbf"] = claims["iat"] = int(time.time()) - 7200
    claims["exp"] = int(time.time()) - 3600  # past the five minutes of clock skew
    client = sdk.client(service.base_url(sdk.version), service.forge_token(claims))
    await expect_error(phone_methods(client, upn).get(), sdk.error, 401, "InvalidAuthenticationToken",
                       "Lifetime validation failed, the token is expired.")


async def test_403_without_the_scope_or_role(sdk, service, tenant):
    upn, _ = tenant.user("target")
    plain, _ = tenant.user("plain")
    # The .All scope but no directory role: another user's phones are out of reach.
    client = sdk.client(service.base_url(sdk.version), tenant.token(plain, "UserAuthenticationMethod.ReadWrite.All"))
    await expect_error(phone_methods(client, upn).get(), sdk.error, 403, "accessDenied", "Request Authorization failed")
    # An application token with a read permission only may not write.
    app = sdk.client(service.base_url(sdk.version), service.app_token("UserAuthenticationMethod.Read.All"))
    Phone, PhoneType = sdk.models()
    await expect_error(phone_methods(app, upn).post(Phone(phone_number=tenant.number(), phone_type=PhoneType.Mobile)),
                       sdk.error, 403, "accessDenied", "Request Authorization failed")


async def test_404_for_an_unknown_user(sdk, service, tenant):
    client = sdk.client(service.base_url(sdk.version), tenant.admin_token)
    await expect_error(phone_methods(client, "nobody@contoso.com").get(), sdk.error, 404, "Request_ResourceNotFound",
                       "Resource 'nobody@contoso.com' does not exist or one of its queried reference-property "
                       "objects are not present.")


async def test_404_for_an_unknown_or_absent_method(sdk, service, tenant):
    upn, _ = tenant.user("empty")
    client = sdk.client(service.base_url(sdk.version), tenant.admin_token)
    await expect_error(phone_methods(client, upn).by_phone_authentication_method_id("not-a-method").get(), sdk.error,
                       404, "itemNotFound", message_contains="not-a-method")
    # A known id the user has no phone for.
    await expect_error(phone_methods(client, upn).by_phone_authentication_method_id(MOBILE).delete(), sdk.error,
                       404, "itemNotFound", message_contains=MOBILE)


async def test_400_for_a_bad_number(sdk, service, tenant):
    upn, _ = tenant.user("typo")
    client = sdk.client(service.base_url(sdk.version), tenant.admin_token)
    Phone, PhoneType = sdk.models()
    error = await expect_error(phone_methods(client, upn).post(Phone(phone_number="+14255550100",
                                                                     phone_type=PhoneType.Mobile)),
                               sdk.error, 400, "badRequest", message_contains="Invalid phone number '+14255550100'")
    assert "Separate the country code from the number with a space." in error.error.message


async def test_409_for_a_second_phone_of_a_type_and_an_alternate_without_a_mobile(sdk, service, tenant):
    upn, _ = tenant.user("twice")
    client = sdk.client(service.base_url(sdk.version), tenant.admin_token)
    Phone, PhoneType = sdk.models()
    await expect_error(phone_methods(client, upn).post(Phone(phone_number=tenant.number(),
                                                             phone_type=PhoneType.AlternateMobile)),
                       sdk.error, 409, "conflict", message_contains="requires a mobile")
    await phone_methods(client, upn).post(Phone(phone_number=tenant.number(), phone_type=PhoneType.Mobile))
    await expect_error(phone_methods(client, upn).post(Phone(phone_number=tenant.number(), phone_type=PhoneType.Mobile)),
                       sdk.error, 409, "conflict", message_contains="at most one of each type")


async def test_409_phone_number_not_unique(sdk, service, tenant):
    service.set_sms_policy("enabled", "all_users")
    first, _ = tenant.user("holder")
    second, _ = tenant.user("latecomer")
    client = sdk.client(service.base_url(sdk.version), tenant.admin_token)
    Phone, PhoneType = sdk.models()
    number = tenant.number()
    await phone_methods(client, first).post(Phone(phone_number=number, phone_type=PhoneType.Mobile))
    await expect_error(phone_methods(client, second).post(Phone(phone_number=number, phone_type=PhoneType.Mobile)),
                       sdk.error, 409, "phoneNumberNotUnique",
                       "The phone number is already registered for SMS sign-in by another user.")


async def test_client_request_id_is_echoed_in_the_error(sdk, service, tenant):
    # The SDK sends client-request-id only to Microsoft's hosts; the service then echoes its own
    # request-id, which the SDK reads back from innerError.
    client = sdk.client(service.base_url(sdk.version), tenant.admin_token)
    error = await expect_error(phone_methods(client, "ghost@contoso.com").get(), sdk.error, 404,
                               "Request_ResourceNotFound")
    assert error.error.inner_error.client_request_id == error.error.inner_error.request_id
    assert error.response_headers["request-id"] == error.error.inner_error.request_id
