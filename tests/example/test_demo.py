"""`make run` prints a Python snippet (azure-identity and msgraph-sdk, no custom token provider)
that works as printed: scripts/demo.sh is run as `make run` runs it, and the snippet it prints is
run with the two exports it prints beside it."""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as client:
        return client.connect_ex(("127.0.0.1", port)) == 0


def test_the_demos_python_snippet_works_as_printed(tmp_path):
    http, https = free_port(), free_port()
    env = dict(os.environ, DB=str(tmp_path / "demo.db"), LISTEN=f"127.0.0.1:{http}",
               TLS_LISTEN=f"127.0.0.1:{https}", BIN=str(ROOT / ".build/debug/phone-service"))
    printed = tmp_path / "printed.txt"
    with open(printed, "w") as sink:
        demo = subprocess.Popen(["scripts/demo.sh"], cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not listening(https) and demo.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert listening(https), printed.read_text()
        text = printed.read_text()
        start = text.index("import asyncio")
        snippet = text[start:text.index("\n", text.index("print([", start)) + 1]
        exports = dict(re.findall(r"^export (SSL_CERT_FILE|REQUESTS_CA_BUNDLE)=(\S+)", text, re.M))
        assert set(exports) == {"SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"}, text
        run = subprocess.run([sys.executable, "-"], input=snippet, text=True, capture_output=True, timeout=120,
                             env=dict(os.environ, **exports))
        assert run.returncode == 0, run.stderr
        assert run.stdout.strip() == "[]", run.stdout  # alice has no phone yet: an empty list, read over HTTPS
    finally:
        demo.terminate()
        demo.wait(timeout=30)
