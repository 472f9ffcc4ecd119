import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// Requests that race over real HTTP, each on its own connection, released together. The rules
/// hold in the database, so whatever the interleaving, exactly the allowed outcomes happen.
@Suite struct ConcurrencyTests {
    static let mobile = #"{"phoneNumber":"+1 2065555555","phoneType":"mobile"}"#
    static let alternate = #"{"phoneNumber":"+1 4255550100","phoneType":"alternateMobile"}"#

    static func collection(_ upn: String) -> String {
        "/v1.0/users/\(upn.replacingOccurrences(of: "@", with: "%40"))/authentication/phoneMethods"
    }

    /// A server, an administrator's token, and `count` users with no phones.
    static func setUp(users count: Int) throws -> (server: TestServer, token: String, users: [User]) {
        let server = try TestServer()
        let admin = try server.addUser("admin@contoso.com", roles: [.globalAdministrator])
        let users = try (0..<count).map { try server.addUser("user\($0)@contoso.com") }
        return (server, server.token(for: admin, scopes: ["UserAuthenticationMethod.ReadWrite.All"]), users)
    }

    /// Opens one connection per request first, so the requests differ only in when the server
    /// runs them, then sends them all at once.
    static func race(
        _ server: TestServer, token: String, _ requests: [(method: String, path: String, body: String?)]
    ) throws -> [RawHTTPClient.Response] {
        let clients = try requests.map { _ in try server.client() }
        let shared = UncheckedBox(clients)
        let results = try concurrently(requests.count) { index in
            let request = requests[index]
            var headers = [("Authorization", "Bearer \(token)")]
            if request.body != nil { headers.append(("Content-Type", "application/json")) }
            return try shared.value[index].request(
                request.method, request.path, headers: headers, body: request.body.map { Array($0.utf8) })
        }
        return try results.map { try $0.get() }
    }

    @Test(arguments: [2, 16])
    func concurrentCreatesOfOneMobileMakeExactlyOne(_ count: Int) throws {
        let (server, token, users) = try Self.setUp(users: 1)
        let path = Self.collection(users[0].userPrincipalName)
        let responses = try Self.race(server, token: token, Array(repeating: ("POST", path, Self.mobile), count: count))
        let statuses = responses.map(\.status)
        #expect(statuses.filter { $0 == 201 }.count == 1, "\(statuses)")
        #expect(statuses.filter { $0 == 409 }.count == count - 1, "\(statuses)")
        #expect(responses.filter { $0.status == 409 }.allSatisfy { $0.errorCode == "conflict" })
        #expect(try server.store.phoneMethods(userID: users[0].id).map(\.type) == [.mobile])
    }

    @Test func concurrentCreatesForDifferentUsersAllSucceed() throws {
        let (server, token, users) = try Self.setUp(users: 16)
        let responses = try Self.race(
            server, token: token, users.map { ("POST", Self.collection($0.userPrincipalName), Self.mobile) })
        #expect(responses.map(\.status) == Array(repeating: 201, count: 16))
        for user in users {
            #expect(try server.store.phoneMethods(userID: user.id).map(\.type) == [.mobile])
        }
    }

    @Test func concurrentCreatesOfEveryTypeForOneUserAllSucceed() throws {
        let (server, token, users) = try Self.setUp(users: 1)
        let path = Self.collection(users[0].userPrincipalName)
        _ = try server.send("POST", path, token: token, json: Self.mobile)
        let office = #"{"phoneNumber":"+1 2065550199","phoneType":"office"}"#
        let responses = try Self.race(server, token: token, [("POST", path, Self.alternate), ("POST", path, office)])
        #expect(responses.map(\.status) == [201, 201])
        #expect(try server.store.phoneMethods(userID: users[0].id).count == 3)
    }

    /// An alternateMobile create racing the delete of the mobile: one of the two wins, and the
    /// database never holds an alternateMobile without a mobile.
    @Test func alternateMobileCreatesRacingMobileDeletesNeverOrphanTheAlternate() throws {
        let (server, token, users) = try Self.setUp(users: 12)
        for round in 0..<3 {
            for user in users {
                let path = Self.collection(user.userPrincipalName)
                _ = try? server.store.deletePhoneMethod(userID: user.id, type: .alternateMobile)
                if try server.store.phoneMethod(userID: user.id, type: .mobile) == nil {
                    let created = try server.send("POST", path, token: token, json: Self.mobile)
                    try #require(created.status == 201)
                }
            }
            var requests: [(method: String, path: String, body: String?)] = []
            for user in users {
                let path = Self.collection(user.userPrincipalName)
                let pair: [(method: String, path: String, body: String?)] = [
                    ("POST", path, Self.alternate), ("DELETE", path + "/" + PhoneType.mobile.methodID, nil),
                ]
                requests += round % 2 == 0 ? pair : pair.reversed()
            }
            let responses = try Self.race(server, token: token, requests)
            for (index, user) in users.enumerated() {
                let answers = responses[(index * 2)...(index * 2 + 1)]
                let statuses = answers.map(\.status).sorted()
                // Either the create won (201, then the delete is refused) or the delete did (204,
                // then the create is refused): never both, never neither.
                #expect(statuses == [201, 409] || statuses == [204, 409], "\(user.userPrincipalName): \(statuses)")
                #expect(answers.filter { $0.status == 409 }.allSatisfy { $0.errorCode == "conflict" })
            }
            let db = try Database(path: server.databasePath, readOnly: true)
            let orphans = try db.scalarInt(
                """
                SELECT count(*) FROM phone_method AS a WHERE a.phone_type = 'alternateMobile'
                AND NOT EXISTS (SELECT 1 FROM phone_method AS m WHERE m.user_id = a.user_id AND m.phone_type = 'mobile')
                """)
            #expect(orphans == 0)
            let alternates = try db.scalarInt("SELECT count(*) FROM phone_method WHERE phone_type = 'alternateMobile'")
            let created = responses.filter { $0.status == 201 }.count
            #expect(alternates == Int64(created))
        }
    }

    /// Reads and writes of many users at once: every read answers 200 with a consistent list.
    @Test func readsDuringWritesSeeWholePhones() throws {
        let (server, token, users) = try Self.setUp(users: 8)
        var requests: [(method: String, path: String, body: String?)] = []
        for user in users {
            let path = Self.collection(user.userPrincipalName)
            requests.append(("POST", path, Self.mobile))
            requests.append(("GET", path, nil))
            requests.append(("POST", path, Self.alternate))
        }
        let responses = try Self.race(server, token: token, requests)
        for response in responses where response.status == 200 {
            let items = response.object["value"] as? [[String: Any]] ?? []
            let types = items.compactMap { $0["phoneType"] as? String }
            #expect(!types.contains("alternateMobile") || types.contains("mobile"), "\(types)")
        }
        #expect(responses.allSatisfy { [200, 201, 409].contains($0.status) }, "\(responses.map(\.status))")
    }

    /// Many keep-alive connections, many requests each: no 5xx, and the server's answers match the
    /// writes that were acknowledged.
    @Test func manyClientsOnKeepAliveConnections() throws {
        let (server, token, users) = try Self.setUp(users: 32)
        let perClient = 4
        let shared = UncheckedBox(server)
        let results = try concurrently(8) { client in
            let connection = try shared.value.client()
            var statuses: [Int] = []
            for step in 0..<perClient {
                let user = users[client * perClient + step]
                let path = Self.collection(user.userPrincipalName)
                let headers = [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")]
                statuses.append(
                    try connection.request("POST", path, headers: headers, body: Array(Self.mobile.utf8)).status)
                statuses.append(try connection.request("GET", path, headers: headers).status)
                statuses.append(
                    try connection.request("POST", path, headers: headers, body: Array(Self.mobile.utf8)).status)
            }
            return statuses
        }
        for result in results {
            #expect(try result.get() == Array(repeating: [201, 200, 409], count: perClient).flatMap { $0 })
        }
        let db = try Database(path: server.databasePath, readOnly: true)
        #expect(try db.scalarInt("SELECT count(*) FROM phone_method") == 32)
    }
}

/// Hands a non-Sendable value to threads that each use a different part of it.
struct UncheckedBox<Value>: @unchecked Sendable {
    // @unchecked: each thread uses only the element at its own index.
    let value: Value
    init(_ value: Value) { self.value = value }
}
