import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// The writer's metrics over real HTTP and a real SQLite file: with the journal off (its flushes
/// would be groups of their own), writes sent one after another commit one group each, each
/// made durable by one fsync; a refused write commits nothing.
@Suite struct WriterMetricsTests {
    /// The value of the sample `name` (with its labels as written) in `text`, 0 when absent.
    static func sample(_ name: String, in text: String) -> Double {
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.dropFirst(name.count + 1)) ?? .nan
        }
        return 0
    }

    @Test func eachWriteSentAloneIsOneGroupOfOneAndOneFsync() throws {
        let server = try TestServer(journal: .off)
        let admin = try server.addUser("admin@contoso.com", roles: [.privilegedAuthenticationAdministrator])
        try server.addUser("alice@contoso.com")
        let token = server.token(for: admin, scopes: ["UserAuthenticationMethod.ReadWrite.All"])
        let path = "/v1.0/users/alice%40contoso.com/authentication/phoneMethods"
        let metrics = server.application.metrics
        let before = String(decoding: metrics.exposition(), as: UTF8.self)
        for (type, number) in [
            ("mobile", "+1 2065550100"), ("office", "+1 2065550101"), ("alternateMobile", "+1 2065550102"),
        ] {
            let body = #"{"phoneNumber": "\#(number)", "phoneType": "\#(type)"}"#
            #expect(try server.send("POST", path, token: token, json: body).status == 201)
        }
        let refused = #"{"phoneNumber": "+1 2065550103", "phoneType": "mobile"}"#
        #expect(try server.send("POST", path, token: token, json: refused).status == 409)
        let after = String(decoding: metrics.exposition(), as: UTF8.self)
        func delta(_ name: String) -> Double { Self.sample(name, in: after) - Self.sample(name, in: before) }
        #expect(delta("phone_service_store_write_groups_total") == 3)
        #expect(delta("phone_service_store_writes_per_group_count") == 3)
        #expect(delta("phone_service_store_writes_per_group_sum") == 3)
        #expect(delta(#"phone_service_store_writes_per_group_bucket{le="1.0"}"#) == 3)
        #expect(delta("phone_service_store_fsync_duration_seconds_count") == 3)
        #expect(Self.sample("phone_service_store_writer_queue_depth", in: after) == 0)
        #expect(Self.sample("phone_service_journal_buffered_rows", in: after) == 0)
    }
}
