import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// Group commit under a kill: many clients write at once, so the writer commits large groups;
/// SIGKILL lands in the middle of them. Every acknowledged write is present after a restart, and
/// no write is half-applied (each create also registers the mobile for SMS sign-in, in the same
/// savepoint: a phone without its registration would be half a write).
@Suite struct GroupCommitDurabilityTests {
    @Test func killInTheMiddleOfLargeGroupCommitsLosesNothingAcknowledgedAndHalvesNothing() throws {
        let directory = try TemporaryDirectory()
        let clients = 32
        let perClient = 20
        let (path, token, users) = try DurabilityTests.prepare(directory, users: clients * perClient)
        do {
            let store = try PhoneStore(path: path, durability: .normal)
            try store.setSmsPolicy(SmsPolicy(enabled: true, includeTargets: [.allUsers]))
        }
        let service = try ServiceProcess(databasePath: path, arguments: ["--durability", "full"])
        let killAfter = clients * perClient / 2
        let acknowledged = Locked([String: String]())  // user id -> number
        let shared = UncheckedBox(service)

        let results = try concurrently(clients, timeout: .seconds(90)) { client in
            let connection = try shared.value.client()
            for step in 0..<perClient {
                let index = client * perClient + step
                let body = #"{"phoneNumber":"\#(DurabilityTests.number(index))","phoneType":"mobile"}"#
                guard
                    let answer = try? connection.request(
                        "POST", DurabilityTests.collection(users[index]), headers: DurabilityTests.headers(token),
                        body: Array(body.utf8))
                else { return step }
                guard answer.status == 201 else { throw RawHTTPClient.Failure.malformed("\(answer.status)") }
                let count = acknowledged.withLock {
                    $0[users[index].id] = DurabilityTests.number(index)
                    return $0.count
                }
                if count == killAfter { shared.value.signal(SIGKILL) }
            }
            return perClient
        }
        _ = try results.map { try $0.get() }
        _ = service.waitForExit()

        let restarted = try ServiceProcess(databasePath: path)
        defer { withExtendedLifetime(restarted) {} }
        let db = try Database(path: path, readOnly: true)
        var phones: [String: String] = [:]
        try db.query("SELECT user_id, phone_number FROM phone_method WHERE phone_type = 'mobile'") { row in
            phones[row.text(0) ?? ""] = row.text(1)
        }
        var registered: [String: String] = [:]
        try db.query("SELECT user_id, phone_number FROM sms_sign_in WHERE status = 'registered'") { row in
            registered[row.text(0) ?? ""] = row.text(1)
        }
        let acked = acknowledged.withLock { $0 }
        #expect(acked.count >= killAfter)
        let lost = acked.filter { phones[$0.key] != $0.value }
        #expect(lost.isEmpty, "lost \(lost.count) acknowledged phones")
        #expect(registered == phones, "every saved mobile has its registration, and no registration lacks its phone")
        #expect(phones.count - acked.count <= clients, "more phones than requests in flight")
        #expect(try PhoneStore.check(path: path).isEmpty)
    }
}
