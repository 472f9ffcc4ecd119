import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// The admin API over real HTTP: the admin key guards it (and only it), set-up through it works
/// against Graph at once, and reset and snapshots put the tenant back while it serves.
@Suite struct AdminAPITests {
    let server: TestServer
    var key: String { server.store.tenant.adminKey }

    init() throws {
        server = try TestServer(limits: HTTPServer.Limits(threads: 2))
    }

    func admin(_ method: String, _ path: String, json: String? = nil, key: String? = nil) throws
        -> RawHTTPClient.Response
    {
        try server.send(method, "/_admin" + path, token: key ?? self.key, json: json)
    }

    /// Mints a token through the admin API.
    func token(_ json: String) throws -> String {
        let response = try admin("POST", "/tokens", json: json)
        #expect(response.status == 200, "\(response.text)")
        return response.string("accessToken") ?? ""
    }

    @Test func theAdminKeyIsMadeWithTheTenantAndKeptAcrossRestarts() throws {
        #expect(key.hasPrefix("psa_") && key.utf8.count == 68)
        let reopened = try PhoneStore(path: server.directory.appending(path: "other.db").path)
        #expect(reopened.tenant.adminKey != key, "two tenants share an admin key")
        let again = try PhoneStore(path: server.databasePath)
        #expect(again.tenant.adminKey == key)
    }

    @Test func onlyTheAdminKeyOpensTheAdminAPI() throws {
        let user = try server.addUser("admin@contoso.com", roles: [.globalAdministrator])
        let graphToken = server.token(for: user, scopes: ["UserAuthenticationMethod.ReadWrite.All"])
        for (name, presented) in [
            ("no key", ""), ("a Graph token", graphToken), ("another key", "psa_" + String(repeating: "0", count: 64)),
        ] {
            let response = try server.send("GET", "/_admin/users", token: presented.isEmpty ? nil : presented)
            #expect(response.status == 401, "\(name): \(response.text)")
            #expect(response.errorCode == "InvalidAuthenticationToken", "\(name)")
        }
        // And the admin key is no Graph token.
        let graph = try server.send(
            "GET", "/v1.0/users/admin%40contoso.com/authentication/phoneMethods", token: key)
        #expect(graph.status == 401)
        #expect(try admin("GET", "/users").status == 200)
    }

    @Test func usersGroupsAndPolicySetUpOverHTTPWorkWithGraphAtOnce() throws {
        let created = try admin(
            "POST", "/users",
            json: #"{"userPrincipalName":"helpdesk@contoso.com","roles":["authenticationAdministrator"]}"#)
        #expect(created.status == 201, "\(created.text)")
        #expect(isGUID(created.string("id")))
        #expect(created.object["roles"] as? [String] == ["authenticationAdministrator"])
        #expect(try admin("POST", "/users", json: #"{"userPrincipalName":"bob@contoso.com"}"#).status == 201)

        let duplicate = try admin("POST", "/users", json: #"{"userPrincipalName":"BOB@contoso.com"}"#)
        #expect(duplicate.status == 409, "\(duplicate.text)")
        let badRole = try admin("POST", "/users", json: #"{"userPrincipalName":"c@contoso.com","roles":["Pope"]}"#)
        #expect(badRole.status == 400 && badRole.errorMessage?.contains("Pope") == true, "\(badRole.text)")
        let unknownProperty = try admin("POST", "/users", json: #"{"upn":"c@contoso.com"}"#)
        #expect(unknownProperty.status == 400 && unknownProperty.errorMessage?.contains("upn") == true)

        let listed = try admin("GET", "/users")
        #expect(
            Set(listed.items.compactMap { $0["userPrincipalName"] as? String }) == [
                "helpdesk@contoso.com", "bob@contoso.com",
            ])

        // A token minted over HTTP works against Graph at once.
        let helpdesk = try token(
            #"{"user":"helpdesk@contoso.com","scopes":["UserAuthenticationMethod.ReadWrite.All"]}"#)
        let phone = try server.send(
            "POST", "/v1.0/users/bob%40contoso.com/authentication/phoneMethods", token: helpdesk,
            json: phoneBody("+1 2065550100", .mobile))
        #expect(phone.status == 201, "\(phone.text)")
        let app = try token(#"{"app":true,"roles":["UserAuthenticationMethod.Read.All"]}"#)
        #expect(
            try server.send("GET", "/v1.0/users/bob%40contoso.com/authentication/phoneMethods", token: app).status
                == 200)
        #expect(try admin("POST", "/tokens", json: #"{"user":"nobody@contoso.com","scopes":[]}"#).status == 404)
        #expect(try admin("POST", "/tokens", json: #"{"app":true,"user":"bob@contoso.com"}"#).status == 400)

        // Groups and the SMS policy: bob, in a group the policy includes, gets SMS sign-in ready.
        #expect(try admin("POST", "/groups", json: #"{"displayName":"Pilot"}"#).status == 201)
        #expect(try admin("POST", "/groups/Pilot/members", json: #"{"user":"bob@contoso.com"}"#).status == 204)
        let policy = try admin("PATCH", "/policies/sms", json: #"{"state":"enabled","include":["group:Pilot"]}"#)
        #expect(policy.status == 200, "\(policy.text)")
        #expect(policy.string("state") == "enabled")
        let enable = try server.send(
            "POST",
            "/v1.0/users/bob%40contoso.com/authentication/phoneMethods/3179e48a-750b-4051-897c-87b9720928f7/enableSmsSignIn",
            token: helpdesk)
        #expect(enable.status == 204, "\(enable.text)")
        #expect(try admin("PATCH", "/policies/sms", json: #"{"include":["group:Nobody"]}"#).status == 404)
        #expect(try admin("PATCH", "/policies/sms", json: #"{"state":"on"}"#).status == 400)

        // Removal.
        #expect(try admin("DELETE", "/groups/Pilot/members/bob%40contoso.com").status == 204)
        #expect(try admin("DELETE", "/groups/Pilot").status == 204)
        #expect(try admin("DELETE", "/users/bob%40contoso.com").status == 204)
        #expect(try admin("GET", "/users/bob%40contoso.com").status == 404)
        #expect(try admin("GET", "/nothing/here").status == 404)
    }

    @Test func theCommandLineAndTheAdminAPIRefuseTheSameInputAlike() throws {
        let administration = TenantAdministration(store: server.store)
        #expect(throws: GraphError.badRequest("id 'not-a-guid' is not a GUID")) {
            try administration.addUser(
                userPrincipalName: "x@contoso.com", id: "not-a-guid", displayName: nil, roles: [])
        }
        let response = try admin("POST", "/users", json: #"{"userPrincipalName":"x@contoso.com","id":"not-a-guid"}"#)
        #expect(response.status == 400)
        #expect(response.errorMessage?.contains("'not-a-guid' is not a GUID") == true, "\(response.text)")
    }

    @Test func resetPutsTheTenantBackAndCanKeepUsersAndTheKey() throws {
        let alice = try server.addUser("alice@contoso.com", roles: [.privilegedAuthenticationAdministrator])
        _ = try server.store.createPhoneMethod(userID: alice.id, type: .mobile, number: "+1 2065550101")
        try server.store.addGroup(displayName: "Pilot")
        try server.store.setSmsPolicy(SmsPolicy(enabled: true, includeTargets: [.allUsers]))
        let oldToken = server.token(for: alice, scopes: ["UserAuthenticationMethod.ReadWrite.All"])
        let path = "/v1.0/users/alice%40contoso.com/authentication/phoneMethods"
        #expect(try server.send("GET", path, token: oldToken).items.count == 1)

        // Keep users and the key: phones and policy go, the token still works.
        #expect(try admin("POST", "/reset", json: #"{"keep":["users","signingKey"]}"#).status == 204)
        #expect(try server.send("GET", path, token: oldToken).items.isEmpty)
        #expect(try server.store.smsPolicy().enabled == false)
        #expect(try server.store.groups().isEmpty)
        #expect(try server.store.users().count == 1)

        // A full reset: users go and the signing key changes, so old tokens stop working.
        #expect(try admin("POST", "/reset").status == 204)
        #expect(try server.store.users().isEmpty)
        #expect(try server.send("GET", path, token: oldToken).status == 401)
        #expect(try admin("GET", "/users").status == 200, "the admin key survives a reset")
        #expect(try admin("POST", "/reset", json: #"{"keep":["phones"]}"#).status == 400)
    }

    @Test func oneUsersPhoneMethodsCanBeRemoved() throws {
        let alice = try server.addUser("alice@contoso.com")
        let bob = try server.addUser("bob@contoso.com")
        _ = try server.store.createPhoneMethod(userID: alice.id, type: .mobile, number: "+1 2065550101")
        _ = try server.store.createPhoneMethod(userID: alice.id, type: .alternateMobile, number: "+1 2065550102")
        _ = try server.store.createPhoneMethod(userID: bob.id, type: .mobile, number: "+1 2065550103")
        #expect(try admin("DELETE", "/users/alice%40contoso.com/phoneMethods").status == 204)
        #expect(try server.store.phoneMethods(userID: alice.id).isEmpty)
        #expect(try server.store.phoneMethods(userID: bob.id).count == 1)
        #expect(try admin("DELETE", "/users/nobody%40contoso.com/phoneMethods").status == 404)
    }

    @Test func aSnapshotRestoredWhileServingBringsTheStateBackAtomically() throws {
        let admin = try server.addUser("admin@contoso.com", roles: [.privilegedAuthenticationAdministrator])
        let alice = try server.addUser("alice@contoso.com")
        _ = try server.store.createPhoneMethod(userID: alice.id, type: .mobile, number: "+1 2065550101")
        _ = try server.store.createPhoneMethod(userID: alice.id, type: .office, number: "+1 2065550102")
        #expect(try self.admin("POST", "/snapshots", json: #"{"name":"seeded"}"#).status == 201)
        #expect(try self.admin("POST", "/snapshots", json: #"{"name":"seeded"}"#).status == 409)
        #expect(try self.admin("POST", "/snapshots", json: #"{"name":"../escape"}"#).status == 400)
        #expect(try self.admin("GET", "/snapshots").items.compactMap { $0["name"] as? String } == ["seeded"])

        try server.store.removePhoneMethods(userKey: alice.id)
        try server.addUser("carol@contoso.com")

        // Readers run throughout the restore: each sees the state before (no phones) or after (two
        // phones), never one phone.
        let token = server.token(for: admin, scopes: ["UserAuthenticationMethod.Read.All"])
        let port = server.port
        let path = "/v1.0/users/alice%40contoso.com/authentication/phoneMethods"
        let stop = Locked(false)
        let counts = Locked<[Int]>([])
        let readers = DispatchGroup()
        for _ in 0..<3 {
            DispatchQueue.global().async(group: readers) {
                guard let client = try? RawHTTPClient(port: port) else { return }
                while !stop.withLock({ $0 }) {
                    guard
                        let response = try? client.request("GET", path, headers: [("Authorization", "Bearer \(token)")])
                    else { return }
                    counts.withLock { $0.append(response.status == 200 ? response.items.count : -response.status) }
                }
            }
        }
        // Every reader has read the state before; then restore; then readers see the state after.
        #expect(HostileFixture.eventually(within: 20) { counts.withLock { $0.count } >= 6 }, "readers did not start")
        let restored = try self.admin("POST", "/snapshots/seeded/restore")
        let readAfter = HostileFixture.eventually(within: 20) { counts.withLock { $0.last } == 2 }
        stop.withLock { $0 = true }
        #expect(readers.wait(timeout: .now() + 10) == .success)
        #expect(restored.status == 204, "\(restored.text)")
        let seen = counts.withLock { $0 }
        #expect(!seen.isEmpty)
        #expect(seen.allSatisfy { $0 == 0 || $0 == 2 }, "a reader saw \(Set(seen))")
        #expect(readAfter && seen.contains(0), "seen: \(Set(seen))")
        #expect(try server.store.user(key: "carol@contoso.com") == nil)
        #expect(try self.admin("POST", "/snapshots/missing/restore").status == 404)
        #expect(try self.admin("DELETE", "/snapshots/seeded").status == 204)
        #expect(try self.admin("GET", "/snapshots").items.isEmpty)
    }
}
