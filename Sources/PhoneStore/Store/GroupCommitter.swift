import CSQLite
import Foundation

/// The one writer: a thread that owns the write connection and commits queued writes in groups.
/// Each write runs in its own savepoint inside a shared `BEGIN IMMEDIATE` transaction, so a write
/// that breaks a rule rolls back alone; one `COMMIT` (one fsync with `synchronous=FULL`) then
/// covers the whole group, and only after it does any write of the group hear that it succeeded.
/// Transaction statements go through `Database.run`, prepared once per connection: `execute`
/// (sqlite3_exec) compiled each anew, about 5,700 instructions per SAVEPOINT or RELEASE, 11,000 of
/// a create's 200,000 on the writer (callgrind).
///
/// With `syncer` (durability `full` on a WAL database), the fsync is not the writer's: the writer
/// commits with `synchronous=NORMAL` (SQLite writes the group's frames to the WAL and returns) and
/// goes on with the next group while `LogSyncer` flushes the WAL and only then hands each write of
/// the committed groups its result. A write still hears of its success only after an fsync that
/// began after its `COMMIT`; what changes is that the writer's next group runs during that fsync
/// instead of after it (see `LogSyncer`).
final class GroupCommitter: @unchecked Sendable {
    // @unchecked: `queue`, `stopped`, `started` and `writerThread` are only touched under `condition`;
    // `writer` only on the committer thread (or, before `start()`, by the initialiser's caller).
    typealias Completion = @Sendable (Result<Sendable?, any Error>) -> Void

    struct Job {
        /// Runs on the committer thread, inside a savepoint (or alone, outside any transaction).
        var body: (Database) throws -> Sendable?
        /// Runs right after `body`, in the same savepoint, whether `body` succeeded or threw (then
        /// after `body`'s changes were rolled back), and its value is what `completion` receives:
        /// what must be written with the write's outcome either way (the request journal's row).
        /// When it throws, the savepoint is rolled back whole, `body`'s changes too.
        var epilogue: ((Database, Result<Sendable?, any Error>) throws -> Sendable?)?
        var completion: Completion
        var transactional: Bool
    }

    /// The most writes one transaction carries.
    static let maximumGroup = 256

    /// The write connection; the committer thread closes it (lets it go) when it stops.
    private var writer: Database?
    private let condition = NSCondition()
    private var queue: [Job] = []
    private var stopped = false
    private var started = false
    /// The committer thread, set by the thread itself before it runs any job, so that `stop()` can
    /// tell when it is called from a job's completion. Its pthread id, not a (weak) reference to the
    /// `Thread`: a weak reference gives the `Thread` a side table that only the object's reference
    /// count word points to, in a form LeakSanitizer does not see as a pointer, so a process that
    /// exited while the thread was ending was reported as leaking it.
    private var writerThread: pthread_t?
    /// Signalled by the committer thread once it has closed the write connection.
    private let closed = DispatchSemaphore(value: 0)
    /// Flushes the WAL after commits and delivers their results; nil when commits flush it
    /// themselves (or need not).
    private let syncer: LogSyncer?

    /// `syncsLog`: commit with `synchronous=NORMAL` and leave the WAL's fsync to a `LogSyncer`
    /// thread (used for durability `full`); ignored unless `writer` is in WAL mode. `flush` is how
    /// the syncer flushes the WAL (tests hold it back or make it fail).
    init(writer: Database, syncsLog: Bool = false, flush: @escaping LogSyncer.Flush = LogSyncer.sync) throws {
        self.writer = writer
        if syncsLog, try writer.scalarText("PRAGMA journal_mode") == "wal", let log = try LogSyncer.openLog(of: writer)
        {
            try writer.execute("PRAGMA synchronous = NORMAL")
            // The unix VFS syncs a new WAL's directory on that file's first sync, and clears a flag
            // when it has: done here, on this thread, the syncer's syncs never touch that flag.
            try LogSyncer.sync(log)
            syncer = LogSyncer(log: log, flush: flush)
        } else {
            syncer = nil
        }
    }

    func start() {
        syncer?.start()
        let thread = Thread { [self] in
            condition.withLock { writerThread = pthread_self() }
            run()
            // Every result is delivered before the connection (and its WAL file) closes.
            syncer?.stopAndWait()
            writer = nil
            closed.signal()
        }
        thread.name = "phone-store-writer"
        condition.withLock { started = true }
        thread.start()
    }

    /// Stops after the queued writes are done and returns once the write connection is closed, so
    /// the file can be opened again at once; on the committer thread itself (a write's completion
    /// that lets the store go), it returns without waiting for itself.
    func stop() {
        let wait = condition.withLock {
            let running = started && !stopped
            stopped = true
            condition.broadcast()
            let onWriter = writerThread.map { pthread_equal($0, pthread_self()) != 0 } ?? false
            return running && !onWriter && !(syncer?.isCurrentThread ?? false)
        }
        if wait { closed.wait() }
    }

    func submit(_ job: Job) {
        condition.withLock {
            queue.append(job)
            condition.signal()
        }
    }

    private func run() {
        guard let writer else { return }
        while true {
            let jobs: [Job] = condition.withLock {
                while queue.isEmpty && !stopped { condition.wait() }
                guard !queue.isEmpty else { return [] }
                // A write that needs no transaction (a checkpoint) runs alone.
                if !queue[0].transactional { return [queue.removeFirst()] }
                let count = min(
                    Self.maximumGroup, queue.prefix(while: \.transactional).count)
                let group = Array(queue.prefix(count))
                queue.removeFirst(count)
                return group
            }
            if jobs.isEmpty { return }
            if jobs.count == 1 && !jobs[0].transactional {
                let result = Result { try jobs[0].body(writer) }
                // It may have written (a snapshot restored through the backup API commits on its
                // own): flushed like a group when it succeeded.
                deliver([(jobs[0].completion, result)], committed: (try? result.get()) != nil)
            } else {
                commit(jobs, on: writer)
            }
        }
    }

    private func commit(_ jobs: [Job], on writer: Database) {
        var results: [Result<Sendable?, any Error>] = []
        results.reserveCapacity(jobs.count)
        func fail(_ error: any Error) {
            deliver(jobs.map { ($0.completion, .failure(error)) }, committed: false)
        }
        do {
            try writer.run("BEGIN IMMEDIATE")
        } catch {
            return fail(error)
        }
        for job in jobs {
            switch run(job, on: writer) {
            case .committed(let result):
                results.append(result)
            case .transactionLost(let error):
                // SQLite rolled the whole transaction back (I/O error, disk full): every write of
                // the group is lost, so none of them may report success.
                return fail(error)
            }
        }
        let outcomes = Array(zip(jobs.lazy.map(\.completion), results))
        // A group in which every write was refused commits nothing: roll back, no fsync.
        guard results.contains(where: { (try? $0.get()) != nil }) else {
            try? writer.run("ROLLBACK")
            return deliver(outcomes, committed: false)
        }
        do {
            try writer.run("COMMIT")
        } catch {
            try? writer.run("ROLLBACK")
            return fail(error)
        }
        deliver(outcomes, committed: true)
    }

    /// Hands each write its result: at once, or with a syncer, in order behind the groups before
    /// it and, when `committed`, after the fsync that covers this group's commit.
    private func deliver(_ outcomes: [(Completion, Result<Sendable?, any Error>)], committed: Bool) {
        guard let syncer else {
            for (completion, result) in outcomes { completion(result) }
            return
        }
        syncer.submit(outcomes, needsFlush: committed)
    }

    private enum SavepointOutcome {
        /// The job's result; its changes stay in the group transaction (none when it failed).
        case committed(Result<Sendable?, any Error>)
        /// SQLite ended the whole transaction.
        case transactionLost(any Error)
    }

    /// Runs `job`'s body, then its epilogue, in one savepoint.
    private func run(_ job: Job, on writer: Database) -> SavepointOutcome {
        do {
            try writer.run("SAVEPOINT request")
        } catch {
            return writer.isAutocommit ? .transactionLost(error) : .committed(.failure(error))
        }
        var result = Result { try job.body(writer) }
        if case .failure(let error) = result {
            guard undo(writer) else { return .transactionLost(error) }
        }
        if let epilogue = job.epilogue {
            let settled = Result { try epilogue(writer, result) }
            if case .failure(let error) = settled {
                guard undo(writer) else { return .transactionLost(error) }
            }
            result = settled
        }
        do {
            try writer.run("RELEASE request")
        } catch {
            guard undo(writer) else { return .transactionLost(error) }
            try? writer.run("RELEASE request")
            return .committed(.failure(error))
        }
        return .committed(result)
    }

    /// Rolls the savepoint back (it stays open); false when SQLite has already ended the whole
    /// transaction.
    private func undo(_ writer: Database) -> Bool {
        guard !writer.isAutocommit else { return false }
        try? writer.run("ROLLBACK TO request")
        return true
    }
}
