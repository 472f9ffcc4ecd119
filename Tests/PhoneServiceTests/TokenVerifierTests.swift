import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

@Suite struct TokenVerifierTests {
    typealias Claims = [(key: String, value: JSONValue)]

    /// A bad `Authorization` header and the 401 message it earns (spec §6).
    enum BadToken: String, CaseIterable, Sendable {
        case missingHeader, bearerEmpty, bearerOnly, basicScheme, notAJWT, twoParts, fourParts, payloadNotJSON
        case otherKey, unknownKid, algNoneUnsigned, algNoneSigned, algHS512, algHS256WithTheOldTenantKey
        case tamperedPayload
        case wrongTenant, wrongAudience, missingAudience, wrongIssuer, missingIssuer, missingExpiry, expiredBeyondSkew,
            notYetValidBeyondSkew
        case delegatedWithoutOID, delegatedWithEmptyOID, appWithoutRoles

        var message: String {
            switch self {
            case .missingHeader, .bearerEmpty, .bearerOnly, .basicScheme: Contract.emptyToken
            case .notAJWT, .twoParts, .fourParts, .payloadNotJSON: Contract.notAJWT
            case .expiredBeyondSkew, .notYetValidBeyondSkew: Contract.lifetime
            default: Contract.validationFailure
            }
        }

        /// The header value, or nil for no header.
        func authorization(_ forge: TokenForge, user: User) -> String? {
            let claims = forge.delegatedClaims(user: user)
            let rs256 = #"{"alg":"RS256","typ":"JWT","kid":"\#(forge.key.kid)"}"#
            let token: String
            switch self {
            case .missingHeader: return nil
            case .bearerEmpty: return "Bearer "
            case .bearerOnly: return "Bearer"
            case .basicScheme: return "Basic " + Base64URL.encode(Array("alice:secret".utf8))
            case .notAJWT: token = "not-a-jwt"
            case .twoParts: token = forge.sign(claims).split(separator: ".").prefix(2).joined(separator: ".")
            case .fourParts: token = forge.sign(claims) + ".AAAA"
            case .payloadNotJSON:
                let input = Base64URL.encode(Array(rs256.utf8)) + "." + Base64URL.encode(Array("hello".utf8))
                token = input + "." + Base64URL.encode(forge.signature(over: input, with: forge.key))
            case .otherKey: token = forge.sign(claims, otherKey: true)
            case .unknownKid: token = forge.sign(header: #"{"alg":"RS256","typ":"JWT","kid":"nokey"}"#, claims)
            case .algHS256WithTheOldTenantKey:
                // Algorithm confusion: a MAC under the tenant's pre-RS256 secret is no signature.
                token = HS256.sign(claims: .object(claims), key: forge.tenant.signingKey)
            case .algNoneUnsigned: token = forge.sign(header: #"{"alg":"none","typ":"JWT"}"#, claims, signature: "")
            case .algNoneSigned: token = forge.sign(header: #"{"alg":"none","typ":"JWT"}"#, claims)
            case .algHS512: token = forge.sign(header: #"{"alg":"HS512","typ":"JWT"}"#, claims)
            case .tamperedPayload:
                let genuine = forge.sign(claims).split(separator: ".")
                let forged = Base64URL.encode(
                    JSONValue.object(claims.setting("scp", .string("UserAuthenticationMethod.ReadWrite.All")))
                        .serialized())
                token = [String(genuine[0]), forged, String(genuine[2])].joined(separator: ".")
            case .wrongTenant: token = forge.sign(claims.setting("tid", .string(UUID().uuidString.lowercased())))
            case .wrongAudience: token = forge.sign(claims.setting("aud", .string("https://management.azure.com")))
            case .missingAudience: token = forge.sign(claims.setting("aud", nil))
            case .wrongIssuer:
                token = forge.sign(claims.setting("iss", .string("https://sts.windows.net/\(UUID().uuidString)/")))
            case .missingIssuer: token = forge.sign(claims.setting("iss", nil))
            case .missingExpiry: token = forge.sign(claims.setting("exp", nil))
            case .expiredBeyondSkew: token = forge.sign(claims.setting("exp", .number(forge.now - 310)))
            case .notYetValidBeyondSkew: token = forge.sign(claims.setting("nbf", .number(forge.now + 310)))
            case .delegatedWithoutOID: token = forge.sign(claims.setting("oid", nil))
            case .delegatedWithEmptyOID: token = forge.sign(claims.setting("oid", .string("")))
            case .appWithoutRoles: token = forge.sign(claims.setting("scp", nil).setting("oid", nil))
            }
            return "Bearer " + token
        }
    }

    /// A good token that bends a rule as far as it may.
    enum GoodToken: String, CaseIterable, Sendable {
        case graphURLAudience, graphAppIDAudience, expiredWithinSkew, notYetValidWithinSkew, lowerCaseScheme
        case noNotBefore

        func authorization(_ forge: TokenForge, user: User) -> String {
            let claims = forge.delegatedClaims(user: user)
            switch self {
            case .graphURLAudience:
                return "Bearer " + forge.sign(claims.setting("aud", .string(Contract.graphAudiences[0])))
            case .graphAppIDAudience:
                return "Bearer " + forge.sign(claims.setting("aud", .string(Contract.graphAudiences[1])))
            case .expiredWithinSkew: return "Bearer " + forge.sign(claims.setting("exp", .number(forge.now - 240)))
            case .notYetValidWithinSkew: return "Bearer " + forge.sign(claims.setting("nbf", .number(forge.now + 240)))
            case .lowerCaseScheme: return "bearer " + forge.sign(claims)
            case .noNotBefore: return "Bearer " + forge.sign(claims.setting("nbf", nil))
            }
        }
    }

    // MARK: Over HTTP

    @Test(arguments: BadToken.allCases)
    func badTokensAre401WithTheSpecMessage(token: BadToken) throws {
        let fixture = try PhoneFixture()
        let forge = try TokenForge(store: fixture.server.store)
        var headers: [(String, String)] = []
        if let value = token.authorization(forge, user: fixture.alice) { headers.append(("Authorization", value)) }
        let response = try fixture.server.client().request(
            "GET", "/v1.0/me/authentication/phoneMethods", headers: headers)
        #expect(response.status == 401)
        #expect(response.errorCode == "InvalidAuthenticationToken")
        #expect(response.errorMessage == token.message)
    }

    @Test(arguments: GoodToken.allCases)
    func goodTokensAreAccepted(token: GoodToken) throws {
        let fixture = try PhoneFixture()
        try fixture.addPhone(.mobile, "+1 2065555555")
        let forge = try TokenForge(store: fixture.server.store)
        let response = try fixture.server.client().request(
            "GET", "/beta/me/authentication/phoneMethods",
            headers: [("Authorization", token.authorization(forge, user: fixture.alice))])
        #expect(response.status == 200)
        #expect(response.items.map { $0["phoneNumber"] as? String } == ["+1 2065555555"])
    }

    /// The issuer's own tokens work, for users and apps.
    @Test func issuedTokensAreAccepted() throws {
        let fixture = try PhoneFixture()
        let user = try fixture.send(
            "GET", "/v1.0/me/authentication/phoneMethods",
            token: fixture.server.token(for: fixture.alice, scopes: ["UserAuthenticationMethod.Read"]))
        #expect(user.status == 200)
        let app = try fixture.send(
            "GET", "/v1.0/users/alice%40contoso.com/authentication/phoneMethods",
            token: fixture.server.appToken(roles: ["UserAuthenticationMethod.Read.All"]))
        #expect(app.status == 200)
    }

    // MARK: Pure parts

    static let tenant = Tenant(id: "8f3b6f0a-1c2d-4e5f-9a8b-7c6d5e4f3a2b", signingKey: Array(repeating: 7, count: 32))

    private func claims(_ extra: Claims, exp: Double = 1000, nbf: Double? = nil) -> JSONValue {
        var claims: Claims = [
            ("aud", .string("https://graph.microsoft.com")), ("tid", .string(Self.tenant.id)), ("exp", .number(exp)),
            ("iss", .string("https://sts.windows.net/\(Self.tenant.id)/")),
        ]
        if let nbf { claims.append(("nbf", .number(nbf))) }
        return .object(claims + extra)
    }

    private let app: Claims = [("roles", .array([.string("UserAuthenticationMethod.Read.All")]))]

    @Test func expiryAllowsFiveMinutesOfSkewAndNoMore() throws {
        let verifier = TokenVerifier(tenant: Self.tenant)
        #expect(throws: Never.self) { try verifier.principal(claims: claims(app, exp: 1000), now: 1299) }
        #expect(throws: TokenVerifier.lifetime) { try verifier.principal(claims: claims(app, exp: 1000), now: 1300) }
    }

    @Test func notBeforeAllowsFiveMinutesOfSkewAndNoMore() throws {
        let verifier = TokenVerifier(tenant: Self.tenant)
        #expect(throws: Never.self) {
            try verifier.principal(claims: claims(app, exp: 5000, nbf: 1000), now: 700)
        }
        #expect(throws: TokenVerifier.lifetime) {
            try verifier.principal(claims: claims(app, exp: 5000, nbf: 1000), now: 699)
        }
    }

    @Test func delegatedClaimsBecomeADelegatedPrincipal() throws {
        let verifier = TokenVerifier(tenant: Self.tenant)
        let principal = try verifier.principal(
            claims: claims([
                ("oid", .string("AAAAAAAA-0000-4000-8000-000000000001")),
                ("scp", .string("UserAuthenticationMethod.Read  User.Read")),
                ("wids", .array([.string("62E90394-69F5-4237-9190-012177145E10")])),
                ("appid", .string("app-1")),
            ]), now: 0)
        #expect(
            principal
                == Principal(
                    kind: .delegated(
                        userID: "aaaaaaaa-0000-4000-8000-000000000001",
                        scopes: ["UserAuthenticationMethod.Read", "User.Read"],
                        roleTemplateIDs: ["62e90394-69f5-4237-9190-012177145e10"]),
                    appID: "app-1"))
    }

    @Test func rolesOnlyClaimsBecomeAnApplicationPrincipal() throws {
        let verifier = TokenVerifier(tenant: Self.tenant)
        let principal = try verifier.principal(claims: claims(app + [("azp", .string("app-2"))]), now: 0)
        #expect(
            principal == Principal(kind: .application(roles: ["UserAuthenticationMethod.Read.All"]), appID: "app-2"))
    }

    @Test(arguments: [
        [("wids", JSONValue.string("62e90394-69f5-4237-9190-012177145e10"))],
        [("scp", JSONValue.array([.string("User.Read")]))],
        [("nbf", JSONValue.string("soon"))],
    ])
    func wronglyTypedClaimsAreRefused(extra: [(String, JSONValue)]) {
        let verifier = TokenVerifier(tenant: Self.tenant)
        let claims = claims(
            [("oid", .string("u")), ("scp", .string("User.Read"))].filter { base in
                !extra.contains { $0.0 == base.0 }
            } + extra.map { (key: $0.0, value: $0.1) })
        #expect(throws: TokenVerifier.invalid) { try verifier.principal(claims: claims, now: 0) }
    }

    @Test(arguments: ["", "Bearer", "Bearer   ", "Token abc", "Basic abc"])
    func emptyOrNonBearerAuthorizationIsEmpty(header: String) {
        let verifier = TokenVerifier(tenant: Self.tenant)
        #expect(throws: TokenVerifier.empty) { try verifier.principal(authorization: header) }
    }
}
