import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// The v1 sign-in endpoints the v1 discovery document names, as ADAL-era clients use them over
/// HTTP: the authorize page with `resource`, and `/oauth2/devicecode`, both redeemed at the v1
/// token endpoint in v1's names and shape.
@Suite struct V1SignInTests {
    let fixture: SignInFixture
    static let redirect = "http://localhost/callback"
    static let graph = "https://graph.microsoft.com"

    init() throws { fixture = try SignInFixture() }

    var tenantPath: String { "/\(fixture.tenantID)" }

    var authorizeFields: [(String, String)] {
        [
            ("client_id", fixture.appID), ("response_type", "code"), ("redirect_uri", Self.redirect),
            ("resource", Self.graph), ("state", "s1"), ("nonce", "n-1"),
        ]
    }

    func query(_ fields: [(String, String)]) -> String {
        fields.map { "\($0.0)=\(SignInFixture.formEncode($0.1))" }.joined(separator: "&")
    }

    /// ADAL's redemption of a code: no scope, the resource again, the client's secret.
    func redeem(_ code: String) throws -> RawHTTPClient.Response {
        try fixture.token(
            [
                ("grant_type", "authorization_code"), ("client_id", fixture.appID), ("resource", Self.graph),
                ("redirect_uri", Self.redirect), ("code", code), ("client_secret", fixture.secret),
            ], path: tenantPath + "/oauth2/token")
    }

    @Test func theAuthorizePageTakesAResourceAndItsCodeGivesV1Tokens() throws {
        let page = try fixture.get(tenantPath + "/oauth2/authorize?" + query(authorizeFields))
        #expect(page.status == 200, "\(page.text)")
        #expect(page.text.contains("action=\"\(tenantPath)/oauth2/authorize\""), "the form posts back to v1")
        #expect(page.text.contains("name=\"resource\" value=\"\(Self.graph)\""), "\(page.text)")

        let signedIn = try fixture.token(
            authorizeFields + [("login", "alice@contoso.com"), ("passwd", SignInFixture.password)],
            path: tenantPath + "/oauth2/authorize")
        #expect(signedIn.status == 302, "\(signedIn.text)")
        let location = try #require(signedIn.headers["location"])
        let items = URLComponents(string: location)?.queryItems ?? []
        #expect(
            location.hasPrefix(Self.redirect + "?code=") && items.contains { $0.name == "state" && $0.value == "s1" })
        let code = try #require(items.first { $0.name == "code" }?.value)

        let tokens = try redeem(code)
        #expect(tokens.status == 200, "\(tokens.text)")
        #expect(tokens.string("resource") == Self.graph && tokens.string("expires_in") == "3600", "v1's shape")
        let access = try SignInFixture.claims(tokens.string("access_token") ?? "")
        #expect(access["oid"] == .string(fixture.alice.id))
        #expect(access["scp"] == .string(SignInFixture.delegatedPermissions.joined(separator: " ")), "static consent")
        #expect(try SignInFixture.claims(tokens.string("id_token") ?? "")["nonce"] == .string("n-1"))
        #expect(tokens.string("refresh_token") != nil)
        let phones = "/v1.0/users/alice%40contoso.com/authentication/phoneMethods"
        #expect(try fixture.server.send("GET", phones, token: tokens.string("access_token")).status == 200)

        let again = try redeem(code)
        #expect(again.status == 400 && again.errorCodes == [54005], "\(again.text)")
    }

    @Test func theAuthorizePageRefusesAnotherResourceWithAPage() throws {
        let other = authorizeFields.map { $0.0 == "resource" ? ($0.0, "https://management.azure.com") : $0 }
        let page = try fixture.get(tenantPath + "/oauth2/authorize?" + query(other))
        #expect(page.status == 400 && page.headers["location"] == nil)
        #expect(page.text.contains("AADSTS500011"), "\(page.text)")
    }

    @Test func aV1DeviceCodeIsAnsweredInV1sShapeAndPolledWithCode() throws {
        let started = try fixture.token(
            [("client_id", fixture.appID), ("resource", Self.graph)], path: tenantPath + "/oauth2/devicecode")
        #expect(started.status == 200, "\(started.text)")
        #expect(started.string("verification_url")?.hasPrefix(fixture.base) == true, "\(started.text)")
        #expect(started.object["verification_uri"] == nil)
        #expect(started.string("expires_in") == "900" && started.string("interval") == "5", "numbers as strings")
        let userCode = try #require(started.string("user_code"))
        #expect(started.string("message")?.contains(userCode) == true)

        let poll: [(String, String)] = [
            ("grant_type", "device_code"), ("client_id", fixture.appID), ("resource", Self.graph),
            ("code", try #require(started.string("device_code"))), ("client_secret", fixture.secret),
        ]
        let pending = try fixture.token(poll, path: tenantPath + "/oauth2/token")
        #expect(pending.status == 400 && pending.string("error") == "authorization_pending", "\(pending.text)")
        #expect(pending.errorCodes == [70016])

        let approved = try fixture.admin(
            "POST", "/devicecodes/\(userCode)/approve", json: #"{"user":"alice@contoso.com"}"#)
        #expect(approved.status == 204, "\(approved.text)")
        let tokens = try fixture.token(poll, path: tenantPath + "/oauth2/token")
        #expect(tokens.status == 200, "\(tokens.text)")
        #expect(tokens.string("resource") == Self.graph && tokens.string("refresh_token") != nil)
        let access = try SignInFixture.claims(tokens.string("access_token") ?? "")
        #expect(access["oid"] == .string(fixture.alice.id))
        #expect(access["scp"] == .string(SignInFixture.delegatedPermissions.joined(separator: " ")))
        let again = try fixture.token(poll, path: tenantPath + "/oauth2/token")
        #expect(again.status == 400 && again.errorCodes == [9_002_313], "redeemed once: \(again.text)")
    }

    @Test(arguments: [
        ([("resource", graph)], 900_144, "invalid_request"),
        ([("client_id", "00000000-0000-4000-8000-00000000beef"), ("resource", graph)], 700_016, "unauthorized_client"),
        ([("client_id", "APP"), ("resource", "https://management.azure.com")], 500_011, "invalid_resource"),
        ([("client_id", "APP"), ("scope", "User.Read")], 900_144, "invalid_request"),
    ])
    func aV1DeviceCodeRequestIsRefusedInEntrasShape(form: [(String, String)], code: Int, error: String) throws {
        let fields = form.map { $0.1 == "APP" ? ($0.0, fixture.appID) : $0 }
        let refused = try fixture.token(fields, path: tenantPath + "/oauth2/devicecode")
        #expect(
            refused.status == 400 && refused.errorCodes == [code] && refused.string("error") == error, "\(refused.text)"
        )
    }

    /// Every endpoint the v1 discovery document names is served (they answered 404 before).
    @Test func theV1DiscoveryDocumentNamesOnlyServedEndpoints() throws {
        let discovery = try fixture.get(tenantPath + "/.well-known/openid-configuration")
        for key in ["authorization_endpoint", "device_authorization_endpoint", "token_endpoint"] {
            let url = try #require(discovery.string(key), "\(key)")
            let path = String(url.dropFirst(fixture.base.count))
            let answer = try fixture.token([("client_id", fixture.appID)], path: path)
            #expect(answer.status != 404 && !answer.errorCodes.contains(900_023), "\(key): \(answer.text)")
        }
    }
}
