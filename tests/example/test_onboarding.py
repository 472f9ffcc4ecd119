"""An onboarding app's test against phone-service: reset the tenant, seed it, break it a little,
run the code under test (signing in as it does against Entra ID), and assert on the request
journal. Runs against any phone-service serving HTTPS, trusting its tenant's CA:

    PHONE_SERVICE_URL=https://127.0.0.1:8443 \\
    PHONE_SERVICE_ADMIN_KEY=$(phone-service admin-key --db demo/phone-service.db) \\
    SSL_CERT_FILE=demo/ca.pem REQUESTS_CA_BUNDLE=demo/ca.pem \\
    pytest test_onboarding.py
"""

import asyncio
import os

import httpx
from azure.identity import ClientSecretCredential
from kiota_authentication_azure.azure_identity_authentication_provider import AzureIdentityAuthenticationProvider
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.generated.models.authentication_phone_type import AuthenticationPhoneType
from msgraph.generated.models.phone_authentication_method import PhoneAuthenticationMethod

MOBILE_ID = "3179e48a-750b-4051-897c-87b9720928f7"  # Graph's fixed id for the mobile


# The code under test: the onboarding step that registers a new hire's mobile phone for MFA.
async def register_mobile(graph: GraphServiceClient, upn: str, number: str) -> str:
    phone = await graph.users.by_user_id(upn).authentication.phone_methods.post(
        PhoneAuthenticationMethod(phone_number=number, phone_type=AuthenticationPhoneType.Mobile))
    return phone.id


# The app's own sign-in: Azure Identity and Microsoft's Graph SDK, pointed at phone-service
# (the authority, instance discovery off, the allowed host and the base URL).
def graph_client(url: str, tenant: str, client_id: str, secret: str) -> GraphServiceClient:
    credential = ClientSecretCredential(tenant, client_id, secret, authority=url, disable_instance_discovery=True)
    provider = AzureIdentityAuthenticationProvider(
        credential, scopes=["https://graph.microsoft.com/.default"], allowed_hosts=[httpx.URL(url).host])
    adapter = GraphRequestAdapter(provider)
    adapter.base_url = url + "/v1.0"
    return GraphServiceClient(request_adapter=adapter)


def test_onboarding_registers_the_mobile_despite_an_outage():
    url = os.environ.get("PHONE_SERVICE_URL", "https://127.0.0.1:8443")
    admin = httpx.Client(
        base_url=url + "/_admin", headers={"Authorization": "Bearer " + os.environ["PHONE_SERVICE_ADMIN_KEY"]})

    # Reset: a new tenant (no users, apps or phones, SMS policy off, an empty journal, new keys).
    admin.post("/reset").raise_for_status()
    # Seed: a new hire, and the onboarding app's registration with Graph's phone-method
    # permission and a client secret, as an admin would grant them in Entra.
    admin.post("/users", json={"userPrincipalName": "new.hire@contoso.com"}).raise_for_status()
    app = admin.post("/applications", json={
        "displayName": "Onboarding", "applicationPermissions": ["UserAuthenticationMethod.ReadWrite.All"]}).json()
    secret = admin.post(f"/applications/{app['appId']}/secrets").json()["secretText"]
    # Break it: the next phone-method POST answers 503 with Retry-After: 1, as Graph does on a bad day.
    admin.post("/faults", json={"method": "POST", "path": "/v1.0/users/*/authentication/phoneMethods",
                                "status": 503, "retryAfter": 1, "count": 1}).raise_for_status()

    # Run the app under test; it signs in to the tenant by its domain, as apps often do.
    graph = graph_client(url, "contoso.com", app["appId"], secret)
    method_id = asyncio.run(register_mobile(graph, "new.hire@contoso.com", "+1 2065550123"))

    # Assert on the outcome and on what went over the wire.
    assert method_id == MOBILE_ID
    journal = admin.get("/journal", params={"user": "new.hire@contoso.com"}).json()["value"]
    assert [(row["method"], row["status"]) for row in reversed(journal)] == [("POST", 503), ("POST", 201)]
    assert all(row["callerAppId"] == app["appId"] for row in journal)
    assert not any(row["earlyRetry"] for row in journal), "the app retried before Retry-After had elapsed"
