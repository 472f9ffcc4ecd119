import Foundation
import PhoneStore

/// Mints tokens the way Entra ID shapes them, signed with the tenant's key, for the command line
/// and tests.
struct TokenIssuer: Sendable {
    /// The app id the tokens name: phone-service's own, fixed so that logs can tell its tokens apart.
    static let defaultAppID = "5e3ce6c0-2b1f-4285-8d4b-75ee78787346"

    let tenant: Tenant

    /// A delegated token for `user` with `scopes`; its `wids` are the user's directory roles.
    func delegated(user: User, scopes: [String], lifetime: Int = 3600, now: Date = Date()) -> String {
        var claims = common(lifetime: lifetime, now: now)
        claims += [
            ("oid", .string(user.id)),
            ("upn", .string(user.userPrincipalName)),
            ("name", .string(user.displayName)),
            ("scp", .string(scopes.joined(separator: " "))),
            ("wids", .array(user.roleTemplateIDs.map(JSONValue.string))),
        ]
        return JWT.sign(claims: .object(claims), key: tenant.signingKey)
    }

    /// An application token with application permissions `roles`.
    func application(roles: [String], appID: String = defaultAppID, lifetime: Int = 3600, now: Date = Date()) -> String
    {
        var claims = common(lifetime: lifetime, now: now, appID: appID)
        claims += [("idtyp", .string("app")), ("roles", .array(roles.map(JSONValue.string)))]
        return JWT.sign(claims: .object(claims), key: tenant.signingKey)
    }

    private func common(lifetime: Int, now: Date, appID: String = defaultAppID) -> [(key: String, value: JSONValue)] {
        let issued = now.timeIntervalSince1970.rounded(.down)
        return [
            ("aud", .string("https://graph.microsoft.com")),
            ("iss", .string("https://sts.windows.net/\(tenant.id)/")),
            ("iat", .number(issued)),
            ("nbf", .number(issued)),
            ("exp", .number(issued + Double(lifetime))),
            ("appid", .string(appID)),
            ("tid", .string(tenant.id)),
            ("ver", .string("1.0")),
        ]
    }
}
