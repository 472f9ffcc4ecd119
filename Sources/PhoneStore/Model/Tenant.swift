/// The tenant a database emulates: its id (`tid` in tokens) and its token signing key.
public struct Tenant: Sendable, Equatable {
    public let id: String
    public let signingKey: [UInt8]
}
