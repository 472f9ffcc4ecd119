"""The recommended pattern for a parallel suite (pytest-xdist): one phone-service for the whole
run, started before pytest, and one tenant per worker, made with the operator key when the worker
starts and deleted when it ends. Each worker may reset its tenant, add fault rules and read its
journal without seeing or touching another worker's (docs/tenants.md).

    export PHONE_SERVICE_URL=http://127.0.0.1:8080
    export PHONE_SERVICE_OPERATOR_KEY=$(phone-service operator-key --db demo/phone-service.db)
    pytest -n 4 tests/example/parallel
"""

import os

import httpx
import pytest


@pytest.fixture(autouse=True)
def phone_service():
    """Replaces tests/example's fixture of the same name (a service per test): here the service
    runs already, named by the environment."""
    if "PHONE_SERVICE_OPERATOR_KEY" not in os.environ:
        pytest.skip("run by tests/example/test_parallel_suite.py (needs PHONE_SERVICE_OPERATOR_KEY)")


@pytest.fixture(scope="session")
def tenant(worker_id):
    """This worker's own tenant: its id (the `tid` of its tokens, the authority's tenant) and an
    admin client for it. Deleted, with all its state, when the worker ends."""
    if "PHONE_SERVICE_OPERATOR_KEY" not in os.environ:
        pytest.skip("run by tests/example/test_parallel_suite.py (needs PHONE_SERVICE_OPERATOR_KEY)")
    url = os.environ["PHONE_SERVICE_URL"]
    operator = httpx.Client(
        base_url=url + "/_admin", headers={"Authorization": "Bearer " + os.environ["PHONE_SERVICE_OPERATOR_KEY"]})
    made = operator.post("/tenants", json={"displayName": f"pytest {worker_id}"})
    made.raise_for_status()
    created = made.json()
    admin = httpx.Client(base_url=url + "/_admin", headers={"Authorization": "Bearer " + created["adminKey"]})
    yield {"id": created["id"], "url": url, "admin": admin}
    operator.delete(f"/tenants/{created['id']}").raise_for_status()


@pytest.fixture
def fresh(tenant):
    """Each test starts from a new tenant state: resetting is safe, the tenant is this worker's."""
    tenant["admin"].post("/reset").raise_for_status()
    return tenant
