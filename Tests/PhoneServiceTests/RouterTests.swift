import Foundation
import Logging
import Testing

@testable import PhoneService
@testable import PhoneStore

@Suite struct RouterTests {
    /// The service's route table, over a store of its own.
    private final class Routes {
        let directory = FileManager.default.temporaryDirectory.appending(path: "routes-\(UUID().uuidString)")
        let application: Application

        init() throws {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let store = try PhoneStore(path: directory.appending(path: "state.db").path)
            application = try Application(store: store, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        }

        deinit { try? FileManager.default.removeItem(at: directory) }

        /// The pattern `path` matches and its parameters, or the refusal of Graph's routes.
        func match(_ path: String) throws(GraphError) -> (pattern: String, parameters: [String: String]) {
            let request = HTTPRequest(method: "GET", path: path)
            let match = try application.pipeline.route(request, family: RouteFamily(request.target))
            return (match.pattern, match.parameters)
        }
    }

    private static let phones = "authentication/phoneMethods"

    // MARK: The table

    @Test func routesUsersCollectionWithPercentDecodedKey() throws {
        let routes = try Routes()
        let collection = try routes.match("/v1.0/users/alice%40contoso.com/authentication/phoneMethods")
        #expect(collection.pattern == "/v1.0/users/{user}/\(Self.phones)")
        #expect(collection.parameters == ["user": "alice@contoso.com"])
        let item = try routes.match("/beta/users/alice@contoso.com/authentication/methods/abc")
        #expect(item.pattern == "/beta/users/{user}/authentication/methods/{method}")
        #expect(item.parameters == ["user": "alice@contoso.com", "method": "abc"])
    }

    @Test func encodedSlashStaysInsideItsSegment() throws {
        let routes = try Routes()
        #expect(
            try routes.match("/v1.0/users/a%2Fb%40contoso.com/authentication/phoneMethods").parameters
                == ["user": "a/b@contoso.com"])
        // Each segment is decoded once: an encoded percent stays a percent.
        #expect(
            try routes.match("/v1.0/users/a%2540contoso.com/authentication/phoneMethods").parameters
                == ["user": "a%40contoso.com"])
    }

    @Test func trailingSlashIsIgnored() throws {
        let routes = try Routes()
        #expect(try routes.match("/v1.0/me/authentication/phoneMethods/").pattern == "/v1.0/me/\(Self.phones)")
        let office = Contract.methodID(.office)
        let item = try routes.match("/beta/me/authentication/phoneMethods/\(office)/")
        #expect(item.pattern == "/beta/me/\(Self.phones)/{method}")
        #expect(item.parameters == ["method": office])
    }

    @Test func segmentNamesAreCaseInsensitiveButKeysAreKept() throws {
        let routes = try Routes()
        let item = try routes.match("/V1.0/USERS/Alice%40Contoso.com/Authentication/PHONEMETHODS/ABC")
        #expect(item.pattern == "/v1.0/users/{user}/\(Self.phones)/{method}")
        #expect(item.parameters == ["user": "Alice@Contoso.com", "method": "ABC"])
        #expect(try routes.match("/Beta/ME/authentication/Methods").pattern == "/beta/me/authentication/methods")
    }

    @Test(arguments: [
        ("enableSmsSignIn", "enableSmsSignIn"),
        ("disableSmsSignIn", "disableSmsSignIn"),
        ("microsoft.graph.enableSmsSignIn", "enableSmsSignIn"),
        ("microsoft.graph.disableSmsSignIn", "disableSmsSignIn"),
        ("Microsoft.Graph.ENABLESMSSIGNIN", "enableSmsSignIn"),
        ("microsoft.graph.disablesmssignin", "disableSmsSignIn"),
    ])
    func actionNames(segment: String, action: String) throws {
        let routes = try Routes()
        let id = Contract.methodID(.mobile)
        let mine = try routes.match("/v1.0/me/authentication/phoneMethods/\(id)/\(segment)")
        #expect(mine.pattern == "/v1.0/me/\(Self.phones)/{method}/~\(action)")
        #expect(mine.parameters == ["method": id])
        let theirs = try routes.match("/beta/users/x%40y.com/authentication/methods/\(id)/\(segment)")
        #expect(theirs.pattern == "/beta/users/{user}/authentication/methods/{method}/~\(action)")
        #expect(theirs.parameters == ["user": "x@y.com", "method": id])
    }

    @Test(arguments: [
        ("/v1.0/groups", "groups"),
        ("/beta/users/alice/authentication/phones", "phones"),
        ("/v1.0/users/alice/profile", "profile"),
        ("/v1.0/me/authentication/phoneMethods/id/smsSignIn", "smsSignIn"),
        ("/v1.0/me/authentication/phoneMethods/id/microsoft.graph.unknown", "microsoft.graph.unknown"),
        ("/v1.0/me/authentication/phoneMethods/id/enableSmsSignIn/more", "more"),
        ("/v1.0/users", "users"),
        ("/v1.0/users/", "users"),
        ("/v1.0/users//authentication/phoneMethods", "users"),
        ("/v1.0/me//phoneMethods", ""),
        ("/v1.0/me", "me"),
        ("/v1.0/users/alice", "users"),
        ("/v1.0/users/alice/authentication", "authentication"),
        ("/v1.0/policies/authenticationMethodsPolicy", "authenticationMethodsPolicy"),
        ("/v1.0/$batch/more", "more"),
        ("/v1.0", "v1.0"),
        ("/", ""),
    ])
    func unknownOrMissingSegments(path: String, segment: String) throws {
        let routes = try Routes()
        #expect(throws: GraphError.segmentNotFound(segment)) { try routes.match(path) }
    }

    @Test(arguments: ["v2.0", "V2", "api", "1.0"])
    func unknownVersions(version: String) throws {
        let routes = try Routes()
        #expect(throws: GraphError.invalidVersion(version)) {
            try routes.match("/\(version)/users/alice/authentication/phoneMethods")
        }
    }

    @Test(arguments: ["%", "%4", "%zz", "%FF"])
    func malformedPercentEncodingIsABadRequest(escape: String) throws {
        let routes = try Routes()
        let error = #expect(throws: GraphError.self) {
            try routes.match("/v1.0/users/alice\(escape)/authentication/phoneMethods")
        }
        #expect(error?.status == 400)
        #expect(error?.code == "badRequest")
    }

    // MARK: Over HTTP

    @Test(arguments: bothVersions, ["foo", "users/alice%40contoso.com/authentication/foo", "me/foo"])
    func unknownSegmentIs400NamingIt(version: APIVersion, rest: String) throws {
        let fixture = try PhoneFixture()
        let response = try fixture.send("GET", "/\(version.rawValue)/\(rest)")
        #expect(response.status == 400)
        #expect(response.errorCode == "BadRequest")
        #expect(response.errorMessage == "Resource not found for the segment 'foo'.")
    }

    @Test func unknownVersionIs400() throws {
        let fixture = try PhoneFixture()
        let response = try fixture.send("GET", "/v2.0/users/alice%40contoso.com/authentication/phoneMethods")
        #expect(response.status == 400)
        #expect(response.errorCode == "BadRequest")
        #expect(response.errorMessage == "Invalid version: v2.0")
    }

    @Test(arguments: [
        (
            "PUT", "/v1.0/users/alice%40contoso.com/authentication/phoneMethods/" + Contract.methodID(.mobile),
            "GET, PATCH, DELETE"
        ),
        (
            "POST", "/v1.0/users/alice%40contoso.com/authentication/phoneMethods/" + Contract.methodID(.mobile),
            "GET, PATCH, DELETE"
        ),
        (
            "POST", "/beta/users/alice%40contoso.com/authentication/phoneMethods/" + Contract.methodID(.mobile),
            "GET, PATCH, DELETE, PUT"
        ),
        ("DELETE", "/v1.0/users/alice%40contoso.com/authentication/phoneMethods", "GET, POST"),
        ("PATCH", "/beta/users/alice%40contoso.com/authentication/phoneMethods", "GET, POST"),
        ("PUT", "/v1.0/me/authentication/phoneMethods", "GET, POST"),
        ("POST", "/v1.0/users/alice%40contoso.com/authentication/methods", "GET"),
        ("POST", "/beta/me/authentication/methods", "GET"),
        ("DELETE", "/v1.0/users/alice%40contoso.com/authentication/methods/" + Contract.methodID(.mobile), "GET"),
        ("PATCH", "/beta/users/alice%40contoso.com/authentication/methods/" + Contract.methodID(.mobile), "GET"),
    ])
    func methodNotAllowedIs405WithAllow(method: String, path: String, allow: String) throws {
        let fixture = try PhoneFixture()
        try fixture.addPhone(.mobile, "+1 2065555555")
        let response = try fixture.send(method, path, json: phoneBody("+1 2065555556", .mobile))
        #expect(response.status == 405)
        #expect(response.errorCode == "Request_BadRequest")
        #expect(response.errorMessage == Contract.methodNotAllowed)
        #expect(response.headers["allow"] == allow)
        #expect(try fixture.server.store.phoneMethods(userID: fixture.alice.id).map(\.number) == ["+1 2065555555"])
    }

    /// libmicrohttpd hands the path over still encoded: `%2F` stays inside the key, and each segment is
    /// decoded exactly once.
    @Test(arguments: [
        ("a%2Fb%40contoso.com", "a/b@contoso.com"), ("alice%2540contoso.com", "alice%40contoso.com"),
    ])
    func pathSegmentsAreDecodedOnceEachOverHTTP(key: String, decoded: String) throws {
        let fixture = try PhoneFixture()
        let response = try fixture.send("GET", "/v1.0/users/\(key)/authentication/phoneMethods")
        #expect(response.status == 404)
        #expect(response.errorCode == "Request_ResourceNotFound")
        #expect(response.errorMessage == Contract.userNotFound(decoded))
    }

    @Test func betaPutBehavesAsPatch() throws {
        let fixture = try PhoneFixture()
        try fixture.addPhone(.mobile, "+1 2065555555")
        let entity = "/beta/users/alice%40contoso.com/authentication/phoneMethods/" + Contract.methodID(.mobile)
        let put = try fixture.send("PUT", entity, json: phoneBody("+1 2065555556", .mobile))
        #expect(put.status == 204)
        #expect(put.body.isEmpty)
        #expect(try fixture.send("GET", entity).string("phoneNumber") == "+1 2065555556")
        let retype = try fixture.send("PUT", entity, json: phoneBody("+1 2065555557", .office))
        #expect(retype.status == 400)
        #expect(retype.errorCode == "badRequest")
    }

    @Test(arguments: bothVersions, ["GET", "PATCH", "DELETE"])
    func unknownMethodIDIs404NamingIt(version: APIVersion, method: String) throws {
        let fixture = try PhoneFixture()
        try fixture.addPhone(.mobile, "+1 2065555555")
        let id = "00000000-0000-0000-0000-000000000001"
        let response = try fixture.send(
            method, methodsPath(version, "users/alice%40contoso.com", id: id),
            json: method == "PATCH" ? phoneBody("+1 2065555556") : nil)
        #expect(response.status == 404)
        #expect(response.errorCode == "itemNotFound")
        #expect(response.errorMessage?.contains(id) == true)
    }

    @Test(arguments: bothVersions, ["GET", "PATCH", "DELETE"])
    func absentMethodIs404NamingItsID(version: APIVersion, method: String) throws {
        let fixture = try PhoneFixture()
        let id = Contract.methodID(.office)
        let response = try fixture.send(
            method, methodsPath(version, "users/alice%40contoso.com", id: id),
            json: method == "PATCH" ? phoneBody("+1 2065555556") : nil)
        #expect(response.status == 404)
        #expect(response.errorCode == "itemNotFound")
        #expect(response.errorMessage?.contains(id) == true)
    }

    @Test(arguments: [
        ("users/nobody%40contoso.com", "nobody@contoso.com"),
        ("users/nobody@contoso.com", "nobody@contoso.com"),
        ("users/5a1c0b8e-0d5e-4f3c-9a43-0b8f4f1f2a10", "5a1c0b8e-0d5e-4f3c-9a43-0b8f4f1f2a10"),
    ])
    func unknownUserIs404NamingTheKey(user: String, key: String) throws {
        let fixture = try PhoneFixture()
        for version in bothVersions {
            for path in [
                methodsPath(version, user), methodsPath(version, user, "methods"),
                methodsPath(version, user, id: Contract.methodID(.mobile)),
            ] {
                let response = try fixture.send("GET", path)
                #expect(response.status == 404)
                #expect(response.errorCode == "Request_ResourceNotFound")
                #expect(response.errorMessage == Contract.userNotFound(key))
            }
        }
        let created = try fixture.send("POST", methodsPath(.v1, user), json: phoneBody("+1 2065555555", .mobile))
        #expect(created.status == 404)
        #expect(created.errorMessage == Contract.userNotFound(key))
    }
}
