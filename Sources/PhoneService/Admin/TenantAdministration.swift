import Foundation
import PhoneStore

/// Setting up a test tenant: users, groups, tokens and the SMS policy. One implementation behind
/// both the command line (`phone-service user|group|token|policy`) and the admin API
/// (`/_admin/...`), so the two accept the same input and fail with the same messages. Input is
/// checked here; what changes the tenant comes back as a `PendingWrite`, which the admin API
/// queues and the command line performs.
struct TenantAdministration: Sendable {
    let store: PhoneStore

    /// Input that is malformed: a 400 on the admin API, the message on the command line.
    static func invalid(_ message: String) -> GraphError { .badRequest(message) }
    /// Input that names something unknown: a 404 on the admin API.
    static func notFound(_ message: String) -> GraphError {
        GraphError.itemNotFound(message)
    }

    // MARK: Users

    /// Adds a user. `roles` are directory role names or template ids; `id` a GUID (new by default);
    /// `password` the hash of the user's password (`passwordHash(_:)`), if they have one.
    func addUser(
        userPrincipalName: String, id: String?, displayName: String?, roles: [String], password: PasswordHash? = nil
    ) throws(GraphError) -> PendingWrite<User> {
        var parsed: [DirectoryRole] = []
        for value in roles {
            guard let role = DirectoryRole(nameOrTemplateID: value) else {
                throw Self.invalid(
                    "unknown role '\(value)'; known roles: \(DirectoryRole.allCases.map(\.name).joined(separator: ", "))"
                )
            }
            parsed.append(role)
        }
        try Self.requireGUID(id, "id")
        try Self.requireText(userPrincipalName, "userPrincipalName")
        return .addUser(
            userPrincipalName: userPrincipalName, id: id, displayName: displayName, roles: parsed, password: password)
    }

    /// The user with this object id or user principal name.
    func user(_ key: String) throws -> User {
        guard let user = try store.user(key: key) else { throw Self.notFound("no user '\(key)' in this tenant") }
        return user
    }

    // MARK: Groups

    func addGroup(displayName: String, id: String?) throws(GraphError) -> PendingWrite<Group> {
        try Self.requireGUID(id, "id")
        try Self.requireText(displayName, "displayName")
        return .addGroup(displayName: displayName, id: id)
    }

    // MARK: Tokens

    /// What a token is for: a user with delegated scopes, or an app with application permissions.
    struct TokenRequest: Sendable {
        var user: String?
        var scopes: [String]?
        var app = false
        var roles: [String]?
        var appID: String?
        var lifetimeSeconds = 3600
        /// What is deliberately wrong with it, if anything.
        var defect: TokenDefect?
    }

    /// Mints a token signed with the tenant's current key (made first when the tenant has none: this
    /// may block for a write, so the admin API calls it off the pool threads).
    func token(_ request: TokenRequest) throws -> String {
        guard request.lifetimeSeconds > 0 else {
            throw Self.invalid("the lifetime must be a positive number of seconds")
        }
        let token: String
        // The request is checked (and its user found) before the issuer, which may make the
        // tenant's first signing key: a refused request leaves no key behind.
        let issuer: TokenIssuer
        if request.app {
            guard request.user == nil, request.scopes == nil else {
                throw Self.invalid("an application token takes roles, not a user or scopes")
            }
            issuer = try TokenIssuer(store: store)
            token = try issuer.application(
                roles: request.roles ?? [], appID: request.appID ?? TokenIssuer.defaultAppID,
                lifetime: request.lifetimeSeconds)
        } else {
            guard let key = request.user else { throw Self.invalid("name a user (delegated) or ask for an app token") }
            guard let scopes = request.scopes else { throw Self.invalid("a delegated token needs scopes") }
            guard request.roles == nil else { throw Self.invalid("roles go with an application token") }
            let user = try user(key)
            issuer = try TokenIssuer(store: store)
            token = try issuer.delegated(user: user, scopes: scopes, lifetime: request.lifetimeSeconds)
        }
        return try request.defect?.apply(to: token, key: issuer.key) ?? token
    }

    // MARK: SMS policy

    /// A change to the SMS policy: what is nil stays as it is; a target list replaces the old one.
    struct SmsPolicyChange: Sendable {
        var enabled: Bool?
        /// `all_users`, `user:UPN_OR_ID` or `group:NAME_OR_ID`.
        var include: [String]?
        var exclude: [String]?
    }

    /// The policy `change` makes of the stored one; storing it is `.setSmsPolicy(policy)`.
    func changedSmsPolicy(_ change: SmsPolicyChange) throws -> SmsPolicy {
        var policy = try store.smsPolicy()
        if let enabled = change.enabled { policy.enabled = enabled }
        if let include = change.include { policy.includeTargets = try include.map(target) }
        if let exclude = change.exclude { policy.excludeTargets = try exclude.map(target) }
        return policy
    }

    private func target(_ text: String) throws -> SmsPolicy.Target {
        if text == SmsPolicy.Target.allUsersID { return .allUsers }
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let key = parts.count == 2 ? parts[1] : ""
        switch parts.first {
        case "user" where parts.count == 2:
            return SmsPolicy.Target(kind: .user, id: try user(key).id)
        case "group" where parts.count == 2:
            guard let group = try store.group(key: key) else { throw Self.notFound("no group '\(key)'") }
            return SmsPolicy.Target(kind: .group, id: group.id)
        default:
            throw Self.invalid("target '\(text)': use all_users, user:UPN_OR_ID or group:NAME_OR_ID")
        }
    }

    // MARK: Checks

    static func requireGUID(_ value: String?, _ name: String) throws(GraphError) {
        if let value, UUID(uuidString: value) == nil { throw Self.invalid("\(name) '\(value)' is not a GUID") }
    }

    static func requireText(_ value: String, _ name: String) throws(GraphError) {
        guard !value.isEmpty else { throw Self.invalid("\(name) must not be empty") }
    }
}
