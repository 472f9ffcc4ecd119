import Foundation
import Testing

@testable import PhoneStore

/// Migration 7 rebuilds `user` and `phone_method` as WITHOUT ROWID tables: a table rebuild, which
/// the migrator runs with foreign keys off. It must keep every row, every trigger, index and view
/// as it was, and every rule; and a rebuild that would leave a dangling foreign key must not land.
struct WithoutRowidMigrationTests {
    static let admin = "f0000000-0000-4000-8000-00000000000f"
    static let users = PhoneMethodStateMigrationTests.users

    /// A database at version 6 holding rows of every table that references `user` or
    /// `phone_method`: roles, group members, phones, SMS registrations and policy targets.
    static func databaseAtVersionSix(_ path: String) throws -> Database {
        let db = try Database(path: path)
        try db.execute("PRAGMA foreign_keys = ON")
        #expect(try Migrator(migrations: Array(Migration.embedded.prefix(6))).migrate(db) == [1, 2, 3, 4, 5, 6])
        try db.execute(PhoneMethodStateMigrationTests.seed)
        try db.execute(
            RawSQL.insertUser(admin, "admin@contoso.com")
                + "INSERT INTO user_role (user_id, role_template_id) VALUES "
                + "('\(admin)', '62e90394-69f5-4237-9190-012177145e10'), "
                + "('\(admin)', 'b0f54661-2d74-4c50-afa3-1ec803f12efe');"
                + RawSQL.insertTarget("include", "user", users[0].0)
                + RawSQL.insertTarget("exclude", "user", users[3].0))
        return db
    }

    /// Indexes (not SQLite's own), triggers and views, with the SQL that made them.
    static func schemaObjects(_ db: Database) throws -> [String] {
        var objects: [String] = []
        try db.query(
            """
            SELECT type || '|' || name || '|' || tbl_name || '|' || sql FROM sqlite_master
            WHERE type IN ('index', 'trigger', 'view') AND sql IS NOT NULL ORDER BY type, name
            """
        ) { row in objects.append(row.text(0) ?? "") }
        return objects
    }

    /// A table's columns: name, type, NOT NULL, default.
    static func columns(_ db: Database, _ table: String) throws -> [String] {
        var columns: [String] = []
        try db.query(
            "SELECT name || '|' || type || '|' || \"notnull\" || '|' || ifnull(dflt_value, 'NULL') FROM pragma_table_info(?)",
            [.text(table)]
        ) { row in
            columns.append(row.text(0) ?? "")
        }
        return columns
    }

    static func rows(_ path: String) throws -> [String] {
        try snapshot(path).filter { !$0.hasPrefix("migration|") }
    }

    @Test func migrationSevenKeepsEveryRowTriggerIndexViewAndColumn() throws {
        try TemporaryDatabase.with { path in
            let db = try Self.databaseAtVersionSix(path)
            let rowsBefore = try Self.rows(path)
            let objectsBefore = try Self.schemaObjects(db)
            let columnsBefore = try ["user", "phone_method"].map { try Self.columns(db, $0) }
            // The view rows last: `viewRows` replaces the policy as it goes.
            let viewsBefore = try PhoneMethodStateMigrationTests.viewRows(db)
            let policyRowsBefore = try Self.rows(path)

            #expect(try Migrator(migrations: Array(Migration.embedded.prefix(7))).migrate(db) == [7])

            #expect(try Self.rows(path) == policyRowsBefore)
            #expect(try Self.schemaObjects(db) == objectsBefore)
            #expect(try ["user", "phone_method"].map { try Self.columns(db, $0) } == columnsBefore)
            #expect(try PhoneMethodStateMigrationTests.viewRows(db) == viewsBefore)
            // The seed reached every table that references the rebuilt ones.
            for prefix in [
                "user|", "role|", "phone|", "member|", "target|include|user|", "target|exclude|user|", "sms|",
            ] {
                #expect(rowsBefore.contains { $0.hasPrefix(prefix) }, "no \(prefix) row in the seed")
            }
            #expect(rowsBefore.filter { $0.hasPrefix("phone|") }.count == 7)

            // Stored by their primary key: no rowid, no index of SQLite's own beside the table.
            for table in ["user", "phone_method"] {
                let sql = try db.scalarText(
                    "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [.text(table)])
                #expect(sql?.hasPrefix("CREATE TABLE \(table) (") == true, "\(sql ?? "")")
                #expect(sql?.hasSuffix(") STRICT, WITHOUT ROWID") == true, "\(sql ?? "")")
                #expect(
                    try db.scalarInt(
                        "SELECT count(*) FROM sqlite_master WHERE tbl_name = ? AND name LIKE 'sqlite_autoindex_%'",
                        [.text(table)]) == 0)
            }
            try Self.expectCleanRebuild(db, oldTablesSuffix: "version_6")
        }
    }

    /// After a rebuild: no old table left (their names end in `oldTablesSuffix`), a sound file with
    /// no dangling row, and the connection's settings put back by the migrator.
    static func expectCleanRebuild(_ db: Database, oldTablesSuffix: String) throws {
        #expect(
            try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE name LIKE ?", [.text("%\(oldTablesSuffix)%")])
                == 0)
        #expect(try db.scalarText("PRAGMA integrity_check") == "ok")
        #expect(try db.scalarInt("SELECT count(*) FROM pragma_foreign_key_check") == 0)
        #expect(try db.scalarInt("PRAGMA foreign_keys") == 1)
        #expect(try db.scalarInt("PRAGMA legacy_alter_table") == 0)
    }

    @Test func theRulesHoldAfterTheRebuild() throws {
        try TemporaryDatabase.with { path in
            let db = try Self.databaseAtVersionSix(path)
            try Migrator().migrate(db)
            let (a, b) = (Self.users[0].0, Self.users[1].0)
            let cases: [(String, Rule)] = [
                (RawSQL.insertPhone(a, "mobile", "+1 9000"), .phoneMethodOnePerType),
                (RawSQL.insertPhone(Self.users[4].0, "alternateMobile", "+1 9001"), .alternateMobileRequiresMobile),
                (RawSQL.deletePhone(a, "mobile"), .mobileRequiredByAlternateMobile),
                ("UPDATE phone_method SET phone_type = 'office' WHERE user_id = '\(b)'", .phoneTypeImmutable),
                (RawSQL.insertPhone(b, "office", "2065550100"), .phoneNumberFormat),
                (RawSQL.insertPhone(b, "office", "+1 2065550100' || char(0) || '1"), .phoneNumberFormat),
                (RawSQL.insertUser(a, "other@contoso.com"), .userIDUnique),
                (RawSQL.insertUser("f1000000-0000-4000-8000-000000000001", "A@CONTOSO.COM"), .userPrincipalNameUnique),
            ]
            for (sql, rule) in cases { expectRawRule(rule, on: db, sql) }
            // Removing a user still removes their phones, registration, roles and policy targets.
            try db.execute("DELETE FROM user WHERE id IN ('\(a)', '\(b)', '\(Self.admin)')")
            for table in ["phone_method", "sms_sign_in", "user_role", "group_member"] {
                #expect(
                    try db.scalarInt("SELECT count(*) FROM \(table) WHERE user_id IN ('\(a)', '\(b)', '\(Self.admin)')")
                        == 0,
                    "\(table)")
            }
            #expect(try db.scalarInt("SELECT count(*) FROM sms_policy_target WHERE target_id = '\(a)'") == 0)
            // Renumbering a mobile still releases its registration.
            let d = Self.users[3].0
            try db.execute(
                "UPDATE phone_method SET phone_number = '+1 4001' WHERE user_id = '\(d)' AND phone_type = 'mobile'")
            #expect(try db.scalarInt("SELECT count(*) FROM sms_sign_in WHERE user_id = '\(d)'") == 0)
        }
    }

    /// A rebuild that would leave a row pointing at nothing is rolled back whole, and the
    /// connection's foreign keys are on again; so after a rebuild whose SQL fails.
    @Test(arguments: [
        "DELETE FROM user WHERE id = 'a0000000-0000-4000-8000-000000000001';",
        "DROP VIEW phone_method_state; CREATE TABLE broken (;",
    ])
    func aRebuildThatFailsLandsNothing(_ body: String) throws {
        try TemporaryDatabase.with { path in
            let db = try Self.databaseAtVersionSix(path)
            try Migrator().migrate(db)
            let before = try Self.rows(path)
            let objects = try Self.schemaObjects(db)
            let next = Migration.embedded.count + 1
            let failing = Migrator(
                migrations: Migration.embedded + [
                    Migration(version: next, name: "failing", sql: Migration.rebuildsTablesLine + body)
                ])
            do {
                try failing.migrate(db)
                Issue.record("the failing rebuild was applied")
            } catch StoreError.migrationBrokeForeignKey(let version, let row) {
                #expect(body.hasPrefix("DELETE"), "\(row)")
                #expect(version == next)
                #expect(row.hasPrefix("phone_method row ?"), "\(row)")
            } catch {
                #expect(!body.hasPrefix("DELETE"), "\(error)")
            }
            #expect(try Self.rows(path) == before)
            #expect(try Self.schemaObjects(db) == objects)
            #expect(try db.scalarInt("SELECT max(version) FROM schema_migration") == Int64(next - 1))
            #expect(try db.scalarInt("PRAGMA foreign_keys") == 1)
            #expect(try db.scalarInt("PRAGMA legacy_alter_table") == 0)
        }
    }
}
