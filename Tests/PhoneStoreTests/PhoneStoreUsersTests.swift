import Foundation
import Testing

@testable import PhoneStore

struct PhoneStoreUsersTests {
    static let guidPattern = #"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"#

    @Test func addUserWithoutIDMakesALowerCaseGUID() throws {
        try withStore { store, _ in
            let user = try store.addUser(userPrincipalName: "alice@contoso.com")
            #expect(user.id.range(of: Self.guidPattern, options: .regularExpression) != nil, "\(user.id)")
            #expect(user.userPrincipalName == "alice@contoso.com")
            #expect(try store.user(key: user.id) == user)
        }
    }

    @Test func addUserKeepsAGivenIDInLowerCase() throws {
        try withStore { store, _ in
            let user = try store.addUser(userPrincipalName: "alice@contoso.com", id: Fixture.aliceID.uppercased())
            #expect(user.id == Fixture.aliceID)
        }
    }

    @Test func displayNameDefaultsToTheNameBeforeTheAt() throws {
        try withStore { store, _ in
            let defaulted = try store.addUser(userPrincipalName: "alice.smith@contoso.com")
            let named = try store.addUser(userPrincipalName: "b@x.com", displayName: "Bob B")
            #expect(defaulted.displayName == "alice.smith")
            #expect(named.displayName == "Bob B")
        }
    }

    @Test func rolesAreStoredAndReadBack() throws {
        try withStore { store, path in
            let roles: [DirectoryRole] = [.authenticationAdministrator, .globalReader, .authenticationAdministrator]
            let added = try store.addAlice(roles: roles)
            let read = try #require(try store.user(key: Fixture.aliceID))
            #expect(read == added)
            #expect(Set(read.roles) == [.authenticationAdministrator, .globalReader])
            #expect(read.roleTemplateIDs.count == 2, "a repeated role is stored once")
            #expect(read.roleTemplateIDs == read.roleTemplateIDs.sorted())
            #expect(try store.user(key: read.userPrincipalName) == read, "by user principal name, the same roles")
            #expect(read.isAdministrator)
            #expect(try store.addBob().roles.isEmpty)
            #expect(try store.user(key: Fixture.bobID)?.isAdministrator == false)
            #expect(try store.user(key: Fixture.bobID)?.roleTemplateIDs == [], "no role: no row of NULL read as one")

            // A role this build does not name is kept as its template id.
            let unnamed = "11111111-2222-3333-4444-555555555555"
            try operatorConnection(path).execute(
                "INSERT INTO user_role VALUES ('\(Fixture.bobID)', '\(unnamed)')")
            let bob = try #require(try store.user(key: Fixture.bobID))
            #expect(bob.roleTemplateIDs == [unnamed])
            #expect(bob.roles.isEmpty)
        }
    }

    @Test func lookupByIDOrUserPrincipalNameWithoutRegardToCase() throws {
        try withStore { store, _ in
            let alice = try store.addUser(userPrincipalName: "Alice@Contoso.com", id: Fixture.aliceID)
            try store.addBob()
            #expect(try store.user(key: Fixture.aliceID) == alice)
            #expect(try store.user(key: Fixture.aliceID.uppercased()) == alice)
            #expect(try store.user(key: "alice@contoso.com") == alice)
            #expect(try store.user(key: "ALICE@CONTOSO.COM") == alice)
            #expect(try store.user(key: "Alice@Contoso.com")?.userPrincipalName == "Alice@Contoso.com")
            #expect(try store.user(key: "carol@contoso.com") == nil)
            #expect(try store.user(key: Fixture.unknownID) == nil)
        }
    }

    @Test func usersAreListedByUserPrincipalName() throws {
        try withStore { store, _ in
            try store.addUser(userPrincipalName: "carol@contoso.com")
            try store.addUser(userPrincipalName: "Alice@contoso.com")
            try store.addUser(userPrincipalName: "bob@contoso.com")
            #expect(
                try store.users().map(\.userPrincipalName) == [
                    "Alice@contoso.com", "bob@contoso.com", "carol@contoso.com",
                ])
        }
    }

    @Test func removeUserCascadesToRolesAndPhones() throws {
        try withStore { store, path in
            try store.addAlice(roles: [.globalReader])
            try store.addBob()
            _ = try store.createPhoneMethod(userID: Fixture.aliceID, type: .mobile, number: "+1 2065555555")
            _ = try store.createPhoneMethod(userID: Fixture.aliceID, type: .alternateMobile, number: "+1 4255555555")
            _ = try store.createPhoneMethod(userID: Fixture.aliceID, type: .office, number: "+1 4255555556")
            _ = try store.createPhoneMethod(userID: Fixture.bobID, type: .mobile, number: "+1 2065555555")

            try store.removeUser(key: "ALICE@contoso.com")

            #expect(try store.user(key: Fixture.aliceID) == nil)
            let db = try operatorConnection(path)
            #expect(try db.scalarInt("SELECT count(*) FROM phone_method WHERE user_id = '\(Fixture.aliceID)'") == 0)
            #expect(try db.scalarInt("SELECT count(*) FROM user_role WHERE user_id = '\(Fixture.aliceID)'") == 0)
            #expect(try store.phoneMethods(userID: Fixture.bobID).map(\.type) == [.mobile], "others keep theirs")
        }
    }

    @Test func removeUserByID() throws {
        try withStore { store, _ in
            try store.addAlice()
            try store.removeUser(key: Fixture.aliceID)
            #expect(try store.users().isEmpty)
        }
    }

    @Test func removingAnUnknownUserIsUserNotFound() throws {
        try withStore { store, path in
            try store.addAlice()
            let before = try snapshot(path)
            expectUserNotFound { try store.removeUser(key: Fixture.unknownID) }
            expectUserNotFound { try store.removeUser(key: "nobody@contoso.com") }
            #expect(try snapshot(path) == before)
        }
    }
}
