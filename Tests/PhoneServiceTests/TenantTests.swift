import Foundation
import Synchronization
import Testing

@testable import PhoneService
@testable import PhoneStore

/// Many tenants in one service over real HTTP (docs/tenants.md): the operator key and
/// `/_admin/tenants`, and isolation in every direction between two tenants.
@Suite struct TenantTests {
    let server: TestServer
    var operatorKey: String { server.application.tenants.operatorKey }

    init() throws {
        server = try TestServer(limits: HTTPServer.Limits(threads: 2))
    }

    func send(_ method: String, _ path: String, key: String?, json: String? = nil) throws -> RawHTTPClient.Response {
        try server.send(method, path, token: key, json: json)
    }

    /// A new tenant's id and admin key, made through the operator API.
    func createTenant(_ json: String? = nil) throws -> (id: String, key: String) {
        let created = try send("POST", "/_admin/tenants", key: operatorKey, json: json)
        #expect(created.status == 201, "\(created.text)")
        return (created.string("id") ?? "", created.string("adminKey") ?? "")
    }

    /// A token minted through tenant `key`'s admin API for a new global administrator `upn`.
    func adminToken(_ key: String, upn: String = "admin@contoso.com") throws -> String {
        let user = try send(
            "POST", "/_admin/users", key: key, json: #"{"userPrincipalName":"\#(upn)","roles":["globalAdministrator"]}"#
        )
        #expect(user.status == 201, "\(user.text)")
        let token = try send(
            "POST", "/_admin/tokens", key: key,
            json: #"{"user":"\#(upn)","scopes":["UserAuthenticationMethod.ReadWrite.All"]}"#)
        #expect(token.status == 200, "\(token.text)")
        return token.string("accessToken") ?? ""
    }

    @Test func onlyTheOperatorKeyManagesTenants() throws {
        #expect(operatorKey.hasPrefix("pso_") && operatorKey.utf8.count == 68)
        for key in [nil, server.store.tenant.adminKey, "pso_" + String(repeating: "0", count: 64)] {
            #expect(try send("GET", "/_admin/tenants", key: key).status == 401)
            #expect(try send("POST", "/_admin/tenants", key: key).status == 401)
        }
        let list = try send("GET", "/_admin/tenants", key: operatorKey)
        #expect(list.status == 200)
        let value = list.object["value"] as? [[String: Any]] ?? []
        #expect(value.count == 1 && value.first?["default"] as? Bool == true)
        // The operator key is no admin key of a tenant, and no Graph token.
        #expect(try send("GET", "/_admin/users", key: operatorKey).status == 401)
        #expect(try send("GET", "/v1.0/users/x/authentication/phoneMethods", key: operatorKey).status == 401)
    }

    @Test func aTenantIsCreatedReadListedAndDeletedForGood() throws {
        let chosen = "0a1b2c3d-0000-4000-8000-00000000abcd"
        let tenant = try createTenant(#"{"id":"\#(chosen)","displayName":"worker gw0","keep":true}"#)
        #expect(tenant.id == chosen && tenant.key.hasPrefix("psa_") && tenant.key != server.store.tenant.adminKey)
        let file = TenantPaths(database: server.databasePath).file(of: chosen)
        #expect(FileManager.default.fileExists(atPath: file))
        #expect(try send("GET", "/_admin/users", key: tenant.key).status == 200)
        let got = try send("GET", "/_admin/tenants/\(chosen)", key: operatorKey)
        #expect(got.status == 200 && got.string("displayName") == "worker gw0" && got.object["keep"] as? Bool == true)
        #expect((try send("GET", "/_admin/tenants", key: operatorKey).object["value"] as? [Any])?.count == 2)
        // Refusals: a duplicate id, an id that is no GUID, unknown members, the default tenant.
        #expect(try send("POST", "/_admin/tenants", key: operatorKey, json: #"{"id":"\#(chosen)"}"#).status == 409)
        #expect(try send("POST", "/_admin/tenants", key: operatorKey, json: #"{"id":"gw0"}"#).status == 400)
        #expect(try send("POST", "/_admin/tenants", key: operatorKey, json: #"{"name":"x"}"#).status == 400)
        let defaultID = server.store.tenant.id
        #expect(try send("DELETE", "/_admin/tenants/\(defaultID)", key: operatorKey).status == 400)

        let snapshot = try send("POST", "/_admin/snapshots", key: tenant.key, json: #"{"name":"s1"}"#)
        #expect(snapshot.status == 201, "\(snapshot.text)")
        #expect(try send("DELETE", "/_admin/tenants/\(chosen)", key: operatorKey).status == 204)
        #expect(!FileManager.default.fileExists(atPath: file))
        #expect(
            !FileManager.default.fileExists(atPath: TenantPaths(database: server.databasePath).snapshots(of: chosen)))
        #expect(try send("GET", "/_admin/tenants/\(chosen)", key: operatorKey).status == 404)
        #expect(try send("DELETE", "/_admin/tenants/\(chosen)", key: operatorKey).status == 404)
        #expect(try send("GET", "/_admin/users", key: tenant.key).status == 401)
        #expect(try server.store.registeredTenants().isEmpty)
    }

    @Test func theOperatorAddressesATenantExplicitlyAndNoOtherKeyDoes() throws {
        let a = try createTenant()
        let b = try createTenant()
        #expect(
            try send("POST", "/_admin/users", key: a.key, json: #"{"userPrincipalName":"only.a@contoso.com"}"#).status
                == 201)
        let viaOperator = try send("GET", "/_admin/tenants/\(a.id)/users", key: operatorKey)
        #expect(viaOperator.status == 200 && viaOperator.text.contains("only.a@contoso.com"), "\(viaOperator.text)")
        for key in [b.key, a.key, server.store.tenant.adminKey] {
            #expect(try send("GET", "/_admin/tenants/\(a.id)/users", key: key).status == 401)
        }
        #expect(!(try send("GET", "/_admin/users", key: b.key).text.contains("only.a")))
        #expect(
            try send("GET", "/_admin/tenants/00000000-0000-4000-8000-000000000000/users", key: operatorKey).status
                == 404)
    }

    /// Two tenants with the same user names: nothing one tenant's keys or tokens do is seen or
    /// changed by the other's, through Graph, `$batch` and the admin API.
    @Test func tenantsAreIsolatedInEveryDirection() throws {
        let a = try createTenant()
        let b = try createTenant()
        let tokenA = try adminToken(a.key)
        let tokenB = try adminToken(b.key)
        let aliceB = try send("POST", "/_admin/users", key: b.key, json: #"{"userPrincipalName":"alice@contoso.com"}"#)
        let aliceBID = aliceB.string("id") ?? ""
        #expect(
            try send("POST", "/_admin/users", key: a.key, json: #"{"userPrincipalName":"alice@contoso.com"}"#).status
                == 201)

        // Phones: A's token writes A's alice; B's alice has none.
        let path = "/v1.0/users/alice%40contoso.com/authentication/phoneMethods"
        #expect(try send("POST", path, key: tokenA, json: phoneBody("+1 2065550100", .mobile)).status == 201)
        let listB = try send("GET", path, key: tokenB)
        #expect(listB.status == 200 && (listB.object["value"] as? [Any])?.isEmpty == true, "\(listB.text)")
        // A's token on B's user id: the token is A's, so the user is looked up in A: not found.
        let foreign = try send("GET", "/v1.0/users/\(aliceBID)/authentication/phoneMethods", key: tokenA)
        #expect(foreign.status == 404, "\(foreign.text)")
        #expect(foreign.errorCode == "Request_ResourceNotFound", "\(foreign.text)")
        // The same through $batch.
        let batch = try send(
            "POST", "/v1.0/$batch", key: tokenA,
            json: #"{"requests":[{"id":"1","method":"GET","url":"/users/\#(aliceBID)/authentication/phoneMethods"}]}"#)
        #expect(batch.status == 200 && batch.text.contains("\"status\":404"), "\(batch.text)")
        // Tenants sign with the service's key, as Entra's do (SharedSigningKeyTests), so a token
        // reaches only the tenant its signed `tid` names: A's token made to say B's tid is refused.
        let moved = try SharedSigningKeyTests.replacingClaim(tokenA, "tid", with: .string(b.id))
        #expect(try send("GET", path, key: moved).status == 401)

        // Faults and throttling set in A do not touch B.
        #expect(try send("POST", "/_admin/faults", key: a.key, json: #"{"status":503,"count":5}"#).status == 201)
        #expect(
            try send("PUT", "/_admin/throttling", key: a.key, json: #"{"requestsPerSecond":1,"burst":1}"#).status != 401
        )
        #expect(try send("GET", path, key: tokenB).status == 200)
        #expect(try send("GET", path, key: tokenA).status == 503)
        #expect(try send("GET", "/_admin/faults", key: b.key).text.contains("503") == false)

        // Journal, policy, applications, snapshots: each tenant's own.
        let journalB = try send("GET", "/_admin/journal", key: b.key).text
        #expect(!journalB.contains("\"status\":201") && !journalB.contains("\"status\":503"), "\(journalB)")
        #expect(
            try send("PATCH", "/_admin/policies/sms", key: a.key, json: #"{"state":"enabled","include":["all_users"]}"#)
                .status < 300)
        #expect(try send("GET", "/_admin/policies/sms", key: b.key).text.contains("disabled"))
        #expect(try send("POST", "/_admin/applications", key: a.key, json: #"{"displayName":"OnlyA"}"#).status == 201)
        #expect(!(try send("GET", "/_admin/applications", key: b.key).text.contains("OnlyA")))
        #expect(try send("POST", "/_admin/snapshots", key: a.key, json: #"{"name":"mine"}"#).status == 201)
        #expect(!(try send("GET", "/_admin/snapshots", key: b.key).text.contains("mine")))
        #expect(try send("POST", "/_admin/snapshots/mine/restore", key: b.key).status == 404)
        // Reset of B leaves A's users.
        #expect(try send("POST", "/_admin/reset", key: b.key).status < 300)
        #expect(try send("GET", "/_admin/users", key: a.key).text.contains("alice@contoso.com"))
    }

    @Test func aDeletedTenantsTokensAreRefusedAsInvalid() throws {
        let a = try createTenant()
        let token = try adminToken(a.key)
        let path = "/v1.0/users/admin%40contoso.com/authentication/phoneMethods"
        #expect(try send("GET", path, key: token).status == 200)
        #expect(try send("DELETE", "/_admin/tenants/\(a.id)", key: operatorKey).status == 204)
        let refused = try send("GET", path, key: token)
        #expect(refused.status == 401 && refused.errorCode == "InvalidAuthenticationToken", "\(refused.text)")
    }

    /// Creation and deletion while other tenants serve requests: every request of the busy tenant
    /// answers as if it ran alone.
    @Test func creationAndDeletionRaceWithTrafficToOtherTenants() throws {
        let busy = try createTenant()
        let token = try adminToken(busy.key)
        let path = "/v1.0/users/admin%40contoso.com/authentication/phoneMethods"
        let (operatorKey, port) = (operatorKey, server.port)
        @Sendable func send(_ method: String, _ path: String, _ key: String, _ json: String? = nil) -> RawHTTPClient
            .Response?
        {
            var headers = [("Authorization", "Bearer \(key)")]
            if json != nil { headers.append(("Content-Type", "application/json")) }
            return try? RawHTTPClient(port: port).request(
                method, path, headers: headers, body: json.map { Array($0.utf8) })
        }
        let statuses = Mutex<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: 3) { worker in
            for index in 0..<20 {
                if worker == 0 {
                    let made = send("POST", "/_admin/tenants", operatorKey)
                    let deleted = send("DELETE", "/_admin/tenants/\(made?.string("id") ?? "")", operatorKey)
                    statuses.withLock { $0 += [made?.status ?? 0, deleted?.status ?? 0] }
                } else {
                    let read = send("GET", path, token)
                    let user = #"{"userPrincipalName":"u\#(worker)-\#(index)@contoso.com"}"#
                    let added = send("POST", "/_admin/users", busy.key, user)
                    statuses.withLock { $0 += [read?.status ?? 0, added?.status ?? 0] }
                }
            }
        }
        let all = statuses.withLock { $0 }
        #expect(all.count == 120 && all.allSatisfy { [200, 201, 204].contains($0) }, "\(all)")
        #expect(try server.store.registeredTenants().map(\.id) == [busy.id])
    }

    /// Eight creations of one id at once: exactly one is made, the others are 409s.
    @Test func oneIdIsCreatedOnceWhateverTheRace() throws {
        let (operatorKey, port) = (operatorKey, server.port)
        let id = UUID().uuidString.lowercased()
        let statuses = Mutex<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let answer = try? RawHTTPClient(port: port).request(
                "POST", "/_admin/tenants",
                headers: [("Authorization", "Bearer \(operatorKey)"), ("Content-Type", "application/json")],
                body: Array(#"{"id":"\#(id)"}"#.utf8))
            statuses.withLock { $0.append(answer?.status ?? 0) }
        }
        #expect(statuses.withLock { $0.sorted() } == [201] + Array(repeating: 409, count: 7))
        #expect(try server.store.registeredTenants().map(\.id) == [id])
    }

    /// The token service is per tenant at `/{tenant id}/...`: an app registered in A signs in to
    /// A, and its tokens (tid A) work on A's Graph; at B's token endpoint A's app is unknown.
    @Test func eachTenantHasItsOwnTokenService() throws {
        let a = try createTenant()
        let b = try createTenant()
        _ = try adminToken(a.key)
        let app = try send(
            "POST", "/_admin/applications", key: a.key,
            json: #"{"displayName":"App A","applicationPermissions":["UserAuthenticationMethod.ReadWrite.All"]}"#)
        let appID = app.string("appId") ?? ""
        let secret = try send("POST", "/_admin/applications/\(appID)/secrets", key: a.key).string("secretText") ?? ""
        func signIn(_ tenant: String) throws -> RawHTTPClient.Response {
            let form = [
                "grant_type=client_credentials", "client_id=\(appID)",
                "client_secret=\(SignInFixture.formEncode(secret))",
                "scope=https%3A%2F%2Fgraph.microsoft.com%2F.default",
            ].joined(separator: "&")
            return try server.client().request(
                "POST", "/\(tenant)/oauth2/v2.0/token",
                headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(form.utf8))
        }
        let signedIn = try signIn(a.id)
        #expect(signedIn.status == 200, "\(signedIn.text)")
        let token = signedIn.string("access_token") ?? ""
        #expect(TenantRoute.unverifiedTenantID(token) == a.id)
        let graph = try send("GET", "/v1.0/users/admin%40contoso.com/authentication/phoneMethods", key: token)
        #expect(graph.status == 200, "\(graph.text)")
        let elsewhere = try signIn(b.id)
        #expect(elsewhere.status == 400 && elsewhere.text.contains("AADSTS700016"), "\(elsewhere.text)")
        // The discovery document names each tenant's own issuer.
        #expect(try send("GET", "/\(a.id)/v2.0/.well-known/openid-configuration", key: nil).text.contains(a.id))
    }

    /// `/metrics` covers the service: the operator key opens it (another tenant's admin key does
    /// not), and the tenants gauge counts the default tenant and the others.
    @Test func theOperatorKeyReadsTheServicesMetrics() throws {
        let a = try createTenant()
        let scrape = try send("GET", "/metrics", key: operatorKey)
        #expect(scrape.status == 200, "\(scrape.text)")
        #expect(scrape.text.contains("phone_service_tenants 2"), "\(scrape.text)")
        #expect(try send("GET", "/metrics", key: a.key).status == 401)
        #expect(try send("GET", "/metrics", key: server.store.tenant.adminKey).status == 200)
    }
}
