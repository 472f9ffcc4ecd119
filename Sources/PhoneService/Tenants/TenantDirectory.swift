import Foundation
import Logging
import PhoneStore
import Synchronization

/// Every tenant of the service (docs/tenants.md): the default one (the `--db` file, always open)
/// and those its registry lists, each opened on its first request and closed again when more than
/// `maximumOpen` are open (least recently used first), so that 1,000 tenants cost a bounded number
/// of file descriptors and threads. Creation and deletion: `TenantDirectory+Changes.swift`.
final class TenantDirectory: Sendable {
    let defaultTenant: TenantRuntime
    let paths: TenantPaths
    let operatorKey: String
    let maximumOpen: Int
    /// Unused (unwritten) seconds after which a start removes a tenant created without `keep`.
    let expiry: TimeInterval
    let make: @Sendable (PhoneStore, TenantState, String) -> TenantRuntime
    let inner: Mutex<Inner>
    let pool: TenantPool
    let templates: TemplateCache
    /// Where closed tenants' stores are let go: closing one waits for its writer thread and
    /// checkpoints its WAL, which no request should wait for.
    static let releases = DispatchQueue(label: "phone-service-tenant-close", qos: .utility)

    struct Entry {
        var record: TenantRecord
        var state = TenantState()
        var runtime: TenantRuntime?
        var lastUsed: UInt64 = 0
    }

    struct Inner {
        var entries: [String: Entry] = [:]
        /// Tenant ids by the SHA-256 of their admin key: a lookup compares digests, so its timing
        /// says nothing about how much of a presented key matched (the tenant's pipeline then
        /// compares the key itself in constant time).
        var byAdminKey: [[UInt8]: String] = [:]
        var openCount = 0
        var clock: UInt64 = 0
        /// Ids being created or deleted: taken, but not (or no longer) served.
        var changing: Set<String> = []
    }

    /// Loads the registry from the default tenant's file (no other file is opened), removes files
    /// no registered tenant owns (a creation or deletion cut short, a pool's tenants) and tenants
    /// created without `keep` whose files went unused for `expiry` seconds. `pool`: tenants made
    /// ahead of time (`TenantPool`).
    init(
        defaultTenant: TenantRuntime, maximumOpen: Int = 64, expiry: TimeInterval = 86_400, pool: Int = 4,
        logger: Logger, make: @escaping @Sendable (PhoneStore, TenantState, String) -> TenantRuntime
    ) throws {
        self.defaultTenant = defaultTenant
        let store = defaultTenant.store
        let paths = TenantPaths(database: store.path)
        self.paths = paths
        operatorKey = try store.operatorKey()
        self.maximumOpen = max(1, maximumOpen)
        self.expiry = expiry
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
            inner.byAdminKey[Secrets.hash(clientSecret: record.adminKey)] = record.id
        }
        self.inner = Mutex(inner)
        let templates = TemplateCache(paths: paths)
        self.templates = templates
        self.pool = TenantPool(capacity: pool) {
            try Self.newTenant(
                id: UUID().uuidString.lowercased(), templates: templates, service: store, make: make)
        }
        // The pool is filled from the first creation on: a service whose tenants only serve
        // keeps no spare files.
        sweep(keeping: Set(inner.entries.keys))
    }

    /// A new tenant `id`, ready to serve: the template copied to its file (synced), opened with its
    /// id as another tenant of `service`'s, and its runtime built. The pool's makers and a creation
    /// that finds the pool empty both make tenants here.
    static func newTenant(
        id: String, templates: TemplateCache, service: PhoneStore,
        make: @Sendable (PhoneStore, TenantState, String) -> TenantRuntime
    ) throws -> TenantRuntime {
        let file = templates.paths.file(of: id)
        try templates.template().copy(to: file)
        let store = try PhoneStore(
            path: file, durability: service.durability, journal: service.journalSettings, tenantID: id,
            service: service)
        return make(store, TenantState(), templates.paths.snapshots(of: id))
    }

    /// The most recent modification of a tenant's database or its WAL. An empty WAL is left out:
    /// SQLite creates one when it opens the file, so a read alone (the dashboard's counts, any
    /// admin GET after a restart) would otherwise count as a write and put off the expiry.
    static func lastWrite(_ file: String) -> Date? {
        [file, file + "-wal"].compactMap { path -> Date? in
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                path == file || ((attributes[.size] as? NSNumber)?.int64Value ?? 0) > 0
            else { return nil }
            return attributes[.modificationDate] as? Date
        }.max()
    }

    var records: [TenantRecord] {
        inner.withLock { $0.entries.values.map(\.record) }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    func record(_ id: String) -> TenantRecord? { inner.withLock { $0.entries[id]?.record } }

    /// The tenant whose admin key is `key`, if any but the default one.
    func tenantID(adminKey key: String) -> String? {
        let digest = Secrets.hash(clientSecret: key)
        return inner.withLock { $0.byAdminKey[digest] }
    }

    /// No tenant but the default one: Graph requests need not look at the token's `tid`.
    var isEmpty: Bool { inner.withLock { $0.entries.isEmpty } }

    /// The `tid` of tokens seen before (a JWT's payload decoded once, not on every request).
    let tenantOfToken = TokenTenantCache()

    var openTenants: Int { inner.withLock { $0.openCount } }

    /// Tenant `id`, opened if it was closed; nil when there is no such tenant. Opening runs under
    /// the directory's lock (a few milliseconds), so two requests never open one tenant twice.
    func runtime(_ id: String) throws -> TenantRuntime? {
        if id == defaultTenant.store.tenant.id { return defaultTenant }
        return try inner.withLock { inner throws -> TenantRuntime? in
            guard var entry = inner.entries[id] else { return nil }
            inner.clock += 1
            entry.lastUsed = inner.clock
            if entry.runtime == nil {
                let store = try PhoneStore(
                    path: paths.file(of: id), durability: defaultTenant.store.durability,
                    journal: defaultTenant.store.journalSettings, service: defaultTenant.store)
                admit(store, &entry, &inner)
            }
            inner.entries[id] = entry
            return entry.runtime
        }
    }

    /// Makes `entry` open on `store`, closing the least recently used tenant first when full.
    func admit(_ store: PhoneStore, _ entry: inout Entry, _ inner: inout Inner) {
        admit(make(store, entry.state, paths.snapshots(of: entry.record.id)), &entry, &inner)
    }

    /// Makes `entry` open as `runtime` (built with `entry.state`), closing the least recently used
    /// tenant first when full.
    func admit(_ runtime: TenantRuntime, _ entry: inout Entry, _ inner: inout Inner) {
        if inner.openCount >= maximumOpen { Self.closeLeastRecentlyUsed(&inner) }
        entry.runtime = runtime
        inner.openCount += 1
    }

    /// Lets the least recently used open tenant go, on the release queue: its store closes when
    /// the last request that holds it finishes (its writer drains what was queued first).
    private static func closeLeastRecentlyUsed(_ inner: inout Inner) {
        let open = inner.entries.filter { $0.value.runtime != nil }
        guard let victim = open.min(by: { $0.value.lastUsed < $1.value.lastUsed }), let runtime = victim.value.runtime
        else { return }
        inner.entries[victim.key]?.runtime = nil
        inner.openCount -= 1
        releases.async { withExtendedLifetime(runtime) {} }
    }
}
