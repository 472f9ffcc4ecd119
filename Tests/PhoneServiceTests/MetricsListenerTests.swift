import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// `serve --metrics-listen`, the real binary: a second address that serves only `/metrics`, without
/// credentials, logged on a line of its own; stopped with the rest on SIGTERM (exit 0, and under
/// `make check-memory` nothing leaked).
@Suite struct MetricsListenerTests {
    @Test func theMetricsAddressServesOnlyMetricsWithoutAKey() throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("state.db")
        let key = try PhoneStore(path: db).tenant.adminKey
        let service = try ServiceProcess(databasePath: db, arguments: ["--metrics-listen", "127.0.0.1:0"])
        let line = try #require(service.log.split(separator: "\n").first { $0.hasSuffix(" metrics listening") })
        let address = try #require(line.split(separator: " ").first { $0.hasPrefix("address=") })
        let port = try #require(address.split(separator: ":").last.flatMap { Int($0) })
        #expect(port != service.port)

        let scrape = try RawHTTPClient(port: port).request("GET", "/metrics")
        #expect(scrape.status == 200)
        #expect(scrape.headers["content-type"] == MetricsHandler.contentType)
        #expect(scrape.text.contains("phone_service_tenants 1.0\n"), "\(scrape.text)")
        #expect(try RawHTTPClient(port: port).request("GET", "/_admin/users").status == 404)
        #expect(try RawHTTPClient(port: port).request("DELETE", "/metrics").status == 405)
        // On the API's own address the same path wants the admin key.
        #expect(try service.client().request("GET", "/metrics").status == 401)
        let withKey = try service.client().request("GET", "/metrics", headers: [("Authorization", "Bearer \(key)")])
        #expect(withKey.status == 200)

        service.signal(SIGTERM)
        #expect(service.waitForExit()?.status == 0)
        #expect(service.log.contains(" stopped\n"))
    }
}
