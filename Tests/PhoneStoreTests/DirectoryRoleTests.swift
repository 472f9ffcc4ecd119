import Testing

@testable import PhoneStore

struct DirectoryRoleTests {
    @Test(arguments: DirectoryRole.allCases)
    func roleIsFoundByNameOrTemplateIDWithoutRegardToCase(role: DirectoryRole) {
        #expect(DirectoryRole(nameOrTemplateID: role.name) == role)
        #expect(DirectoryRole(nameOrTemplateID: role.name.uppercased()) == role)
        #expect(DirectoryRole(nameOrTemplateID: role.rawValue) == role)
        #expect(DirectoryRole(nameOrTemplateID: role.rawValue.uppercased()) == role)
    }

    @Test func unknownRoleIsNil() {
        #expect(DirectoryRole(nameOrTemplateID: "helpdeskAdministrator") == nil)
        #expect(DirectoryRole(nameOrTemplateID: "") == nil)
    }

    @Test func onlyTheGlobalReaderIsNotAnAdministrator() {
        let nonAdministrators = DirectoryRole.allCases.filter { !$0.isAdministrator }
        #expect(nonAdministrators == [.globalReader])
    }

    @Test func templateIDsAreDistinctLowerCaseGUIDs() {
        let ids = DirectoryRole.allCases.map(\.rawValue)
        #expect(Set(ids).count == ids.count)
        for id in ids {
            #expect(id.range(of: PhoneStoreUsersTests.guidPattern, options: .regularExpression) != nil, "\(id)")
        }
    }
}
