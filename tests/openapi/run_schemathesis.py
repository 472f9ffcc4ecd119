"""Fuzzes the running service from docs/openapi.yaml with schemathesis, for a bounded time.

Starts phone-service on a fresh database (port 0) with the users the document's examples name,
their phones and an enabled SMS policy, and for sign-in an app with a secret, a public app and a
user with a password, then runs `schemathesis run` with an admin's token and the settings in
schemathesis.toml beside this file (deterministic generation, a fixed number of cases per
operation) plus the dictionaries only this run knows (the tenant id, the client ids, the
secret), checking: no 5xx, every status and content type documented, every body valid against
the document (on sign-in paths: Entra's error body, never Graph's). Afterwards the service must
stop cleanly on SIGTERM and have logged no 5xx. Exit status: schemathesis's, or 1 if the service
misbehaved or the run took longer than TIME_LIMIT seconds.

    .venv/bin/python tests/openapi/run_schemathesis.py [extra schemathesis options]
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sdk"))

from build_document import DOCUMENT, EXAMPLE_UPN, EXAMPLE_USER_ID  # noqa: E402
from service import ADMIN_SCOPES, PhoneService, request  # noqa: E402
CONFIG = Path(__file__).with_name("schemathesis.toml")
# The sign-in user of schemathesis.toml's dictionaries, and the redirect URI of the public app.
SIGN_IN_USER, SIGN_IN_PASSWORD = "dana@contoso.com", "correct horse battery staple"
REDIRECT_URI = "http://localhost/callback"
# A guard, not the budget: the run is bounded by its number of cases (about a minute here).
TIME_LIMIT = int(os.environ.get("SCHEMATHESIS_TIME_LIMIT", "240"))


def seed(service: PhoneService) -> None:
    """Phones for alice and for the admin (whose own are what `/me` reaches), added by a third
    administrator: nobody may add their own."""
    service.add_user("seeder@contoso.com", "privilegedAuthenticationAdministrator")
    token = service.delegated_token("seeder@contoso.com", ADMIN_SCOPES)
    for owner, (user, phones) in enumerate(((EXAMPLE_UPN, ("mobile", "alternateMobile", "office")),
                                            ("admin@contoso.com", ("mobile", "office")))):
        for number, phone_type in enumerate(phones):
            status, _, body = request(service, "POST", f"/v1.0/users/{user}/authentication/phoneMethods", token,
                                      {"phoneNumber": f"+1 42555501{owner}{number}", "phoneType": phone_type})
            if status != 201:
                raise RuntimeError(f"seeding {user} {phone_type}: {status} {body}")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="phone-service-schemathesis-") as folder:
        service = PhoneService(Path(folder))
        # The users the document's examples name, so that generated requests reach real data.
        service.add_user(EXAMPLE_UPN, object_id=EXAMPLE_USER_ID)
        service.add_user("admin@contoso.com", "privilegedAuthenticationAdministrator",
                         "authenticationPolicyAdministrator")
        for name in ("bob", "carol"):  # no phones to begin with: room for creates
            service.add_user(f"{name}@contoso.com")
        service.set_sms_policy("enabled", "all_users")
        token = service.delegated_token("admin@contoso.com", ADMIN_SCOPES, expires=3600)
        config = Path(folder) / "schemathesis.toml"
        config.write_text(CONFIG.read_text() + sign_in_dictionaries(service, service.token_claims(token)["tid"]))
        service.start()
        started = time.monotonic()
        command = [
            str(Path(sys.executable).with_name("schemathesis")), "--config-file", str(config), "run", str(DOCUMENT),
            "--url", f"http://{service.address}",
            "--header", f"Authorization: Bearer {token}",
            "--workers", "1",
            "--request-timeout", "10",
            "--no-color",
            "--output-sanitize", "true",
            *sys.argv[1:],
        ]
        try:
            seed(service)
            status, report = run(command, folder)
        finally:
            stopped = service.stop()
        log = service.log()
        if os.environ.get("SCHEMATHESIS_SERVICE_LOG"):
            Path(os.environ["SCHEMATHESIS_SERVICE_LOG"]).write_text(log)
        server_errors = [line for line in log.splitlines() if re.search(r"\bstatus=5\d\d\b", line)]
        statuses = Counter(re.findall(r"\bstatus=(\d{3})\b", log))
        print(f"schemathesis: exit {status} in {time.monotonic() - started:.0f} s; service: "
              f"{sum(statuses.values())} requests ({', '.join(f'{n} x {s}' for s, n in sorted(statuses.items()))}), "
              f"{len(server_errors)} with 5xx, exit {stopped} on SIGTERM")
        for line in server_errors[:20]:
            print("  " + line)
        if stopped != 0 or server_errors:
            status = status or 1
        # A plain closing line: the number of generated test cases that passed and failed.
        passed = int(m.group(1)) if (m := re.search(r"(\d+) passed", report)) else 0
        failed = int(m.group(1)) if (m := re.search(r"(\d+) failed", report)) else 0
        print(f"schemathesis: {passed} passed, {max(failed, 1) if status else failed} failed")
        return status


def sign_in_dictionaries(service: PhoneService, tenant_id: str) -> str:
    """Registers what sign-in needs and returns the dictionaries schemathesis.toml's [parameters]
    name for it, which only this run knows: the tenant id, the client ids, the secret."""
    app = service.cli("app", "add", "Fuzzed confidential app",
                      "--application-permission", "UserAuthenticationMethod.Read.All",
                      "--delegated-permission", "UserAuthenticationMethod.ReadWrite", "--redirect-uri", REDIRECT_URI)
    public = service.cli("app", "add", "Fuzzed public app", "--public-client", "--redirect-uri", REDIRECT_URI,
                         "--delegated-permission", "UserAuthenticationMethod.ReadWrite")
    secret = service.cli("app", "secret", "add", app)
    service.cli("user", "add", SIGN_IN_USER, "--password", SIGN_IN_PASSWORD)

    def dictionary(name: str, values: list[str]) -> str:
        return f"\n[dictionaries.{name}]\nvalues = [{', '.join(json.dumps(v) for v in values)}]\n"

    return (dictionary("tenants", [tenant_id, tenant_id.upper(), "common", "organizations", "contoso.com"])
            + dictionary("clients", [app, public]) + dictionary("secrets", [secret]))


def run(command: list[str], folder: str) -> tuple[int, str]:
    """Runs schemathesis, showing its output as it comes; returns its status and the summary."""
    process = subprocess.Popen(command, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    guard = threading.Timer(TIME_LIMIT, process.kill)
    guard.start()
    lines = []
    for line in process.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        lines.append(line)
    status = process.wait()
    if not guard.is_alive():
        print(f"schemathesis: stopped after {TIME_LIMIT} s")
        status = status or 1
    guard.cancel()
    # The counts of test cases follow "Test cases:" in the summary.
    text = "".join(lines)
    return status, text[text.rfind("Test cases:"):] if "Test cases:" in text else ""


if __name__ == "__main__":
    sys.exit(main())
