import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

// Racing requests for one number (spec §3): the unique index lets exactly one user hold it, and
// the database never has two registered rows with one number.

/// Sends one request on each of `requests` at once (each on its own connection, all connected
/// first) and returns the statuses in order.
private func smsSendAtOnce(_ port: Int, _ requests: [(method: String, path: String, token: String, body: String?)])
    throws
    -> [Int]
{
    let race = SmsRace(clients: try requests.map { _ in try RawHTTPClient(port: port) })
    DispatchQueue.concurrentPerform(iterations: requests.count) { index in
        let request = requests[index]
        var headers = [("Authorization", "Bearer \(request.token)")]
        headers.append(request.body == nil ? ("Content-Length", "0") : ("Content-Type", "application/json"))
        race.send(index, request.method, request.path, headers: headers, body: request.body)
    }
    return race.statuses
}

/// One connection per racing request, and the statuses they got.
private final class SmsRace: @unchecked Sendable {
    // @unchecked: each client is used by exactly one iteration of `concurrentPerform`, and
    // `values` is only touched under `lock`.
    private let clients: [RawHTTPClient]
    private let lock = NSLock()
    private var values: [Int]

    init(clients: [RawHTTPClient]) {
        self.clients = clients
        values = Array(repeating: 0, count: clients.count)
    }

    func send(_ index: Int, _ method: String, _ path: String, headers: [(String, String)], body: String?) {
        let response = try? clients[index].request(method, path, headers: headers, body: body.map { Array($0.utf8) })
        lock.withLock { values[index] = response?.status ?? -1 }
    }

    var statuses: [Int] { lock.withLock { values } }
}

struct SmsSignInRaceTests {
    @Test func concurrentEnablesOfOneNumberLetExactlyOneWin() throws {
        let f = try SmsFixture()
        let users = try (0..<16).map { try f.user("racer\($0)") }
        for user in users { #expect(try f.addPhone(user, .mobile, "+1 2065550100").status == 201) }
        try f.setPolicy()
        for round in 0..<3 {
            let requests = users.enumerated().map { index, user in
                (
                    method: "POST",
                    path: SmsFixture.path(
                        user, version: index % 2 == 0 ? "v1.0" : "beta",
                        collection: index % 3 == 0 ? "methods" : "phoneMethods", type: .mobile,
                        action: "enableSmsSignIn"),
                    token: f.adminToken, body: String?.none
                )
            }
            let statuses = try smsSendAtOnce(f.server.port, requests)
            #expect(statuses.filter { $0 == 204 }.count == 1, "round \(round): \(statuses)")
            #expect(statuses.filter { $0 == 409 }.count == users.count - 1, "round \(round): \(statuses)")
            let states = try users.map { try f.state($0) }
            #expect(states.filter { $0 == "ready" }.count == 1)
            // An earlier round's winner, disabled since, reads notEnabled when it loses this round.
            let losers = states.filter { $0 == "phoneNumberNotUnique" || $0 == "notEnabled" }
            #expect(losers.count == users.count - 1, "round \(round): \(states)")
            #expect(states.filter { $0 == "notEnabled" }.count <= round, "round \(round): \(states)")
            #expect(try f.mostHoldersOfOneNumber() == 1)
            // Release for the next round.
            if let winner = states.firstIndex(of: "ready") { try f.action("disableSmsSignIn", users[winner]) }
        }
    }

    @Test func concurrentCreatesOfOneNumberLetExactlyOneWin() throws {
        let f = try SmsFixture()
        let users = try (0..<16).map { try f.user("racer\($0)") }
        try f.setPolicy()
        let requests = users.map { user in
            (
                method: "POST", path: SmsFixture.path(user), token: f.adminToken,
                body: Optional(#"{"phoneNumber":"+1 2065550100","phoneType":"mobile"}"#)
            )
        }
        let statuses = try smsSendAtOnce(f.server.port, requests)
        #expect(statuses.filter { $0 == 201 }.count == 1, "\(statuses)")
        #expect(statuses.filter { $0 == 409 }.count == users.count - 1, "\(statuses)")
        let states = try users.map { try f.state($0) }
        #expect(states.filter { $0 == "ready" }.count == 1)
        #expect(states.filter { $0 == "phoneNumberNotUnique" }.count == users.count - 1)
        #expect(try f.mostHoldersOfOneNumber() == 1)
    }

    @Test func mixedConcurrentWritesOfOneNumberLeaveOneHolder() throws {
        let f = try SmsFixture()
        let number = "+1 2065550100"
        let creators = try (0..<6).map { try f.user("creator\($0)") }
        let enablers = try (0..<6).map { try f.user("enabler\($0)") }
        let renumberers = try (0..<6).map { try f.user("renumberer\($0)") }
        for user in enablers { try f.addPhone(user, .mobile, number) }
        try f.setPolicy()
        for (index, user) in renumberers.enumerated() { try f.addPhone(user, .mobile, "+1 20655502\(10 + index)") }
        typealias Request = (method: String, path: String, token: String, body: String?)
        var requests: [Request] = []
        for index in 0..<6 {
            requests.append(
                (
                    "POST", SmsFixture.path(creators[index]), f.adminToken,
                    #"{"phoneNumber":"\#(number)","phoneType":"mobile"}"#
                ))
            requests.append(
                ("POST", SmsFixture.path(enablers[index], type: .mobile, action: "enableSmsSignIn"), f.adminToken, nil))
            requests.append(
                (
                    "PATCH", SmsFixture.path(renumberers[index], type: .mobile), f.adminToken,
                    #"{"phoneNumber":"\#(number)"}"#
                ))
        }
        let statuses = try smsSendAtOnce(f.server.port, requests)
        #expect(statuses.filter { $0 == 409 }.count == requests.count - 1, "\(statuses)")
        #expect(statuses.filter { [201, 204].contains($0) }.count == 1, "\(statuses)")
        let everyone = creators + enablers + renumberers
        let states = try everyone.map { try f.state($0) }
        #expect(states.filter { $0 == "ready" }.count == 1, "\(states)")
        #expect(states.filter { $0 == "phoneNumberNotUnique" }.count == everyone.count - 1, "\(states)")
        #expect(try f.holders(of: number) == 1)
        #expect(try f.mostHoldersOfOneNumber() == 1)
    }
}
