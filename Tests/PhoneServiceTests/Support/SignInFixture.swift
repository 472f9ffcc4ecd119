import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// A fresh server with an app registration (a client secret, Graph application permissions and
/// delegated permissions), a user with a password, and helpers that speak to the sign-in endpoints
/// the way a client library does (form bodies, the `Host` it dialled).
struct SignInFixture {
    let server: TestServer
    let appID: String
    let secret: String
    let alice: User
    static let password = "correct horse battery staple"
    static let applicationPermissions = ["UserAuthenticationMethod.ReadWrite.All"]
    static let delegatedPermissions = ["UserAuthenticationMethod.ReadWrite", "User.Read"]

    var tenantID: String { server.store.tenant.id }
    var host: String { "127.0.0.1:\(server.port)" }
    var base: String { "http://\(host)" }
    var adminKey: String { server.store.tenant.adminKey }

    init() throws {
        server = try TestServer(limits: HTTPServer.Limits(threads: 2))
        let app = try Self.admin(
            server, "POST", "/applications",
            json: """
                {"displayName":"Onboarding","applicationPermissions":["UserAuthenticationMethod.ReadWrite.All"],
                 "delegatedPermissions":["UserAuthenticationMethod.ReadWrite","User.Read"],
                 "redirectUris":["http://localhost/callback"]}
                """)
        #expect(app.status == 201, "\(app.text)")
        appID = app.string("appId") ?? ""
        let created = try Self.admin(server, "POST", "/applications/\(appID)/secrets", json: nil)
        #expect(created.status == 201, "\(created.text)")
        secret = created.string("secretText") ?? ""
        // Straight into the store with few PBKDF2 rounds: 600,000 per sign-in would make these tests
        // CPU-bound. AppRegistrationAdminTests makes a password through the admin API, at full strength.
        alice = try server.store.addUser(
            userPrincipalName: "alice@contoso.com", password: try Secrets.hashPassword(Self.password, iterations: 1000))
    }

    static func admin(_ server: TestServer, _ method: String, _ path: String, json: String?) throws
        -> RawHTTPClient.Response
    {
        try server.send(method, "/_admin" + path, token: server.store.tenant.adminKey, json: json)
    }

    func admin(_ method: String, _ path: String, json: String? = nil) throws -> RawHTTPClient.Response {
        try Self.admin(server, method, path, json: json)
    }

    /// GET `path` with the `Host` a client that dialled 127.0.0.1:port sends.
    func get(_ path: String) throws -> RawHTTPClient.Response {
        try server.client().request("GET", path, headers: [("Host", host)])
    }

    /// POSTs `fields` form-encoded to `path` (the v2 token endpoint of the tenant by default).
    func token(
        _ fields: [(String, String)], path: String? = nil, headers: [(String, String)] = []
    ) throws -> RawHTTPClient.Response {
        let body = fields.map { "\(Self.formEncode($0.0))=\(Self.formEncode($0.1))" }.joined(separator: "&")
        return try server.client().request(
            "POST", path ?? "/\(tenantID)/oauth2/v2.0/token",
            headers: [("Host", host), ("Content-Type", "application/x-www-form-urlencoded")] + headers,
            body: Array(body.utf8))
    }

    static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// The client-credentials form with this fixture's secret.
    var clientCredentials: [(String, String)] {
        [
            ("grant_type", "client_credentials"), ("client_id", appID), ("client_secret", secret),
            ("scope", "https://graph.microsoft.com/.default"),
        ]
    }

    /// The password-grant form MSAL sends for Alice.
    func passwordGrant(scope: String, password: String = SignInFixture.password) -> [(String, String)] {
        [
            ("grant_type", "password"), ("client_id", appID), ("client_secret", secret),
            ("username", "alice@contoso.com"), ("password", password), ("scope", scope), ("client_info", "1"),
        ]
    }

    /// The claims of a compact JWT, unverified.
    static func claims(_ token: String) throws -> JSONValue { try JWT.decode(token).claims }
}

extension RawHTTPClient.Response {
    /// `error_codes` of Entra's error shape, as integers.
    var errorCodes: [Int] { (object["error_codes"] as? [Any] ?? []).compactMap { ($0 as? NSNumber)?.intValue } }
}
