import Foundation
import Synchronization
import Testing

@testable import PhoneService
@testable import PhoneStore

/// The request journal over real HTTP: one row per Graph request with the right fields and nothing
/// secret in it, the admin query's filters and pages, and a journal that agrees with the state
/// after many concurrent writes.
@Suite struct JournalTests {
    let fixture: PhoneFixture
    var server: TestServer { fixture.server }
    var alicePhones: String { "/v1.0/users/alice%40contoso.com/authentication/phoneMethods" }
    static let number = "+1 2065550123"
    static let digits = "2065550123"

    init() throws {
        fixture = try PhoneFixture()
    }

    /// Every row, newest first, after the buffered ones are written.
    func rows() throws -> [JournalEntry] {
        try server.store.flushJournal()
        return try server.store.journalEntries(JournalFilter(top: JournalFilter.maximumTop)).entries
    }

    func rows(requestID: String?) throws -> [JournalEntry] {
        try rows().filter { $0.requestID == requestID }
    }

    func admin(_ pathAndQuery: String) throws -> RawHTTPClient.Response {
        try server.send("GET", "/_admin" + pathAndQuery, token: server.store.tenant.adminKey)
    }

    @Test func eachRequestLeavesOneRowWithItsFields() throws {
        let mobile = PhoneType.mobile.methodID
        let create = try server.send(
            "POST", alicePhones, token: fixture.adminToken, json: phoneBody(Self.number, .mobile),
            headers: [("client-request-id", "journal-create")])
        #expect(create.status == 201, "\(create.text)")
        let refused = try server.send(
            "POST", alicePhones, token: fixture.adminToken, json: phoneBody("+1 2065550124", .mobile))
        #expect(refused.status == 409, "\(refused.text)")
        let read = try server.send("GET", "/v1.0/me/authentication/phoneMethods/\(mobile)", token: fixture.adminToken)
        #expect(read.status == 404, "\(read.text)")  // the admin has no mobile
        let list = try server.send("GET", alicePhones + "?$filter=phoneType%20eq%20'mobile'", token: fixture.adminToken)
        #expect(list.status == 200, "\(list.text)")
        let unauthenticated = try server.send("GET", alicePhones, token: nil)
        #expect(unauthenticated.status == 401)
        let forbidden = try server.send("GET", alicePhones, token: server.appToken(roles: []))
        #expect(forbidden.status == 403)

        let all = try rows()
        #expect(all.count == 6, "\(all)")
        for response in [create, refused, read, list, unauthenticated, forbidden] {
            #expect(try rows(requestID: response.headers["request-id"]).count == 1)
        }
        let created = try #require(try rows(requestID: create.headers["request-id"]).first)
        #expect(created.method == "POST" && created.path == alicePhones && created.status == 201)
        #expect(created.errorCode == nil && created.clientRequestID == "journal-create")
        #expect(created.callerUserID == fixture.admin.id && created.callerAppID == nil)
        #expect(created.targetUserID == fixture.alice.id && created.phoneMethodID == mobile)
        #expect(created.at.utf8.count == 24 && created.durationMicroseconds > 0)
        #expect(!created.earlyRetry && created.batchID == nil)

        let conflict = try #require(try rows(requestID: refused.headers["request-id"]).first)
        #expect(conflict.status == 409 && conflict.errorCode == "conflict")
        #expect(conflict.targetUserID == fixture.alice.id && conflict.phoneMethodID == nil)

        let missing = try #require(try rows(requestID: read.headers["request-id"]).first)
        #expect(missing.status == 404 && missing.errorCode == "itemNotFound")
        #expect(missing.targetUserID == fixture.admin.id && missing.phoneMethodID == mobile)

        let listed = try #require(try rows(requestID: list.headers["request-id"]).first)
        #expect(listed.status == 200 && listed.path == alicePhones, "the query string is never kept")

        let anonymous = try #require(try rows(requestID: unauthenticated.headers["request-id"]).first)
        #expect(anonymous.status == 401 && anonymous.errorCode == "InvalidAuthenticationToken")
        #expect(anonymous.callerUserID == nil && anonymous.callerAppID == nil && anonymous.targetUserID == nil)

        let denied = try #require(try rows(requestID: forbidden.headers["request-id"]).first)
        #expect(denied.status == 403 && denied.errorCode == "accessDenied")
        #expect(denied.callerUserID == nil && denied.callerAppID?.isEmpty == false)
    }

    @Test func noRowHoldsANumberOrAToken() throws {
        let token = fixture.adminToken
        let mobile = alicePhones + "/" + PhoneType.mobile.methodID
        #expect(try server.send("POST", alicePhones, token: token, json: phoneBody(Self.number, .mobile)).status == 201)
        #expect(try server.send("PATCH", mobile, token: token, json: phoneBody("+1 2065550999")).status == 204)
        #expect(
            try server.send("POST", alicePhones, token: token, json: phoneBody("+12065550777", .office)).status == 400)
        let filtered = alicePhones + "?$filter=phoneNumber%20eq%20'%2B1%202065550123'"
        #expect(try server.send("GET", filtered, token: token).status == 400)
        #expect(try server.send("GET", alicePhones, token: "not.a.token").status == 401)
        try server.store.flushJournal()

        let db = try Database(path: server.databasePath, readOnly: true)
        var cells: [String] = []
        try db.query("SELECT * FROM request_journal") { row in
            for column in 0..<16 { cells.append(row.text(Int32(column)) ?? "") }
        }
        #expect(cells.count == 5 * 16)
        for secret in [Self.digits, "2065550999", "2065550777", token, "not.a.token", "Bearer"] {
            #expect(!cells.contains { $0.contains(secret) }, "a row holds '\(secret.prefix(20))'")
        }
    }

    @Test func healthAndAdminRequestsAreNotJournaled() throws {
        #expect(try server.send("GET", "/healthz", token: nil).status == 200)
        #expect(try admin("/users").status == 200)
        #expect(try admin("/journal").status == 200)
        #expect(try rows().isEmpty)
    }

    @Test func theAdminQueryFiltersAndPages() throws {
        let token = fixture.adminToken
        let bobPhones = "/v1.0/users/\(try server.addUser("bob@contoso.com").id)/authentication/phoneMethods"
        #expect(try server.send("POST", alicePhones, token: token, json: phoneBody(Self.number, .mobile)).status == 201)
        #expect(try server.send("POST", alicePhones, token: token, json: phoneBody(Self.number, .mobile)).status == 409)
        #expect(try server.send("POST", bobPhones, token: token, json: phoneBody(Self.number, .office)).status == 201)
        #expect(try server.send("GET", bobPhones, token: token).status == 200)
        let aliceToken = server.token(for: fixture.alice, scopes: ["UserAuthenticationMethod.Read"])
        #expect(try server.send("GET", "/v1.0/me/authentication/phoneMethods", token: aliceToken).status == 200)
        #expect(try server.send("GET", "/v1.0/me/authentication/phoneMethods", token: nil).status == 401)

        func statuses(_ query: String) throws -> [Int] {
            let page = try admin("/journal?" + query)
            #expect(page.status == 200, "\(query): \(page.text)")
            return page.items.compactMap { $0["status"] as? Int }
        }
        #expect(try statuses("") == [401, 200, 200, 201, 409, 201])
        #expect(try statuses("user=alice%40contoso.com") == [200, 409, 201])
        #expect(try statuses("user=\(fixture.alice.id)") == [200, 409, 201])
        #expect(try statuses("user=\(fixture.admin.id)") == [200, 201, 409, 201])
        #expect(try statuses("method=post") == [201, 409, 201])
        #expect(try statuses("path=/v1.0/users/*") == [200, 201, 409, 201])
        #expect(try statuses("path=/v1.0/users/alice*&status=409") == [409])
        #expect(try statuses("path=*/me/*") == [401, 200])
        #expect(try statuses("status=201") == [201, 201])
        #expect(try statuses("since=2000-01-01T00:00:00Z").count == 6)
        #expect(try statuses("since=2999-01-01T00:00:00.000Z") == [])

        let first = try admin("/journal")
        let item = try #require(first.items.first)
        #expect(item["method"] as? String == "GET" && item["callerUserId"] is NSNull)
        for key in ["id", "sequence", "dateTime", "path", "errorCode", "requestId", "clientRequestId", "callerAppId"] {
            #expect(item[key] != nil, "\(key)")
        }
        for key in ["targetUserId", "phoneMethodId", "durationMicroseconds", "earlyRetry", "batchId", "explanation"] {
            #expect(item[key] != nil, "\(key)")
        }

        // Pages of two, by the next links, give the whole list once.
        var link: String? = "/_admin/journal?top=2"
        var seen: [Int] = []
        var pages = 0
        while let next = link {
            let page = try server.send("GET", next, token: server.store.tenant.adminKey)
            #expect(page.status == 200, "\(page.text)")
            seen += page.items.compactMap { $0["status"] as? Int }
            link = page.object["@odata.nextLink"] as? String
            pages += 1
        }
        #expect(seen == [401, 200, 200, 201, 409, 201] && pages == 3)
        let filteredPage = try admin("/journal?method=POST&top=2")
        let nextLink = try #require(filteredPage.object["@odata.nextLink"] as? String)
        #expect(nextLink.hasPrefix("/_admin/journal?method=POST&top=2&skipToken="), "\(nextLink)")
        let rest = try server.send("GET", nextLink, token: server.store.tenant.adminKey)
        #expect(rest.items.compactMap { $0["status"] as? Int } == [201] && rest.object["@odata.nextLink"] == nil)

        for (query, filter) in [
            ("status=abc", "status"), ("status=99", "status"), ("since=yesterday", "since"), ("top=0", "top"),
            ("top=5000", "top"), ("skipToken=x", "skipToken"), ("method=P1", "method"), ("path=users", "path"),
            ("user=", "user"), ("colour=blue", "colour"), ("status=200&status=201", "status"),
        ] {
            let refused = try admin("/journal?" + query)
            #expect(refused.status == 400, "\(query): \(refused.text)")
            #expect(refused.errorMessage?.contains("'\(filter)'") == true, "\(query): \(refused.text)")
        }
    }

    /// A `$batch` runs its requests one after the other, microseconds apart, mostly within one
    /// millisecond: each pair is a refusal (a read: its row is buffered, stored later) and the write
    /// that followed it (its row stored in the write's transaction, first). The journal lists them
    /// in the order they arrived; listed by time and id, a pair of one millisecond came out swapped.
    @Test func aRefusalAndTheWriteAfterItAreListedInArrivalOrder() throws {
        let phones = "/users/alice@contoso.com/authentication/phoneMethods"
        let (office, mobile) = ("\(phones)/\(PhoneType.office.methodID)", "\(phones)/\(PhoneType.mobile.methodID)")
        var requests: [[String: Any]] = []
        var expected: [Int] = []
        for pair in 0..<10 {
            requests.append(inner("\(2 * pair)", "GET", office))
            if pair % 2 == 0 {
                requests.append(inner("\(2 * pair + 1)", "POST", phones, body: mobileBody))
                expected += [404, 201]
            } else {
                requests.append(inner("\(2 * pair + 1)", "DELETE", mobile))
                expected += [404, 204]
            }
        }
        let answer = try fixture.batch(.v1, requests)
        #expect(answer.response.status == 200, "\(answer.response.text)")
        #expect((0..<20).compactMap { answer.status("\($0)") } == expected)
        let batchID = try #require(answer.response.headers["request-id"])
        let listed = try rows().filter { $0.batchID == batchID }
        #expect(listed.reversed().map(\.status) == expected, "oldest first: \(listed.map { ($0.status, $0.at) })")
        // The same order page by page, one row a page, through the next links.
        var link: String? = "/_admin/journal?top=1"
        var paged: [Int] = []
        while let next = link {
            let page = try server.send("GET", next, token: server.store.tenant.adminKey)
            paged += page.items.compactMap { $0["status"] as? Int }
            link = page.object["@odata.nextLink"] as? String
        }
        #expect(paged.reversed() == [200] + expected, "the batch's own row comes first (it arrived first)")
    }

    /// A 403 is Graph's plain `accessDenied` on the wire; its row says what was missing.
    @Test func refusalsAreExplainedInTheJournalOnly() throws {
        let alice = try #require(try server.store.user(key: "alice@contoso.com"))
        let noRoles = try server.send("GET", alicePhones, token: server.appToken(roles: []))
        let helpDesk = try server.send(
            "POST", "/v1.0/users/admin%40contoso.com/authentication/phoneMethods",
            token: server.token(for: alice, scopes: ["UserAuthenticationMethod.ReadWrite.All"]),
            json: phoneBody(Self.number, .mobile))
        for refused in [noRoles, helpDesk] {
            #expect(refused.status == 403, "\(refused.text)")
            #expect(refused.errorCode == "accessDenied" && refused.errorMessage == "Request Authorization failed")
            #expect(!refused.text.contains("needs"), "the reason stays off the wire: \(refused.text)")
        }
        #expect(try server.send("GET", alicePhones, token: fixture.adminToken).status == 200)
        try server.store.flushJournal()

        let page = try admin("/journal?status=403")
        #expect(page.items.count == 2, "\(page.text)")
        let byRequest = Dictionary(
            uniqueKeysWithValues: page.items.compactMap { item in
                (item["requestId"] as? String).map { ($0, item["explanation"] as? String ?? "") }
            })
        #expect(
            byRequest[noRoles.headers["request-id"] ?? ""]
                == "this request needs one of roles UserAuthMethod-Phone.Read.All UserAuthMethod-Phone.ReadWrite.All "
                + "UserAuthenticationMethod.Read.All UserAuthenticationMethod.ReadWrite.All; the token has roles none")
        #expect(
            byRequest[helpDesk.headers["request-id"] ?? ""]?.hasPrefix(
                "reaching another user's phone methods (the target is an administrator) needs the directory role")
                == true,
            "\(byRequest)")
        let allowed = try admin("/journal?status=200")
        #expect(allowed.items.count == 1 && allowed.items.first?["explanation"] is NSNull)
    }

    @Test func resetClearsTheJournalUnlessKept() throws {
        #expect(try server.send("GET", alicePhones, token: fixture.adminToken).status == 200)
        let keep = try server.send(
            "POST", "/_admin/reset", token: server.store.tenant.adminKey, json: #"{"keep":["users","journal"]}"#)
        #expect(keep.status == 204, "\(keep.text)")
        #expect(try rows().count == 1)
        #expect(try server.send("POST", "/_admin/reset", token: server.store.tenant.adminKey, json: "{}").status == 204)
        #expect(try rows().isEmpty)
    }

    /// Creates and deletes from many connections at once: every acknowledged write has its row,
    /// and replaying the rows of successful writes in commit (id) order gives the final state.
    @Test func theJournalAndTheStateNeverDisagree() throws {
        let users = try (0..<4).map { try server.addUser("user\($0)@contoso.com") }
        let token = fixture.adminToken
        let answers = Mutex<[(requestID: String, status: Int)]>([])
        let port = server.port
        DispatchQueue.concurrentPerform(iterations: 160) { index in
            let user = users[index % users.count]
            let type: PhoneType = index % 3 == 0 ? .office : .mobile
            let path = "/v1.0/users/\(user.id)/authentication/phoneMethods"
            let headers = [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")]
            let response =
                index % 2 == 0
                ? try? RawHTTPClient(port: port).request(
                    "POST", path, headers: headers, body: Array(phoneBody("+1 42555\(index % 10)", type).utf8))
                : try? RawHTTPClient(port: port).request("DELETE", path + "/" + type.methodID, headers: headers)
            if let response { answers.withLock { $0.append((response.headers["request-id"] ?? "", response.status)) } }
        }
        let acknowledged = answers.withLock { $0 }
        #expect(acknowledged.count == 160)
        let journal = try rows()
        let byRequest = Dictionary(journal.map { ($0.requestID, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(byRequest.count == journal.count && journal.count == 160)
        for answer in acknowledged {
            #expect(byRequest[answer.requestID]?.status == answer.status, "\(answer)")
        }
        #expect(
            Set(acknowledged.map(\.status)).isSubset(of: [201, 204, 404, 409]), "\(Set(acknowledged.map(\.status)))")

        var replayed: [String: Set<String>] = [:]  // user id -> phone method ids
        for entry in journal.sorted(by: { ($0.id ?? 0) < ($1.id ?? 0) }) {
            guard let user = entry.targetUserID, let method = entry.phoneMethodID else { continue }
            switch (entry.method, entry.status) {
            case ("POST", 201): replayed[user, default: []].insert(method)
            case ("DELETE", 204): replayed[user, default: []].remove(method)
            default: break
            }
        }
        for user in users {
            let stored = Set(try server.store.phoneMethods(userID: user.id).map(\.type.methodID))
            #expect(stored == replayed[user.id] ?? [], "\(user.userPrincipalName)")
        }
    }
}
