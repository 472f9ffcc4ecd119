import Synchronization

/// A reference set once, then read without a lock: `AtomicLazyReference`'s contract, in a form whose
/// `load` compiles to an atomic load. That type's `load` is not inlinable in this toolchain, so every
/// request would make a generic call into the library for each read.
struct LazyReference<Instance: AnyObject & Sendable>: ~Copyable, Sendable {
    private let storage = Atomic<Unmanaged<Instance>?>(nil)

    func load() -> Instance? {
        storage.load(ordering: .acquiring)?.takeUnretainedValue()
    }

    /// Keeps `instance` unless one is kept already; returns the one kept.
    func storeIfNil(_ instance: Instance) -> Instance {
        // Retained while it is kept: released in `deinit`, or at once if another was kept first.
        let desired = Unmanaged.passRetained(instance)
        let (exchanged, current) = storage.compareExchange(
            expected: nil, desired: desired, ordering: .acquiringAndReleasing)
        guard !exchanged, let current else { return instance }
        desired.release()
        return current.takeUnretainedValue()
    }

    deinit {
        storage.load(ordering: .acquiring)?.release()
    }
}
