"""The bench's "tenant" row (issue 21): what a test pays for a fresh tenant, against what it pays
for today's reset. Python's standard library only, one keep-alive connection per worker.

  tenant: POST /_admin/tenants, two users and a token through the new tenant's admin key,
          DELETE /_admin/tenants/{id}
  reset:  POST /_admin/reset, two users and a token, on the default tenant

Each for ROUNDS rounds sequentially and with 8 workers (processes, like pytest-xdist's) at once;
prints a markdown table (p50, p99 of one whole round, in ms).

    python3 bench/tenants/lifecycle.py HOST:PORT OPERATOR_KEY ADMIN_KEY [ROUNDS]
"""
import http.client
import json
import sys
import multiprocessing
import time

ADDRESS, OPERATOR_KEY, ADMIN_KEY = sys.argv[1], sys.argv[2], sys.argv[3]
ROUNDS = int(sys.argv[4]) if len(sys.argv) > 4 else 200
HOST, PORT = ADDRESS.rsplit(":", 1)


class Client:
    def __init__(self):
        self.connection = http.client.HTTPConnection(HOST, int(PORT), timeout=30)

    def call(self, method, path, key, body=None, expect=(200, 201, 204)):
        headers = {"Authorization": "Bearer " + key}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        payload = response.read()
        if response.status not in expect:
            raise RuntimeError(f"{method} {path}: {response.status} {payload[:200]!r}")
        return json.loads(payload) if payload else None


def seed(client, key, worker, round_):
    for name in ("admin", "alice"):
        roles = ["globalAdministrator"] if name == "admin" else []
        client.call("POST", "/_admin/users", key,
                    {"userPrincipalName": f"{name}.{worker}.{round_}@contoso.com", "roles": roles})
    client.call("POST", "/_admin/tokens", key,
                {"user": f"admin.{worker}.{round_}@contoso.com", "scopes": ["UserAuthenticationMethod.ReadWrite.All"]})


def tenant_round(client, worker, round_):
    """The whole round; returns how long the tenant took to be ready (its creation), in ms."""
    start = time.perf_counter()
    made = client.call("POST", "/_admin/tenants", OPERATOR_KEY, {"displayName": f"bench {worker}"})
    ready = (time.perf_counter() - start) * 1000
    seed(client, made["adminKey"], worker, round_)
    client.call("DELETE", f"/_admin/tenants/{made['id']}", OPERATOR_KEY)
    return ready


def reset_round(client, worker, round_):
    client.call("POST", "/_admin/reset", ADMIN_KEY)
    seed(client, ADMIN_KEY, worker, round_)


def percentile(values, p):
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")


def run_worker(body, worker, rounds, results):
    """One worker's rounds on its own connection; puts (times, parts, errors) on `results`."""
    client = Client()
    times, parts, errors = [], [], []
    for round_ in range(rounds):
        start = time.perf_counter()
        try:
            part = body(client, worker, round_)
        except Exception as error:  # noqa: BLE001 - counted and reported
            errors.append(str(error))
            client = Client()
            continue
        times.append((time.perf_counter() - start) * 1000)
        if part is not None:
            parts.append(part)
    results.put((times, parts, errors))


def measure(body, workers):
    """p50, p99 and rate of whole rounds, the errors, and p50 and p99 of what a round reports
    of itself (a new tenant's creation), when it does. Each worker is a process of its own, as
    pytest-xdist's workers are: threads of one interpreter would queue on its lock, and that wait
    would be counted as the service's."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    processes = [context.Process(target=run_worker, args=(body, w, ROUNDS // workers, results))
                 for w in range(workers)]
    started = time.perf_counter()
    for process in processes:
        process.start()
    gathered = [results.get() for _ in processes]
    elapsed = time.perf_counter() - started
    for process in processes:
        process.join()
    times = sorted(t for worker_times, _, _ in gathered for t in worker_times)
    parts = sorted(p for _, worker_parts, _ in gathered for p in worker_parts)
    errors = [e for _, _, worker_errors in gathered for e in worker_errors]
    return (percentile(times, 0.5), percentile(times, 0.99), len(times) / elapsed, errors,
            (percentile(parts, 0.5), percentile(parts, 0.99)) if parts else None)


print("| round | workers | p50 ms | p99 ms | rounds/s | errors |")
print("|---|---:|---:|---:|---:|---:|")
for name, body in (("tenant: create, 2 users + token, delete", tenant_round),
                   ("reset: reset, 2 users + token (default tenant)", reset_round)):
    for workers in (1, 8):
        p50, p99, rate, errors, ready = measure(body, workers)
        print(f"| {name} | {workers} | {p50:.2f} | {p99:.2f} | {rate:.0f} | {len(errors)} |")
        if ready:
            print(f"| tenant: ready (the creation alone, within those rounds) | {workers} | {ready[0]:.2f} "
                  f"| {ready[1]:.2f} | | |")
        if errors:
            print(f"<!-- first error: {errors[0]} -->")
