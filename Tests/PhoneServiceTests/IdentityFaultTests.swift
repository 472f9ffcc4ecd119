import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// Identity faults over HTTP: deliberately broken tokens from the admin API, each refused by the
/// Graph routes as Graph refuses it; claims challenges from fault rules; and fault rules on the
/// token endpoint, answered in Entra's shape.
@Suite struct IdentityFaultTests {
    let fixture: SignInFixture
    var server: TestServer { fixture.server }
    var alicePhones: String { "/v1.0/users/alice%40contoso.com/authentication/phoneMethods" }

    init() throws {
        fixture = try SignInFixture()
    }

    func mint(_ defect: String?) throws -> RawHTTPClient.Response {
        let extra = defect.map { #","defect":"\#($0)""# } ?? ""
        return try fixture.admin(
            "POST", "/tokens", json: #"{"app":true,"roles":["UserAuthenticationMethod.Read.All"]\#(extra)}"#)
    }

    @Test(arguments: [
        ("expired", "Lifetime validation failed, the token is expired."),
        ("notYetValid", "Lifetime validation failed, the token is expired."),
        ("wrongAudience", "Access token validation failure."),
        ("wrongIssuer", "Access token validation failure."),
        ("badSignature", "Access token validation failure."),
    ])
    func eachDefectIsRefusedAsGraphRefusesIt(defect: String, message: String) throws {
        let minted = try mint(defect)
        #expect(minted.status == 200, "\(minted.text)")
        let token = try #require(minted.string("accessToken"))
        let answer = try server.send("GET", alicePhones, token: token)
        #expect(answer.status == 401, "\(answer.text)")
        #expect(answer.errorCode == "InvalidAuthenticationToken" && answer.errorMessage == message, "\(answer.text)")
        // The same token without the defect is accepted: only the defect is wrong.
        let sound = try #require(try mint(nil).string("accessToken"))
        #expect(try server.send("GET", alicePhones, token: sound).status == 200)
    }

    @Test func anUnknownDefectIsRefusedNamingTheKnownOnes() throws {
        let answer = try mint("slightlyOff")
        #expect(answer.status == 400)
        #expect(answer.errorMessage?.contains("expired, notYetValid, wrongAudience") == true, "\(answer.text)")
    }

    @Test func aClaimsChallengeRuleAnswers401WithTheEncodedClaims() throws {
        let token = try #require(try mint(nil).string("accessToken"))
        let claims = #"{"access_token":{"acrs":{"essential":true,"value":"c1"}}}"#
        let rule = try fixture.admin(
            "POST", "/faults",
            json:
                #"{"path":"/v1.0/users/**","claimsChallenge":true,"claims":"\#(claims.replacingOccurrences(of: "\"", with: "\\\""))","count":1}"#
        )
        #expect(rule.status == 201, "\(rule.text)")
        let challenged = try server.send("GET", alicePhones, token: token)
        #expect(challenged.status == 401 && challenged.errorCode == "InvalidAuthenticationToken", "\(challenged.text)")
        let header = try #require(challenged.headers["www-authenticate"])
        #expect(header.hasPrefix("Bearer ") && header.contains(#"error="insufficient_claims""#), "\(header)")
        let encoded = try #require(header.split(separator: "claims=\"").last?.dropLast())
        let decoded = try #require(Data(base64Encoded: String(encoded)))
        #expect(String(decoding: decoded, as: UTF8.self) == claims)
        #expect(try server.send("GET", alicePhones, token: token).status == 200, "one request only (count 1)")

        let byDefault = try fixture.admin("POST", "/faults", json: #"{"claimsChallenge":true,"count":1}"#)
        #expect(byDefault.status == 201, "\(byDefault.text)")
        let header2 = try #require(try server.send("GET", alicePhones, token: token).headers["www-authenticate"])
        let encoded2 = try #require(header2.split(separator: "claims=\"").last?.dropLast())
        let json = String(decoding: try #require(Data(base64Encoded: String(encoded2))), as: UTF8.self)
        #expect(json.hasPrefix(#"{"access_token":{"nbf":{"essential":true,"value":""#), "\(json)")

        for (body, complaint) in [
            (#"{"claimsChallenge":true,"status":503}"#, "401"),
            (#"{"claimsChallenge":true,"claims":"[1]"}"#, "JSON object"),
            (#"{"status":500,"claims":"{}"}"#, "claimsChallenge"),
        ] {
            let refused = try fixture.admin("POST", "/faults", json: body)
            #expect(refused.status == 400 && refused.errorMessage?.contains(complaint) == true, "\(refused.text)")
        }
    }

    @Test func faultRulesNamingTheTokenPathAnswerInEntrasShape() throws {
        let rule = try fixture.admin(
            "POST", "/faults", json: #"{"path":"/*/oauth2/v2.0/token","status":503,"retryAfter":2,"count":2}"#)
        #expect(rule.status == 201, "\(rule.text)")
        for _ in 0..<2 {
            let refused = try fixture.token(fixture.clientCredentials)
            #expect(refused.status == 503, "\(refused.text)")
            #expect(refused.string("error") == "temporarily_unavailable", "\(refused.text)")
            #expect(refused.string("error_description")?.hasPrefix("AADSTS90033:") == true, "\(refused.text)")
            #expect(refused.headers["retry-after"] == "2")
        }
        let granted = try fixture.token(fixture.clientCredentials)
        #expect(granted.status == 200, "\(granted.text)")

        let throttled = try fixture.admin(
            "POST", "/faults", json: #"{"path":"/*/oauth2/v2.0/token","status":429,"retryAfter":5,"count":1}"#)
        #expect(throttled.status == 201)
        let slowDown = try fixture.token(fixture.clientCredentials)
        #expect(slowDown.status == 429 && slowDown.headers["retry-after"] == "5", "\(slowDown.text)")
        #expect(slowDown.string("error") == "temporarily_unavailable")

        // A rule without a path is for Graph's requests only: the token request passes it by.
        #expect(try fixture.admin("POST", "/faults", json: #"{"status":500,"count":1}"#).status == 201)
        let token = try fixture.token(fixture.clientCredentials)
        #expect(token.status == 200, "\(token.text)")
        let graph = try server.send("GET", alicePhones, token: token.string("access_token"))
        #expect(graph.status == 500 && graph.errorCode == "generalException", "\(graph.text)")
    }
}
