import CSQLite
import Foundation
import Testing

@testable import PhoneStore

struct PhoneStoreTests {
    @Test func tenantIsCreatedOnceWithAKeyAndAGUID() throws {
        try TemporaryDatabase.with { path in
            let tenant = try PhoneStore(path: path).tenant
            #expect(tenant.signingKey.count == 32)
            #expect(Set(tenant.signingKey).count > 1, "the key is random, not a constant fill")
            #expect(
                tenant.id.range(of: PhoneStoreUsersTests.guidPattern, options: .regularExpression) != nil,
                "\(tenant.id)")

            #expect(try PhoneStore(path: path).tenant == tenant, "reopening the file returns the same tenant")
            let db = try Database(path: path, readOnly: true)
            #expect(try db.scalarInt("SELECT count(*) FROM tenant") == 1)
            #expect(try db.scalarText("SELECT id FROM tenant") == tenant.id)
            var stored: [UInt8] = []
            try db.query("SELECT signing_key FROM tenant") { row in stored = row.blob(0) }
            #expect(stored == tenant.signingKey)
        }
    }

    @Test func tenantsOfDifferentFilesDiffer() throws {
        let first = try withStore { store, _ in store.tenant }
        let second = try withStore { store, _ in store.tenant }
        #expect(first.id != second.id)
        #expect(first.signingKey != second.signingKey)
    }

    @Test func secondTenantRowIsRefusedBySchema() throws {
        try withStore { _, path in
            let db = try operatorConnection(path)
            let second = expectThrows(SQLiteError.self) {
                try db.execute(
                    "INSERT INTO tenant (singleton, id, signing_key, created_at) "
                        + "VALUES (2, '\(Fixture.aliceID)', randomblob(32), '2026-01-01T00:00:00Z')")
            }
            let shortKey = expectThrows(SQLiteError.self) {
                try db.execute("UPDATE tenant SET signing_key = randomblob(16)")
            }
            let badAdminKey = expectThrows(SQLiteError.self) {
                try db.execute("UPDATE tenant SET admin_key = 'secret'")
            }
            #expect(second?.message.contains("tenant_single_row") == true)
            #expect(shortKey?.message.contains("tenant_signing_key_length") == true)
            #expect(badAdminKey?.message.contains("tenant_admin_key_format") == true)
        }
    }

    /// A tenant made before migration 4 gets an admin key from the migration itself.
    @Test func migrationFourGivesAnExistingTenantAnAdminKey() throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "admin-key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appending(path: "state.db").path
        let tenantID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
        do {
            let db = try Database(path: path)
            #expect(try Migrator(migrations: Array(Migration.embedded.prefix(3))).migrate(db) == [1, 2, 3])
            try db.execute(
                "INSERT INTO tenant (singleton, id, signing_key, created_at) "
                    + "VALUES (1, '\(tenantID)', randomblob(32), '2026-01-01T00:00:00Z')")
        }
        let after = try PhoneStore(path: path)
        #expect(after.tenant.id == tenantID)
        #expect(after.tenant.adminKey.hasPrefix("psa_") && after.tenant.adminKey.utf8.count == 68)
    }

    /// The store's connections are configured as documented, writer and readers alike, but for
    /// the writer's `synchronous` with `full`: NORMAL, since its syncer thread flushes the WAL after
    /// every commit (`LogSyncer`).
    @Test(arguments: Durability.allCases)
    func connectionsAreConfigured(durability: Durability) throws {
        try withStore(durability: durability) { store, _ in
            for (name, value) in try [store.pragmas(onWriter: true), store.pragmas(onWriter: false)] {
                let synchronous: Int64 = durability == .full && name == "reader" ? 2 : 1
                #expect(value.journalMode == "wal", "\(name)")
                #expect(value.synchronous == synchronous, "\(name)")
                #expect(value.foreignKeys == 1, "\(name)")
                #expect(value.busyTimeout == 5000, "\(name)")
            }
            let queryOnly = try store.read { try $0.scalarInt("PRAGMA query_only") }
            #expect(queryOnly == 1)
            #expect(store.durability == durability)
        }
    }

    @Test func readConnectionsCannotWrite() throws {
        try withStore { store, _ in
            do {
                try store.read { db in try db.run(RawSQL.insertUser(Fixture.aliceID, "alice@contoso.com")) }
                Issue.record("a read connection wrote")
            } catch StoreError.database(let error) {
                #expect(error.primaryCode == SQLITE_READONLY, "\(error)")
            }
            #expect(try store.users().isEmpty)
        }
    }

    @Test func writeReturnsTheBodysValueAfterCommit() throws {
        try withStore { store, path in
            let count = try store.write { db in
                try db.run(RawSQL.insertUser(Fixture.aliceID, "alice@contoso.com"))
                return db.changes
            }
            #expect(count == 1)
            #expect(try Database(path: path, readOnly: true).scalarInt("SELECT count(*) FROM user") == 1)
        }
    }

    @Test func pathAndSchemaVersionAreReported() throws {
        try withStore { store, path in
            #expect(store.path == path)
            #expect(store.schemaVersion == Migrator().latestVersion)
            #expect(store.schemaVersion >= 1)
        }
    }
}

struct ConnectionPragmas: Sendable {
    var journalMode: String?
    var synchronous: Int64?
    var foreignKeys: Int64?
    var busyTimeout: Int64?
}

extension PhoneStore {
    /// The pragmas of the writer or of a read connection, labelled for messages.
    func pragmas(onWriter: Bool) throws -> (String, ConnectionPragmas) {
        let body = { @Sendable (db: Database) throws -> ConnectionPragmas in
            ConnectionPragmas(
                journalMode: try db.scalarText("PRAGMA journal_mode"),
                synchronous: try db.scalarInt("PRAGMA synchronous"),
                foreignKeys: try db.scalarInt("PRAGMA foreign_keys"),
                busyTimeout: try db.scalarInt("PRAGMA busy_timeout"))
        }
        return onWriter ? ("writer", try write(body)) : ("reader", try read(body))
    }
}
