import Crypto
import Foundation
import PhoneStore

/// Mints tokens the way Entra ID shapes them, signed RS256 with the key the tenant signs with: v1 access
/// tokens for Microsoft Graph (the command line, the admin API and the token endpoint all mint
/// these, so the Graph routes verify one kind of token), v2 ID tokens, and refresh tokens.
struct TokenIssuer: Sendable {
    /// The app id the tokens name when no app registration is involved (the command line and the
    /// admin API): phone-service's own, fixed so that logs can tell its tokens apart.
    static let defaultAppID = "5e3ce6c0-2b1f-4285-8d4b-75ee78787346"
    static let defaultAppName = "phone-service"
    /// The object id of that app's service principal (`oid` of its app-only tokens).
    static let defaultObjectID = "0a4bd5e6-9c4f-4c43-9b1f-3f5e8c2d7a61"
    /// Microsoft Graph's resource: the `aud` of every access token issued here.
    static let graphAudience = "https://graph.microsoft.com"
    /// Access tokens (and ID tokens) live an hour unless asked otherwise, as Entra's default.
    static let defaultLifetime = 3600

    let tenant: Tenant
    let key: SigningKey

    init(tenant: Tenant, key: SigningKey) {
        self.tenant = tenant
        self.key = key
    }

    /// An issuer for `store`'s tenant; makes the signing key when there is none yet (which
    /// blocks until it is stored: not on a libmicrohttpd pool thread).
    init(store: PhoneStore) throws {
        key = try KeyRing.shared.currentKey(of: store)
        tenant = store.tenant
    }

    /// The calling app as the token names it.
    struct Client: Sendable {
        var appID = TokenIssuer.defaultAppID
        var displayName = TokenIssuer.defaultAppName
        var objectID = TokenIssuer.defaultObjectID
        /// `appidacr`: "0" a public client, "1" a client secret, "2" a certificate.
        var authentication = "1"

        static let phoneService = Client()
    }

    /// A delegated token for `user` with `scopes`; its `wids` are the user's directory roles.
    func delegated(
        user: User, scopes: [String], client: Client = .phoneService, lifetime: Int = defaultLifetime,
        now: Date = Date()
    ) throws -> String {
        var claims = common(client: client, subject: user.id, lifetime: lifetime, now: now)
        claims += [
            ("amr", .array([.string("pwd")])),
            ("idtyp", .string("user")),
            ("name", .string(user.displayName)),
            ("oid", .string(user.id)),
            ("scp", .string(scopes.joined(separator: " "))),
            ("unique_name", .string(user.userPrincipalName)),
            ("upn", .string(user.userPrincipalName)),
            ("wids", .array(user.roleTemplateIDs.map(JSONValue.string))),
        ]
        return try JWT.signRS256(claims: .object(claims), key: key)
    }

    /// An application (app-only) token with application permissions `roles`.
    func application(
        roles: [String], client: Client = .phoneService, lifetime: Int = defaultLifetime, now: Date = Date()
    ) throws -> String {
        var claims = common(client: client, subject: client.objectID, lifetime: lifetime, now: now)
        claims += [
            ("idtyp", .string("app")),
            ("oid", .string(client.objectID)),
            ("roles", .array(roles.map(JSONValue.string))),
        ]
        return try JWT.signRS256(claims: .object(claims), key: key)
    }

    /// An app-only token for phone-service's own app id or `appID` (the command line, the admin API).
    func application(roles: [String], appID: String, lifetime: Int = defaultLifetime, now: Date = Date()) throws
        -> String
    {
        var client = Client.phoneService
        client.appID = appID
        return try application(roles: roles, client: client, lifetime: lifetime, now: now)
    }

    /// A v2 ID token for `user` signed in to `clientID` (`aud`), issued by `issuer` (the v2 issuer
    /// of the authority the client used, as its discovery document says).
    func idToken(
        user: User, clientID: String, issuer: String, nonce: String?, lifetime: Int = defaultLifetime,
        now: Date = Date()
    ) throws -> String {
        let issued = now.timeIntervalSince1970.rounded(.down)
        var claims: [(key: String, value: JSONValue)] = [
            ("aud", .string(clientID)),
            ("iss", .string(issuer)),
            ("iat", .number(issued)),
            ("nbf", .number(issued)),
            ("exp", .number(issued + Double(lifetime))),
            ("name", .string(user.displayName)),
            ("oid", .string(user.id)),
            ("preferred_username", .string(user.userPrincipalName)),
            ("rh", .string(tenant.tokenEpoch)),
            ("sub", .string(Self.pairwiseSubject(userID: user.id, clientID: clientID))),
            ("tid", .string(tenant.id)),
            ("uti", .string(Self.uniqueTokenID())),
            ("ver", .string("2.0")),
        ]
        if let nonce { claims.append(("nonce", .string(nonce))) }
        return try JWT.signRS256(claims: .object(claims), key: key)
    }

    /// A refresh token: signed claims only this service reads (Entra's are opaque to clients too).
    /// It names the user, the app and the scopes granted, and lives 24 hours [choice].
    func refreshToken(user: User, clientID: String, scopes: [String], now: Date = Date()) throws -> String {
        let issued = now.timeIntervalSince1970.rounded(.down)
        let claims: [(key: String, value: JSONValue)] = [
            ("typ", .string("refresh")),
            ("iss", .string(IdentityURLs.issuerV1(tenantID: tenant.id))),
            ("aud", .string(clientID)),
            ("tid", .string(tenant.id)),
            ("oid", .string(user.id)),
            ("scp", .string(scopes.joined(separator: " "))),
            ("iat", .number(issued)),
            ("exp", .number(issued + Double(Self.refreshLifetime))),
            ("rh", .string(tenant.tokenEpoch)),
            ("uti", .string(Self.uniqueTokenID())),
        ]
        return try JWT.signRS256(claims: .object(claims), key: key)
    }

    static let refreshLifetime = 86_400

    private func common(client: Client, subject: String, lifetime: Int, now: Date) -> [(key: String, value: JSONValue)]
    {
        let issued = now.timeIntervalSince1970.rounded(.down)
        let issuer = IdentityURLs.issuerV1(tenantID: tenant.id)
        return [
            ("aud", .string(Self.graphAudience)),
            ("iss", .string(issuer)),
            ("iat", .number(issued)),
            ("nbf", .number(issued)),
            ("exp", .number(issued + Double(lifetime))),
            ("app_displayname", .string(client.displayName)),
            ("appid", .string(client.appID)),
            ("appidacr", .string(client.authentication)),
            ("idp", .string(issuer)),
            // Entra's internal claim for revalidating tokens; here the tenant's token epoch.
            ("rh", .string(tenant.tokenEpoch)),
            ("sub", .string(subject)),
            ("tid", .string(tenant.id)),
            ("uti", .string(Self.uniqueTokenID())),
            ("ver", .string("1.0")),
        ]
    }

    /// A random id per token (`uti`), base64url as Entra's are.
    static func uniqueTokenID() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// A stable `sub` per user and app, as Entra's pairwise subjects are.
    static func pairwiseSubject(userID: String, clientID: String) -> String {
        Base64URL.encode(SHA256.hash(data: Array((userID + "|" + clientID).utf8)))
    }
}
