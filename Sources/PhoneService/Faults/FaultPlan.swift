import Foundation
import Synchronization

/// The fault rules of a running service, listed, added and removed over the admin API.
final class FaultPlan: Sendable {
    private let rules = Mutex<[FaultRule]>([])
    /// The time in seconds since 1970, the scale of a rule's `expires`. Injected so that a test can
    /// let a rule run out without waiting for it; the real clock otherwise.
    let now: @Sendable () -> Double

    init(now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.now = now
    }

    func add(_ rule: FaultRule) { rules.withLock { $0.append(rule) } }

    func list() -> [FaultRule] {
        let now = self.now()
        return rules.withLock { rules in
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
        method: String, path: @autoclosure () -> String, userID: String?, appID: String, signIn: Bool = false
    ) -> FaultRule? {
        let now = self.now()
        return rules.withLock { rules in
            if rules.isEmpty { return nil }
            let path = path()
            guard
                let index = rules.firstIndex(where: {
                    $0.applies(method: method, path: path, userID: userID, appID: appID, signIn: signIn, now: now)
                })
            else { return nil }
            if let remaining = rules[index].remaining { rules[index].remaining = remaining - 1 }
            return rules[index]
        }
    }
}
