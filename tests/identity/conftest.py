"""Fixtures for the sign-in tests: one phone-service on a fresh database (tests/sdk/service.py),
serving plain HTTP and HTTPS on free ports of 127.0.0.1, its tenant's CA written to a file and
trusted by this test process the way an app trusts it (SSL_CERT_FILE, REQUESTS_CA_BUNDLE); an app
registration with application and delegated permissions and a client secret, and a user with a
password, both made through the admin API."""

from __future__ import annotations

import errno
import os
import socket
import sys
import uuid
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sdk"))

from service import PhoneService  # noqa: E402

# What Python's ssl module (httpx, aiohttp) and requests (MSAL, azure-core) read for trust.
TRUST_VARIABLES = ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")
PASSWORD = "correct horse battery staple"
GRAPH_DEFAULT = "https://graph.microsoft.com/.default"


@pytest.fixture(scope="session")
def service(tmp_path_factory):
    running = PhoneService(tmp_path_factory.mktemp("phone-service"))
    running.cli("user", "list")  # creates the database and its tenant before serving
    running.start("--tls-listen", "127.0.0.1:0")
    running.ca_file = running.folder / "ca.pem"
    running.ca_file.write_text(running.cli("tls", "ca-cert") + "\n")
    saved = {name: os.environ.get(name) for name in TRUST_VARIABLES}
    os.environ.update({name: str(running.ca_file) for name in TRUST_VARIABLES})
    yield running
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    assert running.stop() == 0, running.log()


@pytest.fixture(scope="session")
def base(service) -> str:
    """The plain HTTP address (for the tests that need no TLS)."""
    return f"http://{service.address}"


@pytest.fixture(scope="session")
def https_base(service) -> str:
    """The HTTPS address: the authority host and the Graph host of Microsoft's clients."""
    return f"https://{service.tls_address}"


@pytest.fixture(scope="session")
def host(service) -> str:
    return service.tls_address.rsplit(":", 1)[0]


@pytest.fixture(scope="session")
def admin(service, base) -> httpx.Client:
    return httpx.Client(base_url=base + "/_admin", headers={"Authorization": "Bearer " + service.cli("admin-key")})


@pytest.fixture(scope="session")
def tenant_id(service) -> str:
    return service.token_claims(service.app_token("UserAuthenticationMethod.Read.All"))["tid"]


@pytest.fixture(scope="session")
def app(admin) -> dict:
    """An app with Graph's phone-method application permission (admin-consented), the delegated
    one, and a client secret. It also allows public client flows (Entra's "Allow public client
    flows" switch), so that device code and password sign-ins may come without the secret, as
    azure-identity's DeviceCodeCredential and UsernamePasswordCredential send them."""
    created = admin.post("/applications", json={
        "displayName": "Onboarding", "applicationPermissions": ["UserAuthenticationMethod.ReadWrite.All"],
        "delegatedPermissions": ["UserAuthenticationMethod.ReadWrite", "UserAuthenticationMethod.ReadWrite.All"],
        "isPublicClient": True})
    created.raise_for_status()
    application = created.json()
    secret = admin.post(f"/applications/{application['appId']}/secrets")
    secret.raise_for_status()
    return {**application, "secret": secret.json()["secretText"]}


@pytest.fixture(scope="session")
def user(admin) -> dict:
    """A help-desk agent (Authentication Administrator) with a password, hashed by the service at
    full strength (a sign-in costs a fraction of a second of CPU). Graph lets no one add a phone to
    their own account, so the agent's sign-ins manage `target`'s phones."""
    created = admin.post("/users", json={"userPrincipalName": "helpdesk@contoso.com", "displayName": "Help Desk",
                                         "roles": ["authenticationAdministrator"], "password": PASSWORD})
    created.raise_for_status()
    return {**created.json(), "password": PASSWORD}


@pytest.fixture
def target(admin) -> str:
    """A new user of this test, without a password, whose phones the app manages."""
    upn = f"new.hire-{uuid.uuid4().hex[:10]}@contoso.com"
    admin.post("/users", json={"userPrincipalName": upn}).raise_for_status()
    return upn


def port_443_free() -> str | None:
    """None when this process may listen on 127.0.0.1:443, else why not."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", 443))
    except OSError as error:
        if error.errno == errno.EACCES:
            return "binding 127.0.0.1:443 needs root or CAP_NET_BIND_SERVICE"
        if error.errno == errno.EADDRINUSE:
            return "127.0.0.1:443 is already in use by another process"
        return f"cannot bind 127.0.0.1:443: {error}"
    finally:
        probe.close()
    return None


@pytest.fixture(scope="session")
def realm_listener(service):
    """MSAL asks `https://127.0.0.1/common/userrealm/...` (port 443, whatever the authority's port)
    before a password sign-in. A second `serve` of the same database answers HTTPS there, with the
    same tenant and CA; everything else still goes to the authority's own port."""
    why_not = port_443_free()
    if why_not:
        pytest.skip(f"MSAL's user realm discovery needs HTTPS on port 443 of the authority host: {why_not}")
    folder = service.folder / "port-443"
    folder.mkdir(exist_ok=True)
    second = PhoneService(service.folder)
    second.log_path = folder / "serve.log"
    try:
        second.start("--tls-listen", "127.0.0.1:443", "--journal", "off")
    except RuntimeError:
        if "Address already in use" in second.log_path.read_text(errors="replace"):  # taken since the probe
            pytest.skip("MSAL's user realm discovery needs HTTPS on port 443 of the authority host: "
                        "127.0.0.1:443 was taken by another process")
        raise
    assert second.tls_address == "127.0.0.1:443", second.log()
    yield second
    assert second.stop() == 0, second.log()
