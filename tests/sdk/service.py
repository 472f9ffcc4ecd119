"""Runs phone-service for the Python tests: a fresh database in a temporary folder, users and
tokens made with the service's own command line, and `serve` on 127.0.0.1 port 0, stopped with
SIGTERM. Shared by tests/sdk and tests/openapi (the latter puts this folder on sys.path)."""

from __future__ import annotations

import base64
import ctypes
import json
import os
import re
import sqlite3
import signal
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("PHONE_SERVICE_BIN", REPO / ".build" / "debug" / "phone-service"))

MOBILE = "3179e48a-750b-4051-897c-87b9720928f7"
ALTERNATE_MOBILE = "b6332ec1-7057-4abe-9331-3d72feddfe41"
OFFICE = "e37fc753-ff3b-4958-9484-eaa9425c82bc"

ADMIN_SCOPES = "UserAuthenticationMethod.ReadWrite.All Policy.ReadWrite.AuthenticationMethod"

_ADDRESS = re.compile(r"address=(127\.0\.0\.\d+:\d+) .*scheme=http ")
_TLS_ADDRESS = re.compile(r"address=(127\.0\.0\.\d+:\d+) .*scheme=https ")


def _terminate_with_parent() -> None:
    """In the child before exec: SIGTERM when the test process dies, so that a killed test run
    leaves no server behind (Linux's PR_SET_PDEATHSIG)."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)


class PhoneService:
    """One running `phone-service serve` over its own database."""

    def __init__(self, folder: Path) -> None:
        if not BINARY.exists():
            raise RuntimeError(f"{BINARY} is missing: run `make build` first")
        self.folder = folder
        self.db = folder / "phone-service.db"
        self.log_path = folder / "serve.log"
        self.process: subprocess.Popen | None = None
        self.address = ""
        self.tls_address = ""

    # The command line ---------------------------------------------------------------------------

    def cli(self, *args: str) -> str:
        """Runs a `phone-service` subcommand on this database and returns its standard output."""
        command = [str(BINARY), *args, "--db", str(self.db)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr}")
        return done.stdout.strip()

    def add_user(self, upn: str, *roles: str, object_id: str | None = None) -> str:
        """Adds a user with directory roles (names such as `privilegedAuthenticationAdministrator`)
        and returns the object id."""
        args = ["user", "add", upn] + (["--id", object_id] if object_id else [])
        for role in roles:
            args += ["--role", role]
        return self.cli(*args)

    def delegated_token(self, user: str, scopes: str, expires: int = 3600) -> str:
        return self.cli("token", "--user", user, "--scopes", scopes, "--expires", str(expires))

    def app_token(self, roles: str) -> str:
        return self.cli("token", "--app", "--roles", roles)

    def forge_token(self, claims: dict) -> str:
        """An RS256 token with any claims, signed with the key the tenant signs with (read from the
        database, as its `kid`): its own once a rotation made one, else the service's. For the token
        cases `phone-service token` refuses to mint, such as an expired one. The key is made by the
        first token minted, so mint one first if needed."""
        import jwt  # PyJWT, with `cryptography` for RS256
        from cryptography.hazmat.primitives.serialization import load_der_private_key

        def current_key():
            with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True) as db:
                table = "signing_key" if db.execute("SELECT 1 FROM signing_key").fetchone() else "service_signing_key"
                return db.execute(f"SELECT kid, private_key FROM {table} WHERE retired_at IS NULL").fetchone()

        row = current_key()
        if row is None:
            self.app_token("UserAuthenticationMethod.Read.All")
            row = current_key()
        kid, der = row
        return jwt.encode(claims, load_der_private_key(der, password=None), algorithm="RS256",
                          headers={"kid": kid, "x5t": kid})

    def token_claims(self, token: str) -> dict:
        payload = token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))

    def set_sms_policy(self, state: str, *includes: str) -> None:
        args = ["policy", "sms", "set", "--state", state]
        for target in includes:
            args += ["--include", target]
        self.cli(*args)

    # The server ---------------------------------------------------------------------------------

    def start(self, *extra: str, listen: str = "127.0.0.1:0") -> None:
        """Serves on a free port (and HTTPS too with `--tls-listen` in `extra`); returns once
        /healthz answers 200 (stopping it on failure)."""
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [str(BINARY), "serve", "--db", str(self.db), "--listen", listen, *extra],
                stdout=subprocess.DEVNULL, stderr=log, preexec_fn=_terminate_with_parent)
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            text = self.log_path.read_text(errors="replace")
            match = _ADDRESS.search(text)
            tls = _TLS_ADDRESS.search(text)
            if match and (tls or "--tls-listen" not in self.process.args):
                self.address = match.group(1)
                self.tls_address = tls.group(1) if tls else ""
                break
            if self.process.poll() is not None:
                raise RuntimeError(f"phone-service exited early: {self.log_path.read_text()}")
            time.sleep(0.02)
        else:
            raise RuntimeError("phone-service did not log its address within 30 s")
        # Listening is logged once the socket is bound; wait until it answers too.
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url("/healthz"), timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.02)
        raise RuntimeError("phone-service did not answer /healthz within 30 s")

    def stop(self) -> int | None:
        """SIGTERM, then wait for the graceful shutdown; returns the exit status."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise RuntimeError("phone-service did not stop within 30 s of SIGTERM")

    def url(self, path: str) -> str:
        return f"http://{self.address}{path}"

    def base_url(self, version: str) -> str:
        return self.url(f"/{version}")

    # phone-service writes request lines in batches, within 50 ms (LogOutput.flushDelay); the log
    # of a running service is read after a few times that, so it holds every request answered.
    LOG_SETTLE_SECONDS = 0.25

    def log(self) -> str:
        if self.process is not None and self.process.poll() is None:
            time.sleep(self.LOG_SETTLE_SECONDS)
        return self.log_path.read_text(errors="replace")


@dataclass
class Tenant:
    """Users and tokens made for one test: unique UPNs, so tests sharing one service don't meet."""

    service: PhoneService
    admin: str
    admin_token: str

    @staticmethod
    def new(service: PhoneService) -> "Tenant":
        tag = uuid.uuid4().hex[:10]
        admin = f"admin-{tag}@contoso.com"
        service.add_user(admin, "privilegedAuthenticationAdministrator", "authenticationPolicyAdministrator")
        return Tenant(service, admin, service.delegated_token(admin, ADMIN_SCOPES))

    def user(self, name: str = "user", *roles: str) -> tuple[str, str]:
        """Adds a user; returns (upn, object id)."""
        upn = f"{name}-{uuid.uuid4().hex[:10]}@contoso.com"
        return upn, self.service.add_user(upn, *roles)

    def token(self, user: str, scopes: str) -> str:
        return self.service.delegated_token(user, scopes)

    @staticmethod
    def number() -> str:
        """A phone number no other test uses: SMS sign-in numbers are unique tenant-wide."""
        return f"+1 2{uuid.uuid4().int % 10**9:09d}"


def request(service: PhoneService, method: str, path: str, token: str | None = None, body=None,
            headers: dict | None = None):
    """A plain HTTP request (no SDK): returns (status, headers, parsed JSON or None)."""
    data = None
    all_headers = dict(headers or {})
    if token is not None:
        all_headers["Authorization"] = f"Bearer {token}"
    if body is not None:
        data = json.dumps(body).encode()
        all_headers.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(service.url(path), data=data, method=method, headers=all_headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            status, response_headers, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, response_headers, raw = error.code, error.headers, error.read()
    parsed = json.loads(raw) if raw else None
    return status, response_headers, parsed
