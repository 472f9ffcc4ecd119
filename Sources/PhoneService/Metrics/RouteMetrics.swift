import Metrics
import Synchronization

/// The request metrics of one route template and one method label, made when a route table is built
/// (`PatternMetrics`). Its series (the duration histogram, a counter per status) are made on the
/// first request that needs them, so a route nobody called adds nothing to the exposition; each is
/// kept in a slot set once (`LazyReference`), so a request finds it again without a lock.
final class RouteMetrics: Sendable {
    let route: String
    let method: String
    private let factory: any MetricsFactory
    private let duration = LazyReference<Metrics.Timer>()
    /// The counters of statuses 100 to 599, by class (1xx to 5xx); a class's block is made on its
    /// first status.
    private let classes = InlineArray<5, LazyReference<StatusCounters>> { _ in LazyReference() }

    init(route: String, method: String, factory: any MetricsFactory) {
        self.route = route
        self.method = method
        self.factory = factory
    }

    /// One request answered `status` after `nanoseconds`.
    func observe(status: Int, nanoseconds: UInt64) {
        let duration =
            duration.load()
            ?? duration.storeIfNil(
                Metrics.Timer(
                    label: ServiceMetrics.Name.requestDuration, dimensions: [("route", route), ("method", method)],
                    factory: factory))
        duration.recordNanoseconds(nanoseconds)
        counter(status).increment()
    }

    /// The counter of `status`. Two requests can make the same one at once: the registry hands both
    /// the same series, and the slot keeps one.
    private func counter(_ status: Int) -> Metrics.Counter {
        // The service sends no other status; one would still be counted, through the registry.
        guard (100...599).contains(status) else { return makeCounter(status) }
        let (hundreds, rest) = status.quotientAndRemainder(dividingBy: 100)
        let block = classes[hundreds - 1].load() ?? classes[hundreds - 1].storeIfNil(StatusCounters())
        return block.slots[rest].load() ?? block.slots[rest].storeIfNil(makeCounter(status))
    }

    private func makeCounter(_ status: Int) -> Metrics.Counter {
        Metrics.Counter(
            label: ServiceMetrics.Name.requests,
            dimensions: [("route", route), ("method", method), ("status", String(status))], factory: factory)
    }
}

/// The counters of one status class (`2xx`), a slot per status.
private final class StatusCounters: Sendable {
    let slots = InlineArray<100, LazyReference<Metrics.Counter>> { _ in LazyReference() }
}
