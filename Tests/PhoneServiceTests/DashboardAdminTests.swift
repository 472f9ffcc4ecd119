import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// What the dashboard relies on in the admin API, over real HTTP: the journal's `afterId` and `app`
/// filters, `GET /_admin/phones` with each phone's state and reason, the dashboard's files (no key,
/// a CSP), and `GET /metrics` behind the key, its request counters by route template.
@Suite struct DashboardAdminTests {
    let fixture: PhoneFixture
    var server: TestServer { fixture.server }
    var key: String { server.store.tenant.adminKey }
    var alicePhones: String { "/v1.0/users/alice%40contoso.com/authentication/phoneMethods" }

    init() throws {
        fixture = try PhoneFixture()
    }

    func ids(_ response: RawHTTPClient.Response) -> [Int] {
        (response.object["value"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
    }

    @Test func afterIdKeepsOnlyRowsStoredLater() throws {
        #expect(try fixture.send("GET", alicePhones).status == 200)
        let first = try server.send("GET", "/_admin/journal", token: key)
        let newest = try #require(ids(first).max())
        #expect(try fixture.send("GET", alicePhones).status == 200)
        #expect(try fixture.send("GET", alicePhones).status == 200)
        let later = try server.send("GET", "/_admin/journal?afterId=\(newest)", token: key)
        #expect(later.status == 200, "\(later.text)")
        #expect(ids(later).count == 2 && ids(later).allSatisfy { $0 > newest }, "\(later.text)")
        #expect(try server.send("GET", "/_admin/journal?afterId=-1", token: key).status == 400)
        #expect(try server.send("GET", "/_admin/journal?afterId=x", token: key).status == 400)
    }

    @Test func theAppFilterKeepsAnAppsOwnRequests() throws {
        let appToken = server.appToken(roles: ["UserAuthenticationMethod.Read.All"])
        #expect(try server.send("GET", alicePhones, token: appToken).status == 200)
        #expect(try fixture.send("GET", alicePhones).status == 200)
        let all = try server.send("GET", "/_admin/journal", token: key)
        let appID = try #require(
            (all.object["value"] as? [[String: Any]] ?? []).compactMap { $0["callerAppId"] as? String }.first)
        let filtered = try server.send("GET", "/_admin/journal?app=\(appID)", token: key)
        #expect(ids(filtered).count == 1, "\(filtered.text)")
        #expect(try server.send("GET", "/_admin/journal?app=", token: key).status == 400)
    }

    @Test func phonesShowTheirStateAndWhy() throws {
        try fixture.addPhone(.mobile, "+1 2065550100")
        try fixture.addPhone(.office, "+1 2065550101")
        let response = try server.send("GET", "/_admin/phones?user=alice%40contoso.com", token: key)
        #expect(response.status == 200, "\(response.text)")
        let phones = response.object["value"] as? [[String: Any]] ?? []
        #expect(phones.map { $0["phoneType"] as? String } == ["mobile", "office"])
        #expect(phones.first?["smsSignInState"] as? String == "notAllowedByPolicy")
        #expect(phones.first?["reason"] as? String == "the SMS policy is disabled")
        #expect(phones.last?["reason"] as? String == "only a mobile can be used for SMS sign-in")
        #expect(try server.send("GET", "/_admin/phones?user=nobody%40contoso.com", token: key).status == 404)
        #expect(try server.send("GET", "/_admin/phones?color=red", token: key).status == 400)
        #expect(try server.send("GET", "/_admin/phones", token: nil).status == 401)
    }

    @Test func theDashboardsFilesNeedNoKeyAndCarryAPolicy() throws {
        for path in ["/_admin/ui", "/_admin/ui/", "/_admin/ui/app.js", "/_admin/ui/app.css"] {
            let response = try server.send("GET", path, token: nil)
            #expect(response.status == 200, "\(path)")
            #expect(response.headers["content-security-policy"] == DashboardAssets.contentSecurityPolicy)
        }
        #expect(try server.send("GET", "/_admin/ui/", token: nil).headers["content-type"] == "text/html; charset=utf-8")
        let missing = try server.send("GET", "/_admin/ui/secrets.json", token: nil)
        #expect(missing.status == 404 && missing.errorCode == "itemNotFound")
        #expect(try server.send("DELETE", "/_admin/ui/app.js", token: nil).status == 405)
        // Not journaled: the journal is for Graph's clients.
        try server.store.flushJournal()
        #expect(try server.store.journalEntries(JournalFilter()).entries.isEmpty)
    }

    @Test func metricsNeedTheKeyAndCountByRouteTemplate() throws {
        #expect(try server.send("GET", "/metrics", token: nil).status == 401)
        #expect(try server.send("GET", "/metrics", token: "not-the-key").status == 401)
        #expect(try fixture.send("GET", alicePhones).status == 200)
        #expect(try fixture.send("GET", alicePhones).status == 200)
        let scrape = try server.send("GET", "/metrics", token: key)
        #expect(scrape.status == 200)
        #expect(scrape.headers["content-type"] == MetricsHandler.contentType)
        let line =
            #"phone_service_http_requests_total{route="/v1.0/users/{user}/authentication/phoneMethods",method="GET",status="200"} 2"#
        #expect(scrape.text.split(separator: "\n").contains { $0 == line }, "\(scrape.text)")
        #expect(!scrape.text.contains("alice"))
    }

    @Test func familiesOfTheNewPaths() {
        #expect(RouteFamily(RequestTarget(path: "/metrics", query: [])) == .metrics)
        #expect(RouteFamily(RequestTarget(path: "/metrics/x", query: [])) == .graph)
        #expect(RouteFamily(RequestTarget(path: "/_admin/ui/app.js", query: [])) == .dashboard)
        #expect(RouteFamily(RequestTarget(path: "/_admin/users", query: [])) == .admin)
        #expect(!RouteFamily.dashboard.isJournaled && !RouteFamily.metrics.isJournaled)
        #expect(RouteFamily.metrics.authenticatesBeforeRouting && !RouteFamily.dashboard.authenticatesBeforeRouting)
    }
}
