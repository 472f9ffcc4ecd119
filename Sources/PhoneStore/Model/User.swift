/// A directory user.
public struct User: Sendable, Equatable {
    /// Object id, a lower-case GUID.
    public let id: String
    public let userPrincipalName: String
    public let displayName: String
    /// Role template ids, including any this build does not name.
    public let roleTemplateIDs: [String]

    public init(id: String, userPrincipalName: String, displayName: String, roleTemplateIDs: [String]) {
        self.id = id
        self.userPrincipalName = userPrincipalName
        self.displayName = displayName
        self.roleTemplateIDs = roleTemplateIDs
    }

    public var roles: [DirectoryRole] { roleTemplateIDs.compactMap(DirectoryRole.init(rawValue:)) }

    /// Holds a role that makes the user an administrator (see `DirectoryRole.isAdministrator`).
    public var isAdministrator: Bool { roles.contains(where: \.isAdministrator) }
}
