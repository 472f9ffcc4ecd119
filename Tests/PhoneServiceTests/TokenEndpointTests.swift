import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// The token endpoint over real HTTP: client credentials and password sign-ins give tokens the
/// Graph routes accept; refresh tokens work; every refusal is Entra's, with its status and AADSTS code.
@Suite struct TokenEndpointTests {
    let fixture: SignInFixture

    init() throws { fixture = try SignInFixture() }

    var phones: String { "/v1.0/users/alice%40contoso.com/authentication/phoneMethods" }

    @Test func clientCredentialsGiveAnAppTokenThatGraphAccepts() throws {
        let response = try fixture.token(fixture.clientCredentials)
        #expect(response.status == 200, "\(response.text)")
        #expect(response.object["token_type"] as? String == "Bearer")
        #expect((response.object["expires_in"] as? NSNumber)?.intValue == 3600)
        let token = try #require(response.string("access_token"))
        let claims = try SignInFixture.claims(token)
        #expect(claims["aud"] == .string("https://graph.microsoft.com"))
        #expect(claims["iss"] == .string("https://sts.windows.net/\(fixture.tenantID)/"))
        #expect(claims["tid"] == .string(fixture.tenantID))
        #expect(claims["appid"] == .string(fixture.appID))
        #expect(claims["app_displayname"] == .string("Onboarding"))
        #expect(claims["idtyp"] == .string("app") && claims["ver"] == .string("1.0"))
        #expect(claims["roles"] == .array([.string("UserAuthenticationMethod.ReadWrite.All")]))
        #expect(claims["scp"] == nil)
        #expect(try JWT.decode(token).header["alg"] == .string("RS256"))

        let graph = try fixture.server.send(
            "POST", phones, token: token, json: #"{"phoneNumber":"+1 2065550100","phoneType":"mobile"}"#)
        #expect(graph.status == 201, "\(graph.text)")
    }

    @Test func theClientSecretMayComeAsHTTPBasic() throws {
        let basic = Data("\(fixture.appID):\(SignInFixture.formEncode(fixture.secret))".utf8).base64EncodedString()
        let response = try fixture.token(
            [("grant_type", "client_credentials"), ("scope", "https://graph.microsoft.com/.default")],
            headers: [("Authorization", "Basic \(basic)")])
        #expect(response.status == 200, "\(response.text)")
    }

    @Test func aPasswordSignInGivesDelegatedTokensAnIDTokenAndARefreshToken() throws {
        try fixture.server.store.createPhoneMethod(userID: fixture.alice.id, type: .mobile, number: "+1 2065550100")
        let response = try fixture.token(
            fixture.passwordGrant(
                scope: "https://graph.microsoft.com/UserAuthenticationMethod.ReadWrite openid profile offline_access"))
        #expect(response.status == 200, "\(response.text)")
        let scope = response.string("scope") ?? ""
        #expect(scope.contains("https://graph.microsoft.com/UserAuthenticationMethod.ReadWrite"), "\(scope)")
        let access = try SignInFixture.claims(try #require(response.string("access_token")))
        #expect(access["scp"] == .string("UserAuthenticationMethod.ReadWrite"))
        #expect(access["oid"] == .string(fixture.alice.id) && access["upn"] == .string("alice@contoso.com"))
        #expect(access["idtyp"] == .string("user"))
        let id = try SignInFixture.claims(try #require(response.string("id_token")))
        #expect(id["aud"] == .string(fixture.appID))
        #expect(id["iss"] == .string("\(fixture.base)/\(fixture.tenantID)/v2.0"))
        #expect(id["preferred_username"] == .string("alice@contoso.com") && id["oid"] == .string(fixture.alice.id))
        #expect(response.string("client_info") != nil)

        let me = try fixture.server.send(
            "GET", "/v1.0/me/authentication/phoneMethods", token: response.string("access_token"))
        #expect(me.status == 200, "\(me.text)")
        #expect(me.items.count == 1)

        // The refresh token gives new tokens for the same user and scopes.
        let refreshed = try fixture.token([
            ("grant_type", "refresh_token"), ("client_id", fixture.appID), ("client_secret", fixture.secret),
            ("refresh_token", try #require(response.string("refresh_token"))),
            ("scope", "https://graph.microsoft.com/UserAuthenticationMethod.ReadWrite openid offline_access"),
        ])
        #expect(refreshed.status == 200, "\(refreshed.text)")
        let again = try fixture.server.send(
            "GET", "/v1.0/me/authentication/phoneMethods", token: refreshed.string("access_token"))
        #expect(again.status == 200)
        #expect(refreshed.string("refresh_token") != nil && refreshed.string("id_token") != nil)
    }

    @Test func withoutOfflineAccessThereIsNoRefreshToken() throws {
        let response = try fixture.token(fixture.passwordGrant(scope: "User.Read"))
        #expect(response.status == 200, "\(response.text)")
        #expect(response.string("refresh_token") == nil && response.string("id_token") == nil)
        #expect(try SignInFixture.claims(response.string("access_token") ?? "")["scp"] == .string("User.Read"))
    }

    @Test func dotDefaultGivesEveryDelegatedPermissionOfTheApp() throws {
        let response = try fixture.token(fixture.passwordGrant(scope: "https://graph.microsoft.com/.default openid"))
        #expect(response.status == 200, "\(response.text)")
        let claims = try SignInFixture.claims(response.string("access_token") ?? "")
        #expect(claims["scp"] == .string(SignInFixture.delegatedPermissions.joined(separator: " ")))
    }

    @Test func theV1EndpointTakesAResource() throws {
        let path = "/\(fixture.tenantID)/oauth2/token"
        let app = try fixture.token(
            [
                ("grant_type", "client_credentials"), ("client_id", fixture.appID), ("client_secret", fixture.secret),
                ("resource", "https://graph.microsoft.com"),
            ], path: path)
        #expect(app.status == 200, "\(app.text)")
        #expect(app.string("resource") == "https://graph.microsoft.com")
        #expect(app.string("expires_in") == "3600", "v1 writes numbers as strings")
        let graph = try fixture.server.send("GET", phones, token: app.string("access_token"))
        #expect(graph.status == 200, "\(graph.text)")

        let user = try fixture.token(
            [
                ("grant_type", "password"), ("client_id", fixture.appID), ("client_secret", fixture.secret),
                ("username", "alice@contoso.com"), ("password", SignInFixture.password),
                ("resource", "00000003-0000-0000-c000-000000000000"),
            ], path: path)
        #expect(user.status == 200, "\(user.text)")
        let claims = try SignInFixture.claims(user.string("access_token") ?? "")
        #expect(claims["scp"] == .string(SignInFixture.delegatedPermissions.joined(separator: " ")))
    }

    /// A refusal: the form sent, then the status, `error` and AADSTS code Entra answers.
    struct Refusal: Sendable, CustomStringConvertible {
        var name: String
        var form: @Sendable (SignInFixture) -> [(String, String)]
        var status: Int
        var error: String
        var code: Int
        var description: String { name }
    }

    static let refusals: [Refusal] = [
        Refusal(
            name: "unknown application",
            form: { f in
                f.clientCredentials.map { $0.0 == "client_id" ? ($0.0, "11111111-2222-4333-8444-555555555555") : $0 }
            }, status: 400, error: "unauthorized_client", code: 700_016),
        Refusal(
            name: "bad secret",
            form: { f in f.clientCredentials.map { $0.0 == "client_secret" ? ($0.0, "nope") : $0 } },
            status: 401, error: "invalid_client", code: 7_000_215),
        Refusal(
            name: "no secret", form: { f in f.clientCredentials.filter { $0.0 != "client_secret" } }, status: 401,
            error: "invalid_client", code: 7_000_218),
        Refusal(
            name: "unsupported grant type",
            form: { f in f.clientCredentials.map { $0.0 == "grant_type" ? ($0.0, "magic") : $0 } }, status: 400,
            error: "unsupported_grant_type", code: 70003),
        Refusal(
            name: "no grant type", form: { f in f.clientCredentials.filter { $0.0 != "grant_type" } }, status: 400,
            error: "invalid_request", code: 900_144),
        Refusal(
            name: "client credentials without .default",
            form: { f in
                f.clientCredentials.map {
                    $0.0 == "scope" ? ($0.0, "https://graph.microsoft.com/UserAuthenticationMethod.ReadWrite.All") : $0
                }
            }, status: 400, error: "invalid_scope", code: 1_002_012),
        Refusal(
            name: "another resource",
            form: { f in
                f.clientCredentials.map { $0.0 == "scope" ? ($0.0, "https://management.azure.com/.default") : $0 }
            }, status: 400, error: "invalid_resource", code: 500_011),
        Refusal(
            name: "wrong password", form: { f in f.passwordGrant(scope: "User.Read", password: "wrong") },
            status: 400, error: "invalid_grant", code: 50126),
        Refusal(
            name: "unknown user",
            form: { f in
                f.passwordGrant(scope: "User.Read").map { $0.0 == "username" ? ($0.0, "nobody@contoso.com") : $0 }
            }, status: 400, error: "invalid_grant", code: 50034),
        Refusal(
            name: "scope not consented",
            form: { f in f.passwordGrant(scope: "https://graph.microsoft.com/UserAuthenticationMethod.ReadWrite.All") },
            status: 400, error: "invalid_grant", code: 65001),
        Refusal(
            name: "invalid scope", form: { f in f.passwordGrant(scope: "https://graph.microsoft.com/Teleport.All") },
            status: 400, error: "invalid_scope", code: 70011),
        Refusal(
            name: "bad refresh token",
            form: { f in
                [
                    ("grant_type", "refresh_token"), ("client_id", f.appID), ("client_secret", f.secret),
                    ("refresh_token", "not-a-token"), ("scope", "User.Read"),
                ]
            }, status: 400, error: "invalid_grant", code: 9_002_313),
    ]

    @Test(arguments: refusals)
    func refusalsAreEntras(refusal: Refusal) throws {
        let response = try fixture.token(refusal.form(fixture))
        #expect(response.status == refusal.status, "\(response.text)")
        #expect(response.object["error"] as? String == refusal.error, "\(response.text)")
        #expect(response.errorCodes == [refusal.code], "\(response.text)")
        let description = response.object["error_description"] as? String ?? ""
        #expect(description.hasPrefix("AADSTS\(refusal.code): "), "\(description)")
        for key in ["timestamp", "trace_id", "correlation_id", "error_uri"] {
            #expect(response.object[key] is String, "\(key) missing: \(response.text)")
        }
        #expect(response.string("access_token") == nil)
    }

    @Test func consentMissingCarriesTheConsentRequiredSuberror() throws {
        let response = try fixture.token(
            fixture.passwordGrant(scope: "https://graph.microsoft.com/UserAuthenticationMethod.ReadWrite.All"))
        #expect(response.string("suberror") == "consent_required")
    }

    @Test func anExpiredSecretIsAADSTS7000222() throws {
        let expired = try fixture.admin(
            "POST", "/applications/\(fixture.appID)/secrets", json: #"{"endDateTime":"2020-01-01T00:00:00Z"}"#)
        #expect(expired.status == 201, "\(expired.text)")
        let response = try fixture.token(
            fixture.clientCredentials.map { $0.0 == "client_secret" ? ($0.0, expired.string("secretText") ?? "") : $0 })
        #expect(response.status == 401)
        #expect(response.errorCodes == [7_000_222])
    }

    @Test func anUnknownTenantAtTheTokenEndpointIsAADSTS90002() throws {
        let response = try fixture.token(
            fixture.clientCredentials, path: "/00000000-0000-4000-8000-000000000000/oauth2/v2.0/token")
        #expect(response.status == 400)
        #expect(response.object["error"] as? String == "invalid_request")
        #expect(response.errorCodes == [90002])
    }

    /// The body limit used to answer Graph's envelope here, before any handler ran.
    @Test func aBodyOverTheLimitIsRefusedInEntrasShape() throws {
        let padding = String(repeating: "x", count: 64 * 1024)
        let response = try fixture.token(fixture.clientCredentials + [("padding", padding)])
        #expect(response.status == 413, "\(response.text)")
        #expect(response.object["error"] as? String == "invalid_request", "\(response.text)")
        #expect(response.errorCodes == [900_144], "\(response.text)")
    }

    @Test func aGETOnTheTokenEndpointIsRefusedInEntrasShape() throws {
        let response = try fixture.get("/\(fixture.tenantID)/oauth2/v2.0/token")
        #expect(response.status == 400)
        #expect(response.errorCodes == [900_561])
    }

    @Test func aDeviceCodeIsPendingUntilApprovedThenRedeemedOnce() throws {
        let started = try fixture.token(
            [
                ("client_id", fixture.appID),
                ("scope", "https://graph.microsoft.com/UserAuthenticationMethod.ReadWrite openid"),
            ],
            path: "/\(fixture.tenantID)/oauth2/v2.0/devicecode")
        #expect(started.status == 200, "\(started.text)")
        let deviceCode = try #require(started.string("device_code"))
        let userCode = try #require(started.string("user_code"))
        #expect((started.object["interval"] as? NSNumber)?.intValue == 5)
        #expect(started.string("message")?.contains(userCode) == true)
        #expect(started.string("verification_uri")?.hasPrefix(fixture.base) == true)

        let poll: [(String, String)] = [
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("client_id", fixture.appID),
            ("client_secret", fixture.secret), ("device_code", deviceCode),
        ]
        let pending = try fixture.token(poll)
        #expect(pending.status == 400 && pending.string("error") == "authorization_pending", "\(pending.text)")
        #expect(pending.errorCodes == [70016])

        #expect(
            try fixture.admin("POST", "/devicecodes/NOPE12345/approve", json: #"{"user":"alice@contoso.com"}"#).status
                == 404)
        let approved = try fixture.admin(
            "POST", "/devicecodes/\(userCode.lowercased())/approve", json: #"{"user":"alice@contoso.com"}"#)
        #expect(approved.status == 204, "\(approved.text)")

        let tokens = try fixture.token(poll)
        #expect(tokens.status == 200, "\(tokens.text)")
        let claims = try SignInFixture.claims(tokens.string("access_token") ?? "")
        #expect(
            claims["oid"] == .string(fixture.alice.id) && claims["scp"] == .string("UserAuthenticationMethod.ReadWrite")
        )
        #expect(try SignInFixture.claims(tokens.string("id_token") ?? "")["aud"] == .string(fixture.appID))
        let again = try fixture.token(poll)
        #expect(again.status == 400 && again.errorCodes == [9_002_313], "a device code is redeemed once")
    }

    /// A person approves a device code on the page its `verification_uri` names.
    @Test func aPersonApprovesADeviceCodeOnTheSignInPage() throws {
        let started = try fixture.token(
            [("client_id", fixture.appID), ("scope", "User.Read")], path: "/\(fixture.tenantID)/oauth2/v2.0/devicecode")
        let userCode = try #require(started.string("user_code"))
        let page = try #require(started.string("verification_uri")?.dropFirst(fixture.base.count))
        #expect(try fixture.get(String(page)).text.contains("name=\"otc\""))
        let wrong = try fixture.token(
            [("otc", userCode), ("login", "alice@contoso.com"), ("passwd", "wrong")], path: String(page))
        #expect(wrong.status == 200 && wrong.text.contains("AADSTS50126"))
        let signedIn = try fixture.token(
            [("otc", userCode), ("login", "alice@contoso.com"), ("passwd", SignInFixture.password)], path: String(page))
        #expect(signedIn.text.contains("You have signed in"), "\(signedIn.text)")
        let tokens = try fixture.token([
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("client_id", fixture.appID),
            ("client_secret", fixture.secret), ("device_code", try #require(started.string("device_code"))),
        ])
        #expect(tokens.status == 200, "\(tokens.text)")
        #expect(try SignInFixture.claims(tokens.string("access_token") ?? "")["oid"] == .string(fixture.alice.id))
    }

    @Test func commonAndADomainResolveToTheTenantForUsersAndADomainForApps() throws {
        let user = try fixture.token(fixture.passwordGrant(scope: "User.Read"), path: "/common/oauth2/v2.0/token")
        #expect(user.status == 200, "\(user.text)")
        #expect(try SignInFixture.claims(user.string("access_token") ?? "")["tid"] == .string(fixture.tenantID))
        let app = try fixture.token(fixture.clientCredentials, path: "/contoso.com/oauth2/v2.0/token")
        #expect(app.status == 200, "\(app.text)")
        // An app signing in as itself must name its tenant, as on Entra.
        for name in ["common", "organizations"] {
            let refused = try fixture.token(fixture.clientCredentials, path: "/\(name)/oauth2/v2.0/token")
            #expect(refused.status == 400 && refused.errorCodes == [50059], "\(refused.text)")
        }
    }
}
