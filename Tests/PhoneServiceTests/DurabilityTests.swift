import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// The real binary, killed without warning: every write it acknowledged is in the database when
/// it starts again on the same file, and its tokens still work (the key lives in the database).
@Suite struct DurabilityTests {
    static let mobileID = PhoneType.mobile.methodID

    /// A database with an administrator and `count` users, made in-process and closed again, and
    /// the administrator's token.
    static func prepare(_ directory: TemporaryDirectory, users count: Int) throws -> (
        path: String, token: String, users: [User]
    ) {
        let path = directory.path("state.db")
        let store = try PhoneStore(path: path, durability: .normal)
        let admin = try store.addUser(userPrincipalName: "admin@contoso.com", roles: [.globalAdministrator])
        let users = try (0..<count).map { try store.addUser(userPrincipalName: "user\($0)@contoso.com") }
        let token = try TokenIssuer(store: store).delegated(
            user: admin, scopes: ["UserAuthenticationMethod.ReadWrite.All"])
        return (path, token, users)
    }

    static func collection(_ user: User) -> String { "/v1.0/users/\(user.id)/authentication/phoneMethods" }

    static func headers(_ token: String) -> [(String, String)] {
        [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")]
    }

    static func number(_ index: Int) -> String { "+1 20655\(String(format: "%05d", index))" }

    /// The numbers the service lists for `user`, by type.
    static func listed(_ service: ServiceProcess, _ user: User, token: String) throws -> [String: String] {
        let list = try service.client().request("GET", collection(user), headers: headers(token))
        #expect(list.status == 200, "\(list.text)")
        var numbers: [String: String] = [:]
        for item in list.object["value"] as? [[String: Any]] ?? [] {
            numbers[item["phoneType"] as? String ?? "?"] = item["phoneNumber"] as? String
        }
        return numbers
    }

    /// Create, update and delete, each followed at once by SIGKILL: after every restart the
    /// service shows exactly what it had acknowledged.
    @Test func everyAcknowledgedWriteSurvivesSIGKILL() throws {
        let directory = try TemporaryDirectory()
        let (path, token, users) = try Self.prepare(directory, users: 4)
        var expected: [String: [String: String]] = [:]  // user id -> type -> number

        func step(_ method: String, _ user: User, _ suffix: String, _ body: String?, status: Int) throws {
            let service = try ServiceProcess(databasePath: path)
            for (id, numbers) in expected {
                let user = try #require(users.first { $0.id == id })
                #expect(try Self.listed(service, user, token: token) == numbers, "after restart: \(user.id)")
            }
            let answer = try service.client().request(
                method, Self.collection(user) + suffix, headers: Self.headers(token), body: body.map { Array($0.utf8) })
            service.killHard()
            try #require(answer.status == status, "\(answer.text)")
            #expect(service.process.terminationReason == .uncaughtSignal)
        }

        for (index, user) in users.enumerated() {
            try step(
                "POST", user, "", #"{"phoneNumber":"\#(Self.number(index))","phoneType":"mobile"}"#, status: 201)
            expected[user.id, default: [:]]["mobile"] = Self.number(index)
            try step(
                "POST", user, "", #"{"phoneNumber":"\#(Self.number(100 + index))","phoneType":"office"}"#,
                status: 201)
            expected[user.id, default: [:]]["office"] = Self.number(100 + index)
        }
        try step("PATCH", users[0], "/\(Self.mobileID)", #"{"phoneNumber":"+44 7700900123"}"#, status: 204)
        expected[users[0].id]?["mobile"] = "+44 7700900123"
        try step("DELETE", users[1], "/\(PhoneType.office.methodID)", nil, status: 204)
        expected[users[1].id]?["office"] = nil

        let service = try ServiceProcess(databasePath: path)
        for user in users {
            #expect(try Self.listed(service, user, token: token) == expected[user.id] ?? [:])
        }
    }

    /// Clients create phones as fast as they can; the service is killed (or stopped) in the
    /// middle. Every phone it answered 201 for is there after the restart, with its number, and
    /// beyond those at most the ones that were in flight. A SIGTERM still exits 0.
    @Test(arguments: [("full", SIGKILL), ("normal", SIGKILL), ("full", SIGTERM)])
    func createsInFlightWhenKilledLoseNothingAcknowledged(_ durability: String, _ signal: Int32) throws {
        let directory = try TemporaryDirectory()
        let clients = 4
        let perClient = 75
        let (path, token, users) = try Self.prepare(directory, users: clients * perClient)
        let service = try ServiceProcess(databasePath: path, arguments: ["--durability", durability])
        let killAfter = clients * perClient / 2
        let acknowledged = Locked([String: String]())  // user id -> number
        let shared = UncheckedBox(service)

        let results = try concurrently(clients, timeout: .seconds(60)) { client in
            let connection = try shared.value.client()
            for step in 0..<perClient {
                let index = client * perClient + step
                let user = users[index]
                let body = #"{"phoneNumber":"\#(Self.number(index))","phoneType":"mobile"}"#
                guard
                    let answer = try? connection.request(
                        "POST", Self.collection(user), headers: Self.headers(token), body: Array(body.utf8))
                else { return step }  // the service is gone
                guard answer.status == 201 else { throw RawHTTPClient.Failure.malformed("\(answer.status)") }
                let count = acknowledged.withLock {
                    $0[user.id] = Self.number(index)
                    return $0.count
                }
                if count == killAfter { shared.value.signal(signal) }
            }
            return perClient
        }
        let finished = try results.map { try $0.get() }
        let exit = try #require(service.waitForExit())
        if signal == SIGTERM { #expect(exit.status == 0 && exit.reason == .exit) }
        #expect(finished.contains { $0 < perClient }, "the kill should land mid-stream: \(finished)")

        let restarted = try ServiceProcess(databasePath: path)
        defer { withExtendedLifetime(restarted) {} }
        let db = try Database(path: path, readOnly: true)
        var present: [String: String] = [:]
        try db.query("SELECT user_id, phone_number FROM phone_method WHERE phone_type = 'mobile'") { row in
            present[row.text(0) ?? ""] = row.text(1)
        }
        let acked = acknowledged.withLock { $0 }
        #expect(acked.count >= killAfter)
        let lost = acked.filter { present[$0.key] != $0.value }
        #expect(lost.isEmpty, "lost \(lost.count) acknowledged phones")
        #expect(present.count - acked.count <= clients, "more phones than requests in flight")
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func aStopSignalExitsZeroEvenWithAnIdleConnection(_ signal: Int32) throws {
        let directory = try TemporaryDirectory()
        let (path, token, users) = try Self.prepare(directory, users: 1)
        let service = try ServiceProcess(databasePath: path)
        let idle = try service.client()
        let created = try idle.request(
            "POST", Self.collection(users[0]), headers: Self.headers(token),
            body: Array(#"{"phoneNumber":"+1 2065555555","phoneType":"mobile"}"#.utf8))
        #expect(created.status == 201)
        let started = ContinuousClock.now
        service.signal(signal)
        let exit = try #require(service.waitForExit(timeout: .seconds(10)))
        #expect(exit.status == 0)
        #expect(exit.reason == .exit)
        #expect(ContinuousClock.now - started < .seconds(5), "an idle keep-alive connection held up the stop")
        let log = service.log
        #expect(log.contains(" stopping"))
        #expect(log.contains(" stopped"))
        #expect(idle.isClosedByServer())

        let again = try ServiceProcess(databasePath: path)
        #expect(try Self.listed(again, users[0], token: token) == ["mobile": "+1 2065555555"])
    }

    @Test func aSecondServiceOnTheSameFileAndPortFailsClearly() throws {
        let directory = try TemporaryDirectory()
        let (path, _, _) = try Self.prepare(directory, users: 0)
        let service = try ServiceProcess(databasePath: path)
        let second = try runPhoneService(["serve", "--db", path, "--listen", "127.0.0.1:\(service.port)"])
        #expect(second.status != 0)
        #expect(second.errorLines.last?.hasPrefix("phone-service: error:") == true, "\(second.stderr)")
        #expect(second.stderr.contains("bind"))
    }
}
