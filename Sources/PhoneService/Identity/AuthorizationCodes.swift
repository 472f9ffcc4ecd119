import Crypto
import Foundation
import Synchronization

/// Authorization codes issued by the sign-in page (`AuthorizeHandler`), redeemed once at the token
/// endpoint with the PKCE verifier. In memory, ten minutes each [choice]; a redeemed code is
/// remembered until it would have expired, so that its reuse is told apart from a code never issued.
final class AuthorizationCodes: Sendable {
    struct Grant: Sendable {
        let clientID: String
        let redirectURI: String
        let scope: String
        let userID: String
        let nonce: String?
        let challenge: String?
        /// `S256` or `plain`.
        let challengeMethod: String
        let expires: Double
        var redeemed = false
    }

    static let lifetime: Double = 600
    private static let capacity = 1000
    private let grants = Mutex<[String: Grant]>([:])

    func issue(_ grant: Grant, now: Double = Date().timeIntervalSince1970) -> String {
        let code = Base64URL.encode(Secrets.randomBytes(32))
        grants.withLock { grants in
            grants = grants.filter { $0.value.expires > now }
            if grants.count >= Self.capacity, let oldest = grants.min(by: { $0.value.expires < $1.value.expires }) {
                grants[oldest.key] = nil
            }
            grants[code] = grant
        }
        return code
    }

    /// The grant behind `code` for `clientID`, marked redeemed; Entra's error for a code that is
    /// unknown, used already, expired, sent with another redirect URI or without the right verifier.
    func redeem(
        _ code: String, clientID: String, redirectURI: String?, verifier: String?,
        now: Double = Date().timeIntervalSince1970
    ) throws(EntraError) -> Grant {
        let found: Grant? = grants.withLock { grants in
            guard let grant = grants[code], grant.clientID == clientID.lowercased() else { return nil }
            grants[code]?.redeemed = true
            return grant
        }
        guard let grant = found else { throw EntraError.badAuthorizationCode }
        guard !grant.redeemed else { throw EntraError.codeRedeemed }
        guard grant.expires > now else { throw EntraError.expiredGrant }
        guard redirectURI == grant.redirectURI else {
            throw EntraError.redirectURIMismatch(redirectURI ?? "", appID: grant.clientID)
        }
        if let challenge = grant.challenge {
            guard let verifier, Self.challenge(verifier, method: grant.challengeMethod) == challenge else {
                throw EntraError.pkceMismatch
            }
        }
        return grant
    }

    func removeAll() { grants.withLock { $0.removeAll() } }

    /// RFC 7636 §4.2: `S256` is base64url(SHA-256(verifier)); `plain` the verifier itself.
    static func challenge(_ verifier: String, method: String) -> String {
        method == "S256" ? Base64URL.encode(SHA256.hash(data: Array(verifier.utf8))) : verifier
    }
}
