import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// A batch's answer: the whole response, and each inner response by id in the order they came.
struct BatchAnswer {
    let response: RawHTTPClient.Response
    var responses: [[String: Any]] { response.object["responses"] as? [[String: Any]] ?? [] }
    var ids: [String] { responses.compactMap { $0["id"] as? String } }

    func inner(_ id: String) -> [String: Any] { responses.first { $0["id"] as? String == id } ?? [:] }
    func status(_ id: String) -> Int? { inner(id)["status"] as? Int }
    func body(_ id: String) -> [String: Any] { inner(id)["body"] as? [String: Any] ?? [:] }
    func headers(_ id: String) -> [String: String] { inner(id)["headers"] as? [String: String] ?? [:] }
    func errorCode(_ id: String) -> String? { (body(id)["error"] as? [String: Any])?["code"] as? String }
    func errorMessage(_ id: String) -> String? { (body(id)["error"] as? [String: Any])?["message"] as? String }
}

extension PhoneFixture {
    /// Sends `requests` as one batch to `/{version}/$batch`.
    func batch(_ version: APIVersion, _ requests: [[String: Any]], token: String? = nil) throws -> BatchAnswer {
        let data = try JSONSerialization.data(withJSONObject: ["requests": requests])
        let response = try send(
            "POST", "/\(version.rawValue)/$batch", token: token, json: String(decoding: data, as: UTF8.self))
        return BatchAnswer(response: response)
    }
}

/// One inner request, as a batch body lists it.
func inner(
    _ id: String, _ method: String, _ url: String, body: [String: Any]? = nil, dependsOn: [String]? = nil,
    headers: [String: String]? = nil
) -> [String: Any] {
    var request: [String: Any] = ["id": id, "method": method, "url": url]
    var allHeaders = headers ?? [:]
    if let body {
        request["body"] = body
        if allHeaders["Content-Type"] == nil { allHeaders["Content-Type"] = "application/json" }
    }
    if !allHeaders.isEmpty { request["headers"] = allHeaders }
    if let dependsOn { request["dependsOn"] = dependsOn }
    return request
}

/// Alice's phone methods, relative to the version.
let alicePhones = "/users/alice@contoso.com/authentication/phoneMethods"
/// A create body for a mobile.
var mobileBody: [String: Any] { ["phoneNumber": "+1 2065555555", "phoneType": "mobile"] }

@Suite struct BatchTests {
    @Test(arguments: bothVersions)
    func createListAndGetInOneBatch(version: APIVersion) throws {
        let fixture = try PhoneFixture()
        // Listed last-first: dependencies decide when each runs, the array decides the answer order.
        let answer = try fixture.batch(
            version,
            [
                inner("get", "GET", "\(alicePhones)/\(Contract.methodID(.mobile))", dependsOn: ["list"]),
                inner("list", "GET", alicePhones, dependsOn: ["create"]),
                inner("create", "POST", alicePhones, body: mobileBody),
            ])
        #expect(answer.response.status == 200)
        #expect(answer.response.headers["content-type"] == Contract.odataContentType)
        #expect(answer.ids == ["get", "list", "create"])
        #expect(answer.status("create") == 201)
        #expect(answer.status("list") == 200)
        #expect(answer.status("get") == 200)

        let context = Contract.metadata(version) + "users('alice%40contoso.com')/authentication/phoneMethods"
        #expect(answer.body("create")["@odata.context"] as? String == context + "/$entity")
        #expect(answer.body("create")["phoneNumber"] as? String == "+1 2065555555")
        #expect(answer.body("get")["@odata.context"] as? String == context + "/$entity")
        #expect(answer.body("get")["id"] as? String == Contract.methodID(.mobile))
        #expect(answer.body("list")["@odata.context"] as? String == context)
        #expect((answer.body("list")["value"] as? [Any])?.count == 1)
        #expect((answer.body("get")["createdDateTime"] != nil) == (version == .beta))

        for id in answer.ids {
            let headers = answer.headers(id)
            #expect(headers["Content-Type"] == Contract.odataContentType)
            #expect(isGUID(headers["request-id"]))
            #expect(headers["client-request-id"] == headers["request-id"])
        }
        #expect(Set(answer.ids.compactMap { answer.headers($0)["request-id"] }).count == 3)
    }

    @Test func failedDependencyAnswers424AndIndependentRequestsStillRun() throws {
        let fixture = try PhoneFixture()
        try fixture.addPhone(.mobile, "+1 2065555555")
        let answer = try fixture.batch(
            .v1,
            [
                inner("dup", "POST", alicePhones, body: mobileBody),
                inner("after", "GET", alicePhones, dependsOn: ["dup"]),
                inner("chained", "GET", alicePhones, dependsOn: ["after"]),
                inner("office", "POST", alicePhones, body: ["phoneNumber": "+1 4255550100", "phoneType": "office"]),
            ])
        #expect(answer.response.status == 200)
        #expect(answer.status("dup") == 409)
        #expect(answer.errorCode("dup") == "conflict")
        #expect(answer.status("after") == 424)
        #expect(answer.errorCode("after") == "failedDependency")
        #expect(answer.errorMessage("after")?.contains("'dup'") == true)
        #expect(answer.headers("after")["Content-Type"] == Contract.errorContentType)
        #expect(answer.status("chained") == 424)
        #expect(answer.errorMessage("chained")?.contains("'after'") == true)
        #expect(answer.status("office") == 201)
        #expect(try fixture.send("GET", methodsPath(.v1, "users/alice@contoso.com")).items.count == 2)
    }

    @Test func eachInnerRequestIsAuthorisedLikeADirectOne() throws {
        let fixture = try PhoneFixture()
        let reader = fixture.server.token(for: fixture.admin, scopes: ["UserAuthenticationMethod.Read.All"])
        let answer = try fixture.batch(
            .v1,
            [
                inner("read", "GET", alicePhones),
                inner("write", "POST", alicePhones, body: mobileBody),
                inner("me", "GET", "/me/authentication/phoneMethods"),
            ], token: reader)
        #expect(answer.response.status == 200)
        #expect(answer.status("read") == 200)
        #expect(answer.status("write") == 403)
        #expect(answer.errorCode("write") == "accessDenied")
        #expect(answer.status("me") == 200)
        #expect(try fixture.send("GET", methodsPath(.v1, "users/alice@contoso.com")).items.isEmpty)

        let unauthenticated = try fixture.server.send(
            "POST", "/v1.0/$batch", token: nil, json: #"{"requests":[{"id":"1","method":"GET","url":"/me"}]}"#)
        #expect(unauthenticated.status == 401)
        #expect(unauthenticated.errorCode == "InvalidAuthenticationToken")
    }

    @Test func moreThanTwentyRequestsRefuseTheWholeBatch() throws {
        let fixture = try PhoneFixture()
        let twenty = (1...20).map { inner("\($0)", "GET", alicePhones) }
        let allowed = try fixture.batch(.v1, twenty)
        #expect(allowed.response.status == 200)
        #expect(allowed.ids.count == 20)
        #expect(allowed.ids.allSatisfy { allowed.status($0) == 200 })

        let refused = try fixture.batch(.v1, twenty + [inner("21", "POST", alicePhones, body: mobileBody)])
        #expect(refused.response.status == 400)
        #expect(refused.response.errorCode == "BadRequest")
        #expect(refused.response.errorMessage?.contains("limit is 20") == true)
        #expect(try fixture.send("GET", methodsPath(.v1, "users/alice@contoso.com")).items.isEmpty)
    }

    static let malformed: [(body: String, message: String)] = [
        (#"{"requests": [}"#, "Invalid JSON"),
        (#"[]"#, "must be a JSON object"),
        (#"{}"#, "no 'requests' array"),
        (#"{"requests": {}}"#, "must be an array"),
        (#"{"requests": []}"#, "is empty"),
        (#"{"requests": [1]}"#, "Request 1 of the batch is not a JSON object"),
        (#"{"requests": [{"method": "GET", "url": "/me"}]}"#, "Request 1 of the batch has no 'id'"),
        (#"{"requests": [{"id": 1, "method": "GET", "url": "/me"}]}"#, "has no 'id'"),
        (
            #"{"requests": [{"id": "a", "method": "GET", "url": "/me"}, {"id": "a", "method": "GET", "url": "/me"}]}"#,
            "The id 'a' is used by more than one request"
        ),
        (#"{"requests": [{"id": "a", "url": "/me"}]}"#, "Request 'a' has no 'method'"),
        (#"{"requests": [{"id": "a", "method": "GET"}]}"#, "Request 'a' has no 'url'"),
        (
            #"{"requests": [{"id": "a", "method": "POST", "url": "/me", "body": {}}]}"#,
            "Request 'a' has a 'body' but no 'Content-Type'"
        ),
        (
            #"{"requests": [{"id": "a", "method": "GET", "url": "/me", "headers": {"x": 1}}]}"#,
            "'headers' of request 'a' must be an object of strings"
        ),
        (
            #"{"requests": [{"id": "a", "method": "GET", "url": "/me", "dependsOn": ["b"]}]}"#,
            "Request 'a' depends on 'b', which is not a request in this batch"
        ),
        (
            #"{"requests": [{"id": "a", "method": "GET", "url": "/me", "dependsOn": "b"}]}"#,
            "'dependsOn' of request 'a' must be an array"
        ),
        (
            #"{"requests": [{"id": "a", "method": "GET", "url": "/me", "dependsOn": ["b"]}, "#
                + #"{"id": "b", "method": "GET", "url": "/me", "dependsOn": ["a"]}]}"#,
            "The requests 'a', 'b' depend on each other in a cycle"
        ),
        (#"{"requests": [{"id": "a", "method": "GET", "url": "/me", "dependsOn": ["a"]}]}"#, "cycle"),
    ]

    @Test(arguments: malformed)
    func malformedBatchIsRefusedNamingTheProblem(body: String, message: String) throws {
        let fixture = try PhoneFixture()
        let response = try fixture.send("POST", "/v1.0/$batch", json: body)
        #expect(response.status == 400)
        #expect(response.errorCode?.lowercased() == "badrequest")
        #expect(response.errorMessage?.contains(message) == true, "\(response.errorMessage ?? response.text)")
        #expect(isGUID(response.innerError["request-id"] as? String))
    }

    @Test func batchBodyMustBeJSON() throws {
        let fixture = try PhoneFixture()
        let response = try fixture.send(
            "POST", "/v1.0/$batch", json: #"{"requests": []}"#, headers: [("Content-Type", "text/plain")])
        #expect(response.status == 415)
        #expect(response.errorCode == "unsupportedMediaType")
        let get = try fixture.send("GET", "/v1.0/$batch")
        #expect(get.status == 405)
        #expect(get.headers["allow"] == "POST")
    }

    @Test func writeInABatchIsDurable() throws {
        let fixture = try PhoneFixture()
        let answer = try fixture.batch(
            .beta,
            [
                inner("m", "POST", alicePhones, body: mobileBody),
                inner(
                    "a", "POST", alicePhones, body: ["phoneNumber": "+44 7700900123", "phoneType": "alternateMobile"],
                    dependsOn: ["m"]),
                inner(
                    "p", "PATCH", "\(alicePhones)/\(Contract.methodID(.mobile))",
                    body: ["phoneNumber": "+1 4255550199"],
                    dependsOn: ["a"]),
            ])
        #expect(answer.status("m") == 201)
        #expect(answer.status("a") == 201)
        #expect(answer.status("p") == 204)
        #expect(answer.inner("p")["body"] == nil)
        #expect(answer.headers("p")["request-id"] != nil)

        let direct = try fixture.send(
            "GET", methodsPath(.v1, "users/alice@contoso.com", id: Contract.methodID(.mobile)))
        #expect(direct.string("phoneNumber") == "+1 4255550199")
        let stored = try fixture.server.store.phoneMethods(userID: fixture.alice.id)
        #expect(Set(stored.map(\.type)) == [.mobile, .alternateMobile])
    }

    @Test func urlsThatCannotBeBatchedFailAlone() throws {
        let fixture = try PhoneFixture()
        let answer = try fixture.batch(
            .v1,
            [
                inner("versioned", "GET", "/v1.0\(alicePhones)"),
                inner("beta", "GET", "/beta\(alicePhones)"),
                inner("absolute", "GET", "https://graph.microsoft.com/v1.0\(alicePhones)"),
                inner("nested", "POST", "/$batch", body: ["requests": [] as [Any]]),
                inner("encoded", "POST", "%24batch", body: ["requests": [] as [Any]]),
                inner("fine", "GET", String(alicePhones.dropFirst()) + "?$select=phoneNumber"),
                inner("unknown", "GET", "/groups"),
            ])
        #expect(answer.response.status == 200)
        // As on Graph, a version in the url is one segment too many.
        #expect(answer.status("versioned") == 400)
        #expect(answer.errorMessage("versioned") == "Resource not found for the segment 'v1.0'.")
        #expect(answer.errorMessage("beta") == "Resource not found for the segment 'beta'.")
        for id in ["absolute", "nested", "encoded"] {
            #expect(answer.status(id) == 400, "\(id)")
            #expect(answer.errorCode(id) == "BadRequest", "\(id)")
            #expect(answer.errorMessage(id)?.hasPrefix("Invalid request url") == true, "\(id)")
        }
        #expect(answer.errorMessage("nested")?.contains("another batch") == true)
        #expect(answer.status("fine") == 200)
        #expect(
            answer.body("fine")["@odata.context"] as? String
                == Contract.metadata(.v1) + "users('alice%40contoso.com')/authentication/phoneMethods(phoneNumber)")
        #expect(answer.status("unknown") == 400)
        #expect(answer.errorMessage("unknown") == "Resource not found for the segment 'groups'.")
    }

    @Test func innerHeadersReachTheInnerRequest() throws {
        let fixture = try PhoneFixture()
        let answer = try fixture.batch(
            .v1,
            [
                inner("1", "GET", alicePhones, headers: ["client-request-id": "my-own-id"]),
                inner(
                    "2", "POST", alicePhones, body: mobileBody,
                    headers: ["Content-Type": "text/plain", "Authorization": "Bearer not-a-token"]),
            ])
        #expect(answer.headers("1")["client-request-id"] == "my-own-id")
        // The batch's token applies, whatever the inner headers say; the inner Content-Type does too.
        #expect(answer.status("2") == 415)
        #expect(answer.errorCode("2") == "unsupportedMediaType")
    }

    @Test func batchPathIsRoutedSpelledEitherWay() throws {
        let fixture = try PhoneFixture()
        let body =
            #"{"requests": [{"id": "1", "method": "get", "url": "/users/alice%40contoso.com/authentication/methods"}]}"#
        for path in ["/v1.0/$batch", "/v1.0/%24batch", "/beta/$BATCH", "/beta/$batch/"] {
            let response = try fixture.send("POST", path, json: body)
            #expect(response.status == 200, "\(path)")
            let answer = BatchAnswer(response: response)
            #expect(answer.status("1") == 200, "\(path)")
        }
        let extra = try fixture.send("POST", "/v1.0/$batch/more", json: body)
        #expect(extra.status == 400)
        #expect(extra.errorMessage == "Resource not found for the segment 'more'.")
    }
}
