import CSQLite
import Foundation

/// The one writer: a thread that owns the write connection and commits queued writes in groups.
/// Each write runs in its own savepoint inside a shared `BEGIN IMMEDIATE` transaction, so a write
/// that breaks a rule rolls back alone; one `COMMIT` then covers the whole group, and only after
/// it (and, with durability `full`, the fsync that covers it) does any write of the group hear that
/// it succeeded. Results are handed over by `LogSyncer`'s thread, never on this one: the writer is
/// the bottleneck of every write, so what callers do with a result (render JSON) happens elsewhere.
/// Transaction statements go through `Database.run`, prepared once: `execute` compiles each anew.
final class GroupCommitter: @unchecked Sendable {
    // @unchecked: `queue`, `stopped`, `started` and `writerThread` are only touched under `condition`;
    // `writer` only on the committer thread (or, before `start()`, by the initialiser's caller).

    /// The most writes one transaction carries.
    static let maximumGroup = 256

    /// The write connection; the committer thread closes it (lets it go) when it stops.
    private var writer: Database?
    private let condition = NSCondition()
    private var queue: [WriterJob] = []
    private var stopped = false
    private var started = false
    /// The committer thread has taken its last job: a job submitted now would never run.
    private var finished = false
    /// The committer thread, set by the thread itself before it runs any job, so that `stop()` can
    /// tell when it is called from a job's completion. Its pthread id, not a (weak) reference to the
    /// `Thread`, which LeakSanitizer reported as leaked when the process exited as the thread ended.
    private var writerThread: pthread_t?
    /// Signalled by the committer thread once it has closed the write connection.
    private let closed = DispatchSemaphore(value: 0)
    /// Delivers results in commit order, after flushing the WAL when the log is its to sync.
    private let syncer: LogSyncer

    /// `syncsLog`: commit with `synchronous=NORMAL` and leave the WAL's fsync to the `LogSyncer`
    /// thread (durability `full`); ignored unless `writer` is in WAL mode. `flush` is how the syncer
    /// flushes the WAL (tests hold it back or make it fail).
    /// Told of each commit (metrics); the syncer tells it of each flush.
    private let observation: StoreObservation

    init(
        writer: Database, syncsLog: Bool = false, flush: @escaping LogSyncer.Flush = LogSyncer.sync,
        observation: StoreObservation = StoreObservation()
    ) throws {
        self.writer = writer
        self.observation = observation
        if syncsLog, try writer.scalarText("PRAGMA journal_mode") == "wal", let log = try LogSyncer.openLog(of: writer)
        {
            try writer.execute("PRAGMA synchronous = NORMAL")
            // The unix VFS syncs a new WAL's directory on that file's first sync, and clears a flag
            // when it has: done here, on this thread, the syncer's syncs never touch that flag.
            try LogSyncer.sync(log)
            syncer = LogSyncer(log: log, flush: flush, observation: observation)
        } else {
            syncer = LogSyncer(log: nil, flush: flush, observation: observation)
        }
    }

    func start() {
        syncer.start()
        let thread = Thread { [self] in
            condition.withLock { writerThread = pthread_self() }
            run()
            // Every result is delivered before the connection (and its WAL file) closes.
            syncer.stopAndWait()
            writer = nil
            closed.signal()
        }
        thread.name = "phone-store-writer"
        condition.withLock { started = true }
        thread.start()
    }

    /// Stops after the queued writes are done and returns once the write connection is closed, so
    /// the file can be opened again at once; on the committer or syncer thread itself (a write's
    /// completion that lets the store go), it returns without waiting for itself.
    func stop() {
        let wait = condition.withLock {
            let running = started && !stopped
            stopped = true
            condition.broadcast()
            let onWriter = writerThread.map { pthread_equal($0, pthread_self()) != 0 } ?? false
            return running && !onWriter && !syncer.isCurrentThread
        }
        if wait { closed.wait() }
    }

    /// Jobs waiting for the writer.
    var queueDepth: Int { condition.withLock { queue.count } }

    /// Queues `job`; a job submitted after `stop()` is answered `writerStopped` at once.
    func submit(_ job: WriterJob) {
        let accepted = condition.withLock {
            guard !finished else { return false }
            queue.append(job)
            condition.signal()
            return true
        }
        if !accepted { job.abandon(.writerStopped) }
    }

    private func run() {
        guard let writer else { return }
        while true {
            let jobs: [WriterJob] = condition.withLock {
                while queue.isEmpty && !stopped { condition.wait() }
                guard !queue.isEmpty else {
                    finished = true
                    return []
                }
                // A write that needs no transaction (a checkpoint) runs alone.
                if !queue[0].transactional { return [queue.removeFirst()] }
                let count = min(Self.maximumGroup, queue.prefix(while: \.transactional).count)
                let group = Array(queue.prefix(count))
                queue.removeFirst(count)
                return group
            }
            if jobs.isEmpty { return }
            if jobs.count == 1 && !jobs[0].transactional {
                runAlone(jobs[0], on: writer)
            } else {
                commit(jobs, on: writer)
            }
        }
    }

    /// A write outside any transaction. It may have written (a snapshot restored through the
    /// backup API commits on its own), so a success is flushed like a group.
    private func runAlone(_ job: WriterJob, on writer: Database) {
        do throws(TransactionLost) {
            let ran = try job.run(writer) { true }
            if ran.wrote { observation.observer?.committed(writes: 1) }
            syncer.submit([ran], needsFlush: ran.wrote)
        } catch {
            syncer.submit([Self.abandoned(job, error.error)], needsFlush: false)
        }
    }

    private func commit(_ jobs: [WriterJob], on writer: Database) {
        // Failures go through the syncer too, so that every result is delivered in commit order.
        func fail(_ error: StoreError) {
            syncer.submit(jobs.map { Self.abandoned($0, error) }, needsFlush: false)
        }
        do {
            try writer.run("BEGIN IMMEDIATE")
        } catch {
            return fail(StoreError(error))
        }
        var ran: [Ran] = []
        ran.reserveCapacity(jobs.count)
        for job in jobs {
            do throws(SQLiteError) {
                try writer.run("SAVEPOINT request")
            } catch {
                if writer.isAutocommit { return fail(StoreError(error)) }
                ran.append(Self.abandoned(job, StoreError(error)))
                continue
            }
            do throws(TransactionLost) {
                ran.append(try job.run(writer) { Self.undo(writer) })
            } catch {
                // SQLite rolled the whole transaction back: every write of the group is lost, so
                // none of them may report success.
                return fail(error.error)
            }
            do throws(SQLiteError) {
                try writer.run("RELEASE request")
            } catch {
                guard Self.undo(writer) else { return fail(StoreError(error)) }
                try? writer.run("RELEASE request")
                let failed = ran.removeLast()
                ran.append(Ran(wrote: false, deliver: { _ in failed.deliver(StoreError(error)) }))
            }
        }
        // A group in which every write was refused commits nothing: roll back, no fsync.
        guard ran.contains(where: \.wrote) else {
            try? writer.run("ROLLBACK")
            return syncer.submit(ran, needsFlush: false)
        }
        do {
            try writer.run("COMMIT")
        } catch {
            try? writer.run("ROLLBACK")
            return fail(StoreError(error))
        }
        observation.observer?.committed(writes: ran.count(where: \.wrote))
        syncer.submit(ran, needsFlush: true)
    }

    /// A job answered with `error` when its result is delivered.
    private static func abandoned(_ job: WriterJob, _ error: StoreError) -> Ran {
        Ran(wrote: false, deliver: { _ in job.abandon(error) })
    }

    /// Rolls the savepoint back (it stays open); false when SQLite has already ended the whole
    /// transaction.
    private static func undo(_ writer: Database) -> Bool {
        guard !writer.isAutocommit else { return false }
        try? writer.run("ROLLBACK TO request")
        return true
    }
}
