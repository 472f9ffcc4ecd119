"""msgraph-sdk (/v1.0): `authentication.methods` (typed by @odata.type) and `client.me` with a
delegated token, through the SDK's request builders."""

from __future__ import annotations

from msgraph.generated.models.authentication_method import AuthenticationMethod
from msgraph.generated.models.authentication_method_collection_response import AuthenticationMethodCollectionResponse
from msgraph.generated.models.authentication_method_sign_in_state import AuthenticationMethodSignInState as State
from msgraph.generated.models.authentication_phone_type import AuthenticationPhoneType
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.phone_authentication_method import PhoneAuthenticationMethod

from clients import v1_client
from service import MOBILE, OFFICE
from support import expect_error

ODATA_TYPE = "#microsoft.graph.phoneAuthenticationMethod"


async def test_methods_are_typed_phone_methods(v1, tenant):
    upn, _ = tenant.user("ivan")
    mobile, office = tenant.number(), tenant.number()
    phone_methods = v1.users.by_user_id(upn).authentication.phone_methods
    await phone_methods.post(PhoneAuthenticationMethod(phone_number=mobile, phone_type=AuthenticationPhoneType.Mobile))
    await phone_methods.post(PhoneAuthenticationMethod(phone_number=office, phone_type=AuthenticationPhoneType.Office))

    methods = v1.users.by_user_id(upn).authentication.methods
    listed = await methods.get()
    assert isinstance(listed, AuthenticationMethodCollectionResponse)
    # The SDK asked for the base type; @odata.type on each item makes it build the derived one.
    assert all(type(m) is PhoneAuthenticationMethod and m.odata_type == ODATA_TYPE for m in listed.value)
    assert [(m.id, m.phone_type, m.phone_number) for m in listed.value] == [
        (MOBILE, AuthenticationPhoneType.Mobile, mobile), (OFFICE, AuthenticationPhoneType.Office, office)]

    one = await methods.by_authentication_method_id(OFFICE).get()
    assert isinstance(one, PhoneAuthenticationMethod)
    assert (one.id, one.phone_number, one.sms_sign_in_state) == (OFFICE, office, State.NotSupported)

    # methods/{id} is read-only here: the SDK's PATCH and the collection's POST get 405.
    await expect_error(methods.by_authentication_method_id(OFFICE).patch(AuthenticationMethod()), ODataError, 405,
                       "Request_BadRequest", "Specified HTTP method is not allowed for the request target.")
    await expect_error(methods.post(AuthenticationMethod()), ODataError, 405, "Request_BadRequest")
    await expect_error(methods.by_authentication_method_id("not-a-method").get(), ODataError, 404, "itemNotFound")


async def test_me_with_a_delegated_token(v1, service, tenant):
    upn, user_id = tenant.user("judy")
    number = tenant.number()
    await v1.users.by_user_id(upn).authentication.phone_methods.post(
        PhoneAuthenticationMethod(phone_number=number, phone_type=AuthenticationPhoneType.Mobile))
    service.set_sms_policy("enabled", "all_users")

    me = v1_client(service.base_url("v1.0"), tenant.token(upn, "UserAuthenticationMethod.ReadWrite"))
    # The SDK sends /users/me-token-to-replace/... and its URL replace middleware makes it /me/...
    listed = await me.me.authentication.phone_methods.get()
    assert [(m.id, m.phone_number) for m in listed.value] == [(MOBILE, number)]
    assert listed.additional_data["@odata.context"] == (
        f"https://graph.microsoft.com/v1.0/$metadata#users('{user_id}')/authentication/phoneMethods")
    mobile = me.me.authentication.phone_methods.by_phone_authentication_method_id(MOBILE)
    assert (await mobile.get()).sms_sign_in_state is State.NotConfigured

    # A user turns SMS sign-in on and off for their own phone.
    assert await mobile.enable_sms_sign_in.post() is None
    assert (await mobile.get()).sms_sign_in_state is State.Ready
    assert await mobile.disable_sms_sign_in.post() is None
    assert (await me.me.authentication.methods.by_authentication_method_id(MOBILE).get()).sms_sign_in_state \
        is State.NotEnabled
    methods = await me.me.authentication.methods.get()
    assert [type(m) for m in methods.value] == [PhoneAuthenticationMethod]

    # Nobody may add or change their own phones (403), but they may delete them.
    await expect_error(me.me.authentication.phone_methods.post(PhoneAuthenticationMethod(
        phone_number=tenant.number(), phone_type=AuthenticationPhoneType.Office)),
        ODataError, 403, "accessDenied", "Request Authorization failed")
    await expect_error(mobile.patch(PhoneAuthenticationMethod(phone_number=tenant.number())), ODataError, 403,
                       "accessDenied", "Request Authorization failed")
    assert await mobile.delete() is None
    assert (await me.me.authentication.phone_methods.get()).value == []

    # A read-only token reads, and may not delete.
    reader = v1_client(service.base_url("v1.0"), tenant.token(upn, "UserAuthMethod-Phone.Read"))
    assert (await reader.me.authentication.phone_methods.get()).value == []
    await expect_error(reader.me.authentication.phone_methods.by_phone_authentication_method_id(MOBILE).delete(),
                       ODataError, 403, "accessDenied")


async def test_me_needs_a_delegated_token(service, tenant):
    app = v1_client(service.base_url("v1.0"), service.app_token("UserAuthenticationMethod.ReadWrite.All"))
    await expect_error(app.me.authentication.phone_methods.get(), ODataError, 400, "BadRequest",
                       "/me request is only valid with delegated authentication flow.")
    # The same application token reaches any user by id.
    upn, _ = tenant.user("karl")
    assert (await app.users.by_user_id(upn).authentication.phone_methods.get()).value == []
