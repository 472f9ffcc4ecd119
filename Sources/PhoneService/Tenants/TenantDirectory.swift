import Foundation
import Logging
import PhoneStore
import Synchronization

/// Every tenant of the service (docs/tenants.md): the default one (the `--db` file, always open)
/// and those its registry lists, each opened on its first request and closed again when more than
/// `maximumOpen` are open (least recently used first), so that 1,000 tenants cost a bounded number
/// of file descriptors and threads. Creation copies a template; nothing here runs a migration or
/// makes an RSA key on a request's path.
final class TenantDirectory: Sendable {
    let defaultTenant: TenantRuntime
    let paths: TenantPaths
    let operatorKey: String
    let maximumOpen: Int
    private let make: @Sendable (PhoneStore, TenantState, String) -> TenantRuntime
    private let inner: Mutex<Inner>
    /// Serialises creations and deletions (file work and the registry's commit), never lookups.
    private let changes = Mutex(())

    private struct Entry {
        var record: TenantRecord
        let state = TenantState()
        var runtime: TenantRuntime?
        var lastUsed: UInt64 = 0
    }

    private struct Inner {
        var entries: [String: Entry] = [:]
        var byAdminKey: [String: String] = [:]
        var openCount = 0
        var clock: UInt64 = 0
        var template: TenantTemplate?
    }

    /// Loads the registry from the default tenant's file (no other file is opened), removes files
    /// no registered tenant owns (a creation or deletion cut short) and tenants created without
    /// `keep` whose files went unused for `expiry` seconds.
    init(
        defaultTenant: TenantRuntime, maximumOpen: Int = 64, expiry: TimeInterval = 86_400, logger: Logger,
        make: @escaping @Sendable (PhoneStore, TenantState, String) -> TenantRuntime
    ) throws {
        self.defaultTenant = defaultTenant
        let store = defaultTenant.store
        paths = TenantPaths(database: store.path)
        operatorKey = try store.operatorKey()
        self.maximumOpen = max(1, maximumOpen)
        self.make = make
        var inner = Inner()
        let now = Date()
        for record in try store.registeredTenants() {
            if !record.keep, let used = Self.lastWrite(paths.file(of: record.id)),
                now.timeIntervalSince(used) > expiry
            {
                try store.perform(.unregisterTenant(id: record.id))
                logger.notice("tenant expired", metadata: ["tenant": "\(record.id)"])
                continue
            }
            inner.entries[record.id] = Entry(record: record)
            inner.byAdminKey[record.adminKey] = record.id
        }
        self.inner = Mutex(inner)
        sweep(keeping: Set(inner.entries.keys))
    }

    /// The most recent modification of a tenant's database or its WAL.
    private static func lastWrite(_ file: String) -> Date? {
        [file, file + "-wal"].compactMap {
            (try? FileManager.default.attributesOfItem(atPath: $0))?[.modificationDate] as? Date
        }.max()
    }

    /// Removes what the tenants' directory holds for tenants not in `keeping`.
    private func sweep(keeping: Set<String>) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: paths.directory) else { return }
        for name in names where !name.hasPrefix(".") {
            let id = String(name.prefix(36))
            if TenantPaths.isValidID(id) && !keeping.contains(id) { removeFiles(of: id) }
        }
    }

    private func removeFiles(of id: String) {
        let file = paths.file(of: id)
        for path in [file, file + "-wal", file + "-shm", paths.snapshots(of: id)] {
            try? FileManager.default.removeItem(atPath: path)
        }
        _ = TenantTemplate.syncDirectory(of: file)
    }

    var records: [TenantRecord] {
        inner.withLock { $0.entries.values.map(\.record) }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    func record(_ id: String) -> TenantRecord? { inner.withLock { $0.entries[id]?.record } }

    /// The tenant whose admin key is `key`, if any but the default one.
    func tenantID(adminKey key: String) -> String? { inner.withLock { $0.byAdminKey[key] } }

    /// No tenant but the default one: Graph requests need not look at the token's `tid`.
    var isEmpty: Bool { inner.withLock { $0.entries.isEmpty } }

    var openTenants: Int { inner.withLock { $0.openCount } }

    /// Tenant `id`, opened if it was closed; nil when there is no such tenant (or it fails to open,
    /// which is logged by the caller's 5xx path as an unknown tenant would not be).
    func runtime(_ id: String) throws -> TenantRuntime? {
        if id == defaultTenant.store.tenant.id { return defaultTenant }
        return try inner.withLock { inner throws -> TenantRuntime? in
            guard var entry = inner.entries[id] else { return nil }
            inner.clock += 1
            entry.lastUsed = inner.clock
            if entry.runtime == nil {
                if inner.openCount >= maximumOpen { Self.closeLeastRecentlyUsed(&inner) }
                let store = try PhoneStore(
                    path: paths.file(of: id), durability: defaultTenant.store.durability,
                    journal: defaultTenant.store.journalSettings)
                entry.runtime = make(store, entry.state, paths.snapshots(of: id))
                inner.openCount += 1
            }
            inner.entries[id] = entry
            return entry.runtime
        }
    }

    /// Lets the least recently used open tenant go: its store closes when the last request that
    /// holds it finishes (its writer drains what was queued, `PhoneStore.deinit`).
    private static func closeLeastRecentlyUsed(_ inner: inout Inner) {
        guard
            let victim = inner.entries.filter({ $0.value.runtime != nil }).min(by: {
                $0.value.lastUsed < $1.value.lastUsed
            })
        else { return }
        inner.entries[victim.key]?.runtime = nil
        inner.openCount -= 1
    }

    /// Closes every open tenant but the default one (shutdown): journal flushed, WAL checkpointed.
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
    }

    enum ChangeError: Error {
        case exists(String)
        case notFound(String)
        case isDefault
    }

    /// Makes a tenant: the template copied to its file (synced), opened with its id, then the
    /// registry's row committed; only then can requests reach it.
    func create(id requested: String?, displayName: String, keep: Bool) throws -> TenantRecord {
        try changes.withLock { _ in
            let id = requested ?? UUID().uuidString.lowercased()
            if id == defaultTenant.store.tenant.id || record(id) != nil { throw ChangeError.exists(id) }
            let template = try inner.withLock { inner throws -> TenantTemplate in
                if let template = inner.template { return template }
                try FileManager.default.createDirectory(
                    atPath: paths.directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                let made = try TenantTemplate(path: paths.template)
                inner.template = made
                return made
            }
            removeFiles(of: id)
            try template.copy(to: paths.file(of: id))
            let store: PhoneStore
            do {
                store = try PhoneStore(
                    path: paths.file(of: id), durability: defaultTenant.store.durability,
                    journal: defaultTenant.store.journalSettings, tenantID: id)
                let record = TenantRecord(
                    id: id, displayName: displayName, adminKey: store.tenant.adminKey, keep: keep,
                    createdAt: Timestamp.now())
                try defaultTenant.store.perform(.registerTenant(record))
                inner.withLock { inner in
                    var entry = Entry(record: record)
                    inner.clock += 1
                    entry.lastUsed = inner.clock
                    if inner.openCount >= maximumOpen { Self.closeLeastRecentlyUsed(&inner) }
                    entry.runtime = make(store, entry.state, paths.snapshots(of: id))
                    inner.openCount += 1
                    inner.entries[id] = entry
                    inner.byAdminKey[record.adminKey] = id
                }
                return record
            } catch {
                removeFiles(of: id)
                throw error
            }
        }
    }

    /// Deletes tenant `id` for good: no request reaches it from now on, its writer drains, the
    /// registry forgets it (a durable commit), then its files and snapshots go. A crash between the
    /// last two leaves files that the next start removes.
    func delete(_ id: String) throws {
        if id == defaultTenant.store.tenant.id { throw ChangeError.isDefault }
        try changes.withLock { _ in
            guard
                let entry = inner.withLock({ inner -> Entry? in
                    guard let entry = inner.entries.removeValue(forKey: id) else { return nil }
                    inner.byAdminKey[entry.record.adminKey] = nil
                    if entry.runtime != nil { inner.openCount -= 1 }
                    return entry
                })
            else { throw ChangeError.notFound(id) }
            entry.runtime?.store.close()
            entry.state.controls.reset()
            try defaultTenant.store.perform(.unregisterTenant(id: id))
            removeFiles(of: id)
        }
    }
}
