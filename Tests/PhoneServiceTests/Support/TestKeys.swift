import Foundation
import PhoneStore
import Synchronization

@testable import PhoneService

/// Signing keys for test tenants from a pool made once per test process: a new RSA key per test
/// tenant would cost more than the rest of most tests. Keys are handed out in turn, never one the
/// tenant has, so a rotation or a reset still changes the `kid`.
enum TestKeys {
    static let pool: [SigningKeyRecord] = (0..<4).compactMap { _ in try? SigningKey.make() }
    private static let next = Atomic<Int>(0)

    /// Installs the pool as the way keys are made (idempotent).
    static let install: Void = {
        KeyRing.shared.useMaker { taken in
            let start = next.add(1, ordering: .relaxed).oldValue
            let turn = (0..<pool.count).map { pool[(start + $0) % pool.count] }
            guard let key = turn.first(where: { !taken.contains($0.kid) }) else { return try SigningKey.make() }
            return SigningKeyRecord(
                kid: key.kid, x5t: key.x5t, privateKey: key.privateKey, certificate: key.certificate,
                createdAt: Timestamp.now())
        }
    }()
}
