import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// One signing key set for the service (migration 0012, docs/sign-in.md): every tenant signs with
/// the service's key, as Entra's tenants do, until it rotates to keys of its own; a reset ends a
/// tenant's tokens through its token epoch (`rh`), not a new RSA key.
@Suite struct SharedSigningKeyTests {
    let server: TestServer
    var operatorKey: String { server.application.tenants.operatorKey }
    static let phones = "/v1.0/users/admin%40contoso.com/authentication/phoneMethods"

    init() throws {
        server = try TestServer(limits: HTTPServer.Limits(threads: 2))
    }

    func send(_ method: String, _ path: String, key: String?, json: String? = nil) throws -> RawHTTPClient.Response {
        try server.send(method, path, token: key, json: json)
    }

    /// A new tenant (its id and admin key) with a global administrator, and a token for them.
    func tenantWithToken() throws -> (id: String, key: String, token: String) {
        let created = try send("POST", "/_admin/tenants", key: operatorKey)
        #expect(created.status == 201, "\(created.text)")
        let (id, key) = (created.string("id") ?? "", created.string("adminKey") ?? "")
        let user = try send(
            "POST", "/_admin/users", key: key,
            json: #"{"userPrincipalName":"admin@contoso.com","roles":["globalAdministrator"]}"#)
        #expect(user.status == 201, "\(user.text)")
        return (id, key, try token(key))
    }

    func token(_ key: String) throws -> String {
        let minted = try send(
            "POST", "/_admin/tokens", key: key,
            json: #"{"user":"admin@contoso.com","scopes":["UserAuthenticationMethod.ReadWrite.All"]}"#)
        #expect(minted.status == 200, "\(minted.text)")
        return minted.string("accessToken") ?? ""
    }

    func kids(_ tenant: String) throws -> [String] {
        let keys = try send("GET", "/\(tenant)/discovery/v2.0/keys", key: nil).object["keys"] as? [[String: Any]]
        return (keys ?? []).compactMap { $0["kid"] as? String }
    }

    static func kid(_ token: String) throws -> String? {
        if case .string(let kid) = try JWT.decode(token).header["kid"] { return kid }
        return nil
    }

    /// `token` with claim `name` set to `value`, its signature left as it was.
    static func replacingClaim(_ token: String, _ name: String, with value: JSONValue) throws -> String {
        let parts = token.split(separator: ".")
        guard case .object(let members) = try JWT.decode(token).claims else { return token }
        let changed = JSONValue.object(members.map { $0.key == name ? ($0.key, value) : $0 })
        return "\(parts[0]).\(Base64URL.encode(changed.serialized())).\(parts[2])"
    }

    @Test func tenantsSignWithTheServicesKeyAndPublishIt() throws {
        let a = try tenantWithToken()
        let b = try tenantWithToken()
        let shared = try #require(server.store.serviceSigningKeys.first?.kid)
        #expect(server.store.serviceSigningKeys.count == 1)
        #expect(try Self.kid(a.token) == shared && Self.kid(b.token) == shared)
        #expect(try kids(a.id) == [shared] && kids(b.id) == [shared] && kids(server.store.tenant.id) == [shared])
        #expect(try send("GET", Self.phones, key: a.token).status == 200)
        #expect(try send("GET", Self.phones, key: b.token).status == 200)
        // The key lives in the default tenant's file only; tenant files hold none.
        let file = try Database(path: TenantPaths(database: server.databasePath).file(of: a.id), create: false)
        #expect(try file.scalarInt("SELECT count(*) FROM signing_key") == 0)
        #expect(try file.scalarInt("SELECT count(*) FROM service_signing_key") == 0)
        // A's token with B's tid is refused: the tid is signed.
        let moved = try Self.replacingClaim(a.token, "tid", with: .string(b.id))
        #expect(try send("GET", Self.phones, key: moved).status == 401)
    }

    /// A rotation gives the tenant keys of its own (copy on write): its earlier tokens still
    /// verify through the retired copy of the service's key; other tenants are untouched.
    @Test func aRotationGivesOneTenantKeysOfItsOwn() throws {
        let a = try tenantWithToken()
        let b = try tenantWithToken()
        let shared = try #require(server.store.serviceSigningKeys.first?.kid)
        #expect(try send("POST", "/_admin/keys/rotate", key: b.key).status == 204)
        let newB = try token(b.key)
        let own = try #require(try Self.kid(newB))
        #expect(own != shared)
        #expect(try kids(b.id) == [own, shared], "the new key first, the retired copy after")
        #expect(try send("GET", Self.phones, key: b.token).status == 200, "signed before the rotation")
        #expect(try send("GET", Self.phones, key: newB).status == 200)
        // A: the same key, its tokens and new ones signed by it.
        #expect(try kids(a.id) == [shared])
        #expect(try send("GET", Self.phones, key: a.token).status == 200)
        #expect(try Self.kid(token(a.key)) == shared)
        // B's own key does not open A (nor the default tenant): A publishes only the service's.
        let forged = try Self.replacingClaim(newB, "tid", with: .string(a.id))
        #expect(try send("GET", Self.phones, key: forged).status == 401)
        // A reset without keeping keys brings B back to the service's key.
        #expect(try send("POST", "/_admin/reset", key: b.key, json: #"{"keep":["users"]}"#).status == 204)
        #expect(try kids(b.id) == [shared])
        #expect(try send("GET", Self.phones, key: newB).status == 401)
        #expect(try Self.kid(token(b.key)) == shared)
    }

    /// A reset ends the tenant's tokens (cached or not) and no one else's, and makes no RSA key.
    @Test func aResetEndsOnlyThatTenantsTokens() throws {
        let a = try tenantWithToken()
        let b = try tenantWithToken()
        #expect(try send("GET", Self.phones, key: a.token).status == 200, "verified once: cached")
        let keys = server.store.serviceSigningKeys
        #expect(try send("POST", "/_admin/reset", key: a.key, json: #"{"keep":["users"]}"#).status == 204)
        let refused = try send("GET", Self.phones, key: a.token)
        #expect(refused.status == 401 && refused.errorCode == "InvalidAuthenticationToken", "\(refused.text)")
        #expect(try send("GET", Self.phones, key: b.token).status == 200)
        let again = try token(a.key)
        #expect(try send("GET", Self.phones, key: again).status == 200)
        #expect(server.store.serviceSigningKeys == keys)
        // The epoch is signed: the old token given the new epoch is a bad signature.
        let claims = try JWT.decode(again).claims
        let relabelled = try Self.replacingClaim(a.token, "rh", with: try #require(claims["rh"]))
        #expect(try send("GET", Self.phones, key: relabelled).status == 401)
        // Keeping `signingKey` keeps the epoch, and the tokens.
        #expect(try send("POST", "/_admin/reset", key: a.key, json: #"{"keep":["users","signingKey"]}"#).status == 204)
        #expect(try send("GET", Self.phones, key: again).status == 200)
    }

    /// A snapshot's restore brings its epoch back: tokens minted before the snapshot work again,
    /// those of a reset since do not. The default tenant's restore keeps the service's keys, so
    /// every other tenant's tokens survive it.
    @Test func aRestoreBringsItsEpochBackAndKeepsTheServicesKeys() throws {
        let defaultKey = server.store.tenant.adminKey
        let user = try send(
            "POST", "/_admin/users", key: defaultKey,
            json: #"{"userPrincipalName":"admin@contoso.com","roles":["globalAdministrator"]}"#)
        #expect(user.status == 201)
        // Taken before any key exists: restoring it must not take the service's key away.
        #expect(try send("POST", "/_admin/snapshots", key: defaultKey, json: #"{"name":"early"}"#).status == 201)
        let before = try token(defaultKey)
        let a = try tenantWithToken()
        #expect(try send("POST", "/_admin/snapshots", key: defaultKey, json: #"{"name":"later"}"#).status == 201)
        #expect(try send("POST", "/_admin/reset", key: defaultKey, json: #"{"keep":["users"]}"#).status == 204)
        let afterReset = try token(defaultKey)
        #expect(try send("GET", Self.phones, key: before).status == 401)

        #expect(try send("POST", "/_admin/snapshots/later/restore", key: defaultKey).status == 204)
        #expect(try send("GET", Self.phones, key: before).status == 200)
        #expect(try send("GET", Self.phones, key: afterReset).status == 401)
        #expect(try send("POST", "/_admin/snapshots/early/restore", key: defaultKey).status == 204)
        #expect(server.store.serviceSigningKeys.count == 1)
        #expect(try send("GET", Self.phones, key: a.token).status == 200, "another tenant's token")
        let restarted = try PhoneStore(path: server.databasePath)
        #expect(restarted.serviceSigningKeys == server.store.serviceSigningKeys)
    }

    /// The command line's `token --tenant` signs with the service's key from the default tenant's
    /// file, which the running service then accepts.
    @Test func theCommandLineSignsWithTheServicesKey() throws {
        let a = try tenantWithToken()
        let printed = try runPhoneService([
            "token", "--db", server.databasePath, "--tenant", a.id, "--user", "admin@contoso.com", "--scopes",
            "UserAuthenticationMethod.ReadWrite.All",
        ])
        #expect(printed.status == 0, "\(printed.stderr)")
        let token = printed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try Self.kid(token) == server.store.serviceSigningKeys.first?.kid)
        #expect(try send("GET", Self.phones, key: token).status == 200)
    }
}
