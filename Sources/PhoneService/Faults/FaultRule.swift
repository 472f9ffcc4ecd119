import Foundation

/// One fault rule: which requests it applies to (method, path pattern, calling user, calling app),
/// for how many of them or how long, and what happens to them (an error status, a delay, or both).
/// Rules live in memory: a restart or a tenant reset clears them [choice].
struct FaultRule: Sendable {
    var id: String
    var method: String?
    /// `*` matches within one path segment, `**` across segments; compared without regard to case
    /// against the path with each segment percent-decoded, e.g. `/v1.0/users/*/authentication/**`.
    var path: String?
    /// The signed-in user of a delegated token (object id).
    var userID: String?
    /// The calling app (`appid`).
    var appID: String?
    var status: Int?
    var code: String?
    var message: String?
    var retryAfterSeconds: Int?
    /// The claims (JSON text) of a continuous-access-evaluation challenge: the rule answers `401`
    /// with `WWW-Authenticate: Bearer ... error="insufficient_claims", claims="<base64>"`.
    var claimsChallenge: String?
    var delayMilliseconds: Int?
    /// How many more requests the rule applies to; nil for no limit.
    var remaining: Int?
    /// Until when the rule applies (seconds since 1970); nil for no limit.
    var expires: Double?
    var created: Double

    /// Sign-in requests (`signIn`) meet only the rules that name a path: a rule for "the next
    /// three requests" means Graph's, not the token requests that come before them.
    func applies(method: String, path: String, userID: String?, appID: String, signIn: Bool, now: Double) -> Bool {
        if signIn && self.path == nil { return false }
        if let expires, now >= expires { return false }
        if let remaining, remaining <= 0 { return false }
        if let wanted = self.method, wanted.uppercased() != method.uppercased() { return false }
        if let wanted = self.userID, wanted != userID { return false }
        if let wanted = self.appID, wanted.lowercased() != appID.lowercased() { return false }
        if let pattern = self.path, !Glob.matches(pattern.lowercased(), path.lowercased()) { return false }
        return true
    }

    /// The Graph error this rule answers with, when it has a status.
    var error: GraphError? {
        guard let status else { return nil }
        if let claimsChallenge {
            return GraphError(
                status: 401, code: code ?? "InvalidAuthenticationToken",
                message: message ?? Self.challengeMessage,
                headers: ["WWW-Authenticate": Self.challenge(claims: claimsChallenge)])
        }
        var error = GraphError(
            status: status, code: code ?? Self.defaultCode(status),
            message: message ?? "Injected by phone-service fault rule \(id).")
        if let retryAfterSeconds { error.headers["Retry-After"] = String(retryAfterSeconds) }
        return error
    }

    /// What Graph says with a continuous access evaluation challenge.
    static let challengeMessage =
        "Continuous access evaluation resulted in challenge with result: InteractionRequired and code: "
        + "TokenIssuedBeforeRevocationTimestamp"

    /// Graph's challenge header: the claims base64-encoded (standard alphabet, padded), as
    /// Microsoft's clients decode them before asking the token service again with `claims=`.
    static func challenge(claims: String) -> String {
        let encoded = Data(claims.utf8).base64EncodedString()
        return #"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", "#
            + #"client_id="00000003-0000-0000-c000-000000000000", error="insufficient_claims", claims="\#(encoded)""#
    }

    /// The claims a challenge asks for when the rule names none: a token issued from now on.
    static func defaultClaims(now: Double) -> String {
        #"{"access_token":{"nbf":{"essential":true,"value":"\#(Int(now))"}}}"#
    }

    static func defaultCode(_ status: Int) -> String {
        switch status {
        case 429: "TooManyRequests"
        case 503: "serviceNotAvailable"
        case 504: "gatewayTimeout"
        case 500...: "generalException"
        default: "badRequest"
        }
    }
}
