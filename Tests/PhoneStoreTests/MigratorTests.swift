import Foundation
import Testing

@testable import PhoneStore

struct MigratorTests {
    func migrations(_ db: Database) throws -> [String] {
        var rows: [String] = []
        try db.query("SELECT version, name FROM schema_migration ORDER BY version") { row in
            rows.append("\(row.int(0)) \(row.text(1) ?? "")")
        }
        return rows
    }

    @Test func freshDatabaseGetsEveryMigrationOnce() throws {
        try TemporaryDatabase.with { path in
            let db = try Database(path: path)
            let migrator = Migrator()
            let applied = try migrator.migrate(db)
            #expect(applied == Migration.embedded.map(\.version))
            #expect(applied.last == migrator.latestVersion)
            let expected = Migration.embedded.map { "\($0.version) \($0.name)" }
            #expect(try migrations(db) == expected)
            #expect(try db.scalarInt("PRAGMA user_version") == Int64(migrator.latestVersion))
            #expect(try db.scalarInt("PRAGMA application_id") == Migrator.applicationID)
            #expect(try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'phone_method'") == 1)
        }
    }

    @Test func migratingAgainAppliesNothing() throws {
        try TemporaryDatabase.with { path in
            do {
                let store = try PhoneStore(path: path)
                #expect(store.schemaVersion == Migrator().latestVersion)
            }
            let before = try snapshot(path)
            let db = try Database(path: path)
            #expect(try Migrator().migrate(db) == [])
            #expect(try migrations(db).count == Migration.embedded.count)
            _ = try PhoneStore(path: path)
            #expect(try snapshot(path) == before)
        }
    }

    @Test func embeddedMigrationsAreTheFilesInOrder() throws {
        let folder = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Migrations")
        // schema.sql is `make schema`'s generated whole schema, which the build plugin leaves out too.
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".sql") && $0 != "schema.sql" }.sorted()
        #expect(!files.isEmpty)
        #expect(Migration.embedded.map(\.version) == Array(1...files.count))
        for (file, migration) in zip(files, Migration.embedded) {
            #expect(file == String(format: "%04d_%@.sql", migration.version, migration.name))
            let sql = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            #expect(migration.sql == sql, "\(file) is embedded verbatim")
            // The runner owns the transaction.
            #expect(!sql.uppercased().contains("BEGIN TRANSACTION") && !sql.uppercased().contains("COMMIT"))
        }
    }

    @Test func newerSchemaIsRefused() throws {
        try TemporaryDatabase.with { path in
            let latest = Migrator().latestVersion
            do {
                _ = try PhoneStore(path: path)
                let db = try operatorConnection(path)
                try db.execute("INSERT INTO schema_migration VALUES (\(latest + 1), 'future', '2030-01-01T00:00:00Z')")
            }
            let before = try snapshot(path)
            do {
                _ = try PhoneStore(path: path)
                Issue.record("a database from a newer phone-service was opened")
            } catch StoreError.schemaTooNew(let found, let supported) {
                #expect(found == latest + 1)
                #expect(supported == latest)
                let description = StoreError.schemaTooNew(found: found, supported: supported).description
                #expect(description.contains("schema version \(latest + 1)"))
                #expect(description.contains("upgrade phone-service"))
            }
            #expect(try snapshot(path) == before)
            let direct = expectThrows(StoreError.self) { try Migrator().migrate(Database(path: path)) }
            #expect(direct?.description == StoreError.schemaTooNew(found: latest + 1, supported: latest).description)
        }
    }

    @Test func foreignDatabaseIsRefusedAndLeftAlone() throws {
        try TemporaryDatabase.with { path in
            do {
                let db = try Database(path: path)
                try db.execute(
                    "PRAGMA application_id = 1234; CREATE TABLE note (body TEXT); INSERT INTO note VALUES ('x')")
            }
            do {
                _ = try PhoneStore(path: path)
                Issue.record("another application's database was opened")
            } catch StoreError.notPhoneServiceDatabase {
            }
            let db = try Database(path: path, readOnly: true)
            #expect(try db.scalarInt("PRAGMA application_id") == 1234)
            #expect(try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'schema_migration'") == 0)
            #expect(try db.scalarText("PRAGMA journal_mode") == "delete", "refusing a file does not convert it to WAL")
            #expect(try db.scalarText("SELECT body FROM note") == "x")
        }
    }

    @Test func fileThatIsNotSQLiteIsRefused() throws {
        try TemporaryDatabase.with { path in
            let text = Data("not a database, just some notes that happen to be long enough to have a header\n".utf8)
            try text.write(to: URL(fileURLWithPath: path))
            do {
                _ = try PhoneStore(path: path)
                Issue.record("a text file was opened as a database")
            } catch StoreError.database(let error) {
                #expect(error.primaryCode == 26, "SQLITE_NOTADB: \(error)")
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == text)
        }
    }

    @Test func failedMigrationLeavesEarlierOnesApplied() throws {
        try TemporaryDatabase.with { path in
            let first = Migration(version: 1, name: "first", sql: "CREATE TABLE one (x INTEGER) STRICT;")
            let broken = Migration(
                version: 2, name: "broken",
                sql: "CREATE TABLE two (y INTEGER) STRICT; INSERT INTO no_such_table VALUES (1);")
            let db = try Database(path: path)
            let error = expectThrows(SQLiteError.self) { try Migrator(migrations: [first, broken]).migrate(db) }
            #expect(error?.message.contains("no_such_table") == true)
            #expect(try migrations(db) == ["1 first"])
            #expect(try db.scalarInt("PRAGMA user_version") == 1)
            #expect(try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'one'") == 1)
            #expect(try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'two'") == 0)

            let fixed = Migration(version: 2, name: "fixed", sql: "CREATE TABLE two (y INTEGER) STRICT;")
            #expect(try Migrator(migrations: [first, fixed]).migrate(db) == [2])
            #expect(try migrations(db) == ["1 first", "2 fixed"])
            #expect(try db.scalarInt("PRAGMA user_version") == 2)
        }
    }

    @Test func storeReportsAFailedMigration() throws {
        try TemporaryDatabase.with { path in
            let broken = Migration(version: 1, name: "broken", sql: "CREATE TABLE (")
            do {
                _ = try PhoneStore(path: path, migrator: Migrator(migrations: [broken]))
                Issue.record("a broken migration was applied")
            } catch StoreError.database(let error) {
                #expect(error.message.contains("syntax error"), "\(error)")
            }
        }
    }
}
