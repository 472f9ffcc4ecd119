import Synchronization

/// Told what the writer does, for metrics: the store knows nothing of how they are kept. Called on
/// the writer's and the log syncer's threads, so an observer must be quick and never block.
public protocol StoreObserver: Sendable {
    /// A transaction committed `writes` writes (a group; 1 for a write that ran alone).
    func committed(writes: Int)
    /// The WAL's flush (`fdatasync`) that made one or more groups durable took `nanoseconds`.
    func flushedLog(nanoseconds: UInt64)
}

/// The store's observer, settable once the store is open (`PhoneStore.observe`), shared by the
/// writer and the syncer.
final class StoreObservation: Sendable {
    private let current = Mutex<(any StoreObserver)?>(nil)

    var observer: (any StoreObserver)? { current.withLock { $0 } }

    func set(_ observer: (any StoreObserver)?) { current.withLock { $0 = observer } }
}
