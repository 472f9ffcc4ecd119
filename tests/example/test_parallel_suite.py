"""Runs tests/example/parallel with pytest-xdist (4 workers) against one phone-service, as the
test-suite guide recommends: every worker gets its own tenant, and none is left afterwards."""

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

HERE = Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def phone_service(tmp_path):
    """Replaces this folder's per-test service: this test starts its own and passes it on."""
    sys.path.insert(0, str(HERE.parent / "sdk"))
    from service import PhoneService

    running = PhoneService(tmp_path)
    running.cli("user", "list")
    running.start()
    yield running
    assert running.stop() == 0, running.log()


def test_a_parallel_suite_runs_one_tenant_per_worker(phone_service):
    operator_key = phone_service.cli("operator-key")
    url = f"http://{phone_service.address}"
    env = dict(os.environ, PHONE_SERVICE_URL=url, PHONE_SERVICE_OPERATOR_KEY=operator_key)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "4", "-q", str(HERE / "parallel")],
        capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "9 passed" in done.stdout, done.stdout
    # Four workers, four tenants (their create and delete requests are in the service's log),
    # and every one deleted with its worker.
    tenants = httpx.get(url + "/_admin/tenants", headers={"Authorization": "Bearer " + operator_key}).json()["value"]
    assert [tenant["default"] for tenant in tenants] == [True]
    created = [line for line in phone_service.log().splitlines()
               if "method=POST" in line and re.search(r"path=/_admin/tenants(\s|$)", line) and "status=201" in line]
    assert len(created) == 4, phone_service.log()
