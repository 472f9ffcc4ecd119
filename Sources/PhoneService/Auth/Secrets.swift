import Crypto
import Foundation
import PhoneStore
import _CryptoExtras

/// Credentials that are stored only as hashes: client secrets and user passwords.
enum Secrets {
    /// Random bytes from the system's generator.
    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    // MARK: Client secrets

    /// A new client secret: 32 random bytes in base64url (43 characters, 256 bits), shown once.
    /// With that much entropy a fast hash is enough: SHA-256 of the text is what is stored.
    static func makeClientSecret(endDateTime: String) -> (text: String, stored: ClientSecret) {
        let text = Base64URL.encode(randomBytes(32))
        let stored = ClientSecret(
            keyID: UUID().uuidString.lowercased(), hash: hash(clientSecret: text), hint: String(text.prefix(3)),
            endDateTime: endDateTime)
        return (text, stored)
    }

    static func hash(clientSecret text: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(text.utf8)))
    }

    /// The stored secret `text` is, compared in constant time against every one of them (so the
    /// time taken says nothing about which, or how much of one, matched), or nil.
    static func matchingSecret(_ text: String, among secrets: [ClientSecret]) -> ClientSecret? {
        let presented = hash(clientSecret: text)
        var found: ClientSecret?
        for secret in secrets where constantTimeEqual(secret.hash, presented) { found = secret }
        return found
    }

    /// Equal lengths and bytes, in time that depends only on the length.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    // MARK: Passwords

    /// PBKDF2-HMAC-SHA256 rounds for a new password: OWASP's Password Storage Cheat Sheet figure
    /// for PBKDF2-HMAC-SHA256 (600,000). Stored with each hash, so it can change without
    /// invalidating older ones.
    static let passwordIterations = 600_000

    /// The stored form of `password`: a 16-byte random salt and a 32-byte PBKDF2-HMAC-SHA256.
    static func hashPassword(_ password: String, iterations: Int = passwordIterations) throws -> PasswordHash {
        let salt = randomBytes(16)
        return PasswordHash(salt: salt, iterations: iterations, hash: try derive(password, salt: salt, iterations))
    }

    /// Whether `password` is the one `stored` was made from (compared in constant time).
    static func verifyPassword(_ password: String, against stored: PasswordHash) -> Bool {
        guard stored.iterations > 0, let derived = try? derive(password, salt: stored.salt, stored.iterations) else {
            return false
        }
        return constantTimeEqual(derived, stored.hash)
    }

    private static func derive(_ password: String, salt: [UInt8], _ iterations: Int) throws -> [UInt8] {
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: 32,
            unsafeUncheckedRounds: iterations)
        return key.withUnsafeBytes { Array($0) }
    }
}
