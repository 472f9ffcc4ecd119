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
    var delayMilliseconds: Int?
    /// How many more requests the rule applies to; nil for no limit.
    var remaining: Int?
    /// Until when the rule applies (seconds since 1970); nil for no limit.
    var expires: Double?
    var created: Double

    func applies(method: String, path: String, userID: String?, appID: String, now: Double) -> Bool {
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
        var error = GraphError(
            status: status, code: code ?? Self.defaultCode(status),
            message: message ?? "Injected by phone-service fault rule \(id).")
        if let retryAfterSeconds { error.headers["Retry-After"] = String(retryAfterSeconds) }
        return error
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
