import CSQLite
import Dispatch
import Foundation
import Testing

@testable import PhoneStore

/// The writer with a `LogSyncer` (durability `full`): commits go to the WAL without an fsync, and
/// a write hears of its success only after a flush of the WAL that began after its commit. The
/// flush is the real one (`LogSyncer.sync`), wrapped so that a test can hold it back or fail it.
struct LogSyncerTests {
    /// A WAL database with one table, and a committer on it with a syncer whose flushes `gate`
    /// controls.
    private static func withCommitter(
        gate: FlushGate = FlushGate(), syncsLog: Bool = true, journalMode: String = "WAL",
        _ body: (GroupCommitter, String) throws -> Void
    ) throws {
        try TemporaryDatabase.with { path in
            let writer = try Database(path: path)
            try writer.execute("PRAGMA journal_mode = \(journalMode)")
            try writer.execute("PRAGMA synchronous = FULL")
            try writer.execute("CREATE TABLE t (x INTEGER NOT NULL UNIQUE)")
            let committer = try GroupCommitter(writer: writer, syncsLog: syncsLog, flush: gate.flush)
            committer.start()
            defer { committer.stop() }
            try body(committer, path)
        }
    }

    /// Inserts `x` into `t` (in a group, or alone outside any transaction as a snapshot restore
    /// commits); `outcomes` receives `x` or the error once the write is acknowledged.
    private static func insert(
        _ x: Int, _ committer: GroupCommitter, into outcomes: Collector<Ack>, inAGroup: Bool = true
    ) {
        let write = PendingWrite(transactional: inAGroup) { db in
            try db.run("INSERT INTO t (x) VALUES (?)", [.integer(Int64(x))])
            return x
        }
        committer.submit(
            PhoneStore.job(write, journal: RequestJournal(settings: .off), owner: nil) { result in
                switch result {
                case .success(let value): outcomes.append(.acknowledged(value))
                case .failure(let error): outcomes.append(.failed("\(error)"))
                }
            })
    }

    /// The rows another connection sees: what is committed, acknowledged or not.
    private static func committedRows(_ path: String) throws -> [Int64] {
        let reader = try Database(path: path, create: false)
        var rows: [Int64] = []
        try reader.query("SELECT x FROM t ORDER BY x") { rows.append($0.int(0)) }
        return rows
    }

    /// So for a write outside any group too (a snapshot restore commits through the backup API on
    /// its own).
    @Test(arguments: [true, false])
    func aWriteIsAcknowledgedOnlyAfterTheFlushThatCoversIt(inAGroup: Bool) throws {
        let gate = FlushGate(holding: true)
        try Self.withCommitter(gate: gate) { committer, path in
            let outcomes = Collector<Ack>()
            Self.insert(1, committer, into: outcomes, inAGroup: inAGroup)
            #expect(gate.waitForFlush(), "the syncer never flushed")
            // Committed (another connection reads it) but not acknowledged while the flush runs:
            // the syncer hands results over after its flush returns, so an acknowledgement sent
            // before the flush would already be here.
            #expect(outcomes.all.isEmpty, "acknowledged before the flush ended")
            let committed = try Self.committedRows(path)
            #expect(committed == [1])
            #expect(outcomes.all.isEmpty, "acknowledged before the flush ended")
            gate.release()
            #expect(outcomes.waitForCount(1))
            #expect(outcomes.all == [.acknowledged(1)])
            #expect(gate.flushes >= 1)
        }
    }

    @Test func groupsCommittedDuringAFlushWaitForTheNextAndAreAcknowledgedInOrder() throws {
        let gate = FlushGate(holding: true)
        try Self.withCommitter(gate: gate) { committer, path in
            let outcomes = Collector<Ack>()
            Self.insert(1, committer, into: outcomes)
            #expect(gate.waitForFlush())
            // The writer goes on while the first flush is held: these commit, in groups of their own.
            for x in 2...20 { Self.insert(x, committer, into: outcomes) }
            #expect(Self.waitUntil { (try? Self.committedRows(path).count) == 20 }, "the writer waited for the flush")
            #expect(outcomes.all.isEmpty)
            gate.release()
            #expect(outcomes.waitForCount(20))
            #expect(outcomes.all == (1...20).map { .acknowledged($0) })
            // One flush for the first group, one (or a few) for all that committed during it.
            #expect(gate.flushes >= 2 && gate.flushes < 20, "\(gate.flushes) flushes")
        }
    }

    @Test func aFailedFlushFailsEveryWriteItCovers() throws {
        let gate = FlushGate(failing: true)
        try Self.withCommitter(gate: gate) { committer, _ in
            let outcomes = Collector<Ack>()
            for x in 1...3 { Self.insert(x, committer, into: outcomes) }
            #expect(outcomes.waitForCount(3))
            for outcome in outcomes.all {
                guard case .failed(let message) = outcome else {
                    Issue.record("a write was acknowledged though its flush failed: \(outcome)")
                    continue
                }
                #expect(message.contains("could not flush"), "\(message)")
            }
        }
    }

    @Test func aRefusedWriteIsAnsweredWithoutAFlush() throws {
        let gate = FlushGate()
        try Self.withCommitter(gate: gate) { committer, _ in
            let outcomes = Collector<Ack>()
            Self.insert(1, committer, into: outcomes)
            #expect(outcomes.waitForCount(1))
            let flushes = gate.flushes
            // A duplicate: its group commits nothing (ROLLBACK), so there is nothing to flush.
            Self.insert(1, committer, into: outcomes)
            #expect(outcomes.waitForCount(2))
            #expect(outcomes.all.count == 2)
            if case .acknowledged = outcomes.all[1] { Issue.record("the duplicate was accepted") }
            #expect(gate.flushes == flushes)
        }
    }

    /// On a WAL database with content, reopened (as a store opens its file), the writer commits
    /// with `synchronous=NORMAL`: the syncer flushes.
    @Test func theWriterCommitsWithNormalAndTheSyncerFlushes() throws {
        try TemporaryDatabase.with { path in
            do {
                let db = try Database(path: path)
                try db.execute("PRAGMA journal_mode = WAL")
                try db.execute("CREATE TABLE t (x INTEGER)")
            }
            let writer = try Database(path: path, create: false)
            try writer.execute("PRAGMA synchronous = FULL")
            _ = try GroupCommitter(writer: writer, syncsLog: true)
            #expect(try writer.scalarInt("PRAGMA synchronous") == 1)
        }
    }

    @Test(arguments: [(false, "WAL"), (true, "DELETE")])
    func withoutASyncerCommitsFlushThemselves(syncsLog: Bool, journalMode: String) throws {
        let gate = FlushGate(holding: true)
        try Self.withCommitter(gate: gate, syncsLog: syncsLog, journalMode: journalMode) { committer, _ in
            let outcomes = Collector<Ack>()
            Self.insert(1, committer, into: outcomes)
            // Answered though the gate holds every flush: there is no syncer to ask.
            #expect(outcomes.waitForCount(1))
            #expect(gate.flushes == 0)
        }
        try TemporaryDatabase.with { path in
            let writer = try Database(path: path)
            try writer.execute("PRAGMA journal_mode = \(journalMode)")
            try writer.execute("PRAGMA synchronous = FULL")
            _ = try GroupCommitter(writer: writer, syncsLog: syncsLog)
            #expect(try writer.scalarInt("PRAGMA synchronous") == 2)
        }
    }

    /// Stopping waits for the acknowledgements still held by a flush: none is lost.
    @Test func stopDeliversWhatAFlushHolds() throws {
        let gate = FlushGate(holding: true)
        let outcomes = Collector<Ack>()
        try TemporaryDatabase.with { path in
            let writer = try Database(path: path)
            try writer.execute("PRAGMA journal_mode = WAL")
            try writer.execute("CREATE TABLE t (x INTEGER NOT NULL UNIQUE)")
            let committer = try GroupCommitter(writer: writer, syncsLog: true, flush: gate.flush)
            committer.start()
            Self.insert(1, committer, into: outcomes)
            #expect(gate.waitForFlush())
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { gate.release() }
            committer.stop()
            #expect(outcomes.all == [.acknowledged(1)])
        }
    }

    private static func waitUntil(_ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return condition()
    }
}

/// What a write heard back.
private enum Ack: Equatable, Sendable {
    case acknowledged(Int)
    case failed(String)
}

/// Wraps the real flush: counts flushes, can hold each one until `release()`, or fail them all.
private final class FlushGate: @unchecked Sendable {
    private let lock = NSCondition()
    private var holding: Bool
    private let failing: Bool
    private var count = 0
    private let started = DispatchSemaphore(value: 0)

    init(holding: Bool = false, failing: Bool = false) {
        self.holding = holding
        self.failing = failing
    }

    var flushes: Int { lock.withLock { count } }

    var flush: LogSyncer.Flush {
        { [self] file in
            lock.withLock { count += 1 }
            started.signal()
            lock.withLock { while holding { lock.wait() } }
            if failing {
                throw SQLiteError(extendedCode: SQLITE_IOERR, message: "could not flush: injected")
            }
            try LogSyncer.sync(file)
        }
    }

    /// Waits for a flush to begin.
    func waitForFlush() -> Bool { started.wait(timeout: .now() + 10) == .success }

    /// Lets held flushes, and every later one, go.
    func release() {
        lock.withLock {
            holding = false
            lock.broadcast()
        }
    }
}

extension Collector {
    /// Waits (up to 10 s) until at least `count` values are in.
    func waitForCount(_ count: Int) -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while all.count < count && Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
        return all.count >= count
    }
}
