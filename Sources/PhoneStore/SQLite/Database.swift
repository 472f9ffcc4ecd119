import CSQLite
import Foundation

/// One SQLite connection. Not `Sendable`: a connection is used by one thread at a time, which the
/// store guarantees by handing each connection to one caller at a time.
final class Database {
    let handle: OpaquePointer
    private var statements: [SampledText: Statement] = [:]

    /// Opens (creating when `create` is true) the database at `path`. Connections are opened with
    /// `SQLITE_OPEN_NOMUTEX`: the store never shares one between threads at the same time.
    init(path: String, create: Bool = true, readOnly: Bool = false) throws(SQLiteError) {
        _ = Self.configured
        var connection: OpaquePointer?
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        flags |= readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        if create && !readOnly {
            flags |= SQLITE_OPEN_CREATE
            Self.createOwnerOnly(path)
        }
        let rc = sqlite3_open_v2(path, &connection, flags, nil)
        guard rc == SQLITE_OK, let connection else {
            let error = SQLiteError(code: rc, connection: connection, sql: nil)
            sqlite3_close_v2(connection)
            throw error
        }
        handle = connection
        sqlite3_extended_result_codes(handle, 1)
    }

    /// Process-wide SQLite settings, applied once before the first connection opens.
    private static let configured: Void = {
        _ = CSQLite_disableMemoryStatistics()
    }()

    deinit {
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Creates an empty file at `path` with mode 0600 when there is none. SQLite would create the
    /// database with 0644 less the umask, readable by every local user, though it holds the
    /// tenant's signing key; it gives the -wal and -shm files the database file's mode. In-memory
    /// and temporary databases (":memory:", "") and URIs are left to SQLite.
    static func createOwnerOnly(_ path: String) {
        guard !path.isEmpty, path != ":memory:", !path.hasPrefix("file:") else { return }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd >= 0 { close(fd) }
    }

    /// Runs one or more statements that return no rows we need (pragmas, DDL, transactions).
    func execute(_ sql: String) throws(SQLiteError) {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw SQLiteError(code: rc, connection: handle, sql: sql) }
    }

    /// A prepared statement for `sql`, cached for the life of the connection.
    func statement(_ sql: String) throws(SQLiteError) -> Statement {
        let key = SampledText(sql)
        if let cached = statements[key] { return cached }
        let statement = try Statement(connection: handle, sql: sql, persistent: true)
        statements[key] = statement
        return statement
    }

    /// Runs `sql` with `values` and calls `row` for each result row.
    func query(_ sql: String, _ values: [SQLiteValue] = [], row: (Row) throws -> Void) throws {
        let statement = try statement(sql)
        statement.clear()
        try statement.bind(values)
        defer { statement.reset() }
        while try statement.step() { try row(Row(statement: statement)) }
    }

    /// Runs a statement that returns no rows.
    func run(_ sql: String, _ values: [SQLiteValue] = []) throws(SQLiteError) {
        try run(sql) { statement throws(SQLiteError) in try statement.bind(values) }
    }

    /// Runs a statement that returns no rows, with its parameters bound by `bind` (no array of
    /// values on the way: the journal's flush binds hundreds of parameters a statement).
    func run(_ sql: String, binding bind: (Statement) throws(SQLiteError) -> Void) throws(SQLiteError) {
        let statement = try statement(sql)
        statement.clear()
        defer { statement.reset() }
        try bind(statement)
        while try statement.step() {}
    }

    /// The first column of the first row, as text, or nil when there is no row.
    func scalarText(_ sql: String, _ values: [SQLiteValue] = []) throws -> String? {
        var result: String?
        try query(sql, values) { row in if result == nil { result = row.text(0) } }
        return result
    }

    /// The first column of the first row, as an integer, or nil when there is no row.
    func scalarInt(_ sql: String, _ values: [SQLiteValue] = []) throws -> Int64? {
        var result: Int64?
        try query(sql, values) { row in if result == nil { result = row.int(0) } }
        return result
    }

    /// Replaces this database's content with `source`'s, page by page, with SQLite's online backup
    /// API (which takes the locks it needs, so other connections see the old or the new content).
    func copy(from source: Database) throws(SQLiteError) {
        guard let backup = sqlite3_backup_init(handle, "main", source.handle, "main") else {
            throw SQLiteError(code: sqlite3_errcode(handle), connection: handle, sql: nil)
        }
        var rc: Int32
        repeat {
            rc = sqlite3_backup_step(backup, -1)
            if rc == SQLITE_BUSY || rc == SQLITE_LOCKED { sqlite3_sleep(50) }
        } while rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED
        let finish = sqlite3_backup_finish(backup)
        guard rc == SQLITE_DONE, finish == SQLITE_OK else {
            throw SQLiteError(code: rc == SQLITE_DONE ? finish : rc, connection: handle, sql: nil)
        }
    }

    /// True outside a transaction: after an error, whether SQLite rolled the transaction back.
    var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    /// Number of rows changed by the last INSERT, UPDATE or DELETE.
    var changes: Int { Int(sqlite3_changes(handle)) }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction: commits when it returns, rolls back when it
    /// throws. IMMEDIATE takes the write lock up front, so a writer waits (busy_timeout) at BEGIN
    /// rather than failing with SQLITE_BUSY at its first write after reading.
    func immediateTransaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}

/// The current row of a query, valid only inside the row callback.
struct Row {
    let statement: Statement

    func text(_ column: Int32) -> String? { statement.text(column) }
    func int(_ column: Int32) -> Int64 { statement.int(column) }
    /// The case of `T` named by the column's text, without making a String of it.
    func value<T: RawRepresentable & CaseIterable>(_ column: Int32, as type: T.Type) -> T?
    where T.RawValue == String { statement.value(column, as: type) }
    func blob(_ column: Int32) -> [UInt8] { statement.blob(column) }
    func isNull(_ column: Int32) -> Bool { statement.isNull(column) }
}
