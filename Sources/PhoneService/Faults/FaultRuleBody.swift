import Foundation
import PhoneStore

/// Fault rules as the admin API reads and writes them:
/// `{"method": "POST", "path": "/v1.0/users/*/authentication/phoneMethods", "user": "alice@contoso.com",
///   "appId": "...", "status": 503, "code": "serviceNotAvailable", "message": "...", "retryAfter": 2,
///   "delayMs": 200, "count": 3, "durationSeconds": 60}`.
enum FaultRuleBody {
    static func parse(_ request: HTTPRequest, store: PhoneStore, now: Double = Date().timeIntervalSince1970) throws
        -> FaultRule
    {
        let body = try AdminBody(request, describing: "'status' or 'delayMs', and what the rule applies to")
        try body.only([
            "method", "path", "user", "appId", "status", "code", "message", "retryAfter", "delayMs", "count",
            "durationSeconds", "claimsChallenge", "claims",
        ])
        var status = try body.int("status")
        let delay = try body.int("delayMs")
        let claims = try claimsChallenge(body, status: status, now: now)
        if claims != nil { status = 401 }
        guard status != nil || delay != nil else {
            throw GraphError.badRequest(
                "A fault rule needs 'status' (an error to answer) or 'delayMs' (a delay), or both.")
        }
        if let status, !(400...599).contains(status) {
            throw GraphError.badRequest("The property 'status' must be an error status from 400 to 599.")
        }
        if let delay, !(0...60_000).contains(delay) {
            throw GraphError.badRequest("The property 'delayMs' must be from 0 to 60000.")
        }
        let retryAfter = try body.int("retryAfter")
        if let retryAfter, retryAfter < 0 {
            throw GraphError.badRequest("The property 'retryAfter' must not be negative.")
        }
        let count = try body.int("count")
        if let count, count < 1 { throw GraphError.badRequest("The property 'count' must be at least 1.") }
        let duration = try body.int("durationSeconds")
        if let duration, duration < 1 {
            throw GraphError.badRequest("The property 'durationSeconds' must be at least 1.")
        }
        var userID: String?
        if let key = try body.string("user") {
            guard let user = try store.user(key: key) else {
                throw GraphError.itemNotFound("no user '\(key)' in this tenant")
            }
            userID = user.id
        }
        let method = try body.string("method")?.uppercased()
        return FaultRule(
            id: UUID().uuidString.lowercased(), method: method, path: try body.string("path"), userID: userID,
            appID: try body.string("appId"), status: status, code: try body.string("code"),
            message: try body.string("message"), retryAfterSeconds: retryAfter, claimsChallenge: claims,
            delayMilliseconds: delay,
            remaining: count, expires: duration.map { now + Double($0) }, created: now)
    }

    /// `"claimsChallenge": true`, with the claims in `"claims"` (JSON text) or the default ones: the
    /// claims of a `401` challenge, which is always a `401`.
    private static func claimsChallenge(_ body: AdminBody, status: Int?, now: Double) throws -> String? {
        let claims = try body.string("claims")
        guard try body.bool("claimsChallenge") == true else {
            guard claims == nil else { throw GraphError.badRequest("The property 'claims' needs 'claimsChallenge'.") }
            return nil
        }
        guard status == nil || status == 401 else {
            throw GraphError.badRequest("A claims challenge is a 401: leave 'status' out or make it 401.")
        }
        guard let claims else { return FaultRule.defaultClaims(now: now) }
        guard case .object? = try? JSONParser.parse(claims) else {
            throw GraphError.badRequest("The property 'claims' must be a JSON object, as text.")
        }
        return claims
    }

    /// A rule as the admin API shows it; what the rule does not set is left out.
    static func value(_ rule: FaultRule) -> JSONValue {
        let optional: [(String, JSONValue?)] = [
            ("method", rule.method.map(JSONValue.string)),
            ("path", rule.path.map(JSONValue.string)),
            ("userId", rule.userID.map(JSONValue.string)),
            ("appId", rule.appID.map(JSONValue.string)),
            ("status", rule.status.map { .number(Double($0)) }),
            ("code", rule.error.map { .string($0.code) }),
            ("message", rule.message.map(JSONValue.string)),
            ("retryAfter", rule.retryAfterSeconds.map { .number(Double($0)) }),
            ("claims", rule.claimsChallenge.map(JSONValue.string)),
            ("delayMs", rule.delayMilliseconds.map { .number(Double($0)) }),
            ("remaining", rule.remaining.map { .number(Double($0)) }),
            ("expiresDateTime", rule.expires.map { .string(Timestamp.format(Date(timeIntervalSince1970: $0))) }),
        ]
        return .object([("id", .string(rule.id))] + optional.compactMap { name, value in value.map { (name, $0) } })
    }
}
