import Testing

@testable import PhoneStore

struct DurabilityTests {
    @Test(arguments: Durability.allCases)
    func writesAreReadBackByANewStore(durability: Durability) throws {
        try TemporaryDatabase.with { path in
            let tenant: Tenant
            let method: PhoneMethod
            do {
                let store = try PhoneStore(path: path, durability: durability)
                tenant = store.tenant
                try store.addAlice(roles: [.globalReader])
                method = try store.createPhoneMethod(userID: Fixture.aliceID, type: .mobile, number: "+1 2065555555")
            }
            let reopened = try PhoneStore(path: path, durability: durability)
            #expect(reopened.tenant == tenant)
            #expect(try reopened.user(key: Fixture.aliceID)?.roles == [.globalReader])
            #expect(try reopened.phoneMethods(userID: Fixture.aliceID) == [method])
        }
    }

    /// A commit is on disk when `write` returns: a plain connection opened afterwards sees it while
    /// the store is still open (nothing is held back in the store's memory).
    @Test(arguments: Durability.allCases)
    func committedWriteIsVisibleToAnotherConnection(durability: Durability) throws {
        try withStore(durability: durability) { store, path in
            _ = try store.addAlice()
            let db = try Database(path: path, readOnly: true)
            #expect(try db.scalarText("SELECT user_principal_name FROM user") == "alice@contoso.com")
        }
    }

    @Test func durabilityCanChangeBetweenOpenings() throws {
        try TemporaryDatabase.with { path in
            do { try PhoneStore(path: path, durability: .normal).addAlice() }
            let store = try PhoneStore(path: path, durability: .full)
            #expect(try store.user(key: Fixture.aliceID) != nil)
            let synchronous = try store.read { try $0.scalarInt("PRAGMA synchronous") }
            #expect(synchronous == 2)
        }
    }

    @Test func durabilityNamesAreStable() {
        #expect(Durability.allCases.map(\.rawValue) == ["full", "normal"])
        #expect(Durability(rawValue: "normal") == .normal)
    }
}
