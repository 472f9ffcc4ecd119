"""Sign-in errors as Microsoft's clients surface them to the app, over HTTPS: azure-identity's
`ClientAuthenticationError` message and MSAL's `result["error_codes"]` carry Entra's AADSTS code.
An unknown tenant fails earlier, at discovery: neither client puts AADSTS90002 in its message
(they say "Unable to get authority configuration"), as against Entra; the code is in the
exception chain, from the discovery document's answer."""

from __future__ import annotations

import time
import uuid

import msal
import pytest
from azure.core.exceptions import ClientAuthenticationError
from azure.identity import ClientSecretCredential, DeviceCodeCredential, UsernamePasswordCredential

GRAPH_DEFAULT = "https://graph.microsoft.com/.default"

POLICY = "https://graph.microsoft.com/Policy.ReadWrite.AuthenticationMethod"  # not among the app's permissions


def secret_credential(https_base, tenant, client_id, secret) -> ClientSecretCredential:
    return ClientSecretCredential(tenant, client_id, secret, authority=https_base, disable_instance_discovery=True)


def confidential(https_base, tenant, client_id, secret) -> msal.ConfidentialClientApplication:
    return msal.ConfidentialClientApplication(client_id, client_credential=secret,
                                              authority=f"{https_base}/{tenant}", instance_discovery=False)


def public(https_base, tenant, client_id) -> msal.PublicClientApplication:
    return msal.PublicClientApplication(client_id, authority=f"{https_base}/{tenant}", instance_discovery=False)


def exception_chain(error: BaseException) -> str:
    """Every message in `error`'s chain of causes and contexts."""
    texts = []
    while error is not None:
        texts.append(str(error))
        error = error.__cause__ or error.__context__
    return "\n".join(texts)


# Wrong client secret: 401 invalid_client, AADSTS7000215.

def test_azure_identity_wrong_secret(https_base, tenant_id, app):
    with pytest.raises(ClientAuthenticationError, match="AADSTS7000215"):
        secret_credential(https_base, tenant_id, app["appId"], "not-the-secret").get_token(GRAPH_DEFAULT)


def test_msal_wrong_secret(https_base, tenant_id, app):
    result = confidential(https_base, tenant_id, app["appId"], "not-the-secret").acquire_token_for_client([GRAPH_DEFAULT])
    assert result.get("error") == "invalid_client" and result.get("error_codes") == [7000215], result


# Unknown application: 400 unauthorized_client, AADSTS700016.

def test_azure_identity_unknown_app(https_base, tenant_id, app):
    with pytest.raises(ClientAuthenticationError, match="AADSTS700016"):
        secret_credential(https_base, tenant_id, str(uuid.uuid4()), app["secret"]).get_token(GRAPH_DEFAULT)


def test_msal_unknown_app(https_base, tenant_id, app):
    result = confidential(https_base, tenant_id, str(uuid.uuid4()), app["secret"]).acquire_token_for_client(
        [GRAPH_DEFAULT])
    assert result.get("error") == "unauthorized_client" and result.get("error_codes") == [700016], result


# Unknown tenant: discovery answers 400 AADSTS90002; the clients stop there.

def test_azure_identity_unknown_tenant(https_base, app):
    with pytest.raises(ClientAuthenticationError, match="Unable to get authority configuration") as raised:
        secret_credential(https_base, "nobody.example", app["appId"], app["secret"]).get_token(GRAPH_DEFAULT)
    assert "AADSTS90002" in exception_chain(raised.value)


def test_msal_unknown_tenant(https_base, app):
    with pytest.raises(ValueError, match="Unable to get authority configuration") as raised:
        confidential(https_base, "nobody.example", app["appId"], app["secret"])
    assert "AADSTS90002" in exception_chain(raised.value)
    assert "HTTP status: 400" in exception_chain(raised.value)


# Scope not consented: 400 invalid_grant, suberror consent_required, AADSTS65001. Through the
# device code flow (approved through the admin API), and through a password sign-in.

def test_azure_identity_scope_not_consented(admin, https_base, tenant_id, app, user):
    def approve(verification_uri, user_code, expires_on):
        admin.post(f"/devicecodes/{user_code}/approve", json={"user": user["userPrincipalName"]}).raise_for_status()

    credential = DeviceCodeCredential(app["appId"], tenant_id=tenant_id, authority=https_base,
                                      disable_instance_discovery=True, timeout=60, prompt_callback=approve)
    with pytest.raises(ClientAuthenticationError, match="AADSTS65001"):
        credential.get_token(POLICY)


def test_msal_scope_not_consented(admin, https_base, tenant_id, app, user):
    client = public(https_base, tenant_id, app["appId"])
    flow = client.initiate_device_flow(scopes=[POLICY])
    assert "user_code" in flow, flow
    admin.post(f"/devicecodes/{flow['user_code']}/approve", json={"user": user["userPrincipalName"]}).raise_for_status()
    deadline = time.monotonic() + 60
    result = client.acquire_token_by_device_flow(flow, exit_condition=lambda flow: time.monotonic() > deadline)
    assert result.get("error") == "invalid_grant" and result.get("error_codes") == [65001], result
    assert result.get("suberror") == "consent_required", result


def test_msal_password_sign_in_scope_not_consented(realm_listener, https_base, tenant_id, app, user):
    result = public(https_base, tenant_id, app["appId"]).acquire_token_by_username_password(
        user["userPrincipalName"], user["password"], scopes=[POLICY])
    assert result.get("error_codes") == [65001] and result.get("suberror") == "consent_required", result


# Wrong password: 400 invalid_grant, AADSTS50126 (a password sign-in: MSAL's realm discovery on 443).

def test_azure_identity_wrong_password(realm_listener, https_base, tenant_id, app, user):
    credential = UsernamePasswordCredential(app["appId"], user["userPrincipalName"], "not-the-password",
                                            tenant_id=tenant_id, authority=https_base,
                                            disable_instance_discovery=True)
    with pytest.raises(ClientAuthenticationError, match="AADSTS50126"):
        credential.get_token(GRAPH_DEFAULT)


def test_msal_wrong_password(realm_listener, https_base, tenant_id, app, user):
    result = public(https_base, tenant_id, app["appId"]).acquire_token_by_username_password(
        user["userPrincipalName"], "not-the-password", scopes=[GRAPH_DEFAULT])
    assert result.get("error") == "invalid_grant" and result.get("error_codes") == [50126], result
