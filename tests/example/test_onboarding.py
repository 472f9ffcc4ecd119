"""An onboarding app's test against phone-service: reset the tenant, seed it, break it a little,
run the code under test, and assert on the request journal. Runs against any phone-service:

    PHONE_SERVICE_URL=http://127.0.0.1:8080 \\
    PHONE_SERVICE_ADMIN_KEY=$(phone-service admin-key --db demo/phone-service.db) \\
    pytest test_onboarding.py
"""

import asyncio
import os

import httpx
from kiota_abstractions.authentication import (
    AccessTokenProvider,
    AllowedHostsValidator,
    BaseBearerTokenAuthenticationProvider,
)
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.generated.models.authentication_phone_type import AuthenticationPhoneType
from msgraph.generated.models.phone_authentication_method import PhoneAuthenticationMethod

MOBILE_ID = "3179e48a-750b-4051-897c-87b9720928f7"  # Graph's fixed id for the mobile


# The code under test: the onboarding step that registers a new hire's mobile phone for MFA.
async def register_mobile(graph: GraphServiceClient, upn: str, number: str) -> str:
    phone = await graph.users.by_user_id(upn).authentication.phone_methods.post(
        PhoneAuthenticationMethod(phone_number=number, phone_type=AuthenticationPhoneType.Mobile))
    return phone.id


# Microsoft's SDK pointed at phone-service, with a token the admin API minted.
class StaticToken(AccessTokenProvider):
    def __init__(self, token: str, host: str) -> None:
        self.token, self.validator = token, AllowedHostsValidator([host])

    async def get_authorization_token(self, uri, additional_authentication_context={}):
        return self.token

    def get_allowed_hosts_validator(self):
        return self.validator


def graph_client(url: str, token: str) -> GraphServiceClient:
    adapter = GraphRequestAdapter(BaseBearerTokenAuthenticationProvider(StaticToken(token, httpx.URL(url).host)))
    adapter.base_url = url + "/v1.0"
    return GraphServiceClient(request_adapter=adapter)


def test_onboarding_registers_the_mobile_despite_an_outage():
    url = os.environ.get("PHONE_SERVICE_URL", "http://127.0.0.1:8080")
    admin = httpx.Client(
        base_url=url + "/_admin", headers={"Authorization": "Bearer " + os.environ["PHONE_SERVICE_ADMIN_KEY"]})

    # Reset: a new tenant (no users, no phones, SMS policy off, an empty journal, new signing key).
    admin.post("/reset").raise_for_status()
    # Seed: a help-desk agent and a new hire; a token for the agent.
    admin.post("/users", json={"userPrincipalName": "helpdesk@contoso.com",
                               "roles": ["authenticationAdministrator"]}).raise_for_status()
    admin.post("/users", json={"userPrincipalName": "new.hire@contoso.com"}).raise_for_status()
    token = admin.post("/tokens", json={"user": "helpdesk@contoso.com",
                                        "scopes": ["UserAuthenticationMethod.ReadWrite.All"]}).json()["accessToken"]
    # Break it: the next POST answers 503 with Retry-After: 1, as Graph does on a bad day.
    admin.post("/faults", json={"method": "POST", "status": 503, "retryAfter": 1, "count": 1}).raise_for_status()

    # Run the app under test.
    method_id = asyncio.run(register_mobile(graph_client(url, token), "new.hire@contoso.com", "+1 2065550123"))

    # Assert on the outcome and on what went over the wire.
    assert method_id == MOBILE_ID
    journal = admin.get("/journal", params={"user": "new.hire@contoso.com"}).json()["value"]
    assert [(row["method"], row["status"]) for row in reversed(journal)] == [("POST", 503), ("POST", 201)]
    assert not any(row["earlyRetry"] for row in journal), "the app retried before Retry-After had elapsed"
