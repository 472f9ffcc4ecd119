import Foundation

/// The tenant's state in one SQLite file: users, roles and phone methods, with the API's rules
/// enforced by the schema. Reads run on pooled read connections in parallel; writes are
/// serialised on one writer connection, each in its own `BEGIN IMMEDIATE` transaction, and return
/// only after `COMMIT` (which, with `synchronous=FULL`, has reached the disk).
public final class PhoneStore: @unchecked Sendable {
    // @unchecked: `writer` is only used under `writeLock`; readers come from `ConnectionPool`, which
    // hands each connection to one caller at a time. Everything else is immutable.
    public let path: String
    public let durability: Durability
    public let tenant: Tenant
    public let schemaVersion: Int
    private let writeLock = NSLock()
    private let writer: Database
    private let readers: ConnectionPool

    /// Opens (creating when missing) the database at `path`, migrates it and creates the tenant on
    /// first use.
    public init(path: String, durability: Durability = .full, migrator: Migrator = Migrator()) throws {
        self.path = path
        self.durability = durability
        do {
            let writer = try Database(path: path)
            // Refuse another application's file before `configure` switches it to WAL.
            try writer.execute("PRAGMA busy_timeout = 5000")
            try Migrator.requirePhoneServiceDatabase(writer)
            try Self.configure(writer, durability: durability, readOnly: false)
            try migrator.migrate(writer)
            self.tenant = try Self.loadOrCreateTenant(writer)
            self.schemaVersion = migrator.latestVersion
            self.writer = writer
        } catch let error as SQLiteError {
            throw StoreError(error)
        }
        self.readers = ConnectionPool(maximumIdle: 64) {
            let db = try Database(path: path, create: false)
            try Self.configure(db, durability: durability, readOnly: true)
            return db
        }
    }

    static func configure(_ db: Database, durability: Durability, readOnly: Bool) throws(SQLiteError) {
        // busy_timeout first: setting WAL mode itself may wait for another process's lock.
        try db.execute("PRAGMA busy_timeout = 5000")
        if !readOnly { try db.execute("PRAGMA journal_mode = WAL") }
        try db.execute("PRAGMA synchronous = \(durability == .full ? "FULL" : "NORMAL")")
        try db.execute("PRAGMA foreign_keys = ON")
        if readOnly { try db.execute("PRAGMA query_only = ON") }
    }

    private static func loadOrCreateTenant(_ db: Database) throws -> Tenant {
        try db.immediateTransaction {
            var tenant: Tenant?
            try db.query("SELECT id, signing_key FROM tenant") { row in
                tenant = Tenant(id: row.text(0) ?? "", signingKey: row.blob(1))
            }
            if let tenant { return tenant }
            var generator = SystemRandomNumberGenerator()
            let key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let created = Tenant(id: UUID().uuidString.lowercased(), signingKey: key)
            try db.run(
                "INSERT INTO tenant (singleton, id, signing_key, created_at) VALUES (1, ?, ?, ?)",
                [.text(created.id), .blob(key), .text(Timestamp.now())])
            return created
        }
    }

    /// Runs `body` on a read connection. SQLite failures surface as `StoreError`.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            // One read transaction: one snapshot for every statement of `body`, and one WAL read
            // lock instead of one per statement.
            return try readers.withConnection { db in
                try db.run("BEGIN")
                defer { try? db.run("COMMIT") }
                return try body(db)
            }
        } catch let error as SQLiteError {
            throw StoreError(error)
        }
    }

    /// Runs `body` in a write transaction on the writer connection; returns after the commit. A
    /// thrown error rolls the whole transaction back, so a rejected request writes nothing.
    public func write<T>(transaction: Bool = true, _ body: (Database) throws -> T) throws -> T {
        try writeLock.withLock {
            do {
                return transaction ? try writer.immediateTransaction { try body(writer) } : try body(writer)
            } catch let error as SQLiteError {
                throw StoreError(error)
            }
        }
    }
}
