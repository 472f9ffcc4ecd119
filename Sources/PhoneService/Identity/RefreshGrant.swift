import Foundation
import PhoneStore
import _CryptoExtras

/// Redeeming a refresh token this service issued (`TokenIssuer.refreshToken`): signed by one of the
/// keys the tenant publishes, of its current token epoch, for the same app, not expired, for a user
/// who still exists.
enum RefreshGrant {
    struct Redeemed: Sendable {
        let user: User
        /// The Graph permissions granted when it was issued.
        let scopes: [String]
    }

    static func redeem(_ token: String, clientID: String, store: PhoneStore) throws -> Redeemed {
        let tenant = store.tenant
        let keys = store.publishedSigningKeys
        let now = Date().timeIntervalSince1970
        let claims: JSONValue
        do {
            claims = try JWT.verifyRSA(token, algorithms: ["RS256"]) { header in
                guard case .string(let kid) = header["kid"] else { return nil }
                return KeyRing.shared.publicKey(kid: kid, in: keys, now: now)
            }.claims
        } catch {
            throw EntraError.badRefreshToken
        }
        guard claims["typ"] == .string("refresh"), claims["tid"] == .string(tenant.id),
            TokenVerifier.isOfCurrentEpoch(claims, tenant: tenant),
            case .string(let audience) = claims["aud"], audience.lowercased() == clientID.lowercased()
        else { throw EntraError.badRefreshToken }
        guard case .number(let expires) = claims["exp"], now < expires else { throw EntraError.expiredGrant }
        guard case .string(let oid) = claims["oid"], let user = try store.user(key: oid) else {
            throw EntraError.badRefreshToken
        }
        var scopes: [String] = []
        if case .string(let scp) = claims["scp"] { scopes = scp.split(separator: " ").map(String.init) }
        return Redeemed(user: user, scopes: scopes)
    }
}
