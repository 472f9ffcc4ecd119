/// Who is calling, from a verified token.
struct Principal: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// A user signed in to an app: `oid` is the user, `scp` the delegated scopes, `wids` their
        /// directory roles.
        case delegated(userID: String, scopes: Set<String>, roleTemplateIDs: Set<String>)
        /// An app acting as itself: `roles` are its application permissions.
        case application(roles: Set<String>)
    }

    var kind: Kind
    /// The calling app's id (`appid`/`azp`), for logs.
    var appID: String

    var userID: String? {
        if case .delegated(let userID, _, _) = kind { return userID }
        return nil
    }
}
