"""Runs the README's test-suite example (test_onboarding.py) against a phone-service of its own,
as a user would against `make run`: its HTTPS URL in PHONE_SERVICE_URL, the admin key in
PHONE_SERVICE_ADMIN_KEY, and the tenant's CA trusted through SSL_CERT_FILE (Python's ssl module:
httpx, the Graph SDK) and REQUESTS_CA_BUNDLE (requests: Azure Identity and MSAL)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sdk"))
from service import PhoneService  # noqa: E402


@pytest.fixture(autouse=True)
def phone_service(tmp_path, monkeypatch):
    running = PhoneService(tmp_path)
    running.cli("user", "list")  # creates the database and its tenant
    running.start("--tls-listen", "127.0.0.1:0")
    ca_file = tmp_path / "ca.pem"
    ca_file.write_text(running.cli("tls", "ca-cert") + "\n")
    monkeypatch.setenv("PHONE_SERVICE_URL", f"https://{running.tls_address}")
    monkeypatch.setenv("PHONE_SERVICE_ADMIN_KEY", running.cli("admin-key"))
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(ca_file))
    yield running
    assert running.stop() == 0, running.log()
