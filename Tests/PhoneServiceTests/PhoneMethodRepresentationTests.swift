import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

@Suite struct PhoneMethodRepresentationTests {
    // MARK: Over HTTP

    @Test func v1EntityIsExactlyTheFourProperties() throws {
        let fixture = try PhoneFixture()
        let created = try fixture.send(
            "POST", "/v1.0/users/alice%40contoso.com/authentication/phoneMethods",
            json: phoneBody("+1 2065555555", .mobile))
        #expect(created.status == 201)
        let expected: [String: String?] = [
            "@odata.context":
                "https://graph.microsoft.com/v1.0/$metadata#users('alice%40contoso.com')/authentication/phoneMethods/$entity",
            "id": "3179e48a-750b-4051-897c-87b9720928f7",
            "phoneNumber": "+1 2065555555",
            "phoneType": "mobile",
            "smsSignInState": "notAllowedByPolicy",
        ]
        #expect(fields(created.object) == expected)
        let got = try fixture.send(
            "GET", "/v1.0/users/alice%40contoso.com/authentication/phoneMethods/" + Contract.methodID(.mobile))
        #expect(fields(got.object) == expected)
    }

    @Test func betaEntityAddsCreatedAndLastUsedDateTimes() throws {
        let fixture = try PhoneFixture()
        let created = try fixture.send(
            "POST", "/beta/users/alice%40contoso.com/authentication/phoneMethods",
            json: phoneBody("+1 2065555555", .mobile))
        #expect(created.status == 201)
        let createdAt = created.string("createdDateTime")
        #expect(isRecentISO8601UTC(createdAt))
        #expect(created.object["lastUsedDateTime"] is NSNull)
        #expect(created.text.contains(#""lastUsedDateTime":null"#))
        let expected: [String: String?] = [
            "@odata.context":
                "https://graph.microsoft.com/beta/$metadata#users('alice%40contoso.com')/authentication/phoneMethods/$entity",
            "id": "3179e48a-750b-4051-897c-87b9720928f7",
            "phoneNumber": "+1 2065555555",
            "phoneType": "mobile",
            "smsSignInState": "notAllowedByPolicy",
            "createdDateTime": createdAt,
            "lastUsedDateTime": nil,
        ]
        #expect(fields(created.object) == expected)

        // The date is the one stored at creation, not the time of the read.
        let list = try fixture.send("GET", "/beta/users/alice%40contoso.com/authentication/phoneMethods")
        #expect(list.items.count == 1)
        #expect(fields(list.items[0]) == expected.filter { $0.key != "@odata.context" })
    }

    @Test(arguments: bothVersions)
    func collectionItemsHaveTheEntityPropertiesWithoutContext(version: APIVersion) throws {
        let fixture = try PhoneFixture()
        try fixture.addPhone(.mobile, "+1 2065555555")
        let list = try fixture.send("GET", methodsPath(version, "users/alice%40contoso.com"))
        #expect(list.keys == ["@odata.context", "value"])
        let expectedKeys: Set<String> =
            version == .beta
            ? ["id", "phoneNumber", "phoneType", "smsSignInState", "createdDateTime", "lastUsedDateTime"]
            : ["id", "phoneNumber", "phoneType", "smsSignInState"]
        #expect(list.items.map { Set($0.keys) } == [expectedKeys])

        let methods = try fixture.send("GET", methodsPath(version, "users/alice%40contoso.com", "methods"))
        #expect(methods.items.map { Set($0.keys) } == [expectedKeys.union(["@odata.type"])])
    }

    @Test(arguments: bothVersions, PhoneType.allCases)
    func smsSignInStateAndIDPerType(version: APIVersion, type: PhoneType) throws {
        let fixture = try PhoneFixture()
        if type == .alternateMobile { try fixture.addPhone(.mobile, "+1 2065555555") }
        let created = try fixture.send(
            "POST", methodsPath(version, "users/alice%40contoso.com"), json: phoneBody("+1 4255550100", type))
        #expect(created.status == 201)
        #expect(created.string("id") == Contract.methodID(type))
        #expect(created.string("phoneType") == type.rawValue)
        #expect(created.string("smsSignInState") == Contract.smsSignInState(type))
    }

    // MARK: Pure parts

    @Test(arguments: [
        ("+1 2065555555", "+1 XXXXXXXX55"),
        ("+44 07777777777", "+44 XXXXXXXXX77"),
        ("+1 4255550100x123", "+1 XXXXXXXX00xXXX"),
        ("+353 5", "+353 5"),
        ("+1 12", "+1 12"),
        ("+1 123", "+1 X23"),
    ])
    func maskKeepsCountryCodeAndLastTwoDigits(number: String, masked: String) {
        #expect(PhoneMethodRepresentation.mask(number) == masked)
    }

    @Test func contextEncodesTheKeyAndAddsSelectAndEntity() {
        let plain = PhoneMethodRepresentation(version: .v1, visibility: .full, select: nil)
        #expect(
            plain.context(userKey: "alice@contoso.com", collection: .phoneMethods, entity: false)
                == "https://graph.microsoft.com/v1.0/$metadata#users('alice%40contoso.com')/authentication/phoneMethods"
        )
        let selected = PhoneMethodRepresentation(
            version: .beta, visibility: .full, select: ["phoneNumber", "phoneType"])
        #expect(
            selected.context(userKey: "a/b@contoso.com", collection: .methods, entity: true)
                == "https://graph.microsoft.com/beta/$metadata#users('a%2Fb%40contoso.com')/authentication/methods(phoneNumber,phoneType)/$entity"
        )
    }

    @Test func entityWritesMaskedNumbersForMaskedVisibility() throws {
        let method = PhoneMethod(
            userID: "u", type: .mobile, number: "+1 2065555555", createdAt: "2026-01-02T03:04:05Z",
            smsSignInState: .notAllowedByPolicy)
        let representation = PhoneMethodRepresentation(version: .beta, visibility: .masked, select: nil)
        let text = String(decoding: representation.entity(method, context: "ctx"), as: UTF8.self)
        #expect(
            text
                == #"{"@odata.context":"ctx","id":"3179e48a-750b-4051-897c-87b9720928f7","phoneNumber":"+1 XXXXXXXX55","phoneType":"mobile","smsSignInState":"notAllowedByPolicy","createdDateTime":"2026-01-02T03:04:05Z","lastUsedDateTime":null}"#
        )
    }
}
