import Foundation
import Testing

@testable import PhoneStore

/// Migration 8 rebuilds phone_method with phone_type_valid written without `IN (...)`, which
/// SQLite checked by building a temporary B-tree for every insert. Everything else stays.
struct PhoneTypeCheckMigrationTests {
    /// The seeded database of `WithoutRowidMigrationTests`, brought to version 7.
    private static func databaseAtVersionSeven(_ path: String) throws -> Database {
        let db = try WithoutRowidMigrationTests.databaseAtVersionSix(path)
        #expect(try Migrator(migrations: Array(Migration.embedded.prefix(7))).migrate(db) == [7])
        return db
    }

    /// How SQLite runs an insert of a phone: the opcodes of its program.
    private static func insertOpcodes(_ db: Database) throws -> [String] {
        var opcodes: [String] = []
        try db.query(
            """
            EXPLAIN INSERT INTO phone_method (user_id, phone_type, phone_number, created_at, updated_at)
            VALUES ('a', 'mobile', '+1 2065550100', 'x', 'x')
            """
        ) { row in opcodes.append(row.text(1) ?? "") }
        return opcodes
    }

    @Test func migrationEightKeepsEveryRowTriggerIndexViewAndColumn() throws {
        try TemporaryDatabase.with { path in
            let db = try Self.databaseAtVersionSeven(path)
            let rowsBefore = try WithoutRowidMigrationTests.rows(path)
            let objectsBefore = try WithoutRowidMigrationTests.schemaObjects(db)
            let columnsBefore = try WithoutRowidMigrationTests.columns(db, "phone_method")
            let viewsBefore = try PhoneMethodStateMigrationTests.viewRows(db)
            let rowsAfterViews = try WithoutRowidMigrationTests.rows(path)
            let tableBefore = try db.scalarText("SELECT sql FROM sqlite_master WHERE name = 'phone_method'") ?? ""
            #expect(try Self.insertOpcodes(db).contains("OpenEphemeral"))

            #expect(try Migrator(migrations: Array(Migration.embedded.prefix(8))).migrate(db) == [8])

            #expect(rowsBefore.filter { $0.hasPrefix("phone|") }.count == 7)
            #expect(try WithoutRowidMigrationTests.rows(path) == rowsAfterViews)
            #expect(try WithoutRowidMigrationTests.schemaObjects(db) == objectsBefore)
            #expect(try WithoutRowidMigrationTests.columns(db, "phone_method") == columnsBefore)
            #expect(try PhoneMethodStateMigrationTests.viewRows(db) == viewsBefore)
            // The table's text differs in that constraint only.
            let tableAfter = try db.scalarText("SELECT sql FROM sqlite_master WHERE name = 'phone_method'") ?? ""
            #expect(
                tableAfter
                    == tableBefore.replacingOccurrences(
                        of: "phone_type IN ('mobile', 'alternateMobile', 'office')",
                        with: "phone_type = 'mobile' OR phone_type = 'alternateMobile' OR phone_type = 'office'"))
            #expect(tableAfter != tableBefore)
            // What the change is for: no temporary B-tree in an insert's program.
            #expect(try !Self.insertOpcodes(db).contains("OpenEphemeral"))
            try WithoutRowidMigrationTests.expectCleanRebuild(db, oldTablesSuffix: "version_7")
        }
    }

    @Test func everyTypeRuleHoldsAfterTheRebuild() throws {
        try TemporaryDatabase.with { path in
            let db = try Self.databaseAtVersionSeven(path)
            try Migrator().migrate(db)
            let (a, b) = (WithoutRowidMigrationTests.users[0].0, WithoutRowidMigrationTests.users[1].0)
            let fresh = WithoutRowidMigrationTests.users[4].0
            let cases: [(String, Rule)] = [
                (RawSQL.insertPhone(fresh, "pager", "+1 9000"), .phoneTypeValid),
                (RawSQL.insertPhone(fresh, "Mobile", "+1 9000"), .phoneTypeValid),
                (RawSQL.insertPhone(fresh, "", "+1 9000"), .phoneTypeValid),
                (RawSQL.insertPhone(a, "mobile", "+1 9000"), .phoneMethodOnePerType),
                (RawSQL.insertPhone(fresh, "alternateMobile", "+1 9001"), .alternateMobileRequiresMobile),
                (RawSQL.deletePhone(a, "mobile"), .mobileRequiredByAlternateMobile),
                ("UPDATE phone_method SET phone_type = 'office' WHERE user_id = '\(b)'", .phoneTypeImmutable),
                (RawSQL.insertPhone(b, "office", "2065550100"), .phoneNumberFormat),
            ]
            for (sql, rule) in cases { expectRawRule(rule, on: db, sql) }
            // Each of the three types is accepted.
            let newcomer = "f2000000-0000-4000-8000-000000000002"
            try db.execute(
                RawSQL.insertUser(newcomer, "newcomer@contoso.com") + RawSQL.insertPhone(newcomer, "mobile", "+1 9002")
                    + RawSQL.insertPhone(newcomer, "alternateMobile", "+1 9003")
                    + RawSQL.insertPhone(newcomer, "office", "+1 9004"))
            #expect(try db.scalarInt("SELECT count(*) FROM phone_method WHERE user_id = '\(newcomer)'") == 3)
            // Deleting a user still takes their phones and registration with them.
            try db.execute("DELETE FROM user WHERE id = '\(a)'")
            for table in ["phone_method", "sms_sign_in"] {
                #expect(try db.scalarInt("SELECT count(*) FROM \(table) WHERE user_id = '\(a)'") == 0, "\(table)")
            }
        }
    }
}
