/// The tenant a database emulates: its id (`tid` in tokens), its RSA token signing keys, and the
/// admin key that the `/_admin/` API takes as a bearer token.
public struct Tenant: Sendable, Equatable {
    public let id: String
    /// Random bytes (`tenant.signing_key`, the HMAC key of schema versions before 9), replaced by
    /// every reset that does not keep the tokens: the token epoch is made from them.
    public let signingKey: [UInt8]
    /// What this tenant's tokens carry in `rh`: a token with another is refused. A reset changes
    /// it, so that the tokens issued before stop working while tenants share signing keys; a
    /// snapshot's restore brings back the one it had.
    public let tokenEpoch: String
    public let adminKey: String
    /// The RSA signing keys, the current one (if any yet) first, then retired ones.
    public let signingKeys: [SigningKeyRecord]

    public init(id: String, signingKey: [UInt8], adminKey: String = "", signingKeys: [SigningKeyRecord] = []) {
        self.id = id
        self.signingKey = signingKey
        self.adminKey = adminKey
        self.signingKeys = signingKeys
        // Eight of the random bytes: enough to tell resets apart, and they sign nothing any more.
        tokenEpoch = "0." + signingKey.prefix(8).map { String(format: "%02x", $0) }.joined()
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
