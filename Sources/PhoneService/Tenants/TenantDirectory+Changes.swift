import Foundation
import PhoneStore

extension TenantDirectory {
    enum ChangeError: Error {
        case exists(String)
        case notFound(String)
        case isDefault
    }

    /// Makes a tenant and answers once the registry's row committed; only then can requests reach
    /// it. Without an `id`, a tenant from the pool (made ahead, served already: a commit);
    /// otherwise, or when the pool is empty, the template copied to its file (synced), opened with
    /// its id and served. Creations run side by side (their registry rows share group commits, and
    /// nothing is built under the directory's lock); an id is taken by one at a time.
    func create(id requested: String?, displayName: String, keep: Bool) throws -> TenantRecord {
        var runtime = requested == nil ? pool.take() : nil
        let id = runtime?.store.tenant.id ?? requested ?? UUID().uuidString.lowercased()
        try inner.withLock { inner throws(ChangeError) in
            if id == defaultTenant.store.tenant.id || inner.entries[id] != nil || inner.changing.contains(id) {
                throw .exists(id)
            }
            inner.changing.insert(id)
        }
        defer { _ = inner.withLock { $0.changing.remove(id) } }
        do {
            if runtime == nil {
                removeFiles(of: id)
                runtime = try Self.newTenant(id: id, templates: templates, service: defaultTenant.store, make: make)
            }
            guard let runtime else { throw StoreError.noTenant }
            let record = TenantRecord(
                id: id, displayName: displayName, adminKey: runtime.store.tenant.adminKey, keep: keep,
                createdAt: Timestamp.now())
            try defaultTenant.store.perform(.registerTenant(record))
            inner.withLock { inner in
                var entry = Entry(record: record, state: runtime.state)
                inner.clock += 1
                entry.lastUsed = inner.clock
                admit(runtime, &entry, &inner)
                inner.entries[id] = entry
                inner.byAdminKey[Secrets.hash(clientSecret: record.adminKey)] = id
            }
            return record
        } catch {
            runtime?.store.close()
            removeFiles(of: id)
            throw error
        }
    }

    /// Deletes tenant `id` for good: no request reaches it from now on, its writer drains, the
    /// registry forgets it (a durable commit), then its files and snapshots go. A crash between the
    /// last two leaves files that the next start removes.
    func delete(_ id: String) throws {
        if id == defaultTenant.store.tenant.id { throw ChangeError.isDefault }
        let entry = try inner.withLock { inner throws(ChangeError) -> Entry in
            guard let entry = inner.entries.removeValue(forKey: id) else { throw .notFound(id) }
            inner.byAdminKey[Secrets.hash(clientSecret: entry.record.adminKey)] = nil
            if entry.runtime != nil { inner.openCount -= 1 }
            inner.changing.insert(id)
            return entry
        }
        defer { _ = inner.withLock { $0.changing.remove(id) } }
        entry.runtime?.store.close()
        entry.state.controls.reset()
        try defaultTenant.store.perform(.unregisterTenant(id: id))
        removeFiles(of: id)
    }

    /// Closes every open tenant but the default one (shutdown): journal flushed, WAL checkpointed;
    /// the pool's tenants are removed.
    func closeAll() {
        let open = inner.withLock { inner -> [TenantRuntime] in
            let open = inner.entries.values.compactMap(\.runtime)
            for key in inner.entries.keys { inner.entries[key]?.runtime = nil }
            inner.openCount = 0
            return open
        }
        for runtime in open {
            try? runtime.store.flushJournal()
            try? runtime.store.checkpoint()
            runtime.store.close()
        }
        for runtime in pool.drain() {
            runtime.store.close()
            removeFiles(of: runtime.store.tenant.id)
        }
    }

    /// Removes what the tenants' directory holds for tenants not in `keeping`.
    func sweep(keeping: Set<String>) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: paths.directory) else { return }
        for name in names where !name.hasPrefix(".") {
            let id = String(name.prefix(36))
            if TenantPaths.isValidID(id) && !keeping.contains(id) { removeFiles(of: id) }
        }
    }

    func removeFiles(of id: String) {
        let file = paths.file(of: id)
        for path in [file, file + "-wal", file + "-shm", paths.snapshots(of: id)] {
            try? FileManager.default.removeItem(atPath: path)
        }
        _ = TenantTemplate.syncDirectory(of: file)
    }
}
