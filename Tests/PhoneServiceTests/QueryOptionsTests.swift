import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

@Suite struct QueryOptionsTests {
    static let refusedOptions = ["$top=1", "$expand=x", "$orderby=phoneType", "$skip=1", "$count=true", "$search=x"]

    // MARK: Over HTTP

    @Test(arguments: bothVersions)
    func selectOnListNarrowsItemsAndContext(version: APIVersion) throws {
        let fixture = try PhoneFixture()
        try fixture.addPhone(.mobile, "+1 2065555555")
        try fixture.addPhone(.office, "+1 4255550100")
        let list = try fixture.send(
            "GET", methodsPath(version, "users/alice%40contoso.com") + "?$select=phoneNumber,phoneType")
        #expect(list.status == 200)
        #expect(
            list.string("@odata.context")
                == Contract.metadata(version)
                + "users('alice%40contoso.com')/authentication/phoneMethods(phoneNumber,phoneType)")
        #expect(
            list.items.map(fields) == [
                ["phoneNumber": "+1 2065555555", "phoneType": "mobile"],
                ["phoneNumber": "+1 4255550100", "phoneType": "office"],
            ])
    }

    @Test(arguments: bothVersions)
    func selectOnEntityNarrowsPropertiesAndContext(version: APIVersion) throws {
        let fixture = try PhoneFixture()
        try fixture.addPhone(.mobile, "+1 2065555555")
        let got = try fixture.send(
            "GET",
            methodsPath(version, "users/alice%40contoso.com", id: Contract.methodID(.mobile))
                + "?%24select=phoneNumber%2CphoneType")
        #expect(got.status == 200)
        #expect(
            fields(got.object) == [
                "@odata.context": Contract.metadata(version)
                    + "users('alice%40contoso.com')/authentication/phoneMethods(phoneNumber,phoneType)/$entity",
                "phoneNumber": "+1 2065555555",
                "phoneType": "mobile",
            ])
    }

    @Test func betaSelectsItsDateTimesAndV1DoesNot() throws {
        let fixture = try PhoneFixture()
        try fixture.addPhone(.mobile, "+1 2065555555")
        let beta = try fixture.send(
            "GET", "/beta/users/alice%40contoso.com/authentication/phoneMethods?$select=id,lastUsedDateTime")
        #expect(beta.status == 200)
        #expect(beta.items.map(fields) == [["id": Contract.methodID(.mobile), "lastUsedDateTime": nil]])
        let v1 = try fixture.send(
            "GET", "/v1.0/users/alice%40contoso.com/authentication/phoneMethods?$select=id,lastUsedDateTime")
        #expect(v1.status == 400)
        #expect(v1.errorCode == "badRequest")
        #expect(v1.errorMessage?.contains("'lastUsedDateTime'") == true)
    }

    @Test(arguments: bothVersions, PhoneType.allCases)
    func filterByPhoneTypeKeepsOnlyThatType(version: APIVersion, type: PhoneType) throws {
        let fixture = try PhoneFixture()
        try fixture.addPhone(.mobile, "+1 2065555555")
        try fixture.addPhone(.alternateMobile, "+1 2065555556")
        try fixture.addPhone(.office, "+1 2065555557")
        let list = try fixture.send(
            "GET", methodsPath(version, "users/alice%40contoso.com") + "?$filter=phoneType%20eq%20'\(type.rawValue)'")
        #expect(list.status == 200)
        #expect(list.items.map { $0["id"] as? String } == [Contract.methodID(type)])
        // The context of a filtered list is the plain collection's.
        #expect(
            list.string("@odata.context")
                == Contract.metadata(version) + "users('alice%40contoso.com')/authentication/phoneMethods")
    }

    @Test func filterAndSelectCombine() throws {
        let fixture = try PhoneFixture()
        try fixture.addPhone(.mobile, "+1 2065555555")
        try fixture.addPhone(.office, "+1 2065555557")
        let list = try fixture.send(
            "GET",
            "/v1.0/users/alice%40contoso.com/authentication/phoneMethods?$filter=phoneType+eq+'office'&$select=id")
        #expect(list.status == 200)
        #expect(list.items.map(fields) == [["id": Contract.methodID(.office)]])
    }

    @Test(arguments: bothVersions, refusedOptions)
    func refusedOptionsAre400NamingTheOption(version: APIVersion, option: String) throws {
        let fixture = try PhoneFixture()
        let response = try fixture.send("GET", methodsPath(version, "users/alice%40contoso.com") + "?" + option)
        let name = String(option.prefix(while: { $0 != "=" }))
        #expect(response.status == 400)
        #expect(response.errorCode == "badRequest")
        #expect(response.errorMessage?.contains("'\(name)'") == true)
    }

    @Test(arguments: [
        "phoneNumber%20eq%20'%2B1%202065555555'", "phoneType%20ne%20'mobile'", "phoneType%20eq%20'pager'",
        "phoneType%20eq%20mobile", "phoneType%20eq%20'mobile'%20or%20phoneType%20eq%20'office'", "",
    ])
    func unsupportedFilterIs400(filter: String) throws {
        let fixture = try PhoneFixture()
        let response = try fixture.send(
            "GET", "/v1.0/users/alice%40contoso.com/authentication/phoneMethods?$filter=" + filter)
        #expect(response.status == 400)
        #expect(response.errorCode == "badRequest")
        #expect(response.errorMessage?.contains("$filter") == true)
    }

    @Test(arguments: bothVersions)
    func unknownSelectPropertyIs400NamingIt(version: APIVersion) throws {
        let fixture = try PhoneFixture()
        let response = try fixture.send(
            "GET", methodsPath(version, "users/alice%40contoso.com") + "?$select=phoneNumber,displayName")
        #expect(response.status == 400)
        #expect(response.errorCode == "badRequest")
        #expect(
            response.errorMessage
                == "Could not find a property named 'displayName' on type 'microsoft.graph.phoneAuthenticationMethod'.")
    }

    // MARK: Pure parts

    @Test func selectKeepsRequestedOrderAndSchemaSpelling() throws {
        let options = try QueryOptions.parse(
            [("$select", "phonetype, PHONENUMBER,phoneType")], version: .v1, isList: true)
        #expect(options == QueryOptions(select: ["phoneType", "phoneNumber"], phoneType: nil))
    }

    @Test func optionsWithoutDollarAndInAnyCaseAreRecognised() throws {
        let options = try QueryOptions.parse(
            [("select", "id"), ("$FILTER", "phoneType EQ 'office'")], version: .v1, isList: true)
        #expect(options == QueryOptions(select: ["id"], phoneType: .office))
    }

    @Test func plainParametersAreIgnoredAndUnknownDollarOptionsRefused() throws {
        #expect(try QueryOptions.parse([("api-version", "2")], version: .v1, isList: true) == QueryOptions())
        #expect(throws: GraphError.badRequest("The query parameter '$format' is not supported.")) {
            try QueryOptions.parse([("$format", "json")], version: .v1, isList: true)
        }
    }

    @Test func filterAppliesOnlyToLists() {
        #expect(throws: GraphError.badRequest("The query option '$filter' applies only to a collection.")) {
            try QueryOptions.parse([("$filter", "phoneType eq 'mobile'")], version: .v1, isList: false)
        }
    }

    @Test(arguments: ["$top", "$expand", "$orderby", "$skip", "$count", "$search", "$skiptoken", "$TOP", "top"])
    func refusedOptionsNameTheOptionAsSent(name: String) {
        #expect(throws: GraphError.badRequest("The query option '\(name)' is not supported for phone methods.")) {
            try QueryOptions.parse([(name, "1")], version: .beta, isList: true)
        }
    }

    @Test func emptySelectIsRefused() {
        #expect(throws: GraphError.badRequest("The query option '$select' is empty.")) {
            try QueryOptions.parse([("$select", "")], version: .v1, isList: true)
        }
    }

    @Test func selectableDependsOnVersion() {
        #expect(QueryOptions.selectable(.v1) == ["id", "phoneNumber", "phoneType", "smsSignInState"])
        #expect(
            QueryOptions.selectable(.beta) == [
                "id", "phoneNumber", "phoneType", "smsSignInState", "createdDateTime", "lastUsedDateTime",
            ])
    }
}
