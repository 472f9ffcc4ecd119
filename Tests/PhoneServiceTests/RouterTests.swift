import Foundation
import PhoneStore
import Testing

@testable import PhoneService

@Suite struct RouterTests {
    private func phone(
        _ version: APIVersion, _ user: UserReference, _ collection: MethodCollection = .phoneMethods, id: String? = nil,
        action: PhoneAction? = nil
    ) -> Route {
        .phone(PhoneRoute(version: version, user: user, collection: collection, methodID: id, action: action))
    }

    // MARK: Pure parts

    @Test func routesUsersCollectionWithPercentDecodedKey() throws {
        #expect(
            try Router.route("/v1.0/users/alice%40contoso.com/authentication/phoneMethods")
                == phone(.v1, .user("alice@contoso.com")))
        #expect(
            try Router.route("/beta/users/alice@contoso.com/authentication/methods/abc")
                == phone(.beta, .user("alice@contoso.com"), .methods, id: "abc"))
    }

    @Test func encodedSlashStaysInsideItsSegment() throws {
        #expect(
            try Router.route("/v1.0/users/a%2Fb%40contoso.com/authentication/phoneMethods")
                == phone(.v1, .user("a/b@contoso.com")))
        // Each segment is decoded once: an encoded percent stays a percent.
        #expect(
            try Router.route("/v1.0/users/a%2540contoso.com/authentication/phoneMethods")
                == phone(.v1, .user("a%40contoso.com")))
    }

    @Test func trailingSlashIsIgnored() throws {
        #expect(try Router.route("/v1.0/me/authentication/phoneMethods/") == phone(.v1, .me))
        #expect(
            try Router.route("/beta/me/authentication/phoneMethods/\(Contract.methodID(.office))/")
                == phone(.beta, .me, id: Contract.methodID(.office)))
    }

    @Test func segmentNamesAreCaseInsensitiveButKeysAreKept() throws {
        #expect(
            try Router.route("/V1.0/USERS/Alice%40Contoso.com/Authentication/PHONEMETHODS/ABC")
                == phone(.v1, .user("Alice@Contoso.com"), id: "ABC"))
        #expect(try Router.route("/Beta/ME/authentication/Methods") == phone(.beta, .me, .methods))
    }

    @Test(arguments: [
        ("enableSmsSignIn", PhoneAction.enableSmsSignIn),
        ("disableSmsSignIn", .disableSmsSignIn),
        ("microsoft.graph.enableSmsSignIn", .enableSmsSignIn),
        ("microsoft.graph.disableSmsSignIn", .disableSmsSignIn),
        ("Microsoft.Graph.ENABLESMSSIGNIN", .enableSmsSignIn),
        ("microsoft.graph.disablesmssignin", .disableSmsSignIn),
    ])
    func actionNames(segment: String, action: PhoneAction) throws {
        let id = Contract.methodID(.mobile)
        #expect(
            try Router.route("/v1.0/me/authentication/phoneMethods/\(id)/\(segment)")
                == phone(.v1, .me, id: id, action: action))
        #expect(
            try Router.route("/beta/users/x%40y.com/authentication/methods/\(id)/\(segment)")
                == phone(.beta, .user("x@y.com"), .methods, id: id, action: action))
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
        ("/v1.0/me", "me"),
        ("/v1.0/users/alice/authentication", "authentication"),
        ("/v1.0", "v1.0"),
        ("/", ""),
    ])
    func unknownOrMissingSegments(path: String, segment: String) {
        #expect(throws: GraphError.segmentNotFound(segment)) { try Router.route(path) }
    }

    @Test(arguments: ["v2.0", "V2", "api", "1.0"])
    func unknownVersions(version: String) {
        #expect(throws: GraphError.invalidVersion(version)) {
            try Router.route("/\(version)/users/alice/authentication/phoneMethods")
        }
    }

    @Test(arguments: ["%", "%4", "%zz", "%FF"])
    func malformedPercentEncodingIsABadRequest(escape: String) throws {
        let error = #expect(throws: GraphError.self) {
            try Router.route("/v1.0/users/alice\(escape)/authentication/phoneMethods")
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
