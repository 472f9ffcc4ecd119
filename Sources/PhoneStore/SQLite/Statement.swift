import CSQLite

/// A prepared statement. Owned by one `Database` and used by one thread at a time: not `Sendable`.
final class Statement {
    private let handle: OpaquePointer
    private let connection: OpaquePointer
    let sql: String

    init(connection: OpaquePointer, sql: String, persistent: Bool) throws(SQLiteError) {
        var statement: OpaquePointer?
        let flags: UInt32 = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        let rc = sqlite3_prepare_v3(connection, sql, -1, flags, &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw SQLiteError(code: rc, connection: connection, sql: sql)
        }
        self.handle = statement
        self.connection = connection
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// Binds `values` to parameters 1...n (after `clear()`).
    func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .null: try bindNull(at: index)
            case .integer(let v): try bind(v, at: index)
            case .text(let v): try bind(v, at: index)
            case .blob(let v):
                try check(
                    v.withUnsafeBytes {
                        sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), CSQLite_transient())
                    })
            }
        }
    }

    /// Resets the statement and clears its bindings, before binding values one by one.
    func clear() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    func bindNull(at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_null(handle, index))
    }

    func bind(_ value: Int64, at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    /// Binds text, or NULL for nil.
    func bind(_ value: String?, at index: Int32) throws(SQLiteError) {
        guard let text = value else { return try bindNull(at: index) }
        // The byte length, not -1: with -1 SQLite stops at the first NUL, so a key such as
        // "alice@contoso.com\0x" would be bound as "alice@contoso.com" and match alice.
        let rc = text.withContiguousUTF8 { bytes in
            // An empty buffer may have no base address, which SQLite would bind as NULL.
            guard let base = bytes.baseAddress else {
                return sqlite3_bind_text(handle, index, "", 0, CSQLite_transient())
            }
            return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                sqlite3_bind_text(handle, index, $0, Int32(bytes.count), CSQLite_transient())
            }
        }
        try check(rc)
    }

    private func check(_ rc: Int32) throws(SQLiteError) {
        guard rc == SQLITE_OK else { throw SQLiteError(code: rc, connection: connection, sql: sql) }
    }

    /// Advances to the next row: true when a row is available, false when done.
    func step() throws(SQLiteError) -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = SQLiteError(code: rc, connection: connection, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Ends the current execution so the statement holds no read snapshot between uses.
    func reset() { sqlite3_reset(handle) }

    func text(_ column: Int32) -> String? {
        guard let p = sqlite3_column_text(handle, column) else { return nil }
        // By length, like the binding: text may hold a NUL.
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: p, count: count), as: UTF8.self)
    }

    /// The case of `T` whose raw value is the column's text, compared byte by byte: no String is
    /// made for the column (nil for NULL or text that is no case).
    func value<T: RawRepresentable & CaseIterable>(_ column: Int32, as: T.Type) -> T? where T.RawValue == String {
        guard let p = sqlite3_column_text(handle, column) else { return nil }
        let bytes = UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(handle, column)))
        for candidate in T.allCases {
            let same = candidate.rawValue.withContiguousUTF8 { $0.count == bytes.count && $0.elementsEqual(bytes) }
            if same { return candidate }
        }
        return nil
    }

    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let p = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: count))
    }
}

/// A value bound to a statement parameter.
enum SQLiteValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case text(String)
    case blob([UInt8])
}

extension SQLiteValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    init(stringLiteral value: String) { self = .text(value) }
    init(integerLiteral value: Int64) { self = .integer(value) }
}
