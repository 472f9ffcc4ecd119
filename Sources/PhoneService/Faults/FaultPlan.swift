import Foundation
import Synchronization

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

/// The fault rules of a running service, listed, added and removed over the admin API.
final class FaultPlan: Sendable {
    private let rules = Mutex<[FaultRule]>([])

    func add(_ rule: FaultRule) { rules.withLock { $0.append(rule) } }

    func list(now: Double = Date().timeIntervalSince1970) -> [FaultRule] {
        rules.withLock { rules in
            rules.removeAll { rule in rule.expires.map { now >= $0 } ?? false || (rule.remaining ?? 1) <= 0 }
            return rules
        }
    }

    @discardableResult
    func remove(id: String) -> Bool {
        rules.withLock { rules in
            let before = rules.count
            rules.removeAll { $0.id == id }
            return rules.count != before
        }
    }

    func removeAll() { rules.withLock { $0.removeAll() } }

    /// The first rule that applies to this request, counted against its limit in the same step, so
    /// that "the next 3 requests" means exactly 3 however many arrive at once.
    /// `path` is only worked out when there are rules (it runs on every request).
    func take(
        method: String, path: @autoclosure () -> String, userID: String?, appID: String,
        now: Double = Date().timeIntervalSince1970
    ) -> FaultRule? {
        rules.withLock { rules in
            if rules.isEmpty { return nil }
            let path = path()
            guard
                let index = rules.firstIndex(where: {
                    $0.applies(method: method, path: path, userID: userID, appID: appID, now: now)
                })
            else { return nil }
            if let remaining = rules[index].remaining { rules[index].remaining = remaining - 1 }
            return rules[index]
        }
    }
}

/// Glob matching for fault paths: `*` is any run of characters but '/', `**` any run at all.
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        matches(Array(pattern.utf8)[...], Array(text.utf8)[...])
    }

    private static func matches(_ pattern: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>) -> Bool {
        guard let first = pattern.first else { return text.isEmpty }
        let star = UInt8(ascii: "*")
        if first == star {
            let doubleStar = pattern.dropFirst().first == star
            let rest = pattern.dropFirst(doubleStar ? 2 : 1)
            var index = text.startIndex
            while true {
                if matches(rest, text[index...]) { return true }
                guard index < text.endIndex, doubleStar || text[index] != UInt8(ascii: "/") else { return false }
                index += 1
            }
        }
        guard let head = text.first, head == first else { return false }
        return matches(pattern.dropFirst(), text.dropFirst())
    }
}
