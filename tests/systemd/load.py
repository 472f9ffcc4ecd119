#!/usr/bin/env python3
"""A steady stream of phone-method creates, one fresh user each, recording every outcome.

Each thread keeps a keep-alive connection and POSTs a mobile phone for the next unused user
(load-N@contoso.com, N from --first upwards). Every request is recorded, as one JSON line in
--out, with the time its bytes were handed to the kernel ("sent") and the status it got (or the
error: a refused connection, a reset, a timeout). A user whose request failed is never reused,
so a record with status 201 means exactly "this phone was acknowledged".

Runs until --stop-file exists, SIGTERM/SIGINT, or --seconds pass; writes "acked errors" to
--progress about every 50 ms so a caller can wait for load without sleeping blindly.
Standard library only.
"""

import argparse
import http.client
import json
import os
import signal
import threading
import time


def parse_arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token-file", required=True)
    parser.add_argument("--first", type=int, required=True, help="first user number")
    parser.add_argument("--count", type=int, required=True, help="users available from --first")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--out", required=True)
    parser.add_argument("--progress", required=True)
    parser.add_argument("--stop-file", required=True)
    parser.add_argument("--seconds", type=float, default=120)
    return parser.parse_args()


class Load:
    def __init__(self, arguments):
        self.arguments = arguments
        with open(arguments.token_file) as file:
            self.token = file.read().strip()
        self.lock = threading.Lock()
        self.next_user = arguments.first
        self.records = []
        self.acked = 0
        self.errors = 0
        self.stopping = threading.Event()

    def take_user(self):
        with self.lock:
            if self.next_user >= self.arguments.first + self.arguments.count:
                return None
            user = self.next_user
            self.next_user += 1
            return user

    def record(self, entry):
        with self.lock:
            self.records.append(entry)
            if entry["status"] == 201:
                self.acked += 1
            else:
                self.errors += 1

    def connection(self):
        return http.client.HTTPConnection("127.0.0.1", self.arguments.port, timeout=15)

    def worker(self):
        connection = self.connection()
        while not self.stopping.is_set():
            user = self.take_user()
            if user is None:
                break
            upn = f"load-{user}@contoso.com"
            number = f"+1 {2000000000 + user}"
            body = json.dumps({"phoneNumber": number, "phoneType": "mobile"})
            entry = {"upn": upn, "type": "mobile", "number": number, "start": time.time(), "sent": None,
                     "status": None, "error": None}
            try:
                connection.request(
                    "POST", f"/v1.0/users/{upn}/authentication/phoneMethods", body=body,
                    headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
                entry["sent"] = time.time()
                response = connection.getresponse()
                response.read()
                entry["status"] = response.status
                if response.status != 201:
                    entry["error"] = f"HTTP {response.status}"
            except (OSError, http.client.HTTPException) as error:
                entry["error"] = f"{type(error).__name__}: {error}"
                connection.close()
                connection = self.connection()
                if entry["sent"] is None:
                    time.sleep(0.01)  # refused: the service is (re)starting; do not spin
            entry["end"] = time.time()
            self.record(entry)
        connection.close()

    def report_progress(self):
        path = self.arguments.progress
        with self.lock:
            text = f"{self.acked} {self.errors}\n"
        with open(path + ".tmp", "w") as file:
            file.write(text)
        os.replace(path + ".tmp", path)

    def run(self):
        threads = [threading.Thread(target=self.worker, daemon=True) for _ in range(self.arguments.threads)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + self.arguments.seconds
        while not self.stopping.is_set():
            self.report_progress()
            if os.path.exists(self.arguments.stop_file) or time.monotonic() > deadline:
                self.stopping.set()
            elif not any(thread.is_alive() for thread in threads):
                break
            else:
                time.sleep(0.05)
        for thread in threads:
            thread.join(timeout=20)
        self.report_progress()
        with self.lock, open(self.arguments.out, "w") as file:
            for entry in self.records:
                file.write(json.dumps(entry) + "\n")


def main():
    load = Load(parse_arguments())
    signal.signal(signal.SIGTERM, lambda *_: load.stopping.set())
    signal.signal(signal.SIGINT, lambda *_: load.stopping.set())
    load.run()


if __name__ == "__main__":
    main()
