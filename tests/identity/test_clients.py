"""Microsoft's own identity clients, unmodified, over HTTPS against a fresh phone-service: an
app's sign-in code as it runs against Entra ID, with only the settings docs/sign-in.md's "Client
settings" lists (authority, instance discovery off, the CA through the environment, allowed_hosts
and base_url for the Graph SDK). Every token they get is spent on Graph's phone-method routes."""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import threading
import time
import uuid
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import msal
import pytest
from azure.identity import (
    CertificateCredential,
    ClientSecretCredential,
    DeviceCodeCredential,
    UsernamePasswordCredential,
)
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from kiota_authentication_azure.azure_identity_authentication_provider import AzureIdentityAuthenticationProvider
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.generated.models.authentication_phone_type import AuthenticationPhoneType
from msgraph.generated.models.phone_authentication_method import PhoneAuthenticationMethod

from service import MOBILE, Tenant

GRAPH_DEFAULT = "https://graph.microsoft.com/.default"
PHONE_RW = "https://graph.microsoft.com/UserAuthenticationMethod.ReadWrite"


def graph_client(credential, https_base: str, host: str) -> GraphServiceClient:
    """The Graph SDK as an app builds it, pointed at phone-service: Microsoft's Azure Identity
    provider over the credential, the service's host allowed, its /v1.0 as base URL."""
    provider = AzureIdentityAuthenticationProvider(credential, scopes=[GRAPH_DEFAULT], allowed_hosts=[host])
    adapter = GraphRequestAdapter(provider)
    adapter.base_url = f"{https_base}/v1.0"
    return GraphServiceClient(request_adapter=adapter)


async def create_list_delete(phones) -> None:
    """Create a mobile, see it listed, delete it, see it gone: through `phones`, a
    phone_methods request builder."""
    number = Tenant.number()
    created = await phones.post(PhoneAuthenticationMethod(phone_number=number, phone_type=AuthenticationPhoneType.Mobile))
    assert created.id == MOBILE
    listed = await phones.get()
    # An administrator who is not a global one reads the number masked (+1 XXXXXXXX23), as on Graph.
    assert [(phone.id, phone.phone_number[-2:], phone.phone_type) for phone in listed.value] == [
        (MOBILE, number[-2:], AuthenticationPhoneType.Mobile)]
    await phones.by_phone_authentication_method_id(MOBILE).delete()
    assert (await phones.get()).value == []


def token_requests(service, since: int) -> list[str]:
    """The service's log lines of token requests after the first `since` characters of its log."""
    return [line for line in service.log()[since:].splitlines() if "/oauth2/v2.0/token" in line]


# azure-identity inside the Graph SDK ------------------------------------------------------------


def test_client_secret_credential_in_the_graph_sdk(service, admin, https_base, host, tenant_id, app, target):
    credential = ClientSecretCredential(tenant_id, app["appId"], app["secret"], authority=https_base,
                                        disable_instance_discovery=True)
    log_start = len(service.log())
    graph = graph_client(credential, https_base, host)
    asyncio.run(create_list_delete(graph.users.by_user_id(target).authentication.phone_methods))
    # The token came from phone-service's token endpoint, and the Graph calls were the app's.
    assert token_requests(service, log_start), service.log()[log_start:]
    journal = admin.get("/journal", params={"user": target}).json()["value"]
    assert {row["method"] for row in journal} == {"POST", "GET", "DELETE"}
    assert {row["callerAppId"] for row in journal} == {app["appId"]}


def self_signed_certificate() -> tuple[bytes, bytes]:
    """An RSA key and a self-signed certificate for it, both PEM, as `openssl req -x509` makes them."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "onboarding-app")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
                   .not_valid_after(now + datetime.timedelta(days=30)).sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM)


def test_certificate_credential_in_the_graph_sdk(service, admin, https_base, host, tenant_id, app, target,
                                                 tmp_path):
    key_pem, certificate_pem = self_signed_certificate()
    registered = admin.post(f"/applications/{app['appId']}/certificates", json={"pem": certificate_pem.decode()})
    assert registered.status_code == 201, registered.text
    certificate_file = tmp_path / "onboarding.pem"
    certificate_file.write_bytes(key_pem + certificate_pem)

    credential = CertificateCredential(tenant_id, app["appId"], str(certificate_file), authority=https_base,
                                       disable_instance_discovery=True)
    graph = graph_client(credential, https_base, host)
    asyncio.run(create_list_delete(graph.users.by_user_id(target).authentication.phone_methods))
    # A certificate's tokens say so: appidacr 2.
    token = credential.get_token(GRAPH_DEFAULT).token
    assert service.token_claims(token)["appidacr"] == "2"


def test_certificate_credential_with_an_unregistered_certificate_is_refused(https_base, tenant_id, app, tmp_path):
    key_pem, certificate_pem = self_signed_certificate()
    certificate_file = tmp_path / "unregistered.pem"
    certificate_file.write_bytes(key_pem + certificate_pem)
    credential = CertificateCredential(tenant_id, app["appId"], str(certificate_file), authority=https_base,
                                       disable_instance_discovery=True)
    from azure.core.exceptions import ClientAuthenticationError
    with pytest.raises(ClientAuthenticationError, match="AADSTS700027"):
        credential.get_token(GRAPH_DEFAULT)


def approver(admin, user: str, approved: list):
    """A DeviceCodeCredential prompt_callback: instead of a person entering the code on the sign-in
    page, the admin API approves it for `user`."""
    def prompt(verification_uri: str, user_code: str, expires_on) -> None:
        answer = admin.post(f"/devicecodes/{user_code}/approve", json={"user": user})
        assert answer.status_code == 204, answer.text
        approved.append((verification_uri, user_code))
    return prompt


def graph_calls_by(admin, caller: dict, target: str) -> set[str]:
    """The methods of the journal's rows for `target` that `caller` made."""
    journal = admin.get("/journal", params={"user": target}).json()["value"]
    return {row["method"] for row in journal if row["callerUserId"] == caller["id"]}


def test_device_code_credential_in_the_graph_sdk(admin, https_base, host, tenant_id, app, user, target):
    approved: list = []
    credential = DeviceCodeCredential(app["appId"], tenant_id=tenant_id, authority=https_base,
                                      disable_instance_discovery=True, timeout=60,
                                      prompt_callback=approver(admin, user["userPrincipalName"], approved))
    graph = graph_client(credential, https_base, host)
    asyncio.run(create_list_delete(graph.users.by_user_id(target).authentication.phone_methods))
    assert approved and approved[0][0].startswith(f"{https_base}/{tenant_id}/")
    # The calls were the agent's, signed in on the device: the journal names them as the caller.
    assert graph_calls_by(admin, user, target) >= {"POST", "GET", "DELETE"}


def test_username_password_credential_in_the_graph_sdk(realm_listener, admin, https_base, host, tenant_id, app,
                                                       user, target):
    realm_log_start = len(realm_listener.log())
    credential = UsernamePasswordCredential(app["appId"], user["userPrincipalName"], user["password"],
                                            tenant_id=tenant_id, authority=https_base,
                                            disable_instance_discovery=True)
    graph = graph_client(credential, https_base, host)
    asyncio.run(create_list_delete(graph.users.by_user_id(target).authentication.phone_methods))
    assert graph_calls_by(admin, user, target) >= {"POST", "GET", "DELETE"}
    # MSAL asked the realm on port 443 first, as it would ask login.microsoftonline.com.
    assert "/common/userrealm/" in realm_listener.log()[realm_log_start:], realm_listener.log()


# MSAL itself ------------------------------------------------------------------------------------


def test_msal_confidential_client_for_client_credentials(https_base, tenant_id, app, target):
    client = msal.ConfidentialClientApplication(app["appId"], client_credential=app["secret"],
                                                authority=f"{https_base}/{tenant_id}", instance_discovery=False)
    result = client.acquire_token_for_client(scopes=[GRAPH_DEFAULT])
    assert result.get("token_type") == "Bearer", result
    assert result["token_source"] == "identity_provider"
    answer = httpx.get(f"{https_base}/v1.0/users/{target}/authentication/phoneMethods",
                       headers={"Authorization": "Bearer " + result["access_token"]})
    assert answer.status_code == 200, answer.text
    # A second call is answered from MSAL's cache, as against Entra.
    assert client.acquire_token_for_client(scopes=[GRAPH_DEFAULT])["token_source"] == "cache"


def soon(seconds: float):
    """An exit_condition for MSAL's device flow polling: give up after `seconds` rather than the
    code's 15 minutes, so that a code never approved fails the test quickly."""
    deadline = time.monotonic() + seconds
    return lambda flow: time.monotonic() > deadline


def test_msal_public_client_device_flow(admin, https_base, tenant_id, app, user):
    client = msal.PublicClientApplication(app["appId"], authority=f"{https_base}/{tenant_id}",
                                          instance_discovery=False)
    flow = client.initiate_device_flow(scopes=[PHONE_RW])
    assert "user_code" in flow, flow
    assert flow["user_code"] in flow["message"]
    answer = admin.post(f"/devicecodes/{flow['user_code']}/approve", json={"user": user["userPrincipalName"]})
    assert answer.status_code == 204, answer.text

    result = client.acquire_token_by_device_flow(flow, exit_condition=soon(60))
    assert "access_token" in result, result
    assert result["id_token_claims"]["preferred_username"] == user["userPrincipalName"]
    assert result["id_token_claims"]["aud"] == app["appId"]
    assert "refresh_token" in result
    claims = jwt.decode(result["access_token"], options={"verify_signature": False})
    assert claims["scp"] == "UserAuthenticationMethod.ReadWrite" and claims["upn"] == user["userPrincipalName"]
    answer = httpx.get(f"{https_base}/v1.0/me/authentication/phoneMethods",
                       headers={"Authorization": "Bearer " + result["access_token"]})
    assert answer.status_code == 200, answer.text
    # The account is in MSAL's cache: a silent sign-in is served from it (or its refresh token).
    accounts = client.get_accounts(username=user["userPrincipalName"])
    assert len(accounts) == 1
    assert "access_token" in client.acquire_token_silent([PHONE_RW], account=accounts[0])


def test_msal_device_flow_waits_for_the_approval(admin, https_base, tenant_id, app, user):
    """Before the code is approved the token endpoint answers authorization_pending, and MSAL
    keeps polling: approved from another thread a moment later, the sign-in completes."""
    client = msal.PublicClientApplication(app["appId"], authority=f"{https_base}/{tenant_id}",
                                          instance_discovery=False)
    flow = client.initiate_device_flow(scopes=[PHONE_RW])
    user_code = flow["user_code"]
    later = threading.Timer(1.0, lambda: admin.post(f"/devicecodes/{user_code}/approve",
                                                   json={"user": user["userPrincipalName"]}).raise_for_status())
    later.start()
    try:
        result = client.acquire_token_by_device_flow(flow, exit_condition=soon(60))
    finally:
        later.join()
    assert "access_token" in result, result


def test_msal_password_sign_in(realm_listener, https_base, tenant_id, app, user):
    client = msal.PublicClientApplication(app["appId"], authority=f"{https_base}/{tenant_id}",
                                          instance_discovery=False)
    result = client.acquire_token_by_username_password(user["userPrincipalName"], user["password"], scopes=[PHONE_RW])
    assert "access_token" in result, result
    assert result["id_token_claims"]["preferred_username"] == user["userPrincipalName"]


# PyJWT against the served JWKS, over HTTPS -------------------------------------------------------


def test_pyjwt_verifies_an_msal_token_against_the_jwks_over_https(https_base, tenant_id, app):
    client = msal.ConfidentialClientApplication(app["appId"], client_credential=app["secret"],
                                                authority=f"{https_base}/{tenant_id}", instance_discovery=False)
    token = client.acquire_token_for_client(scopes=[GRAPH_DEFAULT])["access_token"]
    discovery = httpx.get(f"{https_base}/{tenant_id}/v2.0/.well-known/openid-configuration").json()
    assert discovery["jwks_uri"] == f"{https_base}/{tenant_id}/discovery/v2.0/keys"
    # PyJWKClient fetches with urllib, which trusts the CA through SSL_CERT_FILE.
    signing_key = jwt.PyJWKClient(discovery["jwks_uri"]).get_signing_key_from_jwt(token)
    claims = jwt.decode(token, signing_key.key, algorithms=["RS256"], audience="https://graph.microsoft.com",
                        issuer=f"https://sts.windows.net/{tenant_id}/")
    assert claims["appid"] == app["appId"] and claims["idtyp"] == "app"
    with pytest.raises(jwt.InvalidAudienceError):
        jwt.decode(token, signing_key.key, algorithms=["RS256"], audience=str(uuid.uuid4()))


# The settings docs/sign-in.md lists are needed --------------------------------------------------


def test_allowed_hosts_decide_whether_msgraph_core_s_provider_sends_the_token(https_base, host, tenant_id, app,
                                                                              target):
    """A provider whose allowed hosts are Graph's sends no token to the service; with the service's
    host allowed it does. msgraph-core's AzureIdentityAuthenticationProvider (1.5.2) cannot even be
    used without `allowed_hosts`: its default, Graph's national cloud URLs, carries a scheme that
    kiota's validator refuses. (kiota's provider, used above, allows every host when given none.)"""
    from msgraph_core.authentication import AzureIdentityAuthenticationProvider as GraphCoreProvider

    credential = ClientSecretCredential(tenant_id, app["appId"], app["secret"], authority=https_base,
                                        disable_instance_discovery=True)

    def phones(provider):
        adapter = GraphRequestAdapter(provider)
        adapter.base_url = f"{https_base}/v1.0"
        return GraphServiceClient(request_adapter=adapter).users.by_user_id(target).authentication.phone_methods

    with pytest.raises(ValueError, match="Allowed host value cannot contain 'https://'"):
        asyncio.run(phones(GraphCoreProvider(credential, scopes=[GRAPH_DEFAULT])).get())
    graph_only = GraphCoreProvider(credential, scopes=[GRAPH_DEFAULT], allowed_hosts=["graph.microsoft.com"])
    with pytest.raises(Exception, match="401"):  # no Authorization header went out
        asyncio.run(phones(graph_only).get())
    listed = asyncio.run(phones(GraphCoreProvider(credential, scopes=[GRAPH_DEFAULT], allowed_hosts=[host])).get())
    assert listed.value == []


def test_without_the_ca_azure_identity_does_not_connect(https_base, tenant_id, app, monkeypatch):
    import certifi
    from azure.core.exceptions import ClientAuthenticationError, ServiceRequestError
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certifi.where())  # public CAs only
    credential = ClientSecretCredential(tenant_id, app["appId"], app["secret"], authority=https_base,
                                        disable_instance_discovery=True)
    with pytest.raises((ClientAuthenticationError, ServiceRequestError)) as raised:
        credential.get_token(GRAPH_DEFAULT)
    assert "CERTIFICATE_VERIFY_FAILED" in str(raised.value) or "certificate verify failed" in str(raised.value)


def test_the_docs_name_these_settings():
    from pathlib import Path
    docs = (Path(__file__).resolve().parents[2] / "docs" / "sign-in.md").read_text()
    section = docs[docs.index("## Client settings"):docs.index("## The OpenAPI document")]
    for setting in ('authority="https://HOST:PORT"', 'authority="https://HOST:PORT/{tenant}"',
                    "disable_instance_discovery=True", "instance_discovery=False", "allowed_hosts=[HOST]",
                    'base_url = "https://HOST:PORT/v1.0"', "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE",
                    "/common/userrealm/", "port 443", "isPublicClient", "/_admin/devicecodes/{userCode}/approve"):
        assert setting in section, setting


def test_msal_certificate_credential_ps256_and_sha256_thumbprint(service, admin, https_base, tenant_id, app):
    """MSAL given the certificate itself (no SHA-1 thumbprint) signs PS256 and names the key by
    `x5t#S256`, and sends the chain (`x5c`)."""
    key_pem, certificate_pem = self_signed_certificate()
    registered = admin.post(f"/applications/{app['appId']}/certificates", json={"pem": certificate_pem.decode()})
    assert registered.status_code == 201, registered.text
    client = msal.ConfidentialClientApplication(
        app["appId"], client_credential={"private_key": key_pem.decode(), "public_certificate": certificate_pem.decode()},
        authority=f"{https_base}/{tenant_id}", instance_discovery=False)
    result = client.acquire_token_for_client(scopes=[GRAPH_DEFAULT])
    assert "access_token" in result, result
    assert service.token_claims(result["access_token"])["appidacr"] == "2"


# The authorization code flow with PKCE, through the sign-in page ---------------------------------


class FormReader(HTMLParser):
    """The first form of a page: its action and its inputs' names and values."""

    def __init__(self):
        super().__init__()
        self.action, self.fields = None, {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = attributes.get("action")
        elif tag == "input" and attributes.get("name"):
            self.fields[attributes["name"]] = attributes.get("value") or ""


def read_form(page: str) -> FormReader:
    reader = FormReader()
    reader.feed(page)
    assert reader.action, page
    return reader


def register_web_app(admin, name: str, redirect: str) -> tuple[dict, str]:
    """A confidential web app with the help desk's delegated permission and `redirect`; its secret."""
    created = admin.post("/applications", json={
        "displayName": name, "delegatedPermissions": ["UserAuthenticationMethod.ReadWrite.All"],
        "redirectUris": [redirect]})
    created.raise_for_status()
    web_app = created.json()
    return web_app, admin.post(f"/applications/{web_app['appId']}/secrets").json()["secretText"]


def sign_in_on_page(https_base: str, url: str, user: dict) -> httpx.Response:
    """What a browser does with an authorize URL: opens the page, fills in the user's name and
    password, submits the form; the answer (not followed)."""
    with httpx.Client(base_url=https_base) as browser:
        page = browser.get(url)
        assert page.status_code == 200 and "text/html" in page.headers["content-type"], page.text
        sign_in = read_form(page.text)
        sign_in.fields.update(login=user["userPrincipalName"], passwd=user["password"])
        return browser.post(sign_in.action, data=sign_in.fields)


@pytest.mark.parametrize("response_mode", ["query", "form_post"])
def test_msal_auth_code_flow_with_pkce_through_the_sign_in_page(admin, https_base, tenant_id, user, target,
                                                                  response_mode):
    """MSAL starts the flow (PKCE, state, nonce), a browser-like HTTP client signs in on the page
    and follows where it sends the code, and MSAL redeems it: the token manages target's phones."""
    redirect = "http://localhost:8400/callback"
    web_app, secret = register_web_app(admin, "Help desk web app", redirect)
    client = msal.ConfidentialClientApplication(web_app["appId"], client_credential=secret,
                                                authority=f"{https_base}/{tenant_id}", instance_discovery=False)
    scopes = ["https://graph.microsoft.com/UserAuthenticationMethod.ReadWrite.All"]
    flow = client.initiate_auth_code_flow(scopes, redirect_uri=redirect, response_mode=response_mode)
    assert "code_challenge" in flow["auth_uri"]

    answer = sign_in_on_page(https_base, flow["auth_uri"], user)
    if response_mode == "query":
        assert answer.status_code == 302, answer.text
        location = answer.headers["location"]
        assert location.startswith(redirect + "?")
        auth_response = {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}
    else:
        assert answer.status_code == 200 and "location" not in answer.headers, answer.text
        posted = read_form(answer.text)
        assert posted.action == redirect
        auth_response = posted.fields
    assert auth_response["state"] == flow["state"]

    result = client.acquire_token_by_auth_code_flow(flow, auth_response)
    assert "access_token" in result, result
    assert result["id_token_claims"]["preferred_username"] == user["userPrincipalName"]
    # MSAL sends the SHA-256 of its nonce and checks the ID token carries it back.
    assert result["id_token_claims"]["nonce"] == hashlib.sha256(flow["nonce"].encode()).hexdigest()
    phones = httpx.get(f"{https_base}/v1.0/users/{target}/authentication/phoneMethods",
                       headers={"Authorization": "Bearer " + result["access_token"]})
    assert phones.status_code == 200, phones.text
    # A code is redeemed once.
    again = client.acquire_token_by_authorization_code(auth_response["code"], scopes, redirect_uri=redirect)
    assert again.get("error") == "invalid_grant" and 54005 in again.get("error_codes", []), again
