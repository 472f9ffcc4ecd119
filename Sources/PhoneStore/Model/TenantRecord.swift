/// A tenant other than the default one, as the registry in the default tenant's file lists it.
public struct TenantRecord: Sendable, Equatable {
    public let id: String
    public let displayName: String
    public let adminKey: String
    /// Kept until deleted; otherwise removed at a service start once unused for the expiry period.
    public let keep: Bool
    public let createdAt: String

    public init(id: String, displayName: String, adminKey: String, keep: Bool, createdAt: String) {
        self.id = id
        self.displayName = displayName
        self.adminKey = adminKey
        self.keep = keep
        self.createdAt = createdAt
    }

    /// A new admin key, made as the default tenant's is.
    public static func makeAdminKey() -> String { Tenant.makeAdminKey() }

    /// A new operator key: "pso_" and 32 random bytes in hex.
    public static func makeOperatorKey() -> String { "pso_" + Tenant.makeAdminKey().dropFirst(4) }
}
