"""Fixtures for the OpenAPI tests: the document, and one phone-service with a small tenant."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

# The service runner is shared with tests/sdk.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sdk"))

from build_document import DOCUMENT, EXAMPLE_UPN, EXAMPLE_USER_ID  # noqa: E402
from service import ADMIN_SCOPES, PhoneService  # noqa: E402
from wire import Conformance  # noqa: E402


@pytest.fixture(scope="session")
def document() -> dict:
    return yaml.safe_load(DOCUMENT.read_text())


@pytest.fixture(scope="session")
def service(tmp_path_factory):
    running = PhoneService(tmp_path_factory.mktemp("phone-service"))
    running.add_user(EXAMPLE_UPN, object_id=EXAMPLE_USER_ID)
    running.add_user("bob@contoso.com")
    running.add_user("admin@contoso.com", "privilegedAuthenticationAdministrator", "authenticationPolicyAdministrator")
    running.start()
    yield running
    status = running.stop()
    assert status == 0, f"phone-service exited with {status} on SIGTERM:\n{running.log()}"


@pytest.fixture(scope="session")
def admin_token(service) -> str:
    return service.delegated_token("admin@contoso.com", ADMIN_SCOPES)


@pytest.fixture(scope="session")
def conformance(document) -> Conformance:
    """Checks answers against the document and records which operations and statuses were seen."""
    return Conformance(document)
