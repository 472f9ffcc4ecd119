"""Builds docs/openapi.yaml, the OpenAPI description of everything phone-service emulates.

The service serves the same routes under /v1.0 and /beta, for /users/{user} and /me, under
phoneMethods/{id} and methods/{id}, with the actions spelled plain and namespace-qualified: about
fifty paths that differ in a few words. Writing them out by hand would let them drift apart, so
this script writes them from one description of each operation, and tests/openapi checks that
docs/openapi.yaml is exactly what it writes and that the service agrees with it.

    .venv/bin/python tests/openapi/build_document.py > docs/openapi.yaml    (or: make openapi)
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

import sign_in

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
VERSIONS = ("v1.0", "beta")
METHOD_IDS = {
    "mobile": "3179e48a-750b-4051-897c-87b9720928f7",
    "alternateMobile": "b6332ec1-7057-4abe-9331-3d72feddfe41",
    "office": "e37fc753-ff3b-4958-9484-eaa9425c82bc",
}
PHONE_TYPES = list(METHOD_IDS)
# The users the parameter examples name; the tests and the fuzzer's tenant have them.
EXAMPLE_UPN = "alice@contoso.com"
EXAMPLE_USER_ID = "a11ce000-0000-4000-8000-000000000001"
SIGN_IN_STATES = ["notSupported", "notAllowedByPolicy", "notEnabled", "phoneNumberNotUnique", "ready",
                  "notConfigured"]
# What the service accepts (`+{country code} {number}x{extension}`), and what it shows: an
# Authentication Administrator sees the digits masked with X.
NUMBER_PATTERN = r"^\+[1-9][0-9]{0,2} [0-9]{1,15}(x[0-9]{1,10})?$"
SHOWN_NUMBER_PATTERN = r"^\+[1-9][0-9]{0,2} [0-9X]{1,15}(x[0-9X]{1,10})?$"
PHONE_TYPE = "#microsoft.graph.phoneAuthenticationMethod"
SMS_CONFIGURATION_TYPE = "#microsoft.graph.smsAuthenticationMethodConfiguration"
POLICY_PATH = "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/sms"
UTC_DATE_TIME = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$"
GUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


def ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def schema(name: str) -> dict:
    return ref("schemas", name)


# Components ---------------------------------------------------------------------------------------

def phone_method_schema(version: str) -> dict:
    properties = {
        "@odata.context": {"type": "string", "description": "On a single entity (get, create), not on items."},
        "@odata.type": {"const": PHONE_TYPE, "description": "Exactly under `/authentication/methods`."},
        "id": {"type": "string", "enum": list(METHOD_IDS.values()),
               "description": "Fixed per phone type, the same for every user: mobile "
                              f"`{METHOD_IDS['mobile']}`, alternateMobile `{METHOD_IDS['alternateMobile']}`, "
                              f"office `{METHOD_IDS['office']}`."},
        "phoneNumber": {"type": "string", "pattern": SHOWN_NUMBER_PATTERN,
                        "description": "As it was sent. An Authentication Administrator sees the digits masked "
                                       "but the country code and the last two (`+1 XXXXXXXX55`)."},
        "phoneType": schema("microsoft.graph.authenticationPhoneType"),
        "smsSignInState": schema("microsoft.graph.authenticationMethodSignInState"),
    }
    description = ("A phone registered for a user's authentication. Every property is present unless "
                   "`$select` chose some.")
    if version == "beta":
        properties["createdDateTime"] = {"type": "string", "format": "date-time", "pattern": UTC_DATE_TIME,
                                         "description": "When the phone was added (UTC)."}
        properties["lastUsedDateTime"] = {"type": "null", "description": "Always null: nobody signs in here."}
        description += " Beta adds `createdDateTime` and `lastUsedDateTime`."
    return {"type": "object", "description": description, "properties": properties,
            "additionalProperties": False}


def shaped(entity: str, context: bool, odata_type: bool) -> dict:
    """The entity as one response shows it: a single entity has `@odata.context`, an item of a
    collection has not; `@odata.type` appears exactly under `/authentication/methods`, whose
    declared type is the base `authenticationMethod`."""
    rules = []
    for name, present in (("@odata.context", context), ("@odata.type", odata_type)):
        rules.append({"required": [name]} if present else {"not": {"required": [name]}})
    return {"allOf": [schema(entity), *rules]}


def collection_schema(item: dict, description: str) -> dict:
    return {
        "type": "object",
        "description": description,
        "required": ["@odata.context", "value"],
        "properties": {
            "@odata.context": {"type": "string"},
            "value": {"type": "array", "maxItems": 3, "items": item},
        },
        "additionalProperties": False,
    }


def write_body_schema(version: str, create: bool) -> dict:
    properties = {
        "@odata.type": {"const": PHONE_TYPE, "description": "Microsoft's SDKs always send it."},
        "phoneNumber": {"type": "string", "pattern": NUMBER_PATTERN,
                        "description": "`+{country code} {number}x{extension}`, extension optional. E.164 "
                                       "without the space (`+14255550100`) is a 400."},
        "phoneType": schema("microsoft.graph.authenticationPhoneType"),
    }
    if create:
        description = "Create a phone method: `phoneNumber` and `phoneType`."
        required = ["phoneNumber", "phoneType"]
    else:
        description = ("Change a phone method's number. `phoneType` may be sent only unchanged; `id`, "
                       "`smsSignInState` (and beta's dates) are read-only: sending them is a 400, and so is "
                       "any other property.")
        required = ["phoneNumber"]
    return {"type": "object", "description": description, "required": required, "properties": properties,
            "additionalProperties": False}


def policy_schemas() -> dict:
    target_type = schema("microsoft.graph.authenticationMethodTargetType")
    include = {
        "type": "object",
        "required": ["targetType", "id", "isRegistrationRequired", "isUsableForSignIn"],
        "properties": {
            "targetType": target_type,
            "id": {"type": "string", "description": "A user's or group's object id, or `all_users`."},
            "isRegistrationRequired": {"type": "boolean"},
            "isUsableForSignIn": {"type": "boolean"},
        },
        "additionalProperties": False,
    }
    exclude = {
        "type": "object",
        "required": ["targetType", "id"],
        "properties": {"targetType": target_type, "id": {"type": "string"}},
        "additionalProperties": False,
    }
    include_write = {
        "type": "object",
        "required": ["targetType", "id"],
        "properties": {
            "@odata.type": {"const": "#microsoft.graph.smsAuthenticationMethodTarget"},
            "targetType": target_type,
            "id": {"type": "string", "minLength": 1,
                   "description": "An existing user's or group's object id, or `all_users` (a group)."},
            "isRegistrationRequired": {"type": "boolean"},
            "isUsableForSignIn": {"type": "boolean"},
        },
        "additionalProperties": False,
    }
    exclude_write = {
        "type": "object",
        "required": ["targetType", "id"],
        "properties": {
            "@odata.type": {"const": "#microsoft.graph.excludeTarget"},
            "targetType": target_type,
            "id": {"type": "string", "minLength": 1},
        },
        "additionalProperties": False,
    }
    return {
        "microsoft.graph.authenticationMethodTargetType": {"type": "string", "enum": ["user", "group"]},
        "microsoft.graph.authenticationMethodState": {"type": "string", "enum": ["enabled", "disabled"]},
        "microsoft.graph.smsAuthenticationMethodTarget": include,
        "microsoft.graph.excludeTarget": exclude,
        "microsoft.graph.smsAuthenticationMethodConfiguration": {
            "type": "object",
            "description": "The SMS authentication method policy: who may use SMS sign-in.",
            "required": ["@odata.context", "@odata.type", "id", "state", "excludeTargets", "includeTargets"],
            "properties": {
                "@odata.context": {"type": "string"},
                "@odata.type": {"const": SMS_CONFIGURATION_TYPE},
                "id": {"const": "Sms"},
                "state": schema("microsoft.graph.authenticationMethodState"),
                "excludeTargets": {"type": "array", "items": schema("microsoft.graph.excludeTarget")},
                "includeTargets": {"type": "array",
                                   "items": schema("microsoft.graph.smsAuthenticationMethodTarget")},
            },
            "additionalProperties": False,
        },
        "smsAuthenticationMethodConfigurationUpdate": {
            "type": "object",
            "description": "Properties left out keep their values; a target list, when sent, replaces the "
                           "old one.",
            "required": ["@odata.type"],
            "properties": {
                "@odata.type": {"const": SMS_CONFIGURATION_TYPE},
                "id": {"type": "string", "enum": ["Sms", "sms"], "description": "Read-only; only its own."},
                "state": schema("microsoft.graph.authenticationMethodState"),
                "includeTargets": {"type": "array", "items": include_write},
                "excludeTargets": {"type": "array", "items": exclude_write},
            },
            "additionalProperties": False,
        },
    }


def error_schemas() -> dict:
    return {
        "microsoft.graph.ODataErrors.ODataError": {
            "type": "object",
            "description": "Graph's error envelope, on every error.",
            "required": ["error"],
            "properties": {"error": schema("microsoft.graph.ODataErrors.MainError")},
            "additionalProperties": False,
        },
        "microsoft.graph.ODataErrors.MainError": {
            "type": "object",
            "required": ["code", "message", "innerError"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "innerError": schema("microsoft.graph.ODataErrors.InnerError"),
            },
            "additionalProperties": False,
        },
        "microsoft.graph.ODataErrors.InnerError": {
            "type": "object",
            "required": ["date", "request-id", "client-request-id"],
            "properties": {
                "date": {"type": "string", "format": "date-time", "pattern": UTC_DATE_TIME,
                         "description": "ISO 8601 in UTC with `Z`: Microsoft's SDKs drop an error whose date "
                                        "they cannot parse."},
                "request-id": {"type": "string", "pattern": GUID},
                "client-request-id": {"type": "string"},
            },
            "additionalProperties": False,
        },
    }


# Each error status: its meaning and the codes the service sends with it.
ERRORS = {
    "400": ("BadRequest", "A malformed request: an unknown path segment or version, bad percent-encoding, an "
            "unsupported query option, `/me` with an application token, or a body that is not JSON, has the "
            "wrong shape, an unknown or read-only property, a bad enum value, a bad phone number or a phone "
            "type change; SMS sign-in on a phone that is not the mobile, or for a user outside the policy; a "
            "malformed `$batch`.",
            ["badRequest", "BadRequest"]),
    "401": ("Unauthorized", "The bearer token is missing, malformed, badly signed, for another tenant or "
            "audience, expired or not yet valid.", ["InvalidAuthenticationToken"]),
    "403": ("Forbidden", "The token lacks the scope, role or directory role the operation needs.",
            ["accessDenied"]),
    "404": ("NotFound", "The user (`Request_ResourceNotFound`) or the phone method (`itemNotFound`) does not "
            "exist.", ["Request_ResourceNotFound", "itemNotFound"]),
    "409": ("Conflict", "A rule refuses the change (`conflict`: one phone per type, a mobile before an "
            "alternateMobile, the mobile kept while an alternateMobile exists), or another user holds the "
            "number for SMS sign-in (`phoneNumberNotUnique`; a create or update keeps the phone all the "
            "same).", ["conflict", "phoneNumberNotUnique"]),
    "413": ("PayloadTooLarge", "The body is over 64 KiB.", ["requestEntityTooLarge"]),
    "415": ("UnsupportedMediaType", "The body is not sent as `application/json`.", ["unsupportedMediaType"]),
    "431": ("RequestHeaderFieldsTooLarge", "The request's headers add up to more than 16 KiB.",
            ["requestHeaderFieldsTooLarge"]),
    "500": ("InternalServerError", "A fault in the service; never a stack trace.", ["generalException"]),
    "503": ("ServiceUnavailable", "The database stayed busy past its timeout; try again (`Retry-After`).",
            ["serviceNotAvailable"]),
}


def error_responses() -> dict:
    responses = {}
    for status, (name, description, codes) in ERRORS.items():
        body = {"allOf": [schema("microsoft.graph.ODataErrors.ODataError"),
                          {"properties": {"error": {"properties": {"code": {"enum": codes}}}}}]}
        response = {"description": description, "headers": common_headers(),
                    "content": {"application/json": {"schema": body}}}
        if status == "503":
            response["headers"]["Retry-After"] = {"schema": {"type": "string"},
                                                  "description": "Seconds to wait before trying again."}
        responses[name] = response
    return responses


def common_headers() -> dict:
    return {
        "request-id": ref("headers", "request-id"),
        "client-request-id": ref("headers", "client-request-id"),
    }


def json_response(description: str, body: dict) -> dict:
    return {"description": description, "headers": common_headers(),
            "content": {"application/json": {"schema": body}}}


def no_content(description: str) -> dict:
    return {"description": description, "headers": common_headers()}


def with_errors(responses: dict, *statuses: str) -> dict:
    for status in (*statuses, "400", "401", "403", "413", "431", "500", "503"):
        responses[status] = ref("responses", ERRORS[status][0])
    return dict(sorted(responses.items()))


def components() -> dict:
    schemas = {
        "microsoft.graph.authenticationPhoneType": {
            "type": "string", "enum": PHONE_TYPES,
            "description": "Graph's enum also has `unknownFutureValue`; a request that sends it is a 400 and "
                           "the service never returns it."},
        "microsoft.graph.authenticationMethodSignInState": {
            "type": "string", "enum": SIGN_IN_STATES,
            "description": "The mobile's SMS sign-in state, derived from the SMS policy at read time; "
                           "alternateMobile and office are always `notSupported`. Never `unknownFutureValue`."},
    }
    for version in VERSIONS:
        prefix = "" if version == "v1.0" else "beta."
        entity = f"{prefix}microsoft.graph.phoneAuthenticationMethod"
        schemas[entity] = phone_method_schema(version)
        schemas[f"{prefix}microsoft.graph.phoneAuthenticationMethodCollectionResponse"] = collection_schema(
            shaped(entity, context=False, odata_type=False),
            "A user's phone methods (at most one of each type), without `@odata.type`.")
        schemas[f"{prefix}microsoft.graph.authenticationMethodCollectionResponse"] = collection_schema(
            shaped(entity, context=False, odata_type=True),
            "A user's authentication methods: here, their phones, each with `@odata.type`.")
        schemas[f"{prefix}phoneAuthenticationMethodCreate"] = write_body_schema(version, create=True)
        schemas[f"{prefix}phoneAuthenticationMethodUpdate"] = write_body_schema(version, create=False)
    schemas.update(policy_schemas())
    schemas.update(batch_schemas())
    schemas.update(error_schemas())
    schemas.update(sign_in.schemas())
    schemas["health"] = {
        "type": "object",
        "required": ["status", "version", "schemaVersion"],
        "properties": {
            "status": {"type": "string", "enum": ["ok", "unavailable"]},
            "version": {"type": "string"},
            "schemaVersion": {"type": "integer"},
        },
        "additionalProperties": False,
    }
    return {
        "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                       "description": "RS256, signed with one of the tenant's keys (JWKS at "
                                      "/{tenant}/discovery/v2.0/keys); get one from the token endpoint or mint one "
                                      "with `phone-service token`. "
                                      "Claims read: `tid`, `aud`, `exp`, `nbf`, `oid`, `scp`, `roles`, `wids`, "
                                      "`appid`."},
            "clientSecretBasic": {"type": "http", "scheme": "basic",
                                  "description": "The sign-in token endpoints take a client id and secret this way "
                                                 "too (RFC 6749 §2.3.1)."},
        },
        "parameters": {
            "user": {"name": "user", "in": "path", "required": True,
                     "description": "The user's object id or userPrincipalName (any case, percent-encoded).",
                     "schema": {"type": "string", "minLength": 1},
                     "examples": {"upn": {"value": EXAMPLE_UPN}, "id": {"value": EXAMPLE_USER_ID}}},
            "phoneAuthenticationMethod-id": method_id_parameter("phoneAuthenticationMethod-id"),
            "authenticationMethod-id": method_id_parameter("authenticationMethod-id"),
            "v1.0.select": select_parameter("v1.0"),
            "beta.select": select_parameter("beta"),
            "filter": {"name": "$filter", "in": "query", "required": False,
                       "description": "Only `phoneType eq '<type>'`.",
                       "schema": {"type": "string"},
                       "examples": {"mobile": {"value": "phoneType eq 'mobile'"},
                                    "office": {"value": "phoneType eq 'office'"}}},
            **sign_in.parameters(),
        },
        "headers": {
            "request-id": {"description": "A new GUID for every response.", "required": True,
                           "schema": {"type": "string", "pattern": GUID}},
            "client-request-id": {"description": "The caller's `client-request-id`, echoed, or the request-id.",
                                  "required": True, "schema": {"type": "string"}},
        },
        "responses": {**error_responses(), **sign_in.error_responses(common_headers())},
        "schemas": dict(sorted(schemas.items())),
    }


def method_id_parameter(name: str) -> dict:
    return {"name": name, "in": "path", "required": True,
            "description": "A phone method id; they are fixed per phone type.",
            "schema": {"type": "string", "minLength": 1},
            "examples": {phone_type: {"value": method_id} for phone_type, method_id in METHOD_IDS.items()}}


def select_parameter(version: str) -> dict:
    fields = ["id", "phoneNumber", "phoneType", "smsSignInState"]
    if version == "beta":
        fields += ["createdDateTime", "lastUsedDateTime"]
    return {"name": "$select", "in": "query", "required": False, "style": "form", "explode": False,
            "description": "Properties to return.",
            "schema": {"type": "array", "uniqueItems": True, "minItems": 1,
                       "items": {"type": "string", "enum": fields}}}


# Paths --------------------------------------------------------------------------------------------

def path_parameters(parameters: list) -> dict:
    return {"parameters": parameters} if parameters else {}


def operation(operation_id: str, summary: str, tag: str, responses: dict, parameters=(), body=None,
              description: str | None = None) -> dict:
    result = {"operationId": operation_id, "summary": summary, "tags": [tag]}
    if description:
        result["description"] = description
    if parameters:
        result["parameters"] = list(parameters)
    if body:
        result["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema(body)}}}
    result["responses"] = responses
    return result


def phone_paths(version: str) -> dict:
    beta = version == "beta"
    prefix = "beta." if beta else ""
    entity_name = f"{prefix}microsoft.graph.phoneAuthenticationMethod"
    entity = shaped(entity_name, context=True, odata_type=False)
    typed_entity = shaped(entity_name, context=True, odata_type=True)
    select = ref("parameters", f"{version}.select")
    paths = {}
    for owner in ("users", "me"):
        base = f"/{version}/users/{{user}}/authentication" if owner == "users" else f"/{version}/me/authentication"
        owner_parameters = [ref("parameters", "user")] if owner == "users" else []
        op = f"{prefix}{owner}.authentication"
        tag = f"{owner}.phoneMethods"
        self_note = ("`/me` needs a delegated token (an application token is a 400); nobody may create or "
                     "change their own phones (403).") if owner == "me" else None

        paths[f"{base}/phoneMethods"] = {
            **path_parameters(owner_parameters),
            "get": operation(
                f"{op}.ListPhoneMethods", "List phoneMethods", tag,
                with_errors({"200": json_response("The user's phones.", schema(
                    f"{prefix}microsoft.graph.phoneAuthenticationMethodCollectionResponse"))}, "400", "403", "404"),
                [select, ref("parameters", "filter")]),
            "post": operation(
                f"{op}.CreatePhoneMethods", "Create phoneMethod", tag,
                with_errors({"201": json_response("The new phone method.", entity)},
                            "400", "403", "404", "409", "415"),
                body=f"{prefix}phoneAuthenticationMethodCreate", description=self_note),
        }
        item = {
            "parameters": owner_parameters + [ref("parameters", "phoneAuthenticationMethod-id")],
            "get": operation(
                f"{op}.GetPhoneMethods", "Get phoneAuthenticationMethod", tag,
                with_errors({"200": json_response("The phone method.", entity)}, "400", "403", "404"),
                [select]),
            "patch": operation(
                f"{op}.UpdatePhoneMethods", "Update phoneAuthenticationMethod", tag,
                with_errors({"204": no_content("Updated.")}, "400", "403", "404", "409", "415"),
                body=f"{prefix}phoneAuthenticationMethodUpdate", description=self_note),
            "delete": operation(
                f"{op}.DeletePhoneMethods", "Delete phoneAuthenticationMethod", tag,
                with_errors({"204": no_content("Deleted.")}, "400", "403", "404", "409")),
        }
        if beta:
            item["put"] = operation(
                f"{op}.ReplacePhoneMethods", "Update phoneAuthenticationMethod (PUT)", tag,
                with_errors({"204": no_content("Updated.")}, "400", "403", "404", "409", "415"),
                body=f"{prefix}phoneAuthenticationMethodUpdate",
                description="Beta only: the same as PATCH, for older automation.")
        paths[f"{base}/phoneMethods/{{phoneAuthenticationMethod-id}}"] = item

        methods_tag = f"{owner}.methods"
        paths[f"{base}/methods"] = {
            **path_parameters(owner_parameters),
            "get": operation(
                f"{op}.ListMethods", "List methods", methods_tag,
                with_errors({"200": json_response("The user's authentication methods (their phones).", schema(
                    f"{prefix}microsoft.graph.authenticationMethodCollectionResponse"))}, "400", "403", "404"),
                [select, ref("parameters", "filter")]),
        }
        paths[f"{base}/methods/{{authenticationMethod-id}}"] = {
            "parameters": owner_parameters + [ref("parameters", "authenticationMethod-id")],
            "get": operation(
                f"{op}.GetMethods", "Get authenticationMethod", methods_tag,
                with_errors({"200": json_response("The authentication method.", typed_entity)}, "400", "403", "404"),
                [select]),
        }

        for collection, id_name in (("phoneMethods", "phoneAuthenticationMethod-id"),
                                    ("methods", "authenticationMethod-id")):
            for action, responses, summary in (
                    ("enableSmsSignIn", ("400", "403", "404", "409"), "Enable SMS sign-in on the mobile"),
                    ("disableSmsSignIn", ("400", "403", "404"), "Disable SMS sign-in on the mobile")):
                for qualified in (False, True):
                    name = f"microsoft.graph.{action}" if qualified else action
                    where = ("Microsoft's beta SDK sends the actions here. " if collection == "methods" and beta
                             else "")
                    paths[f"{base}/{collection}/{{{id_name}}}/{name}"] = {
                        "parameters": owner_parameters + [ref("parameters", id_name)],
                        "post": operation(
                            f"{op}.{collection}.{action}{'.qualified' if qualified else ''}", summary,
                            f"{owner}.{collection}",
                            with_errors({"204": no_content("Done.")}, *responses),
                            description=where + "No body (`Content-Length: 0`). Served under "
                                                "`phoneMethods/{id}/` and `methods/{id}/`, plain and "
                                                "namespace-qualified."),
                    }
    return paths


def policy_paths(version: str) -> dict:
    prefix = "beta." if version == "beta" else ""
    return {
        f"/{version}{POLICY_PATH}": {
            "get": operation(
                f"{prefix}policies.authenticationMethodsPolicy.GetAuthenticationMethodConfigurations",
                "Get smsAuthenticationMethodConfiguration", "policies",
                with_errors({"200": json_response("The SMS policy.", schema(
                    "microsoft.graph.smsAuthenticationMethodConfiguration"))}, "400", "403"),
                description="Needs `Policy.Read.All` or `Policy.ReadWrite.AuthenticationMethod`."),
            "patch": operation(
                f"{prefix}policies.authenticationMethodsPolicy.UpdateAuthenticationMethodConfigurations",
                "Update smsAuthenticationMethodConfiguration", "policies",
                with_errors({"204": no_content("Updated.")}, "400", "403", "415"),
                body="smsAuthenticationMethodConfigurationUpdate",
                description="Needs `Policy.ReadWrite.AuthenticationMethod` (delegated: and Authentication Policy "
                            "Administrator or Global Administrator)."),
        }
    }


def batch_schemas() -> dict:
    return {
        "batchRequest": {
            "type": "object",
            "description": "Graph's JSON batching: up to 20 requests. Other properties, here and in each "
                           "request, are ignored.",
            "required": ["requests"],
            "properties": {"requests": {"type": "array", "minItems": 1, "maxItems": 20,
                                        "items": schema("batchRequestItem")}},
            "examples": [{"requests": [
                {"id": "1", "method": "GET", "url": f"/users/{EXAMPLE_UPN}/authentication/phoneMethods"},
                {"id": "2", "method": "POST", "url": f"/users/{EXAMPLE_UPN}/authentication/phoneMethods",
                 "headers": {"Content-Type": "application/json"},
                 "body": {"phoneNumber": "+1 4255550100", "phoneType": "office"}, "dependsOn": ["1"]},
            ]}],
        },
        "batchRequestItem": {
            "type": "object",
            "description": "One request. It goes through the same pipeline as a direct one, with the batch's "
                           "`Authorization`.",
            "required": ["id", "method", "url"],
            "properties": {
                "id": {"type": "string", "minLength": 1, "description": "Unique within the batch."},
                "method": {"type": "string", "minLength": 1, "examples": ["GET", "POST", "PATCH", "DELETE"]},
                "url": {"type": "string", "minLength": 1,
                        "description": "Relative to the batch's version (`/users/…`, `/me/…`, with or without "
                                       "the leading `/`), query included. An absolute url or a `$batch` is a 400 "
                                       "for that request; a url naming a version is an unknown segment (400)."},
                "headers": {"type": "object", "additionalProperties": {"type": "string"},
                            "description": "Added to the request; `Content-Type` is required with a body."},
                "body": {"description": "The JSON body, as JSON."},
                "dependsOn": {"type": "array", "items": {"type": "string"},
                              "description": "Ids of requests that must succeed first; if one failed, this one "
                                             "answers 424 without running."},
            },
        },
        "batchResponse": {
            "type": "object",
            "description": "One answer per request, in the order of the requests.",
            "required": ["responses"],
            "properties": {"responses": {"type": "array", "items": schema("batchResponseItem")}},
            "additionalProperties": False,
        },
        "batchResponseItem": {
            "type": "object",
            "required": ["id", "status", "headers"],
            "properties": {
                "id": {"type": "string"},
                "status": {"type": "integer", "minimum": 200, "maximum": 599},
                "headers": {"type": "object", "additionalProperties": {"type": "string"},
                            "description": "The headers the direct response would carry (`Content-Type`, "
                                           "`request-id`, `client-request-id`, …)."},
                "body": {"description": "The direct response's JSON body, embedded as JSON; absent on a 204."},
            },
            "additionalProperties": False,
        },
    }


def batch_path(version: str) -> dict:
    prefix = "beta." if version == "beta" else ""
    return {
        f"/{version}/$batch": {
            "post": operation(
                f"{prefix}batch", "JSON batching", "batch",
                with_errors({"200": json_response("The inner responses (each with its own status).",
                                                  schema("batchResponse"))}, "400", "415"),
                body="batchRequest",
                description="Runs up to 20 requests one at a time: each after the requests it `dependsOn`, "
                            "otherwise in array order. A malformed batch (no `requests`, more than 20, a "
                            "missing or repeated `id`, no `method` or `url`, a `body` without `Content-Type`, "
                            "an unknown id in `dependsOn`, a cycle) is a 400 and runs nothing; `%24batch` works "
                            "too."),
        }
    }


def health_path() -> dict:
    return {
        "/healthz": {
            "get": {
                "operationId": "health", "summary": "Health", "tags": ["operations"],
                "description": "No version, no token. 200 when the database answers a read and yields its "
                               "write lock.",
                "security": [],
                "responses": {
                    "200": json_response("Healthy.", schema("health")),
                    "413": ref("responses", "PayloadTooLarge"),
                    "431": ref("responses", "RequestHeaderFieldsTooLarge"),
                    "503": json_response("The database does not answer.", schema("health")),
                },
            },
            "head": {
                "operationId": "healthHead", "summary": "Health, without a body", "tags": ["operations"],
                "description": "The same check as GET, answered without a body.",
                "security": [],
                "responses": {
                    "200": {"description": "Healthy."},
                    "413": ref("responses", "PayloadTooLarge"),
                    "431": ref("responses", "RequestHeaderFieldsTooLarge"),
                    "503": {"description": "The database does not answer."},
                },
            },
        }
    }


DESCRIPTION = """\
A local stand-in for Microsoft Graph's phone authentication methods API, served under `/v1.0` and
`/beta` with Graph's paths, names, shapes, status codes and error envelope. Path segments are
matched without regard to case. Successful JSON responses carry
`Content-Type: application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8`;
errors `application/json`. Every response carries `request-id`, `client-request-id` and
`Cache-Control: no-cache`. Plain (non-`$`) query parameters are ignored; other `$` options are a 400.
A method the path does not allow is a 405 (`Request_BadRequest`) with `Allow`. `POST /$batch` is
Graph's JSON batching over these operations.

Sign-in (tag `sign-in`, docs/sign-in.md): Entra ID's discovery documents, signing keys, token
endpoints and sign-in pages under `/{tenant}/`, open to anyone. Their requests are forms
(`application/x-www-form-urlencoded`); their errors are Entra's body (`entraError`: `error`,
`error_description` starting `AADSTS<code>:`, `error_codes`, ...), never Graph's envelope, with
`Content-Type: application/json; charset=utf-8`; a method the path does not allow is a 400
(`invalid_request`, AADSTS900561).

Generated by tests/openapi/build_document.py; tests/openapi checks it against the running service.
"""


def document() -> dict:
    paths = {}
    for version in VERSIONS:
        paths.update(phone_paths(version))
        paths.update(policy_paths(version))
        paths.update(batch_path(version))
    paths.update(health_path())
    paths.update(sign_in.paths(json_response, common_headers()))
    return {
        "openapi": "3.1.0",
        "info": {"title": "phone-service: Microsoft Graph phone authentication methods", "version": "1.0.0",
                 "description": DESCRIPTION},
        "servers": [{"url": "http://127.0.0.1:8080", "description": "`make run`"}],
        "security": [{"bearer": []}],
        "tags": [{"name": name} for name in ("users.phoneMethods", "users.methods", "me.phoneMethods",
                                              "me.methods", "policies", "batch", "operations", "sign-in")],
        "paths": paths,
        "components": components(),
    }


class _Dumper(yaml.SafeDumper):
    """Block style, keys in the order written, no anchors, long strings folded as literal blocks."""

    def ignore_aliases(self, data):
        return True


def _string(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _string)


def render() -> str:
    header = "# Generated by tests/openapi/build_document.py (make openapi). Do not edit by hand.\n"
    return header + yaml.dump(document(), Dumper=_Dumper, sort_keys=False, width=120, allow_unicode=True)


if __name__ == "__main__":
    sys.stdout.write(render())
