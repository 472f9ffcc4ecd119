import Metrics

/// The request metrics of one route pattern: a `RouteMetrics` for each method label, the methods
/// its endpoints have and the others a `405` refuses. Made when a route table is built and shared
/// by every table with the pattern (`ServiceMetrics.attach`), so a request picks its series by
/// method without a lock, a registry lookup or a label string.
final class PatternMetrics: Sendable {
    /// The methods counted under their own name; any other is counted as "other", so a client
    /// cannot add label values at will.
    static let methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    private let byMethod: [RouteMetrics]

    init(route: String, factory: any MetricsFactory) {
        byMethod = (Self.methods + ["other"]).map { RouteMetrics(route: route, method: $0, factory: factory) }
    }

    subscript(method: String) -> RouteMetrics {
        byMethod[Self.methods.firstIndex(of: method) ?? Self.methods.count]
    }
}
