import CSQLite
import Foundation

/// The thread that hands the writer's results to their callers, in commit order, and makes the
/// commits durable first when the writer does not wait for the disk itself (`GroupCommitter` with
/// `syncsLog`, durability `full`; without a log to flush it only delivers): the writer commits a
/// group with `synchronous=NORMAL`,
/// which writes the group's frames to the WAL without an fsync, and submits the group's results
/// here; this thread takes every group submitted so far, flushes the WAL once (`fdatasync`, through
/// SQLite's VFS, as a `synchronous=FULL` commit does) and only then delivers their results, in the
/// order the groups committed. Meanwhile the writer runs the next group: the fsync of one group and
/// the work of the next overlap instead of taking turns.
///
/// Why this keeps `full`'s promise: a write hears of its success only after an fsync of the WAL
/// that began after its `COMMIT` had written the frames, so the write is on the disk when it is
/// acknowledged, as with `synchronous=FULL`. What a crash or power loss can take is a prefix-closed
/// tail: WAL frames are replayed in order up to the last intact commit, so a lost group takes every
/// later group with it, and none of those had been acknowledged. SQLite's NORMAL keeps the file
/// consistent on its own (it syncs the WAL before every checkpoint, and a restarted WAL's header).
/// The one difference from FULL: other connections can read a group's rows during its fsync,
/// before its writes are acknowledged (SQLite with FULL makes a commit visible after its sync).
final class LogSyncer: @unchecked Sendable {
    // @unchecked: `pending`, `stopped` and `thread` are only touched under `condition`.
    typealias Flush = @Sendable (UnsafeMutablePointer<sqlite3_file>) throws -> Void

    /// A group's results, and whether they wait for a flush (a group that wrote nothing does not).
    private struct Batch {
        var outcomes: [Ran]
        var needsFlush: Bool
    }

    private let condition = NSCondition()
    private var pending: [Batch] = []
    private var stopped = false
    private var thread: pthread_t?
    private let finished = DispatchSemaphore(value: 0)
    /// The writer's WAL: SQLite's file object, the same for the connection's life (it stays open,
    /// in WAL mode, until the syncer has stopped); nil when commits need no flush from here.
    private let log: UnsafeMutablePointer<sqlite3_file>?
    private let flush: Flush
    private let observation: StoreObservation

    init(
        log: UnsafeMutablePointer<sqlite3_file>?, flush: @escaping Flush = LogSyncer.sync,
        observation: StoreObservation = StoreObservation()
    ) {
        self.log = log
        self.flush = flush
        self.observation = observation
    }

    /// The file object of `db`'s WAL, which must be in WAL mode, after a read that opens it if
    /// needed (SQLite opens the WAL at a connection's first transaction); nil when there is still
    /// none (an empty database has no WAL until its first write).
    static func openLog(of db: Database) throws -> UnsafeMutablePointer<sqlite3_file>? {
        if let file = CSQLite_journalFile(db.handle) { return file }
        _ = try db.scalarInt("SELECT count(*) FROM sqlite_schema")
        return CSQLite_journalFile(db.handle)
    }

    /// Flushes `file` to the disk.
    @Sendable static func sync(_ file: UnsafeMutablePointer<sqlite3_file>) throws(SQLiteError) {
        let rc = CSQLite_syncFile(file)
        guard rc == SQLITE_OK else {
            throw SQLiteError(
                extendedCode: rc,
                message: "could not flush the write-ahead log to the disk: \(String(cString: sqlite3_errstr(rc)))")
        }
    }

    func start() {
        let thread = Thread { [self] in
            condition.withLock { self.thread = pthread_self() }
            run()
            finished.signal()
        }
        thread.name = "phone-store-sync"
        thread.start()
    }

    /// Queues a group's results, delivered after the next flush when `needsFlush`.
    func submit(_ outcomes: [Ran], needsFlush: Bool) {
        condition.withLock {
            pending.append(Batch(outcomes: outcomes, needsFlush: needsFlush))
            condition.signal()
        }
    }

    /// Returns once every queued result is delivered and the thread has ended.
    func stopAndWait() {
        condition.withLock {
            stopped = true
            condition.broadcast()
        }
        finished.wait()
    }

    /// Whether the caller runs on this thread (in a completion).
    var isCurrentThread: Bool {
        condition.withLock { thread.map { pthread_equal($0, pthread_self()) != 0 } ?? false }
    }

    private func run() {
        while true {
            let batches: [Batch] = condition.withLock {
                while pending.isEmpty && !stopped { condition.wait() }
                defer { pending.removeAll(keepingCapacity: true) }
                return pending
            }
            if batches.isEmpty { return }
            // One flush covers every group committed before it began.
            var failure: StoreError?
            if let log, batches.contains(where: \.needsFlush) {
                let start = DispatchTime.now().uptimeNanoseconds
                do { try flush(log) } catch { failure = StoreError(error) }
                observation.observer?.flushedLog(nanoseconds: DispatchTime.now().uptimeNanoseconds - start)
            }
            for batch in batches {
                let failed = batch.needsFlush ? failure : nil
                for ran in batch.outcomes { ran.deliver(failed) }
            }
        }
    }
}
