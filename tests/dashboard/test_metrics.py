"""GET /metrics: Prometheus' text format, read with prometheus_client's own parser; after a known
sequence of requests the counters and histogram counts move by exactly that much. Served with the
admin key on the API's address, and without credentials on --metrics-listen."""

from __future__ import annotations

import uuid

from prometheus_client.parser import text_string_to_metric_families

ROUTE = "/v1.0/users/{user}/authentication/phoneMethods"


def scrape(admin, listener: bool = False) -> dict:
    """{(sample name, sorted labels): value} of one exposition."""
    if listener:
        status, headers, text = admin.call("GET", f"http://{admin.metrics_address}/metrics", token=None)
    else:
        status, headers, text = admin.call("GET", "/metrics")
    assert status == 200, text
    assert headers["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def delta(before: dict, after: dict, name: str, **labels) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


def new_user(admin) -> str:
    upn = f"metrics-{uuid.uuid4().hex[:10]}@contoso.com"
    admin.ok("POST", "/_admin/users", {"userPrincipalName": upn})
    return upn


def test_request_counters_and_histograms_move_by_exactly_the_requests_made(admin):
    upn = new_user(admin)
    token = admin.token()
    path = f"/v1.0/users/{upn}/authentication/phoneMethods"
    # The token is verified once (a miss), then found in the cache (hits).
    admin.call("GET", path, token=token)
    before = scrape(admin)
    for _ in range(3):
        assert admin.call("GET", path, token=token)[0] == 200
    assert admin.call("POST", path, {"phoneNumber": "+1 4255550101", "phoneType": "mobile"}, token=token)[0] == 201
    assert admin.call("POST", path, {"phoneNumber": "+1 4255550102", "phoneType": "mobile"}, token=token)[0] == 409
    assert admin.call("GET", "/v1.0/nowhere", token=token)[0] == 400
    after = scrape(admin)
    labels = {"route": ROUTE}
    assert delta(before, after, "phone_service_http_requests_total", method="GET", status="200", **labels) == 3
    assert delta(before, after, "phone_service_http_requests_total", method="POST", status="201", **labels) == 1
    assert delta(before, after, "phone_service_http_requests_total", method="POST", status="409", **labels) == 1
    assert delta(before, after, "phone_service_http_request_duration_seconds_count", method="GET", **labels) == 3
    assert delta(before, after, "phone_service_http_request_duration_seconds_count", method="POST", **labels) == 2
    assert delta(before, after, "phone_service_http_request_duration_seconds_bucket", method="GET", le="+Inf", **labels) == 3
    assert delta(before, after, "phone_service_http_request_duration_seconds_sum", method="GET", **labels) > 0
    # The tenant placeholder route and an unknown path: never the raw path as a label.
    assert all("nowhere" not in dict(key[1]).get("route", "") for key in after)
    # Five: Graph refuses an unknown path before it reads the token.
    assert delta(before, after, "phone_service_token_cache_hits_total") == 5
    assert delta(before, after, "phone_service_token_cache_misses_total") == 0
    # The first scrape is itself counted, on its own route.
    assert delta(before, after, "phone_service_http_requests_total", route="/metrics", method="GET", status="200") == 1
    # The 201 and the 409 each went through the writer: at least one group, fsync'd (durability full).
    assert delta(before, after, "phone_service_store_write_groups_total") >= 1
    assert delta(before, after, "phone_service_store_writes_per_group_count") >= 1
    assert delta(before, after, "phone_service_store_fsync_duration_seconds_count") >= 1
    assert value(after, "phone_service_tenants") == 1
    assert value(after, "phone_service_open_databases") == 1
    # Scraped through the API's own listener: this scrape is in flight.
    assert value(after, "phone_service_http_requests_in_flight") >= 1


def test_faults_and_throttles_applied_are_counted(admin):
    upn = new_user(admin)
    token = admin.token()
    path = f"/v1.0/users/{upn}/authentication/phoneMethods"
    before = scrape(admin)
    admin.ok("POST", "/_admin/faults", {"path": path, "status": 503, "count": 2})
    assert admin.call("GET", path, token=token)[0] == 503
    assert admin.call("GET", path, token=token)[0] == 503
    assert admin.call("GET", path, token=token)[0] == 200
    # A rule naming a sign-in path applies to the token service, and counts the same.
    admin.ok("POST", "/_admin/faults", {"path": "/*/oauth2/v2.0/token", "status": 503, "count": 1})
    assert admin.call("POST", "/common/oauth2/v2.0/token", token=None)[0] == 503
    admin.ok("PUT", "/_admin/throttling", {"enabled": True, "appRequestsPerSecond": 1, "appBurst": 1})
    try:
        statuses = [admin.call("GET", path, token=token)[0] for _ in range(3)]
    finally:
        admin.ok("PUT", "/_admin/throttling", {"enabled": False})
    after = scrape(admin)
    assert delta(before, after, "phone_service_faults_applied_total") == 3
    assert delta(before, after, "phone_service_throttled_requests_total") == statuses.count(429) >= 1
    assert delta(before, after, "phone_service_http_requests_total", route=ROUTE, method="GET", status="503") == 2
    assert delta(before, after, "phone_service_http_requests_total", route=ROUTE, method="GET", status="429") == statuses.count(429)


def test_metrics_need_the_key_on_the_api_and_nothing_on_the_metrics_listener(admin):
    assert admin.call("GET", "/metrics", token=None)[0] == 401
    assert admin.call("GET", "/metrics", token="wrong")[0] == 401
    before = scrape(admin, listener=True)
    after = scrape(admin, listener=True)
    # The listener's scrapes are not requests of the API: nothing moved, nothing in flight.
    assert delta(before, after, "phone_service_http_requests_total", route="/metrics", method="GET", status="200") == 0
    assert value(after, "phone_service_http_requests_in_flight") == 0
    status, _, text = admin.call("GET", f"http://{admin.metrics_address}/v1.0/me", token=None)
    assert status == 404 and "Only /metrics" in text
    assert admin.call("POST", f"http://{admin.metrics_address}/metrics", token=None)[0] == 405


def test_label_values_stay_bounded(admin):
    token = admin.token()
    for index in range(5):
        admin.call("GET", f"/v1.0/users/someone-{index}@contoso.com/authentication/phoneMethods", token=token)
        admin.call(f"BREW{index}", "/v1.0/me", token=token)
    samples = scrape(admin)
    routes = {dict(labels).get("route") for (_, labels) in samples if dict(labels).get("route")}
    methods = {dict(labels).get("method") for (_, labels) in samples if dict(labels).get("method")}
    assert not any("someone-" in route for route in routes)
    assert not any(method.startswith("BREW") for method in methods)
    assert "other" in methods
