import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// Headers on every response and Graph's error envelope (spec §2 and §6), over HTTP.
@Suite struct ResponseWriterTests {
    /// A request that fails, and how.
    struct FailingRequest: Sendable, CustomTestStringConvertible {
        var method: String
        var path: String
        /// nil: no Authorization header; "admin": the admin's token; else a token text.
        var token: String?
        var body: String?
        var contentType = "application/json"
        var status: Int
        var code: String
        var testDescription: String { "\(method) \(path) → \(status) \(code)" }
    }

    static let alice = "/v1.0/users/alice%40contoso.com/authentication/phoneMethods"
    static let failing: [FailingRequest] = [
        .init(method: "GET", path: alice, token: nil, status: 401, code: "InvalidAuthenticationToken"),
        .init(method: "GET", path: alice, token: "not-a-jwt", status: 401, code: "InvalidAuthenticationToken"),
        .init(
            method: "GET", path: "/v1.0/users/nobody%40contoso.com/authentication/phoneMethods", token: "admin",
            status: 404, code: "Request_ResourceNotFound"),
        .init(
            method: "GET", path: alice + "/" + Contract.methodID(.office), token: "admin", status: 404,
            code: "itemNotFound"),
        .init(method: "GET", path: "/v1.0/groups", token: "admin", status: 400, code: "BadRequest"),
        .init(method: "GET", path: "/v2.0/users", token: "admin", status: 400, code: "BadRequest"),
        .init(method: "DELETE", path: alice, token: "admin", status: 405, code: "Request_BadRequest"),
        .init(method: "POST", path: alice, token: "admin", body: "{", status: 400, code: "badRequest"),
        .init(
            method: "POST", path: alice, token: "admin", body: phoneBody("+1 2065555555", .mobile),
            contentType: "text/plain", status: 415, code: "unsupportedMediaType"),
        .init(
            method: "POST", path: alice, token: "admin", body: phoneBody("+1 2065555555", .alternateMobile),
            status: 409, code: "conflict"),
        .init(
            method: "POST", path: "/beta/me/authentication/phoneMethods", token: "admin",
            body: phoneBody("+1 2065555555", .mobile), status: 403, code: "accessDenied"),
        .init(
            method: "POST", path: alice, token: "admin", body: String(repeating: " ", count: 70_000) + "{}",
            status: 413, code: "requestEntityTooLarge"),
    ]

    private func send(_ fixture: PhoneFixture, _ request: FailingRequest, headers: [(String, String)] = [])
        throws -> RawHTTPClient.Response
    {
        var all = headers
        switch request.token {
        case nil: break
        case "admin": all.append(("Authorization", "Bearer \(fixture.adminToken)"))
        case let token?: all.append(("Authorization", "Bearer \(token)"))
        }
        if request.body != nil { all.append(("Content-Type", request.contentType)) }
        return try fixture.server.client().request(
            request.method, request.path, headers: all, body: request.body.map { Array($0.utf8) })
    }

    @Test(arguments: failing)
    func errorsCarryTheEnvelopeAndHeaders(request: FailingRequest) throws {
        let fixture = try PhoneFixture()
        let response = try send(fixture, request)
        #expect(response.status == request.status)
        #expect(response.errorCode == request.code)
        #expect(response.keys == ["error"])
        let error = response.object["error"] as? [String: Any] ?? [:]
        #expect(Set(error.keys) == ["code", "message", "innerError"])
        #expect((error["message"] as? String)?.isEmpty == false)
        #expect(Set(response.innerError.keys) == ["date", "request-id", "client-request-id"])
        #expect(isRecentISO8601UTC(response.innerError["date"] as? String))

        #expect(response.headers["content-type"] == Contract.errorContentType)
        #expect(response.headers["content-length"] == String(response.body.count))
        #expect(response.headers["cache-control"] == "no-cache")
        let requestID = response.headers["request-id"]
        #expect(isGUID(requestID))
        #expect(response.innerError["request-id"] as? String == requestID)
        #expect(response.headers["client-request-id"] == requestID)
        #expect(response.innerError["client-request-id"] as? String == requestID)
    }

    @Test(arguments: failing)
    func errorsEchoTheClientRequestID(request: FailingRequest) throws {
        let fixture = try PhoneFixture()
        let clientID = "6f1c1a2e-2b3c-4d5e-8f90-a1b2c3d4e5f6"
        let response = try send(fixture, request, headers: [("client-request-id", clientID)])
        #expect(response.status == request.status)
        #expect(response.headers["client-request-id"] == clientID)
        #expect(response.innerError["client-request-id"] as? String == clientID)
        #expect(isGUID(response.headers["request-id"]))
        #expect(response.headers["request-id"] != clientID)
        #expect(response.innerError["request-id"] as? String == response.headers["request-id"])
    }

    /// Header names match in any case, and a header sent twice reaches the application as one value,
    /// joined by ", " (RFC 9110).
    @Test func headerNamesMatchInAnyCaseAndARepeatedHeaderIsJoined() throws {
        let fixture = try PhoneFixture()
        let path = methodsPath(.v1, "users/alice%40contoso.com")
        let shouted = try fixture.server.client().request(
            "GET", path, headers: [("AUTHORIZATION", "Bearer \(fixture.adminToken)"), ("CLIENT-REQUEST-ID", "shouted")])
        #expect(shouted.status == 200, "\(shouted.text)")
        #expect(shouted.headers["client-request-id"] == "shouted")
        let twice = try fixture.server.client().request(
            "GET", path,
            headers: [
                ("authorization", "Bearer \(fixture.adminToken)"), ("client-request-id", "first"),
                ("Client-Request-Id", "second"),
            ])
        #expect(twice.status == 200, "\(twice.text)")
        #expect(twice.headers["client-request-id"] == "first, second")
    }

    @Test(arguments: bothVersions)
    func jsonSuccessesCarryODataContentTypeAndIDs(version: APIVersion) throws {
        let fixture = try PhoneFixture()
        let collection = methodsPath(version, "users/alice%40contoso.com")
        let responses = [
            try fixture.send("POST", collection, json: phoneBody("+1 2065555555", .mobile)),
            try fixture.send("GET", collection),
            try fixture.send("GET", collection + "/" + Contract.methodID(.mobile)),
            try fixture.send("GET", methodsPath(version, "users/alice%40contoso.com", "methods")),
        ]
        #expect(responses.map(\.status) == [201, 200, 200, 200])
        for response in responses {
            #expect(response.headers["content-type"] == Contract.odataContentType)
            #expect(response.headers["content-length"] == String(response.body.count))
            #expect(response.headers["cache-control"] == "no-cache")
            #expect(isGUID(response.headers["request-id"]))
            #expect(response.headers["client-request-id"] == response.headers["request-id"])
        }
        #expect(Set(responses.compactMap { $0.headers["request-id"] }).count == responses.count)
    }

    @Test func noContentSuccessesCarryIDsAndNoBody() throws {
        let fixture = try PhoneFixture()
        try fixture.addPhone(.mobile, "+1 2065555555")
        let entity = "/v1.0/users/alice%40contoso.com/authentication/phoneMethods/" + Contract.methodID(.mobile)
        let patched = try fixture.send("PATCH", entity, json: phoneBody("+1 2065555556"))
        let deleted = try fixture.send("DELETE", entity, headers: [("client-request-id", "my-trace-1")])
        for response in [patched, deleted] {
            #expect(response.status == 204)
            #expect(response.body.isEmpty)
            #expect(response.headers["content-type"] == nil)
            #expect(response.headers["cache-control"] == "no-cache")
            #expect(isGUID(response.headers["request-id"]))
        }
        #expect(patched.headers["client-request-id"] == patched.headers["request-id"])
        #expect(deleted.headers["client-request-id"] == "my-trace-1")
    }

    @Test func successEchoesTheClientRequestID() throws {
        let fixture = try PhoneFixture()
        let response = try fixture.send(
            "GET", "/beta/users/alice%40contoso.com/authentication/phoneMethods",
            headers: [("client-request-id", "b5b1e6a4-0000-4000-8000-000000000001")])
        #expect(response.status == 200)
        #expect(response.headers["client-request-id"] == "b5b1e6a4-0000-4000-8000-000000000001")
        #expect(isGUID(response.headers["request-id"]))
        #expect(response.headers["request-id"] != response.headers["client-request-id"])
    }

    /// Several requests, successes and errors, on one connection: each gets its own request id.
    @Test func keepAliveServesSeveralRequestsOnOneConnection() throws {
        let fixture = try PhoneFixture()
        let client = try fixture.server.client()
        let auth = ("Authorization", "Bearer \(fixture.adminToken)")
        let json = ("Content-Type", "application/json")
        let collection = "/v1.0/users/alice%40contoso.com/authentication/phoneMethods"
        let entity = collection + "/" + Contract.methodID(.mobile)
        let body = { (text: String) in Array(text.utf8) }
        let responses = [
            try client.request("GET", collection, headers: [auth]),
            try client.request(
                "POST", collection, headers: [auth, json], body: body(phoneBody("+1 2065555555", .mobile))),
            try client.request("GET", entity, headers: [auth]),
            try client.request("PATCH", entity, headers: [auth, json], body: body(phoneBody("+1 2065555556"))),
            try client.request("GET", "/v1.0/nothing", headers: [auth]),
            try client.request("GET", entity, headers: []),
            try client.request("DELETE", entity, headers: [auth]),
            try client.request("GET", entity, headers: [auth]),
        ]
        #expect(responses.map(\.status) == [200, 201, 200, 204, 400, 401, 204, 404])
        #expect(responses[2].string("phoneNumber") == "+1 2065555555")
        #expect(responses.allSatisfy { $0.headers["connection"]?.lowercased() != "close" })
        #expect(Set(responses.compactMap { $0.headers["request-id"] }).count == responses.count)
    }
}
