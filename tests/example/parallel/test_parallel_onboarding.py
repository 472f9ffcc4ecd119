"""Tests that would trample each other on one shared tenant (resets, fault rules, exact journal
assertions), run in parallel with one tenant per worker (see conftest.py)."""

import httpx
import pytest

MOBILE_ID = "3179e48a-750b-4051-897c-87b9720928f7"


def graph(tenant, upn: str) -> httpx.Client:
    """A Graph client with a token for a new administrator `upn` of this worker's tenant."""
    admin = tenant["admin"]
    admin.post("/users", json={"userPrincipalName": upn, "roles": ["globalAdministrator"]}).raise_for_status()
    token = admin.post("/tokens", json={"user": upn, "scopes": ["UserAuthenticationMethod.ReadWrite.All"]})
    token.raise_for_status()
    return httpx.Client(base_url=tenant["url"] + "/v1.0", headers={"Authorization": "Bearer " + token.json()["accessToken"]})


@pytest.mark.parametrize("index", range(8))
def test_each_worker_sees_only_its_own_tenant(fresh, index):
    client = graph(fresh, "admin@contoso.com")
    # The same user name in every worker's tenant: no conflict, no shared state.
    fresh["admin"].post("/users", json={"userPrincipalName": "new.hire@contoso.com"}).raise_for_status()
    fresh["admin"].post("/faults", json={
        "method": "POST", "path": "/v1.0/users/*/authentication/phoneMethods", "status": 503, "retryAfter": 1,
        "count": 1}).raise_for_status()
    path = "/users/new.hire@contoso.com/authentication/phoneMethods"
    body = {"phoneNumber": f"+1 20655501{index:02d}", "phoneType": "mobile"}
    assert client.post(path, json=body).status_code == 503  # this worker's fault, nobody else's
    created = client.post(path, json=body)
    assert created.status_code == 201, created.text
    assert created.json()["id"] == MOBILE_ID
    phones = client.get(path).json()["value"]
    assert [phone["phoneNumber"] for phone in phones] == [body["phoneNumber"]]
    # The journal holds exactly this test's requests (a reset empties it).
    journal = fresh["admin"].get("/journal", params={"user": "new.hire@contoso.com"}).json()["value"]
    # In arrival order, also when the refusal and the write came in one millisecond: the journal
    # lists rows by arrival number, not by time (docs/testing-with-phone-service.md).
    assert [(row["method"], row["status"]) for row in reversed(journal)] == [("POST", 503), ("POST", 201), ("GET", 200)]


def test_the_token_names_the_tenant(fresh):
    client = graph(fresh, "admin@contoso.com")
    claims = client.headers["Authorization"].split(".")[1]
    import base64
    import json
    tid = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))["tid"]
    assert tid == fresh["id"]
