import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// Fault rules and throttling over real HTTP: deterministic errors and delays scoped by method,
/// path, user and app, counted exactly, listed and removed; a token bucket per app and tenant
/// answering Graph's 429 with Retry-After.
@Suite struct FaultPlanTests {
    let fixture: PhoneFixture
    var server: TestServer { fixture.server }
    var key: String { server.store.tenant.adminKey }
    static let collection = "/v1.0/users/alice%40contoso.com/authentication/phoneMethods"

    init() throws { fixture = try PhoneFixture() }

    func admin(_ method: String, _ path: String, json: String? = nil) throws -> RawHTTPClient.Response {
        try server.send(method, "/_admin" + path, token: key, json: json)
    }

    @Test func theNextThreePostsAnswer503WithRetryAfterAndWriteNothing() throws {
        let rule = try admin(
            "POST", "/faults",
            json:
                #"{"method":"POST","path":"/v1.0/users/*/authentication/phoneMethods","status":503,"retryAfter":2,"count":3}"#
        )
        #expect(rule.status == 201, "\(rule.text)")
        #expect(rule.string("code") == "serviceNotAvailable")
        for attempt in 1...3 {
            let refused = try fixture.send("POST", Self.collection, json: phoneBody("+1 2065550100", .mobile))
            #expect(refused.status == 503, "attempt \(attempt): \(refused.text)")
            #expect(refused.headers["retry-after"] == "2")
            #expect(refused.errorCode == "serviceNotAvailable")
            #expect(try server.store.phoneMethods(userID: fixture.alice.id).isEmpty)
            // Reads are not in the rule.
            #expect(try fixture.send("GET", Self.collection).status == 200)
        }
        let fourth = try fixture.send("POST", Self.collection, json: phoneBody("+1 2065550100", .mobile))
        #expect(fourth.status == 201, "\(fourth.text)")
        #expect(try admin("GET", "/faults").items.isEmpty, "a used-up rule is still listed")
    }

    @Test func aCountIsExactUnderConcurrentRequests() throws {
        #expect(try admin("POST", "/faults", json: #"{"method":"GET","status":500,"count":5}"#).status == 201)
        let port = server.port
        let token = fixture.adminToken
        let statuses = try concurrently(12) { _ in
            try RawHTTPClient(port: port).request(
                "GET", Self.collection, headers: [("Authorization", "Bearer \(token)")]
            )
            .status
        }.map { try $0.get() }
        #expect(statuses.filter { $0 == 500 }.count == 5, "\(statuses)")
        #expect(statuses.filter { $0 == 200 }.count == 7, "\(statuses)")
    }

    @Test func rulesAreScopedByUserAndApp() throws {
        let bob = try server.addUser("bob@contoso.com", roles: [.privilegedAuthenticationAdministrator])
        let bobToken = server.token(for: bob, scopes: ["UserAuthenticationMethod.ReadWrite.All"])
        #expect(
            try admin("POST", "/faults", json: #"{"user":"bob@contoso.com","status":429,"retryAfter":1}"#).status == 201
        )
        let otherApp = "11111111-2222-3333-4444-555555555555"
        #expect(try admin("POST", "/faults", json: #"{"appId":"\#(otherApp)","status":504}"#).status == 201)
        #expect(try server.send("GET", Self.collection, token: bobToken).status == 429)
        #expect(try fixture.send("GET", Self.collection).status == 200, "another user was hit")
        let app = try TokenIssuer(store: server.store).application(
            roles: ["UserAuthenticationMethod.Read.All"], appID: otherApp)
        let appResponse = try server.send("GET", Self.collection, token: app)
        #expect(appResponse.status == 504 && appResponse.errorCode == "gatewayTimeout", "\(appResponse.text)")
        #expect(try admin("POST", "/faults", json: #"{"user":"nobody@contoso.com","status":500}"#).status == 404)
    }

    @Test func aDelayHoldsTheAnswerNotTheServer() throws {
        #expect(try admin("POST", "/faults", json: #"{"method":"GET","path":"/v1.0/**","delayMs":300}"#).status == 201)
        let started = Date()
        #expect(try fixture.send("GET", Self.collection).status == 200)
        #expect(Date().timeIntervalSince(started) >= 0.3, "the GET was not delayed")
        // Meanwhile other requests are served (the pool thread is not blocked).
        let port = server.port
        let token = fixture.adminToken
        let slow = DispatchGroup()
        DispatchQueue.global().async(group: slow) {
            _ = try? RawHTTPClient(port: port).request(
                "GET", Self.collection, headers: [("Authorization", "Bearer \(token)")])
        }
        let post = try fixture.send("POST", Self.collection, json: phoneBody("+1 2065550100", .mobile))
        #expect(post.status == 201)
        #expect(slow.wait(timeout: .now() + 5) == .success)
    }

    @Test func rulesExpireListAndRemove() throws {
        let made = try admin("POST", "/faults", json: #"{"status":503,"durationSeconds":1}"#)
        let kept = try admin("POST", "/faults", json: #"{"path":"/beta/**","status":500}"#)
        #expect(try admin("GET", "/faults").items.count == 2)
        #expect(try fixture.send("GET", Self.collection).status == 503)
        // The service's plan runs on the real clock: rather than wait out the second, the rule is
        // put back as its time is up (`aRuleRunsOutWhenItsDurationIsUp` times that on a manual clock).
        let faults = server.application.faults
        let rule = try #require(faults.list().first { $0.id == made.string("id") })
        faults.remove(id: rule.id)
        faults.add(FaultRule(id: rule.id, status: 503, expires: Date().timeIntervalSince1970, created: rule.created))
        #expect(try fixture.send("GET", Self.collection).status == 200, "an expired rule still applied")
        #expect(try admin("GET", "/faults").items.compactMap { $0["id"] as? String } == [kept.string("id") ?? ""])
        #expect(try admin("DELETE", "/faults/\(made.string("id") ?? "")").status == 404)
        #expect(try admin("DELETE", "/faults/\(kept.string("id") ?? "")").status == 204)
        #expect(try admin("GET", "/faults").items.isEmpty)
        for bad in [
            #"{"method":"GET"}"#, #"{"status":200}"#, #"{"status":503,"count":0}"#, #"{"delayMs":-1}"#,
            #"{"status":503,"colour":"red"}"#,
        ] {
            let response = try admin("POST", "/faults", json: bad)
            #expect(response.status == 400, "\(bad): \(response.text)")
        }
    }

    /// A rule with `durationSeconds` applies until that many seconds have passed on the plan's
    /// clock, and from then on is neither applied nor listed.
    @Test func aRuleRunsOutWhenItsDurationIsUp() throws {
        let clock = ManualClock()
        let faults = FaultPlan(now: { clock.now() })
        let body = #"{"status":503,"durationSeconds":1}"#
        let request = HTTPRequest(
            method: "POST", path: "/_admin/faults", headers: ["content-type": "application/json"],
            body: Array(body.utf8))
        faults.add(try FaultRuleBody.parse(request, store: server.store, now: clock.now()))
        func applies() -> Bool {
            faults.take(method: "GET", path: Self.collection, userID: fixture.alice.id, appID: "app") != nil
        }
        #expect(applies())
        clock.advance(by: 0.5)
        #expect(applies(), "the rule ran out early")
        #expect(faults.list().count == 1)
        clock.advance(by: 0.5)
        #expect(!applies(), "an expired rule still applied")
        #expect(faults.list().isEmpty, "an expired rule is still listed")
    }

    @Test func throttlingAnswers429WithRetryAfterPerApp() throws {
        let settings = try admin(
            "PUT", "/throttling", json: #"{"enabled":true,"appRequestsPerSecond":1,"appBurst":3,"tenantBurst":100}"#)
        #expect(settings.status == 200, "\(settings.text)")
        var statuses: [Int] = []
        var throttled: RawHTTPClient.Response?
        for _ in 0..<5 {
            let response = try fixture.send("GET", Self.collection)
            statuses.append(response.status)
            if response.status == 429 { throttled = response }
        }
        #expect(statuses.prefix(3) == [200, 200, 200], "\(statuses)")
        #expect(statuses.contains(429), "\(statuses)")
        #expect(throttled?.errorCode == "TooManyRequests")
        #expect(Int(throttled?.headers["retry-after"] ?? "") ?? 0 >= 1)
        // Another app has its own bucket.
        let other = try TokenIssuer(store: server.store).application(
            roles: ["UserAuthenticationMethod.Read.All"], appID: "11111111-2222-3333-4444-555555555555")
        #expect(try server.send("GET", Self.collection, token: other).status == 200)
        // The early retry is noted for the journal.
        let caller = try server.application.pipeline.verifier.principal(authorization: "Bearer \(fixture.adminToken)")
        #expect(
            server.application.retries.isEarly(
                RetryTracker.key(principal: caller, method: "GET", path: Self.collection)))
        // A reset turns throttling off again.
        #expect(try admin("POST", "/reset", json: #"{"keep":["users","signingKey"]}"#).status == 204)
        #expect(try admin("GET", "/throttling").object["enabled"] as? Bool == false)
        #expect(try fixture.send("GET", Self.collection).status == 200)
    }

    /// The journal records injected refusals with their target, and marks a retry that came
    /// before `Retry-After` had elapsed (and only that one).
    @Test func theJournalMarksARetryBeforeRetryAfter() throws {
        #expect(
            try admin("POST", "/faults", json: #"{"method":"GET","status":503,"retryAfter":30,"count":1}"#).status
                == 201)
        #expect(try fixture.send("GET", Self.collection).status == 503)
        #expect(try fixture.send("GET", Self.collection).status == 200, "the retry (too early)")
        #expect(try fixture.send("GET", methodsPath(.v1, "users/alice%40contoso.com", "methods")).status == 200)
        let rows = try admin("GET", "/journal?user=alice%40contoso.com").items
        #expect(rows.count == 3, "\(rows)")
        #expect(rows.map { $0["status"] as? Int } == [200, 200, 503])
        #expect(rows.map { $0["earlyRetry"] as? Bool } == [false, true, false])
        #expect(rows[2]["errorCode"] as? String == "serviceNotAvailable")
        #expect(rows.allSatisfy { $0["targetUserId"] as? String == fixture.alice.id })
    }

    /// Each inner request of a batch is journaled like a direct one, with the batch's request id.
    @Test func batchInnerRequestsCarryTheBatchID() throws {
        let batch = try fixture.send(
            "POST", "/v1.0/$batch",
            json:
                #"{"requests":[{"id":"1","method":"GET","url":"/users/alice@contoso.com/authentication/phoneMethods"},"#
                + #"{"id":"2","method":"GET","url":"/me/authentication/phoneMethods"}]}"#)
        #expect(batch.status == 200, "\(batch.text)")
        let batchID = try #require(batch.headers["request-id"])
        let rows = try admin("GET", "/journal").items
        let inner = rows.filter { $0["batchId"] as? String == batchID }
        #expect(inner.count == 2, "\(rows)")
        #expect(
            rows.contains { $0["requestId"] as? String == batchID && $0["batchId"] is NSNull }, "the batch's own row")
    }

    @Test func globsMatchWithinAndAcrossSegments() {
        #expect(
            Glob.matches(
                "/v1.0/users/*/authentication/phonemethods", "/v1.0/users/alice@contoso.com/authentication/phonemethods"
            ))
        #expect(!Glob.matches("/v1.0/users/*", "/v1.0/users/a/authentication"))
        #expect(Glob.matches("/v1.0/users/**", "/v1.0/users/a/authentication"))
        #expect(Glob.matches("**/enablesmssignin", "/beta/me/authentication/phonemethods/x/enablesmssignin"))
        #expect(!Glob.matches("/beta/**", "/v1.0/me"))
    }
}
