"""Fixtures for the sign-in tests: one phone-service on a fresh database (tests/sdk/service.py),
and an app registration with a client secret made through the admin API."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sdk"))

from service import PhoneService  # noqa: E402


@pytest.fixture(scope="session")
def service(tmp_path_factory):
    running = PhoneService(tmp_path_factory.mktemp("phone-service"))
    running.cli("user", "list")  # creates the database and its tenant before serving
    running.start()
    yield running
    assert running.stop() == 0, running.log()


@pytest.fixture(scope="session")
def base(service) -> str:
    return f"http://{service.address}"


@pytest.fixture(scope="session")
def admin(service, base) -> httpx.Client:
    return httpx.Client(base_url=base + "/_admin", headers={"Authorization": "Bearer " + service.cli("admin-key")})


@pytest.fixture(scope="session")
def tenant_id(service) -> str:
    return service.token_claims(service.app_token("UserAuthenticationMethod.Read.All"))["tid"]


@pytest.fixture(scope="session")
def app(admin) -> dict:
    """An app with Graph's phone-method application permission and a client secret."""
    created = admin.post("/applications", json={
        "displayName": "Onboarding", "applicationPermissions": ["UserAuthenticationMethod.ReadWrite.All"],
        "delegatedPermissions": ["UserAuthenticationMethod.ReadWrite"]})
    created.raise_for_status()
    application = created.json()
    secret = admin.post(f"/applications/{application['appId']}/secrets")
    secret.raise_for_status()
    return {**application, "secret": secret.json()["secretText"]}
