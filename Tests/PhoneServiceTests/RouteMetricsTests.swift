import Dispatch
import Foundation
import Logging
import Testing

@testable import PhoneService
@testable import PhoneStore

/// Request metrics by route pattern and method: made when a table is built, their series made on
/// first use (a route nobody called is not in the exposition) and found again without a lock.
@Suite struct RouteMetricsTests {
    private static func lines(_ metrics: ServiceMetrics) -> Set<String> {
        Set(String(decoding: metrics.exposition(), as: UTF8.self).split(separator: "\n").map(String.init))
    }

    private static func requests(_ route: String, _ method: String, _ status: Int, _ count: Int) -> String {
        #"phone_service_http_requests_total{route="\#(route)",method="\#(method)",status="\#(status)"} \#(count)"#
    }

    @Test func concurrentFirstUsesCountEveryRequestOnce() {
        let metrics = ServiceMetrics()
        let route = metrics.pattern("/things")["GET"]
        #expect(!Self.lines(metrics).contains { $0.contains("/things") })
        // Eight threads make the same series at once; every slot keeps one, and none loses a count.
        let statuses = [200, 201, 404, 503, 599, 100]
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for index in 0..<240 { route.observe(status: statuses[index % statuses.count], nanoseconds: 1_000) }
        }
        route.observe(status: 700, nanoseconds: 1_000)
        let lines = Self.lines(metrics)
        for status in statuses { #expect(lines.contains(Self.requests("/things", "GET", status, 320)), "\(status)") }
        #expect(lines.contains(Self.requests("/things", "GET", 700, 1)))
        #expect(
            lines.contains(#"phone_service_http_request_duration_seconds_count{route="/things",method="GET"} 1921"#))
        // Only the statuses sent have a series.
        #expect(lines.filter { $0.hasPrefix(#"phone_service_http_requests_total{route="/things""#) }.count == 7)
    }

    @Test func aPatternIsMadeOnceAndOtherMethodsShareOneLabel() {
        let metrics = ServiceMetrics()
        let pattern = metrics.pattern("/things/{id}")
        #expect(metrics.pattern("/things/{id}") === pattern)
        #expect(pattern["PATCH"].method == "PATCH" && pattern["PATCH"] === pattern["PATCH"])
        #expect(pattern["BREW"].method == "other" && pattern["BREW"] === pattern["get"])
        #expect(metrics.unmatched["DELETE"].route == "unmatched")
    }

    @Test func refusedMethodsAndUnknownPathsCountUnderBoundedLabels() throws {
        let directory = try TemporaryDirectory()
        let metrics = ServiceMetrics()
        let application = try Application(
            store: try PhoneStore(path: directory.path("a.db")),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, metrics: metrics)
        let key = application.store.tenant.adminKey
        #expect(SharedMetricsTests.answer(application, "GET", "/_admin/users", key: key) == 200)
        #expect(SharedMetricsTests.answer(application, "DELETE", "/_admin/users", key: key) == 405)
        #expect(SharedMetricsTests.answer(application, "BREW", "/_admin/users", key: key) == 405)
        #expect(SharedMetricsTests.answer(application, "GET", "/_admin/nowhere", key: key) == 404)
        #expect(SharedMetricsTests.answer(application, "GET", "/_admin/users", key: "wrong") == 401)
        let lines = Self.lines(metrics)
        #expect(lines.contains(Self.requests("/_admin/users", "GET", 200, 1)))
        #expect(lines.contains(Self.requests("/_admin/users", "DELETE", 405, 1)))
        #expect(lines.contains(Self.requests("/_admin/users", "other", 405, 1)))
        #expect(lines.contains(Self.requests("unmatched", "GET", 404, 1)))
        // Refused before routing: no route to name.
        #expect(lines.contains(Self.requests("unmatched", "GET", 401, 1)))
        #expect(!lines.contains { $0.contains("nowhere") || $0.contains("BREW") || $0.contains("/_admin/journal") })
    }
}
