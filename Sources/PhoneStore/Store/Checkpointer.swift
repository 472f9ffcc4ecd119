import CSQLite
import Foundation

/// Copies the write-ahead log into the database file on a thread of its own, so that the writer
/// no longer stops for SQLite's automatic checkpoint, which, every 1,000 pages of log, reads those
/// pages back, writes them into the database file and fsyncs that file, inside a group's `COMMIT`
/// and on the writer's thread (the writes' p99 was these stalls).
///
/// The writer's WAL hook replaces SQLite's automatic checkpoint. Each time the log has grown by
/// `Thresholds.background` pages, it wakes this thread, which runs a PASSIVE checkpoint on a
/// connection of its own: that blocks neither the writer nor the readers, and syncs the log before
/// it copies and the database file after, as every checkpoint does.
///
/// SQLite starts the log over (at the writer's next transaction) only once all of it is in the
/// database file, which a concurrent checkpoint never quite reaches under a steady stream of
/// writes. So from `Thresholds.remainder` pages on, and again every `Thresholds.background` pages
/// more, the writer also checkpoints what is left itself: only the pages written since this
/// thread's last pass, a fraction of a full checkpoint. The log then starts over, which bounds it.
final class Checkpointer: @unchecked Sendable {
    // @unchecked: `requested` and `stopped` are only touched under `condition`; `lastPages`,
    // `requestedAt` and `writerCheckpointedAt` only on the writer's thread, in its WAL hook.

    /// Sizes of the log, in pages, at which to checkpoint.
    struct Thresholds: Sendable {
        /// This thread checkpoints from here on (SQLite's own automatic checkpoint's default).
        var background: Int32 = 1000
        /// The writer copies the remainder itself from here on, and every `background` pages more.
        var remainder: Int32 = 4000
    }

    /// One checkpoint pass on this thread's connection.
    typealias Pass = @Sendable (Database) -> Void

    private let thresholds: Thresholds
    private let open: @Sendable () throws -> Database
    private let pass: Pass
    private let condition = NSCondition()
    private var requested = false
    private var stopped = false
    private let finished = DispatchSemaphore(value: 0)
    // The log's size in pages after the last commit, when this thread was last asked for a pass,
    // and when the writer last copied the remainder itself.
    private var lastPages: Int32 = 0
    private var requestedAt: Int32 = 0
    private var writerCheckpointedAt: Int32 = 0

    /// `open` makes this thread's connection to the writer's database, on first use.
    init(
        thresholds: Thresholds = Thresholds(), pass: @escaping Pass = Checkpointer.passive,
        open: @escaping @Sendable () throws -> Database
    ) {
        self.thresholds = thresholds
        self.pass = pass
        self.open = open
    }

    /// A PASSIVE checkpoint: copies what no reader still needs from the log, waiting for no one.
    @Sendable static func passive(_ db: Database) {
        sqlite3_wal_checkpoint_v2(db.handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    }

    /// Installs the WAL hook on the writer's connection, in place of SQLite's automatic
    /// checkpoint. `detach(from:)` must remove it before this object goes.
    func attach(to writer: Database) {
        sqlite3_wal_hook(
            writer.handle,
            { context, db, name, pages in
                guard let context else { return SQLITE_OK }
                Unmanaged<Checkpointer>.fromOpaque(context).takeUnretainedValue()
                    .committed(pages: pages, on: db, name: name)
                return SQLITE_OK
            }, Unmanaged.passUnretained(self).toOpaque())
    }

    func detach(from writer: Database) {
        sqlite3_wal_hook(writer.handle, nil, nil)
    }

    /// On the writer's thread, after each commit, with the log's size in pages.
    private func committed(pages: Int32, on db: OpaquePointer?, name: UnsafePointer<CChar>?) {
        if pages < lastPages {
            // The log started over.
            requestedAt = 0
            writerCheckpointedAt = 0
        }
        lastPages = pages
        if pages >= thresholds.remainder {
            // The writer's own copy of what is left, every `background` pages; no more requests, so
            // that this thread's pass, which holds SQLite's checkpoint lock, is rarely in the way.
            guard pages >= writerCheckpointedAt + thresholds.background else { return }
            // SQLITE_BUSY while this thread's pass runs: tried again after the next commit.
            if sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nil, nil) == SQLITE_OK {
                writerCheckpointedAt = pages
            }
        } else if pages >= requestedAt + thresholds.background {
            requestedAt = pages
            condition.withLock {
                requested = true
                condition.signal()
            }
        }
    }

    func start() {
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "phone-store-checkpoint"
        thread.start()
    }

    /// Ends the thread after the pass it is running, and closes its connection.
    func stopAndWait() {
        condition.withLock {
            stopped = true
            condition.broadcast()
        }
        finished.wait()
    }

    private func run() {
        var connection: Database?
        while true {
            let proceed: Bool = condition.withLock {
                while !requested && !stopped { condition.wait() }
                requested = false
                return !stopped
            }
            guard proceed else { return }
            // A connection that cannot open (the file went away) is tried again at the next
            // request; meanwhile the writer's own checkpoints keep the log bounded.
            if connection == nil { connection = try? open() }
            if let connection { pass(connection) }
        }
    }
}
