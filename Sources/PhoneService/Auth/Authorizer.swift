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
        switch principal.kind {
        case .application(let roles):
            try require(roles, among: need == .read ? Permission.readAll : Permission.writeAll, kind: .roles)
        case .delegated(_, let scopes, _):
            switch need {
            case .read: try require(scopes, among: Permission.readSelf, kind: .scopes)
            case .write: try require(scopes, among: Permission.writeSelf, kind: .scopes)
            case .createOrUpdate: try require(scopes, among: Permission.writeAll, kind: .scopes)
            }
        }
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
                guard need != .createOrUpdate else {
                    throw .accessDenied(
                        "nobody adds or changes phone methods on their own account (the token's user is the target)")
                }
                return .full
            }
            try require(
                scopes, among: need == .read ? Permission.readAll : Permission.writeAll, kind: .scopes,
                context: "reaching another user's phone methods")
            let roles = Set(roleIDs.compactMap(DirectoryRole.init(rawValue:)))
            if roles.contains(.globalAdministrator) || roles.contains(.privilegedAuthenticationAdministrator) {
                return .full
            }
            if need == .read && roles.contains(.globalReader) { return .full }
            if roles.contains(.authenticationAdministrator) && !target.isAdministrator { return .masked }
            let accepted: [DirectoryRole] =
                [.globalAdministrator, .privilegedAuthenticationAdministrator]
                + (need == .read ? [.globalReader] : [])
                + (target.isAdministrator ? [] : [.authenticationAdministrator])
            let administrator = target.isAdministrator ? " (the target is an administrator)" : ""
            throw .accessDenied(
                "reaching another user's phone methods\(administrator) needs the directory role "
                    + "\(accepted.map(\.name).joined(separator: " or ")); the caller has \(describe(roles: roleIDs))")
        }
    }

    /// The SMS policy: reading needs `Policy.Read.All` or `Policy.ReadWrite.AuthenticationMethod`;
    /// changing it needs the latter, and a delegated caller must also be an Authentication Policy
    /// Administrator or a Global Administrator.
    static func authorizePolicy(_ principal: Principal, write: Bool) throws(GraphError) {
        let needed = write ? Permission.policyWrite : Permission.policyRead
        switch principal.kind {
        case .application(let roles):
            try require(roles, among: needed, kind: .roles)
        case .delegated(_, let scopes, let roleIDs):
            try require(scopes, among: needed, kind: .scopes)
            guard write else { return }
            let roles = Set(roleIDs.compactMap(DirectoryRole.init(rawValue:)))
            guard roles.contains(.globalAdministrator) || roles.contains(.authenticationPolicyAdministrator) else {
                throw .accessDenied(
                    "changing the policy needs the directory role globalAdministrator or "
                        + "authenticationPolicyAdministrator; the caller has \(describe(roles: roleIDs))")
            }
        }
    }

    /// The claim a permission name came from: a delegated token's `scp` or an app token's `roles`.
    enum Claim: String {
        case scopes = "scp"
        case roles
    }

    /// Refuses unless `granted` holds one of `accepted`, saying which were accepted and what the
    /// token had (`context`: what the request reached for, when it is not the caller's own).
    private static func require(
        _ granted: Set<String>, among accepted: Set<String>, kind: Claim, context: String? = nil
    ) throws(GraphError) {
        guard granted.isDisjoint(with: accepted) else { return }
        let had = granted.isEmpty ? "none" : granted.sorted().joined(separator: " ")
        throw .accessDenied(
            "\(context ?? "this request") needs one of \(kind.rawValue) \(accepted.sorted().joined(separator: " ")); "
                + "the token has \(kind.rawValue) \(had)")
    }

    /// A delegated caller's directory roles by name (`none`, or the template id of one this
    /// service does not model).
    private static func describe(roles roleIDs: Set<String>) -> String {
        guard !roleIDs.isEmpty else { return "no directory role" }
        let names = roleIDs.map { DirectoryRole(rawValue: $0)?.name ?? $0 }
        return "directory roles " + names.sorted().joined(separator: " ")
    }
}
