import Synchronization

/// The `tid` each recently seen token names, so that routing a Graph request to its tenant does not
/// decode the token's JSON on every request (the tenant's `TokenVerifier` caches the rest). Bounded:
/// emptied when full, as tokens are many and short-lived.
final class TokenTenantCache: Sendable {
    static let capacity = 10_000
    private let entries = Mutex<[String: String]>([:])

    /// The `tid` of `token`, from the cache or from `decode` (nil: not a JWT with a `tid`).
    func tenantID(_ token: String, decode: (String) -> String?) -> String? {
        if let hit = entries.withLock({ $0[token] }) { return hit }
        guard let tid = decode(token) else { return nil }
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = tid
        }
        return tid
    }
}
