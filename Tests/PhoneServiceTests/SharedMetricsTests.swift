import Foundation
import Logging
import Synchronization
import Testing

@testable import PhoneService
@testable import PhoneStore

/// One `ServiceMetrics` shared by two applications over two stores, as a multi-tenant service
/// shares it: the same route's requests add up in one series.
@Suite struct SharedMetricsTests {
    /// Answers `request` through `application`'s pipeline, as the HTTP server would.
    static func answer(_ application: Application, _ method: String, _ path: String, key: String) -> Int {
        let request = HTTPRequest(
            method: method, target: RequestTarget(path: path, query: []), headers: ["authorization": "Bearer \(key)"])
        let done = DispatchSemaphore(value: 0)
        let status = Mutex(0)
        application.handle(request) { answer in
            status.withLock { $0 = answer().status }
            done.signal()
        }
        done.wait()
        return status.withLock { $0 }
    }

    @Test func twoApplicationsAddUpInOneSeries() throws {
        let directory = try TemporaryDirectory()
        let metrics = ServiceMetrics()
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let first = try PhoneStore(path: directory.path("a.db"))
        let second = try PhoneStore(path: directory.path("b.db"))
        let applications = [
            try Application(store: first, logger: logger, metrics: metrics),
            try Application(store: second, logger: logger, metrics: metrics),
        ]
        for application in applications {
            #expect(Self.answer(application, "GET", "/_admin/users", key: application.store.tenant.adminKey) == 200)
        }
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(text.contains(#"phone_service_http_requests_total{route="/_admin/users",method="GET",status="200"} 2"#))
    }
}
