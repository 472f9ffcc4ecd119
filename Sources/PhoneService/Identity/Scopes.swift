import PhoneStore

/// A `scope` parameter read as Entra reads it: OpenID Connect scopes, and Microsoft Graph's
/// permissions written in full (`https://graph.microsoft.com/User.Read`), with Graph's app id, or
/// bare (`User.Read`), or `.default` (everything the app was granted).
struct Scopes: Sendable {
    static let graphPrefix = "https://graph.microsoft.com/"
    private static let graphPrefixes = [graphPrefix, "00000003-0000-0000-c000-000000000000/"]
    static let oidcScopes: Set<String> = ["openid", "profile", "email", "offline_access"]
    /// Graph permissions an app may ask for without this service knowing the app has them: the
    /// ones it emulates, and the few every sign-in sample asks for. Others answer AADSTS70011.
    static let knownGraphPermissions: Set<String> = Permission.readSelf.union(Permission.policyRead)
        .union(Permission.policyWrite).union([
            "User.Read", "User.ReadBasic.All", "User.Read.All", "Directory.Read.All", "Directory.AccessAsUser.All",
        ])

    /// Graph permission names asked for, as written (without the resource).
    var graph: [String] = []
    var wantsDefault = false
    /// OpenID Connect scopes asked for, lower-cased.
    var oidc: [String] = []

    init(_ text: String, tenant: Tenant) throws(EntraError) {
        for item in text.split(separator: " ").map(String.init) {
            if Self.oidcScopes.contains(item.lowercased()) {
                if !oidc.contains(item.lowercased()) { oidc.append(item.lowercased()) }
                continue
            }
            guard let name = Self.graphPermission(item) else {
                throw EntraError.unknownResource(Self.resource(of: item), tenant: tenant.id)
            }
            if name == ".default" {
                wantsDefault = true
            } else if !graph.contains(name) {
                graph.append(name)
            }
        }
        // Entra refuses `.default` mixed with named permissions of the same resource.
        if wantsDefault && !graph.isEmpty { throw EntraError.invalidScope(text) }
    }

    /// Scopes that are Graph permission names.
    init(_ names: [String]) { graph = names }

    /// The Graph permission `scope` names, or nil when it names another resource.
    static func graphPermission(_ scope: String) -> String? {
        for prefix in graphPrefixes where scope.lowercased().hasPrefix(prefix) {
            return String(scope.dropFirst(prefix.count))
        }
        if scope.contains("/") || scope.contains(":") { return nil }
        return scope
    }

    /// The resource part of a scope of another API (for the error message).
    private static func resource(of scope: String) -> String {
        guard let slash = scope.lastIndex(of: "/") else { return scope }
        return String(scope[..<slash])
    }

    /// Whether a v1 `resource` is Microsoft Graph.
    static func isGraph(resource: String) -> Bool {
        let lower = resource.lowercased()
        return lower == "https://graph.microsoft.com" || lower == "https://graph.microsoft.com/"
            || lower == "00000003-0000-0000-c000-000000000000"
    }

    /// Client credentials ask for `https://graph.microsoft.com/.default` and nothing else.
    static func requireGraphDefault(_ text: String, tenant: Tenant) throws(EntraError) {
        for item in text.split(separator: " ").map(String.init) {
            guard let name = graphPermission(item) else {
                throw EntraError.unknownResource(resource(of: item), tenant: tenant.id)
            }
            guard name == ".default" else { throw EntraError.clientCredentialsNeedDefault(item) }
        }
    }

    /// The delegated permissions a user's token gets: all the app's for `.default`, else those asked
    /// for, each of which the app must have been granted (Entra's consent error otherwise; a name
    /// Graph does not have is an invalid scope).
    func granted(by app: AppRegistration) throws(EntraError) -> [String] {
        if wantsDefault { return app.delegatedPermissions }
        var result: [String] = []
        for name in graph {
            if let match = app.delegatedPermissions.first(where: { $0.caseInsensitiveCompare(name) == .orderedSame }) {
                result.append(match)
                continue
            }
            guard Self.knownGraphPermissions.contains(where: { $0.caseInsensitiveCompare(name) == .orderedSame })
            else { throw EntraError.invalidScope(Self.graphPrefix + name) }
            throw EntraError.consentRequired(appID: app.appID, name: app.displayName)
        }
        return result
    }
}
