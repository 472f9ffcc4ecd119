import Foundation
import Testing

@testable import PhoneStore

struct PhoneStorePhoneMethodsTests {
    let alice = Fixture.aliceID

    @Test func createReturnsTheStoredMethod() throws {
        try withStore { store, _ in
            try store.addAlice()
            let start = Date().addingTimeInterval(-1)
            let method = try store.createPhoneMethod(userID: alice, type: .mobile, number: "+1 2065555555")
            #expect(method.id == PhoneType.mobile.methodID)
            #expect(method.id == "3179e48a-750b-4051-897c-87b9720928f7")
            #expect(method.userID == alice)
            #expect(method.type == .mobile)
            #expect(method.number == "+1 2065555555")
            #expect(
                method.createdAt.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"#, options: .regularExpression)
                    != nil,
                "\(method.createdAt)")
            let created = try #require(ISO8601DateFormatter().date(from: method.createdAt))
            #expect(created >= start.addingTimeInterval(-1) && created <= Date().addingTimeInterval(1))
            #expect(try store.phoneMethod(userID: alice, type: .mobile) == method)
        }
    }

    @Test func eachTypeHasItsFixedID() throws {
        try withStore { store, _ in
            try store.addAlice()
            try store.addBob()
            for type in PhoneType.allCases {
                let forAlice = try store.createPhoneMethod(userID: alice, type: type, number: "+1 2065555555")
                let forBob = try store.createPhoneMethod(userID: Fixture.bobID, type: type, number: "+1 2065555555")
                #expect(forAlice.id == type.methodID)
                #expect(forBob.id == forAlice.id, "the id is per type, the same for every user")
            }
        }
    }

    @Test func listIsOrderedMobileAlternateMobileOffice() throws {
        try withStore { store, _ in
            try store.addAlice()
            _ = try store.createPhoneMethod(userID: alice, type: .office, number: "+1 3")
            _ = try store.createPhoneMethod(userID: alice, type: .mobile, number: "+1 1")
            _ = try store.createPhoneMethod(userID: alice, type: .alternateMobile, number: "+1 2")
            let methods = try store.phoneMethods(userID: alice)
            #expect(methods.map(\.type) == [.mobile, .alternateMobile, .office])
            #expect(methods.map(\.number) == ["+1 1", "+1 2", "+1 3"])
        }
    }

    /// The user, by object id or user principal name, with none, all, or one of their phones.
    @Test func userWithTheSelectedPhones() throws {
        try withStore { store, _ in
            try store.addAlice()
            try store.addBob()
            let mobile = try store.createPhoneMethod(userID: alice, type: .mobile, number: "+1 1")
            let office = try store.createPhoneMethod(userID: alice, type: .office, number: "+1 3")
            // Bob's phones are not Alice's, whatever the type.
            _ = try store.createPhoneMethod(userID: Fixture.bobID, type: .mobile, number: "+1 4")
            _ = try store.createPhoneMethod(userID: Fixture.bobID, type: .alternateMobile, number: "+1 2")
            for key in [alice, "ALICE@contoso.com"] {
                #expect(try store.user(key: key, phones: .none).map { [$0.0.id] + $0.1.map(\.id) } == [alice])
                #expect(try store.user(key: key, phones: .all)?.1 == [mobile, office])
                #expect(try store.user(key: key, phones: .only(.office))?.1 == [office])
                #expect(try store.user(key: key, phones: .only(.mobile))?.1 == [mobile])
                #expect(try store.user(key: key, phones: .only(.alternateMobile))?.1 == [])
            }
            #expect(try store.user(key: Fixture.unknownID, phones: .only(.mobile)) == nil)
        }
    }

    @Test func listOfAUserWithoutPhonesIsEmpty() throws {
        try withStore { store, _ in
            try store.addAlice()
            #expect(try store.phoneMethods(userID: alice).isEmpty)
            #expect(try store.phoneMethod(userID: alice, type: .mobile) == nil)
        }
    }

    @Test func updateChangesTheNumberAndKeepsCreatedAt() throws {
        try withStore { store, path in
            try store.addAlice()
            _ = try store.createPhoneMethod(userID: alice, type: .mobile, number: "+1 2065555555")
            // Back-date the row so a changed created_at would show without waiting a second.
            let db = try operatorConnection(path)
            try db.execute(
                "UPDATE phone_method SET created_at = '2020-01-01T00:00:00Z', updated_at = '2020-01-01T00:00:00Z'")

            let updated = try store.updatePhoneMethod(userID: alice, type: .mobile, number: "+44 7777777777x12")
            #expect(updated.number == "+44 7777777777x12")
            #expect(updated.createdAt == "2020-01-01T00:00:00Z")
            #expect(updated.id == PhoneType.mobile.methodID)
            #expect(try store.phoneMethod(userID: alice, type: .mobile) == updated)
            #expect(try db.scalarText("SELECT updated_at FROM phone_method") != "2020-01-01T00:00:00Z")
        }
    }

    @Test func updatingToTheSameNumberIsAllowed() throws {
        try withStore { store, _ in
            try store.addAlice()
            let created = try store.createPhoneMethod(userID: alice, type: .office, number: "+1 2065555555")
            let updated = try store.updatePhoneMethod(userID: alice, type: .office, number: "+1 2065555555")
            #expect(updated.number == created.number)
        }
    }

    @Test func updateOrDeleteOfAMissingTypeIsPhoneMethodNotFound() throws {
        try withStore { store, path in
            try store.addAlice()
            _ = try store.createPhoneMethod(userID: alice, type: .mobile, number: "+1 2065555555")
            let before = try snapshot(path)
            expectPhoneMethodNotFound(.office) {
                try store.updatePhoneMethod(userID: alice, type: .office, number: "+1 2")
            }
            expectPhoneMethodNotFound(.alternateMobile) {
                try store.deletePhoneMethod(userID: alice, type: .alternateMobile)
            }
            #expect(try snapshot(path) == before)
        }
    }

    @Test func operationsOnAnUnknownUserAreUserNotFound() throws {
        try withStore { store, path in
            try store.addAlice()
            let before = try snapshot(path)
            let nobody = Fixture.unknownID
            expectUserNotFound { _ = try store.createPhoneMethod(userID: nobody, type: .mobile, number: "+1 2") }
            // A create that also breaks a rule: the unknown user is what is reported, as before the
            // user was looked up only once an insert fails.
            expectUserNotFound {
                _ = try store.createPhoneMethod(userID: nobody, type: .alternateMobile, number: "+1 2")
            }
            expectUserNotFound { _ = try store.createPhoneMethod(userID: nobody, type: .office, number: "2065550100") }
            expectUserNotFound { try store.updatePhoneMethod(userID: nobody, type: .mobile, number: "+1 2") }
            expectUserNotFound { try store.deletePhoneMethod(userID: nobody, type: .mobile) }
            expectUserNotFound { _ = try store.phoneMethods(userID: nobody) }
            expectUserNotFound { _ = try store.phoneMethod(userID: nobody, type: .mobile) }
            #expect(try snapshot(path) == before)
        }
    }

    @Test func deleteRemovesOnlyThatType() throws {
        try withStore { store, _ in
            try store.addAlice()
            _ = try store.createPhoneMethod(userID: alice, type: .mobile, number: "+1 1")
            _ = try store.createPhoneMethod(userID: alice, type: .office, number: "+1 3")
            try store.deletePhoneMethod(userID: alice, type: .office)
            #expect(try store.phoneMethods(userID: alice).map(\.type) == [.mobile])
            expectPhoneMethodNotFound(.office) { try store.deletePhoneMethod(userID: alice, type: .office) }
        }
    }

    @Test func alternateMobileAfterMobileIsAllowed() throws {
        try withStore { store, _ in
            try store.addAlice()
            _ = try store.createPhoneMethod(userID: alice, type: .mobile, number: "+1 1")
            let alternate = try store.createPhoneMethod(userID: alice, type: .alternateMobile, number: "+1 2")
            #expect(alternate.id == PhoneType.alternateMobile.methodID)
        }
    }

    @Test func alternateMobileWithoutMobileIsRefused() throws {
        try withStore { store, path in
            try store.addAlice()
            _ = try store.createPhoneMethod(userID: alice, type: .office, number: "+1 3")
            let before = try snapshot(path)
            expectRule(.alternateMobileRequiresMobile) {
                _ = try store.createPhoneMethod(userID: alice, type: .alternateMobile, number: "+1 2")
            }
            #expect(try snapshot(path) == before)
        }
    }

    @Test func mobileCannotGoWhileAlternateMobileExists() throws {
        try withStore { store, _ in
            try store.addAlice()
            _ = try store.createPhoneMethod(userID: alice, type: .mobile, number: "+1 1")
            _ = try store.createPhoneMethod(userID: alice, type: .alternateMobile, number: "+1 2")
            expectRule(.mobileRequiredByAlternateMobile) { try store.deletePhoneMethod(userID: alice, type: .mobile) }
            #expect(try store.phoneMethods(userID: alice).map(\.type) == [.mobile, .alternateMobile])
        }
    }

    @Test func deletingMobileAfterAlternateMobileIsAllowed() throws {
        try withStore { store, _ in
            try store.addAlice()
            _ = try store.createPhoneMethod(userID: alice, type: .mobile, number: "+1 1")
            _ = try store.createPhoneMethod(userID: alice, type: .alternateMobile, number: "+1 2")
            try store.deletePhoneMethod(userID: alice, type: .alternateMobile)
            try store.deletePhoneMethod(userID: alice, type: .mobile)
            #expect(try store.phoneMethods(userID: alice).isEmpty)
        }
    }

    @Test func officeWithoutMobileIsAllowed() throws {
        try withStore { store, _ in
            try store.addAlice()
            let office = try store.createPhoneMethod(userID: alice, type: .office, number: "+1 2065555555x123")
            #expect(try store.phoneMethods(userID: alice) == [office])
        }
    }

    @Test func secondPhoneOfATypeIsRefused() throws {
        try withStore { store, _ in
            try store.addAlice()
            let first = try store.createPhoneMethod(userID: alice, type: .office, number: "+1 1")
            expectRule(.phoneMethodOnePerType) {
                _ = try store.createPhoneMethod(userID: alice, type: .office, number: "+1 2")
            }
            #expect(try store.phoneMethods(userID: alice) == [first])
        }
    }

    @Test func sameNumberOnSeveralTypesAndUsersIsAllowed() throws {
        try withStore { store, _ in
            try store.addAlice()
            try store.addBob()
            let number = "+1 2065555555"
            for user in [alice, Fixture.bobID] {
                for type in PhoneType.allCases {
                    _ = try store.createPhoneMethod(userID: user, type: type, number: number)
                }
            }
            #expect(try store.phoneMethods(userID: alice).map(\.number) == [number, number, number])
            #expect(try store.phoneMethods(userID: Fixture.bobID).count == 3)
        }
    }

    @Test func malformedNumberIsRefusedOnCreateAndUpdate() throws {
        try withStore { store, path in
            try store.addAlice()
            _ = try store.createPhoneMethod(userID: alice, type: .mobile, number: "+1 2065555555")
            let before = try snapshot(path)
            expectRule(.phoneNumberFormat) {
                _ = try store.createPhoneMethod(userID: alice, type: .office, number: "206 555 5555")
            }
            expectRule(.phoneNumberFormat) {
                try store.updatePhoneMethod(userID: alice, type: .mobile, number: "+1 2065555555 ")
            }
            #expect(try snapshot(path) == before)
            #expect(try store.phoneMethod(userID: alice, type: .mobile)?.number == "+1 2065555555")
        }
    }

    @Test func rejectedWriteRollsBackEverythingItDid() throws {
        try withStore { store, path in
            let before = try snapshot(path)
            let watcher = try operatorConnection(path)
            let version = try watcher.scalarInt("PRAGMA data_version")
            expectRule(.phoneNumberFormat) {
                try store.write { db in
                    try db.run(
                        "INSERT INTO user (id, user_principal_name, created_at) VALUES (?, 'alice@contoso.com', 'now')",
                        [.text(Fixture.aliceID)])
                    try db.run(
                        "INSERT INTO phone_method VALUES (?, 'mobile', '+12065555555', 'now', 'now')",
                        [.text(Fixture.aliceID)])
                }
            }
            #expect(try snapshot(path) == before)
            #expect(try watcher.scalarInt("PRAGMA data_version") == version, "nothing was committed")
            #expect(try store.user(key: Fixture.aliceID) == nil)
        }
    }

    @Test func smsSignInStateIsDerivedPerType() throws {
        try withStore { store, _ in
            try store.addAlice()
            for type in PhoneType.allCases {
                _ = try store.createPhoneMethod(userID: alice, type: type, number: "+1 2065555555")
            }
            let states = try store.phoneMethods(userID: alice).map(\.smsSignInState)
            #expect(states == [.notAllowedByPolicy, .notSupported, .notSupported])
        }
    }
}
