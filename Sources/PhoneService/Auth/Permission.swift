/// Graph's permission names for phone methods, and what each grants.
enum Permission {
    /// Delegated scopes that read the caller's own phones.
    static let readSelf: Set<String> = Set<String>([
        "UserAuthMethod-Phone.Read", "UserAuthenticationMethod.Read",
        "UserAuthMethod-Phone.ReadWrite", "UserAuthenticationMethod.ReadWrite",
    ]).union(readAll)
    /// Delegated scopes that write the caller's own phones (delete, enable, disable).
    static let writeSelf: Set<String> = Set<String>([
        "UserAuthMethod-Phone.ReadWrite", "UserAuthenticationMethod.ReadWrite",
    ]).union(writeAll)
    /// Scopes and application roles that read any user's phones.
    static let readAll: Set<String> = Set<String>([
        "UserAuthMethod-Phone.Read.All", "UserAuthenticationMethod.Read.All",
    ]).union(writeAll)
    /// Scopes and application roles that write any user's phones.
    static let writeAll: Set<String> = ["UserAuthMethod-Phone.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"]

    /// Scopes and application roles that read the authentication methods policy.
    static let policyRead: Set<String> = ["Policy.Read.All", "Policy.ReadWrite.AuthenticationMethod"]
    /// Scopes and application roles that change it.
    static let policyWrite: Set<String> = ["Policy.ReadWrite.AuthenticationMethod"]
}

/// What a request needs to do to a user's phones.
enum Need: Sendable {
    /// List, get, all methods.
    case read
    /// Delete, enable and disable SMS sign-in.
    case write
    /// Create and update: never on one's own account.
    case createOrUpdate
}
