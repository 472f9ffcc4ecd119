import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// Writes that must be refused before they reach the store: bad tokens, unknown paths and methods.
@Suite struct RejectedRequestTests {
    /// Base64url of a JSON text, as a JWT part.
    static func part(_ json: String) -> String { Base64URL.encode(Array(json.utf8)) }

    /// The claims of a valid token for `fixture`'s administrator, as JSON text.
    static func validClaims(_ fixture: RejectionFixture) throws -> String {
        let decoded = try JWT.decode(fixture.token)
        return String(decoding: decoded.claims.serialized(), as: UTF8.self)
    }

    @Test func aTokenSignedWithAnotherKeyIsRefused() throws {
        let fixture = try RejectionFixture()
        guard case .object(let claims) = try JSONParser.parse(try Self.validClaims(fixture)) else {
            Issue.record("the fixture's claims are not an object")
            return
        }
        // RS256 under a key the tenant does not have, with the tenant key's kid; and HS256 under any key.
        let forged = try TokenForge(store: fixture.server.store).sign(claims, otherKey: true)
        let hs256 = HS256.sign(claims: .object(claims), key: [UInt8](repeating: 7, count: 32))
        try fixture.expectRejected(
            "POST", headers: [("Authorization", "Bearer \(hs256)"), fixture.json], json: RejectionFixture.validCreate,
            status: 401, code: "InvalidAuthenticationToken", messageContains: ["Access token validation failure."])
        try fixture.expectRejected(
            "POST", headers: [("Authorization", "Bearer \(forged)"), fixture.json], json: RejectionFixture.validCreate,
            status: 401, code: "InvalidAuthenticationToken", messageContains: ["Access token validation failure."])
    }

    @Test func aTokenWithATamperedPayloadIsRefused() throws {
        let fixture = try RejectionFixture()
        let parts = fixture.token.split(separator: ".")
        let claims = try Self.validClaims(fixture).replacingOccurrences(of: "ReadWrite.All", with: "ReadWrite.All ")
        let tampered = "\(parts[0]).\(Self.part(claims)).\(parts[2])"
        try fixture.expectRejected(
            "POST", headers: [("Authorization", "Bearer \(tampered)"), fixture.json],
            json: RejectionFixture.validCreate, status: 401, code: "InvalidAuthenticationToken")
    }

    @Test(arguments: [#"{"alg":"none","typ":"JWT"}"#, #"{"alg":"None"}"#, #"{"typ":"JWT"}"#, #"{"alg":"HS512"}"#])
    func anUnsignedOrOtherAlgorithmTokenIsRefused(_ header: String) throws {
        let fixture = try RejectionFixture()
        let claims = try Self.validClaims(fixture)
        for token in ["\(Self.part(header)).\(Self.part(claims)).", "\(Self.part(header)).\(Self.part(claims))"] {
            try fixture.expectRejected(
                "POST", headers: [("Authorization", "Bearer \(token)"), fixture.json],
                json: RejectionFixture.validCreate, status: 401, code: "InvalidAuthenticationToken")
        }
        // The real signature under another header is refused too.
        let signature = fixture.token.split(separator: ".")[2]
        try fixture.expectRejected(
            "POST",
            headers: [
                ("Authorization", "Bearer \(Self.part(header)).\(Self.part(claims)).\(signature)"), fixture.json,
            ],
            json: RejectionFixture.validCreate, status: 401, code: "InvalidAuthenticationToken")
    }

    @Test(arguments: [
        ("", "Access token is empty."), ("Bearer", "Access token is empty."), ("Bearer ", "Access token is empty."),
        ("Basic YWxpY2U6cGFzcw==", "Access token is empty."),
        ("Bearer not.a.jwt", "CompactToken parsing failed"), ("Bearer abc", "CompactToken parsing failed"),
    ])
    func missingOrMalformedTokensAreRefused(_ authorization: String, _ message: String) throws {
        let fixture = try RejectionFixture()
        let headers = authorization.isEmpty ? [fixture.json] : [("Authorization", authorization), fixture.json]
        try fixture.expectRejected(
            "POST", headers: headers, json: RejectionFixture.validCreate, status: 401,
            code: "InvalidAuthenticationToken", messageContains: [message])
    }

    @Test func anExpiredTokenIsRefused() throws {
        let fixture = try RejectionFixture()
        let admin = try #require(try fixture.server.store.user(key: "admin@contoso.com"))
        let expired = try TokenIssuer(store: fixture.server.store).delegated(
            user: admin, scopes: ["UserAuthenticationMethod.ReadWrite.All"], lifetime: 60,
            now: Date().addingTimeInterval(-3600))
        try fixture.expectRejected(
            "POST", headers: [("Authorization", "Bearer \(expired)"), fixture.json],
            json: RejectionFixture.validCreate, status: 401, code: "InvalidAuthenticationToken",
            messageContains: ["Lifetime validation failed"])
    }

    @Test func aTokenWithoutTheWriteScopeIsForbidden() throws {
        let fixture = try RejectionFixture()
        let admin = try #require(try fixture.server.store.user(key: "admin@contoso.com"))
        let reader = fixture.server.token(for: admin, scopes: ["UserAuthenticationMethod.Read.All"])
        try fixture.expectRejected(
            "POST", headers: [("Authorization", "Bearer \(reader)"), fixture.json],
            json: RejectionFixture.validCreate, status: 403, code: "accessDenied")
    }

    static let users = "/v1.0/users/alice%40contoso.com"

    @Test(arguments: [
        ("POST", "/v1.0/users/alice%40contoso.com/authentication/phoneMethod", "'phoneMethod'"),
        ("POST", "/v1.0/users/alice%40contoso.com/authentication/emailMethods", "'emailMethods'"),
        ("POST", "/v1.0/users/alice%40contoso.com/phoneMethods", "'phoneMethods'"),
        ("POST", "/v1.0/users/alice%40contoso.com/authentication/phoneMethods/x/y/z", "'y'"),
        ("POST", "/v1.0/groups/g/authentication/phoneMethods", "'groups'"),
        ("POST", "/v1.0/users/alice%40contoso.com", "'users'"),
        ("POST", "/v1.0", "'v1.0'"),
        ("POST", "/", "''"),
        ("PATCH", "/v1.0/users/alice%40contoso.com/authentication", "'authentication'"),
        ("POST", "/v2.0/users/alice%40contoso.com/authentication/phoneMethods", "Invalid version: v2.0"),
        ("POST", "/v1.0/users/alice%ZZcontoso.com/authentication/phoneMethods", "percent-encoding"),
    ])
    func writesToUnknownPathsAreABadRequest(_ method: String, _ path: String, _ mention: String) throws {
        let fixture = try RejectionFixture(mobile: true)
        let code = path.contains("%ZZ") ? "badRequest" : "BadRequest"
        try fixture.expectRejected(
            method, path, json: RejectionFixture.validCreate, status: 400, code: code, messageContains: [mention])
    }

    @Test(arguments: [
        ("DELETE", "/v1.0/users/alice%40contoso.com/authentication/phoneMethods", "GET, POST"),
        ("PUT", "/v1.0/users/alice%40contoso.com/authentication/phoneMethods", "GET, POST"),
        ("PATCH", "/v1.0/users/alice%40contoso.com/authentication/phoneMethods", "GET, POST"),
        ("BREW", "/v1.0/users/alice%40contoso.com/authentication/phoneMethods", "GET, POST"),
        ("POST", "/v1.0/users/alice%40contoso.com/authentication/methods", "GET"),
        ("DELETE", "/v1.0/users/alice%40contoso.com/authentication/methods", "GET"),
        (
            "PUT", "/v1.0/users/alice%40contoso.com/authentication/phoneMethods/3179e48a-750b-4051-897c-87b9720928f7",
            "GET, PATCH, DELETE"
        ),
        (
            "POST", "/v1.0/users/alice%40contoso.com/authentication/phoneMethods/3179e48a-750b-4051-897c-87b9720928f7",
            "GET, PATCH, DELETE"
        ),
        ("PATCH", "/v1.0/users/alice%40contoso.com/authentication/methods/3179e48a-750b-4051-897c-87b9720928f7", "GET"),
        (
            "DELETE", "/beta/users/alice%40contoso.com/authentication/methods/3179e48a-750b-4051-897c-87b9720928f7",
            "GET"
        ),
    ])
    func writeMethodsAPathDoesNotAllowAre405(_ method: String, _ path: String, _ allow: String) throws {
        let fixture = try RejectionFixture(mobile: true)
        let refused = try fixture.expectRejected(
            method, path, json: #"{"phoneNumber":"+1 2065555555","phoneType":"mobile"}"#, status: 405,
            code: "Request_BadRequest", messageContains: ["not allowed"])
        #expect(refused.headers["allow"] == allow)
    }

    @Test func unknownMethodIDsAre404AndWriteNothing() throws {
        let fixture = try RejectionFixture(mobile: true)
        for id in ["00000000-0000-0000-0000-000000000000", "mobile", "3179e48a-750b-4051-897c-87b9720928f8"] {
            try fixture.expectRejected(
                "PATCH", RejectionFixture.collection + "/" + id, json: #"{"phoneNumber":"+1 2065555555"}"#,
                status: 404, code: "itemNotFound", messageContains: [id])
            try fixture.expectRejected(
                "DELETE", RejectionFixture.collection + "/" + id, body: nil, status: 404, code: "itemNotFound")
        }
    }

    /// A key that only begins with a user's name is another, unknown user: a NUL in it must not
    /// cut it short on its way to the database.
    @Test(arguments: ["alice%40contoso.com%00", "alice%40contoso.com%00x", "%00alice%40contoso.com"])
    func aUserKeyWithANULIsNotAnotherUser(_ key: String) throws {
        let fixture = try RejectionFixture(mobile: true)
        let decoded = key.replacingOccurrences(of: "%40", with: "@").replacingOccurrences(of: "%00", with: "\u{0}")
        try fixture.expectRejected(
            "POST", "/v1.0/users/\(key)/authentication/phoneMethods",
            json: #"{"phoneNumber":"+1 2065555555","phoneType":"office"}"#, status: 404,
            code: "Request_ResourceNotFound", messageContains: [decoded])
        try fixture.expectRejected(
            "DELETE", "/v1.0/users/\(key)/authentication/phoneMethods/\(PhoneType.mobile.methodID)", body: nil,
            status: 404, code: "Request_ResourceNotFound")
        let admin = try #require(try fixture.server.store.user(key: "admin@contoso.com"))
        let other = fixture.server.token(for: admin, scopes: ["UserAuthenticationMethod.Read.All"])
        let read = try fixture.server.send("GET", "/v1.0/users/\(key)/authentication/phoneMethods", token: other)
        #expect(read.status == 404)
    }

    @Test func writesForUnknownUsersAre404() throws {
        let fixture = try RejectionFixture()
        try fixture.expectRejected(
            "POST", "/v1.0/users/nobody%40contoso.com/authentication/phoneMethods", json: RejectionFixture.validCreate,
            status: 404, code: "Request_ResourceNotFound", messageContains: ["'nobody@contoso.com'"])
    }
}
