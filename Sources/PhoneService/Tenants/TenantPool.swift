import Foundation
import PhoneStore
import Synchronization

/// A few tenants made ahead of time, so that `POST /_admin/tenants` without an `id` is a registry
/// commit rather than a file creation (synced), an open and a route table (docs/tenants.md has the
/// costs). Each is a whole tenant at its final path (`FILE.tenants/<id>.db`, a random id), open and
/// ready to serve, but in no registry: a restart removes it like any file of no registered tenant.
/// No signing key is made: tenants sign with the service's.
///
/// Refilled in the background by up to `makers` tenants at a time: when parallel test workers
/// take tenants faster than one maker makes them, the rest would be made on their requests' path.
final class TenantPool: Sendable {
    let capacity: Int
    let makers: Int
    private struct State {
        var ready: [TenantRuntime] = []
        var making = 0
    }
    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "phone-service-tenant-pool", qos: .utility, attributes: .concurrent)
    private let running = DispatchGroup()
    private let make: @Sendable () throws -> TenantRuntime

    /// `make`: a new tenant (file copied from the template, opened with a new id, served).
    init(capacity: Int, makers: Int = 2, make: @escaping @Sendable () throws -> TenantRuntime) {
        self.capacity = capacity
        self.makers = max(1, makers)
        self.make = make
    }

    var readyCount: Int { state.withLock { $0.ready.count } }

    /// A ready tenant, if one is; starts a refill either way.
    func take() -> TenantRuntime? {
        let store = state.withLock { $0.ready.isEmpty ? nil : $0.ready.removeFirst() }
        fill()
        return store
    }

    /// Starts makers until `capacity` tenants are ready or being made. A failure (a full disk)
    /// stops that maker; creations then take the slow path, which reports the error.
    func fill() {
        guard capacity > 0 else { return }
        let starting = state.withLock { state in
            let wanted = min(capacity - state.ready.count, makers) - state.making
            guard wanted > 0 else { return 0 }
            state.making += wanted
            return wanted
        }
        for _ in 0..<starting {
            queue.async(group: running) { [self] in
                let store = try? make()
                state.withLock { state in
                    state.making -= 1
                    if let store { state.ready.append(store) }
                }
                if store != nil { fill() }
            }
        }
    }

    /// Waits for the makers and hands back the tenants still waiting (their files are the
    /// caller's). Called at shutdown, when nothing takes or fills any more.
    func drain() -> [TenantRuntime] {
        running.wait()
        return state.withLock { state in
            defer { state.ready = [] }
            return state.ready
        }
    }
}
