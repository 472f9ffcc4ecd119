import Foundation
import PhoneStore

/// `/_admin/applications`: app registrations with their secrets and certificates, and
/// `/_admin/keys/rotate`: a rollover of the tenant's token signing key.
extension AdminHandler {
    func listApplications(_ call: Call) throws -> HandlerOutcome {
        .response(call.response.json(status: 200, value: Self.list(try store.appRegistrations().map(Self.value))))
    }

    /// `{"displayName", "appId"?, "applicationPermissions"?, "delegatedPermissions"?, "redirectUris"?,
    /// "isPublicClient"?}`.
    func addApplication(_ call: Call) throws -> HandlerOutcome {
        let body = try AdminBody(call.request, describing: "'displayName'")
        try body.only([
            "displayName", "appId", "applicationPermissions", "delegatedPermissions", "redirectUris", "isPublicClient",
        ])
        let write = try administration.addApplication(
            .init(
                displayName: try body.requiredString("displayName"), appID: try body.string("appId"),
                applicationPermissions: try body.strings("applicationPermissions") ?? [],
                delegatedPermissions: try body.strings("delegatedPermissions") ?? [],
                redirectURIs: try body.strings("redirectUris") ?? [],
                isPublicClient: try body.bool("isPublicClient") ?? false))
        let response = call.response
        return .write(store, write, status: 201) { app in response.json(status: 201, value: Self.value(app)) }
    }

    func getApplication(_ call: Call) throws -> HandlerOutcome {
        .response(
            call.response.json(status: 200, value: Self.value(try administration.application(call.parameter("app")))))
    }

    func removeApplication(_ call: Call) -> HandlerOutcome {
        let response = call.response
        return .write(store, .removeAppRegistration(appID: call.parameter("app")), status: 204) { _ in
            response.noContent()
        }
    }

    /// Optionally `{"endDateTime"}`; answers `{"keyId", "secretText", "hint", "endDateTime"}`, the only
    /// time the secret's text is shown.
    func addSecret(_ call: Call) throws -> HandlerOutcome {
        let body = try AdminBody(call.request, describing: "'endDateTime'", allowEmpty: true)
        try body.only(["endDateTime", "displayName"])
        let secret = try administration.addSecret(
            appID: call.parameter("app"), endDateTime: try body.string("endDateTime"))
        let response = call.response
        let value: JSONValue = .object([
            ("keyId", .string(secret.stored.keyID)), ("secretText", .string(secret.text)),
            ("hint", .string(secret.stored.hint)), ("endDateTime", .string(secret.stored.endDateTime)),
        ])
        return .write(store, secret.write, status: 201) { _ in response.json(status: 201, value: value) }
    }

    /// `{"pem"}`: a certificate whose key signs the app's client assertions.
    func addCertificate(_ call: Call) throws -> HandlerOutcome {
        let body = try AdminBody(call.request, describing: "'pem'")
        try body.only(["pem"])
        let added = try administration.addCertificate(appID: call.parameter("app"), pem: try body.requiredString("pem"))
        let (response, value) = (call.response, Self.value(added.stored))
        return .write(store, added.write, status: 201) { _ in response.json(status: 201, value: value) }
    }

    /// Retires the current signing key; it stays in the JWKS, and verifies the tokens it signed, for
    /// a day. The next token is signed with a new key.
    func rotateKeys(_ call: Call) -> HandlerOutcome {
        let response = call.response
        return .write(store, .rotateSigningKey(of: store), status: 204) { _ in response.noContent() }
    }

    /// `{"user"}`: approves a device code sign-in for that user, as a person would on the sign-in
    /// page. The polling client gets its tokens on its next poll.
    func approveDeviceCode(_ call: Call) throws -> HandlerOutcome {
        let body = try AdminBody(call.request, describing: "'user'")
        try body.only(["user"])
        let user = try administration.user(try body.requiredString("user"))
        guard deviceCodes.approve(userCode: call.parameter("code"), userID: user.id) else {
            throw GraphError.itemNotFound("No device code sign-in '\(call.parameter("code"))' is pending.")
        }
        return .response(call.response.noContent())
    }

    static func value(_ app: AppRegistration) -> JSONValue {
        let strings: ([String]) -> JSONValue = { .array($0.map(JSONValue.string)) }
        return .object([
            ("id", .string(app.objectID)), ("appId", .string(app.appID)), ("displayName", .string(app.displayName)),
            ("applicationPermissions", strings(app.applicationPermissions)),
            ("delegatedPermissions", strings(app.delegatedPermissions)), ("redirectUris", strings(app.redirectURIs)),
            ("isPublicClient", .bool(app.isPublicClient)),
            (
                "passwordCredentials",
                .array(
                    app.secrets.map { secret in
                        .object([
                            ("keyId", .string(secret.keyID)), ("hint", .string(secret.hint)),
                            ("endDateTime", .string(secret.endDateTime)),
                        ])
                    })
            ),
            ("keyCredentials", .array(app.certificates.map(Self.value))),
        ])
    }

    static func value(_ certificate: ClientCertificate) -> JSONValue {
        .object([
            ("keyId", .string(certificate.keyID)), ("type", .string("AsymmetricX509Cert")),
            ("usage", .string("Verify")), ("x5t", .string(certificate.x5t)),
            ("x5t#S256", .string(certificate.x5tS256)), ("endDateTime", .string(certificate.endDateTime)),
        ])
    }
}
