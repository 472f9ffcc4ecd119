import Testing

@testable import PhoneStore

struct PhoneTypeTests {
    @Test func methodIDsAreGraphsFixedIDs() {
        #expect(PhoneType.mobile.methodID == "3179e48a-750b-4051-897c-87b9720928f7")
        #expect(PhoneType.alternateMobile.methodID == "b6332ec1-7057-4abe-9331-3d72feddfe41")
        #expect(PhoneType.office.methodID == "e37fc753-ff3b-4958-9484-eaa9425c82bc")
    }

    @Test(arguments: PhoneType.allCases)
    func typeIsFoundByMethodIDWithoutRegardToCase(type: PhoneType) {
        #expect(PhoneType(methodID: type.methodID) == type)
        #expect(PhoneType(methodID: type.methodID.uppercased()) == type)
    }

    @Test func unknownMethodIDIsNoType() {
        #expect(PhoneType(methodID: "28c10230-6103-485e-b985-444c60001490") == nil)
        #expect(PhoneType(methodID: "") == nil)
    }

    @Test func rawValuesAreGraphsNames() {
        #expect(PhoneType.allCases.map(\.rawValue) == ["mobile", "alternateMobile", "office"])
    }
}
