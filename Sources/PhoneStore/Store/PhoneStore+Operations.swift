import CSQLite
import Foundation

extension PhoneStore {
    /// Proves the database still answers: a read on a pooled connection, and the write lock taken
    /// and released on the writer (within `busy_timeout`). Used by the watchdog and `/healthz`.
    public func probe() throws(StoreError) {
        try probeRead()
        try perform(.probe)
    }

    /// The read half of `probe()`: a read on a pooled connection.
    public func probeRead() throws(StoreError) {
        _ = try read { db in try db.scalarInt("SELECT count(*) FROM schema_migration") }
    }

    /// `PRAGMA integrity_check` and `foreign_key_check`: an empty list when the file is sound,
    /// otherwise what SQLite found.
    public static func check(path: String) throws(StoreError) -> [String] {
        do {
            let db = try Database(path: path, create: false, readOnly: true)
            try db.execute("PRAGMA busy_timeout = 5000")
            var problems: [String] = []
            try db.query("PRAGMA integrity_check") { row in
                if let line = row.text(0), line != "ok" { problems.append(line) }
            }
            try db.query("PRAGMA foreign_key_check") { row in
                problems.append("foreign key violation in \(row.text(0) ?? "?") row \(row.int(1))")
            }
            return problems
        } catch {
            throw StoreError(error)
        }
    }

    /// A quick structural check for start-up (`PRAGMA quick_check`).
    public func quickCheck() throws(StoreError) -> Bool {
        try read { db in try db.scalarText("PRAGMA quick_check") == "ok" }
    }

    /// Writes a consistent copy of the live database to `destination` (which must not exist), while
    /// the service keeps serving: `VACUUM INTO` reads one snapshot.
    public func backup(to destination: String) throws(StoreError) {
        do {
            // Its own connection: the pooled readers are query_only, and the writer must stay free.
            let db = try Database(path: path, create: false)
            try db.execute("PRAGMA busy_timeout = 5000")
            // VACUUM INTO writes into an empty file that exists: create it owner-only first.
            Database.createOwnerOnly(destination)
            try db.run("VACUUM INTO ?", [.text(destination)])
        } catch {
            throw StoreError(error)
        }
    }

    /// Folds the WAL back into the database file, so the file alone is the whole state.
    public func checkpoint() throws(StoreError) {
        try perform(PendingWrite(transactional: false) { db in try db.execute("PRAGMA wal_checkpoint(TRUNCATE)") })
    }

    /// Copies `source` (a phone-service database) over `destination` with SQLite's online backup
    /// API. Refuses a source that is not a sound phone-service database, and an existing
    /// destination unless `force`.
    public static func restore(from source: String, to destination: String, force: Bool) throws(StoreError) {
        guard FileManager.default.fileExists(atPath: source) else { throw StoreError.restoreSourceMissing(source) }
        let problems = try check(path: source)
        guard problems.isEmpty else { throw StoreError.restoreSourceDamaged(problems.first ?? "") }
        do {
            let from = try Database(path: source, create: false, readOnly: true)
            guard try from.scalarInt("PRAGMA application_id") == Migrator.applicationID else {
                throw StoreError.notPhoneServiceDatabase
            }
            if FileManager.default.fileExists(atPath: destination) && !force {
                throw StoreError.restoreWouldOverwrite(destination)
            }
            let to = try Database(path: destination)
            try to.execute("PRAGMA busy_timeout = 5000")
            try to.copy(from: from)
        } catch {
            throw StoreError(error)
        }
    }
}

extension PendingWrite where Value == Void {
    /// Takes the write lock and lets it go: proves the writer is alive and the database writable.
    public static var probe: PendingWrite { PendingWrite { _ in } }
}
