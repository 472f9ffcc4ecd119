import Crypto
import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// The authorization code flow with PKCE, driven through the sign-in page by a plain HTTP client:
/// the page, the redirect with `code` and `state`, the code's exchange, and each refusal.
@Suite struct AuthorizeHandlerTests {
    let fixture: SignInFixture
    let verifier = Base64URL.encode(Secrets.randomBytes(32))
    static let redirect = "http://localhost/callback"

    init() throws { fixture = try SignInFixture() }

    var authorizePath: String { "/\(fixture.tenantID)/oauth2/v2.0/authorize" }

    var parameters: [(String, String)] {
        [
            ("client_id", fixture.appID), ("response_type", "code"), ("redirect_uri", Self.redirect),
            ("scope", "https://graph.microsoft.com/UserAuthenticationMethod.ReadWrite openid offline_access"),
            ("state", "s<t&a>te"), ("nonce", "n-0S6"), ("code_challenge_method", "S256"),
            ("code_challenge", AuthorizationCodes.challenge(verifier, method: "S256")),
        ]
    }

    func query(_ fields: [(String, String)]) -> String {
        fields.map { "\($0.0)=\(SignInFixture.formEncode($0.1))" }.joined(separator: "&")
    }

    /// Signs Alice in on the page; the redirect's query.
    func signIn(password: String = SignInFixture.password) throws -> (RawHTTPClient.Response, [String: String]) {
        let response = try fixture.token(
            parameters + [("login", "alice@contoso.com"), ("passwd", password)], path: authorizePath)
        var fields: [String: String] = [:]
        if let location = response.headers["location"], let components = URLComponents(string: location) {
            for item in components.queryItems ?? [] { fields[item.name] = item.value }
        }
        return (response, fields)
    }

    func exchange(_ code: String, verifier: String? = nil) throws -> RawHTTPClient.Response {
        try fixture.token([
            ("grant_type", "authorization_code"), ("client_id", fixture.appID), ("client_secret", fixture.secret),
            ("code", code), ("redirect_uri", Self.redirect), ("code_verifier", verifier ?? self.verifier),
        ])
    }

    @Test func thePageSignsInRedirectsWithACodeAndTheCodeIsExchangedOnce() throws {
        let page = try fixture.get(authorizePath + "?" + query(parameters))
        #expect(page.status == 200, "\(page.text)")
        #expect(page.headers["content-type"] == "text/html; charset=utf-8")
        #expect(page.text.contains("name=\"passwd\"") && page.text.contains("Onboarding"))
        #expect(page.text.contains("s&lt;t&amp;a&gt;te") && !page.text.contains("s<t&a>te"), "state is escaped")

        let (redirect, fields) = try signIn()
        #expect(redirect.status == 302, "\(redirect.text)")
        #expect(redirect.headers["location"]?.hasPrefix(Self.redirect + "?code=") == true)
        #expect(fields["state"] == "s<t&a>te")
        let code = try #require(fields["code"])

        let tokens = try exchange(code)
        #expect(tokens.status == 200, "\(tokens.text)")
        let access = try SignInFixture.claims(tokens.string("access_token") ?? "")
        #expect(
            access["oid"] == .string(fixture.alice.id) && access["scp"] == .string("UserAuthenticationMethod.ReadWrite")
        )
        #expect(try SignInFixture.claims(tokens.string("id_token") ?? "")["nonce"] == .string("n-0S6"))
        #expect(tokens.string("refresh_token") != nil)

        let reused = try exchange(code)
        #expect(reused.status == 400 && reused.errorCodes == [54005], "\(reused.text)")
    }

    @Test func aWrongPasswordShowsThePageAgainWithoutACode() throws {
        let (page, fields) = try signIn(password: "wrong")
        #expect(page.status == 200)
        #expect(fields["code"] == nil)
        #expect(page.text.contains("AADSTS50126"))
    }

    @Test func aVerifierThatDoesNotMatchTheChallengeIsRefused() throws {
        let code = try #require(try signIn().1["code"])
        let refused = try exchange(code, verifier: Base64URL.encode(Secrets.randomBytes(32)))
        #expect(refused.status == 400 && refused.errorCodes == [501_481], "\(refused.text)")
    }

    @Test func anUnregisteredRedirectURIGetsAnErrorPageNotARedirect() throws {
        let elsewhere = parameters.map { $0.0 == "redirect_uri" ? ($0.0, "https://attacker.example/steal") : $0 }
        let page = try fixture.get(authorizePath + "?" + query(elsewhere))
        #expect(page.status == 400)
        #expect(page.headers["location"] == nil)
        #expect(page.text.contains("AADSTS50011"))
    }

    @Test func fragmentModeRedirectsWithTheCodeInTheFragment() throws {
        let response = try fixture.token(
            parameters + [
                ("response_mode", "fragment"), ("login", "alice@contoso.com"), ("passwd", SignInFixture.password),
            ],
            path: authorizePath)
        #expect(response.status == 302, "\(response.text)")
        let location = try #require(response.headers["location"])
        #expect(location.hasPrefix(Self.redirect + "#code="), "\(location)")
        let fragment = try #require(URLComponents(string: location)?.percentEncodedFragment)
        var fields: [String: String] = [:]
        for pair in fragment.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? "" }
            fields[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        #expect(fields["state"] == "s<t&a>te")
        #expect(try exchange(try #require(fields["code"])).status == 200)
    }

    @Test func formPostModeAnswersAPageThatPostsTheCodeToTheRedirectURI() throws {
        let response = try fixture.token(
            parameters + [
                ("response_mode", "form_post"), ("login", "alice@contoso.com"), ("passwd", SignInFixture.password),
            ],
            path: authorizePath)
        #expect(response.status == 200 && response.headers["location"] == nil, "\(response.text)")
        #expect(response.headers["content-type"] == "text/html; charset=utf-8")
        let page = response.text
        #expect(page.contains("<form method=\"post\" name=\"hiddenform\" action=\"\(Self.redirect)\">"), "\(page)")
        #expect(page.contains("<input type=\"hidden\" name=\"state\" value=\"s&lt;t&amp;a&gt;te\">"), "\(page)")
        let marker = "name=\"code\" value=\""
        let start = try #require(page.range(of: marker)).upperBound
        let code = String(page[start...].prefix { $0 != "\"" })
        #expect(try exchange(code).status == 200)
    }

    @Test func anUnknownResponseModeGetsAnErrorPage() throws {
        let page = try fixture.get(authorizePath + "?" + query(parameters + [("response_mode", "carrier_pigeon")]))
        #expect(page.status == 400 && page.headers["location"] == nil)
        #expect(page.text.contains("AADSTS70007") && page.text.contains("carrier_pigeon"), "\(page.text)")
    }
}

/// Signing out (`end_session_endpoint`): back to a registered `post_logout_redirect_uri` with
/// `state`, otherwise a page; v1's path the same.
@Suite struct LogoutHandlerTests {
    let fixture: SignInFixture
    init() throws { fixture = try SignInFixture() }

    @Test(arguments: ["/oauth2/v2.0/logout", "/oauth2/logout"])
    func aRegisteredRedirectIsFollowedAndAnythingElseGetsAPage(path: String) throws {
        let base = "/\(fixture.tenantID)\(path)"
        let back = try fixture.get(
            base + "?client_id=\(fixture.appID)&post_logout_redirect_uri=http%3A%2F%2Flocalhost%2Fcallback&state=s%261")
        #expect(back.status == 302, "\(back.text)")
        #expect(back.headers["location"] == "http://localhost/callback?state=s%261")
        for query in [
            "?client_id=\(fixture.appID)&post_logout_redirect_uri=https%3A%2F%2Fattacker.example%2F",
            "?post_logout_redirect_uri=http%3A%2F%2Flocalhost%2Fcallback", "",
        ] {
            let page = try fixture.get(base + query)
            #expect(page.status == 200 && page.headers["location"] == nil, "\(query): \(page.text)")
            #expect(page.text.contains("You signed out"))
        }
        let unknown = try fixture.get("/0badbad0-0000-4000-8000-000000000000\(path)")
        #expect(unknown.status == 400 && unknown.errorCodes == [90002], "\(unknown.text)")
    }
}
