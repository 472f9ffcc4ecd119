import Foundation
import Logging
import PhoneStore

/// The Graph emulator behind the HTTP server, put together: the tenants (each its own store,
/// handlers, route table and pipeline, `TenantRuntime`), and the one decision made before any of
/// them sees a request: which tenant it is for (`handle`, docs/tenants.md).
final class Application: Sendable {
    let tenants: TenantDirectory
    /// `/_admin/tenants` and its sub-routes, opened by the operator key.
    let operatorPipeline: RequestPipeline
    /// The default tenant (the `--db` file), which a single-tenant service is.
    var defaultTenant: TenantRuntime { tenants.defaultTenant }
    var store: PhoneStore { defaultTenant.store }
    var pipeline: RequestPipeline { defaultTenant.pipeline }
    var controls: TestControls { defaultTenant.state.controls }
    var faults: FaultPlan { controls.faults }
    var throttle: Throttle { controls.throttle }
    var retries: RetryTracker { controls.retries }
    /// Prometheus metrics, served at `GET /metrics` (and on `--metrics-listen`).
    let metrics: ServiceMetrics

    /// `snapshots`: where the admin API keeps the default tenant's named snapshots; next to the
    /// database by default (other tenants': `FILE.tenants/<id>.snapshots`). `requestLog`: where the
    /// line per request goes; through `logger` by default. `faults`: the default tenant's fault plan
    /// (tests give it a clock of their own). `certificateAuthorityPEM`: the service CA's
    /// certificate, which the admin API hands out (nil when HTTPS uses the operator's certificate).
    /// `maximumOpenTenants`, `tenantExpiry` and `tenantPool`: see `TenantDirectory`. `metrics`: where
    /// requests and the stores are measured; one per process when several share it.
    init(
        store: PhoneStore, logger: Logger, requestLog: RequestLog? = nil, snapshots: String? = nil,
        faults: FaultPlan = FaultPlan(), certificateAuthorityPEM: String? = nil, maximumOpenTenants: Int = 64,
        tenantExpiry: TimeInterval = 86_400, tenantPool: Int = 4, metrics: ServiceMetrics = ServiceMetrics()
    ) throws {
        self.metrics = metrics
        let requestLog = requestLog ?? RequestLog(sink: .logger(logger))
        let make: @Sendable (PhoneStore, TenantState, String) -> TenantRuntime = { store, state, snapshots in
            TenantRuntime(
                store: store, state: state, snapshots: snapshots, logger: logger, requestLog: requestLog,
                certificateAuthorityPEM: certificateAuthorityPEM, metrics: metrics)
        }
        let defaultTenant = TenantRuntime(
            store: store, state: TenantState(faults: faults), snapshots: snapshots ?? store.path + ".snapshots",
            logger: logger, requestLog: requestLog, certificateAuthorityPEM: certificateAuthorityPEM, metrics: metrics,
            serviceRoutes: { routes in
                // The service's own routes: one scrape and one dashboard for every tenant.
                MetricsHandler(metrics: metrics).register(in: &routes)
                DashboardHandler().register(in: &routes)
            })
        let tenants = try TenantDirectory(
            defaultTenant: defaultTenant, maximumOpen: maximumOpenTenants, expiry: tenantExpiry, pool: tenantPool,
            logger: logger, make: make)
        self.tenants = tenants
        // Weakly: the metrics outlive nothing they report on (the directory holds the pipelines,
        // which hold the metrics, so a strong capture would keep the whole service alive).
        metrics.tenancy { [weak tenants] in
            guard let tenants else { return (0, 0) }
            return (tenants.records.count + 1, tenants.openTenants + 1)
        }
        var routes = RouteTable<Endpoint>()
        OperatorHandler(tenants: tenants).register(in: &routes)
        metrics.attach(to: &routes)
        let operatorKey = tenants.operatorKey
        operatorPipeline = RequestPipeline(
            routes: routes, store: store, controls: defaultTenant.state.controls, logger: logger,
            requestLog: requestLog, metrics: metrics, adminKey: { operatorKey })
    }

    /// Answers `request` through `respond` (see `RequestPipeline.handle`), in the tenant it is for.
    func handle(_ request: HTTPRequest, respond: @escaping @Sendable (@escaping HTTPServer.Answer) -> Void) {
        let route: TenantRoute
        do {
            route = try TenantRoute(request, tenants: tenants)
        } catch {
            let failure = GraphError(error)
            return respond { [pipeline] in pipeline.refuse(request, failure) }
        }
        switch route {
        case .tenant(let runtime): runtime.pipeline.handle(request, respond: respond)
        case .operatorRoutes: operatorPipeline.handle(request, respond: respond)
        case .forwarded(let runtime, let forwarded):
            runtime.pipeline.handle(forwarded, authenticated: true, respond: respond)
        case .refused(let failure): respond { [pipeline] in pipeline.refuse(request, failure) }
        }
    }

    /// The answer to a body over `limit` bytes.
    func tooLarge(_ request: HTTPRequest, limit: Int) -> HTTPResponse {
        pipeline.tooLarge(request, limit: limit)
    }
}
