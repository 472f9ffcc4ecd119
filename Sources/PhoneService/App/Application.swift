import Foundation
import Logging
import PhoneStore

/// The Graph emulator behind the HTTP server, put together: the handlers over one store, the one
/// route table that names them, and the pipeline every request goes through (`RequestPipeline`).
final class Application: Sendable {
    let store: PhoneStore
    let pipeline: RequestPipeline
    /// Test-tenant controls, shared with the admin API: injected faults, throttling, and the
    /// `Retry-After` each caller was given.
    let controls: TestControls
    var faults: FaultPlan { controls.faults }
    var throttle: Throttle { controls.throttle }
    var retries: RetryTracker { controls.retries }
    /// Prometheus metrics, served at `GET /metrics` (and on `--metrics-listen`).
    let metrics: ServiceMetrics

    /// `snapshots`: where the admin API keeps named snapshots; next to the database by default.
    /// `requestLog`: where the line per request goes; through `logger` by default. `faults`: the
    /// fault plan (tests give it a clock of their own). `certificateAuthorityPEM`: the tenant CA's
    /// certificate, which the admin API hands out (nil when HTTPS uses the operator's certificate).
    /// `metrics`: where requests and the store are measured; one per process when several share it.
    init(
        store: PhoneStore, logger: Logger, requestLog: RequestLog? = nil, snapshots: String? = nil,
        faults: FaultPlan = FaultPlan(), certificateAuthorityPEM: String? = nil,
        metrics: ServiceMetrics = ServiceMetrics()
    ) {
        self.store = store
        self.metrics = metrics
        let controls = TestControls(faults: faults, throttle: Throttle(), retries: RetryTracker())
        self.controls = controls
        var routes = RouteTable<Endpoint>()
        for version in APIVersion.allCases {
            PhoneMethodsHandler(store: store).register(in: &routes, version: version)
            SmsPolicyHandler(store: store).register(in: &routes, version: version)
            BatchHandler().register(in: &routes, version: version)
        }
        // Device code sign-ins: started on the sign-in routes, approved through the admin API.
        let deviceCodes = DeviceCodes()
        AdminHandler(
            store: store, snapshots: SnapshotDirectory(path: snapshots ?? store.path + ".snapshots"),
            controls: controls,
            certificateAuthorityPEM: certificateAuthorityPEM, deviceCodes: deviceCodes
        ).register(in: &routes)
        HealthHandler(store: store).register(in: &routes)
        MetricsHandler(metrics: metrics).register(in: &routes)
        DashboardHandler().register(in: &routes)
        PhoneStatesHandler(store: store).register(in: &routes)
        metrics.attach(to: &routes)
        metrics.watch(store)
        IdentityHandler(store: store, deviceCodes: deviceCodes, authorizationCodes: AuthorizationCodes()).register(
            in: &routes)
        pipeline = RequestPipeline(
            routes: routes, store: store, controls: controls, logger: logger,
            requestLog: requestLog ?? RequestLog(sink: .logger(logger)), metrics: metrics)
    }

    /// Answers `request` through `respond` (see `RequestPipeline.handle`).
    func handle(_ request: HTTPRequest, respond: @escaping @Sendable (@escaping HTTPServer.Answer) -> Void) {
        pipeline.handle(request, respond: respond)
    }

    /// The answer to a body over `limit` bytes.
    func tooLarge(_ request: HTTPRequest, limit: Int) -> HTTPResponse {
        pipeline.tooLarge(request, limit: limit)
    }
}
