import CSQLite
import Dispatch
import Foundation
import Testing

@testable import PhoneStore

/// The writer with a `Checkpointer`: the write-ahead log is copied into the database file by a
/// thread of its own, not by the writer inside a commit, and the writer copies only the remainder
/// once the log is large, so that it starts over. What is in the database file itself is read from
/// a copy of that file alone, without its log.
struct CheckpointerTests {
    /// Rows of 3,000 bytes: every commit of one adds a page (and its parent) to the log.
    private static let rowBytes = 3000
    /// The size of one page in the log, with its frame header (SQLite's default 4,096-byte pages).
    private static let framePages = 4096 + 24

    /// A WAL database at `path` with table `t` already in the database file, and a committer on it
    /// with a checkpointer whose passes `gate` controls, stopped when `body` returns.
    private static func withCommitter(
        path: String, thresholds: Checkpointer.Thresholds, gate: PassGate, _ body: (GroupCommitter) throws -> Void
    ) throws {
        do {
            let writer = try Database(path: path)
            try writer.execute("PRAGMA journal_mode = WAL")
            try writer.execute("PRAGMA synchronous = OFF")
            try writer.execute("CREATE TABLE t (x INTEGER PRIMARY KEY, pad BLOB NOT NULL)")
            try writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            let checkpointer = Checkpointer(thresholds: thresholds, pass: gate.pass) {
                let db = try Database(path: path, create: false)
                try db.execute("PRAGMA synchronous = OFF")
                return db
            }
            let committer = try GroupCommitter(writer: writer, checkpointer: checkpointer)
            committer.start()
            defer {
                gate.release()
                committer.stop()
            }
            try body(committer)
        }
    }

    /// Commits rows `from..<to` of `t`, one commit each, and returns the largest size the log
    /// file reached, in pages.
    @discardableResult
    private static func commitRows(_ rows: Range<Int>, _ committer: GroupCommitter, path: String) throws -> Int {
        var largest = 0
        for x in rows {
            let done = DispatchSemaphore(value: 0)
            let failure = Collector<String>()
            committer.submit(
                GroupCommitter.Job(
                    body: { db in
                        try db.run(
                            "INSERT INTO t (x, pad) VALUES (?, zeroblob(?))",
                            [.integer(Int64(x)), .integer(Int64(rowBytes))])
                        return x
                    },
                    epilogue: nil,
                    completion: { result in
                        if case .failure(let error) = result { failure.append("\(error)") }
                        done.signal()
                    },
                    transactional: true))
            guard done.wait(timeout: .now() + 10) == .success else {
                throw CommitFailed(message: "commit \(x) timed out")
            }
            if let error = failure.all.first { throw CommitFailed(message: "commit \(x) failed: \(error)") }
            largest = max(largest, logPages(path))
        }
        return largest
    }

    /// The pages the log file holds (its size; SQLite writes a restarted log over from the start).
    private static func logPages(_ path: String) -> Int {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path + "-wal")
        let size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
        return max(0, size - 32) / framePages
    }

    /// The rows of `t` in the database file itself: read from a copy of that file without its log.
    private static func rowsInDatabaseFile(_ path: String) throws -> Int64 {
        let copy = TemporaryDatabase.makePath()
        defer { TemporaryDatabase.remove(copy) }
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        return try Database(path: copy, create: false).scalarInt("SELECT count(*) FROM t") ?? -1
    }

    @Test func theLogIsCopiedByTheCheckpointerThreadNotByTheWriter() throws {
        let gate = PassGate(holding: true)
        // The writer never copies the remainder here.
        let thresholds = Checkpointer.Thresholds(background: 1000, remainder: 1_000_000)
        try TemporaryDatabase.with { path in
            try Self.withCommitter(path: path, thresholds: thresholds, gate: gate) { committer in
                // Past SQLite's automatic checkpoint (1,000 pages), which the writer would have run.
                try Self.commitRows(0..<600, committer, path: path)
                #expect(Self.logPages(path) > 1100)
                #expect(gate.waitForPass(), "the checkpointer was never asked for a pass")
                #expect(try Self.rowsInDatabaseFile(path) == 0, "the writer checkpointed")
                gate.release()
                #expect(gate.waitForCompletedPasses(1))
                // The pass copied everything committed before it began.
                #expect(try Self.rowsInDatabaseFile(path) == 600)
            }
        }
    }

    @Test func theWriterCopiesTheRemainderSoTheLogStartsOver() throws {
        // The checkpointer's passes never run: only the writer's copies bound the log.
        let gate = PassGate(holding: true)
        let thresholds = Checkpointer.Thresholds(background: 50, remainder: 200)
        try TemporaryDatabase.with { path in
            try Self.withCommitter(path: path, thresholds: thresholds, gate: gate) { committer in
                let largest = try Self.commitRows(0..<1000, committer, path: path)
                // A commit adds at most a few pages past the point where the writer copied.
                #expect(largest <= 200 + 50 + 8, "the log grew to \(largest) pages")
                #expect(try Self.rowsInDatabaseFile(path) > 0)
                #expect(gate.completedPasses == 0)
            }
        }
    }

    @Test func everyRowIsInTheDatabaseFileAfterTheWriterStops() throws {
        let gate = PassGate()
        let thresholds = Checkpointer.Thresholds(background: 20, remainder: 100)
        try TemporaryDatabase.with { path in
            try Self.withCommitter(path: path, thresholds: thresholds, gate: gate) { committer in
                try Self.commitRows(0..<300, committer, path: path)
                #expect(gate.waitForCompletedPasses(1))
            }
            // The checkpointer's connection closed with the writer's: the last one to close copied
            // the rest of the log and removed it.
            #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
            #expect(try Self.rowsInDatabaseFile(path) == 300)
        }
    }
}

private struct CommitFailed: Error {
    let message: String
}

/// Wraps the real pass (`Checkpointer.passive`): counts passes, can hold each one until
/// `release()`.
private final class PassGate: @unchecked Sendable {
    private let lock = NSCondition()
    private var holding: Bool
    private var completed = 0
    private let started = DispatchSemaphore(value: 0)

    init(holding: Bool = false) {
        self.holding = holding
    }

    var completedPasses: Int { lock.withLock { completed } }

    var pass: Checkpointer.Pass {
        { [self] db in
            started.signal()
            lock.withLock { while holding { lock.wait() } }
            Checkpointer.passive(db)
            lock.withLock {
                completed += 1
                lock.broadcast()
            }
        }
    }

    /// Waits for a pass to begin.
    func waitForPass() -> Bool { started.wait(timeout: .now() + 10) == .success }

    /// Waits (up to 10 s) until `count` passes have ended.
    func waitForCompletedPasses(_ count: Int) -> Bool {
        let deadline = Date().addingTimeInterval(10)
        return lock.withLock {
            while completed < count {
                if !lock.wait(until: deadline) { return completed >= count }
            }
            return true
        }
    }

    /// Lets held passes, and every later one, go.
    func release() {
        lock.withLock {
            holding = false
            lock.broadcast()
        }
    }
}
