import CSQLite
import Testing

@testable import PhoneStore

/// SQLite failures that are not rules stay `.database`, with SQLite's extended code and message.
struct StoreErrorTests {
    func storeError(_ path: String, _ sql: String) throws -> StoreError? {
        let db = try operatorConnection(path)
        do throws(SQLiteError) {
            try db.execute(sql)
            return nil
        } catch {
            return StoreError(error)
        }
    }

    @Test func notNullFailureIsNotARule() throws {
        try withStore { _, path in
            let error = try storeError(
                path,
                "INSERT INTO user (id, user_principal_name, created_at) VALUES ('\(Fixture.aliceID)', NULL, 'now')")
            guard case .database(let sqlite) = error else {
                Issue.record("expected .database, got \(String(describing: error))")
                return
            }
            #expect(sqlite.extendedCode == CSQLite_CONSTRAINT_NOTNULL)
            #expect(sqlite.message.contains("user.user_principal_name"))
        }
    }

    @Test func foreignKeyFailureIsNotARule() throws {
        try withStore { _, path in
            let error = try storeError(path, RawSQL.insertPhone(Fixture.unknownID, "mobile", "+1 2065555555"))
            guard case .database(let sqlite) = error else {
                Issue.record("expected .database, got \(String(describing: error))")
                return
            }
            #expect(sqlite.extendedCode == CSQLite_CONSTRAINT_FOREIGNKEY)
        }
    }

    @Test func strictTypeFailureIsNotARule() throws {
        try withStore { _, path in
            let error = try storeError(
                path, "INSERT INTO user VALUES ('\(Fixture.aliceID)', 'a@x.com', X'0102', 'now')")
            guard case .database(let sqlite) = error else {
                Issue.record("expected .database, got \(String(describing: error))")
                return
            }
            #expect(sqlite.extendedCode == CSQLite_CONSTRAINT_DATATYPE)
        }
    }

    @Test func descriptionsNameWhatWentWrong() {
        #expect(StoreError.rule(.phoneNumberFormat).description.contains("phone_number_format"))
        #expect(StoreError.userNotFound("alice@contoso.com").description.contains("alice@contoso.com"))
        #expect(StoreError.phoneMethodNotFound(.alternateMobile).description.contains("alternateMobile"))
        let tooNew = StoreError.schemaTooNew(found: 7, supported: 1).description
        #expect(tooNew.contains("7") && tooNew.contains("1") && tooNew.contains("upgrade"))
        #expect(StoreError.notPhoneServiceDatabase.description.contains("another application"))
    }
}
