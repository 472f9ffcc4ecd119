import Foundation
import Synchronization

/// Device code sign-ins in progress (RFC 8628 as Entra runs it): made by `/oauth2/v2.0/devicecode`,
/// approved for a user through the admin API, redeemed once at the token endpoint. Kept in memory
/// only [choice]: they live 15 minutes, and a restart ends them as it would end a person's wait.
final class DeviceCodes: Sendable {
    struct Pending: Sendable {
        let deviceCode: String
        let userCode: String
        let clientID: String
        let scope: String
        let expires: Double
        /// The user who approved it, once someone has.
        var approvedUserID: String?
    }

    static let lifetime: Double = 900
    static let interval = 5
    private static let capacity = 1000
    private let pending = Mutex<[String: Pending]>([:])

    /// A new sign-in for `clientID` asking `scope`.
    func start(clientID: String, scope: String, now: Double = Date().timeIntervalSince1970) -> Pending {
        let entry = Pending(
            deviceCode: Base64URL.encode(Secrets.randomBytes(48)), userCode: Self.makeUserCode(), clientID: clientID,
            scope: scope, expires: now + Self.lifetime)
        pending.withLock { pending in
            pending = pending.filter { $0.value.expires > now }
            if pending.count >= Self.capacity, let oldest = pending.min(by: { $0.value.expires < $1.value.expires }) {
                pending[oldest.key] = nil
            }
            pending[entry.deviceCode] = entry
        }
        return entry
    }

    /// Approves the sign-in whose user code is `userCode` (any case, dash optional) for `userID`;
    /// false when there is none pending.
    func approve(userCode: String, userID: String, now: Double = Date().timeIntervalSince1970) -> Bool {
        let wanted = Self.normalized(userCode)
        return pending.withLock { pending in
            guard
                let key = pending.first(where: {
                    Self.normalized($0.value.userCode) == wanted && $0.value.expires > now
                })?.key
            else { return false }
            pending[key]?.approvedUserID = userID
            return true
        }
    }

    /// What the token endpoint makes of a poll: the pending sign-in once approved (and forgotten,
    /// so a device code is redeemed once), or Entra's error.
    func redeem(deviceCode: String, clientID: String, now: Double = Date().timeIntervalSince1970) throws(EntraError)
        -> Pending
    {
        let found: Pending? = pending.withLock { pending in
            guard let entry = pending[deviceCode], entry.clientID == clientID.lowercased() else { return nil }
            if entry.approvedUserID != nil || entry.expires <= now { pending[deviceCode] = nil }
            return entry
        }
        guard let entry = found else { throw EntraError.badDeviceCode }
        guard entry.expires > now else { throw EntraError.deviceCodeExpired }
        guard entry.approvedUserID != nil else { throw EntraError.authorizationPending }
        return entry
    }

    func removeAll() { pending.withLock { $0.removeAll() } }

    /// Nine characters from an alphabet without look-alikes, as Entra's user codes are.
    private static func makeUserCode() -> String {
        let alphabet = Array("BCDFGHJKLMNPQRSTVWXZ23456789")
        return String(Secrets.randomBytes(9).map { alphabet[Int($0) % alphabet.count] })
    }

    private static func normalized(_ code: String) -> String {
        code.uppercased().filter { $0 != "-" && $0 != " " }
    }
}
