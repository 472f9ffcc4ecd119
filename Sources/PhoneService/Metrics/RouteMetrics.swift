import Metrics
import Synchronization

/// The request metrics of one route template and method, held by its endpoint (made when the route
/// table is built), so a request reaches them through a reference instead of building labels and
/// looking them up. The duration histogram and a counter per status are made on first use, under
/// one lock taken once per request: a route nobody called adds nothing to the exposition, and
/// statuses are few and bounded.
final class RouteMetrics: Sendable {
    let route: String
    let method: String
    private let factory: any MetricsFactory
    private let made = Mutex<(duration: Metrics.Timer?, counters: [Int: Metrics.Counter])>((nil, [:]))

    init(route: String, method: String, factory: any MetricsFactory) {
        self.route = route
        self.method = method
        self.factory = factory
    }

    /// One request answered `status` after `nanoseconds`.
    func observe(status: Int, nanoseconds: UInt64) {
        let (duration, counter) = made.withLock { made in
            let duration =
                made.duration
                ?? Metrics.Timer(
                    label: ServiceMetrics.Name.requestDuration, dimensions: [("route", route), ("method", method)],
                    factory: factory)
            made.duration = duration
            if let counter = made.counters[status] { return (duration, counter) }
            let counter = Metrics.Counter(
                label: ServiceMetrics.Name.requests,
                dimensions: [("route", route), ("method", method), ("status", String(status))], factory: factory)
            made.counters[status] = counter
            return (duration, counter)
        }
        duration.recordNanoseconds(nanoseconds)
        counter.increment()
    }
}
