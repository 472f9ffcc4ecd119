import Foundation
import Synchronization

/// Remembers the `Retry-After` each caller was given for a method and path, so that the journal
/// can mark a retry that came before it had elapsed: a test asserts its client honours it.
final class RetryTracker: Sendable {
    private let deadlines = Mutex<[String: Double]>([:])
    static let capacity = 10_000

    static func key(principal: Principal, method: String, path: String) -> String {
        "\(principal.userID ?? "app:" + principal.appID) \(method.uppercased()) \(path)"
    }

    func note(_ key: String, retryAfter seconds: Int, now: Double = Date().timeIntervalSince1970) {
        deadlines.withLock { deadlines in
            if deadlines.count >= Self.capacity { deadlines = deadlines.filter { $0.value > now } }
            deadlines[key] = now + Double(seconds)
        }
    }

    /// True when this caller was told to wait for this method and path, and the time is not up.
    /// `key` is only built when some caller was told to wait (this runs on every request).
    func isEarly(_ key: @autoclosure () -> String, now: Double = Date().timeIntervalSince1970) -> Bool {
        deadlines.withLock { deadlines in
            if deadlines.isEmpty { return false }
            let key = key()
            guard let deadline = deadlines[key] else { return false }
            if now >= deadline { deadlines[key] = nil }
            return now < deadline
        }
    }

    func removeAll() { deadlines.withLock { $0.removeAll() } }
}
