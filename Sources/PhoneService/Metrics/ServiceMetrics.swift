import Metrics
import PhoneStore
import Prometheus
import Synchronization

/// The service's metrics, kept with swift-metrics in a Prometheus registry of the application's own
/// (no global bootstrap: tests run several applications in one process). Counters and histograms
/// move as things happen; gauges of state (requests in flight, the writer's queue, the journal's
/// buffer, tenants) are read when scraped, so the hot path pays nothing for them. One per process:
/// several route tables and stores (tenants) can report to it, and series with the same labels add
/// up (the registry hands out the same counter for the same name and labels).
final class ServiceMetrics: Sendable {
    /// Metric names; labels stay bounded: route templates and methods the table knows, statuses.
    enum Name {
        static let requests = "phone_service_http_requests_total"
        static let requestDuration = "phone_service_http_request_duration_seconds"
        static let inFlight = "phone_service_http_requests_in_flight"
        static let writeGroups = "phone_service_store_write_groups_total"
        static let writesPerGroup = "phone_service_store_writes_per_group"
        static let fsyncDuration = "phone_service_store_fsync_duration_seconds"
        static let writerQueue = "phone_service_store_writer_queue_depth"
        static let journalBuffered = "phone_service_journal_buffered_rows"
        static let tokenCacheHits = "phone_service_token_cache_hits_total"
        static let tokenCacheMisses = "phone_service_token_cache_misses_total"
        static let tenants = "phone_service_tenants"
        static let openDatabases = "phone_service_open_databases"
        static let faults = "phone_service_faults_applied_total"
        static let throttled = "phone_service_throttled_requests_total"
    }

    /// What the service holds, for the tenants and open databases gauges: one tenant in one
    /// database today; a multi-tenant service gives its own count here.
    typealias Tenancy = @Sendable () -> (tenants: Int, databases: Int)

    let registry = PrometheusCollectorRegistry()
    let factory: PrometheusMetricsFactory
    let tokenCacheHits: Metrics.Counter
    let tokenCacheMisses: Metrics.Counter
    let faultsApplied: Metrics.Counter
    let throttled: Metrics.Counter
    let store: StoreMetrics
    private let inFlight: Metrics.Gauge
    private let writerQueue: Metrics.Gauge
    private let journalBuffered: Metrics.Gauge
    private let tenants: Metrics.Gauge
    private let openDatabases: Metrics.Gauge
    /// The sources read at scrape time: servers' requests in flight, the store, the tenancy.
    private let sampled = Mutex<(inFlight: [@Sendable () -> Int], stores: [WeakStore], tenancy: Tenancy)>(
        ([], [], { (1, 1) }))

    /// A store watched until it closes (a multi-tenant service closes idle tenants' stores).
    private struct WeakStore: Sendable {
        weak var store: PhoneStore?
    }
    /// Each route pattern's request metrics, shared by the tables that have it (tenants'); read and
    /// added to when a table is built, never by a request.
    private let patterns = Mutex<[String: PatternMetrics]>([:])
    /// The request metrics of requests no route matched: `route="unmatched"`.
    let unmatched: PatternMetrics

    init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        // Requests take microseconds to milliseconds here; a slow disk's fsync up to a second.
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
        ]
        factory.valueHistogramBuckets[Name.writesPerGroup] = [1, 2, 4, 8, 16, 32, 64, 128, 256]
        self.factory = factory
        tokenCacheHits = Counter(label: Name.tokenCacheHits, factory: factory)
        tokenCacheMisses = Counter(label: Name.tokenCacheMisses, factory: factory)
        faultsApplied = Counter(label: Name.faults, factory: factory)
        throttled = Counter(label: Name.throttled, factory: factory)
        store = StoreMetrics(factory: factory)
        inFlight = Metrics.Gauge(label: Name.inFlight, factory: factory)
        writerQueue = Metrics.Gauge(label: Name.writerQueue, factory: factory)
        journalBuffered = Metrics.Gauge(label: Name.journalBuffered, factory: factory)
        tenants = Metrics.Gauge(label: Name.tenants, factory: factory)
        openDatabases = Metrics.Gauge(label: Name.openDatabases, factory: factory)
        unmatched = PatternMetrics(route: "unmatched", factory: factory)
    }

    /// The request metrics of the route pattern `route`, made on the first table that has it.
    func pattern(_ route: String) -> PatternMetrics {
        patterns.withLock { patterns in
            if let metrics = patterns[route] { return metrics }
            let metrics = PatternMetrics(route: route, factory: factory)
            patterns[route] = metrics
            return metrics
        }
    }

    /// Reads `count` (a server's requests in flight) at every scrape.
    func countInFlight(_ count: @escaping @Sendable () -> Int) { sampled.withLock { $0.inFlight.append(count) } }

    /// Gives every endpoint of `routes` its pattern's request metrics (once, when the table is
    /// built), so a request only follows a reference.
    func attach(to routes: inout RouteTable<Endpoint>) {
        routes.updateHandlers { pattern, _, endpoint in endpoint.metrics = self.pattern(pattern) }
    }

    /// Observes `store`'s writer and adds its queue and journal buffer to the gauges at every
    /// scrape, for as long as it is open.
    func watch(_ store: PhoneStore) {
        store.observe(self.store)
        sampled.withLock { sampled in
            sampled.stores.removeAll { $0.store == nil }
            sampled.stores.append(WeakStore(store: store))
        }
    }

    /// Where the tenants and open databases gauges come from (one tenant, one database by default).
    func tenancy(_ tenancy: @escaping Tenancy) { sampled.withLock { $0.tenancy = tenancy } }

    /// The Prometheus text exposition (version 0.0.4), gauges sampled now.
    func exposition() -> [UInt8] {
        let (counts, stores, tenancy) = sampled.withLock { ($0.inFlight, $0.stores.compactMap(\.store), $0.tenancy) }
        inFlight.record(counts.reduce(0) { $0 + $1() })
        writerQueue.record(stores.reduce(0) { $0 + $1.writerQueueDepth })
        journalBuffered.record(stores.reduce(0) { $0 + $1.bufferedJournalRows })
        let held = tenancy()
        tenants.record(held.tenants)
        openDatabases.record(held.databases)
        return registry.emitToBuffer()
    }
}
