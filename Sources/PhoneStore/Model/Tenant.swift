/// The tenant a database emulates: its id (`tid` in tokens), its token signing key, and the admin
/// key that the `/_admin/` API takes as a bearer token.
public struct Tenant: Sendable, Equatable {
    public let id: String
    public let signingKey: [UInt8]
    public let adminKey: String

    public init(id: String, signingKey: [UInt8], adminKey: String = "") {
        self.id = id
        self.signingKey = signingKey
        self.adminKey = adminKey
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
