import Foundation

/// Applies the embedded migrations in order, each in its own `BEGIN IMMEDIATE` transaction that
/// also records it in `schema_migration` and `PRAGMA user_version`, so a crash leaves the schema
/// at a whole version. Refuses a database written by a newer phone-service, and one that belongs
/// to another application.
///
/// A migration that rebuilds a table (SQLite's way to change what `ALTER TABLE` cannot: rename the
/// old table, create the new one, copy, drop the old) says so on its first line,
/// `-- migrator: rebuilds tables`. It runs with foreign keys off, so that dropping the old table
/// neither cascades to the rows that reference it nor fails, and with `legacy_alter_table` on, so
/// that a rename leaves the other tables' foreign keys and triggers naming the table as they were;
/// before it commits, `PRAGMA foreign_key_check` must find nothing (else it rolls back). Both
/// settings are put back afterwards, whatever happened.
public struct Migrator: Sendable {
    /// `PRAGMA application_id` of a phone-service database: "PHON".
    public static let applicationID: Int64 = 0x5048_4F4E

    public let migrations: [Migration]

    public init(migrations: [Migration] = Migration.embedded) {
        self.migrations = migrations
    }

    /// The newest schema version this build knows.
    public var latestVersion: Int { migrations.last?.version ?? 0 }

    /// Brings `db` up to `latestVersion`; returns the versions it applied.
    @discardableResult
    func migrate(_ db: Database) throws -> [Int] {
        try Self.requirePhoneServiceDatabase(db)
        try db.execute(
            """
            CREATE TABLE IF NOT EXISTS schema_migration (
                version INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at TEXT NOT NULL
            ) STRICT
            """)
        var applied: [Int] = []
        for migration in migrations {
            // Applied already (checked again below, under the write lock): no transaction, and no
            // switching of a rebuild's settings, at every start-up.
            guard try Self.currentVersion(db) < migration.version else { continue }
            let rebuild = migration.rebuildsTables
            let foreignKeys = rebuild ? try db.scalarInt("PRAGMA foreign_keys") ?? 0 : 0
            if rebuild {
                // Outside the transaction: SQLite ignores `foreign_keys` inside one.
                try db.execute("PRAGMA foreign_keys = OFF; PRAGMA legacy_alter_table = ON")
            }
            defer {
                if rebuild { try? db.execute("PRAGMA legacy_alter_table = OFF; PRAGMA foreign_keys = \(foreignKeys)") }
            }
            let done: Bool = try db.immediateTransaction {
                // Read inside the write lock: another process may have migrated meanwhile.
                let current = try Self.currentVersion(db)
                if current > latestVersion {
                    throw StoreError.schemaTooNew(found: current, supported: latestVersion)
                }
                guard current < migration.version else { return true }
                try db.execute(migration.sql)
                if rebuild, let broken = try Self.firstForeignKeyViolation(db) {
                    throw StoreError.migrationBrokeForeignKey(version: migration.version, broken)
                }
                try db.run(
                    "INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)",
                    [.integer(Int64(migration.version)), .text(migration.name), .text(Timestamp.now())])
                try db.execute("PRAGMA user_version = \(migration.version)")
                try db.execute("PRAGMA application_id = \(Self.applicationID)")
                return false
            }
            if !done { applied.append(migration.version) }
        }
        let current = try Self.currentVersion(db)
        if current > latestVersion {
            throw StoreError.schemaTooNew(found: current, supported: latestVersion)
        }
        return applied
    }

    /// The newest applied version, 0 for none.
    static func currentVersion(_ db: Database) throws -> Int {
        Int(try db.scalarInt("SELECT coalesce(max(version), 0) FROM schema_migration") ?? 0)
    }

    /// The first row `PRAGMA foreign_key_check` reports, as "table row rowid → parent" (the rowid
    /// is "?" in a WITHOUT ROWID table), or nil.
    static func firstForeignKeyViolation(_ db: Database) throws -> String? {
        var found: String?
        try db.query("SELECT * FROM pragma_foreign_key_check LIMIT 1") { row in
            found = "\(row.text(0) ?? "?") row \(row.isNull(1) ? "?" : String(row.int(1))) → \(row.text(2) ?? "?")"
        }
        return found
    }

    /// Throws `notPhoneServiceDatabase` when the file's `application_id` is another application's
    /// (0 is a new or unmarked file). Run before anything writes, so a refused file is untouched.
    static func requirePhoneServiceDatabase(_ db: Database) throws {
        let applicationID = try db.scalarInt("PRAGMA application_id") ?? 0
        guard applicationID == 0 || applicationID == Self.applicationID else {
            throw StoreError.notPhoneServiceDatabase
        }
    }
}
