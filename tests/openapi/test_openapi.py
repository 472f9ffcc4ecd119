"""docs/openapi.yaml is valid, is what tests/openapi/build_document.py writes, and is true: the
service's answers to real requests validate against it, it documents every route and method the
service serves, and nothing it documents is missing from the service."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate as validate_spec

import build_document
from build_document import DOCUMENT, EXAMPLE_UPN as ALICE, EXAMPLE_USER_ID as ALICE_ID
from service import ALTERNATE_MOBILE, MOBILE, OFFICE
from wire import Answer, send

METHODS = ("get", "head", "put", "post", "delete", "patch")


def test_document_is_valid_openapi(document):
    validate_spec(document)
    assert document["openapi"].startswith("3.1")


def test_document_is_what_the_builder_writes():
    assert DOCUMENT.read_text() == build_document.render(), (
        "docs/openapi.yaml is stale: run `make openapi` (tests/openapi/build_document.py) and commit it")


@pytest.fixture(scope="module")
def tokens(service, admin_token) -> dict:
    return {
        "admin": admin_token,
        "alice": service.delegated_token(ALICE, "UserAuthenticationMethod.ReadWrite"),
        "bob": service.delegated_token("bob@contoso.com", "UserAuthenticationMethod.ReadWrite.All"),
        "app": service.app_token("UserAuthenticationMethod.ReadWrite.All"),
    }


@pytest.mark.parametrize("version", ["v1.0", "beta"])
def test_real_answers_validate_against_the_document(service, conformance, tokens, version):
    admin, alice = tokens["admin"], tokens["alice"]

    def call(method, path, token=admin, body=None, expect=None, **options) -> Answer:
        full = f"/{version}{path}"
        answer = conformance.check(method, full, send(service, method, full, token, body, **options))
        if expect is not None:
            assert answer.status == expect, f"{method} /{version}{path}: {answer.status} {answer.raw[:300]!r}"
        return answer

    policy = "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/sms"
    sms_type = "#microsoft.graph.smsAuthenticationMethodConfiguration"
    call("GET", policy, expect=200)
    call("PATCH", policy, body={"@odata.type": sms_type, "state": "enabled", "includeTargets": [
        {"targetType": "group", "id": "all_users", "isUsableForSignIn": True}]}, expect=204)
    call("PATCH", policy, body={"@odata.type": sms_type, "state": "on"}, expect=400)
    call("PATCH", policy, body=b"state=enabled", content_type="text/plain", expect=415)
    call("GET", policy, token=alice, expect=403)

    users = f"/users/{ALICE.replace('@', '%40')}/authentication"
    by_id = f"/users/{ALICE_ID}/authentication"
    prefix = 3 if version == "v1.0" else 4
    numbers = {"mobile": f"+1 425555{prefix}001", "alternateMobile": f"+1 425555{prefix}002",
               "office": f"+1 425555{prefix}003x12"}
    for phone_type, number in numbers.items():
        call("POST", f"{users}/phoneMethods", body={"phoneNumber": number, "phoneType": phone_type}, expect=201)
    call("POST", f"{users}/phoneMethods", body={"phoneNumber": "+1 4255550000", "phoneType": "mobile"}, expect=409)
    call("POST", f"{users}/phoneMethods", body={"phoneNumber": "+14255550100", "phoneType": "office"}, expect=400)
    call("POST", f"{users}/phoneMethods", body=b"{}", content_type="text/plain", expect=415)
    call("POST", f"{users}/phoneMethods", body=b"x" * (64 * 1024 + 1), expect=413)
    call("POST", "/users/nobody%40contoso.com/authentication/phoneMethods",
         body={"phoneNumber": "+1 4255550100", "phoneType": "office"}, expect=404)
    call("POST", "/users/bob%40contoso.com/authentication/phoneMethods", token=None,
         body={"phoneNumber": "+1 4255550100", "phoneType": "office"}, expect=401)
    # Another user holds the mobile's number for SMS sign-in: saved, but 409.
    call("POST", "/users/bob%40contoso.com/authentication/phoneMethods",
         body={"phoneNumber": numbers["mobile"], "phoneType": "mobile"}, expect=409)
    call("DELETE", f"/users/bob%40contoso.com/authentication/phoneMethods/{MOBILE}", expect=204)

    listed = call("GET", f"{users}/phoneMethods", expect=200).json
    assert [m["phoneNumber"] for m in listed["value"]] == list(numbers.values())
    call("GET", f"{by_id}/phoneMethods?$select=phoneNumber,phoneType&$filter=phoneType%20eq%20'office'", expect=200)
    call("GET", f"{users}/phoneMethods?$top=1", expect=400)
    call("GET", f"{users}/phoneMethods", token=tokens["bob"], expect=403)
    call("GET", f"{users}/phoneMethods", token="not-a-jwt", expect=401)
    call("GET", "/users/nobody%40contoso.com/authentication/phoneMethods", expect=404)
    call("GET", f"{users}/phoneMethods", headers={"X-Padding": "x" * 17000}, expect=431)
    entity = call("GET", f"{users}/phoneMethods/{MOBILE}", expect=200).json
    assert ("createdDateTime" in entity) == (version == "beta")
    call("GET", f"{users}/phoneMethods/{OFFICE}?$select=id,phoneNumber", expect=200)
    call("GET", f"{users}/phoneMethods/not-a-method", expect=404)
    call("PATCH", f"{users}/phoneMethods/{MOBILE}", body={"phoneNumber": numbers["mobile"], "phoneType": "mobile"},
         expect=204)
    call("PATCH", f"{users}/phoneMethods/{MOBILE}", body={"phoneNumber": "+1 5", "phoneType": "office"}, expect=400)
    call("PATCH", f"{users}/phoneMethods/{MOBILE}", body=b"[]", content_type=None, expect=415)
    if version == "beta":
        call("PUT", f"{users}/phoneMethods/{OFFICE}",
             body={"@odata.type": "#microsoft.graph.phoneAuthenticationMethod", "phoneNumber": numbers["office"]},
             expect=204)

    methods = call("GET", f"{users}/methods", expect=200).json
    assert all(m["@odata.type"] == "#microsoft.graph.phoneAuthenticationMethod" for m in methods["value"])
    call("GET", f"{users}/methods?$filter=phoneType eq 'mobile'".replace(" ", "%20"), expect=200)
    assert call("GET", f"{users}/methods/{MOBILE}", expect=200).json["@odata.type"] == \
        "#microsoft.graph.phoneAuthenticationMethod"
    call("GET", f"{users}/methods/{MOBILE}?$select=smsSignInState", expect=200)
    call("GET", f"{users}/methods/not-a-method", expect=404)

    for collection in ("phoneMethods", "methods"):
        for qualifier in ("", "microsoft.graph."):
            call("POST", f"{users}/{collection}/{MOBILE}/{qualifier}disableSmsSignIn", expect=204)
            call("POST", f"{users}/{collection}/{MOBILE}/{qualifier}enableSmsSignIn", expect=204)
            call("POST", f"{users}/{collection}/{OFFICE}/{qualifier}enableSmsSignIn", expect=400)
            call("POST", f"{users}/{collection}/{OFFICE}/{qualifier}disableSmsSignIn", expect=400)
            call("POST", f"{users}/{collection}/not-a-method/{qualifier}enableSmsSignIn", expect=404)
            call("POST", f"{users}/{collection}/{MOBILE}/{qualifier}enableSmsSignIn", token=tokens["bob"],
                 expect=403)

    # /me: alice's own token.
    me = "/me/authentication"
    call("GET", f"{me}/phoneMethods", token=alice, expect=200)
    call("GET", f"{me}/phoneMethods", token=tokens["app"], expect=400)
    call("GET", f"{me}/phoneMethods/{MOBILE}", token=alice, expect=200)
    call("GET", f"{me}/methods", token=alice, expect=200)
    call("GET", f"{me}/methods/{OFFICE}", token=alice, expect=200)
    call("POST", f"{me}/phoneMethods", token=alice, body={"phoneNumber": "+1 4255550100", "phoneType": "office"},
         expect=403)
    call("PATCH", f"{me}/phoneMethods/{OFFICE}", token=alice, body={"phoneNumber": "+1 4255550100"}, expect=403)
    if version == "beta":
        call("PUT", f"{me}/phoneMethods/{OFFICE}", token=alice, body={"phoneNumber": "+1 4255550100"}, expect=403)
    for collection in ("phoneMethods", "methods"):
        for qualifier in ("", "microsoft.graph."):
            call("POST", f"{me}/{collection}/{MOBILE}/{qualifier}disableSmsSignIn", token=alice, expect=204)
            call("POST", f"{me}/{collection}/{MOBILE}/{qualifier}enableSmsSignIn", token=alice, expect=204)
    # The mobile stays while the alternateMobile needs it; then everything goes.
    call("DELETE", f"{users}/phoneMethods/{MOBILE}", expect=409)
    call("DELETE", f"{me}/phoneMethods/{ALTERNATE_MOBILE}", token=alice, expect=204)
    call("DELETE", f"{me}/phoneMethods/{OFFICE}", token=alice, expect=204)
    call("DELETE", f"{users}/phoneMethods/{MOBILE}", expect=204)
    call("DELETE", f"{users}/phoneMethods/{MOBILE}", expect=404)

    # JSON batching: the inner answers in request order, a 204 without a body.
    batch = call("POST", "/$batch", body={"requests": [
        {"id": "list", "method": "GET", "url": f"{users}/phoneMethods"},
        {"id": "add", "method": "POST", "url": f"{users}/phoneMethods", "headers": {"Content-Type": "application/json"},
         "body": {"phoneNumber": numbers["office"], "phoneType": "office"}, "dependsOn": ["list"]},
        {"id": "remove", "method": "DELETE", "url": f"{users}/phoneMethods/{OFFICE}", "dependsOn": ["add"]},
    ]}, expect=200).json
    assert [(r["id"], r["status"]) for r in batch["responses"]] == [("list", 200), ("add", 201), ("remove", 204)]
    assert batch["responses"][1]["body"]["phoneNumber"] == numbers["office"]
    assert "body" not in batch["responses"][2]
    call("POST", "/$batch", body={"requests": []}, expect=400)
    call("POST", "/$batch", body=b"{}", content_type="text/plain", expect=415)
    call("POST", "/$batch", token=None, body={"requests": [{"id": "1", "method": "GET", "url": "/me"}]}, expect=401)
    call("PATCH", policy, body={"@odata.type": sms_type, "state": "disabled"}, expect=204)

    # Every operation the document describes for this version was exercised.
    documented = {(t, m) for t, item in conformance.document["paths"].items() if t.startswith(f"/{version}/")
                  for m in METHODS if m in item}
    exercised = {(t, m) for t, m, _ in conformance.seen}
    assert documented <= exercised, f"not exercised: {sorted(documented - exercised)}"


def test_health_validates_against_the_document(service, conformance):
    answer = conformance.check("GET", "/healthz", send(service, "GET", "/healthz"))
    assert answer.status == 200 and answer.json["status"] == "ok"


# Routes: what the service serves is what the document describes ---------------------------------

def concrete(template: str) -> str:
    return (template.replace("{user}", "bob%40contoso.com").replace("{tenant}", "common")
            .replace("{username}", "bob%40contoso.com")
            .replace("{phoneAuthenticationMethod-id}", MOBILE).replace("{authenticationMethod-id}", MOBILE))


def test_allow_header_lists_exactly_the_documented_methods(service, document, admin_token):
    for template, item in document["paths"].items():
        documented = {m.upper() for m in METHODS if m in item}
        answer = send(service, "OPTIONS", concrete(template), admin_token)
        if template.startswith("/{tenant}/"):
            # Sign-in paths answer Entra's 400 (AADSTS900561), which names the methods instead.
            assert (answer.status, answer.json["error_codes"]) == (400, [900561]), f"OPTIONS {template}: {answer.raw}"
            listed = re.search(r"only accepts ([A-Z, ]+) requests", answer.json["error_description"])
            allowed = {m.strip() for m in listed.group(1).split(",")}
            assert allowed == documented, f"{template}: the service allows {sorted(allowed)}, " \
                                          f"the document {sorted(documented)}"
            continue
        assert answer.status == 405, f"OPTIONS {template}: {answer.status}"
        allowed = {m.strip() for m in answer.headers["allow"].split(",")}
        assert allowed == documented, f"{template}: the service allows {sorted(allowed)}, the document {sorted(documented)}"


def candidate_paths() -> list[str]:
    """Paths a client might try: every route the service's grammar could have, and neighbours it
    does not serve."""
    tails = ["", "/authentication", "/authentication/phoneMethods", "/authentication/methods",
             "/authentication/fido2Methods", "/authentication/emailMethods/" + MOBILE,
             "/authentication/phoneMethods/count", "/authentication/phoneMethods/$count"]
    for collection in ("phoneMethods", "methods"):
        item = f"/authentication/{collection}/{MOBILE}"
        tails += [item, item + "/resetPassword", item + "/enableSmsSignIn/again", item + "/microsoft.graph.foo"]
        for action in ("enableSmsSignIn", "disableSmsSignIn"):
            tails += [f"{item}/{action}", f"{item}/microsoft.graph.{action}"]
    paths = []
    for version in ("v1.0", "beta", "v2.0"):
        for owner in ("/users/bob%40contoso.com", "/me", "/users", "/groups/x"):
            paths += [f"/{version}{owner}{tail}" for tail in tails]
        policies = "/policies/authenticationMethodsPolicy"
        paths += [f"/{version}", f"/{version}/policies", f"/{version}{policies}",
                  f"/{version}{policies}/authenticationMethodConfigurations",
                  f"/{version}{policies}/authenticationMethodConfigurations/sms",
                  f"/{version}{policies}/authenticationMethodConfigurations/fido2",
                  f"/{version}{policies}/authenticationMethodConfigurations/sms/includeTargets",
                  f"/{version}/$batch", f"/{version}/$batch/x", f"/{version}/users/$batch"]
    sign_in = ["/v2.0/.well-known/openid-configuration", "/.well-known/openid-configuration", "/discovery/v2.0/keys",
               "/discovery/keys", "/userrealm/bob%40contoso.com", "/oauth2/v2.0/token", "/oauth2/token",
               "/oauth2/v2.0/devicecode", "/oauth2/v2.0/devicelogin", "/oauth2/v2.0/authorize",
               # Neighbours: v1's authorize and devicecode, logout (the discovery documents name them),
               # and longer or shorter paths.
               "/oauth2/authorize", "/oauth2/devicecode", "/oauth2/v2.0/logout", "/oauth2/logout",
               "/oauth2/v2.0/token/x", "/discovery/v2.0/keys/x", "/v2.0/.well-known/openid-configuration/x",
               "/v2.0/.well-known/x", "/userrealm", "/oauth2", "/oauth2/v2.0", "/discovery", "/v2.0"]
    for tenant in ("common", "contoso.com", "nowhere.example"):
        paths += [f"/{tenant}{tail}" for tail in sign_in]
    return paths + ["/healthz", "/healthz/x", "/", "/metrics"]


def test_every_route_the_service_serves_is_documented(service, conformance, admin_token):
    served, documented = set(), set()
    for path in candidate_paths():
        template = conformance.template(path)
        item = conformance.document["paths"].get(template, {}) if template else {}
        for method in ("GET", "POST", "PATCH", "PUT", "DELETE"):
            if method.lower() in item:
                documented.add((method, path))
            # No body: nothing a probe sends can change anything (bob has no phones; admin neither).
            answer = send(service, method, path, admin_token)
            body = answer.json if answer.headers.get("content-type", "").startswith("application/json") else {}
            if path.startswith("/healthz") or path == "/":
                not_routed = answer.status in (400, 404, 405)
            elif path == "/metrics":
                # Prometheus' scrape, not Graph (docs/metrics.md): it takes the admin key, so a
                # Graph token is refused 401 before anything is served.
                not_routed = answer.status in (401, 405)
            elif "error_codes" in body:
                # Sign-in paths: Entra's "no such endpoint" (AADSTS900023) or "wrong method" (900561).
                not_routed = body["error_codes"] in ([900023], [900561])
            else:
                not_routed = answer.status == 405 or (answer.status in (400, 404) and isinstance(
                    body.get("error"), dict) and ("Resource not found for the segment" in body["error"]["message"]
                                                  or "Invalid version" in body["error"]["message"]))
            if not not_routed:
                served.add((method, path))
    assert served - documented == set(), f"served but not documented: {sorted(served - documented)}"
    assert documented - served == set(), f"documented but not served: {sorted(documented - served)}"
