"""The sign-in routes of docs/openapi.yaml are true: every flow, and the refusals, answered by the
running service validate against the document (Entra's error body, never Graph's envelope), and
every sign-in operation the document describes was exercised."""

from __future__ import annotations

import base64
import hashlib
import urllib.parse

import pytest

from wire import Answer, send

FORM = "application/x-www-form-urlencoded"
GRAPH_DEFAULT = "https://graph.microsoft.com/.default"
DELEGATED = "https://graph.microsoft.com/UserAuthenticationMethod.ReadWrite openid offline_access"
REDIRECT = "http://localhost/callback"
USER, PASSWORD = "dana@contoso.com", "correct horse battery staple"


@pytest.fixture(scope="module")
def sign_in(service, admin_token) -> dict:
    """A confidential app with a secret, a public app with a redirect URI, a user with a password."""
    app = service.cli("app", "add", "OpenAPI confidential", "--application-permission",
                      "UserAuthenticationMethod.Read.All",
                      "--delegated-permission", "UserAuthenticationMethod.ReadWrite")
    public = service.cli("app", "add", "OpenAPI public", "--public-client", "--redirect-uri", REDIRECT,
                         "--delegated-permission", "UserAuthenticationMethod.ReadWrite")
    service.cli("user", "add", USER, "--password", PASSWORD)
    return {"app": app, "secret": service.cli("app", "secret", "add", app), "public": public,
            "tenant": service.token_claims(admin_token)["tid"]}


def form(**fields) -> bytes:
    return urllib.parse.urlencode(fields).encode()


def test_sign_in_answers_validate_against_the_document(service, conformance, sign_in, admin_token):
    tenant, app, secret, public = sign_in["tenant"], sign_in["app"], sign_in["secret"], sign_in["public"]

    def call(method, path, body=None, expect=None, error=None, code=None, **options) -> Answer:
        sent = dict(options)
        if body is not None:
            sent.setdefault("content_type", FORM)
        answer = conformance.check(method, path, send(service, method, path, None, body, **sent))
        assert expect is None or answer.status == expect, f"{method} {path}: {answer.status} {answer.raw[:400]!r}"
        if error is not None:
            assert (answer.json["error"], answer.json["error_codes"]) == (error, [code]), answer.raw[:400]
        return answer

    for where in (tenant, tenant.upper(), "common", "organizations", "contoso.com"):
        call("GET", f"/{where}/v2.0/.well-known/openid-configuration", expect=200)
        call("GET", f"/{where}/.well-known/openid-configuration", expect=200)
    keys = call("GET", f"/{tenant}/discovery/v2.0/keys", expect=200).json["keys"]
    assert call("GET", f"/{tenant}/discovery/keys", expect=200).json["keys"][0]["kid"] == keys[0]["kid"]
    for path in ("v2.0/.well-known/openid-configuration", ".well-known/openid-configuration", "discovery/v2.0/keys",
                 "discovery/keys"):
        call("GET", f"/nowhere.example/{path}", expect=400, error="invalid_tenant", code=90002)
    assert call("GET", f"/common/userrealm/{USER}?api-version=1.0", expect=200).json["account_type"] == "Managed"
    assert call("GET", "/common/userrealm/x@fabrikam.com", expect=200).json["account_type"] == "Unknown"
    call("GET", "/consumers/userrealm/x@fabrikam.com", expect=400, error="invalid_tenant", code=90002)

    # The v2 token endpoint: client credentials, with the secret in the form and as HTTP Basic.
    token = f"/{tenant}/oauth2/v2.0/token"
    credentials = {"grant_type": "client_credentials", "client_id": app, "client_secret": secret,
                   "scope": GRAPH_DEFAULT}
    assert "scope" not in call("POST", token, form(**credentials), expect=200).json
    basic = base64.b64encode(f"{app}:{urllib.parse.quote(secret)}".encode()).decode()
    call("POST", token, form(grant_type="client_credentials", scope=GRAPH_DEFAULT), expect=200,
         headers={"Authorization": f"Basic {basic}"})
    call("POST", token, form(**{**credentials, "client_secret": "wrong"}), expect=401, error="invalid_client",
         code=7000215)
    call("POST", token, form(**{**credentials, "grant_type": "magic"}), expect=400, error="unsupported_grant_type",
         code=70003)
    call("POST", token, form(scope=GRAPH_DEFAULT), expect=400, error="invalid_request", code=900144)
    call("POST", token, b"a=%zz", expect=400, error="invalid_request", code=900144)
    call("POST", token, form(**{**credentials, "client_id": "nobody"}), expect=400, error="unauthorized_client",
         code=700016)
    call("POST", token, form(**{**credentials, "scope": "User.Read"}), expect=400, error="invalid_scope", code=1002012)
    call("POST", "/common/oauth2/v2.0/token", form(**credentials), expect=400, error="invalid_request", code=50059)
    call("POST", "/nowhere.example/oauth2/v2.0/token", form(**credentials), expect=400, error="invalid_request",
         code=90002)
    call("POST", token, b"x" * (64 * 1024 + 1), expect=413, error="invalid_request", code=900144)
    call("POST", token, form(**credentials), expect=431, error="invalid_request", code=900144,
         headers={"X-Padding": "x" * 17000})

    # A user: password, then refresh; a scope the app was not consented is Entra's consent error.
    password = {"grant_type": "password", "client_id": app, "client_secret": secret, "username": USER,
                "password": PASSWORD, "scope": DELEGATED, "client_info": "1"}
    tokens = call("POST", token, form(**password), expect=200).json
    assert {"refresh_token", "id_token", "client_info", "scope"} <= set(tokens)
    call("POST", token, form(**{**password, "password": "wrong"}), expect=400, error="invalid_grant", code=50126)
    refused = call("POST", token, form(**{**password, "scope": "https://graph.microsoft.com/Policy.Read.All"}),
                   expect=400, error="invalid_grant", code=65001)
    assert refused.json["suberror"] == "consent_required"
    call("POST", token, form(grant_type="refresh_token", client_id=app, client_secret=secret,
                             refresh_token=tokens["refresh_token"]), expect=200)
    call("POST", token, form(grant_type="refresh_token", client_id=app, client_secret=secret, refresh_token="forged"),
         expect=400, error="invalid_grant", code=9002313)

    # The v1 endpoint: `resource`, numbers as strings.
    v1 = f"/{tenant}/oauth2/token"
    v1_credentials = {"grant_type": "client_credentials", "client_id": app, "client_secret": secret,
                      "resource": "https://graph.microsoft.com"}
    assert call("POST", v1, form(**v1_credentials), expect=200).json["resource"] == "https://graph.microsoft.com"
    call("POST", v1, form(grant_type="password", client_id=public, username=USER, password=PASSWORD,
                          resource="https://graph.microsoft.com"), expect=200)
    call("POST", v1, form(**{**v1_credentials, "resource": "https://vault.azure.net"}), expect=400,
         error="invalid_resource", code=500011)
    call("POST", v1, form(**{**v1_credentials, "client_secret": "wrong"}), expect=401, error="invalid_client",
         code=7000215)
    call("POST", v1, form(**{**v1_credentials, "grant_type": "magic"}), expect=400,
         error="unsupported_grant_type", code=70003)
    call("POST", v1, form(**{**v1_credentials, "grant_type": "authorization_code"}), expect=400,
         error="invalid_request", code=900144)

    # Device code: pending, approved on the page, then the tokens.
    codes = call("POST", f"/{tenant}/oauth2/v2.0/devicecode", form(client_id=public, scope=DELEGATED), expect=200).json
    call("POST", f"/{tenant}/oauth2/v2.0/devicecode", form(client_id="nobody", scope=DELEGATED), expect=400,
         error="unauthorized_client", code=700016)
    poll = {"grant_type": "urn:ietf:params:oauth:grant-type:device_code", "client_id": public,
            "device_code": codes["device_code"]}
    call("POST", token, form(**poll), expect=400, error="authorization_pending", code=70016)
    login = f"/{tenant}/oauth2/v2.0/devicelogin"
    assert 'name="otc"' in call("GET", login, expect=200).raw.decode()
    wrong = call("POST", login, form(otc=codes["user_code"], login=USER, passwd="wrong"), expect=200)
    assert "AADSTS50126" in wrong.raw.decode()
    call("POST", "/nowhere.example/oauth2/v2.0/devicelogin", form(otc="x", login=USER, passwd="x"), expect=400,
         error="invalid_tenant", code=90002)
    call("POST", login, form(otc=codes["user_code"], login=USER, passwd=PASSWORD), expect=200)
    call("POST", token, form(**poll), expect=200)

    # Authorization code with PKCE: the page, the redirect with the code, the code redeemed once.
    verifier = "v" * 43
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    request = {"client_id": public, "response_type": "code", "redirect_uri": REDIRECT, "scope": DELEGATED,
               "state": "s1", "code_challenge": challenge, "code_challenge_method": "S256"}
    authorize = f"/{tenant}/oauth2/v2.0/authorize"
    assert 'name="passwd"' in call("GET", f"{authorize}?{urllib.parse.urlencode(request)}", expect=200).raw.decode()
    bad = {**request, "redirect_uri": "https://evil.example/"}
    assert "AADSTS50011" in call("GET", f"{authorize}?{urllib.parse.urlencode(bad)}", expect=400).raw.decode()
    wrong = call("POST", authorize, form(**request, login=USER, passwd="wrong"), expect=200)
    assert "AADSTS50126" in wrong.raw.decode()
    call("POST", authorize, form(**bad, login=USER, passwd=PASSWORD), expect=400)

    def code() -> str:
        location = call("POST", authorize, form(**request, login=USER, passwd=PASSWORD), expect=302).headers["location"]
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
        assert location.startswith(REDIRECT) and query["state"] == ["s1"]
        return query["code"][0]

    redeem = {"grant_type": "authorization_code", "client_id": public, "redirect_uri": REDIRECT,
              "code_verifier": verifier}
    call("POST", token, form(**redeem, code=code()), expect=200)
    refused = form(**{**redeem, "code_verifier": "w" * 43}, code=code())
    call("POST", token, refused, expect=400, error="invalid_grant", code=501481)
    call("POST", token, refused, expect=400, error="invalid_grant", code=54005)

    # v1's device code (ADAL's names: `resource`; polled with grant_type=device_code and `code`).
    graph = "https://graph.microsoft.com"
    v1_codes = call("POST", f"/{tenant}/oauth2/devicecode", form(client_id=public, resource=graph), expect=200).json
    assert v1_codes["interval"] == "5" and "verification_url" in v1_codes
    call("POST", f"/{tenant}/oauth2/devicecode", form(client_id=public, resource="https://vault.azure.net"),
         expect=400, error="invalid_resource", code=500011)
    call("POST", f"/{tenant}/oauth2/devicecode", form(client_id=public, scope=DELEGATED), expect=400,
         error="invalid_request", code=900144)
    v1_poll = {"grant_type": "device_code", "client_id": public, "resource": graph, "code": v1_codes["device_code"]}
    call("POST", v1, form(**v1_poll), expect=400, error="authorization_pending", code=70016)
    call("POST", login, form(otc=v1_codes["user_code"], login=USER, passwd=PASSWORD), expect=200)
    assert call("POST", v1, form(**v1_poll), expect=200).json["resource"] == graph
    call("POST", v1, form(**v1_poll), expect=400, error="invalid_grant", code=9002313)

    # v1's authorize page: `resource` for `scope`; the code is redeemed at the v1 token endpoint.
    v1_authorize = f"/{tenant}/oauth2/authorize"
    v1_request = {"client_id": public, "response_type": "code", "redirect_uri": REDIRECT, "resource": graph,
                  "state": "s3"}
    page = call("GET", f"{v1_authorize}?{urllib.parse.urlencode(v1_request)}", expect=200).raw.decode()
    assert 'name="resource"' in page
    other = {**v1_request, "resource": "https://vault.azure.net"}
    assert "AADSTS500011" in call("GET", f"{v1_authorize}?{urllib.parse.urlencode(other)}", expect=400).raw.decode()
    assert "AADSTS50126" in call("POST", v1_authorize, form(**v1_request, login=USER, passwd="wrong"),
                                 expect=200).raw.decode()
    location = call("POST", v1_authorize, form(**v1_request, login=USER, passwd=PASSWORD),
                    expect=302).headers["location"]
    v1_code = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)["code"][0]
    v1_redeem = {"grant_type": "authorization_code", "client_id": public, "redirect_uri": REDIRECT, "resource": graph,
                 "code": v1_code}
    assert {"id_token", "refresh_token"} <= set(call("POST", v1, form(**v1_redeem), expect=200).json)
    call("POST", v1, form(**v1_redeem), expect=400, error="invalid_grant", code=54005)

    # Signing out: back to a registered redirect URI with state, else a page; v1 the same.
    for logout in (f"/{tenant}/oauth2/v2.0/logout", f"/{tenant}/oauth2/logout"):
        back = {"client_id": public, "post_logout_redirect_uri": REDIRECT, "state": "s2"}
        answer = call("GET", f"{logout}?{urllib.parse.urlencode(back)}", expect=302)
        assert answer.headers["location"] == REDIRECT + ("&" if "?" in REDIRECT else "?") + "state=s2"
        call("POST", logout, form(**{**back, "post_logout_redirect_uri": "https://evil.example/"}), expect=200)

    sign_in_operations = {(t, m) for t, item in conformance.document["paths"].items() for m, op in item.items()
                          if isinstance(op, dict) and op.get("tags") == ["sign-in"]}
    exercised = {(t, m) for t, m, _ in conformance.seen}
    assert sign_in_operations and sign_in_operations <= exercised, sorted(sign_in_operations - exercised)


def test_sign_in_refusals_outside_the_routes_are_entra_errors(service, conformance, sign_in):
    """A path under /{tenant}/ with no sign-in endpoint, and a method a sign-in path does not allow:
    Entra's body (the document's entraError), not Graph's envelope."""
    entra = {"$ref": "#/components/schemas/entraError"}
    for method, path, status, code in (("GET", "/common/oauth2/v2.0/signout", 404, 900023),
                                       ("GET", "/common/discovery/v2.0/keys/extra", 404, 900023),
                                       # Graph's roots are no tenants (the document's `tenant` says so).
                                       ("POST", "/v1.0/oauth2/v2.0/token", 404, 900023),
                                       ("GET", "/BETA/v2.0/.well-known/openid-configuration", 404, 900023),
                                       ("GET", "/healthz/discovery/v2.0/keys", 404, 900023),
                                       ("DELETE", f"/{sign_in['tenant']}/oauth2/v2.0/token", 400, 900561),
                                       ("PUT", "/common/v2.0/.well-known/openid-configuration", 400, 900561)):
        answer = send(service, method, path, body=b"", content_type=FORM)
        assert answer.status == status, f"{method} {path}: {answer.status} {answer.raw[:300]!r}"
        assert answer.headers["content-type"].startswith("application/json")
        conformance.validate(answer.json, entra, f"{method} {path}")
        assert answer.json["error_codes"] == [code]
