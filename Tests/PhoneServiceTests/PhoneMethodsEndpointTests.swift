import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// How a test names alice in the URL (spec §1: object id or UPN, case-insensitive, percent-encoded).
enum Addressing: String, CaseIterable, Sendable {
    case objectID
    case objectIDUpperCase
    case upn
    case upnPercentEncoded
    case upnOtherCase

    /// The path's user part.
    func segment(_ alice: User) -> String {
        switch self {
        case .objectID: "users/\(alice.id)"
        case .objectIDUpperCase: "users/\(alice.id.uppercased())"
        case .upn: "users/alice@contoso.com"
        case .upnPercentEncoded: "users/alice%40contoso.com"
        case .upnOtherCase: "users/ALICE%40Contoso.COM"
        }
    }

    /// The key `@odata.context` echoes: as the URL gave it, percent-encoded.
    func contextKey(_ alice: User) -> String {
        switch self {
        case .objectID: alice.id
        case .objectIDUpperCase: alice.id.uppercased()
        case .upn, .upnPercentEncoded: "alice%40contoso.com"
        case .upnOtherCase: "ALICE%40Contoso.COM"
        }
    }
}

@Suite struct PhoneMethodsEndpointTests {
    @Test(arguments: bothVersions, Addressing.allCases)
    func phoneMethodLifecycle(version: APIVersion, addressing: Addressing) throws {
        let fixture = try PhoneFixture()
        let user = addressing.segment(fixture.alice)
        let context = Contract.metadata(version) + "users('\(addressing.contextKey(fixture.alice))')/authentication/"
        let collection = methodsPath(version, user)
        let entity = methodsPath(version, user, id: Contract.methodID(.mobile))

        let empty = try fixture.send("GET", collection)
        #expect(empty.status == 200)
        #expect(empty.keys == ["@odata.context", "value"])
        #expect(empty.string("@odata.context") == context + "phoneMethods")
        #expect(empty.items.isEmpty)

        let created = try fixture.send("POST", collection, json: phoneBody("+1 2065555555", .mobile))
        #expect(created.status == 201)
        #expect(created.string("@odata.context") == context + "phoneMethods/$entity")
        #expect(created.string("id") == Contract.methodID(.mobile))
        #expect(created.string("phoneNumber") == "+1 2065555555")
        #expect(created.string("phoneType") == "mobile")
        #expect(created.string("smsSignInState") == "notAllowedByPolicy")

        let listed = try fixture.send("GET", collection)
        #expect(listed.status == 200)
        #expect(listed.items.count == 1)
        #expect(listed.items.first?["phoneNumber"] as? String == "+1 2065555555")
        #expect(listed.items.first?["@odata.type"] == nil)

        let got = try fixture.send("GET", entity)
        #expect(got.status == 200)
        #expect(got.string("@odata.context") == context + "phoneMethods/$entity")
        #expect(got.string("phoneNumber") == "+1 2065555555")

        let patched = try fixture.send("PATCH", entity, json: phoneBody("+1 4255550100", .mobile))
        #expect(patched.status == 204)
        #expect(patched.body.isEmpty)
        #expect(try fixture.send("GET", entity).string("phoneNumber") == "+1 4255550100")

        let numberOnly = try fixture.send("PATCH", entity, json: phoneBody("+44 7777777777"))
        #expect(numberOnly.status == 204)
        #expect(try fixture.send("GET", entity).string("phoneNumber") == "+44 7777777777")

        let retyped = try fixture.send("PATCH", entity, json: phoneBody("+1 4255550101", .office))
        #expect(retyped.status == 400)
        #expect(retyped.errorCode == "badRequest")
        #expect(retyped.errorMessage?.contains("phoneType") == true)
        #expect(try fixture.send("GET", entity).string("phoneNumber") == "+44 7777777777")

        let deleted = try fixture.send("DELETE", entity)
        #expect(deleted.status == 204)
        #expect(deleted.body.isEmpty)
        let gone = try fixture.send("GET", entity)
        #expect(gone.status == 404)
        #expect(gone.errorCode == "itemNotFound")
        #expect(try fixture.send("GET", collection).items.isEmpty)
    }

    /// `/me` reads and deletes the caller's own phones; the context names the caller's object id.
    @Test(arguments: bothVersions)
    func meLifecycle(version: APIVersion) throws {
        let fixture = try PhoneFixture()
        try fixture.addPhone(.mobile, "+1 2065555555")
        try fixture.addPhone(.office, "+1 4255550100")
        let token = fixture.server.token(for: fixture.alice, scopes: ["UserAuthenticationMethod.ReadWrite"])
        let context = Contract.metadata(version) + "users('\(fixture.alice.id)')/authentication/"

        let list = try fixture.send("GET", methodsPath(version, "me"), token: token)
        #expect(list.status == 200)
        #expect(list.string("@odata.context") == context + "phoneMethods")
        #expect(list.items.map { $0["id"] as? String } == [Contract.methodID(.mobile), Contract.methodID(.office)])

        let office = methodsPath(version, "me", id: Contract.methodID(.office))
        let got = try fixture.send("GET", office, token: token)
        #expect(got.status == 200)
        #expect(got.string("@odata.context") == context + "phoneMethods/$entity")
        #expect(got.string("phoneNumber") == "+1 4255550100")
        #expect(got.string("phoneType") == "office")

        let methods = try fixture.send("GET", methodsPath(version, "me", "methods"), token: token)
        #expect(methods.status == 200)
        #expect(methods.string("@odata.context") == context + "methods")
        #expect(methods.items.count == 2)

        #expect(try fixture.send("DELETE", office, token: token).status == 204)
        let gone = try fixture.send("GET", office, token: token)
        #expect(gone.status == 404)
        #expect(gone.errorCode == "itemNotFound")
        // The phone went from alice, not from the admin who also has a token here.
        #expect(try fixture.server.store.phoneMethods(userID: fixture.alice.id).map(\.type) == [.mobile])
    }

    /// A delegated token whose user is not in the directory: `/me` is an unknown user, named by id.
    @Test func meForAUserNotInTheDirectoryIs404() throws {
        let fixture = try PhoneFixture()
        let ghost = User(
            id: "0f0f0f0f-0000-4000-8000-000000000009", userPrincipalName: "ghost@contoso.com", displayName: "ghost",
            roleTemplateIDs: [])
        let response = try fixture.send(
            "GET", "/v1.0/me/authentication/phoneMethods",
            token: fixture.server.token(for: ghost, scopes: ["UserAuthenticationMethod.Read"]))
        #expect(response.status == 404)
        #expect(response.errorCode == "Request_ResourceNotFound")
        #expect(response.errorMessage == Contract.userNotFound(ghost.id))
    }

    /// `/authentication/methods` lists the phones with `@odata.type`, and gets one by id.
    @Test(arguments: bothVersions, Addressing.allCases)
    func allMethodsListAndGet(version: APIVersion, addressing: Addressing) throws {
        let fixture = try PhoneFixture()
        try fixture.addPhone(.mobile, "+1 2065555555")
        try fixture.addPhone(.office, "+1 4255550100")
        let user = addressing.segment(fixture.alice)
        let context = Contract.metadata(version) + "users('\(addressing.contextKey(fixture.alice))')/authentication/"

        let list = try fixture.send("GET", methodsPath(version, user, "methods"))
        #expect(list.status == 200)
        #expect(list.string("@odata.context") == context + "methods")
        #expect(list.items.map { $0["id"] as? String } == [Contract.methodID(.mobile), Contract.methodID(.office)])
        for item in list.items {
            #expect(item["@odata.type"] as? String == Contract.phoneODataType)
        }

        let got = try fixture.send("GET", methodsPath(version, user, "methods", id: Contract.methodID(.office)))
        #expect(got.status == 200)
        #expect(got.string("@odata.context") == context + "methods/$entity")
        #expect(got.string("@odata.type") == Contract.phoneODataType)
        #expect(got.string("id") == Contract.methodID(.office))
        #expect(got.string("phoneNumber") == "+1 4255550100")

        let absent = try fixture.send(
            "GET", methodsPath(version, user, "methods", id: Contract.methodID(.alternateMobile)))
        #expect(absent.status == 404)
        #expect(absent.errorCode == "itemNotFound")
    }

    @Test(arguments: bothVersions)
    func meAllMethodsGetCarriesODataType(version: APIVersion) throws {
        let fixture = try PhoneFixture()
        try fixture.addPhone(.mobile, "+1 2065555555")
        let token = fixture.server.token(for: fixture.alice, scopes: ["UserAuthMethod-Phone.Read"])
        let got = try fixture.send(
            "GET", methodsPath(version, "me", "methods", id: Contract.methodID(.mobile)), token: token)
        #expect(got.status == 200)
        #expect(got.string("@odata.type") == Contract.phoneODataType)
        #expect(
            got.string("@odata.context")
                == Contract.metadata(version) + "users('\(fixture.alice.id)')/authentication/methods/$entity")
    }

    /// Each type gets its fixed id, and the user ends with all three, listed mobile first.
    @Test(arguments: bothVersions)
    func createEachTypeWithItsFixedID(version: APIVersion) throws {
        let fixture = try PhoneFixture()
        let collection = methodsPath(version, "users/\(fixture.alice.id)")
        let numbers: [PhoneType: String] = [
            .mobile: "+1 2065555555", .alternateMobile: "+44 07777777777", .office: "+1 4255550100x123",
        ]
        for type in PhoneType.allCases {
            let created = try fixture.send("POST", collection, json: phoneBody(numbers[type] ?? "", type))
            #expect(created.status == 201)
            #expect(created.string("id") == Contract.methodID(type))
            #expect(created.string("phoneType") == type.rawValue)
            #expect(created.string("phoneNumber") == numbers[type])
        }
        let list = try fixture.send("GET", collection)
        #expect(list.items.map { $0["id"] as? String } == PhoneType.allCases.map(Contract.methodID))
        #expect(list.items.map { $0["phoneType"] as? String } == ["mobile", "alternateMobile", "office"])
    }

    /// Microsoft's SDKs add `@odata.type` to bodies; it is accepted on create and update.
    @Test(arguments: bothVersions)
    func sdkBodiesWithODataTypeAreAccepted(version: APIVersion) throws {
        let fixture = try PhoneFixture()
        let collection = methodsPath(version, "users/alice%40contoso.com")
        let created = try fixture.send(
            "POST", collection,
            json: #"{"@odata.type":"\#(Contract.phoneODataType)","phoneNumber":"+1 2065555555","phoneType":"mobile"}"#)
        #expect(created.status == 201)
        let updated = try fixture.send(
            "PATCH", collection + "/" + Contract.methodID(.mobile),
            json: #"{"@odata.type":"\#(Contract.phoneODataType)","phoneNumber":"+1 2065555556"}"#,
            headers: [("Content-Type", "application/json; charset=utf-8")])
        #expect(updated.status == 204)
        #expect(
            try fixture.server.store.phoneMethod(userID: fixture.alice.id, type: .mobile)?.number == "+1 2065555556")
    }
}
