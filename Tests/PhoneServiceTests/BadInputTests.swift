import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// Bodies that must be refused with a 400 (or 415) that says what is wrong, writing nothing, on
/// create and on update; and the allowed neighbours that must be accepted.
@Suite struct BadInputTests {
    /// A body and what the message must mention.
    struct Case: Sendable, CustomTestStringConvertible {
        var body: String
        var mentions: [String]
        var testDescription: String { body.count > 60 ? String(body.prefix(60)) + "…" : body }
    }

    @Test(arguments: [
        Case(body: #"{"phoneNumber":"+1 2065555555","phoneType":"mobile""#, mentions: ["Invalid JSON", "byte"]),
        Case(body: #"{"phoneNumber":"+1 2065555555","phoneType":"mobile",}"#, mentions: ["trailing comma"]),
        Case(body: #"{phoneNumber:"+1 2065555555",phoneType:"mobile"}"#, mentions: ["property name"]),
        Case(body: #"{"phoneNumber":"+1 2065555555","phoneType":"mobile"}}"#, mentions: ["end of the body"]),
        Case(body: "phoneNumber=+1 2065555555&phoneType=mobile", mentions: ["Invalid JSON"]),
        Case(
            body: #"{"phoneType":"mobile","phoneType":"office","phoneNumber":"+1 2065555555"}"#, mentions: ["duplicate"]
        ),
        Case(body: String(repeating: "[", count: 10_000), mentions: ["nested"]),
        Case(body: "\u{FEFF}" + RejectionFixture.validCreate, mentions: ["Invalid JSON"]),
    ])
    func malformedJSONIsABadRequest(_ bad: Case) throws {
        let fixture = try RejectionFixture()
        try fixture.expectRejected("POST", json: bad.body, messageContains: bad.mentions)
    }

    @Test(arguments: [
        #"[{"phoneNumber":"+1 2065555555","phoneType":"mobile"}]"#, #""mobile""#, "42", "null", "true",
    ])
    func jsonThatIsNotAnObjectIsABadRequest(_ body: String) throws {
        let fixture = try RejectionFixture()
        try fixture.expectRejected("POST", json: body, messageContains: ["must be a JSON object"])
    }

    @Test(arguments: [
        Case(body: #"{"phoneNumber":12065555555,"phoneType":"mobile"}"#, mentions: ["'phoneNumber'", "string"]),
        Case(body: #"{"phoneNumber":null,"phoneType":"mobile"}"#, mentions: ["'phoneNumber'", "string"]),
        Case(body: #"{"phoneNumber":["+1 2065555555"],"phoneType":"mobile"}"#, mentions: ["'phoneNumber'"]),
        Case(body: #"{"phoneNumber":"+1 2065555555","phoneType":null}"#, mentions: ["'phoneType'", "string"]),
        Case(body: #"{"phoneNumber":"+1 2065555555","phoneType":1}"#, mentions: ["'phoneType'", "string"]),
        Case(body: #"{"phoneNumber":"+1 2065555555","phoneType":{"name":"mobile"}}"#, mentions: ["'phoneType'"]),
    ])
    func wrongPropertyTypesAreABadRequest(_ bad: Case) throws {
        let fixture = try RejectionFixture()
        try fixture.expectRejected("POST", json: bad.body, messageContains: bad.mentions)
    }

    @Test(arguments: [
        Case(body: #"{"phoneNumber":"+1 2065555555","phoneType":"mobile","color":"blue"}"#, mentions: ["'color'"]),
        Case(body: #"{"phonenumber":"+1 2065555555","phoneType":"mobile"}"#, mentions: ["'phonenumber'"]),
        Case(body: #"{"phoneNumber":"+1 2065555555","PhoneType":"mobile"}"#, mentions: ["'PhoneType'"]),
        Case(
            body: #"{"phoneNumber":"+1 2065555555","phoneType":"mobile","createdDateTime":"2020-01-01T00:00:00Z"}"#,
            mentions: ["'createdDateTime'"]),
    ])
    func unknownPropertiesAreNamed(_ bad: Case) throws {
        let fixture = try RejectionFixture()
        try fixture.expectRejected("POST", json: bad.body, messageContains: bad.mentions + ["does not exist"])
    }

    @Test(arguments: [
        Case(
            body: #"{"id":"3179e48a-750b-4051-897c-87b9720928f7","phoneNumber":"+1 2065555555","phoneType":"mobile"}"#,
            mentions: ["'id'"]),
        Case(
            body: #"{"phoneNumber":"+1 2065555555","phoneType":"mobile","smsSignInState":"ready"}"#,
            mentions: ["'smsSignInState'"]),
    ])
    func readOnlyPropertiesAreABadRequest(_ bad: Case) throws {
        let fixture = try RejectionFixture()
        try fixture.expectRejected("POST", json: bad.body, messageContains: bad.mentions + ["read-only"])
        let update = try RejectionFixture(mobile: true)
        try update.expectRejected(
            "PATCH", RejectionFixture.mobilePath, json: bad.body, messageContains: bad.mentions + ["read-only"])
    }

    @Test(arguments: [
        "#microsoft.graph.emailAuthenticationMethod", "microsoft.graph.phoneAuthenticationMethod",
        "#Microsoft.Graph.PhoneAuthenticationMethod", "",
    ])
    func anotherODataTypeIsABadRequest(_ type: String) throws {
        let fixture = try RejectionFixture()
        try fixture.expectRejected(
            "POST", json: #"{"@odata.type":"\#(type)","phoneNumber":"+1 2065555555","phoneType":"mobile"}"#,
            messageContains: ["@odata.type", PhoneMethodBody.odataType])
    }

    @Test func theSDKsODataTypeIsAccepted() throws {
        let fixture = try RejectionFixture()
        let created = try fixture.server.send(
            "POST", RejectionFixture.collection, token: fixture.token,
            json:
                ##"{"@odata.type":"#microsoft.graph.phoneAuthenticationMethod","phoneNumber":"+1 2065555555","phoneType":"mobile"}"##
        )
        #expect(created.status == 201)
        #expect(try fixture.server.store.phoneMethods(userID: fixture.alice.id).map(\.number) == ["+1 2065555555"])
    }

    @Test(arguments: ["unknownFutureValue", "Mobile", "MOBILE", "alternatemobile", "fax", ""])
    func unknownPhoneTypesAreABadRequest(_ type: String) throws {
        let fixture = try RejectionFixture()
        try fixture.expectRejected(
            "POST", json: #"{"phoneNumber":"+1 2065555555","phoneType":"\#(type)"}"#,
            messageContains: ["'phoneType'", "'\(type)'", "mobile, alternateMobile or office"])
    }

    @Test func e164WithoutTheSpaceShowsTheExpectedForm() throws {
        let fixture = try RejectionFixture()
        try fixture.expectRejected(
            "POST", json: #"{"phoneNumber":"+12065555555","phoneType":"mobile"}"#,
            messageContains: ["'+12065555555'", "space", "+1 2065555555"])
    }

    @Test(arguments: [
        "+1 206-555-5555", "+1 (206) 5555555", "2065555555", "+1 ", "+ 2065555555", "+0 2065555555",
        "+1234 5555555", "+1 1234567890123456", "+1 2065555555x", "+1 2065555555x12345678901",
        "+1 2065555555 x12", "+1  2065555555", " +1 2065555555", "+1 2065555555\n", "+1 ２０６５５５５５５５",
    ])
    func malformedNumbersAreABadRequest(_ number: String) throws {
        let fixture = try RejectionFixture()
        let escaped = number.replacingOccurrences(of: "\n", with: "\\n")
        try fixture.expectRejected(
            "POST", json: #"{"phoneNumber":"\#(escaped)","phoneType":"office"}"#,
            messageContains: ["Invalid phone number", "+{country code} {subscriber number}"])
        let update = try RejectionFixture(mobile: true)
        try update.expectRejected(
            "PATCH", RejectionFixture.mobilePath, json: #"{"phoneNumber":"\#(escaped)"}"#,
            messageContains: ["Invalid phone number"])
    }

    @Test func aVeryLongNumberIsShortenedInTheMessage() throws {
        let fixture = try RejectionFixture()
        let number = "+1 " + String(repeating: "5", count: 10_000)
        let refused = try fixture.expectRejected(
            "POST", json: #"{"phoneNumber":"\#(number)","phoneType":"mobile"}"#,
            messageContains: ["Invalid phone number"])
        #expect((refused.errorMessage ?? "").count < 400)
    }

    @Test(arguments: [
        "+1 2065555555", "+44 07777777777", "+353 123456789012345", "+1 2065555555x1234567890", "+1 5",
    ])
    func wellFormedNumbersAreAccepted(_ number: String) throws {
        let fixture = try RejectionFixture()
        let created = try fixture.server.send(
            "POST", RejectionFixture.collection, token: fixture.token,
            json: #"{"phoneNumber":"\#(number)","phoneType":"mobile"}"#)
        #expect(created.status == 201, "\(created.text)")
        #expect(created.object["phoneNumber"] as? String == number)
        #expect(try fixture.server.store.phoneMethods(userID: fixture.alice.id).map(\.number) == [number])
    }

    @Test(arguments: [
        Case(body: #"{"phoneType":"mobile"}"#, mentions: ["'phoneNumber'", "required"]),
        Case(body: #"{"phoneNumber":"+1 2065555555"}"#, mentions: ["'phoneType'", "required"]),
        Case(body: "{}", mentions: ["required"]),
        Case(body: ##"{"@odata.type":"#microsoft.graph.phoneAuthenticationMethod"}"##, mentions: ["required"]),
    ])
    func missingPropertiesAreABadRequest(_ bad: Case) throws {
        let fixture = try RejectionFixture()
        try fixture.expectRejected("POST", json: bad.body, messageContains: bad.mentions)
    }

    @Test func anUpdateWithoutANumberIsABadRequest() throws {
        let fixture = try RejectionFixture(mobile: true)
        try fixture.expectRejected(
            "PATCH", RejectionFixture.mobilePath, json: #"{"phoneType":"mobile"}"#,
            messageContains: ["'phoneNumber'", "required"])
    }

    @Test func anUpdateThatChangesTheTypeIsABadRequest() throws {
        let fixture = try RejectionFixture(mobile: true)
        try fixture.expectRejected(
            "PATCH", RejectionFixture.mobilePath, json: #"{"phoneNumber":"+1 2065555555","phoneType":"office"}"#,
            messageContains: ["'phoneType'", "cannot be changed"])
    }

    @Test(arguments: [
        [UInt8](#"{"phoneNumber":"+1 2065555555","phoneType":"mob"#.utf8) + [0xFF] + Array(#"ile"}"#.utf8),
        [UInt8](#"{"phoneNumber":"+1 20655"#.utf8) + [0xC3, 0x28] + Array(#"55555","phoneType":"mobile"}"#.utf8),
        [UInt8](#"{"phone"#.utf8) + [0xED, 0xA0, 0x80] + Array(#"Number":"+1 2065555555","phoneType":"mobile"}"#.utf8),
        [UInt8](#"{"phoneNumber":"+1 2065555555","phoneType":"mobile"}"#.utf8) + [0x80],
    ])
    func invalidUTF8IsABadRequest(_ body: [UInt8]) throws {
        let fixture = try RejectionFixture()
        try fixture.expectRejected(
            "POST", body: body, status: 400, code: "badRequest", messageContains: ["UTF-8"])
    }

    @Test func anEmptyBodyIsABadRequest() throws {
        let fixture = try RejectionFixture()
        try fixture.expectRejected("POST", body: [], status: 400, code: "badRequest", messageContains: ["empty"])
        try fixture.expectRejected(
            "POST", headers: [fixture.authorization], body: [], status: 400, code: "badRequest",
            messageContains: ["empty"])
        let update = try RejectionFixture(mobile: true)
        try update.expectRejected(
            "PATCH", RejectionFixture.mobilePath, body: [], status: 400, code: "badRequest", messageContains: ["empty"])
    }

    @Test(arguments: ["text/plain", "application/x-www-form-urlencoded", "application/jsonp", "json", "*/*"])
    func anotherContentTypeIsUnsupported(_ type: String) throws {
        let fixture = try RejectionFixture()
        try fixture.expectRejected(
            "POST", headers: [fixture.authorization, ("Content-Type", type)], json: RejectionFixture.validCreate,
            status: 415, code: "unsupportedMediaType", messageContains: ["application/json", type])
        let update = try RejectionFixture(mobile: true)
        try update.expectRejected(
            "PATCH", RejectionFixture.mobilePath, headers: [update.authorization, ("Content-Type", type)],
            json: #"{"phoneNumber":"+1 2065555555"}"#, status: 415, code: "unsupportedMediaType")
    }

    @Test func aJSONBodyWithoutContentTypeIsUnsupported() throws {
        let fixture = try RejectionFixture()
        try fixture.expectRejected(
            "POST", headers: [fixture.authorization], json: RejectionFixture.validCreate, status: 415,
            code: "unsupportedMediaType", messageContains: ["application/json", "no Content-Type"])
    }

    @Test(arguments: [
        "application/json; charset=utf-8", "application/json;charset=UTF-8", "Application/JSON",
        "application/json;odata.metadata=minimal", "application/json ; charset=utf-8",
    ])
    func jsonWithParametersIsAccepted(_ type: String) throws {
        let fixture = try RejectionFixture()
        let created = try fixture.server.send(
            "POST", RejectionFixture.collection, token: fixture.token, json: RejectionFixture.validCreate,
            headers: [("Content-Type", type)])
        #expect(created.status == 201, "\(created.text)")
        #expect(try fixture.server.store.phoneMethods(userID: fixture.alice.id).count == 1)
    }

    /// The media type check on its own, for what HTTP's header parsing would tidy away before it
    /// (tabs, empty values) and for near misses.
    @Test func theJSONMediaTypeIsMatchedWithoutParametersSpacesOrCase() {
        for accepted in [
            "application/json", "APPLICATION/JSON", " application/json", "\tapplication/json\t",
            "application/json;", "application/json \t; charset=utf-8", "application/json;a=b;c=d",
        ] {
            #expect(JSONBody.isJSON(accepted), "\(accepted)")
        }
        for refused in [
            "", ";", " ", "application/jso", "application/jsonx", "application/ json", "application /json",
            "application/json\u{00A0}", "xapplication/json", "text/json", "application/json,text/plain",
        ] {
            #expect(!JSONBody.isJSON(refused), "\(refused)")
        }
    }
}
