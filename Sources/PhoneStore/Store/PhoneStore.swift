import Foundation
import Synchronization

/// The tenant's state in one SQLite file: users, roles and phone methods, with the API's rules
/// enforced by the schema. Reads run on pooled read connections in parallel, one read transaction
/// each; writes go to one writer thread (`GroupCommitter`) that commits them in groups, each write
/// in its own savepoint, and report success only after the `COMMIT` that covers them (which, with
/// `synchronous=FULL`, has reached the disk).
public final class PhoneStore: @unchecked Sendable {
    // @unchecked: the writer connection belongs to `committer`'s thread; readers come from
    // `ConnectionPool`, which hands each connection to one caller at a time. Everything else is
    // immutable.
    public let path: String
    public let durability: Durability
    /// The tenant as last read from the database; a reset that rotates the signing key and a
    /// snapshot restore replace it.
    public var tenant: Tenant { tenantState.withLock { $0 } }
    private let tenantState: Mutex<Tenant>
    public let schemaVersion: Int
    private let committer: GroupCommitter
    private let readers: ConnectionPool
    /// The request journal's settings and its buffer of entries waiting to be written.
    let journal: RequestJournal

    /// Opens (creating when missing) the database at `path`, migrates it and creates the tenant on
    /// first use. `journal`: whether and how much of the request journal to keep.
    public init(
        path: String, durability: Durability = .full, journal: JournalSettings = JournalSettings(),
        migrator: Migrator = Migrator()
    ) throws {
        self.path = path
        self.durability = durability
        self.journal = RequestJournal(settings: journal)
        do {
            let writer = try Database(path: path)
            // Refuse another application's file before `configure` switches it to WAL.
            try writer.execute("PRAGMA busy_timeout = 5000")
            try Migrator.requirePhoneServiceDatabase(writer)
            try Self.configure(writer, durability: durability, readOnly: false)
            try migrator.migrate(writer)
            self.tenantState = Mutex(try Self.loadOrCreateTenant(writer))
            self.schemaVersion = migrator.latestVersion
            self.committer = try GroupCommitter(writer: writer, syncsLog: durability == .full)
        } catch let error as SQLiteError {
            throw StoreError(error)
        }
        self.readers = ConnectionPool(maximumIdle: 64) {
            let db = try Database(path: path, create: false)
            try Self.configure(db, durability: durability, readOnly: true)
            return db
        }
        committer.start()
    }

    deinit {
        // Buffered journal entries go in before the writer stops (it runs what is queued).
        if journal.hasBuffered { submitJournalFlush(prune: false) }
        committer.stop()
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
            if let tenant = try Self.tenant(in: db) { return tenant }
            let created = Tenant(
                id: UUID().uuidString.lowercased(), signingKey: Tenant.makeSigningKey(), adminKey: Tenant.makeAdminKey()
            )
            try db.run(
                "INSERT INTO tenant (singleton, id, signing_key, admin_key, created_at) VALUES (1, ?, ?, ?, ?)",
                [.text(created.id), .blob(created.signingKey), .text(created.adminKey), .text(Timestamp.now())])
            return created
        }
    }

    static func tenant(in db: Database) throws -> Tenant? {
        var tenant: Tenant?
        try db.query("SELECT id, signing_key, admin_key FROM tenant") { row in
            tenant = Tenant(id: row.text(0) ?? "", signingKey: row.blob(1), adminKey: row.text(2) ?? "")
        }
        return tenant
    }

    /// Reads the tenant again after something replaced it in the database.
    func reloadTenant() throws {
        guard let tenant = try read({ db in try Self.tenant(in: db) }) else { throw StoreError.noTenant }
        tenantState.withLock { $0 = tenant }
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

    /// Runs `body` on the writer thread, inside its own savepoint of a group transaction, and
    /// returns after the `COMMIT` that covers it. A thrown error undoes `body`'s changes only, so a
    /// rejected request writes nothing. `transaction: false` runs `body` alone, outside any
    /// transaction (a checkpoint). Waits on the calling thread: see `submitWrite` to not wait.
    public func write<T>(transaction: Bool = true, _ body: @escaping (Database) throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome<T>()
        submit(transaction: transaction, body) { result in
            outcome.result = result
            done.signal()
        }
        done.wait()
        guard let result = outcome.result else { throw StoreError.writerStopped }
        return try result.get()
    }

    /// Queues `body` for the writer thread and returns at once; `completion` runs on the writer
    /// thread after the `COMMIT` that covers the write (or with its error). Never blocks.
    public func submitWrite<T: Sendable>(
        _ body: @escaping @Sendable (Database) throws -> T,
        completion: @escaping @Sendable (Result<T, any Error>) -> Void
    ) {
        submit(transaction: true, body, completion: completion)
    }

    /// Like `submitWrite(_:completion:)`, with `settle` run on the writer thread right after
    /// `body`, in the same savepoint of the same transaction, whether `body` succeeded or threw
    /// (then after its changes were undone): it writes what belongs with the outcome either way (a
    /// journal row) and makes the value `completion` receives after the `COMMIT`. When `settle`
    /// throws, `body`'s changes are undone too and `completion` receives the error.
    public func submitWrite<T: Sendable, R: Sendable>(
        _ body: @escaping @Sendable (Database) throws -> T,
        settle: @escaping @Sendable (Result<T, any Error>, Database) throws -> R,
        completion: @escaping @Sendable (Result<R, any Error>) -> Void
    ) {
        submit(
            transaction: true, body,
            settle: { result, db in
                UncheckedSendable(try settle(result.mapError { Self.storeError($0) }, db))
            },
            completion: completion)
    }

    private func submit<T>(
        transaction: Bool, _ body: @escaping (Database) throws -> T,
        completion: @escaping @Sendable (Result<T, any Error>) -> Void
    ) {
        submit(transaction: transaction, body, settle: nil, completion: completion)
    }

    /// Queues a job whose result (`settle`'s, or else `body`'s) reaches `completion` as `R`.
    private func submit<T, R>(
        transaction: Bool, _ body: @escaping (Database) throws -> T,
        settle: ((Result<T, any Error>, Database) throws -> UncheckedSendable<R>)?,
        completion: @escaping @Sendable (Result<R, any Error>) -> Void
    ) {
        committer.submit(
            GroupCommitter.Job(
                body: { db in UncheckedSendable(try body(db)) },
                epilogue: settle.map { settle in
                    { db, result in
                        try settle(result.map { ($0 as? UncheckedSendable<T>)?.value }.flatMap(Self.unbox), db)
                    }
                },
                completion: { result in
                    switch result {
                    case .success(let value):
                        guard let boxed = value as? UncheckedSendable<R> else { return }
                        completion(.success(boxed.value))
                    case .failure(let error):
                        completion(.failure(Self.storeError(error)))
                    }
                },
                transactional: transaction))
    }

    private static func unbox<T>(_ value: T?) -> Result<T, any Error> {
        guard let value else { return .failure(StoreError.writerStopped) }
        return .success(value)
    }

    /// SQLite's errors as the store reports them.
    private static func storeError(_ error: any Error) -> any Error {
        if let error = error as? SQLiteError { return StoreError(error) }
        return error
    }
}

/// Carries a value across the writer thread boundary. @unchecked: used only where the caller waits
/// for the writer (the value is never touched by two threads at once), or for values the store
/// itself produced on the writer thread and hands over exactly once.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// The result a waiting `write` receives from the writer thread. @unchecked: written once by the
/// writer before it signals, read once by the waiter after.
private final class Outcome<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
