"""msgraph-beta-sdk (/beta) against phone-service: phone methods, beta's dates, the SMS actions
where the beta SDK puts them (`methods/{id}/enableSmsSignIn`), methods, /me and the SMS policy."""

from __future__ import annotations

import datetime

from msgraph_beta.generated.models.authentication_method_sign_in_state import AuthenticationMethodSignInState as State
from msgraph_beta.generated.models.authentication_method_state import AuthenticationMethodState
from msgraph_beta.generated.models.authentication_method_target_type import AuthenticationMethodTargetType
from msgraph_beta.generated.models.authentication_phone_type import AuthenticationPhoneType
from msgraph_beta.generated.models.o_data_errors.o_data_error import ODataError
from msgraph_beta.generated.models.phone_authentication_method import PhoneAuthenticationMethod
from msgraph_beta.generated.models.sms_authentication_method_configuration import SmsAuthenticationMethodConfiguration
from msgraph_beta.generated.models.sms_authentication_method_target import SmsAuthenticationMethodTarget

from clients import beta_client
from service import ALTERNATE_MOBILE, MOBILE
from support import expect_error


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


async def test_create_get_list_update_delete(beta, tenant):
    upn, _ = tenant.user("liam")
    number = tenant.number()
    phone_methods = beta.users.by_user_id(upn).authentication.phone_methods
    created = await phone_methods.post(PhoneAuthenticationMethod(
        phone_number=number, phone_type=AuthenticationPhoneType.Mobile))
    assert (created.id, created.phone_number, created.phone_type, created.sms_sign_in_state) == (
        MOBILE, number, AuthenticationPhoneType.Mobile, State.NotAllowedByPolicy)
    # Beta's dates: createdDateTime read as a UTC datetime, lastUsedDateTime null.
    assert isinstance(created.created_date_time, datetime.datetime)
    assert created.created_date_time.utcoffset() == datetime.timedelta(0)
    assert abs(utc_now() - created.created_date_time) < datetime.timedelta(minutes=5)
    assert created.last_used_date_time is None
    assert created.additional_data["@odata.context"].startswith("https://graph.microsoft.com/beta/$metadata#users(")

    alternate = await phone_methods.post(PhoneAuthenticationMethod(
        phone_number=tenant.number(), phone_type=AuthenticationPhoneType.AlternateMobile))
    assert (alternate.id, alternate.sms_sign_in_state) == (ALTERNATE_MOBILE, State.NotSupported)

    listed = (await phone_methods.get()).value
    assert [(m.id, m.phone_type) for m in listed] == [
        (MOBILE, AuthenticationPhoneType.Mobile), (ALTERNATE_MOBILE, AuthenticationPhoneType.AlternateMobile)]
    assert listed[0].created_date_time == created.created_date_time

    item = phone_methods.by_phone_authentication_method_id(MOBILE)
    renumbered = tenant.number()
    assert await item.patch(PhoneAuthenticationMethod(phone_number=renumbered)) is None
    fetched = await item.get()
    assert (fetched.phone_number, fetched.created_date_time) == (renumbered, created.created_date_time)

    # The mobile stays while an alternateMobile needs it.
    await expect_error(item.delete(), ODataError, 409, "conflict", message_contains="alternateMobile")
    assert await phone_methods.by_phone_authentication_method_id(ALTERNATE_MOBILE).delete() is None
    assert await item.delete() is None
    assert (await phone_methods.get()).value == []
    await expect_error(beta.users.by_user_id(upn).authentication.methods.count.get(), ODataError, 400, "badRequest",
                       "The query option '$count' is not supported for phone methods.")


async def test_sms_actions_under_methods(beta, tenant):
    await beta.policies.authentication_methods_policy.authentication_method_configurations \
        .by_authentication_method_configuration_id("sms").patch(SmsAuthenticationMethodConfiguration(
            state=AuthenticationMethodState.Enabled,
            include_targets=[SmsAuthenticationMethodTarget(target_type=AuthenticationMethodTargetType.Group,
                                                           id="all_users", is_usable_for_sign_in=True)]))
    upn, _ = tenant.user("mia")
    await beta.users.by_user_id(upn).authentication.phone_methods.post(PhoneAuthenticationMethod(
        phone_number=tenant.number(), phone_type=AuthenticationPhoneType.Mobile))

    # The beta SDK binds the actions to authenticationMethod: POST .../methods/{id}/disableSmsSignIn.
    method = beta.users.by_user_id(upn).authentication.methods.by_authentication_method_id(MOBILE)
    assert (await method.get()).sms_sign_in_state is State.Ready
    assert await method.disable_sms_sign_in.post() is None
    read = await method.get()
    assert isinstance(read, PhoneAuthenticationMethod) and read.sms_sign_in_state is State.NotEnabled
    assert read.odata_type == "#microsoft.graph.phoneAuthenticationMethod"
    assert await method.enable_sms_sign_in.post() is None
    assert (await method.get()).sms_sign_in_state is State.Ready

    listed = (await beta.users.by_user_id(upn).authentication.methods.get()).value
    assert [(type(m), m.id, m.sms_sign_in_state) for m in listed] == [(PhoneAuthenticationMethod, MOBILE, State.Ready)]
    await expect_error(beta.users.by_user_id(upn).authentication.methods.by_authentication_method_id(
        ALTERNATE_MOBILE).enable_sms_sign_in.post(), ODataError, 404, "itemNotFound")


async def test_me_and_the_policy(beta, service, tenant):
    policy = await beta.policies.authentication_methods_policy.authentication_method_configurations \
        .by_authentication_method_configuration_id("sms").get()
    assert isinstance(policy, SmsAuthenticationMethodConfiguration)
    assert (policy.id, policy.state) == ("Sms", AuthenticationMethodState.Disabled)
    assert policy.additional_data["@odata.context"].startswith("https://graph.microsoft.com/beta/")

    upn, _ = tenant.user("noah")
    number = tenant.number()
    await beta.users.by_user_id(upn).authentication.phone_methods.post(PhoneAuthenticationMethod(
        phone_number=number, phone_type=AuthenticationPhoneType.Mobile))
    me = beta_client(service.base_url("beta"), tenant.token(upn, "UserAuthenticationMethod.ReadWrite"))
    # The beta SDK spells /me as a method, `client.me()`; v1.0 as a property, `client.me`.
    [mine] = (await me.me().authentication.phone_methods.get()).value
    assert (mine.phone_number, mine.sms_sign_in_state) == (number, State.NotAllowedByPolicy)
    await expect_error(me.me().authentication.methods.by_authentication_method_id(MOBILE).enable_sms_sign_in.post(),
                       ODataError, 400, "badRequest",
                       "Cannot enable SMS sign-in on phone auth method as the credential policy is not enabled on user")
    assert await me.me().authentication.methods.by_authentication_method_id(MOBILE).disable_sms_sign_in.post() is None
    await expect_error(me.policies.authentication_methods_policy.authentication_method_configurations
                       .by_authentication_method_configuration_id("sms").get(), ODataError, 403, "accessDenied")
