"""Microsoft's SDK over HTTPS with its Azure Identity auth provider, as an app would configure it:
`AzureIdentityAuthenticationProvider` over a credential (here one that returns a token the admin
API minted), `allowed_hosts` set to the service's host, the tenant's CA trusted through
`SSL_CERT_FILE`. The service listens on 127.0.0.2, which is not one of the provider's localhost
names: over plain HTTP the provider refuses to hand out the token at all, which is why HTTPS is
needed; over HTTPS it works unchanged.
"""

from __future__ import annotations

import ssl
import time

import certifi
import httpx
import pytest
from azure.core.credentials import AccessToken
from kiota_authentication_azure.azure_identity_authentication_provider import AzureIdentityAuthenticationProvider
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.generated.models.authentication_phone_type import AuthenticationPhoneType
from msgraph.generated.models.phone_authentication_method import PhoneAuthenticationMethod

from service import MOBILE, PhoneService

HOST = "127.0.0.2"  # loopback, but not a name the provider lets through over plain HTTP
SCOPES = ["https://graph.microsoft.com/.default"]


class MintedTokenCredential:
    """An azure-core `TokenCredential` that returns one token minted by the admin API, and
    remembers what it was asked for."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[tuple] = []

    def get_token(self, *scopes: str, **kwargs) -> AccessToken:
        self.calls.append(scopes)
        return AccessToken(self.token, int(time.time()) + 3600)


@pytest.fixture(scope="module")
def https_service(tmp_path_factory):
    running = PhoneService(tmp_path_factory.mktemp("phone-service-https"))
    running.cli("user", "list")
    running.add_user("helpdesk@contoso.com", "privilegedAuthenticationAdministrator")
    running.add_user("new.hire@contoso.com")
    running.start("--tls-listen", f"{HOST}:0", "--tls-hostname", HOST, listen=f"{HOST}:0")
    running.ca_file = running.folder / "ca.pem"
    running.ca_file.write_text(running.cli("tls", "ca-cert") + "\n")
    yield running
    assert running.stop() == 0, running.log()


def mint_token(service: PhoneService) -> str:
    """A token for the help-desk agent, from POST /_admin/tokens over HTTPS."""
    admin_key = service.cli("admin-key")
    with httpx.Client(base_url=f"https://{service.tls_address}/_admin", verify=ssl.create_default_context(cafile=service.ca_file)) as admin:
        answer = admin.post("/tokens", headers={"Authorization": f"Bearer {admin_key}"},
                            json={"user": "helpdesk@contoso.com", "scopes": ["UserAuthenticationMethod.ReadWrite.All"]})
        answer.raise_for_status()
        return answer.json()["accessToken"]


def graph_client(base_url: str, credential: MintedTokenCredential, host: str) -> GraphServiceClient:
    """The SDK as an app builds it for Graph, but for `base_url`."""
    provider = AzureIdentityAuthenticationProvider(credential, scopes=SCOPES, allowed_hosts=[host])
    adapter = GraphRequestAdapter(provider)
    adapter.base_url = base_url
    return GraphServiceClient(request_adapter=adapter)


async def test_phone_methods_over_https_with_azure_identity(https_service, monkeypatch):
    # The only trust the client gets: the tenant's CA, through the environment, as an app would.
    monkeypatch.setenv("SSL_CERT_FILE", str(https_service.ca_file))
    credential = MintedTokenCredential(mint_token(https_service))
    graph = graph_client(f"https://{https_service.tls_address}/v1.0", credential, HOST)

    phones = graph.users.by_user_id("new.hire@contoso.com").authentication.phone_methods
    created = await phones.post(
        PhoneAuthenticationMethod(phone_number="+1 2065550123", phone_type=AuthenticationPhoneType.Mobile))
    assert created.id == MOBILE
    listed = await phones.get()
    assert [(phone.phone_number, phone.phone_type) for phone in listed.value] == [
        ("+1 2065550123", AuthenticationPhoneType.Mobile)]
    await phones.by_phone_authentication_method_id(MOBILE).delete()
    assert (await phones.get()).value == []
    assert credential.calls and all(scopes == tuple(SCOPES) for scopes in credential.calls)


async def test_without_the_ca_the_sdk_does_not_connect(https_service, monkeypatch):
    # Public CAs only (certifi's bundle, httpx's default), not the tenant's.
    monkeypatch.setenv("SSL_CERT_FILE", certifi.where())
    graph = graph_client(f"https://{https_service.tls_address}/v1.0", MintedTokenCredential("unused"), HOST)
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        await graph.users.by_user_id("new.hire@contoso.com").authentication.phone_methods.get()


@pytest.mark.parametrize("host", [HOST, "phone-service.test"])
async def test_the_provider_refuses_plain_http_to_a_non_localhost_host(https_service, host):
    # The plain port answers (so the refusal below is the provider's, not the network's)...
    assert httpx.get(f"http://{https_service.address}/healthz").status_code == 200
    port = https_service.address.rsplit(":", 1)[1]
    credential = MintedTokenCredential(mint_token(https_service))
    graph = graph_client(f"http://{host}:{port}/v1.0", credential, host)
    # ... but Microsoft's provider will not send a token over it, before any connection is made
    # (phone-service.test resolves nowhere).
    with pytest.raises(Exception, match="Only https is supported"):
        await graph.users.by_user_id("new.hire@contoso.com").authentication.phone_methods.get()
    assert credential.calls == [], "the credential was never asked for a token"
