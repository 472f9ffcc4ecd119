"""ADAL Python, Microsoft's retired v1 client, against the v1 endpoints the v1 discovery document
names: a device code sign-in (`/oauth2/devicecode`, polled at `/oauth2/token` with ADAL's
`grant_type=device_code` and `code`), and an authorization code from the v1 sign-in page
(`/oauth2/authorize` with `resource`) redeemed by ADAL. Unmodified: only the authority (HTTPS, the
tenant's CA trusted through REQUESTS_CA_BUNDLE) and `validate_authority=False` differ from Entra."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlencode, urlsplit

import adal
import httpx

from test_clients import register_web_app, sign_in_on_page

GRAPH = "https://graph.microsoft.com"


def phones(https_base: str, upn: str, access_token: str) -> httpx.Response:
    return httpx.get(f"{https_base}/v1.0/users/{upn}/authentication/phoneMethods",
                     headers={"Authorization": "Bearer " + access_token})


def test_adal_device_code_sign_in(admin, https_base, tenant_id, app, user, target):
    context = adal.AuthenticationContext(f"{https_base}/{tenant_id}", validate_authority=False)
    code = context.acquire_user_code(GRAPH, app["appId"])
    assert code["user_code"] in code["message"] and code["verification_url"].startswith(https_base), code
    assert code["expires_in"] == 900 and code["interval"] == 5, "ADAL reads v1's strings as numbers"
    answer = admin.post(f"/devicecodes/{code['user_code']}/approve", json={"user": user["userPrincipalName"]})
    assert answer.status_code == 204, answer.text

    # Approved before the first poll: ADAL's first request gets the tokens (it sleeps `interval`
    # seconds after each authorization_pending).
    token = context.acquire_token_with_device_code(GRAPH, code, app["appId"])
    assert token["resource"] == GRAPH and token["refreshToken"], token
    assert phones(https_base, target, token["accessToken"]).status_code == 200


def test_adal_redeems_a_code_from_the_v1_sign_in_page(admin, https_base, tenant_id, user, target):
    redirect = "http://localhost:8400/adal-callback"
    web_app, secret = register_web_app(admin, "ADAL web app", redirect)

    # ADAL does not start the flow: an ADAL-era web app sends the browser to the v1 page itself.
    state = uuid.uuid4().hex
    query = urlencode({"response_type": "code", "client_id": web_app["appId"], "redirect_uri": redirect,
                       "resource": GRAPH, "state": state})
    answer = sign_in_on_page(https_base, f"/{tenant_id}/oauth2/authorize?{query}", user)
    assert answer.status_code == 302, answer.text
    returned = {name: values[0] for name, values in parse_qs(urlsplit(answer.headers["location"]).query).items()}
    assert returned["state"] == state

    context = adal.AuthenticationContext(f"{https_base}/{tenant_id}", validate_authority=False)
    token = context.acquire_token_with_authorization_code(returned["code"], redirect, GRAPH, web_app["appId"], secret)
    assert token["resource"] == GRAPH and token["refreshToken"], token
    assert phones(https_base, target, token["accessToken"]).status_code == 200
    # The answer's ID token is the user's: ADAL reads the tenant from it.
    assert token["tenantId"] == tenant_id
