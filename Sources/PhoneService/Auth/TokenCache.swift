import PhoneStore
import Synchronization

/// Tokens already verified, by their full text, with their lifetime: a client sends the same
/// token with every request, and verifying it (base64, HMAC, JSON) is most of a read's cost.
/// Lifetime is checked again on every hit; only the signature check and parsing are saved. Keys are
/// hashed from samples (`SampledText`); only verified tokens are stored, and a token's last bytes
/// are its signature, so stored keys cannot be made to collide.
final class TokenCache: Sendable {
    struct Entry: Sendable {
        var principal: Principal
        var expires: Double
        var notBefore: Double?
        /// The key that verified the token: after a key change the entry no longer counts.
        var signingKey: [UInt8]
    }

    static let capacity = 10_000
    private let entries = Mutex<[SampledText: Entry]>([:])

    /// The entry for `token` if it was verified with `signingKey`.
    func lookup(_ token: String, signingKey: [UInt8]) -> Entry? {
        entries.withLock { entries in
            guard let entry = entries[SampledText(token)], entry.signingKey == signingKey else { return nil }
            return entry
        }
    }

    func store(_ token: String, _ entry: Entry) {
        entries.withLock { entries in
            // A full cache starts over: simpler than LRU, and a real client set is far smaller.
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[SampledText(token)] = entry
        }
    }
}
