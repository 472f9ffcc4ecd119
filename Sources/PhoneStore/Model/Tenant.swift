/// The tenant a database emulates: its id (`tid` in tokens), its RSA token signing keys, and the
/// admin key that the `/_admin/` API takes as a bearer token.
public struct Tenant: Sendable, Equatable {
    public let id: String
    /// The random bytes of schema versions before 9 (`tenant.signing_key`): still made and rotated
    /// with the tenant, signing nothing since tokens are RS256.
    public let signingKey: [UInt8]
    public let adminKey: String
    /// The RSA signing keys, the current one (if any yet) first, then retired ones.
    public let signingKeys: [SigningKeyRecord]

    public init(id: String, signingKey: [UInt8], adminKey: String = "", signingKeys: [SigningKeyRecord] = []) {
        self.id = id
        self.signingKey = signingKey
        self.adminKey = adminKey
        self.signingKeys = signingKeys
    }

    /// The key that signs new tokens; nil until the first one is made (keys are made on first use).
    public var currentSigningKey: SigningKeyRecord? {
        signingKeys.first { $0.retiredAt == nil }
    }

    /// A new admin key: "psa_" and 32 random bytes in hex.
    static func makeAdminKey() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return "psa_" + bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// A new signing key: 32 random bytes.
    static func makeSigningKey() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}
