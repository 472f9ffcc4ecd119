import PhoneStore
import Synchronization

/// Tokens already verified, by their full text, with their lifetime: a client sends the same
/// token with every request, and verifying it (base64, an RSA signature, JSON) would be most of a
/// read's cost; here it happens once per token.
/// Lifetime is checked again on every hit; only the signature check and parsing are saved. Keys are
/// hashed from samples (`SampledText`); only verified tokens are stored, and a token's last bytes
/// are its signature, so stored keys cannot be made to collide.
final class TokenCache: Sendable {
    struct Entry: Sendable {
        var principal: Principal
        var expires: Double
        var notBefore: Double?
        /// The `kid` of the key that verified the token: once the tenant no longer has that key (a
        /// reset, a restore, a retired key's retention ending) the entry no longer counts.
        var kid: String
        /// The token's `rh` (nil: a token from before epochs): once a reset changed the tenant's
        /// epoch the entry no longer counts.
        var epoch: String?
    }

    static let capacity = 10_000
    private let entries = Mutex<[SampledText: Entry]>([:])
    /// When the verifier last read the tenant again for an unknown key (`TokenVerifier`).
    let lastReload = Mutex<Double>(0)

    /// The entry for `token`, whichever key verified it (the caller checks that key still counts).
    func lookup(_ token: String) -> Entry? {
        entries.withLock { entries in entries[SampledText(token)] }
    }

    func store(_ token: String, _ entry: Entry) {
        entries.withLock { entries in
            // A full cache starts over: simpler than LRU, and a real client set is far smaller.
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[SampledText(token)] = entry
        }
    }
}
