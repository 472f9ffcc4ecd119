"""msgraph-sdk (/v1.0): the SMS policy under `policies.authentication_methods_policy`, the
`enableSmsSignIn`/`disableSmsSignIn` actions under `phone_methods.by_..._id(...)`, and every SMS
sign-in state as the SDK's enum."""

from __future__ import annotations

from msgraph.generated.models.authentication_method_sign_in_state import AuthenticationMethodSignInState as State
from msgraph.generated.models.authentication_method_state import AuthenticationMethodState
from msgraph.generated.models.authentication_method_target_type import AuthenticationMethodTargetType
from msgraph.generated.models.authentication_phone_type import AuthenticationPhoneType
from msgraph.generated.models.exclude_target import ExcludeTarget
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.phone_authentication_method import PhoneAuthenticationMethod
from msgraph.generated.models.sms_authentication_method_configuration import SmsAuthenticationMethodConfiguration
from msgraph.generated.models.sms_authentication_method_target import SmsAuthenticationMethodTarget

from service import MOBILE, OFFICE
from support import expect_error


def sms_policy(client):
    return client.policies.authentication_methods_policy.authentication_method_configurations \
        .by_authentication_method_configuration_id("sms")


def all_users(usable: bool = True) -> SmsAuthenticationMethodTarget:
    return SmsAuthenticationMethodTarget(
        target_type=AuthenticationMethodTargetType.Group, id="all_users", is_usable_for_sign_in=usable)


async def add_phone(client, user, number, phone_type=AuthenticationPhoneType.Mobile):
    return await client.users.by_user_id(user).authentication.phone_methods.post(
        PhoneAuthenticationMethod(phone_number=number, phone_type=phone_type))


async def state(client, user, method_id=MOBILE):
    return (await client.users.by_user_id(user).authentication.phone_methods
            .by_phone_authentication_method_id(method_id).get()).sms_sign_in_state


async def test_read_and_update_the_sms_policy(v1, tenant):
    policy = sms_policy(v1)
    read = await policy.get()
    # The SDK picks the derived type from @odata.type.
    assert isinstance(read, SmsAuthenticationMethodConfiguration)
    assert read.odata_type == "#microsoft.graph.smsAuthenticationMethodConfiguration"
    assert (read.id, read.state) == ("Sms", AuthenticationMethodState.Disabled)

    group = tenant.service.cli("group", "add", f"excluded-{tenant.admin[:16]}")
    update = SmsAuthenticationMethodConfiguration(
        state=AuthenticationMethodState.Enabled,
        include_targets=[all_users()],
        exclude_targets=[ExcludeTarget(target_type=AuthenticationMethodTargetType.Group, id=group)])
    assert await policy.patch(update) is None  # 204

    read = await policy.get()
    assert read.state is AuthenticationMethodState.Enabled
    [include] = read.include_targets
    assert isinstance(include, SmsAuthenticationMethodTarget)
    assert (include.target_type, include.id, include.is_usable_for_sign_in, include.is_registration_required) == (
        AuthenticationMethodTargetType.Group, "all_users", True, False)
    [exclude] = read.exclude_targets
    assert (exclude.target_type, exclude.id) == (AuthenticationMethodTargetType.Group, group)

    # A patch of the state alone keeps the targets.
    assert await policy.patch(SmsAuthenticationMethodConfiguration(state=AuthenticationMethodState.Disabled)) is None
    read = await policy.get()
    assert read.state is AuthenticationMethodState.Disabled and [t.id for t in read.include_targets] == ["all_users"]

    await expect_error(policy.patch(SmsAuthenticationMethodConfiguration(
        include_targets=[SmsAuthenticationMethodTarget(target_type=AuthenticationMethodTargetType.User,
                                                       id="00000000-0000-4000-8000-000000000000")])),
        ODataError, 400, "badRequest", message_contains="does not exist")


async def test_enable_and_disable_sms_sign_in(v1, tenant):
    upn, _ = tenant.user("frank")
    await add_phone(v1, upn, tenant.number())
    await add_phone(v1, upn, tenant.number(), AuthenticationPhoneType.Office)
    mobile = v1.users.by_user_id(upn).authentication.phone_methods.by_phone_authentication_method_id(MOBILE)
    assert await state(v1, upn) is State.NotAllowedByPolicy

    await expect_error(mobile.enable_sms_sign_in.post(), ODataError, 400, "badRequest",
                       "Cannot enable SMS sign-in on phone auth method as the credential policy is not enabled on user")

    await sms_policy(v1).patch(SmsAuthenticationMethodConfiguration(
        state=AuthenticationMethodState.Enabled, include_targets=[all_users()]))
    # Added while outside the policy, and not registered since.
    assert await state(v1, upn) is State.NotConfigured

    assert await mobile.enable_sms_sign_in.post() is None  # 204
    assert await state(v1, upn) is State.Ready
    assert await mobile.enable_sms_sign_in.post() is None  # already ready: still 204

    assert await mobile.disable_sms_sign_in.post() is None
    assert await state(v1, upn) is State.NotEnabled
    assert await mobile.enable_sms_sign_in.post() is None
    assert await state(v1, upn) is State.Ready

    # Only the mobile takes part.
    office = v1.users.by_user_id(upn).authentication.phone_methods.by_phone_authentication_method_id(OFFICE)
    await expect_error(office.enable_sms_sign_in.post(), ODataError, 400, "badRequest", message_contains="mobile")
    await expect_error(office.disable_sms_sign_in.post(), ODataError, 400, "badRequest", message_contains="mobile")
    assert await state(v1, upn, OFFICE) is State.NotSupported

    # A policy that no longer lets the user sign in shows on the next read.
    await sms_policy(v1).patch(SmsAuthenticationMethodConfiguration(include_targets=[all_users(usable=False)]))
    assert await state(v1, upn) is State.NotAllowedByPolicy


async def test_phone_number_not_unique(v1, tenant):
    await sms_policy(v1).patch(SmsAuthenticationMethodConfiguration(
        state=AuthenticationMethodState.Enabled, include_targets=[all_users()]))
    first, _ = tenant.user("grace")
    second, _ = tenant.user("heidi")
    number = tenant.number()
    created = await add_phone(v1, first, number)
    assert created.sms_sign_in_state is State.Ready

    # The second user's mobile is kept, but the request answers 409 phoneNumberNotUnique.
    await expect_error(add_phone(v1, second, number), ODataError, 409, "phoneNumberNotUnique",
                       "The phone number is already registered for SMS sign-in by another user.")
    assert await state(v1, second) is State.PhoneNumberNotUnique
    second_mobile = v1.users.by_user_id(second).authentication.phone_methods.by_phone_authentication_method_id(MOBILE)
    await expect_error(second_mobile.enable_sms_sign_in.post(), ODataError, 409, "phoneNumberNotUnique")

    # Once the first user lets the number go, the second may take it.
    first_mobile = v1.users.by_user_id(first).authentication.phone_methods.by_phone_authentication_method_id(MOBILE)
    await first_mobile.disable_sms_sign_in.post()
    assert await second_mobile.enable_sms_sign_in.post() is None
    assert await state(v1, second) is State.Ready
    # The first user's mobile, renumbered, registers its new number; renumbered back onto the
    # number the second user now holds, it is saved but answers 409 phoneNumberNotUnique.
    assert await first_mobile.patch(PhoneAuthenticationMethod(phone_number=tenant.number())) is None
    assert await state(v1, first) is State.Ready
    await expect_error(first_mobile.patch(PhoneAuthenticationMethod(phone_number=number)), ODataError, 409,
                       "phoneNumberNotUnique")
    saved = await first_mobile.get()
    assert (saved.phone_number, saved.sms_sign_in_state) == (number, State.PhoneNumberNotUnique)
