import Foundation

/// Applies the embedded migrations in order, each in its own `BEGIN IMMEDIATE` transaction that
/// also records it in `schema_migration` and `PRAGMA user_version`, so a crash leaves the schema
/// at a whole version. Refuses a database written by a newer phone-service, and one that belongs
/// to another application.
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
    public func migrate(_ db: Database) throws -> [Int] {
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
            let done: Bool = try db.immediateTransaction {
                // Read inside the write lock: another process may have migrated meanwhile.
                let current = Int(try db.scalarInt("SELECT coalesce(max(version), 0) FROM schema_migration") ?? 0)
                if current > latestVersion {
                    throw StoreError.schemaTooNew(found: current, supported: latestVersion)
                }
                guard current < migration.version else { return true }
                try db.execute(migration.sql)
                try db.run(
                    "INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)",
                    [.integer(Int64(migration.version)), .text(migration.name), .text(Timestamp.now())])
                try db.execute("PRAGMA user_version = \(migration.version)")
                try db.execute("PRAGMA application_id = \(Self.applicationID)")
                return false
            }
            if !done { applied.append(migration.version) }
        }
        let current = Int(try db.scalarInt("SELECT coalesce(max(version), 0) FROM schema_migration") ?? 0)
        if current > latestVersion {
            throw StoreError.schemaTooNew(found: current, supported: latestVersion)
        }
        return applied
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
