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
    /// The migrations this open applied (none when the file was up to date; all for a new one).
    public let appliedMigrations: [Int]
    private let committer: GroupCommitter
    private let readers: ConnectionPool
    /// The request journal's settings and its buffer of entries waiting to be written.
    let journal: RequestJournal
    /// Whether and how much of the request journal this store keeps (other tenants' stores get the same).
    public var journalSettings: JournalSettings { journal.settings }
    private let observation = StoreObservation()
    /// The store whose file keeps the service's signing keys (the default tenant's); nil when that
    /// is this one.
    let service: PhoneStore?
    /// The service's signing keys as last read, when this store keeps them.
    let serviceKeyState: Mutex<[SigningKeyRecord]>

    /// Opens (creating when missing) the database at `path`, migrates it and creates the tenant on
    /// first use, with id `tenantID` when given (a new tenant of a multi-tenant service).
    /// `journal`: whether and how much of the request journal to keep. `service`: the default
    /// tenant's store, for another tenant of the service (it keeps the signing keys tenants share).
    public init(
        path: String, durability: Durability = .full, journal: JournalSettings = JournalSettings(),
        migrator: Migrator = Migrator(), tenantID: String? = nil, service: PhoneStore? = nil
    ) throws(StoreError) {
        self.path = path
        self.durability = durability
        self.journal = RequestJournal(settings: journal)
        self.service = service
        do {
            let writer = try Database(path: path)
            // Refuse another application's file before `configure` switches it to WAL.
            try writer.execute("PRAGMA busy_timeout = 5000")
            try Migrator.requirePhoneServiceDatabase(writer)
            try Self.configure(writer, durability: durability, readOnly: false)
            self.appliedMigrations = try migrator.migrate(writer)
            self.journal.raiseSequence(above: try Self.largestJournalSequence(in: writer))
            self.tenantState = Mutex(try Self.loadOrCreateTenant(writer, id: tenantID))
            self.serviceKeyState = Mutex(
                service == nil ? try Self.signingKeys(in: writer, table: .service) : [])
            self.schemaVersion = migrator.latestVersion
            self.committer = try GroupCommitter(
                writer: writer, syncsLog: durability == .full, observation: observation)
        } catch {
            throw StoreError(error)
        }
        self.readers = ConnectionPool(maximumIdle: 64) {
            let db = try Database(path: path, create: false)
            try Self.configure(db, durability: durability, readOnly: true)
            return db
        }
        committer.start()
    }

    /// Tells `observer` of every commit and log flush from now on (nil: no one).
    public func observe(_ observer: (any StoreObserver)?) { observation.set(observer) }

    /// Writes queued for the writer, not yet taken into a transaction (for metrics).
    public var writerQueueDepth: Int { committer.queueDepth }

    /// Journal rows answered but still buffered in memory (for metrics).
    public var bufferedJournalRows: Int { journal.bufferedCount }

    deinit {
        // Buffered journal entries go in before the writer stops (it runs what is queued).
        if journal.hasBuffered {
            committer.submit(Self.job(.flushJournal(journal, prune: false), journal: journal, owner: nil) { _ in })
        }
        committer.stop()
    }

    /// Stops the writer after the writes queued so far (buffered journal entries included), and
    /// waits for it: the file can be removed afterwards. Later writes answer `writerStopped`.
    public func close() {
        if journal.hasBuffered {
            committer.submit(Self.job(.flushJournal(journal, prune: false), journal: journal, owner: nil) { _ in })
        }
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

    private static func loadOrCreateTenant(_ db: Database, id: String?) throws -> Tenant {
        try db.immediateTransaction {
            if let tenant = try Self.tenant(in: db) { return tenant }
            let created = Tenant(
                id: id ?? UUID().uuidString.lowercased(), signingKey: Tenant.makeSigningKey(),
                adminKey: Tenant.makeAdminKey()
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
        guard let tenant else { return nil }
        return Tenant(
            id: tenant.id, signingKey: tenant.signingKey, adminKey: tenant.adminKey,
            signingKeys: try signingKeys(in: db))
    }

    /// Reads the tenant (and the service's signing keys) again from the database and serves that:
    /// another process (the command line minting the first token) may have added a signing key
    /// since they were loaded.
    @discardableResult
    public func reloadTenant() throws(StoreError) -> Tenant {
        guard let tenant = try read({ db in try Self.tenant(in: db) }) else { throw .noTenant }
        replaceTenant(tenant)
        try reloadServiceSigningKeys()
        return tenant
    }

    /// Replaces the tenant the store serves, after a write that changed it committed.
    func replaceTenant(_ tenant: Tenant) {
        tenantState.withLock { $0 = tenant }
    }

    /// Runs `body` on a read connection, in one read transaction: one snapshot for every statement
    /// of `body`, and one WAL read lock instead of one per statement.
    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try readers.withConnection { db in
                try db.run("BEGIN")
                defer { try? db.run("COMMIT") }
                return try body(db)
            }
        } catch {
            throw StoreError(error)
        }
    }

    /// Queues `write` for the writer thread and returns at once. `completion` receives its result
    /// after the `COMMIT` that covers it (and, with durability `full`, the fsync after that), on the
    /// thread that delivers results, never the writer's. It is called exactly once, whatever happens.
    public func submit<Value>(
        _ write: PendingWrite<Value>, completion: @escaping @Sendable (Result<Value, StoreError>) -> Void
    ) {
        committer.submit(Self.job(write, journal: journal, owner: self, completion: completion))
    }

    /// Runs `write` and waits for its result: for callers that may block (the command line, the
    /// watchdog, tests), never a libmicrohttpd pool thread.
    @discardableResult
    public func perform<Value>(_ write: PendingWrite<Value>) throws(StoreError) -> Value {
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome<Value>()
        submit(write) { result in
            outcome.result = result
            done.signal()
        }
        done.wait()
        return try (outcome.result ?? .failure(.writerStopped)).get()
    }

    /// Runs `body` on the writer inside a write's savepoint and waits: raw SQL on the writer, for tests.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) throws(StoreError) -> T {
        try perform(PendingWrite(body))
    }

    /// Inserts `entry` on the writer's connection, as a write's journal row is (tests).
    func record(_ entry: JournalEntry, in db: Database) throws {
        try Self.record(entry, journal: journal, in: db)
    }

    /// The writer's job for `write`: runs it, records its journal row in the same savepoint, and
    /// keeps the result typed until it is delivered. Captures the journal, not the store: a flush
    /// queued by `deinit` runs after the store is gone (`owner` is then nil).
    static func job<Value>(
        _ write: PendingWrite<Value>, journal: RequestJournal, owner: PhoneStore?,
        completion: @escaping @Sendable (Result<Value, StoreError>) -> Void
    ) -> WriterJob {
        // A journal row that did not commit (the transaction or its flush failed, or the journal
        // function threw) is recorded through the buffer instead, with the failure the write answers.
        let answer: @Sendable (Result<Value, StoreError>, _ journaled: Bool) -> Void = {
            [weak owner] result, journaled in
            if let makeEntry = write.journal, let owner {
                if !journaled, let entry = try? makeEntry(result) { owner.recordLater(entry) }
                // Pruning rides on a flush job: with writes alone no flush would ever run.
                if journaled && journal.pruneDue() { owner.submitJournalFlush(prune: true) }
            }
            completion(result)
        }
        return WriterJob(
            transactional: write.transactional,
            run: { db, undo throws(TransactionLost) in
                var result: Result<Value, StoreError>
                do {
                    result = .success(try write.operation(db))
                } catch {
                    result = .failure(StoreError(error))
                    guard undo() else { throw TransactionLost(error: StoreError(error)) }
                }
                var recorded = true
                var insertedRow = false
                if let makeEntry = write.journal, journal.settings.enabled {
                    do {
                        if let entry = try makeEntry(result) {
                            try Self.record(entry, journal: journal, in: db)
                            insertedRow = true
                        }
                    } catch {
                        guard undo() else { throw TransactionLost(error: StoreError(error)) }
                        recorded = false
                        result = .failure(
                            error is SQLiteError ? StoreError(error) : .journalFailed(String(describing: error)))
                    }
                }
                let (settled, journaled) = (result, recorded)
                // A refused write whose journal row went in has written too: the group commits it.
                return Ran(
                    wrote: insertedRow || (try? settled.get()) != nil,
                    deliver: { failure in
                        if let failure { return answer(.failure(failure), false) }
                        if let committed = write.committed, case .success(let value) = settled { committed(value) }
                        answer(settled, journaled)
                    })
            },
            abandon: { error in answer(.failure(error), false) })
    }
}

/// The result a waiting `perform` receives from the delivering thread. @unchecked: written once
/// before the semaphore is signalled, read once after it was waited for.
private final class Outcome<T>: @unchecked Sendable {
    var result: Result<T, StoreError>?
}
