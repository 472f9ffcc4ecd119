import Foundation
import PhoneStore
import Synchronization
import _CryptoExtras

/// The signing keys as the service uses them: each parsed once (by `kid`, which is derived from the
/// key), the current one made on first use. Tenants sign with the service's keys until a rotation
/// gives one keys of its own (`PhoneStore.publishedSigningKeys`), so a new tenant costs no RSA key,
/// and a service that never signs anything never pays for one.
final class KeyRing: Sendable {
    static let shared = KeyRing()

    /// Makes a new key whose `kid` is none of those given (the tenant's current ones).
    typealias Maker = @Sendable (_ taken: Set<String>) throws -> SigningKeyRecord

    private let parsed = Mutex<[String: SigningKey]>([:])
    private let retirements = Mutex<[String: Double]>([:])
    private let maker = Mutex<Maker>({ _ in try SigningKey.make() })

    /// Replaces how keys are made: the test suites hand out keys from a small pool made once, as
    /// an RSA key costs a noticeable fraction of a second and hundreds of test tenants need one.
    func useMaker(_ newMaker: @escaping Maker) {
        maker.withLock { $0 = newMaker }
    }

    /// The most parsed keys kept: one service holds many tenants (docs/tenants.md), each with
    /// its keys, and deleted tenants' keys must not stay forever. Past it the cache starts over;
    /// a key parsed again costs well under a millisecond.
    let maximumParsed: Int

    init(maximumParsed: Int = 4096) {
        self.maximumParsed = maximumParsed
    }

    /// How many parsed keys are kept now.
    var parsedCount: Int { parsed.withLock { $0.count } }

    /// The parsed form of `record`.
    func key(_ record: SigningKeyRecord) throws -> SigningKey {
        if let hit = parsed.withLock({ $0[record.kid] }) { return hit }
        let key = try SigningKey(record)
        parsed.withLock { parsed in
            if parsed.count >= maximumParsed { parsed.removeAll(keepingCapacity: true) }
            parsed[record.kid] = key
        }
        return key
    }

    /// The key that signs new tokens for `store`'s tenant: its own current key once it has keys of
    /// its own (after a rotation), otherwise the service's, made and stored first when there is
    /// none. Blocks while a key is made and committed: call it off libmicrohttpd's pool threads.
    /// Two first uses at once may both make a key; the write stores one only when there is none,
    /// so both get the one stored first (no lock: a process-wide one serialised every store's
    /// first key behind each other's commits).
    func currentKey(of store: PhoneStore) throws -> SigningKey {
        let tenant = store.tenant
        if let record = tenant.currentSigningKey { return try key(record) }
        let make = maker.withLock { $0 }
        guard tenant.signingKeys.isEmpty else {
            // Rotated away from its keys: the tenant's next key is its own.
            let stored = try store.perform(.addSigningKey(try make(Set(tenant.signingKeys.map(\.kid))), of: store))
            guard let record = stored.currentSigningKey else { throw StoreError.noTenant }
            return try key(record)
        }
        let shared = store.serviceSigningKeys
        if let record = shared.first(where: { $0.retiredAt == nil }) { return try key(record) }
        return try key(store.addServiceSigningKey(try make(Set(shared.map(\.kid)))))
    }

    /// Every key of `records` that still verifies tokens (current first), parsed.
    func keys(_ records: [SigningKeyRecord], now: Date = Date()) -> [SigningKey] {
        records.filter { Self.verifies($0, now: now.timeIntervalSince1970) }.compactMap { try? key($0) }
    }

    /// The public key `kid` names among `records` that still verify tokens, or nil.
    func publicKey(kid: String, in records: [SigningKeyRecord], now: Double) -> _RSA.Signing.PublicKey? {
        guard let record = records.first(where: { $0.kid == kid }), Self.verifies(record, now: now) else {
            return nil
        }
        return try? key(record).publicKey
    }

    /// Whether the key `kid` of `records` still verifies tokens: the current key, or a retired one
    /// within its retention. Cheap for the current key: this runs on every request with a cached token.
    static func verifies(kid: String, in records: [SigningKeyRecord], now: Double) -> Bool {
        guard let record = records.first(where: { $0.kid == kid }) else { return false }
        return verifies(record, now: now)
    }

    static func verifies(_ record: SigningKeyRecord, now: Double) -> Bool {
        guard let retired = record.retiredAt else { return true }
        guard let seconds = shared.retirement(retired) else { return false }
        return now < seconds + Double(SigningKeyRecord.retiredRetentionSeconds)
    }

    /// A retired key's retirement time in seconds, parsed once per text: requests with tokens of a
    /// retired key ask on every request until their tokens expire.
    private func retirement(_ text: String) -> Double? {
        if let hit = retirements.withLock({ $0[text] }) { return hit }
        guard let date = ISO8601DateFormatter().date(from: text) else { return nil }
        retirements.withLock { retirements in
            if retirements.count >= maximumParsed { retirements.removeAll(keepingCapacity: true) }
            retirements[text] = date.timeIntervalSince1970
        }
        return date.timeIntervalSince1970
    }
}
