"""msgraph-sdk (/v1.0) against phone-service: phone methods through the SDK's own request
builders, and the typed values it deserialises."""

from __future__ import annotations

from kiota_abstractions.base_request_configuration import RequestConfiguration
from kiota_http.middleware.options import HeadersInspectionHandlerOption
from msgraph.generated.models.authentication_method_sign_in_state import AuthenticationMethodSignInState
from msgraph.generated.models.authentication_phone_type import AuthenticationPhoneType
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.phone_authentication_method import PhoneAuthenticationMethod
from msgraph.generated.models.phone_authentication_method_collection_response import (
    PhoneAuthenticationMethodCollectionResponse,
)
from msgraph.generated.users.item.authentication.phone_methods.item.phone_authentication_method_item_request_builder import (  # noqa: E501
    PhoneAuthenticationMethodItemRequestBuilder,
)
from msgraph.generated.users.item.authentication.phone_methods.phone_methods_request_builder import (
    PhoneMethodsRequestBuilder,
)

from clients import v1_client
from service import ALTERNATE_MOBILE, MOBILE, OFFICE
from support import GUID, expect_error

ODATA_TYPE = "#microsoft.graph.phoneAuthenticationMethod"


async def test_create_get_list_update_delete_by_upn(v1, tenant):
    upn, _ = tenant.user("alice")
    number = tenant.number()
    phone_methods = v1.users.by_user_id(upn).authentication.phone_methods

    created = await phone_methods.post(PhoneAuthenticationMethod(
        phone_number=number, phone_type=AuthenticationPhoneType.Mobile))
    assert isinstance(created, PhoneAuthenticationMethod)
    assert created.id == MOBILE
    assert created.phone_number == number
    assert created.phone_type is AuthenticationPhoneType.Mobile
    assert created.sms_sign_in_state is AuthenticationMethodSignInState.NotAllowedByPolicy
    # v1.0 shows neither date; the context names the user as the URL did (percent-encoded).
    assert created.created_date_time is None
    assert created.additional_data["@odata.context"] == (
        f"https://graph.microsoft.com/v1.0/$metadata#users('{upn.replace('@', '%40')}')"
        "/authentication/phoneMethods/$entity")

    item = phone_methods.by_phone_authentication_method_id(MOBILE)
    fetched = await item.get()
    assert (fetched.id, fetched.phone_number, fetched.phone_type) == (MOBILE, number, AuthenticationPhoneType.Mobile)

    listed = await phone_methods.get()
    assert isinstance(listed, PhoneAuthenticationMethodCollectionResponse)
    assert [(m.id, m.phone_number) for m in listed.value] == [(MOBILE, number)]
    assert listed.odata_next_link is None

    renumbered = tenant.number()
    # PATCH answers 204: the SDK returns None.
    assert await item.patch(PhoneAuthenticationMethod(phone_number=renumbered)) is None
    assert (await item.get()).phone_number == renumbered
    # Sending the unchanged phoneType along is fine.
    assert await item.patch(PhoneAuthenticationMethod(
        phone_number=number, phone_type=AuthenticationPhoneType.Mobile)) is None
    assert (await item.get()).phone_number == number

    assert await item.delete() is None
    assert (await phone_methods.get()).value == []
    await expect_error(item.get(), ODataError, 404, "itemNotFound", message_contains=MOBILE)


async def test_three_types_by_object_id_with_extension(v1, tenant):
    _, user_id = tenant.user("bob")
    phone_methods = v1.users.by_user_id(user_id).authentication.phone_methods
    numbers = {AuthenticationPhoneType.Mobile: tenant.number(),
               AuthenticationPhoneType.AlternateMobile: tenant.number(),
               AuthenticationPhoneType.Office: tenant.number() + "x1234"}
    for phone_type, number in numbers.items():
        created = await phone_methods.post(PhoneAuthenticationMethod(phone_number=number, phone_type=phone_type))
        assert created.phone_type is phone_type and created.phone_number == number

    listed = (await phone_methods.get()).value
    assert {m.id: m.phone_type for m in listed} == {
        MOBILE: AuthenticationPhoneType.Mobile,
        ALTERNATE_MOBILE: AuthenticationPhoneType.AlternateMobile,
        OFFICE: AuthenticationPhoneType.Office,
    }
    assert {m.phone_type: m.phone_number for m in listed} == numbers
    # Only the mobile takes part in SMS sign-in.
    states = {m.phone_type: m.sms_sign_in_state for m in listed}
    assert states[AuthenticationPhoneType.AlternateMobile] is AuthenticationMethodSignInState.NotSupported
    assert states[AuthenticationPhoneType.Office] is AuthenticationMethodSignInState.NotSupported
    # Collection items carry no @odata.type on the wire; the SDK fills in the type it asked for.
    assert all(isinstance(m, PhoneAuthenticationMethod) and m.odata_type == ODATA_TYPE for m in listed)

    office = await phone_methods.by_phone_authentication_method_id(OFFICE).get()
    assert office.phone_number == numbers[AuthenticationPhoneType.Office]


async def test_select_and_filter_query_parameters(v1, tenant):
    upn, _ = tenant.user("carol")
    phone_methods = v1.users.by_user_id(upn).authentication.phone_methods
    mobile, office = tenant.number(), tenant.number()
    await phone_methods.post(PhoneAuthenticationMethod(phone_number=mobile, phone_type=AuthenticationPhoneType.Mobile))
    await phone_methods.post(PhoneAuthenticationMethod(phone_number=office, phone_type=AuthenticationPhoneType.Office))

    # The SDK sends $filter and $select (its URL templates percent-encode the '$'; its middleware
    # decodes it back).
    query = PhoneMethodsRequestBuilder.PhoneMethodsRequestBuilderGetQueryParameters(
        filter="phoneType eq 'office'", select=["phoneNumber", "phoneType"])
    listed = await phone_methods.get(RequestConfiguration(query_parameters=query))
    assert [(m.id, m.phone_number, m.phone_type, m.sms_sign_in_state) for m in listed.value] == [
        (None, office, AuthenticationPhoneType.Office, None)]

    item_query = PhoneAuthenticationMethodItemRequestBuilder.PhoneAuthenticationMethodItemRequestBuilderGetQueryParameters(
        select=["id", "smsSignInState"])
    selected = await phone_methods.by_phone_authentication_method_id(MOBILE).get(
        RequestConfiguration(query_parameters=item_query))
    assert (selected.id, selected.phone_number, selected.sms_sign_in_state) == (
        MOBILE, None, AuthenticationMethodSignInState.NotAllowedByPolicy)

    # Options phone methods do not support are refused by name, as an OData error.
    await expect_error(phone_methods.get(RequestConfiguration(
        query_parameters=PhoneMethodsRequestBuilder.PhoneMethodsRequestBuilderGetQueryParameters(top=1))),
        ODataError, 400, "badRequest", message_contains="$top")
    # So is the SDK's `count` (GET …/phoneMethods/$count), the same way.
    await expect_error(phone_methods.count.get(), ODataError, 400, "badRequest",
                       "The query option '$count' is not supported for phone methods.")


async def test_response_headers_seen_by_the_sdk(v1, tenant):
    upn, _ = tenant.user("dave")
    inspection = HeadersInspectionHandlerOption(inspect_response_headers=True)
    await v1.users.by_user_id(upn).authentication.phone_methods.get(RequestConfiguration(options=[inspection]))
    headers = inspection.response_headers
    assert next(iter(headers.get("content-type"))).startswith("application/json;odata.metadata=minimal")
    assert GUID.match(next(iter(headers.get("request-id"))))
    assert headers.get("client-request-id")
    assert headers.get("cache-control") == {"no-cache"}
    # The SDK's request: bearer token and JSON accepted.
    sent = inspection.request_headers
    assert next(iter(sent.get("authorization"))).startswith("Bearer ey")
    assert "application/json" in next(iter(sent.get("accept")))


async def test_authentication_administrator_sees_masked_numbers(service, tenant):
    upn, _ = tenant.user("erin")
    helpdesk, _ = tenant.user("helpdesk", "authenticationAdministrator")
    client = v1_client(service.base_url("v1.0"), tenant.token(helpdesk, "UserAuthenticationMethod.ReadWrite.All"))
    phone_methods = client.users.by_user_id(upn).authentication.phone_methods
    created = await phone_methods.post(PhoneAuthenticationMethod(
        phone_number="+44 7700900123", phone_type=AuthenticationPhoneType.Mobile))
    assert created.phone_number == "+44 XXXXXXXX23"
    assert (await phone_methods.by_phone_authentication_method_id(MOBILE).get()).phone_number == "+44 XXXXXXXX23"
