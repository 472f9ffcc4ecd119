import Foundation
import Synchronization

/// Whether the request journal is kept, and how much of it.
public struct JournalSettings: Sendable, Equatable {
    public var enabled: Bool
    /// The newest rows kept; older ones are pruned.
    public var maximumRows: Int
    /// Rows older than this many seconds are pruned.
    public var maximumAgeSeconds: Int

    public static let defaultMaximumRows = 100_000
    public static let defaultMaximumAgeSeconds = 7 * 24 * 3600
    public static let off = JournalSettings(enabled: false)
    /// The most rows one pruning run deletes for each limit (count, then age).
    public static let rowsPrunedPerRun = 2_000

    public init(
        enabled: Bool = true, maximumRows: Int = defaultMaximumRows, maximumAgeSeconds: Int = defaultMaximumAgeSeconds
    ) {
        self.enabled = enabled
        self.maximumRows = maximumRows
        self.maximumAgeSeconds = maximumAgeSeconds
    }
}

/// The journal's in-memory side: entries of requests that wrote nothing, waiting to be written in
/// one batch (so a read never waits for an fsync), and when the journal was last pruned. A write's
/// entry never comes here: it is inserted in the write's own transaction.
final class RequestJournal: Sendable {
    /// The longest an entry waits in the buffer, and the most entries it holds before a flush is
    /// queued at once. A crash loses at most these (never a write's entry).
    static let flushInterval: DispatchTimeInterval = .milliseconds(100)
    static let flushBatch = 256
    /// Pruning runs at most this often, and deletes at most `pruneLimit` rows per run and kind, so
    /// that pruning never holds the writer (and the writes queued behind it) for more than a few
    /// milliseconds; a run that reached the limit makes the next flush prune again, so retention
    /// keeps up with any request rate, which a fixed number of rows a second does not.
    static let pruneIntervalNanoseconds: UInt64 = 1_000_000_000
    static let pruneLimit = JournalSettings.rowsPrunedPerRun

    /// What the caller of `buffer` must arrange.
    enum Next: Equatable {
        case nothing
        /// Queue a flush on the writer now.
        case flushNow
        /// Queue a flush after `flushInterval`.
        case flushLater
    }

    private struct State {
        var buffered: [JournalEntry] = []
        /// A flush job is on the writer's queue.
        var flushQueued = false
        /// A timer will queue a flush.
        var timerPending = false
        var lastPrune: UInt64 = 0
    }

    let settings: JournalSettings
    private let state = Mutex(State())
    /// The last arrival number taken (`nextSequence`): an atomic, not the mutex, as every journaled
    /// request takes one when it arrives, on whichever pool thread it came.
    private let lastSequence = Atomic<Int64>(0)

    init(settings: JournalSettings) {
        self.settings = settings
    }

    /// The next arrival number: larger than every one taken before from this journal, whichever
    /// thread took it (a read-modify-write always sees the latest value, even relaxed).
    func nextSequence() -> Int64 {
        lastSequence.wrappingAdd(1, ordering: .relaxed).newValue
    }

    /// Makes later numbers larger than `stored`: the largest one the file holds, when the store
    /// opens (so numbers keep growing across restarts) and after a snapshot brought rows back.
    func raiseSequence(above stored: Int64) {
        lastSequence.max(stored, ordering: .relaxed)
    }

    func buffer(_ entry: JournalEntry) -> Next {
        state.withLock { state in
            state.buffered.append(entry)
            if state.flushQueued { return .nothing }
            if state.buffered.count >= Self.flushBatch {
                state.flushQueued = true
                return .flushNow
            }
            if state.timerPending { return .nothing }
            state.timerPending = true
            return .flushLater
        }
    }

    /// The timer went off: true when a flush must be queued now.
    func timerFired() -> Bool {
        state.withLock { state in
            state.timerPending = false
            guard !state.flushQueued, !state.buffered.isEmpty else { return false }
            state.flushQueued = true
            return true
        }
    }

    /// Takes every buffered entry (on the writer thread, in the transaction that writes them).
    func take() -> [JournalEntry] {
        state.withLock { state in
            state.flushQueued = false
            defer { state.buffered.removeAll(keepingCapacity: true) }
            return state.buffered
        }
    }

    var bufferedCount: Int { state.withLock { $0.buffered.count } }

    var hasBuffered: Bool { state.withLock { !$0.buffered.isEmpty } }

    /// Makes the next `pruneDue()` true: the last run left rows to prune.
    func pruneAgain() {
        state.withLock { $0.lastPrune = 0 }
    }

    /// True, at most once per `pruneIntervalNanoseconds`, when it is time to prune.
    func pruneDue() -> Bool {
        let now = DispatchTime.now().uptimeNanoseconds
        return state.withLock { state in
            guard state.lastPrune == 0 || now - state.lastPrune >= Self.pruneIntervalNanoseconds else { return false }
            state.lastPrune = now
            return true
        }
    }
}
