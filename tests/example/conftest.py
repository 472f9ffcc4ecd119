"""Runs the README's test-suite example (test_onboarding.py) against a phone-service of its own,
as a user would against `make run`: through PHONE_SERVICE_URL and PHONE_SERVICE_ADMIN_KEY."""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sdk"))
from service import PhoneService  # noqa: E402


@pytest.fixture(autouse=True)
def phone_service(tmp_path, monkeypatch):
    running = PhoneService(tmp_path)
    running.cli("user", "list")  # creates the database and its tenant
    running.start()
    monkeypatch.setenv("PHONE_SERVICE_URL", running.url("").rstrip("/"))
    monkeypatch.setenv("PHONE_SERVICE_ADMIN_KEY", running.cli("admin-key"))
    yield running
    assert running.stop() == 0, running.log()

