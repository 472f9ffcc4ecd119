import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// The real binary keeps its journal across restarts: after SIGTERM every request's row (reads
/// too: the buffer is flushed on the way out), after SIGKILL every acknowledged write's row; and
/// its arrival numbers keep growing.
@Suite struct JournalRestartTests {
    /// The request ids `GET /_admin/journal` lists, all pages.
    static func journaledRequestIDs(_ service: ServiceProcess, adminKey: String) throws -> Set<String> {
        var ids: Set<String> = []
        var link: String? = "/_admin/journal?top=1000"
        while let next = link {
            let page = try service.client().request("GET", next, headers: [("Authorization", "Bearer \(adminKey)")])
            #expect(page.status == 200, "\(page.text)")
            for item in page.items { if let id = item["requestId"] as? String { ids.insert(id) } }
            link = page.object["@odata.nextLink"] as? String
        }
        return ids
    }

    static func adminKey(_ path: String) throws -> String { try PhoneStore(path: path).tenant.adminKey }

    @Test func everyRequestIsInTheJournalAfterSIGTERMAndARestart() throws {
        let directory = try TemporaryDirectory()
        let (path, token, users) = try DurabilityTests.prepare(directory, users: 1)
        let key = try Self.adminKey(path)
        let service = try ServiceProcess(databasePath: path)
        let collection = DurabilityTests.collection(users[0])
        let headers = DurabilityTests.headers(token)
        var requestIDs: [String] = []
        for (method, body, status) in [
            ("POST", #"{"phoneNumber":"+1 2065550100","phoneType":"mobile"}"#, 201), ("GET", nil, 200),
            ("POST", #"{"phoneNumber":"+1 2065550100","phoneType":"mobile"}"#, 409),
        ] {
            let answer = try service.client().request(
                method, collection, headers: headers, body: body.map { Array($0.utf8) })
            #expect(answer.status == status, "\(answer.text)")
            requestIDs.append(answer.headers["request-id"] ?? "")
        }
        let anonymous = try service.client().request("GET", collection)
        #expect(anonymous.status == 401)
        requestIDs.append(anonymous.headers["request-id"] ?? "")
        service.signal(SIGTERM)
        #expect(service.waitForExit()?.status == 0)

        let again = try ServiceProcess(databasePath: path)
        let journaled = try Self.journaledRequestIDs(again, adminKey: key)
        for id in requestIDs { #expect(journaled.contains(id), "\(id) is missing") }

        // The restarted service numbers on from the file's largest arrival number: its first
        // request is listed first, with a larger number than every row before the restart.
        let later = try again.client().request("GET", collection, headers: headers)
        #expect(later.status == 200)
        let page = try again.client().request(
            "GET", "/_admin/journal?top=1000", headers: [("Authorization", "Bearer \(key)")])
        let numbers = page.items.compactMap { $0["sequence"] as? Int }
        #expect(page.items.first?["requestId"] as? String == later.headers["request-id"])
        // (Each start's readiness probe left a 401 row too.)
        #expect(numbers.count == page.items.count && numbers.count > requestIDs.count)
        #expect(numbers == numbers.sorted(by: >) && Set(numbers).count == numbers.count, "\(numbers)")
    }

    @Test func everyAcknowledgedWriteIsInTheJournalAfterSIGKILL() throws {
        let directory = try TemporaryDirectory()
        let (path, token, users) = try DurabilityTests.prepare(directory, users: 4)
        let key = try Self.adminKey(path)
        let service = try ServiceProcess(databasePath: path)
        var acknowledged: [String] = []
        for (index, user) in users.enumerated() {
            for type in ["mobile", "office"] {
                let answer = try service.client().request(
                    "POST", DurabilityTests.collection(user), headers: DurabilityTests.headers(token),
                    body: Array(#"{"phoneNumber":"\#(DurabilityTests.number(index))","phoneType":"\#(type)"}"#.utf8))
                #expect(answer.status == 201, "\(answer.text)")
                acknowledged.append(answer.headers["request-id"] ?? "")
            }
        }
        service.killHard()
        #expect(service.process.terminationReason == .uncaughtSignal)

        let again = try ServiceProcess(databasePath: path)
        let journaled = try Self.journaledRequestIDs(again, adminKey: key)
        for id in acknowledged { #expect(journaled.contains(id), "\(id) is missing") }
    }
}
