import PhoneStore

/// Graph's permission rules for phone methods (spec §4): scopes or application roles first, then,
/// for a delegated caller acting on another user, the caller's directory roles against the target.
enum Authorizer {
    /// How the caller may see the target's numbers.
    enum Visibility: Sendable, Equatable {
        case full
        /// Authentication Administrators see numbers masked.
        case masked
    }

    /// Refuses a caller who could not do `need` to anyone, before the target is looked up, so a
    /// refused caller learns nothing about which users exist.
    static func precheck(_ principal: Principal, _ need: Need) throws(GraphError) {
        let granted: Bool
        switch principal.kind {
        case .application(let roles):
            granted = !roles.isDisjoint(with: need == .read ? Permission.readAll : Permission.writeAll)
        case .delegated(_, let scopes, _):
            switch need {
            case .read: granted = !scopes.isDisjoint(with: Permission.readSelf)
            case .write: granted = !scopes.isDisjoint(with: Permission.writeSelf)
            case .createOrUpdate: granted = !scopes.isDisjoint(with: Permission.writeAll)
            }
        }
        guard granted else { throw .accessDenied }
    }

    /// Decides whether `principal` may do `need` to `target`'s phones.
    static func authorize(_ principal: Principal, _ need: Need, target: User) throws(GraphError) -> Visibility {
        try precheck(principal, need)
        return try authorizeOnTarget(principal, need, target: target)
    }

    /// The part of `authorize` that needs the target, for a caller `precheck` has let through.
    static func authorizeOnTarget(_ principal: Principal, _ need: Need, target: User) throws(GraphError)
        -> Visibility
    {
        switch principal.kind {
        case .application:
            return .full
        case .delegated(let userID, let scopes, let roleIDs):
            if userID == target.id {
                // Current docs: nobody adds or changes phones on their own account.
                guard need != .createOrUpdate else { throw .accessDenied }
                return .full
            }
            let all = need == .read ? Permission.readAll : Permission.writeAll
            guard !scopes.isDisjoint(with: all) else { throw .accessDenied }
            let roles = Set(roleIDs.compactMap(DirectoryRole.init(rawValue:)))
            if roles.contains(.globalAdministrator) || roles.contains(.privilegedAuthenticationAdministrator) {
                return .full
            }
            if need == .read && roles.contains(.globalReader) { return .full }
            if roles.contains(.authenticationAdministrator) && !target.isAdministrator { return .masked }
            throw .accessDenied
        }
    }

    /// The SMS policy: reading needs `Policy.Read.All` or `Policy.ReadWrite.AuthenticationMethod`;
    /// changing it needs the latter, and a delegated caller must also be an Authentication Policy
    /// Administrator or a Global Administrator.
    static func authorizePolicy(_ principal: Principal, write: Bool) throws(GraphError) {
        let needed = write ? Permission.policyWrite : Permission.policyRead
        switch principal.kind {
        case .application(let roles):
            guard !roles.isDisjoint(with: needed) else { throw .accessDenied }
        case .delegated(_, let scopes, let roleIDs):
            guard !scopes.isDisjoint(with: needed) else { throw .accessDenied }
            guard write else { return }
            let roles = Set(roleIDs.compactMap(DirectoryRole.init(rawValue:)))
            guard roles.contains(.globalAdministrator) || roles.contains(.authenticationPolicyAdministrator) else {
                throw .accessDenied
            }
        }
    }
}
