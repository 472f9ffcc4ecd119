import CSQLite

/// A failed SQLite call: the extended result code, the text of `sqlite3_errmsg` read at the failing
/// call, and the SQL it ran. The extended code is what rule mapping keys on first
/// (`SQLITE_CONSTRAINT_CHECK`, `SQLITE_CONSTRAINT_TRIGGER`, ...); the message carries the
/// constraint or trigger name.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public let extendedCode: Int32
    public let message: String
    public let sql: String?

    public var primaryCode: Int32 { extendedCode & 0xff }

    /// A constraint failed (CHECK, UNIQUE, FOREIGN KEY, a trigger's RAISE, ...): the statement was
    /// undone, the transaction goes on.
    public var isConstraint: Bool { primaryCode == SQLITE_CONSTRAINT }

    /// Another connection held the lock past `busy_timeout`: worth retrying, not a bug.
    public var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }

    public var description: String {
        "SQLite error \(extendedCode): \(message)" + (sql.map { " (in: \($0))" } ?? "")
    }

    init(code: Int32, connection: OpaquePointer?, sql: String?) {
        self.extendedCode = connection.map { sqlite3_extended_errcode($0) } ?? code
        self.message =
            connection.flatMap { sqlite3_errmsg($0).map { String(cString: $0) } }
            ?? String(cString: sqlite3_errstr(code))
        self.sql = sql
    }

    init(extendedCode: Int32, message: String, sql: String? = nil) {
        self.extendedCode = extendedCode
        self.message = message
        self.sql = sql
    }
}
