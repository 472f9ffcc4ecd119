import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// Request bodies (spec §2) and the phone rules (spec §3, without SMS sign-in).
@Suite struct PhoneMethodBodyTests {
    static let alice = "/v1.0/users/alice%40contoso.com/authentication/phoneMethods"

    // MARK: Over HTTP

    @Test(
        arguments: bothVersions,
        ["+1 2065555555", "+44 07777777777", "+1 2065555555x1", "+358 1", "+1 123456789012345x1234567890"])
    func validNumbersAreStoredAndReturnedExactly(version: APIVersion, number: String) throws {
        let fixture = try PhoneFixture()
        let created = try fixture.send(
            "POST", methodsPath(version, "users/alice%40contoso.com"), json: phoneBody(number, .office))
        #expect(created.status == 201)
        #expect(created.string("phoneNumber") == number)
        #expect(try fixture.server.store.phoneMethod(userID: fixture.alice.id, type: .office)?.number == number)
    }

    @Test(arguments: [
        "+12065555555", "+1 206 555 5555", "1 2065555555", "+0 2065555555", "+1234 5", "+1 ", "+1 1234567890123456",
        "+1 2065555555x", "+1 2065555555x12345678901", "+1 2065555555 x1", "+1-206-555-5555", "", "+1 20655５5555",
    ])
    func invalidNumbersAre400ShowingTheExpectedForm(number: String) throws {
        let fixture = try PhoneFixture()
        let created = try fixture.send("POST", Self.alice, json: phoneBody(number, .mobile))
        #expect(created.status == 400)
        #expect(created.errorCode == "badRequest")
        #expect(created.errorMessage?.contains(PhoneNumber.expectedForm) == true)
        #expect(try fixture.server.store.phoneMethods(userID: fixture.alice.id).isEmpty)
    }

    @Test func e164WithoutTheSpaceExplainsTheSpace() throws {
        let fixture = try PhoneFixture()
        let created = try fixture.send("POST", Self.alice, json: phoneBody("+14255550100", .mobile))
        #expect(created.status == 400)
        #expect(
            created.errorMessage
                == "Invalid phone number '+14255550100'. Separate the country code from the number with a space. Expected "
                + PhoneNumber.expectedForm + ".")
    }

    @Test func invalidNumberOnUpdateIs400AndKeepsTheOldNumber() throws {
        let fixture = try PhoneFixture()
        try fixture.addPhone(.mobile, "+1 2065555555")
        let patched = try fixture.send(
            "PATCH", Self.alice + "/" + Contract.methodID(.mobile), json: phoneBody("+12065555556"))
        #expect(patched.status == 400)
        #expect(patched.errorCode == "badRequest")
        #expect(
            try fixture.server.store.phoneMethod(userID: fixture.alice.id, type: .mobile)?.number == "+1 2065555555")
    }

    /// A bad body and the property its 400 message names.
    @Test(arguments: [
        (#"{"phoneNumber":"+1 2065555555","phoneType":"mobile","id":"x"}"#, "'id'"),
        (#"{"phoneNumber":"+1 2065555555","phoneType":"mobile","smsSignInState":"ready"}"#, "'smsSignInState'"),
        (#"{"phoneNumber":"+1 2065555555","phoneType":"mobile","isDefault":true}"#, "'isDefault'"),
        (#"{"phoneNumber":"+1 2065555555","phoneType":"unknownFutureValue"}"#, "'phoneType'"),
        (#"{"phoneNumber":"+1 2065555555","phoneType":"Mobile"}"#, "'phoneType'"),
        (#"{"phoneNumber":"+1 2065555555","phoneType":null}"#, "'phoneType'"),
        (#"{"phoneNumber":12065555555,"phoneType":"mobile"}"#, "'phoneNumber'"),
        (#"{"phoneType":"mobile"}"#, "'phoneNumber'"),
        (#"{"phoneNumber":"+1 2065555555"}"#, "'phoneType'"),
        (
            ##"{"@odata.type":"#microsoft.graph.emailAuthenticationMethod","phoneNumber":"+1 2065555555","phoneType":"mobile"}"##,
            "'@odata.type'"
        ),
        (
            #"{"phoneNumber":"+1 2065555555","phoneType":"mobile","createdDateTime":"2026-01-01T00:00:00Z"}"#,
            "'createdDateTime'"
        ),
    ])
    func badCreateBodiesAre400NamingTheProperty(body: String, property: String) throws {
        let fixture = try PhoneFixture()
        let created = try fixture.send("POST", Self.alice, json: body)
        #expect(created.status == 400)
        #expect(created.errorCode == "badRequest")
        #expect(created.errorMessage?.contains(property) == true)
        #expect(try fixture.server.store.phoneMethods(userID: fixture.alice.id).isEmpty)
    }

    @Test(arguments: [
        "", "[]", #""+1 2065555555""#, "{", "null", #"{"phoneNumber":"+1 2065555555","phoneType":"mobile"} x"#,
    ])
    func nonObjectBodiesAre400(body: String) throws {
        let fixture = try PhoneFixture()
        let created = try fixture.send("POST", Self.alice, json: body)
        #expect(created.status == 400)
        #expect(created.errorCode == "badRequest")
    }

    @Test(arguments: [nil, "text/plain", "application/x-www-form-urlencoded", "application/jsonp"])
    func bodiesWithoutJSONContentTypeAre415(contentType: String?) throws {
        let fixture = try PhoneFixture()
        var headers = [("Authorization", "Bearer \(fixture.adminToken)")]
        if let contentType { headers.append(("Content-Type", contentType)) }
        let created = try fixture.server.client().request(
            "POST", Self.alice, headers: headers, body: Array(phoneBody("+1 2065555555", .mobile).utf8))
        #expect(created.status == 415)
        #expect(created.errorCode == "unsupportedMediaType")
    }

    @Test func betaDateTimesAreReadOnlyOnUpdate() throws {
        let fixture = try PhoneFixture()
        try fixture.addPhone(.mobile, "+1 2065555555")
        let patched = try fixture.send(
            "PATCH", "/beta/users/alice%40contoso.com/authentication/phoneMethods/" + Contract.methodID(.mobile),
            json: #"{"phoneNumber":"+1 2065555556","lastUsedDateTime":null}"#)
        #expect(patched.status == 400)
        #expect(patched.errorMessage == "Property 'lastUsedDateTime' is read-only and cannot be set.")
    }

    // MARK: Rules

    @Test(arguments: PhoneType.allCases)
    func secondPhoneOfATypeIs409(type: PhoneType) throws {
        let fixture = try PhoneFixture()
        if type == .alternateMobile { try fixture.addPhone(.mobile, "+1 2065555555") }
        try fixture.addPhone(type, "+1 2065555556")
        let second = try fixture.send("POST", Self.alice, json: phoneBody("+1 2065555557", type))
        #expect(second.status == 409)
        #expect(second.errorCode == "conflict")
        #expect(try fixture.server.store.phoneMethod(userID: fixture.alice.id, type: type)?.number == "+1 2065555556")
    }

    @Test func alternateMobileNeedsAMobile() throws {
        let fixture = try PhoneFixture()
        let refused = try fixture.send("POST", Self.alice, json: phoneBody("+1 2065555555", .alternateMobile))
        #expect(refused.status == 409)
        #expect(refused.errorCode == "conflict")
        #expect(refused.errorMessage?.contains("mobile") == true)
        try fixture.addPhone(.mobile, "+1 2065555555")
        let allowed = try fixture.send("POST", Self.alice, json: phoneBody("+1 2065555556", .alternateMobile))
        #expect(allowed.status == 201)
    }

    @Test func mobileCannotGoWhileAnAlternateMobileExists() throws {
        let fixture = try PhoneFixture()
        try fixture.addPhone(.mobile, "+1 2065555555")
        try fixture.addPhone(.alternateMobile, "+1 2065555556")
        let mobile = Self.alice + "/" + Contract.methodID(.mobile)
        let refused = try fixture.send("DELETE", mobile)
        #expect(refused.status == 409)
        #expect(refused.errorCode == "conflict")
        #expect(try fixture.send("GET", mobile).status == 200)
        #expect(try fixture.send("DELETE", Self.alice + "/" + Contract.methodID(.alternateMobile)).status == 204)
        #expect(try fixture.send("DELETE", mobile).status == 204)
    }

    @Test func theSameNumberMayBeOnSeveralTypesAndUsers() throws {
        let fixture = try PhoneFixture()
        for type in PhoneType.allCases {
            #expect(try fixture.send("POST", Self.alice, json: phoneBody("+1 2065555555", type)).status == 201)
        }
        let bob = try fixture.server.addUser("bob@contoso.com")
        let bobs = "/v1.0/users/\(bob.id)/authentication/phoneMethods"
        #expect(try fixture.send("POST", bobs, json: phoneBody("+1 2065555555", .mobile)).status == 201)
    }

    // MARK: Pure parts

    private func request(_ body: String, contentType: String? = "application/json") -> HTTPRequest {
        HTTPRequest(
            method: "POST", path: "/", headers: contentType.map { ["content-type": $0] } ?? [:], body: Array(body.utf8))
    }

    @Test func parsesNumberTypeAndODataType() throws {
        let body = try PhoneMethodBody.parse(
            request(
                ##"{"@odata.type":"#microsoft.graph.phoneAuthenticationMethod","phoneType":"office","phoneNumber":"+1 5"}"##,
                contentType: "Application/JSON; charset=utf-8"),
            version: .v1)
        #expect(body == PhoneMethodBody(phoneNumber: "+1 5", phoneType: .office))
    }

    @Test func unknownPropertyIsNamedWithTheType() {
        #expect(
            throws: GraphError.badRequest(
                "Property 'phoneNumbr' does not exist on type 'microsoft.graph.phoneAuthenticationMethod'.")
        ) {
            try PhoneMethodBody.parse(request(#"{"phoneNumbr":"+1 5"}"#), version: .beta)
        }
    }

    @Test func v1DoesNotKnowBetasDateTimes() {
        #expect(
            throws: GraphError.badRequest(
                "Property 'createdDateTime' does not exist on type 'microsoft.graph.phoneAuthenticationMethod'.")
        ) {
            try PhoneMethodBody.parse(request(#"{"createdDateTime":"x"}"#), version: .v1)
        }
    }

    @Test func emptyBodyAndMissingContentType() {
        #expect(throws: GraphError.self) { try PhoneMethodBody.parse(request(""), version: .v1) }
        #expect(throws: GraphError.unsupportedMediaType(nil)) {
            try PhoneMethodBody.parse(request("{}", contentType: nil), version: .v1)
        }
    }
}
