"""Fixtures for the SDK tests: one phone-service per session on a fresh database, a fresh set of
users per test (unique names, so tests don't meet), and SDK clients for /v1.0 and /beta."""

from __future__ import annotations

import asyncio
import inspect

import pytest

from clients import beta_client, v1_client
from service import PhoneService, Tenant


@pytest.fixture(scope="session")
def service(tmp_path_factory):
    running = PhoneService(tmp_path_factory.mktemp("phone-service"))
    running.cli("user", "list")  # creates the database and its tenant before serving
    running.start()
    yield running
    status = running.stop()
    assert status == 0, f"phone-service exited with {status} on SIGTERM:\n{running.log()}"
    assert "status=5" not in running.log(), "the service answered 5xx:\n" + running.log()


@pytest.fixture
def tenant(service) -> Tenant:
    # The SMS policy is the tenant's: each test starts from the same one (disabled, as new).
    service.set_sms_policy("disabled")
    return Tenant.new(service)


@pytest.fixture
def v1(service, tenant):
    """msgraph-sdk, as the tenant's admin (Privileged Authentication Administrator and
    Authentication Policy Administrator, with UserAuthenticationMethod.ReadWrite.All and
    Policy.ReadWrite.AuthenticationMethod)."""
    return v1_client(service.base_url("v1.0"), tenant.admin_token)


@pytest.fixture
def beta(service, tenant):
    """msgraph-beta-sdk, as the tenant's admin."""
    return beta_client(service.base_url("beta"), tenant.admin_token)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Runs `async def` tests in a fresh event loop each (the SDKs are asyncio-only), without a
    plugin. The SDK clients are made by fixtures outside the loop; httpx binds its connections
    to the loop that first uses them, which is this test's."""
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
        asyncio.run(pyfuncitem.obj(**arguments))
        return True
    return None


def pytest_configure(config):
    # The SDKs warn about their own deprecated classes as they define them.
    config.addinivalue_line("filterwarnings", "ignore::DeprecationWarning:msgraph.*")
    config.addinivalue_line("filterwarnings", "ignore::DeprecationWarning:msgraph_beta.*")
    config.addinivalue_line("filterwarnings", "ignore::DeprecationWarning:kiota_abstractions.*")
