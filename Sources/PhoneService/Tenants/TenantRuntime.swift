import Foundation
import Logging
import PhoneStore

/// One tenant, served: its store (own writer, group commit and fsync), the handlers over it in
/// their route table, and the pipeline its requests go through. The parts that must outlive an
/// idle close (fault rules, throttling, pending device codes) come from `TenantState`.
final class TenantRuntime: Sendable {
    let store: PhoneStore
    let state: TenantState
    let pipeline: RequestPipeline

    /// `serviceRoutes`: routes only the default tenant's table has (the metrics scrape, the
    /// dashboard's pages), added before the metrics attach to every endpoint.
    init(
        store: PhoneStore, state: TenantState, snapshots: String, logger: Logger, requestLog: RequestLog,
        certificateAuthorityPEM: String?, metrics: ServiceMetrics,
        serviceRoutes: (inout RouteTable<Endpoint>) -> Void = { _ in }
    ) {
        self.store = store
        self.state = state
        var routes = RouteTable<Endpoint>()
        for version in APIVersion.allCases {
            PhoneMethodsHandler(store: store).register(in: &routes, version: version)
            SmsPolicyHandler(store: store).register(in: &routes, version: version)
            BatchHandler().register(in: &routes, version: version)
        }
        AdminHandler(
            store: store, snapshots: SnapshotDirectory(path: snapshots), controls: state.controls,
            certificateAuthorityPEM: certificateAuthorityPEM, deviceCodes: state.deviceCodes
        ).register(in: &routes)
        HealthHandler(store: store).register(in: &routes)
        PhoneStatesHandler(store: store).register(in: &routes)
        IdentityHandler(store: store, deviceCodes: state.deviceCodes, authorizationCodes: state.authorizationCodes)
            .register(in: &routes)
        serviceRoutes(&routes)
        metrics.attach(to: &routes)
        metrics.watch(store)
        pipeline = RequestPipeline(
            routes: routes, store: store, controls: state.controls, logger: logger, requestLog: requestLog,
            metrics: metrics)
    }
}
