"""Tokens from phone-service's token endpoint over plain HTTP, checked with PyJWT against the JWKS
it serves, and what MSAL makes of an http:// authority (it needs HTTPS: test_clients.py runs it
over the service's HTTPS listener)."""

from __future__ import annotations

import httpx
import jwt
import pytest


def client_credentials_token(base: str, tenant_id: str, app: dict) -> str:
    answer = httpx.post(f"{base}/{tenant_id}/oauth2/v2.0/token", data={
        "grant_type": "client_credentials", "client_id": app["appId"], "client_secret": app["secret"],
        "scope": "https://graph.microsoft.com/.default"})
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def test_pyjwt_verifies_a_token_against_the_served_jwks(base, tenant_id, app):
    token = client_credentials_token(base, tenant_id, app)
    discovery = httpx.get(f"{base}/{tenant_id}/v2.0/.well-known/openid-configuration").json()
    assert discovery["token_endpoint"] == f"{base}/{tenant_id}/oauth2/v2.0/token"

    signing_key = jwt.PyJWKClient(discovery["jwks_uri"]).get_signing_key_from_jwt(token)
    claims = jwt.decode(token, signing_key.key, algorithms=["RS256"], audience="https://graph.microsoft.com",
                        issuer=f"https://sts.windows.net/{tenant_id}/")
    assert claims["appid"] == app["appId"]
    assert claims["roles"] == ["UserAuthenticationMethod.ReadWrite.All"]
    assert claims["idtyp"] == "app" and claims["ver"] == "1.0"
    assert jwt.get_unverified_header(token)["x5t"] == signing_key.key_id


def test_pyjwt_refuses_a_token_whose_payload_was_changed(base, tenant_id, app):
    token = client_credentials_token(base, tenant_id, app)
    header, _, signature = token.split(".")
    forged_payload = jwt.utils.base64url_encode(b'{"roles":["Directory.ReadWrite.All"]}').decode()
    forged = f"{header}.{forged_payload}.{signature}"
    key = jwt.PyJWKClient(f"{base}/{tenant_id}/discovery/v2.0/keys").get_signing_key_from_jwt(token)
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, key.key, algorithms=["RS256"], audience="https://graph.microsoft.com")


def test_the_token_works_against_graph(base, tenant_id, app, service):
    service.add_user("signin.target@contoso.com")
    token = client_credentials_token(base, tenant_id, app)
    answer = httpx.get(f"{base}/v1.0/users/signin.target%40contoso.com/authentication/phoneMethods",
                       headers={"Authorization": "Bearer " + token})
    assert answer.status_code == 200, answer.text


def test_msal_refuses_an_http_authority(base, tenant_id, app):
    """MSAL Python needs an https:// authority (docs/sign-in.md, "Client settings"). If MSAL ever
    accepted this authority, the token it gets must be the service's."""
    msal = pytest.importorskip("msal")
    try:
        client = msal.ConfidentialClientApplication(
            app["appId"], client_credential=app["secret"], authority=f"{base}/{tenant_id}", instance_discovery=False)
    except ValueError as refused:
        assert "https" in str(refused).lower()
        return
    result = client.acquire_token_for_client(scopes=["https://graph.microsoft.com/.default"])
    assert "access_token" in result, result


def test_pyjwt_verifies_an_id_token_with_the_discovery_documents_issuer(base, tenant_id, app, admin):
    admin.post("/users", json={"userPrincipalName": "signin.user@contoso.com", "password": "pw-for-pyjwt"}) \
        .raise_for_status()
    discovery = httpx.get(f"{base}/{tenant_id}/v2.0/.well-known/openid-configuration").json()
    answer = httpx.post(discovery["token_endpoint"], data={
        "grant_type": "password", "client_id": app["appId"], "client_secret": app["secret"],
        "username": "signin.user@contoso.com", "password": "pw-for-pyjwt", "nonce": "n-1",
        "scope": "https://graph.microsoft.com/UserAuthenticationMethod.ReadWrite openid profile offline_access"})
    assert answer.status_code == 200, answer.text
    id_token = answer.json()["id_token"]
    key = jwt.PyJWKClient(discovery["jwks_uri"]).get_signing_key_from_jwt(id_token)
    claims = jwt.decode(id_token, key.key, algorithms=["RS256"], audience=app["appId"], issuer=discovery["issuer"])
    assert claims["preferred_username"] == "signin.user@contoso.com"
    assert claims["nonce"] == "n-1" and claims["tid"] == tenant_id
