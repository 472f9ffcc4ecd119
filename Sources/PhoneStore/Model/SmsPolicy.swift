/// The SMS authentication method policy: whether SMS sign-in is on, and for whom.
public struct SmsPolicy: Sendable, Equatable {
    public var enabled: Bool
    public var includeTargets: [Target]
    public var excludeTargets: [Target]

    public init(enabled: Bool, includeTargets: [Target] = [], excludeTargets: [Target] = []) {
        self.enabled = enabled
        self.includeTargets = includeTargets
        self.excludeTargets = excludeTargets
    }

    /// A user, a group, or every user (the group `all_users`).
    public struct Target: Sendable, Equatable {
        public enum Kind: String, Sendable { case user, group }

        /// The id Graph uses for the all-users group.
        public static let allUsersID = "all_users"

        public var kind: Kind
        /// An object id, or `all_users`.
        public var id: String
        public var isRegistrationRequired: Bool
        public var isUsableForSignIn: Bool

        public init(kind: Kind, id: String, isRegistrationRequired: Bool = false, isUsableForSignIn: Bool = true) {
            self.kind = kind
            self.id = id
            self.isRegistrationRequired = isRegistrationRequired
            self.isUsableForSignIn = isUsableForSignIn
        }

        public static let allUsers = Target(kind: .group, id: allUsersID)
    }
}
