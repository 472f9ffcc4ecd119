"""The sign-in routes of docs/openapi.yaml: Entra ID's discovery, keys, token endpoints and pages,
served under /{tenant}/ (docs/sign-in.md). build_document.py adds what this module writes.

Their errors are Entra's token-endpoint body, never Graph's envelope; request bodies are forms
(`application/x-www-form-urlencoded`), one shape per grant type.
"""

from __future__ import annotations

TAG = "sign-in"
GUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
GRAPH_DEFAULT = "https://graph.microsoft.com/.default"
GRAPH_RESOURCE = "https://graph.microsoft.com"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
V1_DEVICE_CODE_GRANT = "device_code"
FORM = "application/x-www-form-urlencoded"


def ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def schema(name: str) -> dict:
    return ref("schemas", name)


# Errors -------------------------------------------------------------------------------------------

# Each status the sign-in routes answer with Entra's body, and the `error` values it carries.
ERRORS = {
    "400": ("EntraBadRequest",
            "A request Entra refuses (the `error` says which kind and `error_description` starts with the AADSTS "
            "code, docs/sign-in.md lists them): an unknown tenant (90002), a missing parameter or a body that is "
            "not form encoding (900144), an unsupported grant type (70003), an unknown app (700016), client "
            "credentials at `common` (50059), a wrong user or password (50034, 50126), a scope not consented "
            "(65001) or not valid (70011, 1002012), another resource than Graph (500011), a bad, expired or "
            "reused code or refresh token (9002313, 70008, 54005), PKCE (501481), a redirect URI (50011), a "
            "device code not approved yet (`authorization_pending`, 70016) or expired (70019), a method the "
            "path does not allow (900561).",
            ["invalid_request", "invalid_tenant", "unsupported_grant_type", "unauthorized_client", "invalid_grant",
             "invalid_scope", "invalid_resource", "authorization_pending", "expired_token"]),
    "401": ("EntraUnauthorized",
            "The client's credential is missing (7000218), wrong (7000215), expired (7000222), or a bad client "
            "assertion (700027, 700024, 700021, 50027, 700023).", ["invalid_client"]),
    "404": ("EntraNotFound", "No sign-in endpoint at this path (900023): the tenant segment is one of the "
            "service's own roots (`v1.0`, `beta`, `healthz`).", ["invalid_request"]),
    "413": ("EntraPayloadTooLarge", "The body is over 64 KiB (900144).", ["invalid_request"]),
    "431": ("EntraRequestHeaderFieldsTooLarge", "The request's headers add up to more than 16 KiB (900144).",
            ["invalid_request"]),
    "429": ("EntraTooManyRequests", "A fault rule on this path (testing-with-phone-service.md) throttles it (90033); "
            "try again after `Retry-After`.", ["temporarily_unavailable"]),
    "500": ("EntraInternalServerError", "A fault in the service (90033); never a stack trace.",
            ["temporarily_unavailable"]),
    "503": ("EntraServiceUnavailable", "The database stayed busy past its timeout, or a fault rule on this path "
            "answers it (90033); try again (after `Retry-After` when given).",
            ["temporarily_unavailable"]),
}


def error_schema() -> dict:
    return {
        "type": "object",
        "description": "Entra ID's error body on every sign-in path, as MSAL and Azure Identity parse it.",
        "required": ["error", "error_description", "error_codes", "timestamp", "trace_id", "correlation_id",
                     "error_uri"],
        "properties": {
            "error": {"type": "string", "description": "The OAuth 2.0 error."},
            "error_description": {
                "type": "string", "pattern": r"^AADSTS[0-9]+: ",
                "description": "`AADSTS<code>: <message> Trace ID: … Correlation ID: … Timestamp: …`."},
            "error_codes": {"type": "array", "minItems": 1, "maxItems": 1, "items": {"type": "integer"}},
            "timestamp": {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}Z$",
                          "description": "UTC, as Entra writes it (a space, not `T`)."},
            "trace_id": {"type": "string", "pattern": GUID, "description": "The response's `request-id`."},
            "correlation_id": {"type": "string", "description": "The caller's `client-request-id`, or the trace id."},
            "error_uri": {"type": "string", "description": "`{scheme}://{host}/error?code=<code>`."},
            "suberror": {"type": "string", "enum": ["consent_required", "bad_token"],
                         "description": "Where Entra adds one (MSAL reads it)."},
        },
        "additionalProperties": False,
    }


def error_responses(headers: dict) -> dict:
    responses = {}
    for status, (name, description, errors) in ERRORS.items():
        body = {"allOf": [schema("entraError"), {"properties": {"error": {"enum": errors}}}]}
        with_retry = dict(headers)
        if status in ("429", "503"):
            with_retry["Retry-After"] = {"description": "Seconds to wait, when a fault rule gives them.",
                                         "schema": {"type": "string", "pattern": "^[0-9]+$"}}
        responses[name] = {"description": description, "headers": with_retry,
                           "content": {"application/json": {"schema": body}}}
    return responses


def with_errors(responses: dict, *statuses: str) -> dict:
    for status in (*statuses, "400", "404", "413", "429", "431", "500", "503"):
        responses.setdefault(status, ref("responses", ERRORS[status][0]))
    return dict(sorted(responses.items()))


# Request bodies -----------------------------------------------------------------------------------

def text(description: str | None = None, **extra) -> dict:
    result = {"type": "string", "minLength": 1, **extra}
    if description:
        result["description"] = description
    return result


CLIENT_ID = text("The app's client id (`appId`).", examples=["11111111-2222-4333-8444-555555555555"])
SECRET = text("The client secret's text; or send it with `client_id` as HTTP Basic (RFC 6749 §2.3.1).")
CLIENT_INFO = {"type": "string", "enum": ["1"], "description": "`1` adds `client_info` (`{\"uid\", \"utid\"}`)."}
DELEGATED_SCOPE = text(
    "Space-separated: Graph's delegated permissions (full, with Graph's app id, or bare), `.default`, and "
    "`openid`, `profile`, `email`, `offline_access` (an `id_token`, a `refresh_token`).",
    examples=["https://graph.microsoft.com/UserAuthenticationMethod.ReadWrite openid offline_access",
              "https://graph.microsoft.com/.default"])


def grant(name: str, description: str, required: dict, optional: dict | None = None) -> dict:
    properties = {"grant_type": {"const": name}, **required, **(optional or {})}
    return {"type": "object", "description": description, "required": ["grant_type", *required],
            "properties": properties}


def token_request(v1: bool) -> dict:
    """A form for each grant (anyOf: a client credentials request may carry a secret or an
    assertion). Other parameters are ignored, as Entra ignores them."""
    target = ({"resource": text("The API: Microsoft Graph (`https://graph.microsoft.com` or its app id).",
                                examples=[GRAPH_RESOURCE])} if v1 else
              {"scope": text("`https://graph.microsoft.com/.default` (or Graph's app id `/.default`).",
                             examples=[GRAPH_DEFAULT])})
    user_target = target if v1 else {"scope": DELEGATED_SCOPE}
    assertion = {"client_assertion_type": {"const": ASSERTION_TYPE},
                 "client_assertion": text("A JWT (RS256 or PS256) signed with a registered certificate's key, named "
                                          "by `x5t` or `x5t#S256`; `iss` and `sub` the client id, `aud` this "
                                          "endpoint.")}
    optional_secret = {"client_secret": SECRET, "client_info": CLIENT_INFO}
    grants = [
        grant("client_credentials", "An app as itself, with a client secret.",
              {"client_id": CLIENT_ID, "client_secret": SECRET, **target}),
        grant("client_credentials", "An app as itself, with a certificate's client assertion.",
              {"client_id": CLIENT_ID, **assertion, **target}),
        grant("password", "A user's name and password (ROPC); a public client sends no secret.",
              {"client_id": CLIENT_ID, "username": text(examples=["alice@contoso.com"]), "password": text(),
               **user_target}, optional_secret),
        grant("refresh_token", "A refresh token for new tokens, never wider than the first sign-in's.",
              {"client_id": CLIENT_ID, "refresh_token": text()},
              {**optional_secret, **({} if v1 else {"scope": DELEGATED_SCOPE})}),
    ]
    redirect = text(examples=["http://localhost/callback"])
    verifier = text("RFC 7636; `S256` or `plain`, as the challenge was made.")
    if v1:
        grants += [
            grant(V1_DEVICE_CODE_GRANT, "A poll for a v1 device code's tokens (`authorization_pending` until "
                  "approved); the device code in `code`, as ADAL sends it.",
                  {"client_id": CLIENT_ID, "code": text(), **target}, optional_secret),
            grant("authorization_code", "An authorization code (from either `authorize`), redeemed once; the PKCE "
                  "verifier when the code was asked with a challenge.",
                  {"client_id": CLIENT_ID, "code": text(), "redirect_uri": redirect, **target},
                  {**optional_secret, "code_verifier": verifier}),
        ]
    else:
        grants += [
            grant(DEVICE_CODE_GRANT, "A poll for a device code's tokens (`authorization_pending` until approved).",
                  {"client_id": CLIENT_ID, "device_code": text()}, optional_secret),
            grant("authorization_code", "An authorization code (from `authorize`), redeemed once, with its PKCE "
                  "verifier.",
                  {"client_id": CLIENT_ID, "code": text(), "redirect_uri": redirect, "code_verifier": verifier},
                  {**optional_secret, "nonce": text()}),
        ]
    # Every parameter at the top (what a form has, and what fuzzers bind values to), and per grant
    # the ones it requires.
    properties = {"grant_type": {"type": "string", "enum": list(dict.fromkeys(g["properties"]["grant_type"]["const"]
                                                                           for g in grants))}}
    for each in grants:
        for name, value in each["properties"].items():
            properties.setdefault(name, value)
    if not v1:
        properties["scope"] = DELEGATED_SCOPE
    branches = [{"description": each["description"], "required": each["required"],
                 "properties": {name: value for name, value in each["properties"].items() if "const" in value}}
                for each in grants]
    return {"type": "object", "description": "The grant decides the other parameters; others are ignored.",
            "properties": properties, "anyOf": branches}


AUTHORIZE_PARAMETERS = {
    "client_id": CLIENT_ID,
    "response_type": {"type": "string", "enum": ["code"], "description": "Only `code`; another is an error page."},
    "redirect_uri": text("One of the app's registered redirect URIs.", examples=["http://localhost/callback"]),
    "scope": DELEGATED_SCOPE,
    "state": text(), "nonce": text(),
    "code_challenge": text("RFC 7636."),
    "code_challenge_method": {"type": "string", "enum": ["S256", "plain"]},
    "response_mode": {"type": "string", "enum": ["query", "fragment", "form_post"],
                      "description": "How the code reaches the redirect URI; another mode is an error page "
                                     "(AADSTS70007)."},
    "login_hint": text(), "prompt": text(),
}
# v1's page: `resource` for `scope` (optional there; the token endpoint asks for it again).
AUTHORIZE_PARAMETERS_V1 = {
    **{name: value for name, value in AUTHORIZE_PARAMETERS.items() if name != "scope"},
    "resource": text("Microsoft Graph (`https://graph.microsoft.com` or its app id); another API is an error page "
                     "(AADSTS500011).", examples=[GRAPH_RESOURCE]),
}
LOGOUT_FIELDS = {"post_logout_redirect_uri": text("Where to go back to: one of the app's redirect URIs."),
                 "client_id": CLIENT_ID, "state": text()}
LOGOUT_QUERY = [{"name": name, "in": "query", "required": False, "schema": value}
                for name, value in LOGOUT_FIELDS.items()]
LOGOUT_FORM = {"type": "object", "properties": LOGOUT_FIELDS}
SIGN_IN_FIELDS = {"login": text("The user's principal name.", examples=["alice@contoso.com"]), "passwd": text()}


def form_body(body: dict) -> dict:
    return {"required": True, "content": {FORM: {"schema": body}}}


# Responses ----------------------------------------------------------------------------------------

def token_response(v1: bool) -> dict:
    number = {"type": "string", "pattern": "^[0-9]+$"} if v1 else {"type": "integer", "minimum": 1}
    properties = {
        "token_type": {"const": "Bearer"},
        "expires_in": {**number, "description": "Seconds the access token lives."},
        "ext_expires_in": number,
        "access_token": text("An Entra v1 Graph token (RS256; docs/sign-in.md lists its claims)."),
        "refresh_token": text("With `offline_access` (v1: user sign-ins always)."),
        "id_token": text("With `openid`: a v2 ID token for the app."),
        "client_info": text("With `client_info=1`: base64url of `{\"uid\", \"utid\"}`."),
    }
    required = ["token_type", "expires_in", "ext_expires_in", "access_token"]
    if v1:
        properties |= {"expires_on": number, "not_before": number, "resource": {"const": GRAPH_RESOURCE}}
        required += ["expires_on", "not_before", "resource"]
        description = "v1's answer: numbers as strings, and the `resource`."
    else:
        properties["scope"] = text("What the token grants, Graph's permissions in full; absent on an app's token.")
        description = "v2's answer."
    return {"type": "object", "description": description, "required": required, "properties": properties,
            "additionalProperties": False}


def strings(**extra) -> dict:
    return {"type": "array", "items": {"type": "string"}, **extra}


def discovery(v1: bool) -> dict:
    """The members Entra's discovery documents have (the v1 and v2 lists differ a little)."""
    properties = {
        "token_endpoint": text(), "token_endpoint_auth_methods_supported": strings(),
        "jwks_uri": text(), "response_modes_supported": strings(), "subject_types_supported": strings(),
        "id_token_signing_alg_values_supported": strings(), "response_types_supported": strings(),
        "scopes_supported": strings(), "issuer": text("`…/{tenant id}/v2.0` (v2) or `https://sts.windows.net/"
                                                      "{tenant id}/` (v1); `{tenantid}` literally at `common` and "
                                                      "`organizations`."),
        "authorization_endpoint": text(), "device_authorization_endpoint": text(),
        "http_logout_supported": {"type": "boolean"}, "frontchannel_logout_supported": {"type": "boolean"},
        "end_session_endpoint": text(), "claims_supported": strings(), "tenant_region_scope": {"type": "null"},
        "cloud_instance_name": text(), "cloud_graph_host_name": text(), "msgraph_host": text(),
        "rbac_url": text(),
    }
    if v1:
        properties["microsoft_multi_refresh_token"] = {"type": "boolean"}
        description = "OpenID Connect discovery, v1: the v1 token endpoint and `jwks_uri` `…/discovery/keys`."
    else:
        properties |= {"request_uri_parameter_supported": {"type": "boolean"}, "userinfo_endpoint": text()}
        description = "OpenID Connect discovery, v2 (what MSAL reads). URLs are built from the request's `Host`."
    return {"type": "object", "description": description, "required": list(properties), "properties": properties,
            "additionalProperties": False}


def jwks(v2: bool) -> dict:
    key = {
        "kty": {"const": "RSA"}, "use": {"const": "sig"},
        "kid": text("The certificate's SHA-1 thumbprint, base64url; tokens name their key by it."),
        "x5t": text(), "n": text("The modulus, base64url."), "e": text("The exponent, base64url."),
        "x5c": strings(minItems=1, maxItems=1, description="The key's self-signed certificate (DER, base64)."),
    }
    if v2:
        key["issuer"] = text()
    return {"type": "object",
            "description": "The tenant's signing keys: the current one and retired ones still within their 24 hours.",
            "required": ["keys"],
            "properties": {"keys": {"type": "array", "minItems": 1,
                                    "items": {"type": "object", "required": list(key), "properties": key,
                                              "additionalProperties": False}}},
            "additionalProperties": False}


def device_code_response(v1: bool) -> dict:
    """v2's answer (RFC 8628's names), or v1's as ADAL reads it: `verification_url`, numbers as strings."""
    url = "verification_url" if v1 else "verification_uri"
    return {
        "type": "object", "description": "v1's answer." if v1 else "v2's answer.",
        "required": ["user_code", "device_code", url, "expires_in", "interval", "message"],
        "properties": {
            "user_code": {"type": "string", "pattern": "^[A-Z0-9]{9}$"},
            "device_code": text(), url: text("The `devicelogin` page."),
            "expires_in": {"const": "900" if v1 else 900}, "interval": {"const": "5" if v1 else 5},
            "message": text(),
        },
        "additionalProperties": False}


def schemas() -> dict:
    return {
        "entraError": error_schema(),
        "tokenRequest": token_request(v1=False),
        "tokenRequestV1": token_request(v1=True),
        "tokenResponse": token_response(v1=False),
        "tokenResponseV1": token_response(v1=True),
        "openidConfiguration": discovery(v1=False),
        "openidConfigurationV1": discovery(v1=True),
        "jsonWebKeySet": jwks(v2=True),
        "jsonWebKeySetV1": jwks(v2=False),
        "deviceCodeRequest": {"type": "object", "required": ["client_id", "scope"],
                              "properties": {"client_id": CLIENT_ID, "scope": DELEGATED_SCOPE}},
        "deviceCodeResponse": device_code_response(v1=False),
        "deviceCodeRequestV1": {"type": "object", "required": ["client_id", "resource"],
                                "properties": {"client_id": CLIENT_ID,
                                               "resource": text("Microsoft Graph (or its app id).",
                                                                examples=[GRAPH_RESOURCE])}},
        "deviceCodeResponseV1": device_code_response(v1=True),
        "authorizeForm": {"type": "object", "description": "The page's form: the request's parameters and the "
                                                           "user's name and password.",
                          "properties": {**AUTHORIZE_PARAMETERS, **SIGN_IN_FIELDS}},
        "authorizeFormV1": {"type": "object", "description": "v1's page's form: the request's parameters (with "
                                                             "`resource`) and the user's name and password.",
                            "properties": {**AUTHORIZE_PARAMETERS_V1, **SIGN_IN_FIELDS}},
        "deviceLoginForm": {"type": "object", "properties": {"otc": text("The user code."), **SIGN_IN_FIELDS}},
        "userRealm": {
            "type": "object",
            "required": ["ver", "account_type", "domain_name", "cloud_instance_name", "cloud_audience_urn"],
            "properties": {
                "ver": {"const": "1.0"},
                "account_type": {"type": "string", "enum": ["Managed", "Unknown"],
                                 "description": "`Managed` when a user of the tenant is in the domain; never "
                                                "federated."},
                "domain_name": {"type": "string"}, "cloud_instance_name": {"const": "microsoftonline.com"},
                "cloud_audience_urn": {"const": "urn:federation:MicrosoftOnline"},
            },
            "additionalProperties": False},
    }


def parameters() -> dict:
    return {
        "tenant": {"name": "tenant", "in": "path", "required": True,
                   "description": "The tenant id, `common`, `organizations`, or a domain one of the tenant's users "
                                  "is in (`contoso.com`); anything else is AADSTS90002. The service's own roots "
                                  "are not tenants: under `v1.0`, `beta` and `healthz` (any case) there is no "
                                  "sign-in endpoint (404, AADSTS900023), and `_admin` is the admin API's (its 401).",
                   "schema": {"type": "string", "minLength": 1},
                   "examples": {"common": {"value": "common"}, "organizations": {"value": "organizations"},
                                "domain": {"value": "contoso.com"}}},
    }


# Paths --------------------------------------------------------------------------------------------

def operation(operation_id: str, summary: str, responses: dict, description: str, *, body: dict | None = None,
              parameters: list | None = None, security: list | None = None) -> dict:
    result = {"operationId": operation_id, "summary": summary, "tags": [TAG], "description": description,
              "security": security or []}
    if parameters:
        result["parameters"] = parameters
    if body:
        result["requestBody"] = body
    result["responses"] = responses
    return result


def paths(json_response, headers: dict) -> dict:
    """`json_response(description, schema)` is the document's own (with the common headers)."""
    def html(description: str) -> dict:
        return {"description": description, "headers": dict(headers),
                "content": {"text/html": {"schema": {"type": "string"}}}}

    tenant = {"parameters": [ref("parameters", "tenant")]}
    basic = [{}, {"clientSecretBasic": []}]
    query = [{"name": name, "in": "query", "required": False, "schema": value}
             for name, value in AUTHORIZE_PARAMETERS.items()]
    query_v1 = [{"name": name, "in": "query", "required": False, "schema": value}
                for name, value in AUTHORIZE_PARAMETERS_V1.items()]
    page_errors = ("Problems with the request itself (unknown tenant or app, unregistered redirect URI, "
                   "`response_type`, scope) are an error page naming the AADSTS code, never a redirect.")
    return {
        "/{tenant}/v2.0/.well-known/openid-configuration": {**tenant, "get": operation(
            "signIn.openidConfiguration", "OpenID Connect discovery (v2)",
            with_errors({"200": json_response("The discovery document.", schema("openidConfiguration"))}),
            "What MSAL and Azure Identity read first; an unknown tenant is `invalid_tenant` (400).")},
        "/{tenant}/.well-known/openid-configuration": {**tenant, "get": operation(
            "signIn.openidConfigurationV1", "OpenID Connect discovery (v1)",
            with_errors({"200": json_response("The discovery document.", schema("openidConfigurationV1"))}),
            "The v1 document.")},
        "/{tenant}/discovery/v2.0/keys": {**tenant, "get": operation(
            "signIn.keys", "Signing keys (JWKS, v2)",
            with_errors({"200": json_response("The keys.", schema("jsonWebKeySet"))}),
            "The keys tokens are signed with, by `kid`; each with the v2 issuer.")},
        "/{tenant}/discovery/keys": {**tenant, "get": operation(
            "signIn.keysV1", "Signing keys (JWKS, v1)",
            with_errors({"200": json_response("The keys.", schema("jsonWebKeySetV1"))}),
            "The same keys, without `issuer`.")},
        "/{tenant}/userrealm/{username}": {
            "parameters": [ref("parameters", "tenant"),
                           {"name": "username", "in": "path", "required": True, "schema": {"type": "string"},
                            "examples": {"user": {"value": "alice@contoso.com"}}}],
            "get": operation(
                "signIn.userRealm", "User realm discovery",
                with_errors({"200": json_response("Whether the user's domain is managed here.", schema("userRealm"))}),
                "MSAL asks it before a password sign-in (at `/common/`, `api-version=1.0`, which is ignored).",
                parameters=[{"name": "api-version", "in": "query", "required": False, "schema": {"type": "string"}}])},
        "/{tenant}/oauth2/v2.0/token": {**tenant, "post": operation(
            "signIn.token", "Token endpoint (v2)",
            with_errors({"200": json_response("The tokens.", schema("tokenResponse"))}, "401"),
            "Client credentials (secret or assertion), password, refresh token, device code and authorization code "
            "with PKCE. The client authenticates first (its secret in the form or as HTTP Basic, an assertion, or "
            "nothing for a public client's user sign-in).",
            body=form_body(schema("tokenRequest")), security=basic)},
        "/{tenant}/oauth2/token": {**tenant, "post": operation(
            "signIn.tokenV1", "Token endpoint (v1)",
            with_errors({"200": json_response("The tokens.", schema("tokenResponseV1"))}, "401"),
            "`resource=` instead of `scope`; client credentials, password, refresh token, authorization code, and "
            "device code as ADAL polls (`grant_type=device_code`, the device code in `code`). A user's token "
            "carries every delegated permission of the app.",
            body=form_body(schema("tokenRequestV1")), security=basic)},
        "/{tenant}/oauth2/v2.0/devicecode": {**tenant, "post": operation(
            "signIn.deviceCode", "Start a device code sign-in",
            with_errors({"200": json_response("The codes.", schema("deviceCodeResponse"))}),
            "The code is approved by `POST /_admin/devicecodes/{userCode}/approve` or on the `devicelogin` page; "
            "the client polls the token endpoint meanwhile.",
            body=form_body(schema("deviceCodeRequest")))},
        "/{tenant}/oauth2/devicecode": {**tenant, "post": operation(
            "signIn.deviceCodeV1", "Start a device code sign-in (v1)",
            with_errors({"200": json_response("The codes, in v1's shape.", schema("deviceCodeResponseV1"))}),
            "`resource` instead of `scope` (ADAL's request); polled at the v1 token endpoint with "
            "`grant_type=device_code` and the device code in `code`. Approved as v2's codes are.",
            body=form_body(schema("deviceCodeRequestV1")))},
        "/{tenant}/oauth2/v2.0/devicelogin": {
            **tenant,
            "get": operation("signIn.deviceLoginPage", "Device code sign-in page",
                             with_errors({"200": html("A form: the code, the user's name and password.")}),
                             "The page a device code's `verification_uri` names."),
            "post": operation("signIn.deviceLogin", "Approve a device code",
                              with_errors({"200": html("Signed in, or the form again with the problem (AADSTS50126, "
                                                       "AADSTS70019).")}),
                              "A wrong password or code shows the form again (200); an unknown tenant is Entra's "
                              "JSON error.",
                              body=form_body(schema("deviceLoginForm")))},
        "/{tenant}/oauth2/v2.0/authorize": {
            **tenant,
            "get": operation("signIn.authorizePage", "Authorization code sign-in page",
                             with_errors({"200": html("A sign-in form carrying the request's parameters."),
                                          "400": html("An error page.")}),
                             page_errors, parameters=query),
            "post": operation("signIn.authorize", "Sign in for an authorization code",
                              with_errors({"200": html("The form again: wrong name or password (AADSTS50126); or, "
                                                       "with `response_mode=form_post`, a page whose form posts "
                                                       "`code`, `state` and `session_state` to the redirect URI."),
                                           "302": {"description": "To the redirect URI with `code`, `state` and "
                                                                  "`session_state` in the query, or in the fragment "
                                                                  "with `response_mode=fragment`.",
                                                   "headers": {"Location": {"required": True,
                                                                            "schema": {"type": "string"}}}},
                                           "400": html("An error page.")}),
                              page_errors, body=form_body(schema("authorizeForm")))},
        "/{tenant}/oauth2/authorize": {
            **tenant,
            "get": operation("signIn.authorizePageV1", "Authorization code sign-in page (v1)",
                             with_errors({"200": html("A sign-in form carrying the request's parameters."),
                                          "400": html("An error page.")}),
                             "v2's page with `resource` for `scope`. " + page_errors, parameters=query_v1),
            "post": operation("signIn.authorizeV1", "Sign in for an authorization code (v1)",
                              with_errors({"200": html("The form again: wrong name or password (AADSTS50126), or "
                                                       "the `form_post` page."),
                                           "302": {"description": "To the redirect URI with `code`, `state` and "
                                                                  "`session_state`. The code grants the app's "
                                                                  "delegated permissions (v1's static consent), an "
                                                                  "ID token and a refresh token.",
                                                   "headers": {"Location": {"required": True,
                                                                            "schema": {"type": "string"}}}},
                                           "400": html("An error page.")}),
                              "v2's page with `resource` for `scope`. " + page_errors,
                              body=form_body(schema("authorizeFormV1")))},
        **{path: {**tenant, **{method: operation(
            f"signIn.{name}{'Post' if method == 'post' else ''}", f"Sign out ({version})",
            with_errors({"200": html("A signed-out page: no registered redirect to go back to."),
                         "302": {"description": "To `post_logout_redirect_uri` (registered for `client_id`), "
                                                "with `state`.",
                                 "headers": {"Location": {"required": True, "schema": {"type": "string"}}}}}),
            "The discovery documents' `end_session_endpoint`. There is no sign-in session to end; the answer "
            "goes back to the app when it may.",
            **({"parameters": LOGOUT_QUERY} if method == "get" else {"body": form_body(LOGOUT_FORM)}))
            for method in ("get", "post")}}
           for path, name, version in (("/{tenant}/oauth2/v2.0/logout", "logout", "v2"),
                                       ("/{tenant}/oauth2/logout", "logoutV1", "v1"))},
    }
