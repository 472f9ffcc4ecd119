import Foundation
import PhoneStore
import Synchronization

/// A few tenants made ahead of time, so that `POST /_admin/tenants` without an `id` is a registry
/// commit rather than a file creation (synced) and an open (docs/tenants.md has the costs). Each is
/// a whole tenant at its final path (`FILE.tenants/<id>.db`, a random id), open, but in no
/// registry: a restart removes it like any file of no registered tenant. Refilled by one
/// background queue. No signing key is made: tenants sign with the service's.
final class TenantPool: Sendable {
    let capacity: Int
    private let ready = Mutex<[PhoneStore]>([])
    private let filling = Mutex(false)
    private let queue = DispatchQueue(label: "phone-service-tenant-pool", qos: .utility)
    private let make: @Sendable () throws -> PhoneStore

    /// `make`: a new tenant's store (file copied from the template, opened with a new id).
    init(capacity: Int, make: @escaping @Sendable () throws -> PhoneStore) {
        self.capacity = capacity
        self.make = make
    }

    var readyCount: Int { ready.withLock { $0.count } }

    /// A ready tenant, if one is; starts a refill either way.
    func take() -> PhoneStore? {
        let store = ready.withLock { $0.isEmpty ? nil : $0.removeFirst() }
        fill()
        return store
    }

    /// Makes tenants in the background until `capacity` are ready. A failure (a full disk) stops
    /// this round; creations then take the slow path, which reports the error.
    func fill() {
        guard capacity > 0 else { return }
        let start = filling.withLock { running in
            if running { return false }
            running = true
            return true
        }
        guard start else { return }
        queue.async { [self] in
            defer { filling.withLock { $0 = false } }
            while ready.withLock({ $0.count }) < capacity {
                guard let store = try? make() else { return }
                ready.withLock { $0.append(store) }
            }
        }
    }

    /// Stops refilling and hands back the tenants still waiting (their files are the caller's).
    func drain() -> [PhoneStore] {
        queue.sync {}
        return ready.withLock { stores in
            defer { stores = [] }
            return stores
        }
    }
}
